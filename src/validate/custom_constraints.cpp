#include "validate/custom_constraints.hpp"

#include <cmath>
#include <memory>
#include <new>
#include <string>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <vector>

#include "text/utf8.hpp"
#include "validate/formats.hpp"
#include "validate/json_types.hpp"
#include "validate/keywords.hpp"
#include "validate/pattern_engine.hpp"

namespace apiserver::validate {
namespace {

using valijson::ValidationResults;
using valijson::adapters::Adapter;

// valijson copies constraints with placement new; each concrete constraint
// provides the same three members.
template <typename Derived>
class CopyableConstraint : public valijson::constraints::PolyConstraint {
 private:
  valijson::constraints::Constraint* cloneInto(void* memory) const override {
    return new (memory) Derived(static_cast<const Derived&>(*this));
  }
  size_t sizeOf() const override { return sizeof(Derived); }
};

class PatternConstraint final : public CopyableConstraint<PatternConstraint> {
 public:
  explicit PatternConstraint(std::shared_ptr<const CompiledPattern> pattern)
      : pattern_(std::move(pattern)) {}

  bool validate(const Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (!target.isString()) return true;
    std::string value = target.getString();
    PatternMatch match = pattern_->search(value);
    if (match == PatternMatch::kMatch) return true;
    std::string detail = "must match the pattern " + pattern_->source();
    if (match == PatternMatch::kLimitExceeded) {
      pattern_limit_hits().push_back({context, pattern_->source()});
      detail = pattern_limit_detail(pattern_->source());
    }
    if (results != nullptr) results->pushError(context, detail);
    return false;
  }

 private:
  std::shared_ptr<const CompiledPattern> pattern_;
};

class FormatConstraint final : public CopyableConstraint<FormatConstraint> {
 public:
  explicit FormatConstraint(std::string format) : format_(std::move(format)) {}

  bool validate(const Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    std::optional<std::string> problem;
    if (target.isString()) {
      if (format_kind(format_) == FormatKind::kString)
        problem = check_string_format(format_, target.getString());
    } else if (target.isNumber() && format_kind(format_) == FormatKind::kNumber) {
      bool is_integer = target.isInteger();
      long long as_int = is_integer ? target.getInteger() : 0;
      double as_double = target.getNumber();
      // The adapter reports unsigned values above INT64_MAX as wrapped integers.
      if (is_integer && as_int < 0 && as_double > 0) is_integer = false;
      problem = check_number_format(format_, is_integer, as_int, as_double);
    }
    if (!problem) return true;
    if (results != nullptr) results->pushError(context, *problem);
    return false;
  }

 private:
  std::string format_;
};

class TypeConstraint final : public CopyableConstraint<TypeConstraint> {
 public:
  TypeConstraint(unsigned allowed, std::string description)
      : allowed_(allowed), description_(std::move(description)) {}

  bool validate(const Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (matches(target)) return true;
    if (results != nullptr) results->pushError(context, "must be " + description_);
    return false;
  }

 private:
  bool matches(const Adapter& target) const {
    if (target.isNull()) return allowed_ & kNullBit;
    if (target.isBool()) return allowed_ & kBooleanBit;
    if (target.isString()) return allowed_ & kStringBit;
    if (target.isArray()) return allowed_ & kArrayBit;
    if (target.isObject()) return allowed_ & kObjectBit;
    if (target.isInteger()) return allowed_ & (kIntegerBit | kNumberBit);
    if (target.isNumber()) {
      if (allowed_ & kNumberBit) return true;
      double d = target.getNumber();
      return (allowed_ & kIntegerBit) && std::isfinite(d) && std::floor(d) == d;
    }
    return false;
  }

  unsigned allowed_;
  std::string description_;
};

class LengthConstraint final : public CopyableConstraint<LengthConstraint> {
 public:
  LengthConstraint(bool is_minimum, uint64_t bound) : is_minimum_(is_minimum), bound_(bound) {}

  bool validate(const Adapter& target, const std::vector<std::string>& context,
                ValidationResults* results) const override {
    if (!target.isString()) return true;
    // Counted over every byte (valijson stops at an embedded NUL).
    size_t length = text::code_point_count(target.getString());
    if (is_minimum_ ? length >= bound_ : length <= bound_) return true;
    if (results != nullptr)
      results->pushError(context,
                         std::string(is_minimum_ ? "must be at least " : "must be at most ") +
                             std::to_string(bound_) + " characters long");
    return false;
  }

 private:
  bool is_minimum_;
  uint64_t bound_;
};

class LengthBuilder final : public valijson::ConstraintBuilder {
 public:
  explicit LengthBuilder(bool is_minimum) : is_minimum_(is_minimum) {}
  valijson::constraints::Constraint* make(const Adapter& value) const override {
    int64_t bound = 0;
    if (!value.getInteger(bound) || bound < 0)
      throw std::runtime_error("a length bound must be a non-negative integer");
    return new LengthConstraint(is_minimum_, static_cast<uint64_t>(bound));
  }

 private:
  bool is_minimum_;
};

class PatternBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const Adapter& value) const override {
    std::string error;
    auto pattern = CompiledPattern::compile(value.getString(), error);
    // The schema translator only emits patterns that compile; this is a guard.
    if (!pattern) throw std::runtime_error(error);
    return new PatternConstraint(std::move(pattern));
  }
};

class FormatBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const Adapter& value) const override {
    return new FormatConstraint(value.getString());
  }
};

class TypeBuilder final : public valijson::ConstraintBuilder {
 public:
  valijson::constraints::Constraint* make(const Adapter& value) const override {
    unsigned allowed = 0;
    std::vector<std::string> names;
    auto add = [&](const std::string& name) {
      unsigned bit = json_type_bit(name);
      if (bit == 0) throw std::runtime_error("unknown type '" + name + "'");
      allowed |= bit;
      names.push_back(name);
    };
    if (value.isString()) {
      add(value.getString());
    } else {
      value.applyToArray([&](const Adapter& item) {
        add(item.getString());
        return true;
      });
    }
    return new TypeConstraint(allowed, type_description(names));
  }
};

}  // namespace

std::vector<PatternLimitHit>& pattern_limit_hits() {
  thread_local std::vector<PatternLimitHit> hits;
  return hits;
}

std::string pattern_limit_detail(const std::string& pattern) {
  return "could not be evaluated against the pattern " + pattern + " within limits";
}

void register_custom_constraints(valijson::SchemaParser& parser) {
  // The parser takes ownership of the builders.
  parser.addConstraintBuilder(kPatternKeyword, new PatternBuilder());
  parser.addConstraintBuilder(kFormatKeyword, new FormatBuilder());
  parser.addConstraintBuilder(kTypeKeyword, new TypeBuilder());
  parser.addConstraintBuilder(kMinLengthKeyword, new LengthBuilder(true));
  parser.addConstraintBuilder(kMaxLengthKeyword, new LengthBuilder(false));
}

}  // namespace apiserver::validate
