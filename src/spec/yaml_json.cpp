#include "spec/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_set>

#include "spec/json_pointer.hpp"

namespace apiserver::spec {
namespace {

// Aliases can make a YAML graph cyclic or exponentially large ("billion
// laughs"); these bounds stop both long before memory runs out.
constexpr int kMaxDepth = 200;
constexpr size_t kMaxNodes = 5'000'000;
// Nodes produced by expanding an alias of a collection again. Documents use
// aliases for a few shared snippets; a bomb multiplies them.
constexpr size_t kMaxAliasNodes = 100'000;

struct Limits {
  size_t nodes = 0;
  size_t alias_nodes = 0;
  int inside_alias = 0;                      // > 0 while converting a collection seen before
  std::unordered_set<int> collections_seen;  // by source offset: an alias repeats its anchor's
};

class ConversionError : public std::runtime_error {
 public:
  ConversionError(const YAML::Mark& mark, const std::string& message)
      : std::runtime_error(message), mark_(mark) {}
  const YAML::Mark& mark() const { return mark_; }

 private:
  YAML::Mark mark_;
};

SourcePosition to_position(const YAML::Mark& mark) {
  if (mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

bool is_decimal_int(const std::string& s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i >= s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool is_float(const std::string& s) {
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// YAML 1.2 core schema resolution of a plain scalar.
nlohmann::ordered_json resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (is_decimal_int(s)) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return v;
    errno = 0;
    unsigned long long u = std::strtoull(s.c_str(), &end, 10);
    if (errno == 0 && s[0] != '-') return u;
    return std::strtod(s.c_str(), nullptr);
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    bool hex = s[1] == 'x';
    const std::string digits = s.substr(2);
    bool ok =
        digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "01234567") == std::string::npos;
    if (ok && digits.size() <= (hex ? 15u : 20u))
      return static_cast<long long>(std::strtoll(digits.c_str(), nullptr, hex ? 16 : 8));
  }
  if (is_float(s)) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF")
    return std::numeric_limits<double>::infinity();
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  return s;
}

nlohmann::ordered_json convert_scalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& value = node.Scalar();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return value;  // quoted or explicit string
  if (tag == "?" || tag.empty()) return resolve_plain_scalar(value);
  // Other explicit tags (!!int, !!float, !!bool, !!null): resolve the text.
  return resolve_plain_scalar(value);
}

nlohmann::ordered_json convert(const YAML::Node& node, const std::string& pointer, int depth,
                               Limits& limits, ParsedText& out) {
  if (depth > kMaxDepth)
    throw ConversionError(node.Mark(), "the document nests deeper than " +
                                           std::to_string(kMaxDepth) + " levels (an alias cycle?)");
  if (++limits.nodes > kMaxNodes)
    throw ConversionError(
        node.Mark(), "the document expands to more than " + std::to_string(kMaxNodes) + " nodes");
  if (limits.inside_alias > 0 && ++limits.alias_nodes > kMaxAliasNodes)
    throw ConversionError(node.Mark(), "aliases expand to more than " +
                                           std::to_string(kMaxAliasNodes) +
                                           " nodes (an alias bomb?)");
  bool repeated = false;
  if (node.IsSequence() || node.IsMap()) {
    repeated = !limits.collections_seen.insert(node.Mark().pos).second;
    if (repeated) ++limits.inside_alias;
  }
  struct AliasExit {
    Limits& limits;
    bool active;
    ~AliasExit() {
      if (active) --limits.inside_alias;
    }
  } alias_exit{limits, repeated};
  out.positions.emplace(pointer, to_position(node.Mark()));
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return convert_scalar(node);
    case YAML::NodeType::Sequence: {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      size_t index = 0;
      for (const YAML::Node& item : node) {
        array.push_back(
            convert(item, pointer + "/" + std::to_string(index++), depth + 1, limits, out));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (const auto& entry : node) {
        // A plain `null` or `~` key is a Null node to yaml-cpp; its text is the key.
        if (!entry.first.IsScalar() && !entry.first.IsNull())
          throw ConversionError(entry.first.Mark(), "a mapping key must be a plain string");
        const std::string key = entry.first.IsNull() && entry.first.Scalar().empty()
                                    ? std::string("null")
                                    : entry.first.Scalar();
        if (object.contains(key))
          throw ConversionError(entry.first.Mark(), "duplicate key '" + key + "'");
        object[key] = convert(entry.second, append_pointer(pointer, key), depth + 1, limits, out);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace

bool parse_yaml_text(const std::string& text, ParsedText& out, ParseFailure& failure) {
  try {
    YAML::Node node = YAML::Load(text);
    Limits limits;
    out.positions.clear();
    out.root = convert(node, "", 0, limits, out);
    return true;
  } catch (const YAML::Exception& e) {
    failure.position = to_position(e.mark);
    failure.message = e.msg;
    return false;
  } catch (const ConversionError& e) {
    failure.position = to_position(e.mark());
    failure.message = e.what();
    return false;
  }
}

}  // namespace apiserver::spec
