// A scratch Redis server for the tests of shared rate limits (x-apiserver.rate-limit-store).
//
// One server per object: `redis-server` (Debian's `redis-server` package) on an ephemeral port
// of 127.0.0.1, no persistence, its files in a fresh directory under /tmp, started by fork +
// exec and stopped by that PID in the destructor (SIGTERM); should the test process die first,
// the server gets SIGTERM from the kernel (parent-death signal). No other server is touched.
//
//   if (!ScratchRedis::available()) GTEST_SKIP() << ScratchRedis::kMissing;
//   ScratchRedis redis;                       // or ScratchRedis redis("secret") for AUTH
//   ... ServerProcess server({spec_declaring(redis.url())}); ...
//   EXPECT_EQ(redis.command({"DBSIZE"}), "0");
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace apiserver::test {

class ScratchRedis {
 public:
  static constexpr char kMissing[] =
      "Redis is not installed: install the `redis-server` package (/usr/bin/redis-server) to run "
      "this test";

  static bool available();

  // Starts the server, requiring `password` when it is not empty. Throws std::runtime_error,
  // with the tail of its log, if it does not answer.
  explicit ScratchRedis(const std::string& password = "");
  ~ScratchRedis();
  ScratchRedis(const ScratchRedis&) = delete;
  ScratchRedis& operator=(const ScratchRedis&) = delete;

  uint16_t port() const { return port_; }
  // redis://127.0.0.1:PORT (with the password when there is one)
  std::string url() const;

  // Stops the server (its data is lost: there is no persistence) / starts it again on the same
  // port. Throws std::runtime_error when it does not come back.
  void stop_for_test();
  void start_for_test();
  // Freezes the server (SIGSTOP): connections stay open and nothing answers. resume() thaws it.
  void freeze();
  void resume();

  // Runs one command; an integer or text reply as text, "" for nil, "ERR..." for an error.
  // Throws std::runtime_error when the server does not answer.
  std::string command(const std::vector<std::string>& words) const;

 private:
  bool start_on(uint16_t port);

  std::string password_;
  std::string base_;  // the scratch directory: the log
  uint16_t port_ = 0;
  pid_t server_ = -1;
  pid_t owner_ = -1;  // the test process; a forked child never stops the server
};

}  // namespace apiserver::test
