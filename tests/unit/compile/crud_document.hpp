// Test helper: the YAML of small documents with CRUD-shaped paths, for the mapping tests.
#pragma once

#include <string>
#include <vector>

namespace apiserver::compile::testing {

inline std::string head(const std::string& version = "3.0.3") {
  return "openapi: " + version + "\ninfo: {title: t, version: '1'}\n";
}

inline std::string json_content(const std::string& schema) {
  return "content:\n  application/json:\n    schema: " + schema + "\n";
}

// Indents every line of `text` by `n` spaces.
inline std::string indent(const std::string& text, int n) {
  std::string out;
  std::string pad(static_cast<size_t>(n), ' ');
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += (line.empty() ? "" : pad + line) + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// The collection path (list, create) of `schema_ref`, with `extra` YAML added to each operation.
inline std::string collection(const std::string& path, const std::string& schema_ref,
                              const std::string& get_extra = "",
                              const std::string& post_extra = "") {
  std::string ref = "{$ref: '#/components/schemas/" + schema_ref + "'}";
  return indent(
      path +
          ":\n"
          "  get:\n" +
          indent(get_extra, 4) + "    responses:\n      '200':\n        description: ok\n" +
          indent(json_content("{type: array, items: " + ref + "}"), 8) + "  post:\n" +
          indent(post_extra, 4) + "    requestBody:\n" + indent(json_content(ref), 6) +
          "    responses:\n      '201':\n        description: ok\n" + indent(json_content(ref), 8),
      2);
}

// The item path (read, replace, update, delete) of `schema_ref`.
inline std::string item(const std::string& path, const std::string& schema_ref,
                        const std::string& param = "id",
                        const std::string& param_schema = "{type: integer}",
                        const std::string& get_extra = "") {
  std::string ref = "{$ref: '#/components/schemas/" + schema_ref + "'}";
  return indent(path +
                    ":\n"
                    "  parameters:\n    - {name: " +
                    param + ", in: path, required: true, schema: " + param_schema +
                    "}\n"
                    "  get:\n" +
                    indent(get_extra, 4) +
                    "    responses:\n      '200':\n        description: ok\n" +
                    indent(json_content(ref), 8) + "  put:\n    requestBody:\n" +
                    indent(json_content(ref), 6) +
                    "    responses:\n      '200': {description: ok}\n"
                    "  patch:\n    requestBody:\n" +
                    indent(json_content("{type: object}"), 6) +
                    "    responses:\n      '200': {description: ok}\n"
                    "  delete:\n    responses:\n      '204': {description: ok}\n",
                2);
}

// `path` declaring the integer path parameters `params`, with list and create of `schema`, or
// with `item_path`, read and delete (its last parameter the key).
inline std::string nested(const std::string& path, const std::vector<std::string>& params,
                          const std::string& schema, bool item_path) {
  std::string ref = "{$ref: '#/components/schemas/" + schema + "'}";
  std::string yaml = path + ":\n  parameters:\n";
  for (const std::string& p : params)
    yaml += "    - {name: " + p + ", in: path, required: true, schema: {type: integer}}\n";
  if (!item_path) {
    yaml += "  get:\n    responses:\n      '200':\n        description: ok\n" +
            indent(json_content("{type: array, items: " + ref + "}"), 8) +
            "  post:\n    requestBody:\n" + indent(json_content(ref), 6) +
            "    responses:\n      '201':\n        description: ok\n" +
            indent(json_content(ref), 8);
  } else {
    yaml += "  get:\n    responses:\n      '200':\n        description: ok\n" +
            indent(json_content(ref), 8) +
            "  delete:\n    responses:\n      '204': {description: ok}\n";
  }
  return indent(yaml, 2);
}

}  // namespace apiserver::compile::testing
