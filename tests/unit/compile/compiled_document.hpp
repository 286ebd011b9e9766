// Test helper: compiles an in-memory document and keeps what a test asks about.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "compile/compiler.hpp"
#include "spec/document.hpp"

namespace apiserver::compile::testing {

struct Compiled {
  std::shared_ptr<const spec::Document> document;
  std::unique_ptr<model::Api> api;
  spec::Diagnostics diagnostics;

  std::string messages() const {
    std::string out;
    for (const auto& d : diagnostics.items()) out += d.to_string() + "\n";
    return out;
  }
  const spec::Diagnostic* find(spec::Diagnostic::Severity severity,
                               const std::string& needle) const {
    for (const auto& d : diagnostics.items())
      if (d.severity == severity && d.message.find(needle) != std::string::npos) return &d;
    return nullptr;
  }
  const spec::Diagnostic* error(const std::string& needle) const {
    return find(spec::Diagnostic::Severity::kError, needle);
  }
  const spec::Diagnostic* warning(const std::string& needle) const {
    return find(spec::Diagnostic::Severity::kWarning, needle);
  }
  const model::PathItem* path(const std::string& path_template) const {
    if (!api) return nullptr;
    for (const auto& item : api->paths)
      if (item.path_template == path_template) return &item;
    return nullptr;
  }
  const model::Operation* op(const std::string& method, const std::string& path_template) const {
    const model::PathItem* item = path(path_template);
    return item == nullptr ? nullptr : item->find(method);
  }
  const model::Resource* table(const std::string& name) const {
    if (!api) return nullptr;
    for (const auto& r : api->resources)
      if (r->table == name) return r.get();
    return nullptr;
  }
};

// Parses and compiles `text`, a whole document.
inline Compiled compile_text(const std::string& text) {
  Compiled c;
  c.document = spec::parse_document(text, "api.yaml", c.diagnostics);
  EXPECT_TRUE(c.document) << c.messages();
  if (c.document) c.api = compile_api(c.document, c.diagnostics);
  return c;
}

}  // namespace apiserver::compile::testing
