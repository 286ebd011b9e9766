// Unit tests of secret references: ${ENV} and file:PATH, resolved once at start-up.
#include "auth/secret_reference.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

#include "support/server_process.hpp"

namespace apiserver::auth {
namespace {

using test::TempDir;
using test::write_file;

constexpr char kSecret[] = "s3cr3t-VALUE-never-shown-0123456789";

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (value == nullptr)
      unsetenv(name);
    else
      setenv(name, value, 1);
  }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

std::optional<std::string> resolve(const std::string& reference, std::string& error,
                                   const std::string& base = "/nonexistent-base") {
  error.clear();
  return resolve_secret(reference, base, error);
}

TEST(SecretReference, RecognisesBothForms) {
  EXPECT_TRUE(is_secret_reference("${API_KEYS}"));
  EXPECT_TRUE(is_secret_reference("${A}"));
  EXPECT_TRUE(is_secret_reference("file:/etc/keys"));
  EXPECT_TRUE(is_secret_reference("file:relative/keys"));
  EXPECT_FALSE(is_secret_reference("${}"));
  EXPECT_FALSE(is_secret_reference("$API_KEYS"));
  EXPECT_FALSE(is_secret_reference("{API_KEYS}"));
  EXPECT_FALSE(is_secret_reference("${API_KEYS"));
  EXPECT_FALSE(is_secret_reference("/etc/keys"));
  EXPECT_FALSE(is_secret_reference("File:/etc/keys"));
  EXPECT_FALSE(is_secret_reference(kSecret));
  EXPECT_FALSE(is_secret_reference(""));
}

TEST(SecretReference, ResolvesASetEnvironmentVariable) {
  ScopedEnv env("APISERVER_TEST_SECRET_SET", kSecret);
  std::string error;
  EXPECT_EQ(resolve("${APISERVER_TEST_SECRET_SET}", error), kSecret);
  EXPECT_EQ(error, "");
}

TEST(SecretReference, KeepsAnEnvironmentValueAsIs) {
  // Only files are trimmed: a variable's value is taken whole.
  ScopedEnv env("APISERVER_TEST_SECRET_SPACES", " a b\n");
  std::string error;
  EXPECT_EQ(resolve("${APISERVER_TEST_SECRET_SPACES}", error), " a b\n");
}

TEST(SecretReference, RefusesAnUnsetEnvironmentVariable) {
  ScopedEnv env("APISERVER_TEST_SECRET_UNSET", nullptr);
  std::string error;
  EXPECT_EQ(resolve("${APISERVER_TEST_SECRET_UNSET}", error), std::nullopt);
  EXPECT_EQ(error, "the environment variable APISERVER_TEST_SECRET_UNSET is not set");
}

TEST(SecretReference, RefusesAnEmptyEnvironmentVariable) {
  ScopedEnv env("APISERVER_TEST_SECRET_EMPTY", "");
  std::string error;
  EXPECT_EQ(resolve("${APISERVER_TEST_SECRET_EMPTY}", error), std::nullopt);
  EXPECT_EQ(error, "the environment variable APISERVER_TEST_SECRET_EMPTY is not set");
}

TEST(SecretReference, ReadsAnAbsoluteFile) {
  TempDir dir;
  const std::string path = write_file(dir, "secret", kSecret);
  std::string error;
  EXPECT_EQ(resolve("file:" + path, error), kSecret);
  EXPECT_EQ(error, "");
}

TEST(SecretReference, ReadsAFileRelativeToTheBaseDirectory) {
  TempDir dir;
  write_file(dir, "conf/keys", kSecret);
  std::string error;
  EXPECT_EQ(resolve("file:conf/keys", error, dir.path()), kSecret);
  EXPECT_EQ(resolve("file:./conf/keys", error, dir.path()), kSecret);
  // The same relative name against another base is another file.
  EXPECT_EQ(resolve("file:conf/keys", error, dir.path() + "/conf"), std::nullopt);
  EXPECT_EQ(error, "cannot read " + dir.path() + "/conf/conf/keys");
}

TEST(SecretReference, AnAbsolutePathIgnoresTheBaseDirectory) {
  TempDir dir;
  const std::string path = write_file(dir, "secret", kSecret);
  std::string error;
  EXPECT_EQ(resolve("file:" + path, error, "/somewhere/else"), kSecret);
}

TEST(SecretReference, StripsTrailingNewlinesOnly) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(resolve("file:" + write_file(dir, "lf", "abc\n"), error), "abc");
  EXPECT_EQ(resolve("file:" + write_file(dir, "crlf", "abc\r\n"), error), "abc");
  EXPECT_EQ(resolve("file:" + write_file(dir, "many", "abc\n\n\r\n"), error), "abc");
  // Inner newlines and surrounding spaces belong to the secret (a user file has many lines).
  EXPECT_EQ(resolve("file:" + write_file(dir, "lines", "a=1\nb=2\n"), error), "a=1\nb=2");
  EXPECT_EQ(resolve("file:" + write_file(dir, "spaces", " abc \n"), error), " abc ");
}

TEST(SecretReference, RefusesAnEmptyFile) {
  TempDir dir;
  std::string error;
  const std::string empty = write_file(dir, "empty", "");
  EXPECT_EQ(resolve("file:" + empty, error), std::nullopt);
  EXPECT_EQ(error, empty + " is empty");
  const std::string newline = write_file(dir, "newline", "\n\r\n");
  EXPECT_EQ(resolve("file:" + newline, error), std::nullopt);
  EXPECT_EQ(error, newline + " is empty");
}

TEST(SecretReference, RefusesAMissingFile) {
  TempDir dir;
  std::string error;
  EXPECT_EQ(resolve("file:" + dir.file("absent"), error), std::nullopt);
  EXPECT_EQ(error, "cannot read " + dir.file("absent"));
  EXPECT_EQ(resolve("file:absent", error, dir.path()), std::nullopt);
  EXPECT_EQ(error, "cannot read " + dir.file("absent"));
}

TEST(SecretReference, RefusesAFileReferenceWithoutAPath) {
  std::string error;
  EXPECT_EQ(resolve("file:", error), std::nullopt);
  EXPECT_EQ(error, "'file:' names no file");
}

TEST(SecretReference, RefusesAFileOverOneMebibyte) {
  TempDir dir;
  const std::string big((size_t{1} << 20) + 1, 'k');
  const std::string path = write_file(dir, "big", big);
  std::string error;
  EXPECT_EQ(resolve("file:" + path, error), std::nullopt);
  EXPECT_EQ(error, path + " is larger than 1 MiB");
  // Exactly 1 MiB is accepted.
  EXPECT_EQ(resolve("file:" + write_file(dir, "max", big.substr(1)), error), big.substr(1));
}

TEST(SecretReference, RefusesAnInlineValueWithoutEchoingIt) {
  for (const std::string& inline_value :
       {std::string(kSecret), std::string("${}"), std::string("${UNCLOSED"), std::string("")}) {
    std::string error;
    EXPECT_EQ(resolve(inline_value, error), std::nullopt) << inline_value;
    EXPECT_EQ(error, "secrets are given as ${ENV_VAR} or file:PATH, never written in the document");
  }
}

TEST(SecretReference, ErrorsNeverHoldTheSecret) {
  TempDir dir;
  std::string error;
  // A file that is too large holds the secret many times; the error still names only the path.
  const std::string path = write_file(dir, "big", std::string(size_t{1} << 20, 'x') + kSecret);
  EXPECT_EQ(resolve("file:" + path, error), std::nullopt);
  EXPECT_EQ(error.find(kSecret), std::string::npos) << error;
  EXPECT_LT(error.size(), 200u);
  EXPECT_EQ(resolve(kSecret, error), std::nullopt);
  EXPECT_EQ(error.find(kSecret), std::string::npos) << error;
}

}  // namespace
}  // namespace apiserver::auth
