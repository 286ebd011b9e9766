#include "cli/config_file.hpp"

#include <filesystem>
#include <fstream>

namespace apiserver::cli {
namespace {

// Settings a file may hold: the serving options, not the document itself or the file's own path.
bool settable(const std::string& name) {
  return name != "config" && name != "help" && name != "version";
}

}  // namespace

std::optional<std::string> apply_config_file(CLI::App& app, const std::string& path,
                                             bool required) {
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) {
    if (!required) return std::nullopt;
    return path + ": no such file";
  }
  std::ifstream input(path);
  if (!input) return path + ": cannot be read";
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_config(input);
  } catch (const CLI::Error& e) {
    return path + ": " + e.what();
  }
  for (const CLI::ConfigItem& item : items) {
    // The parser reports the end of a [section] as an item named "++".
    if (item.name == "++" || item.name == "--") continue;
    if (!item.parents.empty())
      return path + ": sections are not used; '" + item.fullname() + "' is unknown";
    CLI::Option* option = nullptr;
    if (settable(item.name))
      option = app.get_option_no_throw(item.name == "spec" ? "spec" : "--" + item.name);
    if (option == nullptr) return path + ": unknown setting '" + item.name + "'";
    if (option->count() > 0) continue;  // the command line or the environment said otherwise
    try {
      option->add_result(item.inputs);
      option->run_callback();
    } catch (const CLI::Error& e) {
      return path + ": " + item.name + ": " + e.what();
    }
  }
  return std::nullopt;
}

}  // namespace apiserver::cli
