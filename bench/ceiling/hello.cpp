// The "ceiling" contender of bench/run: the fastest answer Pistache can give.
//
// A Pistache (libpistache 0.0.5) HTTP server with one thread that answers
// every GET with the same small JSON body and every other method with 405.
// Whatever apiserver does on top of HTTP costs something; this measures what
// the HTTP layer alone costs on this machine.
//
// Usage: hello [PORT] [HOST]      PORT 0 (default) picks an ephemeral port.
// When ready it writes `listening on http://HOST:PORT` to stderr (the same
// line apiserver writes), and it stops cleanly on SIGTERM or SIGINT.
//
// Build: g++ -O2 -std=c++17 hello.cpp $(pkg-config --cflags --libs libpistache) -pthread
//
// Keep-alive in Pistache 0.0.5: before calling onRequest(), Http::Handler
// copies the request's Connection header into the response, and when the
// request has none it puts `Connection: Close` there, even for HTTP/1.1,
// whose default is keep-alive. It does not close the socket either, but a
// client that believes the header (wrk does) reconnects for every request,
// and throughput falls to about a third. Header::Collection::add() does not
// replace a header that is already there, so the handler removes it and adds
// `Connection: Keep-Alive` for HTTP/1.1 requests that did not ask to close.
// (Sending `Connection: keep-alive` from the client would also work, but the
// benchmark sends the same plain HTTP/1.1 requests to every contender.)

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace Pistache;

namespace {
const char kBody[] = "{\"id\":1,\"name\":\"widget\",\"price\":9.5}";

void keepAliveUnlessAskedToClose(const Http::Request& req, Http::ResponseWriter& resp) {
  if (req.version() != Http::Version::Http11) return;
  auto conn = req.headers().tryGet<Http::Header::Connection>();
  if (conn && conn->control() == Http::ConnectionControl::Close) return;
  resp.headers().remove<Http::Header::Connection>();
  resp.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
}

class Hello : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Hello)

  void onRequest(const Http::Request& req, Http::ResponseWriter resp) override {
    keepAliveUnlessAskedToClose(req, resp);
    if (req.method() != Http::Method::Get) {
      resp.send(Http::Code::Method_Not_Allowed, "{\"error\":\"method not allowed\"}",
                MIME(Application, Json));
      return;
    }
    resp.send(Http::Code::Ok, kBody, sizeof(kBody) - 1, MIME(Application, Json));
  }
};
}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 0;
  const std::string host = argc > 2 ? argv[2] : "127.0.0.1";

  // Block the stop signals in every thread (Pistache's included) and wait
  // for them in main, so that shutdown happens on this thread.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  Http::Endpoint endpoint(Address(host, Port(static_cast<uint16_t>(port))));
  endpoint.init(Http::Endpoint::options().threads(1).flags(Tcp::Options::ReuseAddr));
  endpoint.setHandler(Http::make_handler<Hello>());
  // Pistache 0.0.5: bind() followed by serve() binds twice; serveThreaded()
  // binds once, and getPort() then gives the ephemeral port.
  endpoint.serveThreaded();
  std::cerr << "listening on http://" << host << ":" << endpoint.getPort().toString()
            << " (Pistache fixed JSON, 1 thread)" << std::endl;

  int sig = 0;
  sigwait(&stop, &sig);
  endpoint.shutdown();
  return 0;
}
