#include "ops/docs.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "text/markup_escape.hpp"

// The embedded files (src/ops/docs_ui/assets.S.in): NAME up to NAME_end.
extern "C" {
extern const char apiserver_docs_swagger_ui_bundle_js[], apiserver_docs_swagger_ui_bundle_js_end[];
extern const char apiserver_docs_swagger_ui_css[], apiserver_docs_swagger_ui_css_end[];
extern const char apiserver_docs_swagger_init_js[], apiserver_docs_swagger_init_js_end[];
extern const char apiserver_docs_redoc_standalone_js[], apiserver_docs_redoc_standalone_js_end[];
extern const char apiserver_docs_redoc_init_js[], apiserver_docs_redoc_init_js_end[];
}

namespace apiserver::ops {
namespace {

// The files change only with the binary: a day in caches, revalidated by ETag after that.
constexpr const char* kFileCacheControl = "public, max-age=86400";

// Scripts, styles, images and fetches from the server only; no inline script (the pages start
// their viewer from a file), no plugins, frames, forms or base URL. Swagger UI's React sets
// styles through the CSS object model, which style-src does not govern; its icons are data:
// SVGs. ReDoc's styled-components writes <style> elements at run time, which needs
// 'unsafe-inline' for styles (not scripts), and it runs its search index in a blob: worker.
constexpr const char* kSwaggerUiPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
constexpr const char* kRedocPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'";

struct Embedded {
  const char* name;  // as in model::kSwaggerUiFiles / kRedocFiles
  std::string_view body;
  const char* type;
  std::string etag;  // strong: a digest of the bytes
};

std::string_view bytes(const char* begin, const char* end) {
  return {begin, static_cast<size_t>(end - begin)};
}

std::string digest_etag(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha256(), nullptr);
  std::string etag = "\"";
  char hex[3];
  for (unsigned int i = 0; i < 16 && i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    etag += hex;
  }
  return etag + "\"";
}

// Digested once per process, on first use.
const std::vector<Embedded>& embedded() {
  static const std::vector<Embedded> files = [] {
    std::vector<Embedded> out{
        {"swagger-ui-bundle.js",
         bytes(apiserver_docs_swagger_ui_bundle_js, apiserver_docs_swagger_ui_bundle_js_end),
         "text/javascript; charset=utf-8", ""},
        {"swagger-ui.css", bytes(apiserver_docs_swagger_ui_css, apiserver_docs_swagger_ui_css_end),
         "text/css; charset=utf-8", ""},
        {"swagger-init.js",
         bytes(apiserver_docs_swagger_init_js, apiserver_docs_swagger_init_js_end),
         "text/javascript; charset=utf-8", ""},
        {"redoc.standalone.js",
         bytes(apiserver_docs_redoc_standalone_js, apiserver_docs_redoc_standalone_js_end),
         "text/javascript; charset=utf-8", ""},
        {"redoc-init.js", bytes(apiserver_docs_redoc_init_js, apiserver_docs_redoc_init_js_end),
         "text/javascript; charset=utf-8", ""}};
    for (Embedded& file : out) file.etag = digest_etag(file.body);
    return out;
  }();
  return files;
}

const Embedded& find_embedded(const char* name) {
  for (const Embedded& file : embedded()) {
    if (std::strcmp(file.name, name) == 0) return file;
  }
  std::abort();  // a name in model::kSwaggerUiFiles / kRedocFiles without an embedded file
}

// If-None-Match (RFC 9110 13.1.2): "*" or a list of entity tags, compared weakly.
bool none_match_hits(const std::string& header, const std::string& etag) {
  size_t at = 0;
  while (at < header.size()) {
    size_t comma = header.find(',', at);
    if (comma == std::string::npos) comma = header.size();
    size_t begin = header.find_first_not_of(" \t", at);
    size_t end = header.find_last_not_of(" \t", comma - 1);
    at = comma + 1;
    if (begin == std::string::npos || begin >= comma || end < begin) continue;
    std::string tag = header.substr(begin, end - begin + 1);
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace

DocsPages::DocsPages(const model::EndpointPaths& paths, const std::string& title) {
  const std::string document_url = text::escape_markup(paths.openapi + ".json");
  const std::string shown_title = text::escape_markup(title.empty() ? std::string("API") : title);
  auto head = [&](const std::string& suffix) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           shown_title + " - " + suffix + "</title>\n";
  };
  auto file_url = [](const std::string& page, const char* file) {
    return text::escape_markup(model::docs_file_path(page, file));
  };
  if (!paths.docs.empty()) {
    swagger_ui_ = {paths.docs,
                   head("Swagger UI") + "<link rel=\"stylesheet\" href=\"" +
                       file_url(paths.docs, "swagger-ui.css") +
                       "\">\n</head>\n<body>\n<div id=\"swagger-ui\" data-openapi-url=\"" +
                       document_url + "\"></div>\n<script src=\"" +
                       file_url(paths.docs, "swagger-ui-bundle.js") +
                       "\"></script>\n<script src=\"" + file_url(paths.docs, "swagger-init.js") +
                       "\"></script>\n</body>\n</html>\n",
                   kSwaggerUiPolicy};
    for (const char* name : model::kSwaggerUiFiles) {
      const Embedded& file = find_embedded(name);
      files_.push_back({model::docs_file_path(paths.docs, name), file.body, file.type, &file.etag});
    }
  }
  if (!paths.redoc.empty()) {
    redoc_ = {paths.redoc,
              head("ReDoc") + "</head>\n<body>\n<div id=\"redoc\" data-openapi-url=\"" +
                  document_url + "\"></div>\n<script src=\"" +
                  file_url(paths.redoc, "redoc.standalone.js") + "\"></script>\n<script src=\"" +
                  file_url(paths.redoc, "redoc-init.js") + "\"></script>\n</body>\n</html>\n",
              kRedocPolicy};
    for (const char* name : model::kRedocFiles) {
      const Embedded& file = find_embedded(name);
      files_.push_back(
          {model::docs_file_path(paths.redoc, name), file.body, file.type, &file.etag});
    }
  }
}

bool DocsPages::answer(const http::Request& request, http::Response& response) const {
  for (const Page* page : {&swagger_ui_, &redoc_}) {
    if (page->path.empty() || request.path != page->path) continue;
    response.status = 200;
    response.content_type = "text/html; charset=utf-8";
    response.body = page->html;
    response.add_header("Content-Security-Policy", page->policy);
    response.add_header("X-Content-Type-Options", "nosniff");
    response.add_header("Cache-Control", "no-store");
    return true;
  }
  for (const File& file : files_) {
    if (request.path != file.path) continue;
    response.add_header("ETag", *file.etag);
    response.add_header("Cache-Control", kFileCacheControl);
    response.add_header("X-Content-Type-Options", "nosniff");
    const std::string* if_none_match = request.header("if-none-match");
    if (if_none_match != nullptr && none_match_hits(*if_none_match, *file.etag)) {
      response.status = 304;
      return true;
    }
    response.status = 200;
    response.content_type = file.type;
    response.body.assign(file.body.data(), file.body.size());
    return true;
  }
  return false;
}

}  // namespace apiserver::ops
