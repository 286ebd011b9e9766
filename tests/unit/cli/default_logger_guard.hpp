// Test helper: install_logger (run by cli::run) registers the logger "apiserver" and makes it
// spdlog's default; registering it twice throws. This guard puts back the default logger and
// level a test found, so every test can install the logger again.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace apiserver::cli::testing {

class DefaultLoggerGuard {
 public:
  DefaultLoggerGuard() : logger_(spdlog::default_logger()), level_(spdlog::get_level()) {}
  ~DefaultLoggerGuard() {
    spdlog::set_default_logger(logger_);
    spdlog::drop("apiserver");
    spdlog::set_level(level_);
  }
  DefaultLoggerGuard(const DefaultLoggerGuard&) = delete;
  DefaultLoggerGuard& operator=(const DefaultLoggerGuard&) = delete;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum level_;
};

}  // namespace apiserver::cli::testing
