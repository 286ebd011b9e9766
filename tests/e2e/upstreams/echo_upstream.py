"""A FastAPI upstream for the gateway tests: it tells what reached it, answers slowly when
asked, answers what the document does not declare when asked, and streams answers (events,
chunks of a checkable pattern, an endless stream) while counting how its streams ended.

    python3 echo_upstream.py [--host 127.0.0.1] [--port 0] [--keep-alive SECONDS]
    # prints "listening on http://HOST:PORT" once it listens (port 0: an ephemeral one);
    # closes a kept-alive connection idle for SECONDS (default 5)
"""
import argparse
import asyncio
import gzip
import socket

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

app = FastAPI()


@app.api_route("/echo/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
async def echo(rest: str, request: Request):
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": {k: v for k, v in request.headers.items()},
            "body": body.decode("utf-8", "replace"),
            "peer_port": request.client.port if request.client else None,
        },
        headers={"X-Upstream": "echo", "Connection": "X-Secret-Hop", "X-Secret-Hop": "1"},
    )


@app.get("/slow")
async def slow(ms: int = 1000):
    await asyncio.sleep(ms / 1000)
    return {"slept": ms}


@app.get("/status/{code}")
async def status(code: int):
    if code == 204:
        return Response(status_code=204)
    return JSONResponse({"status": code}, status_code=code)


@app.get("/gzip")
async def compressed():
    return Response(gzip.compress(b'{"status": 999}'), media_type="application/json",
                    headers={"Content-Encoding": "gzip"})


@app.get("/text")
async def text():
    return PlainTextResponse("plain words")


# The streams' pattern: byte k of a /stream/chunked body is byte k % len(_PATTERN) of the
# records "0000000\n", "0000001\n", ... (7 hex digits and a newline each) up to _RECORDS - 1.
# A piece is at most one period (8 * 131071 bytes) long: a piece lost, doubled or out of order
# shifts what follows, which shows (unless the pieces are exactly one period long).
_RECORDS = 131071
_PATTERN = "".join(f"{r:07x}\n" for r in range(_RECORDS)).encode()
_TWICE = _PATTERN + _PATTERN

# How the streams went: started, ran to their end, ended because their client went away, and
# the bytes handed to the server so far (it takes no more while its client does not read).
_streams = {"started": 0, "completed": 0, "disconnected": 0, "bytes": 0}


async def _counted(pieces, request: Request):
    """Yields `pieces` (an async iterator of bytes), counting the stream in _streams."""
    _streams["started"] += 1
    ended = False
    try:
        async for piece in pieces:
            if await request.is_disconnected():
                break
            _streams["bytes"] += len(piece)
            yield piece
        else:
            ended = True
    finally:  # also on asyncio.CancelledError or GeneratorExit: the client went away
        if ended:
            _streams["completed"] += 1
        else:
            _streams["disconnected"] += 1


@app.get("/stream/sse")
async def stream_sse(request: Request, n: int = 5, ms: int = 300, delay: int = 0,
                     length: bool = False):
    """n events "data: i" with ms after each; the head comes after delay ms, with a
    Content-Length when length is true."""

    async def events():
        for i in range(n):
            yield f"data: {i}\n\n".encode()
            await asyncio.sleep(ms / 1000)

    headers = {"Cache-Control": "no-cache", "X-Stream": "sse"}
    if length:
        headers["Content-Length"] = str(sum(len(f"data: {i}\n\n") for i in range(n)))
    await asyncio.sleep(delay / 1000)
    return StreamingResponse(_counted(events(), request), media_type="text/event-stream",
                             headers=headers)


@app.get("/stream/chunked")
async def stream_chunked(request: Request, n: int = 4, size: int = 1024, ms: int = 0):
    """n pieces of size bytes of the pattern, ms between them, without a Content-Length."""
    if not 0 < size <= len(_PATTERN):
        return JSONResponse({"error": f"size must be 1 to {len(_PATTERN)}"}, status_code=400)

    async def pieces():
        for i in range(n):
            start = i * size % len(_PATTERN)
            yield _TWICE[start:start + size]
            await asyncio.sleep(ms / 1000)

    return StreamingResponse(_counted(pieces(), request), media_type="text/plain",
                             headers={"X-Stream": "chunked"})


@app.get("/stream/forever")
async def stream_forever(request: Request):
    """An event every 100 ms until the client goes away."""

    async def events():
        i = 0
        while True:
            yield f"data: tick {i}\n\n".encode()
            i += 1
            await asyncio.sleep(0.1)

    return StreamingResponse(_counted(events(), request), media_type="text/event-stream")


@app.get("/stream/stats")
async def stream_stats():
    return _streams


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--keep-alive", type=float, default=5)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(1024)  # before the line below: a client that reads it may connect at once
    print(f"listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    # proxy_headers off: the gateway's X-Forwarded-For must not stand in for the peer's address.
    config = uvicorn.Config(app, log_level="warning", access_log=False, proxy_headers=False,
                            timeout_keep_alive=args.keep_alive)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
