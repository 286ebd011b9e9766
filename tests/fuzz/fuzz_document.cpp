// Fuzz target: bytes -> OpenAPI document (YAML or JSON) -> compiled API, as
// `apiserver validate` does, from memory (a $ref to another file is reported, not followed).
// Diagnostics are rendered both ways a user sees them.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "compile/compiler.hpp"
#include "fuzz_support.hpp"
#include "spec/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apiserver;
  const std::string text(fuzz::as_text(data, size));
  spec::Diagnostics diagnostics;
  std::shared_ptr<const spec::Document> document =
      spec::parse_document(text, "fuzz.yaml", diagnostics);
  std::unique_ptr<model::Api> api;
  if (document) api = compile::compile_api(document, diagnostics);
  for (const spec::Diagnostic& d : diagnostics.items()) {
    (void)d.to_string();
    (void)d.to_string_for_validate();
  }
  (void)diagnostics.validate_error_count();
  return 0;
}
