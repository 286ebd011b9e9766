#include "support/scratch_redis.hpp"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

#include "support/child_process.hpp"

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;

constexpr char kBinary[] = "/usr/bin/redis-server";
constexpr auto kReadyTimeout = std::chrono::seconds(30);

struct ContextDeleter {
  void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

}  // namespace

bool ScratchRedis::available() {
  return ::access(kBinary, X_OK) == 0;
}

ScratchRedis::ScratchRedis(const std::string& password) : password_(password), owner_(::getpid()) {
  if (!available()) throw std::runtime_error(kMissing);
  std::string pattern = "/tmp/apiserver-redis-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  base_ = pattern;
  bool started = false;
  for (int attempt = 0; attempt < 5 && !started; ++attempt)
    started = start_on(free_loopback_port());
  if (!started) {
    const std::string log = tail_of(base_ + "/redis.log");
    std::error_code ignored;
    fs::remove_all(base_, ignored);
    throw std::runtime_error("the scratch Redis server did not start:\n" + log);
  }
}

ScratchRedis::~ScratchRedis() {
  if (::getpid() != owner_) return;
  stop_for_test();
  std::error_code ignored;
  fs::remove_all(base_, ignored);
}

bool ScratchRedis::start_on(uint16_t port) {
  std::vector<std::string> argv = {kBinary,
                                   "--port",
                                   std::to_string(port),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   base_,
                                   "--daemonize",
                                   "no",
                                   "--protected-mode",
                                   "no"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  server_ = start_child(argv, base_ + "/redis.log", base_, std::nullopt, SIGTERM);
  port_ = port;
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (wait_exit(server_, std::chrono::milliseconds(0))) {  // it gave up (port taken?)
      server_ = -1;
      return false;
    }
    try {
      // Ours, not a server that took the port first: it runs with our directory.
      if (command({"CONFIG", "GET", "dir"}) == base_) return true;
    } catch (const std::exception&) {
      // Not answering yet.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop_for_test();
  return false;
}

void ScratchRedis::stop_for_test() {
  if (server_ > 0) {
    ::kill(server_, SIGCONT);  // a frozen server cannot stop
    stop_child(server_, SIGTERM);
  }
  server_ = -1;
}

void ScratchRedis::start_for_test() {
  if (!start_on(port_))
    throw std::runtime_error("the scratch Redis did not start again:\n" +
                             tail_of(base_ + "/redis.log"));
}

void ScratchRedis::freeze() {
  ::kill(server_, SIGSTOP);
}
void ScratchRedis::resume() {
  ::kill(server_, SIGCONT);
}

std::string ScratchRedis::url() const {
  return "redis://" + (password_.empty() ? "" : ":" + password_ + "@") +
         "127.0.0.1:" + std::to_string(port_);
}

std::string ScratchRedis::command(const std::vector<std::string>& words) const {
  const timeval timeout{2, 0};
  std::unique_ptr<redisContext, ContextDeleter> context(
      redisConnectWithTimeout("127.0.0.1", port_, timeout));
  if (!context || context->err != 0)
    throw std::runtime_error("cannot connect to Redis: " +
                             std::string(context ? context->errstr : "out of memory"));
  redisSetTimeout(context.get(), timeout);
  auto run = [&](const std::vector<std::string>& argv) {
    std::vector<const char*> parts;
    std::vector<size_t> lengths;
    for (const std::string& word : argv) {
      parts.push_back(word.data());
      lengths.push_back(word.size());
    }
    std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(redisCommandArgv(
        context.get(), static_cast<int>(parts.size()), parts.data(), lengths.data())));
    if (!reply) throw std::runtime_error("Redis did not answer: " + std::string(context->errstr));
    return reply;
  };
  if (!password_.empty()) run({"AUTH", password_});
  auto reply = run(words);
  switch (reply->type) {
    case REDIS_REPLY_INTEGER:
      return std::to_string(reply->integer);
    case REDIS_REPLY_NIL:
      return "";
    case REDIS_REPLY_ARRAY:  // CONFIG GET: name, value
      return reply->elements == 2 && reply->element[1]->type == REDIS_REPLY_STRING
                 ? std::string(reply->element[1]->str, reply->element[1]->len)
                 : std::to_string(reply->elements);
    default:
      return std::string(reply->str, reply->len);
  }
}

}  // namespace apiserver::test
