// Which declared response (a Responses Object key: "200", "2XX" or "default") answers a status,
// as OpenAPI reads them: the exact code, else the class that covers it, else `default`.
#pragma once

#include <string>
#include <vector>

namespace apiserver::model {

// How closely `declared` covers `status`: 3 the exact code, 2 its class (2XX, any case),
// 1 `default`, 0 not at all.
inline int status_coverage(const std::string& declared, int status) {
  if (declared == "default") return 1;
  if (declared.size() != 3 || status < 100 || status > 999) return 0;
  const std::string code = std::to_string(status);
  if (declared == code) return 3;
  bool is_class = declared[0] == code[0] && (declared[1] == 'X' || declared[1] == 'x') &&
                  (declared[2] == 'X' || declared[2] == 'x');
  return is_class ? 2 : 0;
}

// The one of `responses` (each with a `declared` key) that answers `status`; null when none.
template <typename Response>
const Response* declared_for_status(const std::vector<Response>& responses, int status) {
  const Response* best = nullptr;
  int best_coverage = 0;
  for (const Response& response : responses) {
    int coverage = status_coverage(response.declared, status);
    if (coverage > best_coverage) {
      best = &response;
      best_coverage = coverage;
    }
  }
  return best;
}

}  // namespace apiserver::model
