// The recursive-descent parser of the pattern generator (see pattern_syntax.hpp): reads the common
// subset of ECMA-262 / RE2 syntax over code points into a PatternNode tree, and names the first
// construct it does not support.
//
// Over 400 lines on purpose: one grammar, one function per production, read top to bottom;
// split, its mutually recursive productions would need a shared internal header for no gain.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mock/pattern_syntax.hpp"

namespace apiserver::mock::detail {
namespace {

constexpr int kMaxNesting = 100;     // groups inside groups
constexpr size_t kMaxRepeat = 1000;  // RE2 refuses larger counted repetitions

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

// Thrown by the parser on a construct the generator does not support.
struct Unsupported {
  std::string what;
};

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

std::optional<std::string> parse_pattern(const std::u32string& pattern,
                                         std::vector<PatternNode>& nodes, size_t& root) {
  try {
    Parser parser(pattern, nodes);
    root = parser.parse();
  } catch (const Unsupported& e) {
    return e.what.empty() ? std::string("an unsupported construct") : e.what;
  }
  return std::nullopt;
}

}  // namespace apiserver::mock::detail
