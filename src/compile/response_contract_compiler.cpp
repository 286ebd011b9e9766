#include "compile/response_contract_compiler.hpp"

#include "text/header_values.hpp"
#include "text/media_type.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

class ContractCompiler {
 public:
  ContractCompiler(const Document& document, SchemaCache& schemas, model::Api& api,
                   bool check_every_answer, spec::Diagnostics& diagnostics)
      : document_(document),
        schemas_(schemas),
        api_(api),
        check_every_answer_(check_every_answer),
        diagnostics_(diagnostics) {}

  void run() {
    NodeRef settings = Document::child(document_.root_ref(), "x-apiserver");
    std::optional<model::ResponseCheck> defaults =
        mode(Document::child(settings, "response-validation"));
    NodeRef paths = Document::child(document_.root_ref(), "paths");
    for (model::PathItem& item : api_.paths) {
      NodeRef path_node =
          document_.follow(Document::child(paths, item.path_template), diagnostics_);
      std::optional<model::ResponseCheck> path_level =
          mode(Document::child(path_node, "x-apiserver-response-validation"));
      for (model::Operation& op : item.operations) {
        std::optional<model::ResponseCheck> check =
            mode(Document::child(op.node, "x-apiserver-response-validation"));
        if (!check) check = path_level;
        if (!check) check = defaults;
        if (!check && (op.forwarding || check_every_answer_)) check = model::ResponseCheck::kReport;
        if (!check || *check == model::ResponseCheck::kOff) continue;
        auto contract = std::make_shared<model::ResponseContract>();
        contract->check = *check;
        read_responses(Document::child(op.node, "responses"), *contract);
        op.response_contract = std::move(contract);
      }
    }
  }

 private:
  std::optional<model::ResponseCheck> mode(const NodeRef& node) {
    if (!node.valid()) return std::nullopt;
    std::string value = node.node->is_string() ? node.node->get<std::string>() : "";
    if (value == "enforce") return model::ResponseCheck::kEnforce;
    if (value == "report") return model::ResponseCheck::kReport;
    if (value == "off") return model::ResponseCheck::kOff;
    diagnostics_.add(document_.at(node, Diagnostic::Severity::kError,
                                  "response validation must be 'enforce', 'report' or 'off'"));
    return std::nullopt;
  }

  void read_responses(const NodeRef& responses, model::ResponseContract& contract) {
    if (!responses.valid() || !responses.node->is_object()) return;
    for (const auto& [status, ignored] : responses.node->items()) {
      if (status.rfind("x-", 0) == 0) continue;
      NodeRef response = document_.follow(Document::child(responses, status), diagnostics_);
      if (!response.valid() || !response.node->is_object()) continue;
      model::DeclaredResponse declared;
      declared.declared = status;
      NodeRef content = Document::child(response, "content");
      if (content.valid() && content.node->is_object()) {
        for (const auto& [media_type, unused] : content.node->items()) {
          NodeRef media = Document::child(content, media_type);
          model::DeclaredContent out;
          out.media_type = text::normalize_media_type(media_type);
          out.is_json = text::is_json_media_type(out.media_type);
          NodeRef schema = Document::child(media, "schema");
          if (out.is_json && schema.valid())
            out.schema = schemas_.get(schema, validate::Direction::kResponse);
          declared.contents.push_back(std::move(out));
        }
      }
      NodeRef headers = Document::child(response, "headers");
      if (headers.valid() && headers.node->is_object()) {
        for (const auto& [name, unused] : headers.node->items()) {
          std::string lower = text::ascii_lower(name);
          if (lower == "content-type") continue;  // OpenAPI: ignored, the content says it
          NodeRef header = document_.follow(Document::child(headers, name), diagnostics_);
          auto required = header.valid() && header.node->is_object() ? header.node->find("required")
                                                                     : spec::Json::const_iterator();
          if (header.valid() && header.node->is_object() && required != header.node->end() &&
              required->is_boolean() && required->get<bool>())
            declared.required_headers.push_back(lower);
        }
      }
      contract.responses.push_back(std::move(declared));
    }
  }

  const Document& document_;
  SchemaCache& schemas_;
  model::Api& api_;
  bool check_every_answer_;
  spec::Diagnostics& diagnostics_;
};

}  // namespace

void compile_response_contracts(const spec::Document& document, SchemaCache& schemas,
                                model::Api& api, bool check_every_answer,
                                spec::Diagnostics& diagnostics) {
  ContractCompiler(document, schemas, api, check_every_answer, diagnostics).run();
}

}  // namespace apiserver::compile
