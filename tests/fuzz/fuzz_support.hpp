// Shared by the fuzz targets: compiling a fixed document once, at start-up, and splitting an
// input into the parts of a request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"
#include "spec/document.hpp"

namespace apiserver::fuzz {

// A document compiled once; the process aborts when it does not compile (a broken target,
// not a finding).
struct CompiledApi {
  std::shared_ptr<const spec::Document> document;
  std::unique_ptr<model::Api> api;

  // The operation `method path_template`; aborts when the document has none.
  const model::Operation& operation(const std::string& method,
                                    const std::string& path_template) const;
};

CompiledApi compile_fixed(const std::string& text);

// The input as text.
inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `text` at each `separator` into at least `parts` pieces (missing ones empty, the last
// one keeps any further separators).
std::vector<std::string> split(std::string_view text, char separator, size_t parts);

// Documents the targets compile (fuzz_support.cpp).
extern const char* const kBodyDocument;        // request bodies of many schema shapes
extern const char* const kParametersDocument;  // parameters of every location and style
extern const char* const kStoredDocument;      // a stored resource with a merge-patch PATCH

}  // namespace apiserver::fuzz
