#include "spec/diagnostics.hpp"

#include <algorithm>

namespace apiserver::spec {

std::string Diagnostic::to_string() const {
  std::string out = file.empty() ? std::string("<document>") : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  out += message;
  if (!pointer.empty()) out += " (at " + pointer + ")";
  return out;
}

std::string Diagnostic::to_string_for_validate() const {
  if (!fails_validate() || severity == Severity::kError) return to_string();
  Diagnostic as_error = *this;
  as_error.severity = Severity::kError;
  return as_error.to_string();
}

void Diagnostics::add_once(Diagnostic diagnostic) {
  for (const Diagnostic& d : items_) {
    if (d.file == diagnostic.file && d.pointer == diagnostic.pointer &&
        d.message == diagnostic.message)
      return;
  }
  add(std::move(diagnostic));
}

bool Diagnostics::has_errors() const {
  return error_count() > 0;
}

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  }));
}

size_t Diagnostics::validate_error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                           [](const Diagnostic& d) { return d.fails_validate(); }));
}

}  // namespace apiserver::spec
