"""A FastAPI upstream for the gateway tests: it tells what reached it, answers slowly when
asked, and answers what the document does not declare when asked.

    python3 echo_upstream.py [--host 127.0.0.1] [--port 0]
    # prints "listening on http://HOST:PORT" once it listens (port 0: an ephemeral one)
"""
import argparse
import asyncio
import gzip
import socket

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(1024)  # before the line below: a client that reads it may connect at once
    print(f"listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
