// Accept header matching (RFC 9110 12.5.1) for JSON responses.
#pragma once

#include <string>
#include <vector>

namespace apiserver::pipeline {

// True when a client sending `accept` (nullptr: no header) takes JSON.
bool accepts_json(const std::string* accept);

// The index in `media_types` (normalized, in preference order) of the one to
// send for `accept`: the highest q wins, ties go to the earlier one. -1 when
// Accept excludes them all.
int pick_media_type(const std::string* accept, const std::vector<std::string>& media_types);

}  // namespace apiserver::pipeline
