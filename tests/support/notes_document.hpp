// The small stored document the reload and time-stamp tests serve: /notes with an integer key
// and a required text. `extra_properties` (YAML lines at the indentation of Note's properties)
// adds to Note, as an additive table change does; `item_operations` (YAML at the indentation
// of `get:`) adds operations to /notes/{id}.
#pragma once

#include <string>

namespace apiserver::test {

inline std::string notes_document(const std::string& extra_properties = "",
                                  const std::string& item_operations = "") {
  return R"(openapi: 3.0.3
info: {title: notes, version: "1"}
paths:
  /notes:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
)" + item_operations +
         R"(components:
  schemas:
    Note:
      type: object
      required: [text]
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
)" + extra_properties;
}

}  // namespace apiserver::test
