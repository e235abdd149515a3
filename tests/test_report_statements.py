"""What ``report_fault`` sends to the database, counted through the engine's events.

The number counter row stays locked from the upsert until COMMIT, and every desk
reporting the same type on the same day waits for it. These tests hold the shape that
keeps that wait short: all reads (settings, calendar revision, person) come before the
number, the settings are read in one query, and after the number nothing but the
inserts: on SQLite the ticket INSERT and its event INSERT; on PostgreSQL the number, the
inserts and the live notice are one call of ``desk_report`` (migration 0015), the last
statement before COMMIT, and the desk keeps the rules between reports (the database
checks that they are still the rules in force, migration 0017): a report that nothing
else writes for is one statement that commits as it returns. They also hold that the
ticket stored reads back exactly as returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from desk.admin import team as admin
from desk.db import Database
from desk.process.reporting import FaultReport, report_fault
from desk.read.tickets import get_ticket
from models import Event, FaultLevel, FaultType


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs, whitespace-folded."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _report(**changes: Any) -> FaultReport:
    values: dict[str, Any] = {
        "fault_type": FaultType.APPLICATION, "affected_business": "财务报销系统",
        "phenomenon": "提交报销单后一直显示“处理中”。", "reporter_name": "周敏",
        "reporter_employee_no": "FIN002", "reporter_contact": "13800000002",
    }
    values.update(changes)
    return FaultReport(**values)


def _numbered(statement: str) -> bool:
    """The statement that takes the number: the counter upsert, or PostgreSQL's call."""
    return statement.startswith("INSERT INTO number_counters") or "desk_report(" in statement


def _after_upsert(sent: list[str]) -> list[str]:
    upserts = [i for i, s in enumerate(sent) if _numbered(s)]
    assert len(upserts) == 1, sent
    return sent[upserts[0] + 1:]


def test_nothing_but_the_inserts_runs_while_the_number_is_held(
        db: Database, demo_people: dict[str, int]) -> None:
    report_fault(db, _report(), None)  # warm: the calendar is read and cached once
    for actor in (None, demo_people["FIN007"]):
        with statements(db) as sent:
            report_fault(db, _report(phenomenon=f"第二次报障 {actor}"), actor)
        tail = [s.split(" (")[0].split(" ")[0:3] for s in _after_upsert(sent)]
        expected = [["INSERT", "INTO", "tickets"], ["INSERT", "INTO", "events"]]
        if db.backend == "postgresql":
            expected = []  # desk_report did it all, the live notice too
        assert tail == expected, sent


def test_settings_are_read_once_and_before_the_number(db: Database) -> None:
    report_fault(db, _report(), None)
    with statements(db) as sent:
        report_fault(db, _report(phenomenon="第二次报障"), None)
    reads = [s for s in sent if "FROM settings" in s]
    if db.backend == "postgresql":
        # the rules kept since the first report; the call alone, committing with itself
        assert reads == [] and len(sent) == 1 and "desk_report(" in sent[0], sent
        return
    assert len(reads) == 1, sent
    assert not any("FROM settings" in s for s in _after_upsert(sent))
    # settings, upsert, ticket, event; SQLite adds its BEGIN IMMEDIATE
    assert len([s for s in sent if not s.startswith("BEGIN")]) <= 4, sent


def test_a_retried_report_reads_before_the_number_too(db: Database) -> None:
    first = report_fault(db, _report(client_token="form-1"), None)
    with statements(db) as sent:
        again = report_fault(db, _report(client_token="form-1"), None)
    assert again.id == first.id and again.number == first.number
    assert not any(s.startswith("INSERT") for s in sent), sent  # found, nothing written
    with statements(db) as sent:
        other = report_fault(db, _report(client_token="form-2", phenomenon="另一个故障"), None)
    assert other.number != first.number
    after = [s.split(" ")[2] for s in _after_upsert(sent)][:2]
    assert after == ([] if db.backend == "postgresql" else ["tickets", "events"]), sent


def test_the_returned_ticket_is_the_stored_row(db: Database, demo_people: dict[str, int]) -> None:
    detail = report_fault(db, _report(level=FaultLevel.IMPORTANT, business_interrupted=True,
                                      impact_scope="全公司报销", reproduce_steps="1. 登录"),
                          demo_people["SALES005"])
    stored = get_ticket(db, detail.id)
    assert stored.values == detail.values
    assert detail.version == 1 and detail.number.startswith("APP-")
    assert detail.respond_due_at == detail.reported_at + timedelta(minutes=15)
    with db.read() as session:
        events = [(e.action, e.actor_id, e.changes, e.details, e.reason) for e in
                  session.scalars(select(Event).where(Event.ticket_id == detail.id))]
    assert len(events) == 1
    action, actor_id, changes, details, reason = events[0]
    assert (action, actor_id, details, reason) == ("report", demo_people["SALES005"], {}, "")
    assert changes["number"] == {"before": None, "after": detail.number}
    assert changes["impact_scope"] == {"before": None, "after": "全公司报销"}
    assert changes["status"] == {"before": None, "after": "reported"}


def test_stored_limits_and_time_zone_are_used(
    db: Database, demo_people: dict[str, int], clock: Any
) -> None:
    clock.now = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # already the 28th in Beijing
    assert report_fault(db, _report(), None).number.startswith("APP-20261128-")
    limits = {str(int(level)): {"respond": {"minutes": 7}, "restore": {"minutes": 70}}
              for level in FaultLevel}
    admin.set_setting(db, demo_people["ADMIN"], "sla.limits", limits)
    admin.set_setting(db, demo_people["ADMIN"], "timezone", "UTC")
    detail = report_fault(db, _report(phenomenon="设置之后"), None)
    assert detail.number == "APP-20261127-001"  # the UTC day
    assert detail.respond_due_at == clock.now + timedelta(minutes=7)
    assert detail.restore_due_at == clock.now + timedelta(minutes=70)
