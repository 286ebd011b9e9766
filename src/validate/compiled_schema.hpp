// A JSON Schema ready to validate values: built once from the draft-7 form the
// schema translator produces, then shared read-only by every request thread.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "problem/problem.hpp"
#include "validate/quick_check.hpp"

namespace apiserver::validate {

class CompiledSchema {
 public:
  // Compiles `draft7` (a self-contained draft-7 document). Throws
  // std::runtime_error with valijson's explanation when it cannot. Without `quick_check`,
  // valijson alone judges every value (tests compare the two ways).
  static std::shared_ptr<const CompiledSchema> build(const nlohmann::json& draft7,
                                                     bool quick_check = true);

  ~CompiledSchema();
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  // Validates `value`. On failure appends one FieldError per distinct problem,
  // located at `source`/`name`, and returns false.
  bool validate(const nlohmann::json& value, ErrorSource source, const std::string& name,
                std::vector<FieldError>& errors) const;

  const nlohmann::json& document() const { return document_; }

 private:
  CompiledSchema();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  nlohmann::json document_;
  // Answers "valid" for most valid values of simple schemas without valijson; null for other
  // schemas.
  std::unique_ptr<const QuickCheck> quick_;
  // valijson matches patternProperties with std::regex on the property names
  // of the instance; object keys longer than this are refused first.
  bool checks_key_length_ = false;
};

}  // namespace apiserver::validate
