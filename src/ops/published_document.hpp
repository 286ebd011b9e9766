// The document as the server publishes it at /openapi.json and /openapi.yaml, computed once
// at start-up: bundled into one tree (references to other files brought in, see
// document_bundle.hpp), every x-apiserver* key removed (server settings, secret references),
// the list parameters of stored lists added (list_parameters.hpp), and this server first in
// `servers`.
#pragma once

#include <string>

#include "model/model.hpp"

namespace apiserver::ops {

struct PublishedDocument {
  std::string json;
  std::string yaml;
};

PublishedDocument publish(const model::Api& api);

}  // namespace apiserver::ops
