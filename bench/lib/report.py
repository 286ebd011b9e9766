#!/usr/bin/python3
"""Workload list, wrk output parsing and the results table of bench/run
(Python 3 standard library only).

Subcommands:
  workloads                       the workloads, one a line:
                                  NAME<TAB>LUA SCRIPT<TAB>CEILING(0/1)
  parse-wrk FILE --contender C --workload W --run N [--conns K]
                                  one JSON result line from a wrk output
  cpu-busy [--seconds S]          percent of all CPUs busy right now
  table RUN_DIR                   the results table (RUN_DIR/results.jsonl,
                                  status.jsonl, meta.tsv)
  extras-table RUN_DIR            the extra measurements (RUN_DIR/extras.jsonl)
"""

import argparse
import json
import os
import re
import sys
import time

CONTENDERS = ["apiserver", "fastapi", "json-server", "ceiling", "nginx", "fastapi-async",
              "apiserver-pg", "apiserver-pg-default", "apiserver-pg-x2", "fastapi-pg"]
# The contenders on PostgreSQL; their ratio column compares with apiserver-pg.
POSTGRES = ("apiserver-pg", "apiserver-pg-default", "apiserver-pg-x2", "fastapi-pg")
# The contenders that answer every GET with one fixed body (and nothing else).
FIXED_BODY = ("ceiling", "nginx")

# name, wrk script, does the ceiling (GET-only fixed JSON) take part,
# what a correct server answers
WORKLOADS = [
    ("get-by-id", "get_by_id.lua", True, "2xx"),
    ("list-20", "list_page.lua", True, "2xx"),
    ("post-invalid", "post_invalid.lua", False, "4xx"),
    ("post-valid", "post_valid.lua", False, "2xx"),
    ("mixed-80-20", "mixed.lua", False, "2xx"),
]
WORKLOAD = {w[0]: w for w in WORKLOADS}

# Targets from the issue: (workload, description, test(results) -> bool|None)
RESULT_LINE = re.compile(r"^BENCH_RESULT (\{.*\})\s*$", re.M)


# ------------------------------------------------------------------ parsing

def parse_wrk(args) -> None:
    text = open(args.file, errors="replace").read()
    m = RESULT_LINE.search(text)
    if not m:
        sys.exit(f"parse-wrk: no BENCH_RESULT line in {args.file}:\n{text[-800:]}")
    r = json.loads(m.group(1))
    # Cross-check against wrk's own text (they come from the same counters).
    rps_text = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    non2xx_text = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non2xx_text and int(non2xx_text.group(1)) != r["non2xx"]:
        sys.exit(f"parse-wrk: non-2xx mismatch in {args.file}")
    seconds = r["duration_us"] / 1e6
    out = {
        "contender": args.contender,
        "workload": args.workload,
        "run": args.run,
        "rps": round(r["requests"] / seconds, 1) if seconds else 0.0,
        "rps_wrk": float(rps_text.group(1)) if rps_text else None,
        "conns": args.conns,
        **r,
    }
    if args.pauses:
        # What bench/lib/pauses.py saw meanwhile: the host freezing a CPU for over 50 ms.
        try:
            with open(args.pauses) as f:
                p = json.load(f)
            out["machine_pauses"] = p["pauses"]
            out["longest_pause_ms"] = p["longest_ms"]
        except (OSError, ValueError, KeyError):
            pass
    print(json.dumps(out))


def cpu_busy(args) -> None:
    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle
    total0, idle0 = sample()
    time.sleep(args.seconds)
    total1, idle1 = sample()
    total = total1 - total0
    busy = 100.0 * (total - (idle1 - idle0)) / total if total else 0.0
    print(f"{busy:.0f}")


# -------------------------------------------------------------------- table

def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def load_meta(path):
    meta = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("\t")
                meta[key] = value
    return meta


def median_run(runs):
    """The run with the median req/s (the lower one for an even count), so
    that every number in a row comes from one run."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[(len(ordered) - 1) // 2]


def fmt_rps(x):
    return f"{x:,.0f}"


def fmt_ms(us):
    ms = us / 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"


def problems_of(runs, workload, connections):
    """What went wrong in any run of one contender x workload."""
    expect = WORKLOAD[workload][3]
    notes = []
    errors = max(r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
                 for r in runs)
    if errors:
        notes.append(f"{errors} socket errors")
    if expect == "4xx":
        accepted = max(r["requests"] - r["non2xx"] for r in runs)
        if accepted:
            notes.append(f"{accepted} invalid accepted")
    else:
        bad = max(r["non2xx"] for r in runs)
        if bad:
            notes.append(f"{bad} non-2xx")
    reconnects = max((r.get("conns") or 0) for r in runs)
    if reconnects > 4 * connections:
        notes.append("no keep-alive")
    if any(r["requests"] == 0 for r in runs):
        notes.append("no responses")
    return notes


def render(rows, header):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    right = {2, 3, 4, 5, 6, 7}

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            cell = str(cell)
            out.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()
    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def table(args) -> None:
    run_dir = args.run_dir
    results = load_jsonl(os.path.join(run_dir, "results.jsonl"))
    status = {s["contender"]: s for s in load_jsonl(os.path.join(run_dir, "status.jsonl"))}
    meta = load_meta(os.path.join(run_dir, "meta.tsv"))
    contenders = [c for c in meta.get("contenders", ",".join(CONTENDERS)).split(",") if c]
    workloads = [w for w in meta.get("workloads", ",".join(WORKLOAD)).split(",") if w]
    connections = int(meta.get("connections", "32"))

    by_key = {}
    for r in results:
        by_key.setdefault((r["contender"], r["workload"]), []).append(r)

    medians = {k: median_run(v) for k, v in by_key.items()}

    def base_of(c):
        """The row the ratio column divides by that contender's: apiserver
        for SQLite and the peers, apiserver-pg for the PostgreSQL rows."""
        return "apiserver-pg" if c in POSTGRES else "apiserver"

    header = ["workload", "contender", "req/s", "p50", "p99", "non-2xx", "conns",
              "apiserver/x", "check"]
    rows = []
    for w in workloads:
        first = True
        for c in contenders:
            if c in FIXED_BODY and not WORKLOAD[w][2]:
                continue  # the ceiling only answers GET
            label = w if first else ""
            first = False
            st = status.get(c, {"status": "not run", "reason": ""})
            m = medians.get((c, w))
            if m is None:
                reason = st.get("reason") or "no result"
                what = st["status"] if st["status"] != "ok" else "failed"
                rows.append([label, c, "-", "-", "-", "-", "-", "-", f"{what}: {reason}"])
                continue
            ratio = "-"
            base = medians.get((base_of(c), w))
            if c != base_of(c) and base is not None and m["rps"] > 0:
                ratio = f"{base['rps'] / m['rps']:.2f}x"
            notes = problems_of(by_key[(c, w)], w, connections)
            if m.get("machine_pauses"):
                notes.append(f"machine paused {m['machine_pauses']}x, up to"
                             f" {m['longest_pause_ms']:.0f} ms")
            rows.append([label, c, fmt_rps(m["rps"]), fmt_ms(m["p50_us"]), fmt_ms(m["p99_us"]),
                         f"{m['non2xx']:,}", f"{m['conns']:,}" if m.get("conns") is not None else "-",
                         ratio, "; ".join(notes) if notes else "ok"])

    print(f"apiserver bench: {meta.get('mode', '?')} mode, {meta.get('runs', '?')} run(s) x"
          f" {meta.get('duration', '?')} s per cell (median run shown),"
          f" wrk -t1 -c{connections} --latency, {meta.get('pinning', '')}")
    print(f"{meta.get('date', '')}  {meta.get('machine', '')}")
    if meta.get("postgres"):
        print(meta["postgres"])
    busy = meta.get("busy_before")
    if busy and int(busy) > 15:
        print(f"WARNING: {busy}% of the CPUs were busy with other work before the run;"
              " the numbers are noisy.")
    print()
    print(render(rows, header))
    print()
    print("req/s, p50, p99: the median run. non-2xx: responses >= 400."
          f" conns: TCP connections closed during the run (0..~{connections} with keep-alive).")
    if any(c in POSTGRES for c in contenders):
        print("apiserver/x: apiserver's req/s divided by that contender's, both from this invocation;"
              " on the -pg rows, apiserver-pg's (same storage).")
    else:
        print("apiserver/x: apiserver's req/s divided by that contender's, both from this invocation.")
    for c in contenders:
        info = status.get(c, {}).get("info")
        if info:
            print(f"  {c}: {info}")
    targets(medians, workloads)


def targets(medians, workloads) -> None:
    def get(c, w):
        return medians.get((c, w))

    checks = []
    api, fa, ceil, nginx = (get("apiserver", "get-by-id"), get("fastapi", "get-by-id"),
                            get("ceiling", "get-by-id"), get("nginx", "get-by-id"))
    if api:
        if fa:
            checks.append(("GET by id >= 10x FastAPI", api["rps"] >= 10 * fa["rps"],
                           f"{api['rps'] / fa['rps']:.1f}x"))
        if ceil:
            checks.append(("GET by id >= 80% of the ceiling", api["rps"] >= 0.8 * ceil["rps"],
                           f"{100 * api['rps'] / ceil['rps']:.0f}%"))
        if nginx:
            checks.append(("GET by id >= 60% of nginx", api["rps"] >= 0.6 * nginx["rps"],
                           f"{100 * api['rps'] / nginx['rps']:.0f}%"))
        checks.append(("GET by id p99 < 2 ms", api["p99_us"] < 2000, fmt_ms(api["p99_us"])))
    mixed, fa_mixed = get("apiserver", "mixed-80-20"), get("fastapi", "mixed-80-20")
    if mixed and fa_mixed:
        checks.append(("mixed 80/20 >= 12x FastAPI", mixed["rps"] >= 12 * fa_mixed["rps"],
                       f"{mixed['rps'] / fa_mixed['rps']:.1f}x"))
    api, fa = get("apiserver", "post-valid"), get("fastapi", "post-valid")
    if api and fa:
        checks.append(("valid POST >= 15x FastAPI", api["rps"] >= 15 * fa["rps"],
                       f"{api['rps'] / fa['rps']:.1f}x"))
    inv = get("apiserver", "post-invalid")
    if api and inv:
        checks.append(("invalid POST no slower than valid POST", inv["rps"] >= api["rps"],
                       f"{fmt_rps(inv['rps'])} vs {fmt_rps(api['rps'])} req/s"))
    api, fa = get("apiserver", "list-20"), get("fastapi", "list-20")
    if api and fa:
        checks.append(("list of 20 >= 10x FastAPI", api["rps"] >= 10 * fa["rps"],
                       f"{api['rps'] / fa['rps']:.1f}x"))
    if not checks:
        return
    print()
    print("targets (issue):")
    for what, ok, value in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {what}: {value}")


def extras_table(args) -> None:
    rows = []
    for e in load_jsonl(os.path.join(args.run_dir, "extras.jsonl")):
        rows.append([e["measurement"], e["contender"], e.get("value", "-"), e.get("detail", "")])
    if not rows:
        print("no extra measurements")
        return
    widths = [max(len(str(r[i])) for r in rows + [["measurement", "contender", "value", "detail"]])
              for i in range(4)]
    head = ["measurement", "contender", "value", "detail"]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def workloads(_args) -> None:
    for name, script, ceiling, _expect in WORKLOADS:
        print(f"{name}\t{script}\t{int(ceiling)}")


def main() -> None:
    ap = argparse.ArgumentParser(description="results of bench/run")
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("workloads")
    p.set_defaults(func=workloads)

    p = sub.add_parser("parse-wrk")
    p.add_argument("file")
    p.add_argument("--contender", required=True)
    p.add_argument("--workload", required=True)
    p.add_argument("--run", type=int, required=True)
    p.add_argument("--conns", type=int)
    p.add_argument("--pauses", help="bench/lib/pauses.py's output for the same run")
    p.set_defaults(func=parse_wrk)

    p = sub.add_parser("cpu-busy")
    p.add_argument("--seconds", type=float, default=1.0)
    p.set_defaults(func=cpu_busy)

    p = sub.add_parser("table")
    p.add_argument("run_dir")
    p.set_defaults(func=table)

    p = sub.add_parser("extras-table")
    p.add_argument("run_dir")
    p.set_defaults(func=extras_table)

    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
