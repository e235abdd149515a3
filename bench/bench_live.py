"""Live-update latency between two desks on one PostgreSQL database.

    .venv/bin/python bench/bench_live.py [--rounds 50]

A second process (``tests/live_peer.py``) reports faults one at a time; this process
runs ``ui.live.LiveUpdates`` (the worker thread with ``desk.notify.live.TicketListener``)
under a ``QCoreApplication`` and notes when ``ticket_changed`` reaches the main
thread. Printed: the time from the peer's commit having returned to the signal
arriving (median, p95, max), next to its floor — the time the same process needs to
see a ``pg_notify`` it sends itself on a raw ``LISTEN`` connection. Target < 1 s.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ADMIN = os.environ.get("DESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def floor(url: str, rounds: int) -> list[float]:
    import psycopg

    out = []
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as listen, \
            psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as talk:
        listen.execute("LISTEN bench_floor")
        for i in range(rounds):
            start = time.perf_counter()
            talk.execute("SELECT pg_notify('bench_floor', %s)", (str(i),))
            for _n in listen.notifies(timeout=5, stop_after=1):
                pass
            out.append(time.perf_counter() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()

    import psycopg
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from desk.admin.demo import ensure_people
    from desk.bootstrap import open_database
    from ui.live import LiveUpdates

    # PySide6 6.12.0 on Python 3.11 drops a reference to None for every void Qt call
    # and to True/False for every emit(); thousands of rounds would abort the run
    # ("Fatal Python error: none_dealloc"). Python 3.12 makes these objects immortal;
    # here they are made so by hand for the length of the benchmark.
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40

    name = f"desk_bench_live_{uuid.uuid4().hex[:8]}"
    admin = ADMIN.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    app = QCoreApplication.instance() or QCoreApplication([])
    assert app is not None
    db = open_database(url)
    peer = None
    try:
        ensure_people(db)
        live = LiveUpdates(db)
        arrived: dict[int, float] = {}
        live.ticket_changed.connect(lambda tid, _v: arrived.setdefault(tid, time.time()))
        loop = QEventLoop()
        live.listening.connect(loop.quit)
        live.start()
        loop.exec()
        peer = subprocess.Popen([sys.executable, "-m", "tests.live_peer", url], cwd=ROOT,
                                text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                encoding="utf-8")
        assert peer.stdin is not None and peer.stdout is not None
        peer.stdout.readline()  # ready
        latencies, upper = [], []
        for i in range(args.rounds):
            sent = time.time()
            peer.stdin.write(json.dumps({"do": "report", "phenomenon": f"基准 {i}",
                                         "person": "SALES005"}) + "\n")
            peer.stdin.flush()
            reply = json.loads(peer.stdout.readline())
            ticket_id, committed = reply["ok"]["id"], reply["at"]
            deadline = time.monotonic() + 5
            while ticket_id not in arrived and time.monotonic() < deadline:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            latencies.append(arrived.get(ticket_id, float("inf")) - committed)
            upper.append(arrived.get(ticket_id, float("inf")) - sent)
        live.stop()
        floor_values = floor(url, args.rounds)
        print(f"live update, peer commit -> ticket_changed in the GUI thread ({args.rounds} rounds)")
        print(f"  median {statistics.median(latencies) * 1000:7.1f} ms   "
              f"p95 {_pct(latencies, 0.95) * 1000:7.1f} ms   max {max(latencies) * 1000:7.1f} ms"
              "   target < 1000 ms")
        print(f"  command sent -> signal (includes the peer's report_fault): median "
              f"{statistics.median(upper) * 1000:7.1f} ms   max {max(upper) * 1000:7.1f} ms")
        print(f"  floor (raw LISTEN/NOTIFY round trip): median "
              f"{statistics.median(floor_values) * 1000:6.2f} ms   "
              f"max {max(floor_values) * 1000:6.2f} ms")
    finally:
        if peer is not None:
            if peer.stdin:
                peer.stdin.close()
            peer.wait(timeout=20)
            if peer.stdout:
                peer.stdout.close()
        db.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
