#!/usr/bin/python3
"""The items API of bench/spec/items.yaml written by hand in FastAPI.

Peer for bench/run: FastAPI + pydantic 1 over SQLite (WAL mode), served by
uvicorn with one worker. It uses the same table layout that apiserver
derives from the spec, so a database seeded for one serves the other:

    items(id INTEGER PRIMARY KEY, name TEXT, price REAL,
          tags TEXT  -- JSON array
          in_stock INTEGER  -- 0/1)

Usage:
    fastapi_app.py --db FILE [--host 127.0.0.1] [--port 0]

--port 0 picks an ephemeral port. When it is ready to accept connections it
writes `listening on http://HOST:PORT` to stderr (the line bench/run waits
for, the same one apiserver writes).

Environment:
    BENCH_FASTAPI_HANDLERS  threadpool (default): plain `def` path
                            operations, the usual way to call a blocking
                            driver like sqlite3; Starlette runs them in its
                            thread pool, one SQLite connection per thread.
                            This setup reproduces the issue's reference
                            numbers (~3,300 GET by id, ~2,500 POST).
                            async: the same path operations as `async def`,
                            running SQLite inline on the event loop; about
                            twice as fast for one worker and sub-millisecond
                            queries (bench/run's `fastapi-async`).
    BENCH_SQLITE_SYNCHRONOUS  PRAGMA synchronous (default NORMAL, the usual
                            setting with WAL).
    BENCH_DB                default for --db.
"""

import argparse
import json
import os
import socket
import sqlite3
import sys
import threading
from typing import Any, Dict, List, Optional

import uvicorn
from fastapi import Body, FastAPI, HTTPException, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool, StrictStr, ValidationError

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    price    REAL NOT NULL,
    tags     TEXT,
    in_stock INTEGER
)
"""


class ItemIn(BaseModel):
    """Item as a client sends it (id is readOnly and ignored)."""

    name: StrictStr = Field(..., min_length=1, max_length=100)
    price: float = Field(..., ge=0)
    tags: Optional[List[StrictStr]] = None
    in_stock: Optional[StrictBool] = None


class Item(BaseModel):
    """Item as the API returns it."""

    id: int
    name: StrictStr = Field(..., min_length=1, max_length=100)
    price: float = Field(..., ge=0)
    tags: Optional[List[StrictStr]] = None
    in_stock: Optional[StrictBool] = None


# ---------------------------------------------------------------- storage

class Store:
    """One SQLite connection per thread (the event loop is one thread)."""

    def __init__(self, path: str, synchronous: str):
        self.path = path
        self.synchronous = synchronous
        self.local = threading.local()
        self.db().execute(SCHEMA)

    def db(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            # isolation_level=None: autocommit, one transaction per statement.
            conn = sqlite3.connect(self.path, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA busy_timeout=5000")
            self.local.conn = conn
        return conn

    @staticmethod
    def row_to_item(row) -> Dict[str, Any]:
        item = {"id": row[0], "name": row[1], "price": row[2]}
        if row[3] is not None:
            item["tags"] = json.loads(row[3])
        if row[4] is not None:
            item["in_stock"] = bool(row[4])
        return item

    @staticmethod
    def columns(item: ItemIn):
        tags = None if item.tags is None else json.dumps(item.tags)
        in_stock = None if item.in_stock is None else int(item.in_stock)
        return item.name, item.price, tags, in_stock

    def list(self, limit: int, offset: int) -> List[Dict[str, Any]]:
        rows = self.db().execute(
            "SELECT id, name, price, tags, in_stock FROM items"
            " ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [self.row_to_item(r) for r in rows]

    def get(self, item_id: int) -> Optional[Dict[str, Any]]:
        row = self.db().execute(
            "SELECT id, name, price, tags, in_stock FROM items WHERE id = ?",
            (item_id,)).fetchone()
        return None if row is None else self.row_to_item(row)

    def create(self, item: ItemIn) -> Dict[str, Any]:
        cur = self.db().execute(
            "INSERT INTO items (name, price, tags, in_stock) VALUES (?, ?, ?, ?)",
            self.columns(item))
        return {"id": cur.lastrowid, **item.dict(exclude_none=True)}

    def replace(self, item_id: int, item: ItemIn) -> Optional[Dict[str, Any]]:
        cur = self.db().execute(
            "UPDATE items SET name = ?, price = ?, tags = ?, in_stock = ?"
            " WHERE id = ?", (*self.columns(item), item_id))
        if cur.rowcount == 0:
            return None
        return {"id": item_id, **item.dict(exclude_none=True)}

    def delete(self, item_id: int) -> bool:
        return self.db().execute(
            "DELETE FROM items WHERE id = ?", (item_id,)).rowcount > 0


# ---------------------------------------------------------------- the API

def build_app(store: Store, handlers: str) -> FastAPI:
    app = FastAPI(title="items (FastAPI peer)", docs_url=None, redoc_url=None,
                  openapi_url=None)

    def not_found(item_id: int):
        raise HTTPException(status_code=404, detail=f"item {item_id} not found")

    def list_items(limit: int = Query(20, ge=1, le=100),
                   offset: int = Query(0, ge=0)):
        return store.list(limit, offset)

    def create_item(item: ItemIn):
        return store.create(item)

    def get_item(item_id: int):
        item = store.get(item_id)
        if item is None:
            not_found(item_id)
        return item

    def replace_item(item_id: int, item: ItemIn):
        updated = store.replace(item_id, item)
        if updated is None:
            not_found(item_id)
        return updated

    def patch_item(item_id: int,
                   patch: Dict[str, Any] = Body(
                       ..., media_type="application/merge-patch+json")):
        current = store.get(item_id)
        if current is None:
            not_found(item_id)
        # RFC 7396 on a flat object: null removes a member.
        merged = {k: v for k, v in current.items() if k != "id"}
        for key, value in patch.items():
            if key == "id":
                continue
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        try:
            item = ItemIn(**merged)
        except ValidationError as err:
            return JSONResponse(status_code=422, content={"detail": err.errors()})
        return store.replace(item_id, item)

    def delete_item(item_id: int):
        if not store.delete(item_id):
            not_found(item_id)
        return Response(status_code=204)

    routes = [
        ("/items", ["GET"], list_items, List[Item], 200),
        ("/items", ["POST"], create_item, Item, 201),
        ("/items/{item_id}", ["GET"], get_item, Item, 200),
        ("/items/{item_id}", ["PUT"], replace_item, Item, 200),
        ("/items/{item_id}", ["PATCH"], patch_item, Item, 200),
        ("/items/{item_id}", ["DELETE"], delete_item, None, 204),
    ]
    for path, methods, func, model, status in routes:
        endpoint = func if handlers == "threadpool" else as_async(func)
        app.add_api_route(path, endpoint, methods=methods, response_model=model,
                          status_code=status, response_model_exclude_none=True)
    return app


def as_async(func):
    """The same path operation as `async def` (FastAPI then calls it on the
    event loop instead of in its thread pool); the signature is kept so
    FastAPI sees the same parameters."""
    import functools

    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--db", default=os.environ.get("BENCH_DB"))
    args = ap.parse_args()
    if not args.db:
        ap.error("--db FILE (or BENCH_DB) is required")

    handlers = os.environ.get("BENCH_FASTAPI_HANDLERS", "threadpool")
    if handlers not in ("async", "threadpool"):
        ap.error("BENCH_FASTAPI_HANDLERS must be async or threadpool")
    store = Store(args.db, os.environ.get("BENCH_SQLITE_SYNCHRONOUS", "NORMAL"))
    app = build_app(store, handlers)

    # Bind the socket ourselves so that --port 0 works and the real port is known.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    # Listen now: the `listening on` line is printed from the startup event,
    # which uvicorn runs before it starts serving; connections made in between
    # wait in the backlog instead of being refused.
    sock.listen(2048)
    host, port = sock.getsockname()[:2]

    loop = "uvloop" if has_module("uvloop") else "asyncio"
    http = "httptools" if has_module("httptools") else "h11"

    @app.on_event("startup")
    def announce() -> None:
        print(f"listening on http://{host}:{port} (FastAPI, uvicorn 1 worker,"
              f" loop={loop}, http={http}, handlers={handlers})",
              file=sys.stderr, flush=True)

    config = uvicorn.Config(app, loop=loop, http=http, workers=1,
                            log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def has_module(name: str) -> bool:
    try:
        __import__(name)
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    main()
