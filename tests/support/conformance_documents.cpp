#include "support/conformance_documents.hpp"

namespace apiserver::test {

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
  };
  return kCounts;
}

}  // namespace apiserver::test
