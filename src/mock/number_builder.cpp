// Building a number or an integer: bounds (with exclusive forms and format ranges), multipleOf,
// and a realistic value for the property name (see value_generator.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "mock/name_hints.hpp"
#include "mock/value_generator.hpp"

namespace apiserver::mock::detail {

using spec::Document;
using spec::Json;
using spec::NodeRef;

std::optional<Value> Generator::build_number(const Conj& conj, const Context& ctx, Rng& rng,
                                             bool integer) {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  auto raise_lo = [&](double v, bool open) {
    if (v > lo || (v == lo && open)) lo = v, lo_open = open;
  };
  auto lower_hi = [&](double v, bool open) {
    if (v < hi || (v == hi && open)) hi = v, hi_open = open;
  };
  std::vector<Json> divisors;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    bool ex_min = flag(s, "exclusiveMinimum");
    bool ex_max = flag(s, "exclusiveMaximum");
    if (auto v = number_at(s, "minimum")) raise_lo(*v, ex_min);
    if (auto v = number_at(s, "maximum")) lower_hi(*v, ex_max);
    if (auto v = number_at(s, "exclusiveMinimum")) raise_lo(*v, true);
    if (auto v = number_at(s, "exclusiveMaximum")) lower_hi(*v, true);
    if (auto m = s.find("multipleOf"); m != s.end() && m->is_number() && m->get<double>() > 0)
      divisors.push_back(*m);
    // Formats bound the range too (the non-standard ones only for realism).
    static const std::map<std::string, std::pair<double, double>> kRanges = {
        {"int8", {-128, 127}},
        {"uint8", {0, 255}},
        {"int16", {-32768, 32767}},
        {"uint16", {0, 65535}},
        {"int32", {-2147483648.0, 2147483647.0}},
        {"uint32", {0, 4294967295.0}},
        {"int64", {-kMaxSafeInteger, kMaxSafeInteger}},
        {"uint64", {0, kMaxSafeInteger}},
        {"float", {-3.4e38, 3.4e38}},
    };
    if (auto r = kRanges.find(text_at(s, "format")); r != kRanges.end()) {
      raise_lo(r->second.first, false);
      lower_hi(r->second.second, false);
    }
  }
  auto in_range = [&](double v) {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  };
  auto multiples_ok = [&](const Value& v) {
    for (const Json& d : divisors) {
      if (!is_multiple(v, d)) return false;
    }
    return true;
  };
  auto [hint_lo, hint_hi] = number_hint(ctx.name);
  if (integer) {
    double first = std::max(lo_open ? std::floor(lo) + 1 : std::ceil(lo), -kMaxSafeInteger);
    double last = std::min(hi_open ? std::ceil(hi) - 1 : std::floor(hi), kMaxSafeInteger);
    if (first > last) return fail(ctx, "no integer lies between minimum and maximum");
    // The step every integral multipleOf shares.
    int64_t step = 1;
    for (const Json& d : divisors) {
      double dv = d.get<double>();
      if (dv != std::floor(dv) || dv > kMaxSafeInteger) continue;  // past it, no integer fits
      auto di = static_cast<int64_t>(dv);
      int64_t g = std::gcd(step, di);
      if (step / g > static_cast<int64_t>(kMaxSafeInteger) / di)
        return fail(ctx, "multipleOf values have no common multiple");
      step = step / g * di;
    }
    auto [ilo, ihi] = integer_hint(ctx.name);
    double a = std::max(first, static_cast<double>(ilo));
    double b = std::min(last, static_cast<double>(ihi));
    if (a > b) {  // the realistic range is outside the bounds: stay near the nearest bound
      if (last < ilo) {
        a = std::max(first, last - 99), b = last;
      } else {
        a = first, b = std::min(last, first + 99);
      }
    }
    auto start =
        static_cast<int64_t>(a) + static_cast<int64_t>(rng.below(static_cast<uint64_t>(b - a) + 1));
    // Round up to the step, then walk up (and down) until every multipleOf holds.
    int64_t base = start / step * step;
    for (int64_t k = 0; k < 2000; ++k) {
      for (int64_t sign : {1, -1}) {
        int64_t candidate = base + sign * k * step;
        if (!in_range(static_cast<double>(candidate))) continue;
        Value v(candidate);
        if (multiples_ok(v)) return v;
      }
    }
    return fail(ctx, "no integer within the bounds is a multiple of every multipleOf");
  }

  if (!divisors.empty()) {
    // k * divisor for k near the realistic range.
    double d = divisors.front().get<double>();
    double a = std::isfinite(lo) ? lo : std::min(hint_lo, hi);
    double from = std::ceil(std::max(a, hint_lo) / d);
    if (!in_range(from * d)) from = std::ceil(a / d);
    for (int64_t k = 0; k < 2000; ++k) {
      for (double candidate :
           {(from + static_cast<double>(k)) * d, (from - static_cast<double>(k)) * d}) {
        if (!in_range(candidate)) continue;
        Value v = candidate == std::floor(candidate) && std::fabs(candidate) < kMaxSafeInteger
                      ? Value(static_cast<int64_t>(candidate))
                      : Value(candidate);
        if (multiples_ok(v)) return v;
      }
    }
    return fail(ctx, "no number within the bounds is a multiple of every multipleOf");
  }
  double a = std::max(lo, hint_lo);
  double b = std::min(hi, hint_hi);
  if (a > b) {
    if (hi < hint_lo) {
      a = std::max(lo, hi - 100), b = hi;
    } else {
      a = lo, b = std::min(hi, lo + 100);
    }
  }
  static const double kFractions[] = {0.5, 0.25, 0.75, 0.99, 0.1};
  double value = a;
  if (b - a >= 1 && std::isfinite(a) && std::isfinite(b)) {
    double whole =
        std::floor(a) + static_cast<double>(rng.below(static_cast<uint64_t>(std::min(b - a, 1e6))));
    value = whole + pick(kFractions, rng);
    if (!in_range(value)) value = (a + b) / 2;
  } else if (std::isfinite(a) && std::isfinite(b)) {
    value = (a + b) / 2;
  } else if (std::isfinite(a)) {
    value = a + 1.5;
  } else if (std::isfinite(b)) {
    value = b - 1.5;
  } else {
    value = 1.5;
  }
  if (!in_range(value)) {
    if (!lo_open && std::isfinite(lo))
      value = lo;
    else if (!hi_open && std::isfinite(hi))
      value = hi;
    else
      return fail(ctx, "no number lies between the exclusive bounds");
  }
  return Value(value);
}

}  // namespace apiserver::mock::detail
