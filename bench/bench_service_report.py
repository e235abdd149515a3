"""How long the monthly service report (运维服务报告) takes over an existing data set.

    .venv/bin/python bench/bench_service_report.py sqlite:////tmp/desk-1m/desk-1000000.sqlite3
    .venv/bin/python bench/bench_service_report.py URL --month 2026-11 --repeat 5
    .venv/bin/python bench/bench_service_report.py URL --quarter 2026Q4

Times ``desk.read.service_report.compute`` (the period and the one before it, every
table, as ``desk stats report`` computes it) on the database at URL (made with
``bench.generate``; ``bench/run_all.py`` and this script share such data sets), and
prints the figure next to

* the target: under 5 s at 1,000,000 faults (issue 17), and
* the floor: the statements the service sent, replayed raw through the same engine one
  after the other (the slowest of them listed, so a slow part shows where it is).

The load average is printed beside the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run_all import _sent, times_ms  # noqa: E402

TARGET_S = 5.0


def _times(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` calls after a warm one (``run_all``'s, in ms)."""
    return [ms / 1000 for ms in times_ms(fn, repeat)]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def measure(url: str, period_text: str, kind: str, repeat: int) -> dict[str, Any]:
    from desk.bootstrap import open_database
    from desk.read import service_report

    period = (service_report.month(period_text) if kind == "month"
              else service_report.quarter(period_text))
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            total = int(conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one())
        report = service_report.compute(db, period)
        sent = _sent(db, lambda: service_report.compute(db, period))
        service = _times(lambda: service_report.compute(db, period), repeat)
        each: list[tuple[float, str]] = []

        def floor(record: bool = False) -> None:
            with db.engine.connect() as conn:
                for statement, parameters in sent:
                    began = time.perf_counter()
                    result = conn.exec_driver_sql(statement, parameters)
                    if result.returns_rows:
                        result.all()
                    if record:
                        each.append((time.perf_counter() - began, statement))

        raw = _times(floor, repeat)
        floor(record=True)
    finally:
        db.dispose()
    return {"backend": db.backend, "tickets": total, "period": period.code,
            "period_faults": report.current.total, "previous_faults": report.before.total,
            "statements": len(sent), "service_s": statistics.median(service),
            "service_best_s": min(service), "floor_s": statistics.median(raw),
            "slowest": sorted(each, reverse=True)[:5]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url", help="the database (sqlite:///… or postgresql://…)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--month", default="2026-11", help="the month (default 2026-11, the "
                       "generated data's last)")
    group.add_argument("--quarter", help="a quarter instead, e.g. 2026Q4")
    p.add_argument("--repeat", type=int, default=3, help="timed runs (median)")
    args = p.parse_args(argv)
    kind, text = ("quarter", args.quarter) if args.quarter else ("month", args.month)
    print(f"before: {_load()}")
    r = measure(args.url, text, kind, max(1, args.repeat))
    flag = "ok" if r["service_s"] < TARGET_S else f"OVER {TARGET_S:g} s"
    print(f"{r['backend']}, {r['tickets']:,} faults; {kind} {r['period']}: "
          f"{r['period_faults']:,} faults (previous period {r['previous_faults']:,}), "
          f"{r['statements']} statements")
    print(f"  service report: median {r['service_s']:.3f} s (best {r['service_best_s']:.3f} s)"
          f"  | target < {TARGET_S:g} s [{flag}]  | floor (its statements raw) "
          f"{r['floor_s']:.3f} s")
    for seconds, statement in r["slowest"]:
        print(f"    {seconds:7.3f} s  {' '.join(statement.split())[:110]}")
    print(f"after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
