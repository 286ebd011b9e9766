// The regular expressions of the JSON Schema `pattern` keyword (ECMA-262), compiled once at
// start-up and matched by request threads.
//
// RE2 runs every pattern it accepts: linear time, no recursion, whatever the value. The
// ECMA-262 patterns RE2 cannot run (lookahead, lookbehind, backreferences, \u escapes, counted
// repetitions over 1000, ...) run on PCRE2, a backtracking engine, in UTF mode and with its JIT
// where the system allows executable memory. Every PCRE2 match runs under the limits below, so
// a catastrophic pattern such as ^(a+)+$ ends with kLimitExceeded instead of occupying a
// thread. A pattern that is not valid ECMA-262 is refused with the reason.
//
// ECMA-262 semantics kept on PCRE2 as on RE2: \d \w \b are ASCII, `.` does not match \n, `$`
// matches only at the end; an unset group's backreference matches the empty string, [] never
// matches and [^] matches any character, \uHHHH and \u{H...} name code points.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace apiserver::validate {

// PCRE2 limits per match: backtracking steps, nested backtracking depth, and the heap its
// backtracking frames may take (KiB). A value over them is refused, never accepted.
inline constexpr uint32_t kPatternMatchLimit = 10'000'000;
inline constexpr uint32_t kPatternDepthLimit = 250'000;
inline constexpr uint32_t kPatternHeapLimitKiB = 32 * 1024;

enum class PatternEngine { kRe2, kPcre2 };
enum class PatternMatch { kMatch, kNoMatch, kLimitExceeded };

class CompiledPattern {
 public:
  // Compiles `pattern`; on failure returns null and sets `error` to a sentence naming the
  // pattern and the regex error.
  static std::shared_ptr<const CompiledPattern> compile(const std::string& pattern,
                                                        std::string& error);

  ~CompiledPattern();
  CompiledPattern(const CompiledPattern&) = delete;
  CompiledPattern& operator=(const CompiledPattern&) = delete;

  // Whether the pattern matches somewhere in `subject` (unanchored, as JSON Schema says).
  // Safe to call from many threads at once; compiles nothing.
  PatternMatch search(std::string_view subject) const;

  PatternEngine engine() const;
  // True when PCRE2 compiled the pattern to machine code.
  bool uses_jit() const;
  const std::string& source() const;

 private:
  CompiledPattern();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiserver::validate
