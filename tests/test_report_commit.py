"""A report commits with its call on PostgreSQL, and what a desk keeps between reports.

``report_fault`` keeps the rules its deadlines are computed from (``Database.memo``); the
database refuses a report computed from rules changed since (migration 0017) and the
report runs again with the new ones. When no subscriber writes for the report, the
call is the last statement and commits as it returns (``desk.db.execute_and_commit``);
a subscriber that writes after all is refused by the database. A pooled connection is
pinged only after it was idle; one found dead at the first statement is replaced and
the unit of work runs again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import models.database
from desk.admin import team as admin
from desk.db import Database
from desk.events import Bus, FaultReported
from desk.process.reporting import FaultReport, report_fault
from desk.read.tickets import get_ticket
from models import FaultLevel, FaultType, OutboxMessage, Ticket
from tests.conftest import _libpq, terminate_backends


def _report(**changes: Any) -> FaultReport:
    values: dict[str, Any] = {
        "fault_type": FaultType.NETWORK, "affected_business": "办公网络",
        "phenomenon": "三楼无线网络频繁掉线。", "reporter_name": "周敏",
        "reporter_employee_no": "FIN002",
    }
    values.update(changes)
    return FaultReport(**values)


def _count(db: Database, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_rules_changed_by_another_desk_are_used_at_once(
    db: Database, demo_people: dict[str, int], make_db: Callable[[str], object], clock: Any
) -> None:
    report_fault(db, _report(), None)  # this desk now keeps the rules
    other = make_db(str(db.engine.url.render_as_string(hide_password=False)))
    assert isinstance(other, Database) and other is not db
    limits = {str(int(level)): {"respond": {"minutes": 9}, "restore": {"minutes": 90}}
              for level in FaultLevel}
    admin.set_setting(other, demo_people["ADMIN"], "sla.limits", limits)
    detail = report_fault(db, _report(phenomenon="规则改了之后"), None)
    assert detail.respond_due_at == clock.now + timedelta(minutes=9)
    assert detail.restore_due_at == clock.now + timedelta(minutes=90)
    assert get_ticket(db, detail.id).values == detail.values
    # and once more with the rules read again: nothing refused, the same limits
    again = report_fault(db, _report(phenomenon="再报一次"), None)
    assert again.respond_due_at == clock.now + timedelta(minutes=9)


@pytest.mark.pg
def test_a_stale_stamp_is_refused_by_the_database(
    pg_db_url: str, make_db: Callable[[str], object]
) -> None:
    """As a desk with stale rules sends it: the call names the keys and what it read."""
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    report_fault(db, _report(), None)
    with psycopg.connect(_libpq(pg_db_url)) as conn:
        row, changes = conn.execute(
            "SELECT to_jsonb(t) - 'id' - 'number', (SELECT changes::jsonb - 'number' "
            "FROM events WHERE ticket_id = t.id) FROM tickets t").fetchone()  # type: ignore[misc]
        stamp = dict(conn.execute("SELECT key, xmin::text FROM settings WHERE key = ANY(%s)",
                                  (["timezone", "sla.limits"],)).fetchall())
        conn.rollback()
        call = ("SELECT o_number FROM desk_report(%s::jsonb, %s::jsonb, "
                "(%s::jsonb ->> 'reported_at')::date, NULL, %s::text[], %s::jsonb)")
        keys = ["timezone", "sla.limits"]
        args = (psycopg.types.json.Jsonb(row), psycopg.types.json.Jsonb(changes),
                psycopg.types.json.Jsonb(row), keys)
        with pytest.raises(psycopg.Error, match="deadline rules changed") as refused:
            conn.execute(call, (*args, psycopg.types.json.Jsonb({**stamp, "timezone": "1"})))
        assert refused.value.sqlstate == "DKR01"
        conn.rollback()
        assert conn.execute(call, (*args, psycopg.types.json.Jsonb(stamp))).fetchone()
        conn.rollback()  # (the owner's call: only the stamp was in question)


@pytest.mark.pg
def test_a_write_after_the_commit_is_refused_and_the_report_stands(
    pg_db_url: str, make_db: Callable[[str], object]
) -> None:
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    report_fault(db, _report(), None)
    outbox_before = _count(db, OutboxMessage)

    def lying(session: Session, event: FaultReported) -> None:  # says it writes nothing
        session.execute(text("INSERT INTO outbox (created_at, ticket_id, trigger, recipients, "
                             "subject, body, status, attempts, next_attempt_at, last_error) "
                             "VALUES (now(), :t, 'x', '[]', 's', 'b', 'pending', 0, now(), '')"),
                        {"t": event.ticket.id})

    db.bus.subscribe(FaultReported, lying, writes=lambda _event: False)
    with pytest.raises(sa_exc.DBAPIError, match="read-only transaction"):
        report_fault(db, _report(phenomenon="第二次"), None)
    assert _count(db, Ticket) == 2  # committed with its call
    assert _count(db, OutboxMessage) == outbox_before  # the stray write: refused
    # the connection went back to the pool writable again
    db.bus.handlers[FaultReported].remove(lying)
    assert report_fault(db, _report(phenomenon="第三次"), None).number.endswith("-003")


def test_the_bus_says_whether_a_handler_may_write() -> None:
    bus = Bus()
    event = FaultReported(ticket=None, at=None)  # type: ignore[arg-type]
    assert not bus.may_write(event)  # nobody listens
    bus.subscribe(FaultReported, lambda _s, _e: None, writes=lambda _e: False)
    assert not bus.may_write(event)
    bus.subscribe(FaultReported, lambda _s, _e: None)  # did not say: may write
    assert bus.may_write(event)


@pytest.mark.pg
def test_an_urgent_report_waits_for_its_notices(
    pg_db_url: str, make_db: Callable[[str], object]
) -> None:
    """The outbox queues a notice for an urgent fault: the report does not commit with
    its call, and a subscriber failing after it takes the report back with it."""
    db = make_db(pg_db_url)
    assert isinstance(db, Database)

    def failing(_session: Session, event: FaultReported) -> None:
        if event.ticket.level == FaultLevel.URGENT:
            raise RuntimeError("the notice could not be queued")

    db.bus.subscribe(FaultReported, failing, writes=lambda _event: False)
    with pytest.raises(RuntimeError):
        report_fault(db, _report(level=FaultLevel.URGENT, business_interrupted=True), None)
    assert _count(db, Ticket) == 0
    assert report_fault(db, _report(), None).number.endswith("-001")  # no number lost


@pytest.mark.pg
def test_a_connection_lost_before_the_work_is_replaced(
    pg_db_url: str, make_db: Callable[[str], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    report_fault(db, _report(), None)
    # used a moment ago, so not pinged: the work meets the dead connection and runs again
    monkeypatch.setattr(models.database, "PING_AFTER_IDLE_S", 3600.0)
    assert terminate_backends(pg_db_url) >= 1
    assert report_fault(db, _report(phenomenon="重启之后"), None).number.endswith("-002")
    assert _count(db, Ticket) == 2
    # idle long enough (here: always): pinged at checkout and replaced before a read
    monkeypatch.setattr(models.database, "PING_AFTER_IDLE_S", 0.0)
    assert terminate_backends(pg_db_url) >= 1
    assert _count(db, Ticket) == 2
