// Unit tests of the base64url (JOSE) and standard base64 (HTTP Basic) codecs.
#include "text/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::text {
namespace {

using namespace std::string_literals;

TEST(Base64Encode, WritesTheRfc4648VectorsWithPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("\xfb\xff"s), "+/8=");
}

TEST(Base64UrlEncode, WritesTheUrlSafeAlphabetWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"s), "-_8");
  EXPECT_EQ(base64url_encode("\x00\x00\xff\xff\xef"s), "AAD__-8");
}

TEST(Base64, EveryLengthRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << i;
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes) << i;
    bytes.push_back(static_cast<char>(i * 37 + 200));
  }
}

TEST(Base64UrlDecode, DecodesTheRfc4648Vectors) {
  // RFC 4648 section 10, without the padding base64url leaves out in JOSE.
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9v"), "foo");
  EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");
  EXPECT_EQ(base64url_decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64UrlDecode, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff"s);
  EXPECT_EQ(base64url_decode("AAD__-8"), "\x00\x00\xff\xff\xef"s);
  // The standard alphabet's two last characters are not base64url.
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm+v"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm/v"), std::nullopt);
}

TEST(Base64UrlDecode, DecodesEveryByteValue) {
  // 0x00..0xff, as Python's base64.urlsafe_b64encode writes them (padding removed).
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  const std::string encoded =
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0BBQkNE"
      "RUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn-AgYKDhIWGh4iJ"
      "iouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq-wsbKztLW2t7i5uru8vb6_wMHCw8TFxsfIycrLzM3O"
      "z9DR0tPU1dbX2Nna29zd3t_g4eLj5OXm5-jp6uvs7e7v8PHy8_T19vf4-fr7_P3-_w";
  EXPECT_EQ(base64url_decode(encoded), bytes);
  EXPECT_EQ(base64url_encode(bytes), encoded);
}

TEST(Base64UrlDecode, RefusesPadding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v="), std::nullopt);
  EXPECT_EQ(base64url_decode("="), std::nullopt);
}

TEST(Base64UrlDecode, RefusesCharactersOutsideTheAlphabet) {
  EXPECT_EQ(base64url_decode("Zm 9v"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v."), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9\xff"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm\0v"s), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v!"), std::nullopt);
}

TEST(Base64UrlDecode, RefusesALengthNoEncoderProduces) {
  // One character carries only 6 bits: never a whole byte.
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vYmFyZ"), std::nullopt);
}

TEST(Base64UrlDecode, RefusesNonZeroTrailingBits) {
  // "Zg" is "f"; "Zh" to "Zv" differ only in the 4 bits no byte uses.
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zv"), std::nullopt);
  // "Zm8" is "fo"; "Zm9" sets one of the 2 unused bits.
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vYh"), std::nullopt);
}

TEST(Base64Decode, DecodesPaddedRfc4648Vectors) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64_decode("YWxpY2U6b3BlbiBzZXNhbWU="), "alice:open sesame");
}

TEST(Base64Decode, UsesTheStandardAlphabet) {
  EXPECT_EQ(base64_decode("+/8="), "\xfb\xff"s);
  EXPECT_EQ(base64_decode("-_8="), std::nullopt);
}

TEST(Base64Decode, RefusesMisplacedOrExcessPadding) {
  EXPECT_EQ(base64_decode("Zg="), std::nullopt);   // length not a multiple of 4
  EXPECT_EQ(base64_decode("Zg"), std::nullopt);    // padding left out
  EXPECT_EQ(base64_decode("Z==="), std::nullopt);  // three pad characters
  EXPECT_EQ(base64_decode("===="), std::nullopt);  // nothing but padding
  EXPECT_EQ(base64_decode("Zm9v===="), std::nullopt);
  EXPECT_EQ(base64_decode("Zg==Zg=="), std::nullopt);  // padding inside
  EXPECT_EQ(base64_decode("Z=g="), std::nullopt);
}

TEST(Base64Decode, RefusesInvalidCharactersAndTrailingBits) {
  EXPECT_EQ(base64_decode("Zm9 "), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9v\r\n=="), std::nullopt);
  EXPECT_EQ(base64_decode("Zh=="), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9="), std::nullopt);
}

}  // namespace
}  // namespace apiserver::text
