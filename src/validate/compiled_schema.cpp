#include "validate/compiled_schema.hpp"

#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "spec/json_pointer.hpp"
#include "validate/custom_constraints.hpp"
#include "validate/error_messages.hpp"

namespace apiserver::validate {
namespace {

// std::regex recurses per character and backtracks: keep its input short.
constexpr size_t kMaxKeyLengthForRegex = 256;

bool uses_pattern_properties(const nlohmann::json& node) {
  if (node.is_object()) {
    if (node.contains("patternProperties")) return true;
    for (const auto& [key, value] : node.items()) {
      if (value.is_structured() && uses_pattern_properties(value)) return true;
    }
  } else if (node.is_array()) {
    for (const auto& item : node) {
      if (uses_pattern_properties(item)) return true;
    }
  }
  return false;
}

// Finds an object key longer than the limit; returns its parent's pointer.
bool find_long_key(const nlohmann::json& value, const std::string& pointer, std::string& where) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (key.size() > kMaxKeyLengthForRegex) {
        where = pointer;
        return true;
      }
      if (child.is_structured() && find_long_key(child, spec::append_pointer(pointer, key), where))
        return true;
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (find_long_key(value[i], pointer + "/" + std::to_string(i), where)) return true;
    }
  }
  return false;
}

// valijson's context is {"<root>", "[name]", "[0]", ...}; a JSON pointer it is.
std::string context_to_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& part : context) {
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      pointer = spec::append_pointer(pointer, part.substr(1, part.size() - 2));
    }
  }
  return pointer;
}

// Appends `error` unless the same problem at the same place is already there.
void add_field_error(FieldError error, std::vector<FieldError>& out) {
  for (const FieldError& existing : out) {
    if (existing.source == error.source && existing.name == error.name &&
        existing.pointer == error.pointer && existing.detail == error.detail)
      return;
  }
  out.push_back(std::move(error));
}

// Adds valijson's sentence `message` about the value at `pointer`, in our words.
void add_error(const std::string& message, std::string pointer, ErrorSource source,
               const std::string& name, std::vector<FieldError>& out) {
  std::optional<ErrorMessage> translated = translate_error(message);
  if (!translated) return;
  if (!translated->child.empty()) pointer = spec::append_pointer(pointer, translated->child);
  add_field_error({source, name, std::move(pointer), std::move(translated->detail)}, out);
}

}  // namespace

struct CompiledSchema::Impl {
  valijson::Schema schema;
};

CompiledSchema::CompiledSchema() : impl_(std::make_unique<Impl>()) {}
CompiledSchema::~CompiledSchema() = default;

std::shared_ptr<const CompiledSchema> CompiledSchema::build(const nlohmann::json& draft7,
                                                            bool quick_check) {
  std::shared_ptr<CompiledSchema> compiled(new CompiledSchema());
  compiled->document_ = draft7;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  register_custom_constraints(parser);
  valijson::adapters::NlohmannJsonAdapter adapter(compiled->document_);
  try {
    parser.populateSchema(adapter, compiled->impl_->schema);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("the schema cannot be compiled: ") + e.what());
  }
  compiled->checks_key_length_ = uses_pattern_properties(compiled->document_);
  if (quick_check) compiled->quick_ = QuickCheck::build(compiled->document_);
  return compiled;
}

bool CompiledSchema::validate(const nlohmann::json& value, ErrorSource source,
                              const std::string& name, std::vector<FieldError>& errors) const {
  QuickCheck::Verdict quick =
      quick_ != nullptr ? quick_->check(value) : QuickCheck::Verdict::kUnsure;
  if (quick == QuickCheck::Verdict::kValid) return true;
  if (checks_key_length_) {
    std::string where;
    if (find_long_key(value, "", where)) {
      errors.push_back({source, name, where,
                        "has a property name longer than " + std::to_string(kMaxKeyLengthForRegex) +
                            " characters"});
      return false;
    }
  }
  size_t before = errors.size();
  if (quick == QuickCheck::Verdict::kInvalid) {
    std::vector<QuickCheck::Finding> findings;
    // Nothing found would be a gap in the quick check: valijson then says what is wrong.
    if (quick_->explain(value, findings) && !findings.empty()) {
      for (QuickCheck::Finding& finding : findings)
        add_error(finding.message, std::move(finding.pointer), source, name, errors);
      if (errors.size() == before)
        errors.push_back({source, name, "", "does not match the schema"});
      return false;
    }
  }
  valijson::adapters::NlohmannJsonAdapter adapter(value);
  valijson::Validator validator;
  // Patterns that hit their limits, wherever they sit (under `not` too), refuse the value.
  std::vector<PatternLimitHit>& limit_hits = pattern_limit_hits();
  limit_hits.clear();
  // Valid input stops at valijson's first check without collecting; input the quick check found
  // invalid goes straight to collecting.
  if (quick == QuickCheck::Verdict::kUnsure &&
      validator.validate(impl_->schema, adapter, nullptr) && limit_hits.empty())
    return true;
  valijson::ValidationResults results;
  // Should the quick check ever refuse what valijson takes, valijson decides.
  if (validator.validate(impl_->schema, adapter, &results) && limit_hits.empty()) return true;
  for (const auto& error : results)
    add_error(error.description, context_to_pointer(error.context), source, name, errors);
  for (const PatternLimitHit& hit : limit_hits)
    add_field_error(
        {source, name, context_to_pointer(hit.context), pattern_limit_detail(hit.pattern)}, errors);
  limit_hits.clear();
  if (errors.size() == before) errors.push_back({source, name, "", "does not match the schema"});
  return false;
}

}  // namespace apiserver::validate
