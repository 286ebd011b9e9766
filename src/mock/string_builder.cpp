// Building a string: a value of the format, else one the pattern generator builds, else a word
// fitting the property name, within the length bounds (see value_generator.hpp).

#include <limits>

#include "mock/format_strings.hpp"
#include "mock/name_hints.hpp"
#include "mock/value_generator.hpp"
#include "text/utf8.hpp"
#include "validate/formats.hpp"

namespace apiserver::mock::detail {

using spec::Document;
using spec::Json;
using spec::NodeRef;

std::optional<Value> Generator::build_string(const Conj& conj, const Context& ctx, Rng& rng) {
  size_t min_len = 0;
  size_t max_len = std::numeric_limits<size_t>::max();
  std::vector<std::string> patterns;
  std::string format;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    if (auto n = count_at(s, "minLength")) min_len = std::max(min_len, *n);
    if (auto n = count_at(s, "maxLength")) max_len = std::min(max_len, *n);
    if (auto p = s.find("pattern"); p != s.end() && p->is_string())
      patterns.push_back(p->get<std::string>());
    if (format.empty()) format = text_at(s, "format");
  }
  if (min_len > max_len) return fail(ctx, "minLength exceeds maxLength");
  if (min_len > kMaxCount) return fail(ctx, "minLength is too large to build");
  auto valid = [&](const std::string& text) {
    size_t length = text::code_point_count(text);
    if (length < min_len || length > max_len) return false;
    for (const std::string& p : patterns) {
      if (!matcher_.pattern_matches(p, text)) return false;
    }
    return !validate::check_string_format(format, text).has_value();
  };
  std::string pattern_problem;
  for (int attempt = 0; attempt < kStringAttempts; ++attempt) {
    Rng sub(mix_seed(rng.next(), static_cast<uint64_t>(attempt)));
    // A value of the format first (it reads best), then one built from the pattern, then a
    // word fitting the property name.
    if (!format.empty()) {
      if (auto text = format_string(format, ctx.name, sub, min_len, max_len); text && valid(*text))
        return Value(*text);
    }
    if (!patterns.empty()) {
      const PatternGenerator& generator = pattern_generator(patterns.front());
      if (!generator.ok()) {
        pattern_problem = "pattern '" + patterns.front() + "' uses " + generator.error() +
                          ", which the generator does not support";
      } else if (auto text = generator.generate(sub.next(), min_len, max_len);
                 text && valid(*text)) {
        return Value(*text);
      }
    }
    std::string hint = fit_length(hint_string(ctx.name, sub), min_len, max_len);
    if (valid(hint)) return Value(hint);
    if (patterns.empty() && format.empty()) break;  // nothing random left to vary
  }
  std::string what = "no string found";
  if (!patterns.empty()) what += " matching pattern '" + patterns.front() + "'";
  if (!format.empty()) what += " of format " + format;
  if (min_len > 0 || max_len != std::numeric_limits<size_t>::max()) {
    what += " with " + std::to_string(min_len) + " to " +
            (max_len == std::numeric_limits<size_t>::max() ? std::string("any")
                                                           : std::to_string(max_len)) +
            " characters";
  }
  if (!pattern_problem.empty()) what += " (" + pattern_problem + ")";
  return fail(ctx, what);
}

}  // namespace apiserver::mock::detail
