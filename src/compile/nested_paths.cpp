// Path template shapes for nested collections (see nested_paths.hpp).
#include "compile/nested_paths.hpp"

namespace apiserver::compile {

std::string last_segment(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

std::string path_shape(const std::string& path) {
  std::string shape;
  for (size_t i = 0; i < path.size(); ++i) {
    shape += path[i];
    if (path[i] != '{') continue;
    size_t close = path.find('}', i);
    if (close == std::string::npos) return path;
    shape += '}';
    i = close;
  }
  return shape;
}

std::optional<std::string> nesting_item_path(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size() ||
      path.find_first_of("{}", slash) != std::string::npos)
    return std::nullopt;
  const size_t before = path.rfind('/', slash - 1);
  if (before == std::string::npos) return std::nullopt;
  const std::string segment = path.substr(before + 1, slash - before - 1);
  if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}' ||
      segment.find_first_of("{}", 1) != segment.size() - 1)
    return std::nullopt;
  return path.substr(0, slash);
}

std::vector<std::string> path_parameters_innermost_first(const std::string& path) {
  std::vector<std::string> names;
  for (size_t close = path.size();
       close > 0 && (close = path.rfind('}', close - 1)) != std::string::npos;) {
    const size_t open = path.rfind('{', close);
    if (open == std::string::npos) break;
    names.push_back(path.substr(open + 1, close - open - 1));
    close = open;
  }
  return names;
}

}  // namespace apiserver::compile
