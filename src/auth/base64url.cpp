#include "auth/base64url.hpp"

#include <array>

namespace apiserver::auth {
namespace {

// 0..63 for alphabet characters, -1 otherwise.
std::array<int, 256> alphabet(char plus, char slash) {
  std::array<int, 256> table{};
  table.fill(-1);
  const char* letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 62; ++i) table[static_cast<unsigned char>(letters[i])] = i;
  table[static_cast<unsigned char>(plus)] = 62;
  table[static_cast<unsigned char>(slash)] = 63;
  return table;
}

std::optional<std::string> decode(std::string_view text, const std::array<int, 256>& table) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or two encodings would decode to the same bytes.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
  static const std::array<int, 256> table = alphabet('-', '_');
  return decode(text, table);
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const std::array<int, 256> table = alphabet('+', '/');
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  return decode(text.substr(0, text.size() - padding), table);
}

}  // namespace apiserver::auth
