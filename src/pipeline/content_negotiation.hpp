// Accept header matching (RFC 9110 12.5.1) for JSON responses.
#pragma once

#include <string>

namespace apiserver::pipeline {

// True when a client sending `accept` (nullptr: no header) takes JSON.
bool accepts_json(const std::string* accept);

}  // namespace apiserver::pipeline
