// The access log writer on a real pipe: every line arrives whole and in order, and a reader
// that stops reading makes lines drop (counted, reported) instead of blocking appends.
#include "ops/access_log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace apiserver::ops {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) close(read_end);
    if (write_end >= 0) close(write_end);
  }
  // Everything until every writer has closed its end.
  std::string read_all() {
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = read(read_end, buffer, sizeof buffer)) > 0) out.append(buffer, n);
    return out;
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(AccessLog, WritesEveryLineWholeAndInOrderFromManyThreads) {
  Pipe pipe;
  std::string text;
  std::thread reader([&] { text = pipe.read_all(); });
  {
    AccessLog log(pipe.write_end);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 5000; ++i)
          log.append("{\"thread\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}");
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(log.dropped(), 0u);
  }  // destruction writes what is left
  close(pipe.write_end);
  pipe.write_end = -1;
  reader.join();
  std::vector<std::string> lines = lines_of(text);
  ASSERT_EQ(lines.size(), 20000u);
  int next[4] = {0, 0, 0, 0};
  for (const std::string& line : lines) {
    int thread = -1, i = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "{\"thread\":%d,\"i\":%d}", &thread, &i), 2) << line;
    ASSERT_TRUE(thread >= 0 && thread < 4) << line;
    EXPECT_EQ(i, next[thread]++) << "lines of one thread out of order";
  }
}

TEST(AccessLog, ALineIsOnItsWayWithinTheFlushInterval) {
  Pipe pipe;
  AccessLog log(pipe.write_end);
  log.append("{\"one\":1}");
  char buffer[64];
  // Blocks until the writer thread flushes; the line arriving without a second append is the
  // point (ctest's time limit bounds a writer that never flushes).
  ssize_t n = read(pipe.read_end, buffer, sizeof buffer);
  ASSERT_EQ(std::string(buffer, n > 0 ? n : 0), "{\"one\":1}\n");
}

TEST(AccessLog, AStalledReaderDropsLinesAndNeverBlocksAppends) {
  Pipe pipe;
  // Fill the pipe so that the writer thread blocks on its first write.
  fcntl(pipe.write_end, F_SETFL, O_NONBLOCK);
  std::string filler(4096, 'f');
  size_t filled = 0;
  while (true) {
    ssize_t n = write(pipe.write_end, filler.data(), filler.size());
    if (n <= 0) break;
    filled += static_cast<size_t>(n);
  }
  fcntl(pipe.write_end, F_SETFL, 0);

  const size_t kLines = 200;
  const std::string line(19, 'x');  // 20 bytes with its newline
  auto log = std::make_unique<AccessLog>(pipe.write_end, 1000);
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < kLines; ++i) log->append(line);
  // At most one batch is in the blocked writer and one more is buffered: 2,000 of 4,000 bytes.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "append blocked";
  uint64_t dropped = log->dropped();
  EXPECT_GE(dropped, kLines - 100);

  std::string text;
  std::thread reader([&] { text = pipe.read_all(); });
  log.reset();
  close(pipe.write_end);
  pipe.write_end = -1;
  reader.join();
  ASSERT_GE(text.size(), filled);
  std::vector<std::string> lines = lines_of(text.substr(filled));
  size_t written = 0;
  uint64_t reported = 0;
  for (const std::string& l : lines) {
    unsigned long long n = 0;
    if (l == line) {
      ++written;
    } else if (std::sscanf(l.c_str(),
                           "{\"level\":\"warn\",\"msg\":\"access log: %llu line(s) "
                           "dropped, the reader of the log did not keep up\"}",
                           &n) == 1) {
      reported += n;
    } else {
      ADD_FAILURE() << "unexpected line: " << l;
    }
  }
  EXPECT_EQ(written + dropped, kLines);
  EXPECT_EQ(reported, dropped);
}

}  // namespace
}  // namespace apiserver::ops
