// Schema-driven mock data (see generator.hpp).
//
// How a value is built:
// - The schemas a value must satisfy are gathered into a conjunction: $ref targets (with 3.1
//   siblings), allOf branches, and later the branch chosen for each oneOf / anyOf / if.
// - Choices are decided one at a time, in an order drawn from the seed; a oneOf branch is kept
//   only when its value matches no other branch (by the cheap matcher below), or can be made
//   to by dropping or retyping a property another branch relies on.
// - With no choice left, the keywords of every schema in the conjunction are merged (types
//   intersected, tightest bounds, all patterns) and a value of one allowed type is made.
// - A matcher mirroring the server's validator (schema translator + valijson + the custom
//   keywords: RE2 patterns, hand-written formats, code-point lengths, audience-filtered
//   `required`) checks examples, enum members, oneOf exclusivity and the final value.
//
// Randomness comes from a SplitMix64 seeded with options.seed mixed with the location of the
// value (schema pointer and property path), so equal inputs give byte-identical output.
// Budgets on generated values and on attempts keep the work near-linear in the output size.
#include "mock/generator.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mock/pattern_generator.hpp"
#include "mock/rng.hpp"
#include "spec/json_pointer.hpp"
#include "spec/schema_facts.hpp"
#include "text/utf8.hpp"
#include "validate/formats.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::mock {
namespace {

using spec::Document;
using spec::Json;
using spec::NodeRef;
// Ordered like the document, so that generated objects keep the schema's property order.
using Value = spec::Json;
using Location = std::pair<const spec::SourceFile*, std::string>;

constexpr size_t kValueBudget = 20000;     // values built before everything goes minimal
constexpr size_t kStepBudget = 50000;      // solve() calls before giving up
constexpr size_t kMatchBudget = 20000000;  // matcher steps before assuming "matches"
constexpr int kMatchDepth = 64;            // matcher recursion bound
constexpr int kExpandDepth = 64;           // $ref / allOf chain bound within one value
constexpr int kHardDepthMargin = 48;       // nesting beyond max_depth that always fails
constexpr size_t kMaxCount = 100000;       // longest string / array we are willing to build
constexpr int kStringAttempts = 8;
constexpr int kUniqueAttempts = 8;
constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53: exact in a double

// JSON equality whatever the key order: ordered_json's own == compares objects in order.
bool same_value(const Value& a, const Value& b) {
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, member] : a.items()) {
      auto it = b.find(key);
      if (it == b.end() || !same_value(member, *it)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same_value(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

bool contains_value(const std::vector<Value>& values, const Value& value) {
  return std::any_of(values.begin(), values.end(),
                     [&](const Value& v) { return same_value(v, value); });
}

Location location_of(const NodeRef& node) {
  return {node.file, node.pointer};
}

std::optional<double> number_at(const Json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// True only for a boolean `true` (malformed documents may hold anything).
bool flag(const Json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

std::string text_at(const Json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<size_t> count_at(const Json& schema, const char* key) {
  std::optional<double> n = number_at(schema, key);
  if (!n || !(*n >= 0)) return std::nullopt;
  return *n >= static_cast<double>(kMaxCount) * 10 ? kMaxCount * 10 : static_cast<size_t>(*n);
}

std::string lower_alnum(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

// "id", "userId", "user_id", "ID": names of identifiers, not words ending in "id" ("paid").
bool is_id_name(const std::string& name) {
  std::string l = lower_alnum(name);
  return l == "id" || ends_with(name, "Id") || ends_with(name, "ID") || ends_with(name, "_id") ||
         ends_with(name, "-id") || contains(l, "uuid") || contains(l, "guid");
}

const char* const kFirstNames[] = {"Alice", "Bob",   "Carol", "Dave",
                                   "Erin",  "Frank", "Grace", "Heidi"};
const char* const kLastNames[] = {"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson"};
const char* const kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"};
const char* const kSentences[] = {"A short description.", "Lorem ipsum dolor sit amet.",
                                  "Everything works as expected.", "Sample text for testing.",
                                  "The quick brown fox jumps over the lazy dog."};
const char* const kFiller = " lorem ipsum dolor sit amet consectetur adipiscing elit";

std::string two_digits(int64_t n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

std::string hex(Rng& rng, size_t digits) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < digits; ++i) out += kHex[rng.below(16)];
  return out;
}

std::string base64(const std::string& bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out += kAlphabet[(n >> (6 * k)) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Cuts or pads ASCII `text` to a length in [min_len, max_len] (code points).
std::string fit_length(std::string text, size_t min_len, size_t max_len) {
  const std::string filler = kFiller;
  size_t length = text::code_point_count(text);
  for (size_t i = 0; length < min_len; ++i, ++length) text += filler[i % filler.size()];
  if (length > max_len) {
    size_t points = 0;
    size_t cut = 0;
    for (; cut < text.size(); ++cut) {
      if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80 && points++ == max_len) break;
    }
    text.resize(cut);
  }
  return text;
}

// A realistic string for a property called `name`.
std::string hint_string(const std::string& name, Rng& rng) {
  std::string l = lower_alnum(name);
  const std::string first = pick(kFirstNames, rng);
  const std::string last = pick(kLastNames, rng);
  const std::string word = pick(kWords, rng);
  const std::string n = std::to_string(rng.between(1, 999));
  if (contains(l, "email") || contains(l, "mail")) return lower_alnum(first) + n + "@example.com";
  if (contains(l, "url") || contains(l, "uri") || contains(l, "href") || contains(l, "link") ||
      contains(l, "website") || contains(l, "image") || contains(l, "avatar") ||
      contains(l, "photo"))
    return "https://example.com/" + word + "/" + n;
  if (is_id_name(name)) {
    return hex(rng, 8) + "-" + hex(rng, 4) + "-4" + hex(rng, 3) + "-a" + hex(rng, 3) + "-" +
           hex(rng, 12);
  }
  if (contains(l, "phone") || contains(l, "mobile") || contains(l, "fax"))
    return "+1-202-555-0" + std::to_string(rng.between(100, 199));
  if (contains(l, "firstname") || contains(l, "givenname")) return first;
  if (contains(l, "lastname") || contains(l, "surname") || contains(l, "familyname")) return last;
  if (contains(l, "username") || contains(l, "login") || contains(l, "nickname") || l == "user")
    return lower_alnum(first) + n;
  if (contains(l, "fullname") || l == "name" || l == "displayname" || l == "author" || l == "owner")
    return first + " " + last;
  if (contains(l, "password") || contains(l, "secret")) return "s3cret-" + word + "-" + n;
  if (contains(l, "token") || contains(l, "apikey")) return "tok_" + hex(rng, 24);
  if (ends_with(l, "at") || contains(l, "timestamp") || contains(l, "datetime"))
    return "2024-0" + std::to_string(rng.between(1, 9)) + "-1" + std::to_string(rng.between(0, 9)) +
           "T1" + std::to_string(rng.between(0, 9)) + ":30:00Z";
  if (contains(l, "date") || contains(l, "birthday"))
    return "2024-0" + std::to_string(rng.between(1, 9)) + "-1" + std::to_string(rng.between(0, 9));
  if (contains(l, "description") || contains(l, "summary") || contains(l, "comment") ||
      contains(l, "message") || contains(l, "text") || contains(l, "body") || l == "bio" ||
      contains(l, "note") || contains(l, "content"))
    return pick(kSentences, rng);
  if (contains(l, "title") || contains(l, "subject") || contains(l, "headline"))
    return "Getting started with " + word;
  if (contains(l, "status") || l == "state") return "active";
  if (contains(l, "city") || contains(l, "town")) return "Springfield";
  if (contains(l, "country")) return "US";
  if (contains(l, "zip") || contains(l, "postal") || contains(l, "postcode"))
    return "1" + std::to_string(rng.between(1000, 9999));
  if (contains(l, "street") || contains(l, "address") || contains(l, "line1"))
    return n + " Main Street";
  if (contains(l, "currency")) return "USD";
  if (contains(l, "language") || contains(l, "locale") || l == "lang") return "en";
  if (contains(l, "color") || contains(l, "colour")) return "blue";
  if (contains(l, "slug")) return word + "-" + n;
  if (contains(l, "version")) return "1." + std::to_string(rng.between(0, 9)) + ".0";
  if (contains(l, "host") || contains(l, "domain")) return "api.example.com";
  if (contains(l, "name")) return first;
  if (contains(l, "code")) return "ABC" + n;
  return word;
}

// The range of integers realistic for a property called `name`.
std::pair<int64_t, int64_t> integer_hint(const std::string& name) {
  std::string l = lower_alnum(name);
  if (is_id_name(name)) return {1, 1000};
  if (l == "age" || ends_with(l, "age")) return {18, 80};
  if (contains(l, "year")) return {2000, 2025};
  if (contains(l, "port")) return {1024, 9999};
  if (contains(l, "page")) return {1, 10};
  if (contains(l, "limit") || contains(l, "size")) return {10, 50};
  if (contains(l, "count") || contains(l, "quantity") || contains(l, "qty")) return {1, 20};
  if (contains(l, "price") || contains(l, "amount") || contains(l, "cost") || contains(l, "total"))
    return {1, 500};
  return {1, 100};
}

std::pair<double, double> number_hint(const std::string& name) {
  std::string l = lower_alnum(name);
  if (l == "lat" || contains(l, "latitude")) return {-90, 90};
  if (l == "lon" || l == "lng" || contains(l, "longitude")) return {-180, 180};
  if (contains(l, "rating") || contains(l, "score")) return {0, 5};
  if (contains(l, "percent") || contains(l, "ratio") || contains(l, "rate")) return {0, 1};
  auto [lo, hi] = integer_hint(name);
  return {static_cast<double>(lo), static_cast<double>(hi)};
}

// JSON types as bits, as the validator's type keyword sees them.
enum TypeBit : unsigned {
  kNullBit = 1,
  kBooleanBit = 2,
  kIntegerBit = 4,
  kNumberBit = 8,
  kStringBit = 16,
  kArrayBit = 32,
  kObjectBit = 64,
  kAllTypes = 127,
};

unsigned type_bit(const std::string& name) {
  if (name == "null") return kNullBit;
  if (name == "boolean") return kBooleanBit;
  if (name == "integer") return kIntegerBit;
  if (name == "number") return kNumberBit | kIntegerBit;  // integers are numbers too
  if (name == "string") return kStringBit;
  if (name == "array") return kArrayBit;
  if (name == "object") return kObjectBit;
  return 0;
}

// Bits `value` satisfies (an integral number satisfies "integer" and "number").
unsigned value_bits(const Value& value) {
  switch (value.type()) {
    case Value::value_t::null:
      return kNullBit;
    case Value::value_t::boolean:
      return kBooleanBit;
    case Value::value_t::string:
      return kStringBit;
    case Value::value_t::array:
      return kArrayBit;
    case Value::value_t::object:
      return kObjectBit;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return kIntegerBit | kNumberBit;
    case Value::value_t::number_float: {
      double d = value.get<double>();
      return std::isfinite(d) && std::floor(d) == d ? kIntegerBit | kNumberBit : kNumberBit;
    }
    default:
      return 0;
  }
}

// The type bits a schema's `type` allows (with `nullable`); kAllTypes when it has none.
unsigned declared_types(const Json& schema) {
  auto type = schema.find("type");
  if (type == schema.end()) return kAllTypes;
  unsigned bits = 0;
  if (type->is_string()) {
    bits = type_bit(type->get<std::string>());
  } else if (type->is_array()) {
    for (const Json& t : *type) {
      if (t.is_string()) bits |= type_bit(t.get<std::string>());
    }
  }
  if (bits == 0) return kAllTypes;  // malformed: the translator reports it, nothing enforced
  if (flag(schema, "nullable")) bits |= kNullBit;
  return bits;
}

// valijson's multipleOf: integer divisors compare integers, others use remainder().
bool is_multiple(const Value& value, const Json& divisor) {
  if (!divisor.is_number()) return true;
  if (divisor.is_number_integer() || divisor.is_number_unsigned()) {
    int64_t d = divisor.get<int64_t>();
    if (d == 0) return true;
    int64_t i =
        value.is_number_float() ? static_cast<int64_t>(value.get<double>()) : value.get<int64_t>();
    return i == 0 || i % d == 0;
  }
  double d = divisor.get<double>();
  double v = value.get<double>();
  if (d == 0 || v == 0) return true;
  return std::fabs(std::remainder(v, d)) <= std::numeric_limits<double>::epsilon();
}

std::string component_of(const NodeRef& target) {
  const std::string prefix = "/components/schemas/";
  if (target.pointer.rfind(prefix, 0) != 0) return {};
  std::string name = target.pointer.substr(prefix.size());
  if (name.find('/') != std::string::npos) return {};
  // Unescape ~1 and ~0 of the pointer token.
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '~' && i + 1 < name.size()) {
      out += name[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += name[i];
    }
  }
  return out;
}

class Generator {
 public:
  Generator(const Document& document, const GenerateOptions& options)
      : document_(document), options_(options) {}

  std::optional<Value> run(const NodeRef& schema);
  const std::string& why() const { return why_; }

 private:
  struct Choice {
    enum class Kind { kOneOf, kAnyOf, kIf };
    Kind kind;
    NodeRef owner;  // the schema holding oneOf / anyOf / if
  };

  // The schemas one value must satisfy together.
  struct Conj {
    std::vector<NodeRef> parts;           // their own keywords apply ($ref, allOf expanded)
    std::vector<Choice> choices;          // still to decide
    std::vector<NodeRef> negations;       // `not` schemas
    std::vector<Location> entered;        // $ref targets expanded
    std::vector<std::string> components;  // component names among them, in order
    std::map<std::string, Value> forced;  // discriminator property -> value
    size_t examples_seen = 0;             // parts whose examples were already tried
    std::string impossible;               // non-empty: nothing can satisfy the parts
  };

  struct Context {
    uint64_t salt = 0;
    int depth = 0;
    std::string name;  // property name, for realistic values
    std::string path;  // JSON pointer of the value, for reasons
  };

  // Keeps the $ref targets of the values being built, for recursion checks.
  class ActiveGuard {
   public:
    ActiveGuard(std::map<Location, int>& active, const std::vector<Location>& entered)
        : active_(active), entered_(entered) {
      for (const Location& l : entered_) ++active_[l];
    }
    ~ActiveGuard() {
      for (const Location& l : entered_) {
        if (--active_[l] == 0) active_.erase(l);
      }
    }
    ActiveGuard(const ActiveGuard&) = delete;
    ActiveGuard& operator=(const ActiveGuard&) = delete;

   private:
    std::map<Location, int>& active_;
    std::vector<Location> entered_;
  };

  // Expansion and solving.
  void expand(const NodeRef& node, Conj& conj, int depth, int level);
  std::optional<Value> solve(Conj conj, const Context& ctx);
  std::optional<Value> solve_choice(Conj conj, const Context& ctx);
  std::optional<Value> from_examples(Conj& conj);
  std::optional<Value> build(const Conj& conj, const Context& ctx);
  std::optional<Value> build_type(unsigned type, const Conj& conj, const Context& ctx, Rng& rng);
  std::optional<Value> build_object(const Conj& conj, const Context& ctx);
  std::optional<Value> build_array(const Conj& conj, const Context& ctx, Rng& rng);
  std::optional<Value> build_string(const Conj& conj, const Context& ctx, Rng& rng);
  std::optional<Value> build_number(const Conj& conj, const Context& ctx, Rng& rng, bool integer);
  std::optional<Value> solve_schemas(const std::vector<NodeRef>& schemas, const Context& ctx);
  std::optional<std::string> format_string(const std::string& format, const std::string& name,
                                           Rng& rng, size_t min_len, size_t max_len);
  std::optional<Value> discriminator_value(const NodeRef& owner, const NodeRef& branch);
  bool make_exclusive(Value& value, const NodeRef& list, size_t chosen, const Conj& conj);
  void strip_hidden(Value& value, const Conj& conj);
  std::set<std::string> required_names(const NodeRef& part);
  bool beyond_depth(const Context& ctx) const {
    return ctx.depth >= options_.max_depth || values_ > kValueBudget;
  }

  // Matching (mirrors the validator).
  bool match(const Value& value, const NodeRef& schema, int depth = 0);
  bool match_keywords(const Value& value, const NodeRef& node, int depth, bool shallow);
  bool match_conj(const Value& value, const Conj& conj, bool shallow);
  bool reject(const NodeRef& node, const char* keyword) {
    mismatch_ = std::string(keyword) + " of " + node.pointer;
    return false;
  }

  const re2::RE2* regex(const std::string& pattern);
  const PatternGenerator& pattern_generator(const std::string& pattern);
  bool hidden(const NodeRef& property_schema);

  std::nullopt_t fail(const Context& ctx, const std::string& message) {
    why_ = ctx.path.empty() ? message : "at " + ctx.path + ": " + message;
    return std::nullopt;
  }

  const Document& document_;
  GenerateOptions options_;
  std::string why_;
  std::string mismatch_;
  size_t values_ = 0;
  size_t steps_ = 0;
  size_t match_steps_ = 0;
  std::map<Location, int> active_;
  std::unordered_map<std::string, std::unique_ptr<re2::RE2>> regexes_;
  std::unordered_map<std::string, std::unique_ptr<PatternGenerator>> patterns_;
  std::map<Location, bool> hidden_;
};

// ---------------------------------------------------------------------------------------------
// Caches.

const re2::RE2* Generator::regex(const std::string& pattern) {
  auto it = regexes_.find(pattern);
  if (it == regexes_.end()) {
    RE2::Options re_options;
    re_options.set_log_errors(false);
    auto compiled = std::make_unique<re2::RE2>(pattern, re_options);
    // The translator skips patterns RE2 cannot run: the server does not enforce them.
    if (!compiled->ok()) compiled.reset();
    it = regexes_.emplace(pattern, std::move(compiled)).first;
  }
  return it->second.get();
}

const PatternGenerator& Generator::pattern_generator(const std::string& pattern) {
  auto it = patterns_.find(pattern);
  if (it == patterns_.end())
    it = patterns_.emplace(pattern, std::make_unique<PatternGenerator>(pattern)).first;
  return *it->second;
}

// readOnly properties stay out of requests, writeOnly ones out of responses.
bool Generator::hidden(const NodeRef& property_schema) {
  if (!property_schema.valid()) return false;
  Location key = location_of(property_schema);
  auto it = hidden_.find(key);
  if (it != hidden_.end()) return it->second;
  spec::SchemaFacts facts = spec::schema_facts(document_, property_schema);
  bool is_hidden = options_.audience == Audience::kRequest ? facts.read_only : facts.write_only;
  hidden_.emplace(key, is_hidden);
  return is_hidden;
}

// `required` of one schema as the translator emits it: hidden properties declared beside it
// are not required in this audience.
std::set<std::string> Generator::required_names(const NodeRef& part) {
  std::set<std::string> out;
  NodeRef required = Document::child(part, "required");
  if (!required.valid() || !required.node->is_array()) return out;
  NodeRef properties = Document::child(part, "properties");
  for (const Json& name : *required.node) {
    if (!name.is_string()) continue;
    if (hidden(Document::child(properties, name.get<std::string>()))) continue;
    out.insert(name.get<std::string>());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching: what the server's validator would say, computed directly on the OpenAPI schema.

bool Generator::match(const Value& value, const NodeRef& schema, int depth) {
  if (depth > kMatchDepth || ++match_steps_ > kMatchBudget) return true;
  if (!schema.valid()) return true;
  if (schema.node->is_boolean()) return schema.node->get<bool>() || reject(schema, "false schema");
  if (!schema.node->is_object()) return true;
  auto ref = schema.node->find("$ref");
  if (ref != schema.node->end() && ref->is_string()) {
    std::optional<NodeRef> target = document_.resolve(*schema.file, ref->get<std::string>());
    if (target && !match(value, *target, depth + 1)) return false;
    // OpenAPI 3.0 ignores keywords beside $ref; 3.1 applies them.
    if (!document_.is_v31()) return true;
  }
  return match_keywords(value, schema, depth, false);
}

bool Generator::match_conj(const Value& value, const Conj& conj, bool shallow) {
  for (const NodeRef& part : conj.parts) {
    if (!match_keywords(value, part, 0, shallow)) return false;
  }
  for (const NodeRef& negation : conj.negations) {
    if (match(value, negation)) return reject(negation, "not");
  }
  return true;
}

// The keywords of `node` itself ($ref is the caller's business). `shallow` skips subschemas:
// used on a value whose parts were each built against their own schemas already.
bool Generator::match_keywords(const Value& value, const NodeRef& node, int depth, bool shallow) {
  if (!node.valid() || !node.node->is_object()) return true;
  const Json& s = *node.node;
  if (s.contains("type") && !(declared_types(s) & value_bits(value))) return reject(node, "type");
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    bool found = value.is_null() && flag(s, "nullable");
    for (const Json& option : *e) found = found || same_value(option, value);
    if (!found) return reject(node, "enum");
  }
  if (auto c = s.find("const"); c != s.end() && !same_value(*c, value))
    return reject(node, "const");
  std::string format = text_at(s, "format");

  if (value.is_number()) {
    double v = value.get<double>();
    // 3.0 writes exclusive bounds as booleans beside minimum/maximum; 3.1 as numbers.
    auto lower = number_at(s, "minimum");
    auto upper = number_at(s, "maximum");
    bool lower_exclusive = flag(s, "exclusiveMinimum");
    bool upper_exclusive = flag(s, "exclusiveMaximum");
    if (lower && (lower_exclusive ? v <= *lower : v < *lower)) return reject(node, "minimum");
    if (upper && (upper_exclusive ? v >= *upper : v > *upper)) return reject(node, "maximum");
    if (auto x = number_at(s, "exclusiveMinimum"); x && v <= *x)
      return reject(node, "exclusiveMinimum");
    if (auto x = number_at(s, "exclusiveMaximum"); x && v >= *x)
      return reject(node, "exclusiveMaximum");
    if (auto m = s.find("multipleOf"); m != s.end() && !is_multiple(value, *m))
      return reject(node, "multipleOf");
    if (!format.empty() && validate::format_kind(format) == validate::FormatKind::kNumber) {
      bool is_integer = value.is_number_integer() || value.is_number_unsigned();
      long long as_int = value.is_number_integer() ? value.get<long long>() : 0;
      if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
        is_integer = false;
      else if (value.is_number_unsigned())
        as_int = static_cast<long long>(value.get<uint64_t>());
      if (validate::check_number_format(format, is_integer, as_int, v))
        return reject(node, "format");
    }
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    size_t length = text::code_point_count(text);
    if (auto n = count_at(s, "minLength"); n && length < *n) return reject(node, "minLength");
    if (auto n = count_at(s, "maxLength"); n && length > *n) return reject(node, "maxLength");
    if (auto p = s.find("pattern"); p != s.end() && p->is_string()) {
      const re2::RE2* re = regex(p->get<std::string>());
      if (re != nullptr && !re2::RE2::PartialMatch(text, *re)) return reject(node, "pattern");
    }
    if (!format.empty() && validate::check_string_format(format, text))
      return reject(node, "format");
  } else if (value.is_array()) {
    if (auto n = count_at(s, "minItems"); n && value.size() < *n) return reject(node, "minItems");
    if (auto n = count_at(s, "maxItems"); n && value.size() > *n) return reject(node, "maxItems");
    if (flag(s, "uniqueItems")) {
      for (size_t i = 0; i < value.size(); ++i) {
        for (size_t j = i + 1; j < value.size(); ++j) {
          if (same_value(value[i], value[j])) return reject(node, "uniqueItems");
        }
      }
    }
    if (!shallow) {
      NodeRef items = Document::child(node, "items");
      NodeRef prefix = Document::child(node, "prefixItems");
      NodeRef rest;
      size_t tuple = 0;
      if (prefix.valid() && prefix.node->is_array()) {
        tuple = prefix.node->size();
        rest = items;
      } else if (items.valid() && items.node->is_array()) {
        prefix = items;
        tuple = items.node->size();
        rest = Document::child(node, "additionalItems");
      } else {
        rest = items;
        prefix = NodeRef();
      }
      for (size_t i = 0; i < value.size(); ++i) {
        NodeRef item_schema = i < tuple ? Document::item(prefix, i) : rest;
        if (!match(value[i], item_schema, depth + 1)) return false;
      }
      NodeRef contained = Document::child(node, "contains");
      if (contained.valid()) {
        bool any = false;
        for (size_t i = 0; i < value.size() && !any; ++i)
          any = match(value[i], contained, depth + 1);
        if (!any) return reject(node, "contains");
      }
    } else if (auto items = s.find("items"); items != s.end() && items->is_boolean() &&
                                             !items->get<bool>() && !s.contains("prefixItems") &&
                                             !value.empty()) {
      return reject(node, "items");
    }
  } else if (value.is_object()) {
    if (auto n = count_at(s, "minProperties"); n && value.size() < *n)
      return reject(node, "minProperties");
    if (auto n = count_at(s, "maxProperties"); n && value.size() > *n)
      return reject(node, "maxProperties");
    for (const std::string& name : required_names(node)) {
      if (!value.contains(name)) return reject(node, "required");
    }
    for (const char* key : {"dependentRequired", "dependencies"}) {
      auto deps = s.find(key);
      if (deps == s.end() || !deps->is_object()) continue;
      for (const auto& [name, needed] : deps->items()) {
        if (!value.contains(name)) continue;
        if (needed.is_array()) {
          for (const Json& other : needed) {
            if (other.is_string() && !value.contains(other.get<std::string>()))
              return reject(node, key);
          }
        } else if (!shallow &&
                   !match(value, Document::child(Document::child(node, key), name), depth + 1)) {
          return false;
        }
      }
    }
    NodeRef properties = Document::child(node, "properties");
    NodeRef patterns = Document::child(node, "patternProperties");
    NodeRef additional = Document::child(node, "additionalProperties");
    NodeRef names = Document::child(node, "propertyNames");
    for (const auto& [name, member] : value.items()) {
      NodeRef declared = Document::child(properties, name);
      bool covered = declared.valid();
      if (declared.valid() && !shallow && !match(member, declared, depth + 1)) return false;
      if (patterns.valid() && patterns.node->is_object()) {
        for (const auto& [pattern, ignored] : patterns.node->items()) {
          const re2::RE2* re = regex(pattern);
          if (re == nullptr || !re2::RE2::PartialMatch(name, *re)) continue;
          covered = true;
          if (!shallow && !match(member, Document::child(patterns, pattern), depth + 1))
            return false;
        }
      }
      if (!covered && additional.valid()) {
        if (additional.node->is_boolean() && !additional.node->get<bool>())
          return reject(node, "additionalProperties");
        if (!shallow && !match(member, additional, depth + 1)) return false;
      }
      if (names.valid() && !shallow && !match(Value(name), names, depth + 1)) return false;
    }
  }
  if (shallow) return true;

  if (auto all = Document::child(node, "allOf"); all.valid() && all.node->is_array()) {
    for (size_t i = 0; i < all.node->size(); ++i) {
      if (!match(value, Document::item(all, i), depth + 1)) return false;
    }
  }
  if (auto any = Document::child(node, "anyOf");
      any.valid() && any.node->is_array() && !any.node->empty()) {
    bool found = false;
    for (size_t i = 0; i < any.node->size() && !found; ++i)
      found = match(value, Document::item(any, i), depth + 1);
    if (!found) return reject(node, "anyOf");
  }
  if (auto one = Document::child(node, "oneOf");
      one.valid() && one.node->is_array() && !one.node->empty()) {
    size_t matched = 0;
    for (size_t i = 0; i < one.node->size() && matched < 2; ++i)
      matched += match(value, Document::item(one, i), depth + 1) ? 1 : 0;
    if (matched != 1) return reject(node, "oneOf");
  }
  if (auto negated = Document::child(node, "not");
      negated.valid() && match(value, negated, depth + 1))
    return reject(node, "not");
  if (auto condition = Document::child(node, "if"); condition.valid()) {
    NodeRef branch = Document::child(node, match(value, condition, depth + 1) ? "then" : "else");
    if (branch.valid() && !match(value, branch, depth + 1)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Expansion.

void Generator::expand(const NodeRef& node, Conj& conj, int depth, int level) {
  if (level > kExpandDepth || !node.valid()) return;
  if (node.node->is_boolean()) {
    if (!node.node->get<bool>()) conj.impossible = "the schema at " + node.pointer + " is false";
    return;
  }
  if (!node.node->is_object()) return;
  const Json& s = *node.node;
  auto ref = s.find("$ref");
  if (ref != s.end() && ref->is_string()) {
    std::optional<NodeRef> target = document_.resolve(*node.file, ref->get<std::string>());
    if (target) {
      Location where = location_of(*target);
      if (std::find(conj.entered.begin(), conj.entered.end(), where) == conj.entered.end()) {
        // Past max_depth only required properties are built; meeting a schema that is still
        // being built for an ancestor means the recursion cannot end.
        if (depth > options_.max_depth && active_.count(where)) {
          conj.impossible = "the recursive schema " + target->pointer +
                            " requires itself beyond max_depth " +
                            std::to_string(options_.max_depth);
          return;
        }
        conj.entered.push_back(where);
        std::string name = component_of(*target);
        if (!name.empty()) conj.components.push_back(name);
        expand(*target, conj, depth, level + 1);
      }
    }
    if (!document_.is_v31()) return;
  }
  for (const NodeRef& part : conj.parts) {
    if (part.file == node.file && part.pointer == node.pointer) return;
  }
  conj.parts.push_back(node);
  if (NodeRef all = Document::child(node, "allOf"); all.valid() && all.node->is_array()) {
    for (size_t i = 0; i < all.node->size(); ++i)
      expand(Document::item(all, i), conj, depth, level + 1);
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    NodeRef list = Document::child(node, key);
    if (list.valid() && list.node->is_array() && !list.node->empty())
      conj.choices.push_back({key[0] == 'o' ? Choice::Kind::kOneOf : Choice::Kind::kAnyOf, node});
  }
  if (NodeRef negated = Document::child(node, "not"); negated.valid())
    conj.negations.push_back(negated);
  if (s.contains("if")) conj.choices.push_back({Choice::Kind::kIf, node});
}

// ---------------------------------------------------------------------------------------------
// Solving.

std::optional<Value> Generator::run(const NodeRef& schema) {
  if (!schema.valid()) return fail({}, "no schema");
  Context ctx;
  ctx.salt = hash_text(schema.pointer);
  // The property or parameter name the schema describes, for realistic values.
  auto tokens = spec::split_pointer(schema.pointer);
  if (tokens && tokens->size() >= 2 && (*tokens)[tokens->size() - 2] == "properties") {
    ctx.name = tokens->back();
  } else if (tokens && !tokens->empty() && tokens->back() == "schema") {
    std::string parent_pointer = schema.pointer.substr(0, schema.pointer.size() - 7);
    const Json* parent = spec::find_pointer(schema.file->root(), parent_pointer);
    if (parent != nullptr && parent->is_object()) ctx.name = text_at(*parent, "name");
  }
  Conj conj;
  expand(schema, conj, 0, 0);
  std::optional<Value> value = solve(std::move(conj), ctx);
  if (!value) return std::nullopt;
  mismatch_.clear();
  match_steps_ = 0;
  if (!match(*value, schema)) {
    why_ = "the value built does not satisfy the schema (" + mismatch_ + ")";
    return std::nullopt;
  }
  return value;
}

std::optional<Value> Generator::solve(Conj conj, const Context& ctx) {
  if (++steps_ > kStepBudget) return fail(ctx, "gave up: the schema needs too many attempts");
  if (ctx.depth > options_.max_depth + kHardDepthMargin) return fail(ctx, "nesting is too deep");
  if (!conj.impossible.empty()) return fail(ctx, conj.impossible);
  if (options_.use_examples) {
    if (std::optional<Value> example = from_examples(conj)) return example;
  }
  if (!conj.choices.empty()) return solve_choice(std::move(conj), ctx);
  // `not` is met by trying again with other random choices.
  for (uint64_t attempt = 0; attempt < (conj.negations.empty() ? 1u : 4u); ++attempt) {
    Context c = ctx;
    if (attempt > 0) c.salt = mix_seed(ctx.salt, attempt);
    std::optional<Value> value = build(conj, c);
    if (!value) return std::nullopt;
    bool negated = false;
    for (const NodeRef& n : conj.negations) negated = negated || match(*value, n);
    if (!negated) return value;
  }
  return fail(ctx, "every value tried matches a `not` schema");
}

std::optional<Value> Generator::from_examples(Conj& conj) {
  const bool null_only = [&] {
    unsigned bits = kAllTypes;
    for (const NodeRef& part : conj.parts) bits &= declared_types(*part.node);
    return bits == kNullBit;
  }();
  for (size_t i = conj.examples_seen; i < conj.parts.size(); ++i) {
    const Json& s = *conj.parts[i].node;
    std::vector<const Json*> candidates;
    if (auto e = s.find("example"); e != s.end()) candidates.push_back(&*e);
    if (auto e = s.find("examples"); e != s.end() && e->is_array() && !e->empty())
      candidates.push_back(&e->front());
    if (auto e = s.find("default"); e != s.end()) candidates.push_back(&*e);
    for (const Json* candidate : candidates) {
      Value value = *candidate;
      if (value.is_null() && !null_only) continue;  // non-null values look like data
      if (!match_conj(value, conj, false)) continue;
      Value stripped = value;
      strip_hidden(stripped, conj);
      conj.examples_seen = conj.parts.size();
      return match_conj(stripped, conj, false) ? stripped : value;
    }
  }
  conj.examples_seen = conj.parts.size();
  return std::nullopt;
}

// Drops properties the audience does not see (readOnly in requests, writeOnly in responses)
// from an example, unless the validator requires them.
void Generator::strip_hidden(Value& value, const Conj& conj) {
  if (!value.is_object()) return;
  std::set<std::string> required;
  for (const NodeRef& part : conj.parts) {
    for (const std::string& name : required_names(part)) required.insert(name);
  }
  for (const NodeRef& part : conj.parts) {
    NodeRef properties = Document::child(part, "properties");
    if (!properties.valid() || !properties.node->is_object()) continue;
    for (const auto& [name, ignored] : properties.node->items()) {
      if (value.contains(name) && !required.count(name) &&
          hidden(Document::child(properties, name)))
        value.erase(name);
    }
  }
}

std::optional<Value> Generator::discriminator_value(const NodeRef& owner, const NodeRef& branch) {
  const Json* disc = nullptr;
  if (auto d = owner.node->find("discriminator"); d != owner.node->end() && d->is_object())
    disc = &*d;
  if (disc == nullptr || !disc->contains("propertyName") || !(*disc)["propertyName"].is_string())
    return std::nullopt;
  if (!branch.valid() || !branch.node->is_object()) return std::nullopt;
  auto ref = branch.node->find("$ref");
  if (ref == branch.node->end() || !ref->is_string()) return std::nullopt;
  std::optional<NodeRef> target = document_.resolve(*branch.file, ref->get<std::string>());
  if (!target) return std::nullopt;
  std::string name = component_of(*target);
  if (auto mapping = disc->find("mapping"); mapping != disc->end() && mapping->is_object()) {
    for (const auto& [key, to] : mapping->items()) {
      if (!to.is_string()) continue;
      const std::string& text = to.get_ref<const std::string&>();
      // Mapping values are references or bare component names.
      if (text.find('/') == std::string::npos && text.find('#') == std::string::npos) {
        if (!name.empty() && text == name) return Value(key);
        continue;
      }
      std::optional<NodeRef> mapped = document_.resolve(*owner.file, text);
      if (mapped && location_of(*mapped) == location_of(*target)) return Value(key);
    }
  }
  if (!name.empty()) return Value(name);
  return std::nullopt;
}

std::optional<Value> Generator::solve_choice(Conj conj, const Context& ctx) {
  Choice choice = conj.choices.front();
  conj.choices.erase(conj.choices.begin());
  Rng rng(mix_seed(mix_seed(options_.seed, ctx.salt), hash_text(choice.owner.pointer)));

  if (choice.kind == Choice::Kind::kIf) {
    NodeRef condition = Document::child(choice.owner, "if");
    bool then_first = rng.chance(50);
    for (int option = 0; option < 2; ++option) {
      bool take_then = (option == 0) == then_first;
      Conj c = conj;
      if (take_then) {
        expand(condition, c, ctx.depth, 0);
        expand(Document::child(choice.owner, "then"), c, ctx.depth, 0);
      } else {
        c.negations.push_back(condition);
        expand(Document::child(choice.owner, "else"), c, ctx.depth, 0);
      }
      std::optional<Value> value = solve(std::move(c), ctx);
      if (value && match(*value, condition) == take_then) return value;
    }
    return fail(ctx, "neither branch of the if/then/else at " + choice.owner.pointer + " works");
  }

  const bool one_of = choice.kind == Choice::Kind::kOneOf;
  NodeRef list = Document::child(choice.owner, one_of ? "oneOf" : "anyOf");
  const size_t n = list.node->size();
  std::string property;
  if (auto d = choice.owner.node->find("discriminator");
      d != choice.owner.node->end() && d->is_object() && d->contains("propertyName"))
    property = (*d)["propertyName"].is_string() ? (*d)["propertyName"].get<std::string>() : "";
  const size_t first = static_cast<size_t>(rng.below(n));
  std::string last_reason;
  bool overlapped = false;
  for (size_t k = 0; k < n; ++k) {
    size_t index = (first + k) % n;
    NodeRef branch = Document::item(list, index);
    Conj c = conj;
    if (!property.empty() && !c.forced.count(property)) {
      if (std::optional<Value> tag = discriminator_value(choice.owner, branch))
        c.forced[property] = *tag;
    }
    expand(branch, c, ctx.depth, 0);
    std::optional<Value> value = solve(c, ctx);
    if (!value) {
      last_reason = why_;
      continue;
    }
    mismatch_.clear();
    if (!match(*value, branch)) {
      last_reason = "the value built for branch " + std::to_string(index) + " does not match it (" +
                    mismatch_ + ")";
      continue;
    }
    // Exclusivity first: the schema holding the oneOf only matches once it holds.
    if (one_of && !make_exclusive(*value, list, index, c)) {
      overlapped = true;
      continue;
    }
    if (!match_conj(*value, c, false)) {
      last_reason = "the value built for branch " + std::to_string(index) +
                    " conflicts with the rest of the schema (" + mismatch_ + ")";
      continue;
    }
    return value;
  }
  const std::string kind = one_of ? "oneOf" : "anyOf";
  if (overlapped)
    return fail(ctx, "every value built for the " + kind + " at " + choice.owner.pointer +
                         " also matches another of its branches");
  return fail(ctx, "no branch of the " + kind + " at " + choice.owner.pointer +
                       " could be built: " + last_reason);
}

// Makes `value` (valid for branch `chosen`) match no other branch of the oneOf `list`:
// drops an optional property another branch requires, or adds one that other branch types
// differently. False when some other branch still matches.
bool Generator::make_exclusive(Value& value, const NodeRef& list, size_t chosen, const Conj& conj) {
  NodeRef mine = Document::item(list, chosen);
  auto others_match = [&](size_t* which) {
    for (size_t j = 0; j < list.node->size(); ++j) {
      if (j != chosen && match(value, Document::item(list, j))) {
        *which = j;
        return true;
      }
    }
    return false;
  };
  size_t other = 0;
  for (size_t round = 0; round < list.node->size() && others_match(&other); ++round) {
    if (!value.is_object()) return false;
    NodeRef branch = Document::item(list, other);
    std::vector<spec::ObjectProperty> properties;
    spec::object_properties(document_, branch, properties);
    auto still_valid = [&] {
      // Shallow: the schema holding this oneOf fails until every overlap is gone; the caller
      // checks the whole conjunction once exclusivity holds.
      return match(value, mine) && match_conj(value, conj, true) && !match(value, branch);
    };
    bool fixed = false;
    for (const spec::ObjectProperty& p : properties) {
      if (!p.required || !value.contains(p.name)) continue;
      Value saved = value[p.name];
      value.erase(p.name);
      if (still_valid()) {
        fixed = true;
        break;
      }
      value[p.name] = saved;
    }
    for (size_t i = 0; i < properties.size() && !fixed; ++i) {
      const spec::ObjectProperty& p = properties[i];
      if (value.contains(p.name) || p.facts.types.empty()) continue;
      unsigned accepted = 0;
      for (const std::string& t : p.facts.types) accepted |= type_bit(t);
      for (const Value& poison :
           {Value(true), Value(0), Value("x"), Value::array(), Value::object()}) {
        if (accepted & value_bits(poison)) continue;
        value[p.name] = poison;
        if (still_valid()) {
          fixed = true;
          break;
        }
        value.erase(p.name);
      }
    }
    if (!fixed) return false;
  }
  return !others_match(&other);
}

std::optional<Value> Generator::solve_schemas(const std::vector<NodeRef>& schemas,
                                              const Context& ctx) {
  Conj conj;
  for (const NodeRef& s : schemas) expand(s, conj, ctx.depth, 0);
  return solve(std::move(conj), ctx);
}

// ---------------------------------------------------------------------------------------------
// Building one value from the merged keywords.

std::optional<Value> Generator::build(const Conj& conj, const Context& ctx) {
  ++values_;
  Rng rng(mix_seed(options_.seed, ctx.salt));
  ActiveGuard guard(active_, conj.entered);

  // enum / const: the members every part allows.
  std::optional<std::vector<Value>> members;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    std::vector<Value> listed;
    if (auto c = s.find("const"); c != s.end()) {
      listed.push_back(*c);
    } else if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
      for (const Json& option : *e) listed.push_back(option);
    } else {
      continue;
    }
    if (!members) {
      members = std::move(listed);
    } else {
      std::vector<Value> kept;
      for (const Value& m : *members) {
        if (contains_value(listed, m)) kept.push_back(m);
      }
      members = std::move(kept);
    }
  }
  if (members) {
    std::vector<Value> valid;
    std::vector<Value> nulls;
    for (const Value& m : *members) {
      if (match_conj(m, conj, false)) (m.is_null() ? nulls : valid).push_back(m);
    }
    if (valid.empty()) valid = nulls;
    if (valid.empty()) return fail(ctx, "no enum/const value satisfies every constraint");
    return valid[rng.below(valid.size())];
  }

  // Types every part allows; without any, the keywords suggest one.
  unsigned allowed = kAllTypes;
  bool declared = false;
  for (const NodeRef& part : conj.parts) {
    if (part.node->contains("type")) declared = true;
    allowed &= declared_types(*part.node);
  }
  if (allowed == 0) return fail(ctx, "the schemas allow no common type");
  std::vector<unsigned> order;
  if (declared) {
    for (unsigned bit : {kObjectBit, kArrayBit, kStringBit, kIntegerBit, kBooleanBit}) {
      if (allowed & bit) order.push_back(bit);
    }
    // "number" allows non-integers: build one unless only integers are allowed.
    if (allowed & kNumberBit) {
      for (unsigned& bit : order) {
        if (bit == kIntegerBit) bit = kNumberBit;
      }
    }
    if (order.size() > 1)
      std::rotate(order.begin(), order.begin() + rng.below(order.size()), order.end());
    if (order.empty()) return Value(nullptr);  // type: "null"
  } else {
    auto has = [&](std::initializer_list<const char*> keys) {
      for (const NodeRef& part : conj.parts) {
        for (const char* key : keys) {
          if (part.node->contains(key)) return true;
        }
      }
      return false;
    };
    std::string format;
    for (const NodeRef& part : conj.parts) {
      if (format.empty()) format = text_at(*part.node, "format");
    }
    if (has({"properties", "required", "additionalProperties", "patternProperties", "minProperties",
             "maxProperties", "propertyNames", "dependentRequired"}))
      order.push_back(kObjectBit);
    if (has({"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"}))
      order.push_back(kArrayBit);
    if (format == "int32" || format == "int64") order.push_back(kIntegerBit);
    if (has({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}) ||
        validate::format_kind(format) == validate::FormatKind::kNumber)
      order.push_back(kNumberBit);
    for (unsigned bit : {kStringBit, kIntegerBit, kBooleanBit, kObjectBit, kArrayBit, kNumberBit}) {
      if (std::find(order.begin(), order.end(), bit) == order.end()) order.push_back(bit);
    }
  }
  std::string reason;
  for (unsigned type : order) {
    std::optional<Value> value = build_type(type, conj, ctx, rng);
    if (!value) {
      if (reason.empty()) reason = why_;
      continue;
    }
    mismatch_.clear();
    if (match_conj(*value, conj, true)) {
      bool negated = false;
      for (const NodeRef& n : conj.negations) negated = negated || match(*value, n);
      if (!negated) return value;
    }
    if (reason.empty()) reason = "the value built does not satisfy " + mismatch_;
    if (declared && order.size() == 1) break;
  }
  why_ = reason;
  return std::nullopt;
}

std::optional<Value> Generator::build_type(unsigned type, const Conj& conj, const Context& ctx,
                                           Rng& rng) {
  switch (type) {
    case kObjectBit:
      return build_object(conj, ctx);
    case kArrayBit:
      return build_array(conj, ctx, rng);
    case kStringBit:
      return build_string(conj, ctx, rng);
    case kIntegerBit:
      return build_number(conj, ctx, rng, true);
    case kNumberBit:
      return build_number(conj, ctx, rng, false);
    case kBooleanBit:
      return Value(rng.chance(50));
    default:
      return Value(nullptr);
  }
}

std::optional<Value> Generator::build_object(const Conj& conj, const Context& ctx) {
  // Property names in document order, with every schema that applies to each.
  std::vector<std::string> names;
  std::set<std::string> required;
  size_t min_properties = 0;
  size_t max_properties = std::numeric_limits<size_t>::max();
  bool map_like = false;  // additionalProperties with a schema and no declared properties
  for (const NodeRef& part : conj.parts) {
    NodeRef properties = Document::child(part, "properties");
    if (properties.valid() && properties.node->is_object()) {
      for (const auto& [name, ignored] : properties.node->items()) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    for (const std::string& name : required_names(part)) required.insert(name);
    if (auto n = count_at(*part.node, "minProperties"))
      min_properties = std::max(min_properties, *n);
    if (auto n = count_at(*part.node, "maxProperties"))
      max_properties = std::min(max_properties, *n);
    NodeRef additional = Document::child(part, "additionalProperties");
    if (additional.valid() && additional.node->is_object()) map_like = true;
  }
  for (const std::string& name : required) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (!names.empty()) map_like = false;

  auto is_hidden = [&](const std::string& name) {
    for (const NodeRef& part : conj.parts) {
      if (hidden(Document::child(Document::child(part, "properties"), name))) return true;
    }
    return false;
  };
  // Whether every part lets `name` in (additionalProperties: false, propertyNames).
  auto allowed = [&](const std::string& name) {
    for (const NodeRef& part : conj.parts) {
      if (Document::child(Document::child(part, "properties"), name).valid()) continue;
      bool by_pattern = false;
      NodeRef patterns = Document::child(part, "patternProperties");
      if (patterns.valid() && patterns.node->is_object()) {
        for (const auto& [pattern, ignored] : patterns.node->items()) {
          const re2::RE2* re = regex(pattern);
          by_pattern = by_pattern || (re != nullptr && re2::RE2::PartialMatch(name, *re));
        }
      }
      NodeRef additional = Document::child(part, "additionalProperties");
      if (!by_pattern && additional.valid() && additional.node->is_boolean() &&
          !additional.node->get<bool>())
        return false;
      NodeRef property_names = Document::child(part, "propertyNames");
      if (property_names.valid() && !match(Value(name), property_names)) return false;
    }
    return true;
  };
  auto schemas_for = [&](const std::string& name) {
    std::vector<NodeRef> out;
    for (const NodeRef& part : conj.parts) {
      NodeRef declared = Document::child(Document::child(part, "properties"), name);
      if (declared.valid()) {
        out.push_back(declared);
        continue;
      }
      bool by_pattern = false;
      NodeRef patterns = Document::child(part, "patternProperties");
      if (patterns.valid() && patterns.node->is_object()) {
        for (const auto& [pattern, ignored] : patterns.node->items()) {
          const re2::RE2* re = regex(pattern);
          if (re != nullptr && re2::RE2::PartialMatch(name, *re)) {
            out.push_back(Document::child(patterns, pattern));
            by_pattern = true;
          }
        }
      }
      NodeRef additional = Document::child(part, "additionalProperties");
      if (!by_pattern && additional.valid()) out.push_back(additional);
    }
    return out;
  };

  // Discriminator values: from the oneOf/anyOf branch chosen, or, for allOf inheritance,
  // the component being built as named in the mapping.
  std::map<std::string, Value> forced = conj.forced;
  for (const NodeRef& part : conj.parts) {
    auto d = part.node->find("discriminator");
    if (d == part.node->end() || !d->is_object() || !d->contains("propertyName") ||
        !(*d)["propertyName"].is_string() || conj.components.empty())
      continue;
    std::string property = (*d)["propertyName"].get<std::string>();
    if (forced.count(property)) continue;
    auto mapping = d->find("mapping");
    if (mapping != d->end() && mapping->is_object() && !mapping->empty()) {
      for (const std::string& component : conj.components) {
        for (const auto& [key, to] : mapping->items()) {
          if (!to.is_string()) continue;
          const std::string& text = to.get_ref<const std::string&>();
          std::optional<NodeRef> mapped = document_.resolve(*part.file, text);
          bool same = text == component || (mapped && component_of(*mapped) == component);
          if (same && !forced.count(property)) forced[property] = Value(key);
        }
      }
    } else {
      forced[property] = Value(conj.components.front());
    }
  }

  const bool beyond = beyond_depth(ctx);
  std::vector<std::string> selected;
  auto select = [&](const std::string& name) {
    if (std::find(selected.begin(), selected.end(), name) == selected.end())
      selected.push_back(name);
  };
  for (const std::string& name : names) {
    if (required.count(name)) select(name);
  }
  for (const auto& [name, value] : forced) {
    if (!required.count(name) && selected.size() < max_properties && allowed(name)) select(name);
  }
  if (!beyond) {
    for (const std::string& name : names) {
      if (selected.size() >= max_properties) break;
      if (!is_hidden(name) && allowed(name)) select(name);
    }
  }
  // Too few for minProperties: other declared ones, then made-up names where allowed.
  for (int pass = 0; pass < 2 && selected.size() < min_properties; ++pass) {
    for (const std::string& name : names) {
      if (selected.size() >= min_properties) break;
      if ((pass == 1 || !is_hidden(name)) && allowed(name)) select(name);
    }
  }
  size_t extras = selected.size() < min_properties ? min_properties - selected.size() : 0;
  if (map_like && !beyond && selected.size() < max_properties) extras = std::max<size_t>(extras, 1);
  std::vector<std::string> extra_names;
  for (size_t i = 1; extra_names.size() < extras && i <= extras + 16; ++i) {
    std::string name = "key" + std::to_string(i);
    // Generate a name from patternProperties / propertyNames when those decide.
    for (const NodeRef& part : conj.parts) {
      NodeRef property_names = Document::child(part, "propertyNames");
      if (property_names.valid() && !match(Value(name), property_names)) {
        Context c = ctx;
        c.salt = mix_seed(ctx.salt, 0x6e616d65 + i);
        c.name = "key";
        std::optional<Value> generated = solve_schemas({property_names}, c);
        if (generated && generated->is_string()) name = generated->get<std::string>();
      }
      NodeRef patterns = Document::child(part, "patternProperties");
      if (!allowed(name) && patterns.valid() && patterns.node->is_object() &&
          !patterns.node->empty()) {
        const PatternGenerator& g = pattern_generator(patterns.node->begin().key());
        if (auto generated = g.generate(mix_seed(ctx.salt, i), 1, 32)) name = *generated;
      }
    }
    if (allowed(name) && std::find(selected.begin(), selected.end(), name) == selected.end() &&
        std::find(extra_names.begin(), extra_names.end(), name) == extra_names.end())
      extra_names.push_back(name);
  }
  for (const std::string& name : extra_names) select(name);
  // Dependencies: a present property may bring others along.
  for (size_t i = 0; i < selected.size(); ++i) {
    for (const NodeRef& part : conj.parts) {
      for (const char* key : {"dependentRequired", "dependencies"}) {
        NodeRef deps = Document::child(Document::child(part, key), selected[i]);
        if (!deps.valid() || !deps.node->is_array()) continue;
        for (const Json& other : *deps.node) {
          if (other.is_string()) select(other.get<std::string>());
        }
      }
    }
  }

  Value out = Value::object();
  for (const std::string& name : selected) {
    std::vector<NodeRef> schemas = schemas_for(name);
    bool needed = required.count(name) > 0 || out.size() < min_properties;
    if (auto f = forced.find(name); f != forced.end()) {
      bool fits = true;
      for (const NodeRef& s : schemas) fits = fits && match(f->second, s);
      if (fits) {
        out[name] = f->second;
        continue;
      }
    }
    Context c;
    c.salt = mix_seed(ctx.salt, hash_text(name));
    c.depth = ctx.depth + 1;
    c.name = name;
    c.path = spec::append_pointer(ctx.path, name);
    std::optional<Value> value = solve_schemas(schemas, c);
    if (!value) {
      if (needed) return std::nullopt;
      continue;
    }
    out[name] = std::move(*value);
  }
  // Built required-first (minProperties counts on it); answered in declaration order, as a
  // reader of the document expects.
  Value ordered = Value::object();
  for (const std::string& name : names) {
    if (auto it = out.find(name); it != out.end()) ordered[name] = std::move(*it);
  }
  for (auto& [name, value] : out.items()) {
    if (!ordered.contains(name)) ordered[name] = std::move(value);
  }
  return ordered;
}

std::optional<Value> Generator::build_array(const Conj& conj, const Context& ctx, Rng& rng) {
  struct Shape {
    NodeRef prefix;  // tuple schemas (prefixItems, or 3.0's array form of items)
    size_t tuple = 0;
    NodeRef rest;  // schema for the items after the tuple
  };
  std::vector<Shape> shapes;
  size_t min_items = 0;
  size_t max_items = kMaxCount;
  size_t tuple = 0;
  bool unique = false;
  std::vector<NodeRef> contains_schemas;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    Shape shape;
    NodeRef items = Document::child(part, "items");
    NodeRef prefix = Document::child(part, "prefixItems");
    if (prefix.valid() && prefix.node->is_array()) {
      shape.prefix = prefix;
      shape.tuple = prefix.node->size();
      shape.rest = items;
    } else if (items.valid() && items.node->is_array()) {
      shape.prefix = items;
      shape.tuple = items.node->size();
      shape.rest = Document::child(part, "additionalItems");
    } else {
      shape.rest = items;
    }
    if (shape.rest.valid() && shape.rest.node->is_boolean() && !shape.rest.node->get<bool>())
      max_items = std::min(max_items, shape.tuple);
    tuple = std::max(tuple, shape.tuple);
    shapes.push_back(shape);
    if (auto n = count_at(s, "minItems")) min_items = std::max(min_items, *n);
    if (auto n = count_at(s, "maxItems")) max_items = std::min(max_items, *n);
    unique = unique || flag(s, "uniqueItems");
    if (NodeRef c = Document::child(part, "contains"); c.valid()) contains_schemas.push_back(c);
  }
  if (min_items > max_items) return fail(ctx, "minItems exceeds maxItems");
  if (min_items > kMaxCount) return fail(ctx, "minItems is too large to build");
  size_t count = min_items;
  if (!beyond_depth(ctx)) {
    size_t wanted = std::max<size_t>(tuple, 1 + static_cast<size_t>(rng.below(2)));
    count = std::clamp(wanted, min_items, max_items);
  }
  auto schemas_at = [&](size_t i) {
    std::vector<NodeRef> out;
    for (const Shape& shape : shapes) {
      NodeRef s = i < shape.tuple ? Document::item(shape.prefix, i) : shape.rest;
      if (s.valid()) out.push_back(s);
    }
    return out;
  };
  std::string item_name = ctx.name;
  if (item_name.size() > 1 && item_name.back() == 's') item_name.pop_back();
  auto item_context = [&](size_t i, uint64_t attempt) {
    Context c;
    c.salt = mix_seed(ctx.salt, (i + 1) * 7919 + attempt * 104729);
    c.depth = ctx.depth + 1;
    c.name = item_name;
    c.path = ctx.path + "/" + std::to_string(i);
    return c;
  };

  Value out = Value::array();
  for (size_t i = 0; i < count; ++i) {
    std::vector<NodeRef> schemas = schemas_at(i);
    bool accepted = false;
    for (uint64_t attempt = 0; attempt < (unique ? kUniqueAttempts : 1u); ++attempt) {
      std::optional<Value> item = solve_schemas(schemas, item_context(i, attempt));
      if (!item) break;
      if (unique &&
          std::any_of(out.begin(), out.end(), [&](const Value& v) { return same_value(v, *item); }))
        continue;
      out.push_back(std::move(*item));
      accepted = true;
      break;
    }
    if (accepted) continue;
    if (i < min_items) {
      if (unique) return fail(ctx, "cannot build " + std::to_string(min_items) + " distinct items");
      return std::nullopt;
    }
    break;
  }
  // `contains`: at least one item must match; build one that does if none happens to.
  for (const NodeRef& contained : contains_schemas) {
    bool any = false;
    for (const Value& item : out) any = any || match(item, contained);
    if (any) continue;
    size_t position = out.size() < max_items ? out.size() : 0;
    if (out.empty() && max_items == 0) return fail(ctx, "contains needs an item but maxItems is 0");
    std::vector<NodeRef> schemas = schemas_at(position);
    schemas.push_back(contained);
    std::optional<Value> item = solve_schemas(schemas, item_context(position, 99));
    if (!item) return std::nullopt;
    if (position == out.size()) {
      out.push_back(std::move(*item));
    } else {
      out[position] = std::move(*item);
    }
  }
  return out;
}

std::optional<std::string> Generator::format_string(const std::string& format,
                                                    const std::string& name, Rng& rng,
                                                    size_t min_len, size_t max_len) {
  const std::string word = pick(kWords, rng);
  const int64_t n = rng.between(1, 999);
  auto date = [&] {
    return std::to_string(rng.between(2020, 2025)) + "-" + two_digits(rng.between(1, 12)) + "-" +
           two_digits(rng.between(1, 28));
  };
  auto time = [&] {
    return two_digits(rng.between(0, 23)) + ":" + two_digits(rng.between(0, 59)) + ":" +
           two_digits(rng.between(0, 59));
  };
  // `base` of `fixed` characters, then `pad` repeated to reach the length bounds; nullopt when
  // `base` alone is too long.
  auto stretch = [&](const std::string& head, char pad,
                     const std::string& tail) -> std::optional<std::string> {
    size_t base = text::code_point_count(head) + text::code_point_count(tail);
    if (base > max_len) return std::nullopt;
    size_t fill = min_len > base ? min_len - base : 0;
    return head + std::string(fill, pad) + tail;
  };
  auto in_bounds = [&](const std::string& s) {
    size_t length = text::code_point_count(s);
    return length >= min_len && length <= max_len;
  };
  std::string natural;
  if (format == "date-time") {
    natural = date() + "T" + time() + "Z";
    if (!in_bounds(natural) && min_len > natural.size())  // fractional seconds lengthen it
      return stretch(natural.substr(0, 19) + ".0", '0', "Z");
  } else if (format == "date") {
    natural = date();
  } else if (format == "time") {
    natural = time() + "Z";
    if (!in_bounds(natural) && min_len > natural.size())
      return stretch(natural.substr(0, 8) + ".0", '0', "Z");
  } else if (format == "duration") {
    const char* const kDurations[] = {"P1D", "PT1H", "P3DT12H", "PT30M", "P1Y2M", "P2W", "PT45S"};
    natural = pick(kDurations, rng);
    if (!in_bounds(natural)) return stretch("P", '1', "D");
  } else if (format == "email" || format == "idn-email") {
    natural = hint_string("email", rng);
    if (!in_bounds(natural)) {
      // Local parts hold up to 64 characters; "a@b" is the shortest address.
      if (max_len >= 13 && min_len <= 76) {
        size_t local = std::clamp<size_t>(min_len > 12 ? min_len - 12 : 1, 1, 64);
        return std::string(local, 'a') + "@example.com";
      }
      if (max_len >= 3 && min_len <= 66)
        return std::string(min_len > 2 ? min_len - 2 : 1, 'a') + "@b";
      return std::nullopt;
    }
  } else if (format == "hostname" || format == "idn-hostname") {
    const char* const kHosts[] = {"api.example.com", "www.example.org", "mail.example.net",
                                  "example.com"};
    natural = pick(kHosts, rng);
    if (!in_bounds(natural)) {
      if (min_len > 63) {
        // Labels of up to 63 characters joined by dots.
        std::string host;
        while (host.size() + 64 < min_len) host += std::string(63, 'a') + ".";
        size_t rest = min_len - host.size();
        host += std::string(std::max<size_t>(rest, 1), 'a');
        if (host.size() > 253 || !in_bounds(host)) return std::nullopt;
        return host;
      }
      return stretch("", 'a', "a");
    }
  } else if (format == "ipv4") {
    natural = "192.0.2." + std::to_string(rng.between(1, 254));
    if (!in_bounds(natural)) natural = "10.0.0.1";
  } else if (format == "ipv6") {
    natural = "2001:db8::" + hex(rng, 1) + hex(rng, 2);
    if (!in_bounds(natural)) natural = min_len > 20 ? "2001:db8:0:0:0:0:0:1" : "::1";
  } else if (format == "uri" || format == "iri" || format == "url") {
    natural = "https://example.com/" + word + "/" + std::to_string(n);
    if (!in_bounds(natural))
      return natural.size() < min_len ? stretch(natural, 'a', "") : stretch("a:", 'b', "");
  } else if (format == "uri-reference" || format == "iri-reference") {
    natural = "/" + word + "/" + std::to_string(n);
    if (!in_bounds(natural)) return stretch("/", 'a', "");
  } else if (format == "uri-template") {
    natural = "https://example.com/" + word + "/{id}";
    if (!in_bounds(natural)) return stretch("/", 'a', "");
  } else if (format == "json-pointer") {
    natural = "/" + word + "/0";
    if (!in_bounds(natural)) return stretch("/", 'a', "");
  } else if (format == "relative-json-pointer") {
    natural = "0/" + word;
    if (!in_bounds(natural)) return stretch("0/", 'a', "");
  } else if (format == "uuid") {
    natural = hex(rng, 8) + "-" + hex(rng, 4) + "-4" + hex(rng, 3) + "-a" + hex(rng, 3) + "-" +
              hex(rng, 12);
  } else if (format == "byte") {
    natural = base64(hint_string(name, rng));
    if (!in_bounds(natural)) {
      // Base64 lengths are multiples of 4.
      size_t length = (min_len + 3) / 4 * 4;
      if (length > max_len) return std::nullopt;
      return base64(std::string(length / 4 * 3, 'a'));
    }
  } else if (format == "password") {
    natural = "s3cret-" + word + "-" + std::to_string(n);
  } else if (format == "binary") {
    natural = "binary content " + std::to_string(n);
  } else if (format == "regex") {
    natural = "^[a-z]+$";
  } else if (format == "int32" || format == "int64" || format == "integer") {
    natural = std::to_string(n);
  } else if (format == "float" || format == "double" || format == "decimal" || format == "number") {
    natural = std::to_string(n) + ".5";
  } else if (format == "phone") {
    natural = hint_string("phone", rng);
  } else {
    return std::nullopt;
  }
  if (in_bounds(natural)) return natural;
  return fit_length(natural, min_len, max_len);
}

std::optional<Value> Generator::build_string(const Conj& conj, const Context& ctx, Rng& rng) {
  size_t min_len = 0;
  size_t max_len = std::numeric_limits<size_t>::max();
  std::vector<std::string> patterns;
  std::string format;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    if (auto n = count_at(s, "minLength")) min_len = std::max(min_len, *n);
    if (auto n = count_at(s, "maxLength")) max_len = std::min(max_len, *n);
    if (auto p = s.find("pattern"); p != s.end() && p->is_string())
      patterns.push_back(p->get<std::string>());
    if (format.empty()) format = text_at(s, "format");
  }
  if (min_len > max_len) return fail(ctx, "minLength exceeds maxLength");
  if (min_len > kMaxCount) return fail(ctx, "minLength is too large to build");
  auto valid = [&](const std::string& text) {
    size_t length = text::code_point_count(text);
    if (length < min_len || length > max_len) return false;
    for (const std::string& p : patterns) {
      const re2::RE2* re = regex(p);
      if (re != nullptr && !re2::RE2::PartialMatch(text, *re)) return false;
    }
    return !validate::check_string_format(format, text).has_value();
  };
  std::string pattern_problem;
  for (int attempt = 0; attempt < kStringAttempts; ++attempt) {
    Rng sub(mix_seed(rng.next(), static_cast<uint64_t>(attempt)));
    // A value of the format first (it reads best), then one built from the pattern, then a
    // word fitting the property name.
    if (!format.empty()) {
      if (auto text = format_string(format, ctx.name, sub, min_len, max_len); text && valid(*text))
        return Value(*text);
    }
    if (!patterns.empty()) {
      const PatternGenerator& generator = pattern_generator(patterns.front());
      if (!generator.ok()) {
        pattern_problem = "pattern '" + patterns.front() + "' uses " + generator.error() +
                          ", which the generator does not support";
      } else if (auto text = generator.generate(sub.next(), min_len, max_len);
                 text && valid(*text)) {
        return Value(*text);
      }
    }
    std::string hint = fit_length(hint_string(ctx.name, sub), min_len, max_len);
    if (valid(hint)) return Value(hint);
    if (patterns.empty() && format.empty()) break;  // nothing random left to vary
  }
  std::string what = "no string found";
  if (!patterns.empty()) what += " matching pattern '" + patterns.front() + "'";
  if (!format.empty()) what += " of format " + format;
  if (min_len > 0 || max_len != std::numeric_limits<size_t>::max()) {
    what += " with " + std::to_string(min_len) + " to " +
            (max_len == std::numeric_limits<size_t>::max() ? std::string("any")
                                                           : std::to_string(max_len)) +
            " characters";
  }
  if (!pattern_problem.empty()) what += " (" + pattern_problem + ")";
  return fail(ctx, what);
}

std::optional<Value> Generator::build_number(const Conj& conj, const Context& ctx, Rng& rng,
                                             bool integer) {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  auto raise_lo = [&](double v, bool open) {
    if (v > lo || (v == lo && open)) lo = v, lo_open = open;
  };
  auto lower_hi = [&](double v, bool open) {
    if (v < hi || (v == hi && open)) hi = v, hi_open = open;
  };
  std::vector<Json> divisors;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    bool ex_min = flag(s, "exclusiveMinimum");
    bool ex_max = flag(s, "exclusiveMaximum");
    if (auto v = number_at(s, "minimum")) raise_lo(*v, ex_min);
    if (auto v = number_at(s, "maximum")) lower_hi(*v, ex_max);
    if (auto v = number_at(s, "exclusiveMinimum")) raise_lo(*v, true);
    if (auto v = number_at(s, "exclusiveMaximum")) lower_hi(*v, true);
    if (auto m = s.find("multipleOf"); m != s.end() && m->is_number() && m->get<double>() > 0)
      divisors.push_back(*m);
    // Formats bound the range too (the non-standard ones only for realism).
    static const std::map<std::string, std::pair<double, double>> kRanges = {
        {"int8", {-128, 127}},
        {"uint8", {0, 255}},
        {"int16", {-32768, 32767}},
        {"uint16", {0, 65535}},
        {"int32", {-2147483648.0, 2147483647.0}},
        {"uint32", {0, 4294967295.0}},
        {"int64", {-kMaxSafeInteger, kMaxSafeInteger}},
        {"uint64", {0, kMaxSafeInteger}},
        {"float", {-3.4e38, 3.4e38}},
    };
    if (auto r = kRanges.find(text_at(s, "format")); r != kRanges.end()) {
      raise_lo(r->second.first, false);
      lower_hi(r->second.second, false);
    }
  }
  auto in_range = [&](double v) {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  };
  auto multiples_ok = [&](const Value& v) {
    for (const Json& d : divisors) {
      if (!is_multiple(v, d)) return false;
    }
    return true;
  };
  auto [hint_lo, hint_hi] = number_hint(ctx.name);
  if (integer) {
    double first = std::max(lo_open ? std::floor(lo) + 1 : std::ceil(lo), -kMaxSafeInteger);
    double last = std::min(hi_open ? std::ceil(hi) - 1 : std::floor(hi), kMaxSafeInteger);
    if (first > last) return fail(ctx, "no integer lies between minimum and maximum");
    // The step every integral multipleOf shares.
    int64_t step = 1;
    for (const Json& d : divisors) {
      double dv = d.get<double>();
      if (dv != std::floor(dv)) continue;
      auto di = static_cast<int64_t>(dv);
      int64_t g = std::gcd(step, di);
      if (step / g > static_cast<int64_t>(kMaxSafeInteger) / di)
        return fail(ctx, "multipleOf values have no common multiple");
      step = step / g * di;
    }
    auto [ilo, ihi] = integer_hint(ctx.name);
    double a = std::max(first, static_cast<double>(ilo));
    double b = std::min(last, static_cast<double>(ihi));
    if (a > b) {  // the realistic range is outside the bounds: stay near the nearest bound
      if (last < ilo) {
        a = std::max(first, last - 99), b = last;
      } else {
        a = first, b = std::min(last, first + 99);
      }
    }
    auto start =
        static_cast<int64_t>(a) + static_cast<int64_t>(rng.below(static_cast<uint64_t>(b - a) + 1));
    // Round up to the step, then walk up (and down) until every multipleOf holds.
    int64_t base = start / step * step;
    for (int64_t k = 0; k < 2000; ++k) {
      for (int64_t sign : {1, -1}) {
        int64_t candidate = base + sign * k * step;
        if (!in_range(static_cast<double>(candidate))) continue;
        Value v(candidate);
        if (multiples_ok(v)) return v;
      }
    }
    return fail(ctx, "no integer within the bounds is a multiple of every multipleOf");
  }

  if (!divisors.empty()) {
    // k * divisor for k near the realistic range.
    double d = divisors.front().get<double>();
    double a = std::isfinite(lo) ? lo : std::min(hint_lo, hi);
    double from = std::ceil(std::max(a, hint_lo) / d);
    if (!in_range(from * d)) from = std::ceil(a / d);
    for (int64_t k = 0; k < 2000; ++k) {
      for (double candidate :
           {(from + static_cast<double>(k)) * d, (from - static_cast<double>(k)) * d}) {
        if (!in_range(candidate)) continue;
        Value v = candidate == std::floor(candidate) && std::fabs(candidate) < kMaxSafeInteger
                      ? Value(static_cast<int64_t>(candidate))
                      : Value(candidate);
        if (multiples_ok(v)) return v;
      }
    }
    return fail(ctx, "no number within the bounds is a multiple of every multipleOf");
  }
  double a = std::max(lo, hint_lo);
  double b = std::min(hi, hint_hi);
  if (a > b) {
    if (hi < hint_lo) {
      a = std::max(lo, hi - 100), b = hi;
    } else {
      a = lo, b = std::min(hi, lo + 100);
    }
  }
  static const double kFractions[] = {0.5, 0.25, 0.75, 0.99, 0.1};
  double value = a;
  if (b - a >= 1 && std::isfinite(a) && std::isfinite(b)) {
    double whole =
        std::floor(a) + static_cast<double>(rng.below(static_cast<uint64_t>(std::min(b - a, 1e6))));
    value = whole + pick(kFractions, rng);
    if (!in_range(value)) value = (a + b) / 2;
  } else if (std::isfinite(a) && std::isfinite(b)) {
    value = (a + b) / 2;
  } else if (std::isfinite(a)) {
    value = a + 1.5;
  } else if (std::isfinite(b)) {
    value = b - 1.5;
  } else {
    value = 1.5;
  }
  if (!in_range(value)) {
    if (!lo_open && std::isfinite(lo))
      value = lo;
    else if (!hi_open && std::isfinite(hi))
      value = hi;
    else
      return fail(ctx, "no number lies between the exclusive bounds");
  }
  return Value(value);
}

}  // namespace

std::optional<spec::Json> generate(const spec::Document& document, const spec::NodeRef& schema,
                                   const GenerateOptions& options, std::string* why) {
  try {
    Generator generator(document, options);
    std::optional<spec::Json> value = generator.run(schema);
    if (!value && why != nullptr)
      *why = generator.why().empty() ? "no value could be built" : generator.why();
    return value;
  } catch (const std::exception& e) {
    // Malformed documents must not take the server down.
    if (why != nullptr) *why = std::string("internal error while generating: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace apiserver::mock
