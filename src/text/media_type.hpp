// Media type names (RFC 9110 section 8.3.1) as the document and requests write them.
#pragma once

#include <string>

namespace apiserver::text {

// Lower-cased media type without parameters: "Application/JSON; charset=utf-8" ->
// "application/json".
std::string normalize_media_type(const std::string& media_type);

// True when media range `range` ("text/plain", "image/*", "*/*") covers media type `type`;
// both normalized.
bool media_range_covers(const std::string& range, const std::string& type);

// application/json, application/*+json and the like.
bool is_json_media_type(const std::string& normalized);

}  // namespace apiserver::text
