#!/usr/bin/env python3
"""Reports the times this machine stopped running a CPU altogether while a benchmark ran.

A virtual machine's CPUs can be frozen by its host: on the 2-CPU machines bench/ runs on, each
CPU stops for about 100 ms a few times in 20 s once both are busy, whatever runs on them (two
idle-looping processes show it as well as a server). A request in flight then waits 100 ms, and
wrk, whose statistics add the requests a connection would have sent meanwhile, turns one such
pause into a p99 of about 50 ms at -c32. This tells those pauses apart from the server's own.

One process per CPU, pinned to it, sleeps 2 ms at a time and notes each wake-up that came more
than 50 ms late: the CPU ran nothing of it that long. A sleeper is woken ahead of busy
threads, so a loaded CPU delays it by a few ms at most, far below the threshold.

usage: pauses.py SECONDS   prints one JSON line: {"pauses": N, "longest_ms": X,
"cpus": {cpu: [ms, ...]}}, once SECONDS have passed or on SIGTERM.
"""
import json
import os
import signal
import sys
import time

SLEEP_S = 0.002
LATE_S = 0.05
stopping = False


def stop(*_):
    global stopping
    stopping = True


def watch(cpu, seconds, out):
    os.sched_setaffinity(0, {cpu})
    signal.signal(signal.SIGTERM, stop)
    late = []
    end = time.monotonic() + seconds
    before = time.monotonic()
    while not stopping and before < end:
        time.sleep(SLEEP_S)
        now = time.monotonic()
        if now - before - SLEEP_S > LATE_S:
            late.append(round((now - before) * 1000, 1))
        before = now
    os.write(out, (json.dumps([cpu, late]) + "\n").encode())


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        sys.exit(__doc__.split("usage: ")[1])
    seconds = float(args[0])
    read_end, write_end = os.pipe()
    children = []
    for cpu in sorted(os.sched_getaffinity(0)):
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            watch(cpu, seconds, write_end)
            os._exit(0)
        children.append(pid)
    os.close(write_end)
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(pid, signal.SIGTERM) for pid in children])
    lines = b""
    while True:
        try:
            chunk = os.read(read_end, 4096)
        except InterruptedError:
            continue
        if not chunk:
            break
        lines += chunk
    for pid in children:
        os.waitpid(pid, 0)
    cpus = dict(json.loads(line) for line in lines.decode().splitlines())
    every = [ms for late in cpus.values() for ms in late]
    print(json.dumps({"pauses": len(every), "longest_ms": max(every, default=0), "cpus": cpus}))


if __name__ == "__main__":
    main()
