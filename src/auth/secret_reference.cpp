#include "auth/secret_reference.hpp"

#include <cstdlib>
#include <filesystem>

#include "text/file_text.hpp"

namespace apiserver::auth {
namespace {

constexpr size_t kMaxSecretFileBytes = 1 << 20;

bool is_env_reference(const std::string& text) {
  return text.size() > 3 && text.rfind("${", 0) == 0 && text.back() == '}';
}

}  // namespace

bool is_secret_reference(const std::string& text) {
  return is_env_reference(text) || text.rfind("file:", 0) == 0;
}

std::optional<std::string> resolve_secret(const std::string& reference,
                                          const std::string& base_directory, std::string& error) {
  if (is_env_reference(reference)) {
    std::string name = reference.substr(2, reference.size() - 3);
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
      error = "the environment variable " + name + " is not set";
      return std::nullopt;
    }
    return std::string(value);
  }
  if (reference.rfind("file:", 0) == 0) {
    std::filesystem::path path = reference.substr(5);
    if (path.empty()) {
      error = "'file:' names no file";
      return std::nullopt;
    }
    if (path.is_relative()) path = std::filesystem::path(base_directory) / path;
    std::string secret;
    if (auto failure = text::read_file_text(path, kMaxSecretFileBytes, secret)) {
      error = *failure == text::FileFailure::kTooLarge ? path.string() + " is larger than 1 MiB"
                                                       : "cannot read " + path.string();
      return std::nullopt;
    }
    // Files usually end with a newline that is not part of the secret.
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) {
      error = path.string() + " is empty";
      return std::nullopt;
    }
    return secret;
  }
  error = "secrets are given as ${ENV_VAR} or file:PATH, never written in the document";
  return std::nullopt;
}

}  // namespace apiserver::auth
