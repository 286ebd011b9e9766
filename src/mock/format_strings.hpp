// Strings of the `format`s the server checks (date-time, email, uri, uuid, byte, ...) for the
// mock value generator, stretched or cut to length bounds where the format allows. Internal to
// mock/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "mock/rng.hpp"

namespace apiserver::mock::detail {

// A string of `format` for a property called `name`, aiming for [min_len, max_len] code points;
// nullopt for a format it does not know or bounds the format cannot meet. Callers check the
// result against the real format checker.
std::optional<std::string> format_string(const std::string& format, const std::string& name,
                                         Rng& rng, size_t min_len, size_t max_len);

}  // namespace apiserver::mock::detail
