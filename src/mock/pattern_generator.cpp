// Regex-driven string generation (see pattern_generator.hpp): a recursive-descent parser builds
// a small syntax tree over code points, each node knows the shortest and longest text it
// matches, and generation picks a total length first and then splits it among the parts, so
// length bounds (minLength / maxLength) and the pattern are met together.
#include "mock/pattern_generator.hpp"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "mock/rng.hpp"
#include "text/utf8.hpp"

namespace apiserver::mock {

namespace {

constexpr size_t kInf = std::numeric_limits<size_t>::max() / 4;
constexpr int kMaxNesting = 100;     // groups inside groups
constexpr size_t kMaxRepeat = 1000;  // RE2 refuses larger counted repetitions
constexpr size_t kFreeRepeats = 3;   // extra repetitions an unbounded quantifier may add
constexpr size_t kMaxGenerated = 1000000;

struct CharRange {
  char32_t lo;
  char32_t hi;
};

using Ranges = std::vector<CharRange>;

size_t add_saturating(size_t a, size_t b) {
  return a >= kInf || b >= kInf ? kInf : std::min(kInf, a + b);
}
size_t mul_saturating(size_t a, size_t b) {
  if (a == 0 || b == 0) return 0;
  if (a >= kInf || b >= kInf || a > kInf / b) return kInf;
  return a * b;
}

const Ranges kDigits = {{'0', '9'}};
const Ranges kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
const Ranges kAlnum = {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}};
const Ranges kLetters = {{'A', 'Z'}, {'a', 'z'}};
const Ranges kSpace = {{'\t', '\r'}, {' ', ' '}};

// Sorted, merged copy of `ranges`.
Ranges normalized(Ranges ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const CharRange& a, const CharRange& b) { return a.lo < b.lo; });
  Ranges out;
  for (const CharRange& r : ranges) {
    if (!out.empty() && r.lo <= out.back().hi + 1) {
      out.back().hi = std::max(out.back().hi, r.hi);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

// Printable ASCII (space to '~') outside `ranges`: what a negated class or \D may produce.
Ranges printable_complement(const Ranges& ranges) {
  Ranges sorted = normalized(ranges);
  Ranges out;
  char32_t next = ' ';
  for (const CharRange& r : sorted) {
    if (r.hi < next) continue;
    if (r.lo > '~') break;
    if (r.lo > next) out.push_back({next, r.lo - 1});
    next = r.hi + 1;
  }
  if (next <= '~') out.push_back({next, '~'});
  return out;
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

struct Unsupported {
  std::string what;
};

// One piece of the parsed pattern; children always have smaller indices than their parents.
struct PatternNode {
  enum class Kind { kEmpty, kChars, kConcat, kAlternate, kRepeat, kStart, kEnd };
  Kind kind = Kind::kEmpty;
  Ranges ranges;                 // kChars: the characters it may produce
  std::vector<size_t> children;  // kConcat, kAlternate; kRepeat has one
  size_t min_count = 0;          // kRepeat
  size_t max_count = 0;          // kRepeat; kInf when unbounded
  size_t min_len = 0;
  size_t max_len = 0;
};

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

namespace {

using Node = PatternNode;

class Parser {
 public:
  Parser(const std::u32string& text, std::vector<Node>& nodes) : text_(text), nodes_(nodes) {}

  size_t parse() {
    size_t root = alternation(0);
    if (pos_ < text_.size()) throw Unsupported{"unbalanced ')'"};
    return root;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char32_t peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : 0;
  }
  char32_t next() {
    if (at_end()) throw Unsupported{"unexpected end of pattern"};
    return text_[pos_++];
  }

  size_t chars(Ranges ranges) {
    if (ranges.empty()) throw Unsupported{"a character class that matches nothing"};
    Node n;
    n.kind = Node::Kind::kChars;
    n.ranges = normalized(std::move(ranges));
    return add(std::move(n));
  }
  size_t simple(Node::Kind kind) {
    Node n;
    n.kind = kind;
    return add(std::move(n));
  }

  size_t alternation(int nesting) {
    std::vector<size_t> branches = {concatenation(nesting)};
    while (!at_end() && peek() == '|') {
      ++pos_;
      branches.push_back(concatenation(nesting));
    }
    if (branches.size() == 1) return branches[0];
    Node n;
    n.kind = Node::Kind::kAlternate;
    n.children = std::move(branches);
    return add(std::move(n));
  }

  size_t concatenation(int nesting) {
    std::vector<size_t> items;
    while (!at_end() && peek() != '|' && peek() != ')') items.push_back(quantified(nesting));
    if (items.size() == 1) return items[0];
    Node n;
    n.kind = items.empty() ? Node::Kind::kEmpty : Node::Kind::kConcat;
    n.children = std::move(items);
    return add(std::move(n));
  }

  // Reads "{n}", "{n,}" or "{n,m}" at pos_; false (pos_ unchanged) when it is not one.
  bool counted(size_t& lo, size_t& hi) {
    size_t p = pos_ + 1;
    auto number = [&](size_t& out) {
      size_t start = p;
      out = 0;
      while (p < text_.size() && text_[p] >= '0' && text_[p] <= '9' && p - start < 9)
        out = out * 10 + (text_[p++] - '0');
      return p > start;
    };
    if (!number(lo)) return false;
    hi = lo;
    if (p < text_.size() && text_[p] == ',') {
      ++p;
      if (!number(hi)) hi = kInf;
    }
    if (p >= text_.size() || text_[p] != '}') return false;
    pos_ = p + 1;
    return true;
  }

  size_t quantified(int nesting) {
    size_t atom_index = atom(nesting);
    if (at_end()) return atom_index;
    size_t lo = 0;
    size_t hi = 0;
    char32_t c = peek();
    if (c == '*') {
      lo = 0, hi = kInf, ++pos_;
    } else if (c == '+') {
      lo = 1, hi = kInf, ++pos_;
    } else if (c == '?') {
      lo = 0, hi = 1, ++pos_;
    } else if (c == '{' && counted(lo, hi)) {
      if (hi < lo) throw Unsupported{"a repetition {n,m} with m < n"};
      if (lo > kMaxRepeat || (hi < kInf && hi > kMaxRepeat))
        throw Unsupported{"a repetition count above 1000"};
    } else {
      return atom_index;
    }
    if (!at_end() && peek() == '?') ++pos_;  // lazy: same strings
    if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{'))
      throw Unsupported{"a repeated quantifier (possessive or nested)"};
    Node n;
    n.kind = Node::Kind::kRepeat;
    n.children = {atom_index};
    n.min_count = lo;
    n.max_count = hi;
    return add(std::move(n));
  }

  size_t group(int nesting) {
    if (nesting >= kMaxNesting) throw Unsupported{"groups nested too deeply"};
    if (peek() == '?') {
      ++pos_;
      char32_t c = next();
      if (c == '=' || c == '!') throw Unsupported{"lookahead"};
      if (c == '<' && (peek() == '=' || peek() == '!')) throw Unsupported{"lookbehind"};
      if (c == 'P' && peek() == '=') throw Unsupported{"a backreference"};
      if (c == 'P' || c == '<' || c == '\'') {  // named group
        if (c == 'P' && next() != '<') throw Unsupported{"an unknown (?P group"};
        char32_t close = c == '\'' ? '\'' : '>';
        while (next() != close) {
        }
      } else if (c != ':') {
        // Flags: (?i) applies to the rest, (?i:...) is a group. Generated text keeps the
        // case written in the pattern, which still matches under (?i).
        --pos_;
        while (!at_end() &&
               (peek() == 'i' || peek() == 'm' || peek() == 's' || peek() == 'U' || peek() == '-'))
          ++pos_;
        char32_t end = next();
        if (end == ')') return simple(Node::Kind::kEmpty);
        if (end != ':') throw Unsupported{"an unknown group construct"};
      }
    }
    size_t inner = alternation(nesting + 1);
    if (at_end() || next() != ')') throw Unsupported{"a missing ')'"};
    return inner;
  }

  char32_t hex_escape(size_t digits) {
    char32_t value = 0;
    for (size_t i = 0; i < digits; ++i) {
      char32_t c = next();
      int d = c >= '0' && c <= '9'   ? static_cast<int>(c - '0')
              : c >= 'a' && c <= 'f' ? static_cast<int>(c - 'a' + 10)
              : c >= 'A' && c <= 'F' ? static_cast<int>(c - 'A' + 10)
                                     : -1;
      if (d < 0) throw Unsupported{"a malformed hex escape"};
      value = value * 16 + static_cast<char32_t>(d);
    }
    return value;
  }

  // \p{...} / \P{...}: letters and digits approximate the common Unicode classes.
  Ranges unicode_class(bool negated) {
    std::u32string name;
    if (peek() == '{') {
      ++pos_;
      for (char32_t c = next(); c != '}'; c = next()) name += c;
    } else {
      name += next();
    }
    if (!name.empty() && name[0] == '^') negated = !negated, name.erase(0, 1);
    bool letters = name == U"L" || name == U"Letter" || name == U"Lu" || name == U"Ll" ||
                   name == U"Latin" || name == U"Alphabetic";
    bool digits = name == U"N" || name == U"Nd" || name == U"Number";
    if (name == U"Lu") return negated ? Ranges{{'a', 'z'}} : Ranges{{'A', 'Z'}};
    if (name == U"Ll") return negated ? Ranges{{'A', 'Z'}} : Ranges{{'a', 'z'}};
    if (letters) return negated ? kDigits : kLetters;
    if (digits) return negated ? kLetters : kDigits;
    throw Unsupported{"an unknown Unicode class"};
  }

  // The characters an escape stands for (one, or a set such as \\d).
  Ranges escape(bool in_class) {
    char32_t c = next();
    switch (c) {
      case 'd':
        return kDigits;
      case 'D':
        return printable_complement(kDigits);
      case 'w':
        return kWord;
      case 'W':
        return printable_complement(kWord);
      case 's':
        return {{' ', ' '}};
      case 'S':
        return printable_complement(kSpace);
      case 'n':
        return {{'\n', '\n'}};
      case 'r':
        return {{'\r', '\r'}};
      case 't':
        return {{'\t', '\t'}};
      case 'f':
        return {{'\f', '\f'}};
      case 'v':
        return {{'\v', '\v'}};
      case '0':
        return {{'\0', '\0'}};
      case 'x': {
        char32_t value = 0;
        if (peek() == '{') {  // \x{10FFFF}
          ++pos_;
          for (size_t count = 0; peek() != '}'; ++count) {
            if (count >= 6) throw Unsupported{"a malformed hex escape"};
            value = value * 16 + hex_escape(1);
          }
          ++pos_;
        } else {
          value = hex_escape(2);
        }
        return {{value, value}};
      }
      case 'u': {
        char32_t value = hex_escape(4);
        return {{value, value}};
      }
      case 'p':
        return unicode_class(false);
      case 'P':
        return unicode_class(true);
      case 'b':
        if (in_class) return {{'\b', '\b'}};
        break;
      default:
        break;
    }
    if (c >= '1' && c <= '9') throw Unsupported{"a backreference"};
    if (c < 0x80 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
      throw Unsupported{std::string("the escape \\") + static_cast<char>(c)};
    return {{c, c}};  // an escaped punctuation character stands for itself
  }

  Ranges posix_class() {
    // At "[:" inside a class.
    pos_ += 2;
    std::u32string name;
    while (!at_end() && peek() != ':') name += next();
    if (next() != ':' || next() != ']') throw Unsupported{"a malformed POSIX class"};
    if (name == U"alpha") return kLetters;
    if (name == U"digit") return kDigits;
    if (name == U"alnum") return kAlnum;
    if (name == U"upper") return {{'A', 'Z'}};
    if (name == U"lower") return {{'a', 'z'}};
    if (name == U"space") return kSpace;
    if (name == U"blank") return {{'\t', '\t'}, {' ', ' '}};
    if (name == U"xdigit") return {{'0', '9'}, {'A', 'F'}, {'a', 'f'}};
    if (name == U"word") return kWord;
    if (name == U"punct") return {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}};
    if (name == U"print") return {{' ', '~'}};
    if (name == U"graph") return {{'!', '~'}};
    throw Unsupported{"an unknown POSIX class"};
  }

  size_t character_class() {
    bool negated = false;
    if (peek() == '^') negated = true, ++pos_;
    Ranges ranges;
    bool first = true;
    while (true) {
      if (at_end()) throw Unsupported{"a missing ']'"};
      char32_t c = peek();
      if (c == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      if (c == '[' && peek(1) == ':') {
        Ranges posix = posix_class();
        ranges.insert(ranges.end(), posix.begin(), posix.end());
        continue;
      }
      ++pos_;
      Ranges item;
      if (c == '\\') {
        item = escape(true);
      } else {
        item = {{c, c}};
      }
      // A range "a-z": only between single characters, and not "a-]".
      if (item.size() == 1 && item[0].lo == item[0].hi && peek() == '-' && peek(1) != ']' &&
          pos_ + 1 < text_.size()) {
        ++pos_;
        char32_t end_char = next();
        Ranges end = end_char == '\\' ? escape(true) : Ranges{{end_char, end_char}};
        if (end.size() != 1 || end[0].lo != end[0].hi) throw Unsupported{"a class range to a set"};
        if (end[0].lo < item[0].lo) throw Unsupported{"a reversed class range"};
        item[0].hi = end[0].lo;
      }
      ranges.insert(ranges.end(), item.begin(), item.end());
    }
    return chars(negated ? printable_complement(ranges) : ranges);
  }

  size_t atom(int nesting) {
    char32_t c = next();
    switch (c) {
      case '(':
        return group(nesting);
      case '[':
        return character_class();
      case '.':
        return chars(kAlnum);
      case '^':
        return simple(Node::Kind::kStart);
      case '$':
        return simple(Node::Kind::kEnd);
      case '*':
      case '+':
      case '?':
        throw Unsupported{"a quantifier with nothing to repeat"};
      case '{': {
        size_t lo = 0;
        size_t hi = 0;
        --pos_;
        if (counted(lo, hi)) throw Unsupported{"a quantifier with nothing to repeat"};
        ++pos_;
        return chars({{'{', '{'}});
      }
      case '\\': {
        char32_t e = peek();
        if (e == 'b' || e == 'B') {  // word boundaries: approximated as nothing
          ++pos_;
          return simple(Node::Kind::kEmpty);
        }
        if (e == 'A' || e == 'z' || e == 'Z') {
          ++pos_;
          return simple(e == 'A' ? Node::Kind::kStart : Node::Kind::kEnd);
        }
        if (e == 'Q') {  // \Q...\E quotes literally
          ++pos_;
          Node n;
          n.kind = Node::Kind::kConcat;
          while (!at_end() && !(peek() == '\\' && peek(1) == 'E')) {
            char32_t q = next();
            n.children.push_back(chars({{q, q}}));
          }
          if (!at_end()) pos_ += 2;
          return add(std::move(n));
        }
        return chars(escape(false));
      }
      default:
        return chars({{c, c}});
    }
  }

  size_t add(Node node) {
    nodes_.push_back(std::move(node));
    return nodes_.size() - 1;
  }

  const std::u32string& text_;
  std::vector<Node>& nodes_;
  size_t pos_ = 0;
};

}  // namespace

PatternGenerator::PatternGenerator(std::string_view pattern) : impl_(std::make_unique<Impl>()) {
  std::u32string text;
  if (!text::decode_utf8(pattern, text)) {
    error_ = "the pattern is not UTF-8";
    return;
  }
  try {
    Parser parser(text, impl_->nodes);
    impl_->root = parser.parse();
    impl_->compute_lengths();
  } catch (const Unsupported& e) {
    error_ = e.what.empty() ? std::string("an unsupported construct") : e.what;
  }
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
