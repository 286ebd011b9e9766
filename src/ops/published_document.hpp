// The document as the server publishes it at /openapi.json and /openapi.yaml: every
// x-apiserver* key removed (server settings, secret references), computed once.
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
