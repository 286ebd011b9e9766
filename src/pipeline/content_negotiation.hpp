// Accept header matching (RFC 9110 12.5.1): JSON for stored operations, any declared media
// type (ranges included) for mocks.
#pragma once

#include <string>
#include <vector>

namespace apiserver::pipeline {

// True when a client sending `accept` (nullptr: no header) takes JSON.
bool accepts_json(const std::string* accept);

struct MediaPick {
  int index = -1;    // in the declared media types; -1 when Accept excludes them all
  std::string type;  // the declared type, narrowed by Accept when it is a range (image/png for
                     // image/*); still a range when Accept narrows nothing
};

// The declared media type (normalized, in preference order) to send for `accept`: the highest
// q wins, ties go to the earlier one.
MediaPick negotiate_media_type(const std::string* accept,
                               const std::vector<std::string>& media_types);

}  // namespace apiserver::pipeline
