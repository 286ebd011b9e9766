// Messages about a document: where (file, line, JSON pointer) and what is wrong.
//
// Loading and compiling collect every problem they find instead of stopping at
// the first, so a user fixes a document in one pass.
#pragma once

#include <string>
#include <vector>

namespace apiserver::spec {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;     // as the user named it, or relative to the main document
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string pointer;  // JSON pointer of the node within `file`; may be empty
  std::string message;
  // A warning for something the OpenAPI Specification forbids (a MUST it breaks) that the
  // server can still serve: starting, it stays a warning; `apiserver validate` counts and
  // prints it as an error, since a validator exists to fail on a broken document.
  bool breaks_specification = false;
  // A warning for a check the document asks for that the server does not make (a keyword the
  // validator cannot enforce): serving, a warning; `apiserver validate` fails on it, since
  // requests the document refuses would be answered as valid.
  bool not_enforced = false;

  // What `apiserver validate` fails on: errors, and the two kinds of warning above.
  bool fails_validate() const {
    return severity == Severity::kError || breaks_specification || not_enforced;
  }

  // "todo.yaml:12:7: error: message (at /paths/~1todos/get)"
  std::string to_string() const;
  // The same, with a warning that fails validate shown as an error.
  std::string to_string_for_validate() const;
};

class Diagnostics {
 public:
  void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  // Adds `diagnostic` unless the same one (place and message) is there: for checks of a schema
  // that several operations share, made once per operation.
  void add_once(Diagnostic diagnostic);
  bool has_errors() const;
  size_t error_count() const;
  // Errors plus the warnings that fail `validate`.
  size_t validate_error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace apiserver::spec
