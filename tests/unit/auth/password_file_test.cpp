// Unit tests of HTTP Basic user files: USER:HASH lines of bcrypt, argon2 and crypt(5) hashes.
#include "auth/password_file.hpp"

#include <argon2.h>
#include <crypt.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace apiserver::auth {
namespace {

// A crypt(5) hash of `password` by libxcrypt; `cost` as crypt_gensalt_rn takes it.
std::string crypt_hash(const char* prefix, unsigned long cost, const std::string& password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(prefix, cost, nullptr, 0, setting, sizeof setting) == nullptr)
    throw std::runtime_error(std::string("crypt_gensalt_rn failed for ") + prefix);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* hash = crypt_r(password.c_str(), setting, data.get());
  if (hash == nullptr || hash[0] == '*')
    throw std::runtime_error(std::string("crypt_r failed for ") + prefix);
  return hash;
}

// An argon2 hash with the smallest useful cost (1 pass over 64 KiB), so the tests stay fast.
std::string argon2_hash(argon2_type type, const std::string& password) {
  const unsigned char salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  char encoded[256];
  const int rc = type == Argon2_id
                     ? argon2id_hash_encoded(1, 64, 1, password.data(), password.size(), salt,
                                             sizeof salt, 32, encoded, sizeof encoded)
                     : argon2i_hash_encoded(1, 64, 1, password.data(), password.size(), salt,
                                            sizeof salt, 32, encoded, sizeof encoded);
  if (rc != ARGON2_OK) throw std::runtime_error(argon2_error_message(rc));
  return encoded;
}

constexpr char kAlicePassword[] = "open sesame";
constexpr char kBobPassword[] = "correct horse";
constexpr char kCarolPassword[] = "battery staple";
constexpr char kDavePassword[] = "dave:with:colons";
constexpr char kErinPassword[] = "erin password";
constexpr char kFrankPassword[] = "frank password";

class PasswordFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    bcrypt_ = new std::string(crypt_hash("$2b$", 4, kAlicePassword));
    argon2id_ = new std::string(argon2_hash(Argon2_id, kBobPassword));
    sha512_ = new std::string(crypt_hash("$6$", 1000, kCarolPassword));
    bcrypt_2y_ = new std::string(crypt_hash("$2y$", 4, kDavePassword));
    argon2i_ = new std::string(argon2_hash(Argon2_i, kErinPassword));
    yescrypt_ = new std::string(crypt_hash("$y$", 1, kFrankPassword));
  }
  static void TearDownTestSuite() {
    delete bcrypt_;
    delete argon2id_;
    delete sha512_;
    delete bcrypt_2y_;
    delete argon2i_;
    delete yescrypt_;
  }

  static std::string* bcrypt_;
  static std::string* argon2id_;
  static std::string* sha512_;
  static std::string* bcrypt_2y_;
  static std::string* argon2i_;
  static std::string* yescrypt_;
};

std::string* PasswordFileTest::bcrypt_ = nullptr;
std::string* PasswordFileTest::argon2id_ = nullptr;
std::string* PasswordFileTest::sha512_ = nullptr;
std::string* PasswordFileTest::bcrypt_2y_ = nullptr;
std::string* PasswordFileTest::argon2i_ = nullptr;
std::string* PasswordFileTest::yescrypt_ = nullptr;

TEST_F(PasswordFileTest, HashesHaveTheExpectedMethods) {
  EXPECT_EQ(bcrypt_->rfind("$2b$04$", 0), 0u) << *bcrypt_;
  EXPECT_EQ(argon2id_->rfind("$argon2id$v=19$m=64,t=1,p=1$", 0), 0u) << *argon2id_;
  EXPECT_EQ(argon2i_->rfind("$argon2i$", 0), 0u) << *argon2i_;
  EXPECT_EQ(sha512_->rfind("$6$rounds=1000$", 0), 0u) << *sha512_;
  EXPECT_EQ(bcrypt_2y_->rfind("$2y$04$", 0), 0u) << *bcrypt_2y_;
  EXPECT_EQ(yescrypt_->rfind("$y$", 0), 0u) << *yescrypt_;
}

TEST_F(PasswordFileTest, LoadsEveryAcceptedMethodAndSkipsCommentsAndBlankLines) {
  PasswordFile file;
  std::string error;
  const std::string text = "# users\n\nalice:" + *bcrypt_ +
                           "\r\n#bob:plaintext\n\nbob:" + *argon2id_ + "\ncarol:" + *sha512_ +
                           "\ndave:" + *bcrypt_2y_ + "\nerin:" + *argon2i_ +
                           "\nfrank:" + *yescrypt_;  // no final newline
  ASSERT_TRUE(file.load(text, error)) << error;
  EXPECT_EQ(file.size(), 6u);
}

TEST_F(PasswordFileTest, ChecksTheRightPasswordOfEachMethod) {
  PasswordFile file;
  std::string error;
  ASSERT_TRUE(file.load("alice:" + *bcrypt_ + "\nbob:" + *argon2id_ + "\ncarol:" + *sha512_ +
                            "\ndave:" + *bcrypt_2y_ + "\nerin:" + *argon2i_ +
                            "\nfrank:" + *yescrypt_ + "\n",
                        error))
      << error;
  EXPECT_TRUE(file.check("alice", kAlicePassword));
  EXPECT_TRUE(file.check("bob", kBobPassword));
  EXPECT_TRUE(file.check("carol", kCarolPassword));
  EXPECT_TRUE(file.check("dave", kDavePassword));
  EXPECT_TRUE(file.check("erin", kErinPassword));
  EXPECT_TRUE(file.check("frank", kFrankPassword));
}

TEST_F(PasswordFileTest, RefusesAWrongPassword) {
  PasswordFile file;
  std::string error;
  ASSERT_TRUE(file.load(
      "alice:" + *bcrypt_ + "\nbob:" + *argon2id_ + "\ncarol:" + *sha512_ + "\nfrank:" + *yescrypt_,
      error))
      << error;
  EXPECT_FALSE(file.check("alice", "open sesame!"));
  EXPECT_FALSE(file.check("alice", ""));
  EXPECT_FALSE(file.check("alice", kBobPassword));  // another user's password
  EXPECT_FALSE(file.check("bob", "correct horse "));
  EXPECT_FALSE(file.check("carol", "Battery staple"));
  EXPECT_FALSE(file.check("frank", "frank"));
}

TEST_F(PasswordFileTest, IgnoresWhitespaceOnlyLinesAndTrailingWhitespace) {
  // An edited file often keeps spaces at the end of a line; they are not part of a hash (no
  // crypt(5) or argon2 hash holds a space), and a line of spaces is a blank line.
  PasswordFile file;
  std::string error;
  ASSERT_TRUE(file.load("alice:" + *bcrypt_ + "  \t\r\n   \n\t\nbob:" + *argon2id_ + " \n", error))
      << error;
  EXPECT_EQ(file.size(), 2u);
  EXPECT_TRUE(file.check("alice", kAlicePassword));
  EXPECT_TRUE(file.check("bob", kBobPassword));
}

TEST_F(PasswordFileTest, RefusesAnUnknownUser) {
  PasswordFile file;
  std::string error;
  ASSERT_TRUE(file.load("alice:" + *bcrypt_, error)) << error;
  EXPECT_FALSE(file.check("mallory", kAlicePassword));
  EXPECT_FALSE(file.check("Alice", kAlicePassword));  // user names are case-sensitive
  EXPECT_FALSE(file.check("", kAlicePassword));
  EXPECT_FALSE(file.check("alice ", kAlicePassword));
}

TEST_F(PasswordFileTest, RemembersOnlyPairsThatMatched) {
  PasswordFile file;
  std::string error;
  ASSERT_TRUE(file.load("alice:" + *bcrypt_ + "\nbob:" + *argon2id_, error)) << error;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(file.check("alice", kAlicePassword));
    // A remembered success must not let another password or user through.
    EXPECT_FALSE(file.check("alice", "wrong"));
    EXPECT_FALSE(file.check("bob", kAlicePassword));
    EXPECT_FALSE(file.check("mallory", kAlicePassword));
  }
  EXPECT_TRUE(file.check("bob", kBobPassword));
}

TEST_F(PasswordFileTest, RefusesAPlaintextPasswordNamingLineAndUserOnly) {
  PasswordFile file;
  std::string error;
  EXPECT_FALSE(file.load("# comment\nalice:" + *bcrypt_ + "\nbob:hunter2-plaintext\n", error));
  EXPECT_EQ(error,
            "line 3 (user bob): the password is not a bcrypt, argon2 or crypt(5) hash; plaintext "
            "passwords are refused");
  EXPECT_EQ(error.find("hunter2"), std::string::npos);
}

TEST_F(PasswordFileTest, RefusesHashesOfOtherMethods) {
  for (const std::string& hash :
       {std::string("$1$saltsalt$0123456789abcdefghijkl"),  // MD5 crypt
        std::string("abJnggxhB/yWI"),                       // DES crypt
        std::string("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="), std::string("$2$10$x"),
        std::string("$argon2$x"), std::string(" $2b$04$leading.space"), std::string("")}) {
    PasswordFile file;
    std::string error;
    EXPECT_FALSE(file.load("alice:" + hash, error)) << hash;
    EXPECT_EQ(error,
              "line 1 (user alice): the password is not a bcrypt, argon2 or crypt(5) hash; "
              "plaintext passwords are refused");
  }
}

TEST_F(PasswordFileTest, RefusesAMalformedLineWithoutQuotingIt) {
  PasswordFile file;
  std::string error;
  EXPECT_FALSE(file.load("alice:" + *bcrypt_ + "\nbob-hunter2-no-colon\n", error));
  EXPECT_EQ(error, "line 2 is not USER:HASH");
  PasswordFile no_user;
  EXPECT_FALSE(no_user.load(":" + *bcrypt_, error));
  EXPECT_EQ(error, "line 1 is not USER:HASH");
  EXPECT_EQ(error.find(*bcrypt_), std::string::npos);
}

TEST_F(PasswordFileTest, RefusesADuplicateUserWithoutQuotingTheHash) {
  PasswordFile file;
  std::string error;
  EXPECT_FALSE(
      file.load("alice:" + *bcrypt_ + "\nbob:" + *argon2id_ + "\nalice:" + *sha512_, error));
  EXPECT_EQ(error, "user alice appears twice");
}

TEST_F(PasswordFileTest, RefusesAFileWithoutUsers) {
  for (const char* text : {"", "\n", "# only a comment\n\n#another\r\n"}) {
    PasswordFile file;
    std::string error;
    EXPECT_FALSE(file.load(text, error)) << text;
    EXPECT_EQ(error, "no users are given");
  }
}

TEST_F(PasswordFileTest, ErrorsNeverHoldAHash) {
  // Every refusal after a valid line: no message may contain that line's hash.
  for (const std::string& tail :
       {std::string("\nbob"), std::string("\nbob:plain"), std::string("\nalice:") + *bcrypt_}) {
    PasswordFile file;
    std::string error;
    EXPECT_FALSE(file.load("alice:" + *bcrypt_ + tail, error));
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find("$2b$"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace apiserver::auth
