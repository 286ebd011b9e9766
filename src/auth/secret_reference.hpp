// Secrets named in the document by reference: "${NAME}" (environment) or "file:PATH".
// Resolved once at start-up; the document never holds a secret itself.
#pragma once

#include <optional>
#include <string>

namespace apiserver::auth {

// True when `text` is a reference rather than a value.
bool is_secret_reference(const std::string& text);

// The secret `reference` names; relative file paths are relative to `base_directory`.
// nullopt with `error` set (naming the reference, never a secret) when it cannot be read, is
// empty, or is not a reference at all.
std::optional<std::string> resolve_secret(const std::string& reference,
                                          const std::string& base_directory, std::string& error);

}  // namespace apiserver::auth
