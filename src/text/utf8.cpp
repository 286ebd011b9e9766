#include "text/utf8.hpp"

namespace apiserver::text {

bool next_code_point(std::string_view s, size_t& i, char32_t& out) {
  const auto lead = static_cast<unsigned char>(s[i]);
  // Sequence length, payload bits of the lead byte, and the smallest value of that length.
  size_t length = 1;
  char32_t cp = lead;
  char32_t smallest = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, smallest = 0x10000;
  } else if (lead >= 0x80) {
    return false;
  }
  if (s.size() - i < length) return false;
  for (size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += length;
  out = cp;
  return true;
}

size_t sequence_length(std::string_view s, size_t i) {
  size_t next = i;
  char32_t ignored;
  return next_code_point(s, next, ignored) ? next - i : 0;
}

bool is_valid_utf8(std::string_view s) {
  char32_t ignored;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;  // ASCII, the common case, without the general decoder
    } else if (!next_code_point(s, i, ignored)) {
      return false;
    }
  }
  return true;
}

bool decode_utf8(std::string_view s, std::u32string& out) {
  char32_t cp;
  for (size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i, cp)) return false;
    out += cp;
  }
  return true;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t code_point_count(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace apiserver::text
