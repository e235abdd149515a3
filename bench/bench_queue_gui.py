"""Benchmark: the window's queue over a big database, as a person uses it.

Opens the real ``MainWindow`` offscreen on a database, then runs queue operations
through its widgets — a free-text search typed into the search box (2, 3 and 4
characters), a filter picked in the filter bar, a column header clicked to sort,
the view scrolled to the bottom so the next page comes in — and for each prints:

* ``answer``: from the action to the rows on screen (the model's ``loaded`` /
  ``page_loaded``);
* ``stall``: the longest the GUI thread went without running its event loop while
  the answer was on its way (a 5 ms timer measures the gaps between its ticks);
* for a stall over 50 ms, where the GUI thread was meanwhile: a watchdog thread samples
  its Python stack every few milliseconds while no tick came, and the stall's line
  names the innermost frame of Desk's own code seen most (``ui/…``, ``desk/…``), or
  ``(waiting for the GIL or the CPU)`` when the thread was in the event loop itself —
  the answer to "which step, which code" when a run stalls.

The target is no stall over 50 ms: the queries run on the thread pool.

    .venv/bin/python bench/bench_queue_gui.py sqlite:///bench/results/data/desk-1000000.sqlite3
    .venv/bin/python bench/bench_queue_gui.py URL --json    # one JSON object on stdout
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 5


STALL_MS = 50
SAMPLE_S = 0.004
ROOT = str(Path(__file__).resolve().parents[1])


def _thread_state(native_id: int) -> str:
    """The kernel's state letter of a thread of this process (R running or runnable,
    S sleeping: waiting for a lock such as the GIL, or for events)."""
    try:
        with open(f"/proc/self/task/{native_id}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def _where(frame: Any, state: str) -> str:
    """The innermost frame of Desk's own code (not the bench) in a stack, as file:line
    function, or what the thread was in when none is: outside Python, either waiting
    (state S: for the GIL, the worker threads holding it) or running or waiting for a
    core (state R: Qt's own work, or the machine's other load)."""
    inner = frame
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(ROOT) and "/bench/" not in name:
            return f"{os.path.relpath(name, ROOT)}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    what = {"S": "sleeping: waiting for the GIL", "R": "runnable: Qt's work or no free core"
            }.get(state, f"state {state}")
    return f"(outside Python, {what}; in {inner.f_code.co_name if inner else '?'})"


class GapMeter:
    """The longest gap between ticks of a fast timer on the GUI thread, and where the
    GUI thread was during it (a watchdog thread samples its stack while no tick comes)."""

    def __init__(self) -> None:
        import threading

        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.longest = 0.0
        self.longest_cpu = 0.0  # the GUI thread's own CPU time during the longest gap
        self.gui = threading.get_ident()
        self.gui_native = threading.get_native_id()
        self.samples: dict[str, int] = {}  # of the gap being measured
        self.longest_where: dict[str, int] = {}
        self.running = threading.Event()
        self.watchdog: threading.Thread | None = None
        self.collections: list[tuple[float, float]] = []  # garbage collector's passes
        self.gc_started = 0.0
        self.longest_gc = 0.0  # of those, within the longest gap
        self.longest_span = (0.0, 0.0)  # perf_counter() at its start and end

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = now - self.last
        if gap > self.longest:
            self.longest = gap
            self.longest_where = self.samples
            self.longest_cpu = cpu - self.last_cpu
            self.longest_span = (self.last, now)
            self.longest_gc = sum(min(end, now) - max(start, self.last)
                                  for start, end in self.collections
                                  if end > self.last and start < now)
        self.samples = {}
        self.collections = [c for c in self.collections if c[1] > now]
        self.last, self.last_cpu = now, cpu

    def _collected(self, phase: str, info: dict[str, int]) -> None:
        """Python's garbage collector stops every thread while it runs (any thread's
        allocation may start it): its passes are timed so a stall can be put down to it."""
        if phase == "start":
            self.gc_started = time.perf_counter()
        elif self.gc_started:
            self.collections.append((self.gc_started, time.perf_counter()))
            self.gc_started = 0.0

    def _watch(self) -> None:
        while self.running.is_set():
            time.sleep(SAMPLE_S)
            if time.perf_counter() - self.last > 2 * TICK_MS / 1000:
                frame = sys._current_frames().get(self.gui)
                where = _where(frame, _thread_state(self.gui_native))
                self.samples[where] = self.samples.get(where, 0) + 1

    def start(self) -> None:
        import threading

        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.longest = self.longest_cpu = 0.0
        self.samples, self.longest_where = {}, {}
        self.longest_gc = 0.0
        self.collections = []
        gc.callbacks.append(self._collected)
        self.running.set()
        self.watchdog = threading.Thread(target=self._watch, daemon=True)
        self.watchdog.start()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        if self._collected in gc.callbacks:
            gc.callbacks.remove(self._collected)
        self.running.clear()
        if self.watchdog is not None:
            self.watchdog.join()
        return self.longest

    def where(self) -> str:
        """Where the GUI thread was seen most during the longest gap."""
        top = sorted(self.longest_where.items(), key=lambda kv: -kv[1])[:2]
        return (f"[GUI thread on a core {self.longest_cpu * 1000:.0f} ms of it; garbage "
                f"collector {self.longest_gc * 1000:.0f} ms] "
                + "; ".join(f"{w} ×{n}" for w, n in top))


def measure(url: str, repeat: int = 3) -> dict[str, dict[str, Any]]:
    """{operation: {"answer_ms": median, "stall_ms": worst, "where": …}} over ``repeat``
    runs ("where": the GUI thread's place during the worst stall, when over 50 ms)."""
    import statistics

    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QComboBox

    from desk.bootstrap import open_database
    from desk.process import people
    from desk.read.settings import timezone
    from ui.main_window import MainWindow
    from ui.queue_model import COLUMNS

    _app = QApplication.instance() or QApplication([])  # kept alive while measured
    db = open_database(url)
    with db.read() as s:
        tz = timezone(s)
    from desk.admin.demo import ensure_people

    ids = ensure_people(db)  # a generated data set has faults but nobody to sign in
    person = people.get_person(db, ids["IT001"])
    window = MainWindow(db, tz, "bench", person)
    window.resize(1360, 820)
    window.show()
    model = window.model

    def wait_idle(timeout_s: float = 120.0) -> None:
        """Until the model's loads are answered, in an event loop of its own: the GUI
        thread sleeps between events, as in the window's ``exec()``. (Polling with
        ``processEvents`` kept the GUI thread busy on a core the whole time, competing
        with the very workers it waited for.)"""
        if not model.busy:
            return
        loop = QEventLoop()

        def changed(busy: bool) -> None:
            if not busy:
                loop.quit()

        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        model.busy_changed.connect(changed)
        deadline = time.perf_counter() + timeout_s
        try:
            # an answer may start the next load at once (the view fetching a page)
            while model.busy and time.perf_counter() < deadline:
                guard.start(max(1, int((deadline - time.perf_counter()) * 1000)))
                loop.exec()
        finally:
            guard.stop()
            model.busy_changed.disconnect(changed)
        if model.busy:
            raise RuntimeError("the queue did not answer")

    def timed(action: Any) -> tuple[float, float, str]:
        wait_idle()
        meter = GapMeter()
        meter.start()
        QCoreApplication.processEvents()
        t0 = time.perf_counter()
        action()  # what the person's key press or click does, on the GUI thread
        wait_idle()
        answer = time.perf_counter() - t0
        stall = meter.stop() * 1000
        return answer * 1000, stall, meter.where() if stall > STALL_MS else ""

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
    results: dict[str, dict[str, Any]] = {}
    wait_idle()
    for name, action, undo in operations:
        answers, stalls, wheres = [], [], []
        undo_stall, undo_where = 0.0, ""
        for _ in range(repeat):
            answer, stall, where = timed(action)
            answers.append(answer)
            stalls.append(stall)
            wheres.append(where)
            if undo is not None:
                _a, stall, where = timed(undo)
                if stall > undo_stall:
                    undo_stall, undo_where = stall, where
        worst = max(range(len(stalls)), key=stalls.__getitem__)
        results[name] = {"answer_ms": statistics.median(answers), "stall_ms": stalls[worst],
                         "where": wheres[worst], "undo_stall_ms": undo_stall,
                         "undo_where": undo_where}
    from ui import tasks

    tasks.wait_all(60_000)  # the view counts (their own pool), still running
    window.close()
    QCoreApplication.processEvents()  # their answers, while the window is there
    db.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("url", help="the database (sqlite:///… or postgresql://…)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--background-nice", type=int, default=None, metavar="N",
                   help="run the window's background threads at nice N instead of "
                   "ui.tasks.BACKGROUND_NICE (0: as the GUI thread), to compare")
    args = p.parse_args(argv)
    if args.background_nice is not None:
        from ui import tasks

        tasks.BACKGROUND_NICE = args.background_nice
    results = measure(args.url, args.repeat)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0
    one, five, fifteen = os.getloadavg()
    print(f"{'operation':34} {'answer':>10} {'GUI stall':>10}   (floor: stall <= {STALL_MS} ms;"
          f" load average {one:.2f}, {five:.2f}, {fifteen:.2f})")
    for name, r in results.items():
        flag = "" if r["stall_ms"] <= STALL_MS else f"  > {STALL_MS} ms at {r['where']}"
        print(f"{name:34} {r['answer_ms']:8.1f} ms {r['stall_ms']:8.1f} ms{flag}")
        if r["undo_stall_ms"] > STALL_MS:
            print(f"{'  (undoing it)':34} {'':>10} {r['undo_stall_ms']:8.1f} ms  > {STALL_MS}"
                  f" ms at {r['undo_where']}")
    worst = max(results.items(), key=lambda kv: max(kv[1]["stall_ms"], kv[1]["undo_stall_ms"]))
    print(f"worst stall: {max(worst[1]['stall_ms'], worst[1]['undo_stall_ms']):.1f} ms "
          f"({worst[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
