#!/usr/bin/python3
"""Data and probes for bench/run (Python 3 standard library only).

Subcommands:
  write-json   --rows N --out FILE        json-server's db.json with rows 1..N
  seed-sqlite  --rows N --db FILE         rows 1..N straight into an SQLite file
                                          (the table layout apiserver derives
                                          from bench/spec/items.yaml)
  seed-http    --url URL --rows N         POST rows 1..N; each must get 201 and
                                          the expected id
  check        --url URL --rows N         the seeded rows read back right, and
                                          HTTP/1.1 keep-alive holds
  check-ceiling --url URL                 the ceiling answers GET with 200
  startup      [--runs N] [--fresh DB] [--log FILE] -- CMD...
                                          median time from spawn to the
                                          `listening on` line (CMD is stopped
                                          again each time)
  time-cmd     [--runs N] -- CMD...       median wall time of a command

Every row is a function of its id (row() below; bench/wrk/bench.lua has the
same formula), so every contender holds the same data.
"""

import argparse
import http.client
import json
import os
import re
import select
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse

READY = re.compile(r"listening on http://[^\s:]+:(\d+)")


def row(i: int) -> dict:
    """Row i of the data set (keep in step with bench/wrk/bench.lua)."""
    return {
        "id": i,
        "name": f"item-{i:07d}",
        "price": (i * 37 % 10000) / 100,
        "tags": [f"t{i % 7}", f"t{i % 11}"],
        "in_stock": i % 3 != 0,
    }


def body_of(r: dict) -> dict:
    return {k: v for k, v in r.items() if k != "id"}


# ------------------------------------------------------------------ seeding

def write_json(args) -> None:
    with open(args.out, "w") as f:
        json.dump({"items": [row(i) for i in range(1, args.rows + 1)]}, f,
                  indent=2)
        f.write("\n")


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    price    REAL NOT NULL,
    tags     TEXT,
    in_stock INTEGER
)
"""


def seed_sqlite(args) -> None:
    conn = sqlite3.connect(args.db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(SQLITE_SCHEMA)
    conn.execute("BEGIN")
    batch = 50_000
    for start in range(1, args.rows + 1, batch):
        stop = min(start + batch, args.rows + 1)
        conn.executemany(
            "INSERT INTO items (id, name, price, tags, in_stock) VALUES (?, ?, ?, ?, ?)",
            ((r["id"], r["name"], r["price"],
              json.dumps(r["tags"], separators=(",", ":")), int(r["in_stock"]))
             for r in map(row, range(start, stop))))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, url: str, timeout: float = 10):
        u = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)

    def request(self, method: str, path: str, body=None):
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw
        return resp, payload

    def close(self):
        self.conn.close()


def seed_http(args) -> None:
    client = Client(args.url)
    for i in range(1, args.rows + 1):
        resp, payload = client.request("POST", "/items", body_of(row(i)))
        if resp.status != 201:
            sys.exit(f"seed: POST /items (row {i}) answered {resp.status}: {payload!r:.300}")
        if not isinstance(payload, dict) or payload.get("id") != i:
            sys.exit(f"seed: POST /items (row {i}) created {payload!r:.300}; expected id {i}"
                     " (the database must start empty)")
    client.close()


# ------------------------------------------------------------------- checks

def same_item(got, want: dict) -> bool:
    if not isinstance(got, dict):
        return False
    for key, value in want.items():
        if key == "price":
            if not isinstance(got.get(key), (int, float)) or abs(got[key] - value) > 1e-9:
                return False
        elif got.get(key) != value:
            return False
    return True


def check(args) -> None:
    client = Client(args.url)
    problems = []
    for i in sorted({1, args.rows // 2 or 1, args.rows}):
        resp, payload = client.request("GET", f"/items/{i}")
        if resp.status != 200 or not same_item(payload, row(i)):
            problems.append(f"GET /items/{i}: {resp.status} {payload!r:.200}")
    resp, payload = client.request("GET", f"/items?limit=20&offset={max(0, args.rows - 20)}")
    want = list(range(max(1, args.rows - 19), args.rows + 1))
    got = [p.get("id") for p in payload] if isinstance(payload, list) else payload
    if resp.status != 200 or got != want:
        problems.append(f"GET /items?limit=20&offset={args.rows - 20}: {resp.status} ids {got!r:.200}")
    resp, payload = client.request("GET", f"/items/{args.rows + 1000000}")
    if resp.status != 404:
        problems.append(f"GET of a missing id: {resp.status} (expected 404)")
    client.close()
    keep_alive_warning(args.url, "/items/1")
    if problems:
        sys.exit("check: the seeded data does not read back:\n  " + "\n  ".join(problems))


def check_ceiling(args) -> None:
    client = Client(args.url)
    resp, payload = client.request("GET", "/items/1")
    client.close()
    if resp.status != 200:
        sys.exit(f"check: GET /items/1 answered {resp.status}")
    keep_alive_warning(args.url, "/items/1")


def keep_alive_warning(url: str, path: str) -> None:
    """Warn when a plain HTTP/1.1 request (no Connection header, like wrk's)
    gets `Connection: close`: wrk then reconnects for every request."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    header = resp.getheader("Connection")
    conn.close()
    if header and header.strip().lower() == "close":
        print(f"WARNING: {url} answers HTTP/1.1 requests with 'Connection: {header}';"
              " wrk will open a new connection for every request", file=sys.stderr)


# ------------------------------------------------------------------ timings

def startup_once(cmd, log_path: str, timeout: float):
    """Spawn CMD, time its `listening on` line, stop it again (by its PID).
    Returns seconds, or None when no such line came."""
    t0 = time.perf_counter()
    deadline = t0 + timeout
    elapsed = None
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.PIPE)
        try:
            seen = b""
            while elapsed is None and time.perf_counter() < deadline:
                ready, _, _ = select.select([proc.stderr], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(proc.stderr.fileno(), 65536)
                if not chunk:  # the command exited
                    break
                log.write(chunk)
                seen += chunk
                if READY.search(seen.decode(errors="replace")):
                    elapsed = time.perf_counter() - t0
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    return elapsed


def remove_db(path: str) -> None:
    for p in (path, path + "-wal", path + "-shm", path + "-journal"):
        if os.path.exists(p):
            os.remove(p)


def startup(args) -> None:
    """Median time from spawn to the `listening on` line over --runs runs."""
    times = []
    for _ in range(args.runs):
        if args.fresh:
            remove_db(args.fresh)
        t = startup_once(args.cmd, args.log, args.timeout)
        if t is None:
            sys.exit(f"startup: no 'listening on' line within {args.timeout:g} s")
        times.append(t)
    print(f"{statistics.median(times):.3f} s")


def time_cmd(args) -> None:
    """Median wall time of a command over --runs runs (stops at a failure)."""
    times = []
    status = None
    for _ in range(args.runs):
        t0 = time.perf_counter()
        done = subprocess.run(args.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        status = done.returncode
        if status != 0:
            break
    text = f"{statistics.median(times):.3f} s"
    if status != 0:
        err = done.stderr.decode(errors="replace").strip().splitlines()
        text += f" (exit {status}: {err[-1][:120] if err else 'no message'})"
    print(text)


def main() -> None:
    ap = argparse.ArgumentParser(description="data and probes for bench/run")
    sub = ap.add_subparsers(dest="cmd_name", required=True)

    p = sub.add_parser("write-json")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(func=write_json)

    p = sub.add_parser("seed-sqlite")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--db", required=True)
    p.set_defaults(func=seed_sqlite)

    for name, func in (("seed-http", seed_http), ("check", check)):
        p = sub.add_parser(name)
        p.add_argument("--url", required=True)
        p.add_argument("--rows", type=int, required=True)
        p.set_defaults(func=func)

    p = sub.add_parser("check-ceiling")
    p.add_argument("--url", required=True)
    p.set_defaults(func=check_ceiling)

    p = sub.add_parser("startup")
    p.add_argument("--log", default=os.devnull)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--fresh", metavar="DB", help="delete this SQLite file before each run")
    p.add_argument("cmd", nargs="+")
    p.set_defaults(func=startup)

    p = sub.add_parser("time-cmd")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("cmd", nargs="+")
    p.set_defaults(func=time_cmd)

    args = ap.parse_args()
    try:
        args.func(args)
    except (OSError, http.client.HTTPException) as err:
        sys.exit(f"{args.cmd_name}: {err}")


if __name__ == "__main__":
    main()
