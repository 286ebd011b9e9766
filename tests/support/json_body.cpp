#include "support/json_body.hpp"

#include <nlohmann/json.hpp>

namespace apiserver::test {

bool is_json_object(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, false).is_object();
}

}  // namespace apiserver::test
