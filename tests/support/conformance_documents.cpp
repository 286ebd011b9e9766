#include "support/conformance_documents.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>

namespace apiserver::test {

bool is_openapi_method(const std::string& key) {
  return std::find(std::begin(kOpenApiMethods), std::end(kOpenApiMethods), key) !=
         std::end(kOpenApiMethods);
}

std::string conformance_openapi_root() {
  return APISERVER_TEST_DATA "/conformance/openapi";
}

std::vector<std::string> conformance_documents() {
  namespace fs = std::filesystem;
  const std::string root = conformance_openapi_root();
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string relative = fs::relative(entry.path(), root).string();
    if (relative.rfind("LICENSES/", 0) == 0) continue;
    std::string ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") out.push_back(relative);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::map<std::string, size_t>& expected_operation_counts() {
  static const std::map<std::string, size_t> kCounts = {
      {"features/readme-3.0-discriminators.yaml", 10},
      {"features/readme-3.0-polymorphism.yaml", 13},
      {"features/readme-3.0-schema-types.yaml", 21},
      {"features/readme-3.0-security.yaml", 15},
      {"features/readme-3.1-schema-types.yaml", 23},
      {"features/readme-3.1-security.yaml", 15},
      {"oai-examples/v3.0/api-with-examples.json", 2},
      {"oai-examples/v3.0/api-with-examples.yaml", 2},
      {"oai-examples/v3.0/callback-example.json", 1},
      {"oai-examples/v3.0/callback-example.yaml", 1},
      {"oai-examples/v3.0/link-example.json", 6},
      {"oai-examples/v3.0/link-example.yaml", 6},
      {"oai-examples/v3.0/petstore-expanded.json", 4},
      {"oai-examples/v3.0/petstore-expanded.yaml", 4},
      {"oai-examples/v3.0/petstore.json", 3},
      {"oai-examples/v3.0/petstore.yaml", 3},
      {"oai-examples/v3.0/uspto.json", 3},
      {"oai-examples/v3.0/uspto.yaml", 3},
      {"oai-examples/v3.1/non-oauth-scopes.json", 1},
      {"oai-examples/v3.1/non-oauth-scopes.yaml", 1},
      {"oai-examples/v3.1/tictactoe.json", 3},
      {"oai-examples/v3.1/tictactoe.yaml", 3},
      {"oai-examples/v3.1/webhook-example.json", 0},
      {"oai-examples/v3.1/webhook-example.yaml", 0},
      {"real-world/adyen-PaymentsAppService-v1.json", 5},
      {"real-world/realworld-conduit.yml", 19},
      {"real-world/redocly-museum.yaml", 8},
      {"real-world/sendgrid_tsg_templates_v3.yaml", 11},
      {"real-world/swagger-petstore-v3.yaml", 19},
      {"real-world/twilio_accounts_v1.yaml", 20},
      {"real-world-large/box-openapi.json", 296},
      {"real-world-large/discord-openapi.json", 242},
  };
  return kCounts;
}

}  // namespace apiserver::test
