// A stored write and its answer (see stored_write.hpp).
#include "pipeline/stored_write.hpp"

#include <spdlog/spdlog.h>

#include "http/answer_later.hpp"
#include "pipeline/stored_rules.hpp"

namespace apiserver::pipeline {

std::optional<Problem> write_then_answer(const Call& call, http::Response& response,
                                         store::Database& database, const model::Resource& resource,
                                         store::Database::WriteBody write, WriteAnswer answer) {
  std::shared_ptr<Later> later = call.later != nullptr ? call.later->take(response) : nullptr;
  if (!later) return answer(database.write(resource, write), call.request, response);

  auto done = [later, answer = std::move(answer)](store::StoreResult result,
                                                  std::exception_ptr error) {
    http::Response built;
    std::optional<Problem> problem;
    try {
      if (error) std::rethrow_exception(error);
      problem = answer(result, later->request(), built);
    } catch (const std::exception& e) {
      // A broken database or a defect: logged whole, the client told nothing about it.
      spdlog::error("{} {}: {}", later->request().method, later->request().path, e.what());
      built = http::Response();
      problem = Problem::make(ProblemCode::kInternal, "");
    }
    later->finish(std::move(problem), std::move(built));
  };
  if (!database.submit(resource, std::move(write), std::move(done))) {
    later->finish(store_problem({store::StoreStatus::kBusy, "the write queue is full"},
                                call.operation, later->request()),
                  http::Response());
    return std::nullopt;
  }
  // One flush for the whole batch: every write the loop's requests queued meanwhile shares
  // its transaction.
  std::shared_ptr<store::Writer> writer = database.writer();
  auto flush = [writer] { writer->flush(); };
  response.loop->after_batch(writer.get(), std::move(flush), /*first=*/false);
  return std::nullopt;
}

}  // namespace apiserver::pipeline
