// The caller, as authentication names it. Authentication fills it; rate limits by caller,
// row ownership and the access log read it, so it sits with the model every stage knows
// rather than in one of those stages.
#pragma once

#include <string>
#include <vector>

namespace apiserver::model {

struct Identity {
  bool authenticated = false;
  std::string subject;  // JWT subject, API key name or user name
  std::vector<std::string> scopes;
};

}  // namespace apiserver::model
