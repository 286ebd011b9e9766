// Document -> Api: the whole compile step, run once at start-up.
#pragma once

#include <memory>

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Compiles `document`. Every problem goes to `diagnostics`; returns nullptr
// when any of them is an error, so a server never starts on a guess.
struct CompileOptions {
  // --mock: resources without x-apiserver-seed rows answer as mocks (realistic data
  // instead of an empty store); seeded ones stay stored, on a throwaway database.
  bool mock = false;
  // --validate-responses: every operation's answers are checked (reported) unless the document
  // says otherwise; without it, only forwarded ones.
  bool validate_responses = false;
};

std::unique_ptr<model::Api> compile_api(std::shared_ptr<const spec::Document> document,
                                        spec::Diagnostics& diagnostics,
                                        const CompileOptions& options = {});

}  // namespace apiserver::compile
