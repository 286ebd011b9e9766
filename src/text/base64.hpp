// Base64 (RFC 4648): the standard alphabet with padding (section 4; HTTP Basic credentials)
// and the URL-safe alphabet without padding (section 5; JOSE / JWT segments and JWK members).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apiserver::text {

// Standard alphabet, padded with "=" to a multiple of 4 characters.
std::string base64_encode(std::string_view bytes);

// URL-safe alphabet ("-" and "_"), without padding.
std::string base64url_encode(std::string_view bytes);

// Decodes standard base64 whose padding is present (length a multiple of 4, at most two "="
// at the end); nullopt on any other character, on missing or misplaced padding, or on
// non-zero bits after the last byte (two encodings must not decode to the same bytes).
std::optional<std::string> base64_decode(std::string_view text);

// Decodes unpadded base64url; nullopt on any character outside the alphabet, on padding, on
// a length no encoder produces, or on non-zero bits after the last byte.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace apiserver::text
