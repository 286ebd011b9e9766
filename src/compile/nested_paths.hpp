// The shapes of path templates that nested collections are found by
// (/posts/{postId}/comments under the item path /posts/{id}).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace apiserver::compile {

// The last segment of `path` ("comments" for "/posts/{postId}/comments").
std::string last_segment(const std::string& path);

// `path` with every parameter written {}: templates that differ only in parameter names name
// the same paths ("/posts/{}/comments").
std::string path_shape(const std::string& path);

// The item path a collection path nests under: `path` less its last segment, when that segment
// is plain and the one before it a single parameter ("/posts/{postId}" for
// "/posts/{postId}/comments"); nullopt otherwise.
std::optional<std::string> nesting_item_path(const std::string& path);

// The names of the parameters of `path`, the last one first ({"postId", "userId"} for
// "/users/{userId}/posts/{postId}").
std::vector<std::string> path_parameters_innermost_first(const std::string& path);

}  // namespace apiserver::compile
