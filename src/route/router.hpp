// Path template matching ("/todos/{id}", "/files/{name}.json") over a trie
// of segments: literal segments win over parameters, so "/todos/count" and
// "/todos/{id}" can coexist.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace apiserver::route {

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers `path_template` for `target`. Returns false and explains in
  // `error` when the template is malformed or equivalent to one already added.
  bool add(const std::string& path_template, size_t target, std::string& error);

  struct Match {
    size_t target = 0;
    const std::vector<std::string>* names = nullptr;  // template parameter names, in path order
    std::vector<std::string> values;                  // percent-decoded values
  };

  // Matches a request path as sent (percent-encoded). One trailing slash is
  // ignored. A segment that is not valid percent-encoding never matches.
  std::optional<Match> match(std::string_view raw_path) const;

  // Parameter names of the template registered for `target`.
  const std::vector<std::string>& names(size_t target) const { return names_.at(target); }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::vector<std::string>> names_;  // per target
};

}  // namespace apiserver::route
