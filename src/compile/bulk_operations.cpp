#include "compile/bulk_operations.hpp"

#include <string>

#include "text/media_type.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

// Whether `schema` (or a oneOf/anyOf branch of it, through $refs) is an array schema.
bool takes_array(const Document& document, NodeRef schema, spec::Diagnostics& diagnostics,
                 int depth = 0) {
  if (depth > 8) return false;  // a cycle of branches; the schema compiler reports real ones
  schema = document.follow(schema, diagnostics);
  if (!schema.valid() || !schema.node->is_object()) return false;
  NodeRef type = Document::child(schema, "type");
  if (type.valid()) {
    if (type.node->is_string() && type.node->get<std::string>() == "array") return true;
    if (type.node->is_array()) {
      for (const auto& t : *type.node)
        if (t.is_string() && t.get<std::string>() == "array") return true;
    }
  }
  for (const char* combinator : {"oneOf", "anyOf"}) {
    NodeRef branches = Document::child(schema, combinator);
    if (!branches.valid() || !branches.node->is_array()) continue;
    for (size_t i = 0; i < branches.node->size(); ++i) {
      if (takes_array(document, Document::item(branches, i), diagnostics, depth + 1)) return true;
    }
  }
  return false;
}

// The schema of the first JSON media type of a requestBody or response object.
NodeRef json_schema(const Document& document, const NodeRef& holder,
                    spec::Diagnostics& diagnostics) {
  NodeRef content = Document::child(document.follow(holder, diagnostics), "content");
  if (!content.valid() || !content.node->is_object()) return {};
  for (const auto& [media, ignored] : content.node->items()) {
    if (!text::is_json_media_type(text::normalize_media_type(media))) continue;
    return Document::child(Document::child(content, media), "schema");
  }
  return {};
}

// update-many and delete-many: an array of the items written, or no body.
void mark_bulk_answer(const Document& document, model::Operation& op,
                      spec::Diagnostics& diagnostics) {
  const std::string status = std::to_string(op.success_status);
  NodeRef response = Document::child(Document::child(op.node, "responses"), status);
  NodeRef answer = json_schema(document, response, diagnostics);
  if (!answer.valid() && op.response_media_types.empty()) return;  // no body
  // An array, or a list envelope of the items ({"articles": [...]}, envelopes.hpp).
  if (answer.valid() &&
      (takes_array(document, answer, diagnostics) || !op.envelope.response.empty())) {
    op.answers_items = true;
    return;
  }
  diagnostics.add(
      document.at(response.valid() ? response : op.node, Diagnostic::Severity::kError,
                  op.method + " " + op.path_template + " (" + model::to_string(op.crud) +
                      ") answers with the array of the items it wrote, or with no "
                      "body: its " +
                      status +
                      " response must declare an array of items, a list envelope of them, or "
                      "no content"));
}

// A stored create whose body takes an array: a batch create, which must answer an array.
void mark_batch_create(const Document& document, model::Operation& operation,
                       spec::Diagnostics& diagnostics) {
  model::Operation* const op = &operation;
  NodeRef body = json_schema(document, Document::child(op->node, "requestBody"), diagnostics);
  if (!body.valid() || !takes_array(document, body, diagnostics)) return;
  const std::string status = std::to_string(op->success_status);
  NodeRef answer = json_schema(
      document, Document::child(Document::child(op->node, "responses"), status), diagnostics);
  if (!answer.valid() || !takes_array(document, answer, diagnostics)) {
    diagnostics.add(document.at(
        body, Diagnostic::Severity::kError,
        op->method + " " + op->path_template +
            " takes an array of items (a batch create, stored all or none) and answers with "
            "the array of stored items, but its " +
            status +
            " response declares no array; declare one (e.g. oneOf: [Item, {type: "
            "array, items: Item}])"));
    return;
  }
  op->batch_create = true;
}

}  // namespace

void find_bulk_operations(const Document& document, model::Api& api,
                          spec::Diagnostics& diagnostics) {
  for (model::PathItem& item : api.paths) {
    for (model::Operation& operation : item.operations) {
      if (!operation.stored()) continue;
      if (operation.crud == model::CrudAction::kCreate)
        mark_batch_create(document, operation, diagnostics);
      else if (operation.crud == model::CrudAction::kUpdateMany ||
               operation.crud == model::CrudAction::kDeleteMany)
        mark_bulk_answer(document, operation, diagnostics);
    }
  }
}

}  // namespace apiserver::compile
