// Base64url (RFC 4648 section 5) without padding, as JOSE uses it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apiserver::auth {

// Decodes unpadded base64url; nullopt on any character outside the alphabet, on padding, or on
// a length no encoder produces.
std::optional<std::string> base64url_decode(std::string_view text);

// Decodes standard base64 with optional padding (HTTP Basic credentials).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace apiserver::auth
