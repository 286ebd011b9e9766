// Regex-driven string generation (see pattern_generator.hpp): the parser (pattern_parser.cpp)
// builds a small syntax tree over code points, each node here learns the shortest and longest
// text it matches, and generation picks a total length first and then splits it among the
// parts, so length bounds (minLength / maxLength) and the pattern are met together.
#include "mock/pattern_generator.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "mock/pattern_syntax.hpp"
#include "mock/rng.hpp"
#include "text/utf8.hpp"

namespace apiserver::mock {
namespace {

using detail::CharRange;
using detail::kAlnum;
using detail::kInf;
using detail::PatternNode;
using detail::Ranges;

constexpr size_t kFreeRepeats = 3;  // extra repetitions an unbounded quantifier may add
constexpr size_t kMaxGenerated = 1000000;

size_t add_saturating(size_t a, size_t b) {
  return a >= kInf || b >= kInf ? kInf : std::min(kInf, a + b);
}
size_t mul_saturating(size_t a, size_t b) {
  if (a == 0 || b == 0) return 0;
  if (a >= kInf || b >= kInf || a > kInf / b) return kInf;
  return a * b;
}

Ranges intersect(const Ranges& a, const Ranges& b) {
  Ranges out;
  for (const CharRange& x : a) {
    for (const CharRange& y : b) {
      char32_t lo = std::max(x.lo, y.lo);
      char32_t hi = std::min(x.hi, y.hi);
      if (lo <= hi) out.push_back({lo, hi});
    }
  }
  return out;
}

}  // namespace

struct PatternGenerator::Impl {
  using Node = PatternNode;

  std::vector<Node> nodes;
  size_t root = 0;

  // Bottom-up: children always have smaller indices than their parents.
  void compute_lengths() {
    for (Node& n : nodes) {
      switch (n.kind) {
        case Node::Kind::kEmpty:
        case Node::Kind::kStart:
        case Node::Kind::kEnd:
          n.min_len = n.max_len = 0;
          break;
        case Node::Kind::kChars:
          n.min_len = n.max_len = 1;
          break;
        case Node::Kind::kConcat:
          n.min_len = n.max_len = 0;
          for (size_t c : n.children) {
            n.min_len = add_saturating(n.min_len, nodes[c].min_len);
            n.max_len = add_saturating(n.max_len, nodes[c].max_len);
          }
          break;
        case Node::Kind::kAlternate:
          n.min_len = kInf;
          n.max_len = 0;
          for (size_t c : n.children) {
            n.min_len = std::min(n.min_len, nodes[c].min_len);
            n.max_len = std::max(n.max_len, nodes[c].max_len);
          }
          break;
        case Node::Kind::kRepeat: {
          const Node& child = nodes[n.children[0]];
          n.min_len = mul_saturating(n.min_count, child.min_len);
          n.max_len = n.max_count >= kInf ? (child.max_len == 0 ? 0 : kInf)
                                          : mul_saturating(n.max_count, child.max_len);
          break;
        }
      }
    }
  }

  bool anchored(size_t index, bool at_end) const {
    const Node& n = nodes[index];
    switch (n.kind) {
      case Node::Kind::kStart:
        return !at_end;
      case Node::Kind::kEnd:
        return at_end;
      case Node::Kind::kConcat: {
        // The first (last) part that is not empty decides.
        const auto& c = n.children;
        for (size_t k = 0; k < c.size(); ++k) {
          size_t child = at_end ? c[c.size() - 1 - k] : c[k];
          if (nodes[child].kind == Node::Kind::kEmpty) continue;
          return anchored(child, at_end);
        }
        return false;
      }
      case Node::Kind::kAlternate:
        for (size_t c : n.children) {
          if (!anchored(c, at_end)) return false;
        }
        return true;
      default:
        return false;
    }
  }

  static char32_t pick(const Ranges& ranges, Rng& rng) {
    // Letters and digits look like data; other members only when the class has none.
    Ranges preferred = intersect(ranges, kAlnum);
    const Ranges& from = preferred.empty() ? ranges : preferred;
    uint64_t total = 0;
    for (const CharRange& r : from) total += static_cast<uint64_t>(r.hi - r.lo) + 1;
    uint64_t k = rng.below(total);
    for (const CharRange& r : from) {
      uint64_t size = static_cast<uint64_t>(r.hi - r.lo) + 1;
      if (k < size) {
        auto cp = static_cast<char32_t>(r.lo + k);
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = r.lo >= 0xD800 && r.lo <= 0xDFFF ? 'a' : r.lo;
        return cp;
      }
      k -= size;
    }
    return 'a';
  }

  // Splits `target` among parts with the given bounds, at random but within each part's bounds
  // where possible.
  static std::vector<size_t> distribute(const std::vector<std::pair<size_t, size_t>>& bounds,
                                        size_t target, Rng& rng) {
    std::vector<size_t> lens(bounds.size());
    size_t extra = target;
    for (size_t i = 0; i < bounds.size(); ++i) {
      lens[i] = bounds[i].first;
      extra = extra >= lens[i] ? extra - lens[i] : 0;
    }
    // A random share for each part first, then fill greedily so the total is met.
    for (int pass = 0; pass < 2 && extra > 0; ++pass) {
      for (size_t i = 0; i < bounds.size() && extra > 0; ++i) {
        size_t room = bounds[i].second >= kInf ? extra : bounds[i].second - lens[i];
        size_t give = std::min(room, extra);
        if (pass == 0 && i + 1 < bounds.size()) give = static_cast<size_t>(rng.below(give + 1));
        lens[i] += give;
        extra -= give;
      }
    }
    return lens;
  }

  void emit(size_t index, size_t target, Rng& rng, std::u32string& out) const {
    const Node& n = nodes[index];
    if (out.size() > kMaxGenerated) return;
    switch (n.kind) {
      case Node::Kind::kEmpty:
      case Node::Kind::kStart:
      case Node::Kind::kEnd:
        return;
      case Node::Kind::kChars:
        out += pick(n.ranges, rng);
        return;
      case Node::Kind::kConcat: {
        std::vector<std::pair<size_t, size_t>> bounds;
        for (size_t c : n.children) bounds.emplace_back(nodes[c].min_len, nodes[c].max_len);
        std::vector<size_t> lens = distribute(bounds, target, rng);
        for (size_t i = 0; i < n.children.size(); ++i) emit(n.children[i], lens[i], rng, out);
        return;
      }
      case Node::Kind::kAlternate: {
        std::vector<size_t> fits;
        for (size_t c : n.children) {
          if (nodes[c].min_len <= target && target <= nodes[c].max_len) fits.push_back(c);
        }
        if (fits.empty()) {  // none fits exactly: the closest one
          size_t best = n.children[0];
          size_t best_gap = kInf;
          for (size_t c : n.children) {
            size_t gap = target < nodes[c].min_len ? nodes[c].min_len - target
                                                   : target - std::min(target, nodes[c].max_len);
            if (gap < best_gap) best = c, best_gap = gap;
          }
          fits.push_back(best);
        }
        size_t chosen = fits[rng.below(fits.size())];
        emit(chosen, std::clamp(target, nodes[chosen].min_len, nodes[chosen].max_len), rng, out);
        return;
      }
      case Node::Kind::kRepeat: {
        const Node& child = nodes[n.children[0]];
        // Repetitions the target length needs, clamped to what the quantifier allows.
        size_t need_lo = 0;
        if (child.max_len >= kInf) {
          need_lo = target > 0 ? 1 : 0;
        } else if (child.max_len > 0) {
          need_lo = (target + child.max_len - 1) / child.max_len;
        }
        size_t need_hi = child.min_len > 0 ? target / child.min_len : kInf;
        if (target == 0) need_hi = 0;
        size_t lo = std::clamp(need_lo, n.min_count, n.max_count);
        size_t hi = std::clamp(need_hi, lo, n.max_count);
        size_t count = lo + static_cast<size_t>(rng.below(std::min(hi - lo, kFreeRepeats) + 1));
        std::vector<std::pair<size_t, size_t>> bounds(count, {child.min_len, child.max_len});
        std::vector<size_t> lens = distribute(bounds, target, rng);
        for (size_t i = 0; i < count && out.size() <= kMaxGenerated; ++i)
          emit(n.children[0], lens[i], rng, out);
        return;
      }
    }
  }
};

PatternGenerator::PatternGenerator(std::string_view pattern) : impl_(std::make_unique<Impl>()) {
  std::u32string text;
  if (!text::decode_utf8(pattern, text)) {
    error_ = "the pattern is not UTF-8";
    return;
  }
  if (std::optional<std::string> unsupported =
          detail::parse_pattern(text, impl_->nodes, impl_->root)) {
    error_ = *unsupported;
    return;
  }
  impl_->compute_lengths();
}

PatternGenerator::~PatternGenerator() = default;

std::optional<std::string> PatternGenerator::generate(uint64_t seed, size_t min_length,
                                                      size_t max_length) const {
  if (!ok() || impl_->nodes.empty() || min_length > max_length) return std::nullopt;
  const PatternNode& root = impl_->nodes[impl_->root];
  Rng rng(seed);
  // Text before or after a match is fine unless the pattern is anchored there.
  bool pad_end = !impl_->anchored(impl_->root, true);
  bool pad_start = !impl_->anchored(impl_->root, false);
  size_t lo = std::max(min_length, root.min_len);
  size_t hi = std::min(max_length, root.max_len);
  if (root.min_len > max_length) return std::nullopt;
  size_t target = 0;
  if (lo <= hi) {
    // Short, realistic values unless the bounds ask for more.
    size_t span = std::min<size_t>(hi - lo, root.max_len >= kInf ? 8 : 16);
    target = lo + static_cast<size_t>(rng.below(span + 1));
  } else {
    if (!pad_end && !pad_start) return std::nullopt;
    target = root.max_len;  // the longest match, then padding up to min_length
  }
  if (target > kMaxGenerated) return std::nullopt;
  std::u32string out;
  impl_->emit(impl_->root, target, rng, out);
  if (out.size() < min_length && (pad_end || pad_start)) {
    std::u32string padding;
    while (out.size() + padding.size() < min_length)
      padding += static_cast<char32_t>('a' + rng.below(26));
    out = pad_end ? out + padding : padding + out;
  }
  std::string utf8;
  for (char32_t cp : out) text::append_utf8(cp, utf8);
  size_t length = out.size();
  if (length < min_length || length > max_length) return std::nullopt;
  return utf8;
}

}  // namespace apiserver::mock