// The state of one mock::generate() call and the steps it takes (see generator.cpp for how a
// value is built). Its members are spread by job: value_solver.cpp gathers the schemas a value
// must satisfy and decides oneOf / anyOf / if, value_builder.cpp picks a type from the merged
// keywords, and object_builder.cpp, array_builder.cpp, string_builder.cpp and
// number_builder.cpp build a value of one JSON type. Internal to mock/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "mock/generator.hpp"
#include "mock/pattern_generator.hpp"
#include "mock/rng.hpp"
#include "mock/schema_helpers.hpp"
#include "mock/schema_matcher.hpp"
#include "spec/document.hpp"

namespace apiserver::mock::detail {

constexpr size_t kValueBudget = 20000;  // values built before everything goes minimal
constexpr size_t kStepBudget = 50000;   // solve() calls before giving up
constexpr int kExpandDepth = 64;        // $ref / allOf chain bound within one value
constexpr int kHardDepthMargin = 48;    // nesting beyond max_depth that always fails
constexpr int kStringAttempts = 8;
constexpr int kUniqueAttempts = 8;
constexpr double kMaxSafeInteger = 9007199254740992.0;  // 2^53: exact in a double

class Generator {
 public:
  Generator(const spec::Document& document, const GenerateOptions& options)
      : document_(document), options_(options), matcher_(document, options.audience) {}

  std::optional<Value> run(const spec::NodeRef& schema);
  const std::string& why() const { return why_; }

 private:
  using Document = spec::Document;
  using Json = spec::Json;
  using NodeRef = spec::NodeRef;

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

  // Expansion and solving (value_solver.cpp).
  void expand(const NodeRef& node, Conj& conj, int depth, int level);
  std::optional<Value> solve(Conj conj, const Context& ctx);
  std::optional<Value> solve_choice(Conj conj, const Context& ctx);
  std::optional<Value> from_examples(Conj& conj);
  std::optional<Value> solve_schemas(const std::vector<NodeRef>& schemas, const Context& ctx);
  std::optional<Value> discriminator_value(const NodeRef& owner, const NodeRef& branch);
  bool make_exclusive(Value& value, const NodeRef& list, size_t chosen, const Conj& conj);
  void strip_hidden(Value& value, const Conj& conj);

  // Building one value from the merged keywords (value_builder.cpp and one file a type).
  std::optional<Value> build(const Conj& conj, const Context& ctx);
  std::optional<Value> build_type(unsigned type, const Conj& conj, const Context& ctx, Rng& rng);
  std::optional<Value> build_object(const Conj& conj, const Context& ctx);
  std::optional<Value> build_array(const Conj& conj, const Context& ctx, Rng& rng);
  std::optional<Value> build_string(const Conj& conj, const Context& ctx, Rng& rng);
  std::optional<Value> build_number(const Conj& conj, const Context& ctx, Rng& rng, bool integer);
  bool beyond_depth(const Context& ctx) const {
    return ctx.depth >= options_.max_depth || values_ > kValueBudget;
  }

  // Matching (mirrors the validator; see schema_matcher.hpp).
  bool match(const Value& value, const NodeRef& schema) { return matcher_.match(value, schema); }
  bool match_conj(const Value& value, const Conj& conj, bool shallow) {
    return matcher_.match_all(value, conj.parts, conj.negations, shallow);
  }

  const PatternGenerator& pattern_generator(const std::string& pattern);

  std::nullopt_t fail(const Context& ctx, const std::string& message) {
    why_ = ctx.path.empty() ? message : "at " + ctx.path + ": " + message;
    return std::nullopt;
  }

  const Document& document_;
  GenerateOptions options_;
  SchemaMatcher matcher_;
  std::string why_;
  size_t values_ = 0;
  size_t steps_ = 0;
  std::map<Location, int> active_;
  std::unordered_map<std::string, std::unique_ptr<PatternGenerator>> patterns_;
};

}  // namespace apiserver::mock::detail
