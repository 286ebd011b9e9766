// The optional configuration file (/etc/apiserver/apiserver.conf): `name = value` lines named
// after the long options (`port = 8080`, `access-log = "off"`). It fills only the options that
// neither the command line nor an APISERVER_* variable gave, so the order of precedence is:
// flags, environment, this file, the document's x-apiserver, built-in defaults.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace apiserver::cli {

inline constexpr const char* kDefaultConfigFile = "/etc/apiserver/apiserver.conf";

// Applies `path` to the options of `app` (parsed already) that are still unset. A missing file
// is an error only when `required`. Returns the error to print, if any.
std::optional<std::string> apply_config_file(CLI::App& app, const std::string& path, bool required);

}  // namespace apiserver::cli
