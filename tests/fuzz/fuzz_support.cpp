// Fixed documents of the fuzz targets and the helpers of fuzz_support.hpp.
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "compile/compiler.hpp"

namespace apiserver::fuzz {

const model::Operation& CompiledApi::operation(const std::string& method,
                                               const std::string& path_template) const {
  for (const auto& item : api->paths) {
    if (item.path_template != path_template) continue;
    if (const model::Operation* op = item.find(method)) return *op;
  }
  std::fprintf(stderr, "fuzz document: no operation %s %s\n", method.c_str(),
               path_template.c_str());
  std::abort();
}

CompiledApi compile_fixed(const std::string& text) {
  CompiledApi compiled;
  spec::Diagnostics diagnostics;
  compiled.document = spec::parse_document(text, "fuzz.yaml", diagnostics);
  if (compiled.document) compiled.api = compile::compile_api(compiled.document, diagnostics);
  if (!compiled.api) {
    for (const auto& d : diagnostics.items()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::abort();
  }
  return compiled;
}

std::vector<std::string> split(std::string_view text, char separator, size_t parts) {
  std::vector<std::string> out;
  while (out.size() + 1 < parts) {
    size_t at = text.find(separator);
    if (at == std::string_view::npos) break;
    out.emplace_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  out.emplace_back(text);
  out.resize(std::max(out.size(), parts));
  return out;
}

// Schemas of many shapes: nesting, combinators, formats, patterns (RE2 and the backtracking
// engine), numbers at their limits, nullable and discriminated unions.
const char* const kBodyDocument = R"(openapi: 3.1.0
info: {title: fuzz bodies, version: "1"}
paths:
  /things:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
          application/merge-patch+json:
            schema: {$ref: "#/components/schemas/Thing"}
          text/plain:
            schema: {type: string, maxLength: 10}
      responses:
        "201": {description: created}
  /shapes:
    put:
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - $ref: "#/components/schemas/Circle"
                - $ref: "#/components/schemas/Square"
              discriminator: {propertyName: kind}
      responses:
        "200": {description: ok}
  /anything:
    post:
      requestBody:
        content:
          "*/*": {}
          application/*+json:
            schema:
              type: [array, object, "null"]
              items: {anyOf: [{type: integer, multipleOf: 3}, {type: string, format: uuid}]}
              maxItems: 50
      responses:
        "200": {description: ok}
  /uploads:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                n: {type: integer}
                tags: {type: array, items: {type: string}}
                file: {type: string, format: binary, maxLength: 64}
                more: {type: array, items: {type: string, contentMediaType: image/png}}
            encoding:
              file: {contentType: "image/*, text/plain"}
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties: {n: {type: integer}, tags: {type: array, items: {type: string}}}
      responses:
        "201": {description: created}
components:
  schemas:
    Thing:
      type: object
      required: [name, count]
      additionalProperties: false
      properties:
        name: {type: string, minLength: 1, maxLength: 64, pattern: "^[A-Za-z][A-Za-z0-9 _-]*$"}
        slug: {type: string, pattern: "^(?!admin)[a-z]+$"}
        count: {type: integer, minimum: -9007199254740991, maximum: 9007199254740991}
        ratio: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1, multipleOf: 0.001}
        email: {type: string, format: email}
        when: {type: string, format: date-time}
        day: {type: string, format: date}
        site: {type: string, format: uri}
        host: {type: string, format: hostname}
        ip4: {type: string, format: ipv4}
        ip6: {type: string, format: ipv6}
        blob: {type: string, contentEncoding: base64}
        tags:
          type: array
          uniqueItems: true
          maxItems: 20
          items: {type: string, enum: [red, green, blue]}
        nested: {$ref: "#/components/schemas/Node"}
        extra:
          type: object
          propertyNames: {pattern: "^x-"}
          additionalProperties: {type: [string, number, boolean, "null"]}
          minProperties: 1
        choice:
          oneOf:
            - {type: string, const: fixed}
            - {type: object, required: [a], properties: {a: {type: integer}}}
        conditional:
          if: {properties: {mode: {const: strict}}}
          then: {required: [level]}
          else: {not: {required: [level]}}
    Node:
      type: object
      properties:
        value: {type: integer}
        children: {type: array, items: {$ref: "#/components/schemas/Node"}, maxItems: 4}
    Circle:
      type: object
      required: [kind, radius]
      properties:
        kind: {const: circle}
        radius: {type: number, minimum: 0}
    Square:
      type: object
      required: [kind, side]
      properties:
        kind: {const: square}
        side: {type: integer, minimum: 1}
)";

// Parameters in every location and style the server reads.
const char* const kParametersDocument = R"(openapi: 3.0.3
info: {title: fuzz parameters, version: "1"}
paths:
  /items/{id}/{tags}/{point}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
      - {name: tags, in: path, required: true, schema: {type: array, items: {type: string}}}
      - {name: point, in: path, required: true, schema: {type: string, pattern: "^-?[0-9]+,-?[0-9]+$"}}
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
        - {name: flag, in: query, schema: {type: boolean}}
        - {name: ids, in: query, schema: {type: array, items: {type: integer}}}
        - {name: csv, in: query, explode: false, schema: {type: array, items: {type: number}}}
        - name: spaced
          in: query
          style: spaceDelimited
          explode: false
          schema: {type: array, items: {type: string}}
        - name: piped
          in: query
          style: pipeDelimited
          explode: false
          schema: {type: array, items: {type: boolean}}
        - name: filter
          in: query
          style: deepObject
          explode: true
          schema:
            type: object
            properties: {name: {type: string, maxLength: 8}, size: {type: integer}}
        - {name: note, in: query, allowEmptyValue: true, schema: {type: string, maxLength: 20}}
        - name: doc
          in: query
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer}}, required: [n]}
        - {name: day, in: query, schema: {type: string, format: date}}
        - {name: word, in: query, schema: {type: string, pattern: "^[a-z]{1,12}$"}}
        - {name: kind, in: query, schema: {type: string, enum: [a, b, c]}}
        - {name: ratio, in: query, schema: {type: number, nullable: true}}
        - {name: X-Request-Tag, in: header, schema: {type: string, maxLength: 16}}
        - {name: X-Counts, in: header, schema: {type: array, items: {type: integer}}}
        - {name: X-Strict, in: header, schema: {type: boolean}}
        - {name: session, in: cookie, required: true, schema: {type: string, format: uuid}}
        - {name: theme, in: cookie, schema: {type: string, enum: [dark, light]}}
      responses:
        "200": {description: ok}
)";

// A stored resource whose PATCH is a JSON Merge Patch (RFC 7396), validated once merged.
const char* const kStoredDocument = R"(openapi: 3.0.3
info: {title: fuzz stored, version: "1"}
paths:
  /todos:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Todo"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
  /todos/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
    get:
      responses:
        "200":
          description: the todo
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Todo"}
      responses:
        "200":
          description: replaced
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
    patch:
      requestBody:
        required: true
        content:
          application/merge-patch+json:
            schema: {$ref: "#/components/schemas/Todo"}
      responses:
        "200":
          description: updated
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Todo"}
components:
  schemas:
    Todo:
      type: object
      required: [title]
      additionalProperties: false
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string, minLength: 1, maxLength: 200}
        done: {type: boolean, default: false}
        priority: {type: integer, minimum: 0, maximum: 5}
        due: {type: string, format: date, nullable: true}
        tags: {type: array, items: {type: string, maxLength: 32}, maxItems: 10}
        meta:
          type: object
          properties:
            owner: {type: string}
            labels: {type: object, additionalProperties: {type: string}}
)";

}  // namespace apiserver::fuzz
