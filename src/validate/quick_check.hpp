// A fast check of the schemas most bodies have: objects of typed properties, with required
// names, length and number bounds, arrays of such items. It runs straight over the parsed value,
// where valijson's visitor allocates and dispatches per keyword. It says "valid" or "invalid"
// exactly when valijson would (or "unsure", past its depth); CompiledSchema then asks valijson
// only to say what is wrong. A schema using any keyword outside that set gets no quick check.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace apiserver::validate {

class QuickCheck {
 public:
  // The check of `draft7` (as the schema translator writes it); null when some keyword of it
  // is not one the check knows.
  static std::unique_ptr<const QuickCheck> build(const nlohmann::json& draft7);

  ~QuickCheck();
  QuickCheck(const QuickCheck&) = delete;
  QuickCheck& operator=(const QuickCheck&) = delete;

  // kValid and kInvalid are what valijson would say; kUnsure for a value nested deeper than
  // the check goes.
  enum class Verdict { kValid, kInvalid, kUnsure };
  Verdict check(const nlohmann::json& value) const;

  // One error valijson reports: where (a JSON pointer) and its sentence, word for word.
  struct Finding {
    std::string pointer;
    std::string message;
  };
  // Appends the errors valijson reports for `value`, in valijson's order, leaving out the ones
  // that only repeat a nested failure. False when it cannot tell them exactly (a pattern past
  // its limits, a `false` schema, a value nested past its depth): then valijson must. This
  // spares an invalid value valijson's error collection, which copies its path per property.
  bool explain(const nlohmann::json& value, std::vector<Finding>& out) const;

 private:
  struct Node;
  class Builder;
  QuickCheck();
  const Node* root_ = nullptr;
  std::vector<std::unique_ptr<Node>> nodes_;  // every node; $refs may make them a cycle
};

}  // namespace apiserver::validate
