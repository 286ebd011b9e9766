#include "ratelimit/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <memory>

namespace apiserver::ratelimit {
namespace {

// GCRA on Redis's own clock (TIME), so that instances whose clocks differ still agree. KEYS[1]
// holds the theoretical arrival time (TAT) in microseconds and expires when the bucket is full
// again, which is the same as no key: Redis keeps only the clients that are being limited.
// ARGV: mode ("take" | "give"), interval, tolerance (both microseconds).
// Reply to "take": {allowed 0|1, remaining, reset, retry after}; to "give": 0.
// Numbers are written with %.0f: Lua's tostring would print 1.7e+15 and lose the digits.
constexpr const char* kScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[2])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then tat = math.max(tonumber(stored), now) end
if ARGV[1] == 'give' then
  if stored then
    local back = tat - interval
    if back > now then
      redis.call('SET', KEYS[1], string.format('%.0f', back), 'PX', math.ceil((back - now) / 1000))
    else
      redis.call('DEL', KEYS[1])
    end
  end
  return 0
end
local tolerance = tonumber(ARGV[3])
local nextt = tat + interval
if nextt - now > tolerance then
  return {0, 0, tat - now, nextt - now - tolerance}
end
redis.call('SET', KEYS[1], string.format('%.0f', nextt), 'PX', math.ceil((nextt - now) / 1000))
return {1, math.floor((tolerance - (nextt - now)) / interval), nextt - now, 0}
)lua";

constexpr int64_t kQuietNs = 1000000000;  // after a failure, Redis is left alone this long

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string sha1_hex(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  char byte[3];
  for (unsigned char d : digest) {
    std::snprintf(byte, sizeof byte, "%02x", d);
    hex += byte;
  }
  return hex;
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Sends one command (its words are not copied) and waits for its reply.
ReplyPtr command(redisContext* context, std::initializer_list<std::string_view> words) {
  constexpr size_t kMaxWords = 8;
  const char* argv[kMaxWords];
  size_t lengths[kMaxWords];
  int count = 0;
  for (std::string_view word : words) {
    if (count == static_cast<int>(kMaxWords)) break;
    argv[count] = word.data();
    lengths[count++] = word.size();
  }
  return ReplyPtr(static_cast<redisReply*>(redisCommandArgv(context, count, argv, lengths)));
}

// The script's answer to "take": {allowed 0|1, remaining, reset, retry after}, all integers.
bool read_decision(const redisReply& reply, GcraReply& decision) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 4) return false;
  for (size_t i = 0; i < 4; ++i)
    if (reply.element[i]->type != REDIS_REPLY_INTEGER) return false;
  decision.allowed = reply.element[0]->integer == 1;
  decision.remaining = reply.element[1]->integer;
  decision.reset_us = reply.element[2]->integer;
  decision.retry_after_us = reply.element[3]->integer;
  return true;
}

// The reply's error text, or "" when it is not an error.
std::string error_of(redisContext* context, const redisReply* reply) {
  if (reply == nullptr) return context->errstr[0] != '\0' ? context->errstr : "no reply";
  if (reply->type == REDIS_REPLY_ERROR) return std::string(reply->str, reply->len);
  return "";
}

timeval as_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000),
          static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

RedisClient::RedisClient(const model::SharedRateLimitStore& settings)
    : settings_(settings), script_sha_(sha1_hex(kScript)) {
  std::string error;
  if (redisContext* context = connect(error)) {
    put_back(context);
    spdlog::info("rate limits are kept in {}", settings_.shown);
    return;
  }
  failed(error);
}

RedisClient::~RedisClient() {
  for (redisContext* context : idle_) redisFree(context);
}

redisContext* RedisClient::connect(std::string& error) const {
  const timeval timeout = as_timeval(settings_.timeout);
  redisContext* context =
      settings_.socket.empty()
          ? redisConnectWithTimeout(settings_.host.c_str(), settings_.port, timeout)
          : redisConnectUnixWithTimeout(settings_.socket.c_str(), timeout);
  if (context == nullptr) {
    error = "out of memory";
    return nullptr;
  }
  auto fail = [&](std::string why) -> redisContext* {
    error = std::move(why);
    redisFree(context);
    return nullptr;
  };
  if (context->err != 0) return fail(context->errstr);
  if (redisSetTimeout(context, timeout) != REDIS_OK) return fail("cannot set the timeout");
  if (!settings_.password.empty()) {
    ReplyPtr reply = settings_.user.empty()
                         ? command(context, {"AUTH", settings_.password})
                         : command(context, {"AUTH", settings_.user, settings_.password});
    if (std::string why = error_of(context, reply.get()); !why.empty()) return fail("AUTH: " + why);
  }
  if (settings_.database != 0) {
    ReplyPtr reply = command(context, {"SELECT", std::to_string(settings_.database)});
    if (std::string why = error_of(context, reply.get()); !why.empty())
      return fail("SELECT: " + why);
  }
  ReplyPtr loaded = command(context, {"SCRIPT", "LOAD", kScript});
  if (std::string why = error_of(context, loaded.get()); !why.empty())
    return fail("SCRIPT LOAD: " + why);
  return context;
}

redisContext* RedisClient::borrow(std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      redisContext* context = idle_.back();
      idle_.pop_back();
      return context;
    }
  }
  return connect(error);
}

void RedisClient::put_back(redisContext* context) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(context);
}

void RedisClient::failed(const std::string& why) {
  unanswered_.fetch_add(1, std::memory_order_relaxed);
  quiet_until_ns_.store(now_ns() + kQuietNs, std::memory_order_relaxed);
  // The other pooled connections went to the same server: when one failed, drop them all.
  std::vector<redisContext*> stale;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stale.swap(idle_);
  }
  for (redisContext* context : stale) redisFree(context);
  if (!down_.exchange(true))
    spdlog::error("rate-limit store {} does not answer ({}); requests are {} until it does",
                  settings_.shown, why,
                  settings_.admit_when_unreachable ? "admitted uncounted" : "refused with 503");
}

bool RedisClient::run(std::string_view key, std::string_view mode, std::string_view interval_us,
                      std::string_view tolerance_us, GcraReply* decision) {
  if (down_.load(std::memory_order_relaxed) &&
      now_ns() < quiet_until_ns_.load(std::memory_order_relaxed)) {
    unanswered_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  std::string error;
  redisContext* context = borrow(error);
  if (context == nullptr) {
    failed(error);
    return false;
  }
  ReplyPtr reply =
      command(context, {"EVALSHA", script_sha_, "1", key, mode, interval_us, tolerance_us});
  std::string why = error_of(context, reply.get());
  if (why.rfind("NOSCRIPT", 0) == 0) {  // the script cache was flushed: send it whole
    reply = command(context, {"EVAL", kScript, "1", key, mode, interval_us, tolerance_us});
    why = error_of(context, reply.get());
  }
  if (why.empty() && context->err != 0) why = context->errstr;
  if (!why.empty()) {
    redisFree(context);
    failed(why);
    return false;
  }
  put_back(context);
  if (down_.exchange(false)) spdlog::info("rate-limit store {} answers again", settings_.shown);
  if (decision == nullptr) return true;
  if (!read_decision(*reply, *decision)) {
    unanswered_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

std::optional<GcraReply> RedisClient::take(std::string_view key, std::string_view interval_us,
                                           std::string_view tolerance_us) {
  GcraReply decision;
  if (!run(key, "take", interval_us, tolerance_us, &decision)) return std::nullopt;
  return decision;
}

void RedisClient::give_back(std::string_view key, std::string_view interval_us) {
  run(key, "give", interval_us, "0", nullptr);
}

}  // namespace apiserver::ratelimit
