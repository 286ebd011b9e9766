#include "model/model.hpp"

namespace apiserver::model {

const char* to_string(ParamLocation location) {
  switch (location) {
    case ParamLocation::kPath:
      return "path";
    case ParamLocation::kQuery:
      return "query";
    case ParamLocation::kHeader:
      return "header";
    case ParamLocation::kCookie:
      return "cookie";
  }
  return "query";
}

const char* to_string(CrudAction action) {
  switch (action) {
    case CrudAction::kNone:
      return "none";
    case CrudAction::kList:
      return "list";
    case CrudAction::kCreate:
      return "create";
    case CrudAction::kRead:
      return "read";
    case CrudAction::kReplace:
      return "replace";
    case CrudAction::kUpdate:
      return "update";
    case CrudAction::kDelete:
      return "delete";
    case CrudAction::kUpdateMany:
      return "update-many";
    case CrudAction::kDeleteMany:
      return "delete-many";
  }
  return "none";
}

int Resource::column_of(const std::string& property) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].property == property && columns[i].in_schema) return static_cast<int>(i);
  }
  return -1;
}

const Operation* PathItem::find(const std::string& method) const {
  for (const Operation& op : operations) {
    if (op.method == method) return &op;
  }
  return nullptr;
}

}  // namespace apiserver::model
