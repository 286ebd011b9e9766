// How a stored row becomes a response body: the properties a client may see
// (write-only ones and an implicit key never), in schema order, with their
// JSON keys quoted once at start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"
#include "store/resource_store.hpp"

namespace apiserver::pipeline {

class ResourceView {
 public:
  explicit ResourceView(const model::Resource& resource);

  // Appends the JSON object for `record` to `out`: every property (those answered as mocks
  // too), or those of `selected` (a mask over the columns, see field_selection.hpp) when it is
  // not empty; then `members`, more members of the object ("author":{...}, embedding.hpp).
  void write(const store::Record& record, std::string& out, const std::vector<bool>& selected = {},
             std::string_view members = {}) const;
  // The key of `record` as it appears in a URL path segment.
  std::string key_segment(const store::Record& record) const;

 private:
  struct Field {
    size_t column;
    std::string quoted_key;  // "\"title\":"
    bool nullable;
  };
  const model::Resource& resource_;
  std::vector<Field> fields_;
  std::string
      mocked_members_;  // "favorited":false,"favoritesCount":0 (Resource::mocked_properties)
  // What an object of usual values takes: reserved before writing one, so that the body grows
  // once rather than doubling from a few bytes.
  size_t usual_bytes_ = 0;
};

}  // namespace apiserver::pipeline
