// The handler of every operation with an upstream: once the pipeline has admitted the caller
// and validated the request, it is sent to the upstream, and the upstream's answer is the
// answer. The event loop does not wait meanwhile: the answer is given later (answer_later.hpp).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>

#include "gateway/exchanges.hpp"
#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "pipeline/later.hpp"
#include "pipeline/loop_upstreams.hpp"
#include "pipeline/operation_handler.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

class ForwardedOperations final : public OperationHandler {
 public:
  explicit ForwardedOperations(const model::Api& api);

  std::optional<Problem> answer(const Call& call, http::Response& response) const override;

 private:
  // Has `request`'s answer streamed to `later` when its head says its length is unbounded.
  void stream_when_unbounded(gateway::UpstreamRequest& request, const std::shared_ptr<Later>& later,
                             const model::Upstream& upstream,
                             const std::weak_ptr<LoopUpstreams>& upstreams,
                             const std::shared_ptr<std::atomic<uint64_t>>& exchange,
                             const std::shared_ptr<bool>& answered) const;

  const model::Api& api_;
  // Requests in flight per upstream, against its max-in-flight, counted with the generations
  // before and after a reload. Built once: the map is only read while requests run.
  std::map<const model::Upstream*, std::shared_ptr<std::atomic<int>>> in_flight_;
};

}  // namespace apiserver::pipeline
