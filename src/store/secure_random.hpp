// Unpredictable bytes for whatever a client must not guess (server-assigned keys, request
// ids): OpenSSL's CSPRNG (RAND_bytes), drawn in blocks into a per-thread buffer so that a
// request costs a copy, not a call into OpenSSL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace apiserver::store {

// Fills `out` with `size` cryptographically random bytes; throws std::runtime_error when
// OpenSSL cannot (its generator failed to seed), never falls back to a weaker source.
void secure_random_bytes(uint8_t* out, size_t size);

// `bytes` random bytes as 2 * `bytes` lower-case hex digits.
std::string secure_random_hex(size_t bytes);

}  // namespace apiserver::store
