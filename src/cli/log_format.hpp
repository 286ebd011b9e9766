// How server messages (start-up, warnings, errors) are written to standard error: plain text
// for a terminal, or one JSON object a line for a log collector.
#pragma once

#include <string>

namespace apiserver::cli {

// Installs the default logger on standard error: `format` is "text" or "json", `level` one of
// spdlog's level names.
void install_logger(const std::string& format, const std::string& level);

}  // namespace apiserver::cli
