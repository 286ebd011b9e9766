// ECMA-262 syntax checks for the patterns that run on PCRE2 (see pattern_engine.hpp).
//
// PCRE2 compiles a superset of ECMA-262: atomic groups, possessive quantifiers, inline flags,
// recursion, verbs, \A \z \K \Q..\E and POSIX classes mean something to it but are syntax
// errors in ECMA-262. A document's `pattern` is ECMA-262, so those constructs are refused
// before PCRE2 sees the pattern rather than run with a meaning the document did not intend.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apiserver::validate {

// The first construct of `pattern` that PCRE2 knows and ECMA-262 does not (e.g. "the atomic
// group (?>"), or nullopt. Errors both dialects share are left to PCRE2, which names them.
std::optional<std::string> non_ecma_construct(std::string_view pattern);

// `pattern` rewritten for PCRE2 in UTF-8 mode where the two read an escape differently: an
// escaped UTF-16 surrogate pair (\uD83D\uDE00), one code point in ECMA-262's Unicode mode,
// becomes \u{1F600}; \v, only U+000B in ECMA-262, becomes \x0B.
std::string ecma_to_pcre2_source(std::string_view pattern);

}  // namespace apiserver::validate
