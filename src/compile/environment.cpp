#include "compile/environment.hpp"

#include <cstdlib>

namespace apiserver::compile {

bool expand_environment(const std::string& text, std::string& out, std::string& error) {
  for (size_t i = 0; i < text.size();) {
    size_t open = text.find("${", i);
    if (open == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    size_t close = text.find('}', open);
    if (close == std::string::npos) {
      error = "'${' without a closing '}' in '" + text + "'";
      return false;
    }
    std::string inner = text.substr(open + 2, close - open - 2);
    size_t dash = inner.find(":-");
    std::string name = inner.substr(0, dash);
    const char* set = name.empty() ? nullptr : std::getenv(name.c_str());
    if (set != nullptr && *set != '\0') {
      out += set;
    } else if (dash != std::string::npos) {
      out += inner.substr(dash + 2);
    } else {
      error = "environment variable '" + name + "' is not set (write ${" + name +
              ":-default} to give one)";
      return false;
    }
    i = close + 1;
  }
  return true;
}

}  // namespace apiserver::compile
