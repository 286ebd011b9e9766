"""A stand-in model server for examples/model-gateway.yaml: a FastAPI app with a JSON
prediction endpoint, the kind of backend apiserver puts a documented, authenticated,
rate-limited and validated API in front of.

    python3 examples/model-server/app.py --port 9000

Debian 12: apt-get install python3-fastapi python3-uvicorn
"""
import argparse
import socket

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="sentiment model")

POSITIVE = {"good", "great", "love", "excellent", "happy", "fine", "nice", "best"}
NEGATIVE = {"bad", "awful", "hate", "terrible", "sad", "poor", "worst", "broken"}


class Prediction(BaseModel):
    text: str


@app.post("/v1/predict")
def predict(request: Prediction):
    words = [w.strip(".,!?").lower() for w in request.text.split()]
    score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
    label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
    confidence = min(0.5 + 0.15 * abs(score), 0.99)
    return {"label": label, "confidence": round(confidence, 2), "model": "words-v1"}


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
