// Base64 and base64url encoding and strict decoding; see base64.hpp.
#include "text/base64.hpp"

#include <array>

namespace apiserver::text {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for the characters of `letters`, -1 for every other byte.
std::array<int, 256> decoding_table(const char* letters) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(letters[i])] = i;
  return table;
}

std::string encode(std::string_view bytes, const char* letters, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += letters[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += letters[(buffer << (6 - bits)) & 63];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}

// Decodes unpadded text.
std::optional<std::string> decode(std::string_view text, const std::array<int, 256>& table) {
  if (text.size() % 4 == 1) return std::nullopt;  // 6 bits: never a whole byte
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = table[static_cast<unsigned char>(c)];
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

std::string base64_encode(std::string_view bytes) {
  return encode(bytes, kStandard, true);
}

std::string base64url_encode(std::string_view bytes) {
  return encode(bytes, kUrlSafe, false);
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const std::array<int, 256> table = decoding_table(kStandard);
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  return decode(text.substr(0, text.size() - padding), table);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  static const std::array<int, 256> table = decoding_table(kUrlSafe);
  return decode(text, table);
}

}  // namespace apiserver::text
