// The document as the server publishes it at /openapi.json and /openapi.yaml, computed once
// at start-up: bundled into one tree (references to other files brought in, see
// document_bundle.hpp), every x-apiserver* key removed (server settings, secret references),
// and this server first in `servers`.
#pragma once

#include <string>

#include "spec/document.hpp"

namespace apiserver::ops {

struct PublishedDocument {
  std::string json;
  std::string yaml;
};

PublishedDocument publish(const spec::Document& document);

}  // namespace apiserver::ops
