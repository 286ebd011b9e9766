// Forwarded operations (see forwarded_operations.hpp).
#include "pipeline/forwarded_operations.hpp"

#include <spdlog/spdlog.h>

#include <mutex>
#include <string>

#include "gateway/name_resolver.hpp"
#include "gateway/plain_origin.hpp"
#include "pipeline/forwarding.hpp"
#include "ratelimit/client_address.hpp"

namespace apiserver::pipeline {
namespace {

// The requests in flight to one upstream declaration, shared by every generation of the
// document that declares it: after a reload, an answer still on its way holds its place.
std::shared_ptr<std::atomic<int>> in_flight_counter(const model::Upstream& upstream) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<std::atomic<int>>> counters;
  std::lock_guard<std::mutex> lock(mutex);
  std::weak_ptr<std::atomic<int>>& slot = counters[upstream.url + " " + upstream.declared_at];
  std::shared_ptr<std::atomic<int>> counter = slot.lock();
  if (!counter) {
    counter = std::make_shared<std::atomic<int>>(0);
    slot = counter;
  }
  return counter;
}

// A plain upstream named by a host name is resolved as the document loads (and at each
// reload), so that its first requests already go to its addresses; one that does not resolve
// is said in the log, and its requests go through libcurl until it does.
void resolve_name(const model::Upstream& upstream) {
  std::optional<gateway::PlainOrigin> origin = gateway::parse_plain_origin(upstream.url);
  if (!origin || origin->address) return;
  std::string error = gateway::NameResolver::shared().prepare(origin->host, origin->port);
  if (!error.empty())
    spdlog::warn(
        "upstream {} ({}): host '{}' does not resolve yet ({}); tried again every few "
        "seconds",
        upstream.url, upstream.declared_at, origin->host, error);
}

}  // namespace

ForwardedOperations::ForwardedOperations(const model::Api& api) : api_(api) {
  for (const model::Operation* op : api.operations) {
    if (op->forwarding && !in_flight_.count(op->forwarding->upstream.get())) {
      in_flight_.emplace(op->forwarding->upstream.get(),
                         in_flight_counter(*op->forwarding->upstream));
      resolve_name(*op->forwarding->upstream);
    }
  }
}

std::optional<Problem> ForwardedOperations::answer(const Call& call,
                                                   http::Response& response) const {
  const model::Forwarding& forwarding = *call.operation.forwarding;
  const model::Upstream& upstream = *forwarding.upstream;
  if (has_dot_segment(call.request.path))
    return Problem::make(ProblemCode::kBadRequest,
                         "a forwarded request's path cannot hold '.' or '..' segments");
  // Forwarding needs an event loop to drive the exchange (a tool or test harness has none).
  if (response.loop == nullptr || call.later == nullptr)
    return Problem::make(ProblemCode::kBadGateway, "forwarding is not available here");
  std::atomic<int>& in_flight = *in_flight_.at(&upstream);
  if (in_flight.fetch_add(1) >= upstream.max_in_flight) {
    in_flight.fetch_sub(1);
    return Problem::make(ProblemCode::kServiceUnavailable,
                         "the upstream has " + std::to_string(upstream.max_in_flight) +
                             " requests in flight, its most")
        .with_header("Retry-After", "1");
  }
  gateway::UpstreamRequest request = upstream_request(
      forwarding, call.request, call.identity,
      ratelimit::client_address(call.request, api_.trusted_proxies), call.later->request_id());
  std::shared_ptr<LoopUpstreams> upstreams = LoopUpstreams::of(*response.loop);
  std::shared_ptr<Later> later = call.later->take(response);
  // The exchange's number, known to the callbacks before they can run (for resume, cancel).
  auto exchange = std::make_shared<std::atomic<uint64_t>>(0);
  // Set when the answer was given at the head (a stream the document refuses); read on the
  // loop's thread only, like the callbacks that set it.
  auto answered = std::make_shared<bool>(false);
  std::weak_ptr<LoopUpstreams> weak = upstreams;
  stream_when_unbounded(request, later, upstream, weak, exchange, answered);
  auto done = [later, &in_flight, &upstream, answered](gateway::UpstreamReply reply) {
    in_flight.fetch_sub(1);
    using Failure = gateway::UpstreamReply::Failure;
    if (reply.failure != Failure::kNone && reply.failure != Failure::kCancelled)
      spdlog::warn("{} {}: upstream {}: {}{}", later->request().method, later->request().path,
                   upstream.url, reply.streamed ? "the stream was cut: " : "", reply.error);
    if (reply.streamed) {
      later->end_stream(reply.failure == Failure::kNone);
      return;
    }
    if (*answered) return;
    http::Response built;
    std::optional<Problem> problem = client_answer(reply, upstream, built);
    later->finish(std::move(problem), std::move(built));
  };
  upstreams->exchanges().send(std::move(request), std::move(done), exchange.get());
  // A client that leaves frees the upstream and its place in max-in-flight at once.
  later->when_abandoned([weak, exchange] {
    if (auto alive = weak.lock()) alive->exchanges().cancel(exchange->load());
  });
  return std::nullopt;
}

void ForwardedOperations::stream_when_unbounded(
    gateway::UpstreamRequest& request, const std::shared_ptr<Later>& later,
    const model::Upstream& upstream, const std::weak_ptr<LoopUpstreams>& upstreams,
    const std::shared_ptr<std::atomic<uint64_t>>& exchange,
    const std::shared_ptr<bool>& answered) const {
  request.max_stream_duration = upstream.max_stream_duration;
  request.on_head = [later, &upstream, answered](const gateway::UpstreamReply& head) {
    if (!streamed_answer(head, later->request().method)) return gateway::HeadVerdict::kHold;
    gateway::UpstreamReply fields;
    fields.status = head.status;
    fields.headers = head.headers;
    http::Response built;
    client_answer(fields, upstream, built);
    if (later->start_stream(std::move(built))) return gateway::HeadVerdict::kStream;
    *answered = true;  // a head the document refuses (response validation, enforced)
    return gateway::HeadVerdict::kAbort;
  };
  request.on_piece = [later](std::string_view piece) { return later->send_piece(piece); };
  later->on_resume([upstreams, exchange] {
    if (auto alive = upstreams.lock()) alive->exchanges().resume(exchange->load());
  });
}

}  // namespace apiserver::pipeline
