// See pattern_engine.hpp.
#include "validate/pattern_engine.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

#include "validate/pattern_syntax.hpp"

namespace apiserver::validate {
namespace {

// ECMA-262 behaviour under PCRE2 (see the header). Invalid UTF-8 in a value never matches a
// character, as with RE2, rather than failing the match.
constexpr uint32_t kCompileOptions = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_ALT_BSUX |
                                     PCRE2_DOLLAR_ENDONLY | PCRE2_ALLOW_EMPTY_CLASS |
                                     PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  int length = pcre2_get_error_message(code, buffer, sizeof buffer);
  if (length < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<size_t>(length));
}

// Created once and only read afterwards, so every thread may share them.
pcre2_compile_context* compile_context() {
  static pcre2_compile_context* const context = [] {
    pcre2_compile_context* created = pcre2_compile_context_create(nullptr);
    pcre2_set_compile_extra_options(created, PCRE2_EXTRA_ALT_BSUX);  // \u{1F600}
    return created;
  }();
  return context;
}

pcre2_match_context* match_context() {
  static pcre2_match_context* const context = [] {
    pcre2_match_context* created = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(created, kPatternMatchLimit);
    pcre2_set_depth_limit(created, kPatternDepthLimit);
    pcre2_set_heap_limit(created, kPatternHeapLimitKiB);
    return created;
  }();
  return context;
}

// One match data per thread: a single ovector pair is enough to learn whether it matched.
pcre2_match_data* thread_match_data() {
  struct Holder {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~Holder() { pcre2_match_data_free(data); }
  };
  thread_local Holder holder;
  return holder.data;
}

std::unique_ptr<re2::RE2> compile_re2(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_unique<re2::RE2>(pattern, options);
  if (!regex->ok()) regex.reset();
  return regex;
}

}  // namespace

struct CompiledPattern::Impl {
  std::string source;
  std::unique_ptr<re2::RE2> re2;
  pcre2_code* pcre2 = nullptr;
  bool jit = false;

  ~Impl() {
    if (pcre2 != nullptr) pcre2_code_free(pcre2);
  }
};

CompiledPattern::CompiledPattern() : impl_(std::make_unique<Impl>()) {}
CompiledPattern::~CompiledPattern() = default;

std::shared_ptr<const CompiledPattern> CompiledPattern::compile(const std::string& pattern,
                                                                std::string& error) {
  std::shared_ptr<CompiledPattern> compiled(new CompiledPattern());
  Impl& impl = *compiled->impl_;
  impl.source = pattern;
  // RE2 keeps every pattern it accepts, as before PCRE2 was added (its few extensions to
  // ECMA-262, such as (?i), included).
  impl.re2 = compile_re2(pattern);
  if (impl.re2) return compiled;

  std::string invalid = "pattern '" + pattern + "' is not a valid ECMA-262 regular expression: ";
  if (auto construct = non_ecma_construct(pattern)) {
    error = invalid + "it uses " + *construct + ", which ECMA-262 does not have";
    return nullptr;
  }
  std::string source = ecma_to_pcre2_source(pattern);
  int code = 0;
  PCRE2_SIZE offset = 0;
  impl.pcre2 = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                             kCompileOptions, &code, &offset, compile_context());
  if (impl.pcre2 == nullptr) {
    std::string reason = pcre2_message(code) + " (at offset " + std::to_string(offset) + ")";
    if (code == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH)
      error = "pattern '" + pattern + "' cannot be enforced: " + reason;
    else
      error = invalid + reason;
    return nullptr;
  }
  // Without executable memory (e.g. systemd's MemoryDenyWriteExecute) the JIT cannot
  // allocate; the interpreter then runs the pattern under the same limits.
  impl.jit = pcre2_jit_compile(impl.pcre2, PCRE2_JIT_COMPLETE) == 0;
  return compiled;
}

PatternMatch CompiledPattern::search(std::string_view subject) const {
  if (impl_->re2) {
    return re2::RE2::PartialMatch(re2::StringPiece(subject.data(), subject.size()), *impl_->re2)
               ? PatternMatch::kMatch
               : PatternMatch::kNoMatch;
  }
  auto run = [&](uint32_t options) {
    return pcre2_match(impl_->pcre2, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                       0, options, thread_match_data(), match_context());
  };
  int rc = run(0);
  // The JIT's stack (32 KiB) is smaller than what the interpreter may take from the heap
  // within kPatternHeapLimitKiB: a long value a group repeats over gets a second chance.
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT) rc = run(PCRE2_NO_JIT);
  if (rc >= 0) return PatternMatch::kMatch;  // 0: matched, ovector too small for the groups
  if (rc == PCRE2_ERROR_NOMATCH) return PatternMatch::kNoMatch;
  // The match, depth or heap limit, or memory: undecided, so never a pass.
  return PatternMatch::kLimitExceeded;
}

PatternEngine CompiledPattern::engine() const {
  return impl_->re2 ? PatternEngine::kRe2 : PatternEngine::kPcre2;
}

bool CompiledPattern::uses_jit() const {
  return impl_->jit;
}

const std::string& CompiledPattern::source() const {
  return impl_->source;
}

}  // namespace apiserver::validate
