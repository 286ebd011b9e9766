#include "mock/knobs.hpp"

#include "spec/values.hpp"

namespace apiserver::mock {

using spec::check_keys;
using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;
using spec::parse_duration;

void read_mock_knobs(const Document& document, const NodeRef& node, model::MockKnobs& knobs,
                     spec::Diagnostics& diagnostics) {
  if (!node.node->is_object()) {
    diagnostics.add(document.at(node, Diagnostic::Severity::kError, "must be a mapping"));
    return;
  }
  check_keys(document, node, {"delay", "error-rate"}, diagnostics);
  // Answers wait on the server's event loop timer; keep them within the idle timeout.
  const std::chrono::milliseconds kMaxDelay{30'000};
  if (NodeRef delay = Document::child(node, "delay"); delay.valid()) {
    std::chrono::milliseconds min{0}, max{0};
    bool ok = false;
    if (delay.node->is_object()) {
      check_keys(document, delay, {"min", "max"}, diagnostics);
      NodeRef lo = Document::child(delay, "min");
      NodeRef hi = Document::child(delay, "max");
      ok = lo.valid() && hi.valid() && parse_duration(*lo.node, min) &&
           parse_duration(*hi.node, max);
    } else {
      ok = parse_duration(*delay.node, min);
      max = min;
    }
    // One message per mistake: a reader should not have to guess which rule was broken.
    std::string problem;
    if (!ok) {
      problem =
          "'delay' must be a duration such as 200ms or 2s, or {min: 100ms, max: 1s}, at most 30s";
    } else if (min > max) {
      problem = "'delay' has min " + std::to_string(min.count()) + "ms above max " +
                std::to_string(max.count()) + "ms";
    } else if (max > kMaxDelay) {
      problem = "'delay' of " + std::to_string(max.count()) + "ms is over the 30s limit";
    }
    if (!problem.empty()) {
      diagnostics.add(document.at(delay, Diagnostic::Severity::kError, problem));
    } else {
      knobs.delay_min = min;
      knobs.delay_max = max;
    }
  }
  if (NodeRef rate = Document::child(node, "error-rate"); rate.valid()) {
    if (rate.node->is_number() && rate.node->get<double>() >= 0 && rate.node->get<double>() <= 1) {
      knobs.error_rate = rate.node->get<double>();
    } else {
      diagnostics.add(document.at(rate, Diagnostic::Severity::kError,
                                  "'error-rate' must be a number from 0 to 1"));
    }
  }
}

}  // namespace apiserver::mock
