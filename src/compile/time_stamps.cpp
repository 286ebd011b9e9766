// Server-written times (see time_stamps.hpp).
#include "compile/time_stamps.hpp"

#include <string>

#include "compile/operation_compiler.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

constexpr const char* kDeclared = "x-apiserver-stamp";

bool is_date_time(const spec::ObjectProperty& p) {
  if (value_shape(p.facts) != model::ValueShape::kString) return false;
  NodeRef format = Document::child(p.facts.resolved, "format");
  return format.valid() && format.node->is_string() && *format.node == "date-time";
}

// What the name alone says of a readOnly date-time: "created", "updated" or "".
std::string inferred_stamp(const std::string& name) {
  if (name == "createdAt" || name == "created_at") return "created";
  if (name == "updatedAt" || name == "updated_at") return "updated";
  return "";
}

}  // namespace

bool find_time_stamps(const Document& document, model::Resource& resource,
                      const std::vector<spec::ObjectProperty>& properties,
                      spec::Diagnostics& diagnostics) {
  bool ok = true;
  auto refuse = [&](const NodeRef& at, const std::string& why) {
    diagnostics.add(document.at(at, Diagnostic::Severity::kError, why));
    ok = false;
  };
  for (const spec::ObjectProperty& p : properties) {
    const NodeRef declared = Document::child(p.facts.resolved, kDeclared);
    std::string stamp;
    if (declared.valid()) {
      if (declared.node->is_string()) stamp = declared.node->get<std::string>();
      if (stamp != "created" && stamp != "updated") {
        refuse(declared, std::string(kDeclared) + " must be created or updated");
        continue;
      }
      if (!is_date_time(p)) {
        refuse(declared, std::string(kDeclared) + " is on '" + p.name +
                             "', which is not a string of format date-time");
        continue;
      }
    } else if (p.facts.read_only && is_date_time(p)) {
      stamp = inferred_stamp(p.name);
    }
    if (stamp.empty()) continue;
    std::string& property =
        stamp == "created" ? resource.created_property : resource.updated_property;
    if (!property.empty() && property != p.name) {
      refuse(declared.valid() ? declared : p.schema,
             "'" + p.name + "' and '" + property + "' would both hold the time an item was " +
                 stamp + "; mark one (x-apiserver-stamp) or rename the other");
      continue;
    }
    property = p.name;
  }
  return ok;
}

}  // namespace apiserver::compile
