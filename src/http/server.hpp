// The HTTP/1.1 server: Pistache's listener and event loops for sockets, this
// project's parser for requests, and a reaper thread that enforces timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/error_writer.hpp"
#include "http/request.hpp"
#include "http/request_parser.hpp"
#include "http/response.hpp"

namespace apiserver::http {

// What the server calls for each complete request. Runs on the server's event
// loop threads, concurrently; must not throw (the server turns an escaping
// exception into a 500 without details, but that is a defect).
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual void handle(const Request& request, Response& response) = 0;
  // Answers a problem the server met outside handle(): a request it could not read (`request`
  // holds what was parsed; its path is empty when the request line was not read), or an
  // exception that escaped handle(). By default without an operation; a handler that knows
  // the operation passes its declared error responses to the writer.
  virtual void answer_error(const Problem& problem, const Request& request, Response& response) {
    write_error(problem, request.path, nullptr, response);
  }
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  unsigned threads = 0;  // 0: one per core
  ParserLimits limits;
  // A request head must arrive whole within header_timeout of its first byte,
  // and its body within body_timeout of the end of the head (slow clients get
  // 408); a keep-alive connection with no request open closes after idle_timeout.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
};

class Server {
 public:
  Server(ServerOptions options, RequestHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on background threads. Throws std::runtime_error
  // if the address cannot be bound.
  void start();
  // The bound port (the chosen one when options.port was 0).
  uint16_t port() const;
  // Graceful shutdown, before stop(): closes the listening socket (new connections are
  // refused), closes idle connections, and waits until every request received has been
  // answered, delayed mock answers included; answers sent meanwhile close their connection.
  // Gives up after `timeout`, or as soon as `give_up` (polled) returns true. True when
  // nothing was left in flight.
  bool drain(std::chrono::milliseconds timeout, const std::function<bool()>& give_up = {});
  // Stops accepting and closes every connection, dropping answers not yet sent. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiserver::http
