"""Benchmark: the window's queue over a big database, as a person uses it.

Opens the real ``MainWindow`` offscreen on a database, then runs queue operations
through its widgets — a free-text search typed into the search box (2, 3 and 4
characters), a filter picked in the filter bar, a column header clicked to sort,
the view scrolled to the bottom so the next page comes in — and for each prints:

* ``answer``: from the action to the rows on screen (the model's ``loaded`` /
  ``page_loaded``);
* ``stall``: the longest the GUI thread went without running its event loop while
  the answer was on its way (a 5 ms timer measures the gaps between its ticks).

The target is no stall over 50 ms: the queries run on the thread pool.

    .venv/bin/python bench/bench_queue_gui.py sqlite:///bench/results/data/desk-1000000.sqlite3
    .venv/bin/python bench/bench_queue_gui.py URL --json    # one JSON object on stdout
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 5


class GapMeter:
    """The longest gap between ticks of a fast timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.longest


def measure(url: str, repeat: int = 3) -> dict[str, dict[str, float]]:
    """{operation: {"answer_ms": median, "stall_ms": worst}} over ``repeat`` runs."""
    import statistics

    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication, QComboBox

    from desk.bootstrap import open_database
    from desk.process import people
    from desk.read.settings import timezone
    from ui.main_window import MainWindow
    from ui.queue_model import COLUMNS

    app = QApplication.instance() or QApplication([])
    db = open_database(url)
    with db.read() as s:
        tz = timezone(s)
    person = people.get_person(db, people.person_id(db, "IT001"))
    window = MainWindow(db, tz, "bench", person)
    window.resize(1360, 820)
    window.show()
    model = window.model

    def wait_idle(timeout_s: float = 120.0) -> None:
        loop_until = time.perf_counter() + timeout_s
        while model.busy and time.perf_counter() < loop_until:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        if model.busy:
            raise RuntimeError("the queue did not answer")

    def timed(action: Any) -> tuple[float, float]:
        wait_idle()
        meter = GapMeter()
        meter.start()
        QCoreApplication.processEvents()
        t0 = time.perf_counter()
        action()  # what the person's key press or click does, on the GUI thread
        wait_idle()
        answer = time.perf_counter() - t0
        return answer * 1000, meter.stop() * 1000

    def search(text: str) -> Any:
        def run() -> None:
            window.search.setText(text)
            window.apply_query()  # what Enter in the search box does
        return run

    def clear() -> None:
        window.search.setText("")
        window.apply_query()

    level = window.findChild(QComboBox, "filterLevel")
    header = window.table.horizontalHeader()
    business = [c[0] for c in COLUMNS].index("affected_business")
    reported = [c[0] for c in COLUMNS].index("reported_at")

    def scroll_to_bottom() -> None:
        window.table.scrollToBottom()
        QTimer.singleShot(0, lambda: None)

    operations: list[tuple[str, Any, Any]] = [
        ("first page", lambda: window.apply_query(), None),
        ("search, 2 chars (考勤)", search("考勤"), clear),
        ("search, 2 chars, rare (乱码)", search("乱码"), clear),
        ("search, 3 chars (打印机)", search("打印机"), clear),
        ("search, 4 chars (财务报表)", search("财务报表"), clear),
        ("filter level 1", lambda: level.setCurrentIndex(level.findData(1)),
         lambda: level.setCurrentIndex(0)),
        ("sort by business", lambda: header.setSortIndicator(
            business, Qt.SortOrder.AscendingOrder),
         lambda: header.setSortIndicator(reported, Qt.SortOrder.DescendingOrder)),
        ("next page (scroll)", scroll_to_bottom, lambda: window.apply_query()),
    ]
    results: dict[str, dict[str, float]] = {}
    wait_idle()
    for name, action, undo in operations:
        answers, stalls = [], []
        for _ in range(repeat):
            answer, stall = timed(action)
            answers.append(answer)
            stalls.append(stall)
            if undo is not None:
                timed(undo)
        results[name] = {"answer_ms": statistics.median(answers), "stall_ms": max(stalls)}
    window.close()
    QThreadPool.globalInstance().waitForDone(60_000)  # the view counts, still running
    db.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url", help="the database (sqlite:///… or postgresql://…)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args(argv)
    results = measure(args.url, args.repeat)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0
    print(f"{'operation':34} {'answer':>10} {'GUI stall':>10}")
    for name, r in results.items():
        flag = "" if r["stall_ms"] <= 50 else "  > 50 ms"
        print(f"{name:34} {r['answer_ms']:8.1f} ms {r['stall_ms']:8.1f} ms{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
