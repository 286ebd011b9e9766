"""An upstream that answers with bytes written by hand, for what a framework never sends: interim
answers, a chunked body with a trailer, a body framed by the close, a head split over many
writes, a broken answer, and a kept-alive connection closed as the next request arrives.

    python3 raw_upstream.py [--host 127.0.0.1] [--port 0] [--tls CERT KEY]
    # prints "listening on http://HOST:PORT" once it listens (port 0: an ephemeral one)

With --tls it also answers the same over TLS on an ephemeral port, printed first as
"tls on https://HOST:PORT".

GET /stats tells how many connections it has accepted.
"""
import argparse
import json
import socket
import socketserver
import ssl
import threading
import time

JSON = b"Content-Type: application/json\r\n"
ANSWERS = {
    "/interim": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                b"HTTP/1.1 200 OK\r\n" + JSON + b"Content-Length: 11\r\n\r\n{\"ok\":true}",
    "/trailer": b"HTTP/1.1 200 OK\r\n" + JSON + b"Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
                b"4\r\n{\"ok\r\n7\r\n\":true}\r\n0\r\nX-Sum: 7\r\n\r\n",
    "/broken": b"SSH-2.0-OpenSSH_9.2\r\n",
    "/cut": b"HTTP/1.1 200 OK\r\n" + JSON + b"Content-Length: 100\r\n\r\n{\"ok\":",
}
CLOSE_FRAMED = b"HTTP/1.0 200 OK\r\n" + JSON + b"\r\n{\"ok\":true}"
SPLIT = b"HTTP/1.1 200 OK\r\n" + JSON + b"X-Long: " + b"x" * 3000 + b"\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"
KEPT = b"HTTP/1.1 200 OK\r\n" + JSON + b"Content-Length: 11\r\n\r\n{\"ok\":true}"

accepted = 0
lock = threading.Lock()


def read_request(stream):
    """The request's path, its body read and dropped; None when the connection ends."""
    line = stream.readline()
    if not line:
        return None
    length = 0
    while True:
        field = stream.readline()
        if field in (b"\r\n", b"\n", b""):
            break
        name, _, value = field.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        stream.read(length)
    return line.split(b" ")[1].decode()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        global accepted
        with lock:
            accepted += 1
        served = 0
        while True:
            path = read_request(self.rfile)
            if path is None:
                return
            path = path.split("?")[0]
            if path == "/stats":
                body = json.dumps({"accepted": accepted}).encode()
                self.wfile.write(b"HTTP/1.1 200 OK\r\n" + JSON + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            elif path == "/close-framed":
                self.wfile.write(CLOSE_FRAMED)
                return
            elif path == "/split":
                for at in range(0, len(SPLIT), 500):
                    self.wfile.write(SPLIT[at:at + 500])
                    self.wfile.flush()
                    time.sleep(0.002)
            elif path.startswith("/once"):
                # One answer per connection, though it says nothing of a close: the next request
                # on it finds the connection closed, as when an idle timeout ends it just then.
                if served:
                    return
                self.wfile.write(KEPT)
            elif path in ANSWERS:
                self.wfile.write(ANSWERS[path])
                if path in ("/broken", "/cut"):
                    return
            else:
                self.wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            self.wfile.flush()
            served += 1


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*args.tls)
        secure = Server((args.host, 0), Handler)
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        threading.Thread(target=secure.serve_forever, daemon=True).start()
        print(f"tls on https://{args.host}:{secure.server_address[1]}", flush=True)
    server = Server((args.host, args.port), Handler)
    print(f"listening on http://{args.host}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
