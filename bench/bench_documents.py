"""How long the printable documents take to build.

Run: ``.venv/bin/python bench/bench_documents.py [--repeat N] [--batch N] [--pages N]``

Prints, on a fresh SQLite file with the demo data:
- each of the five documents for the archived demo fault (median of N, read + layout);
- a batch of start notices (default 1,000) over the dispatched-or-later demo faults;
- a record table with enough implementation steps for about 50 pages.

Targets: a notice under 50 ms; a 50-page record under 1 s.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdf  # noqa: E402

from desk.admin.demo import add_demo_data
from desk.bootstrap import open_database  # noqa: E402
from desk.db import Database  # noqa: E402
from desk.read import documents, tickets
from models import ImplementationStep, Status  # noqa: E402

STEPS_PER_PAGE = 20  # measured: a record's step table holds about this many per page


def _median_ms(fn: object, repeat: int) -> tuple[float, bytes]:
    times = []
    result = b""
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def _add_steps(db: Database, number: str, count: int) -> None:
    def work(session: object) -> None:
        ticket = tickets.load_ticket(session, number)  # type: ignore[arg-type]
        first = len(ticket.steps) + 1
        for i in range(first, first + count):
            session.add(ImplementationStep(  # type: ignore[attr-defined]
                ticket_id=ticket.id, seq=i, done_by_id=ticket.assignee_id,
                done_at=db.now() + timedelta(minutes=i),
                action=f"第 {i} 步：检查应用服务器 app-{i % 7} 的连接池配置并记录结果",
                state_after="正常" if i % 3 else "连接数恢复到 40 以下，继续观察十分钟后确认稳定",
            ))

    db.write(work)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per document (median)")
    parser.add_argument("--batch", type=int, default=1000, help="start notices in the batch")
    parser.add_argument("--pages", type=int, default=50, help="pages of the long record")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{folder}/bench.sqlite3")
        try:
            numbers = add_demo_data(db)
            archived = numbers[0]
            documents.render(db, "start-notice", archived)  # font loading, once per process
            rows: list[tuple[str, str, str, str]] = []
            for kind in (*documents.KINDS, "verification-form-blank"):
                ms, data = _median_ms(lambda k=kind: documents.render(db, k, archived),
                                      args.repeat)
                target = "< 50 ms" if kind.endswith("notice") else ""
                rows.append((documents.KIND_LABELS_ZH[kind] + f" ({kind})", f"{ms:.1f} ms",
                             str(_pages(data)), target))

            with db.read() as session:
                from sqlalchemy import select

                from models import Ticket

                eligible = list(session.scalars(select(Ticket.number).where(
                    Ticket.dispatched_at.is_not(None))).all())
            start = time.perf_counter()
            total_bytes = 0
            for i in range(args.batch):
                total_bytes += len(documents.render(db, "start-notice",
                                                    eligible[i % len(eligible)]))
            batch_s = time.perf_counter() - start
            rows.append((f"{args.batch} 份启动通知（批量）", f"{batch_s:.2f} s",
                         f"{args.batch}", f"{batch_s / args.batch * 1000:.1f} ms/份"))

            implementing = numbers[3]
            _add_steps(db, implementing, args.pages * STEPS_PER_PAGE)
            with db.read() as session:
                assert tickets.load_ticket(session, implementing).status == Status.IMPLEMENTING
            ms, data = _median_ms(lambda: documents.render(db, "record", implementing),
                                  max(3, args.repeat // 5))
            data_ms, record = _median_ms(lambda: documents.record_data(db, implementing), 3)
            layout_ms, _ = _median_ms(lambda: documents.build(record), 3)
            rows.append((f"记录表（{len(record.steps)} 个实施步骤）", f"{ms:.0f} ms",
                         str(_pages(data)), "< 1 s"))
            rows.append(("　其中读取数据", f"{data_ms:.0f} ms", "", ""))
            rows.append(("　其中排版", f"{layout_ms:.0f} ms", "", ""))
        finally:
            db.dispose()

    width = max(len(r[0]) for r in rows) + 4
    print(f"{'文档 document':<{width}}{'时间 time':>12}{'页 pages':>10}  目标 target")
    for name, value, pages, target in rows:
        print(f"{name:<{width}}{value:>12}{pages:>10}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
