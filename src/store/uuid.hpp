// Random (version 4) UUIDs for string keys the server assigns, from the cryptographic
// generator of secure_random.hpp.
#pragma once

#include <string>

namespace apiserver::store {

std::string random_uuid();

}  // namespace apiserver::store
