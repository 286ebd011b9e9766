// The Prefer request header (RFC 7240) as this server understands it:
// code=NNN, example=NAME, dynamic=true for mocks; count=exact for lists; return=minimal for
// stored writes.
#pragma once

#include <optional>
#include <string>

#include "http/request.hpp"

namespace apiserver::pipeline {

struct Preferences {
  std::optional<std::string> code;
  std::optional<std::string> example;
  bool dynamic = false;
  bool count_exact = false;
  bool return_minimal = false;
};

// Reads every Prefer header of `request`; unknown preferences are ignored, as
// RFC 7240 says.
Preferences read_preferences(const http::Request& request);

}  // namespace apiserver::pipeline
