#include "route/router.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>

#include "text/percent_encoding.hpp"

namespace apiserver::route {
namespace {

// A parameter segment "prefix{name}suffix".
struct ParamPattern {
  std::string prefix;
  std::string name;
  std::string suffix;
};

// Paths rarely have more segments than this: a match then allocates nothing for them.
using Segments = boost::container::small_vector<std::string_view, 8>;

Segments split_segments(std::string_view path) {
  Segments segments;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return segments;
  while (true) {
    size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

}  // namespace

struct Router::Node {
  struct ParamEdge {
    std::string prefix;
    std::string suffix;
    std::unique_ptr<Node> child;
  };
  std::unordered_map<std::string, std::unique_ptr<Node>> literals;
  std::vector<ParamEdge> params;  // most specific (longest prefix + suffix) first
  std::optional<size_t> target;
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

bool Router::add(const std::string& path_template, size_t target, std::string& error) {
  if (path_template.empty() || path_template.front() != '/') {
    error = "a path must start with '/'";
    return false;
  }
  Node* node = root_.get();
  std::vector<std::string> names;
  for (std::string_view segment : split_segments(path_template)) {
    size_t open = segment.find('{');
    if (open == std::string_view::npos) {
      if (segment.find('}') != std::string_view::npos) {
        error = "unbalanced '}' in path segment '" + std::string(segment) + "'";
        return false;
      }
      auto& child = node->literals[std::string(segment)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
      continue;
    }
    size_t close = segment.find('}', open);
    if (close == std::string_view::npos || close == open + 1) {
      error = "malformed parameter in path segment '" + std::string(segment) + "'";
      return false;
    }
    std::string_view inner = segment.substr(open + 1, close - open - 1);
    if (inner.find('{') != std::string_view::npos ||
        segment.find('}', close + 1) != std::string_view::npos) {
      error = "stray brace in path segment '" + std::string(segment) + "'";
      return false;
    }
    if (segment.find('{', close) != std::string_view::npos) {
      error = "only one parameter per path segment is supported ('" + std::string(segment) + "')";
      return false;
    }
    ParamPattern pattern{std::string(segment.substr(0, open)),
                         std::string(segment.substr(open + 1, close - open - 1)),
                         std::string(segment.substr(close + 1))};
    if (std::find(names.begin(), names.end(), pattern.name) != names.end()) {
      error = "parameter '" + pattern.name + "' appears twice in the path";
      return false;
    }
    names.push_back(pattern.name);
    auto it = std::find_if(node->params.begin(), node->params.end(), [&](const Node::ParamEdge& e) {
      return e.prefix == pattern.prefix && e.suffix == pattern.suffix;
    });
    if (it == node->params.end()) {
      node->params.push_back({pattern.prefix, pattern.suffix, std::make_unique<Node>()});
      std::stable_sort(node->params.begin(), node->params.end(),
                       [](const Node::ParamEdge& a, const Node::ParamEdge& b) {
                         return a.prefix.size() + a.suffix.size() >
                                b.prefix.size() + b.suffix.size();
                       });
      it = std::find_if(node->params.begin(), node->params.end(), [&](const Node::ParamEdge& e) {
        return e.prefix == pattern.prefix && e.suffix == pattern.suffix;
      });
    }
    node = it->child.get();
  }
  if (node->target) {
    error = "the path is equivalent to another path of the document";
    return false;
  }
  node->target = target;
  if (names_.size() <= target) names_.resize(target + 1);
  names_[target] = std::move(names);
  return true;
}

std::optional<Router::Match> Router::match(std::string_view raw_path) const {
  Segments segments = split_segments(raw_path);
  boost::container::small_vector<std::string, 8> decoded(segments.size());
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!text::percent_decode(segments[i], decoded[i], false)) return std::nullopt;
  }
  std::vector<std::string> values;
  // Depth-first, literals before parameters, backtracking on dead ends.
  auto walk = [&](auto&& self, const Node* node, size_t depth) -> const Node* {
    if (depth == decoded.size()) return node->target ? node : nullptr;
    const std::string& segment = decoded[depth];
    auto lit = node->literals.find(segment);
    if (lit != node->literals.end()) {
      if (const Node* found = self(self, lit->second.get(), depth + 1)) return found;
    }
    for (const auto& edge : node->params) {
      size_t fixed = edge.prefix.size() + edge.suffix.size();
      if (segment.size() <= fixed) continue;  // a parameter value is never empty
      if (segment.compare(0, edge.prefix.size(), edge.prefix) != 0) continue;
      if (segment.compare(segment.size() - edge.suffix.size(), edge.suffix.size(), edge.suffix) !=
          0)
        continue;
      values.push_back(segment.substr(edge.prefix.size(), segment.size() - fixed));
      if (const Node* found = self(self, edge.child.get(), depth + 1)) return found;
      values.pop_back();
    }
    return nullptr;
  };
  const Node* found = walk(walk, root_.get(), 0);
  if (found == nullptr) return std::nullopt;
  Match match;
  match.target = *found->target;
  match.names = &names_[match.target];
  match.values = std::move(values);
  return match;
}

}  // namespace apiserver::route
