// Waiting on a condition instead of sleeping a fixed time: a test polls until what it waits for
// has happened, and fails only when a generous deadline passes without it.
#pragma once

#include <chrono>
#include <functional>

namespace apiserver::test {

// Long enough for a loaded machine: only something that never happens reaches it.
inline constexpr std::chrono::milliseconds kWaitDeadline{20000};

// Polls `condition` every `interval` until it returns true (then returns true at once) or
// `deadline` has passed (then returns false, after one last look).
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds deadline = kWaitDeadline,
                std::chrono::milliseconds interval = std::chrono::milliseconds(10));

}  // namespace apiserver::test
