"""Benchmark: the notification rounds a desk runs every 30 seconds, on SQLite.

Prints the time of ``check_clocks`` over N open tickets (the first run, which queues the
SLA messages, and a steady-state run, which finds nothing new), the cost that enqueueing
adds to a dispatch, and the delivery rate of ``send_due`` to a local SMTP server
(aiosmtpd on 127.0.0.1) with and without a PDF rendered per message.

    .venv/bin/python bench/bench_notify.py --tickets 300 --messages 40
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller  # noqa: E402

from desk.admin.demo import ensure_people
from desk.bootstrap import open_database  # noqa: E402
from desk.notify import outbox as notify
from desk.process import workflow
from desk.process.reporting import FaultReport, report_fault
from models import FaultLevel, FaultType  # noqa: E402


class Sink:
    count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        Sink.count += 1
        return "250 OK"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=300)
    ap.add_argument("--messages", type=int, default=40)
    args = ap.parse_args()
    folder = tempfile.mkdtemp()
    db = open_database(f"sqlite:///{folder}/bench.sqlite3")
    ids = ensure_people(db)
    t0 = time.perf_counter()
    numbers = []
    for i in range(args.tickets):
        level = (FaultLevel.GENERAL, FaultLevel.IMPORTANT)[i % 2]
        numbers.append(report_fault(db, FaultReport(
            fault_type=FaultType.SYSTEM, level=level, affected_business=f"业务 {i}",
            phenomenon="基准测试"), ids["SALES005"]).number)
    print(f"reported {args.tickets} tickets in {time.perf_counter() - t0:.1f} s")
    real = db.clock
    later = real() + __import__("datetime").timedelta(hours=3)
    db.clock = lambda: later
    t0 = time.perf_counter()
    queued = notify.check_clocks(db)
    print(f"check_clocks, first run over {args.tickets} open tickets: "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms, queued {len(queued)}")
    t0 = time.perf_counter()
    again = notify.check_clocks(db)
    print(f"check_clocks, steady state: {(time.perf_counter() - t0) * 1000:.0f} ms, "
          f"queued {len(again)}")
    db.clock = real

    # dispatch with and without the enqueue (rules disabled) to see what it adds
    def triage_dispatch(number: str) -> float:
        workflow.perform(db, "triage", number, ids["IT001"],
                         {"first_contact": "已联系", "fault_type": "SYS", "level": 3})
        start = time.perf_counter()
        workflow.perform(db, "dispatch", number, ids["LEAD01"],
                         {"level": 3, "module_engineer_id": ids["OP003"]})
        return time.perf_counter() - start

    with_mail = [triage_dispatch(n) for n in numbers[:20]]
    from sqlalchemy import update

    from models import NotificationRule

    db.write(lambda s: s.execute(update(NotificationRule).values(enabled=False)))
    without = [triage_dispatch(n) for n in numbers[20:40]]
    db.write(lambda s: s.execute(update(NotificationRule).values(enabled=True)))
    print(f"dispatch: {sum(with_mail) / len(with_mail) * 1000:.1f} ms with the start-notice "
          f"mail queued, {sum(without) / len(without) * 1000:.1f} ms without")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = notify.SmtpSettings(host="127.0.0.1", port=port, security="none",
                                   from_address="desk@example.com")
        for label, trigger in (("with a start-notice PDF each", "dispatch"),
                               ("plain text", "sla_")):
            def only(session: Any, trigger: str = trigger) -> None:
                from models import OutboxMessage
                session.execute(update(OutboxMessage).where(
                    ~OutboxMessage.trigger.startswith(trigger),
                    OutboxMessage.status == "pending").values(status="held"))
            db.write(only)
            Sink.count = 0
            t0 = time.perf_counter()
            sent = 0
            while sent < args.messages:
                report = notify.send_due(db, smtp, "bench", now=later, batch=20)
                if not report.claimed:
                    break
                sent += len(report.sent)
            elapsed = time.perf_counter() - t0
            print(f"send_due {label}: {sent} messages in {elapsed:.2f} s "
                  f"({sent / elapsed:.1f} msg/s), server got {Sink.count}")
            db.write(lambda s: s.execute(update(__import__("models").OutboxMessage).where(
                __import__("models").OutboxMessage.status == "held").values(status="pending")))
    finally:
        controller.stop()
        db.dispose()


if __name__ == "__main__":
    main()
