// Interactive documentation of the published document: Swagger UI at /docs and ReDoc at
// /redoc (x-apiserver.endpoints docs and redoc). The pages are built once, when the document is
// compiled; the JavaScript and CSS they load are embedded in the binary (src/ops/docs_ui/) and
// served from below each page, so nothing comes from another origin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "model/model.hpp"

namespace apiserver::ops {

class DocsPages {
 public:
  // `title` is the document's info.title, shown as the pages' title.
  DocsPages(const model::EndpointPaths& paths, const std::string& title);

  // Answers GET/HEAD for a page or one of its files; false when `request` is for neither.
  bool answer(const http::Request& request, http::Response& response) const;

 private:
  struct Page {
    std::string path;  // empty: off
    std::string html;
    std::string policy;  // Content-Security-Policy
  };
  struct File {
    std::string path;
    std::string_view body;  // embedded; lives as long as the process
    const char* type;
    const std::string* etag;
  };

  Page swagger_ui_;
  Page redoc_;
  std::vector<File> files_;
};

}  // namespace apiserver::ops
