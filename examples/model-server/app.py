"""A stand-in model server for examples/model-gateway.yaml: a FastAPI app with the three kinds
of model endpoint, which apiserver puts a documented, authenticated, rate-limited and
validated API in front of, and a health check:

- POST /v1/predict: JSON in, JSON out (a word-counting sentiment "model");
- POST /v1/generate: JSON in ({prompt, max_tokens}), a stream of server-sent events out: one
  `data: {"token": ..., "index": ...}` event a token, 20 ms apart (the toy model repeats the
  prompt's words, last first), then `event: done` with `data: {"tokens": n}`;
- POST /v1/transcribe: a multipart/form-data file upload (`audio`, and an optional
  `language`) in, JSON out (its size, type and language, and a toy transcript);
- GET /v1/health.

It prints one line per request it receives (method, path, and the caller the gateway names in
X-Caller), so what reached it can be seen.

    python3 examples/model-server/app.py --port 9000

Debian 12: apt-get install python3-fastapi python3-uvicorn python3-multipart
"""
import argparse
import asyncio
import hashlib
import json
import socket
from typing import Optional

import uvicorn
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

app = FastAPI(title="toy models")

POSITIVE = {"good", "great", "love", "excellent", "happy", "fine", "nice", "best"}
NEGATIVE = {"bad", "awful", "hate", "terrible", "sad", "poor", "worst", "broken"}
TOKEN_PAUSE_SECONDS = 0.02
# The toy transcriber's vocabulary: one word a 4 KiB of audio, picked by its bytes.
VOCABULARY = ["hello", "model", "gateway", "audio", "stream", "token", "world", "again"]


@app.middleware("http")
async def log_request(request: Request, call_next):
    caller = request.headers.get("x-caller", "-")
    print(f"{request.method} {request.url.path} caller={caller}", flush=True)
    return await call_next(request)


class Prediction(BaseModel):
    text: str


class Generation(BaseModel):
    prompt: str
    max_tokens: int = 16


@app.post("/v1/predict")
def predict(request: Prediction):
    words = [w.strip(".,!?").lower() for w in request.text.split()]
    score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
    label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
    confidence = min(0.5 + 0.15 * abs(score), 0.99)
    return {"label": label, "confidence": round(confidence, 2), "model": "words-v1"}


def tokens(prompt: str, count: int):
    """The toy model: it "continues" a prompt with the prompt's own words, last first."""
    words = [w.strip(".,!?").lower() for w in prompt.split()] or ["..."]
    return [words[-1 - i % len(words)] for i in range(count)]


async def events(prompt: str, max_tokens: int):
    generated = tokens(prompt, max_tokens)
    for index, token in enumerate(generated):
        if index:
            await asyncio.sleep(TOKEN_PAUSE_SECONDS)
        yield f"data: {json.dumps({'token': token, 'index': index})}\n\n"
    await asyncio.sleep(TOKEN_PAUSE_SECONDS)
    yield f"event: done\ndata: {json.dumps({'tokens': len(generated)})}\n\n"


@app.post("/v1/generate")
async def generate(request: Generation):
    return StreamingResponse(
        events(request.prompt, request.max_tokens),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


@app.post("/v1/transcribe")
async def transcribe(audio: UploadFile = File(...), language: Optional[str] = Form(None)):
    data = await audio.read()
    words = [VOCABULARY[hashlib.sha256(data[i:i + 4096]).digest()[0] % len(VOCABULARY)]
             for i in range(0, len(data), 4096)]
    return {
        "bytes": len(data),
        "content_type": audio.content_type,
        "language": language or "en",
        "text": " ".join(words),
        "model": "bytes-v1",
    }


@app.get("/v1/health")
def health():
    return {"status": "ok"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    # Bound here so that port 0 (an ephemeral port) can be told before serving.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(1024)  # before the line below: a client that reads it may connect at once
    print(f"listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


if __name__ == "__main__":
    main()
