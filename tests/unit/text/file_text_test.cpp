// Unit tests of reading a whole file with a bound on its size.
#include "text/file_text.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace apiserver::text {
namespace {

namespace fs = std::filesystem;

class FileTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("file_text_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& contents) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  fs::path dir_;
};

TEST_F(FileTextTest, ReadsTheWholeFileByteForByte) {
  std::string contents("line one\r\nline two\n", 19);
  contents.push_back('\0');
  contents += "after a NUL";
  std::string text;
  EXPECT_EQ(read_file_text(write("a.txt", contents), 1 << 20, text), std::nullopt);
  EXPECT_EQ(text, contents);
}

TEST_F(FileTextTest, ReadsAnEmptyFile) {
  std::string text = "left over";
  EXPECT_EQ(read_file_text(write("empty", ""), 16, text), std::nullopt);
  EXPECT_EQ(text, "");
}

TEST_F(FileTextTest, ReadsAFileOfExactlyTheBound) {
  std::string text;
  EXPECT_EQ(read_file_text(write("sixteen", std::string(16, 'x')), 16, text), std::nullopt);
  EXPECT_EQ(text.size(), 16u);
}

TEST_F(FileTextTest, RefusesAFileOverTheBoundBeforeReadingIt) {
  std::string text;
  EXPECT_EQ(read_file_text(write("seventeen", std::string(17, 'x')), 16, text),
            FileFailure::kTooLarge);
  EXPECT_TRUE(text.empty());  // nothing was read
}

TEST_F(FileTextTest, ReadsAFileThatSaysItIsEmptyToItsEnd) {
  // Files of /proc have the size 0 and hold text.
  if (std::filesystem::file_size("/proc/self/status") != 0) GTEST_SKIP() << "/proc states a size";
  std::string text;
  EXPECT_EQ(read_file_text("/proc/self/status", 1 << 20, text), std::nullopt);
  EXPECT_NE(text.find("Name:"), std::string::npos) << text;
  // And the bound holds for what is read, not only for the size said.
  EXPECT_EQ(read_file_text("/proc/self/status", 16, text), FileFailure::kTooLarge);
}

TEST_F(FileTextTest, SaysAMissingFileIsMissing) {
  std::string text;
  EXPECT_EQ(read_file_text(dir_ / "nothing-here", 16, text), FileFailure::kMissing);
}

TEST_F(FileTextTest, RefusesAFolderAndADevice) {
  std::string text;
  EXPECT_EQ(read_file_text(dir_, 1 << 20, text), FileFailure::kNotAFile);
  // /dev/zero would never end if it were read.
  EXPECT_EQ(read_file_text("/dev/zero", 1 << 20, text), FileFailure::kNotAFile);
}

}  // namespace
}  // namespace apiserver::text
