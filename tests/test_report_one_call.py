"""Reporting on PostgreSQL goes through ``desk_report`` (migration 0015) in one call; on
SQLite through the application's statements. Both store the same rows: the ticket, its
``report`` event (the same ``changes`` text), the outbox messages of its notices; the
database formats numbers as ``desk.rules.numbering`` does, and the live notice is sent
once, by the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, text

from desk.admin.demo import ensure_people
from desk.db import Database
from desk.notify import live
from desk.process.reporting import FaultReport, report_fault
from desk.rules.numbering import format_number
from models import Event, FaultLevel, FaultType, OutboxMessage, Person, Ticket


def _report(**changes: Any) -> FaultReport:
    values: dict[str, Any] = {
        "fault_type": FaultType.APPLICATION, "affected_business": "财务报销系统 – 审批",
        "phenomenon": "提交报销单后一直显示“处理中”。\n第二行\t制表符 \"引号\" \\ 反斜杠",
        "reporter_name": "周敏", "reporter_employee_no": "FIN002",
        "reporter_contact": "13800000002", "level": FaultLevel.URGENT,
        "business_interrupted": True, "impact_scope": "全公司报销",
        "reproduce_steps": "1. 登录\n2. 提交",
    }
    values.update(changes)
    return FaultReport(**values)


def _stored(db: Database, ticket_id: int) -> dict[str, Any]:
    """What a report left in the database, with people named by employee number."""
    with db.read() as session:
        nos = {i: no for i, no in session.execute(select(Person.id, Person.employee_no))}
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        values = {c.key: getattr(ticket, c.key) for c in Ticket.__table__.columns
                  if c.key != "id"}
        values["reported_by_id"] = nos.get(values["reported_by_id"])
        events = [(e.action, nos.get(e.actor_id), e.at, e.changes, e.details, e.reason)
                  for e in session.scalars(select(Event).where(Event.ticket_id == ticket_id))]
        changes_text = session.execute(text("SELECT changes FROM events WHERE ticket_id = :t"),
                                       {"t": ticket_id}).scalar_one()
        outbox = [(m.trigger, m.subject, m.body, m.document, m.status, m.created_at,
                   [{**r, "person_id": nos.get(r["person_id"]),
                     "key": r["key"] if r["key"].startswith("e:") else
                     f"p:{nos.get(r['person_id'])}"} for r in m.recipients])
                  for m in session.scalars(select(OutboxMessage).where(
                      OutboxMessage.ticket_id == ticket_id).order_by(OutboxMessage.id))]
    return {"ticket": values, "events": events, "changes_text": changes_text,
            "outbox": outbox}


@pytest.mark.pg
def test_both_backends_store_the_same_rows(
    sqlite_url: str, pg_db_url: str, make_db: Callable[[str], object]
) -> None:
    found = {}
    for url in (sqlite_url, pg_db_url):
        db = make_db(url)
        assert isinstance(db, Database)
        ids = ensure_people(db)
        first = report_fault(db, _report(), ids["SALES005"])
        second = report_fault(db, _report(level=FaultLevel.GENERAL, business_interrupted=False,
                                          fault_type=FaultType.NETWORK, reporter_name="",
                                          reporter_employee_no="", reporter_contact=""),
                              ids["IT001"])
        assert first.number == "APP-20261127-001" and second.number == "NET-20261127-001"
        assert first.people == {ids["SALES005"]: "孙丽（SALES005）"}
        found[db.backend] = [_stored(db, first.id), _stored(db, second.id)]
        assert found[db.backend][0]["outbox"], "an urgent report queues its notices"
    assert found["postgresql"] == found["sqlite"]
    # the event's changes are stored as JSONText writes them, number included
    for row in found["postgresql"]:
        assert row["changes_text"] == json.dumps(json.loads(row["changes_text"]),
                                                 ensure_ascii=False, sort_keys=True)
        assert "number" in row["events"][0][3]


@pytest.mark.pg
def test_the_database_numbers_as_the_application_does(
    pg_db_url: str, make_db: Callable[[str], object]
) -> None:
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    with db.engine.connect() as conn:
        for kind in FaultType:
            for seq in (1, 9, 10, 99, 100, 999, 1000, 12345):
                day = date(2026, 1, 2)
                sql = conn.execute(text("SELECT desk_number(:k, :d, :s)"),
                                   {"k": kind.value, "d": day, "s": seq}).scalar_one()
                assert sql == format_number(kind, day, seq)


@pytest.mark.pg
def test_one_call_and_one_live_notice(pg_db_url: str, make_db: Callable[[str], object]) -> None:
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    ids = ensure_people(db)
    report_fault(db, _report(level=FaultLevel.GENERAL, business_interrupted=False), None)
    sent: list[str] = []

    from sqlalchemy import event

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    with live.TicketListener(pg_db_url, reconnect_delay=0.05) as listener:
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            detail = report_fault(db, _report(level=FaultLevel.GENERAL,
                                              business_interrupted=False), ids["SALES005"])
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        notices = listener.poll(1.0)
        notices += listener.poll(0.2)
    writes = [s for s in sent if not s.startswith("SELECT") or "desk_report(" in s]
    assert len(writes) == 1 and "desk_report(" in writes[0], sent
    assert not any(s.startswith("INSERT") for s in sent), sent
    # one message: the call, its COMMIT, then the notice as a transaction of its own
    # (a notifying transaction holds PostgreSQL's notification lock through its commit)
    call, commit, notice = (part.strip() for part in writes[0].split(";")[-3:])
    assert "desk_report(" in call and commit == "COMMIT" and "pg_notify" in notice, sent
    assert notices == [live.TicketChange(ticket_id=detail.id, version=1)]


def test_sqlite_keeps_the_applications_statements(
    sqlite_url: str, make_db: Callable[[str], object]
) -> None:
    db = make_db(sqlite_url)
    assert isinstance(db, Database)
    detail = report_fault(db, _report(), None)
    assert detail.number.startswith("APP-")
    with db.engine.connect() as conn:  # nothing of PostgreSQL's function on SQLite
        assert "desk_report" not in str(conn.execute(text(
            "SELECT group_concat(name) FROM sqlite_master")).scalar_one())


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.mark.pg
def test_a_refused_report_takes_no_number(pg_db_url: str,
                                          make_db: Callable[[str], object]) -> None:
    """The owner's call is checked for the row and the event too; a refusal leaves the
    counter where it was."""
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    report_fault(db, _report(), None)
    with psycopg.connect(_libpq(pg_db_url)) as conn:
        row, changes = conn.execute(
            "SELECT to_jsonb(t) - 'id' - 'number', (SELECT changes::jsonb - 'number' "
            "FROM events WHERE ticket_id = t.id) FROM tickets t").fetchone()  # type: ignore[misc]
        conn.rollback()
        cases = [
            ({**row, "assignee_id": 1}, changes, "only what a report says"),
            (row, {**changes, "phenomenon": {"before": None, "after": "别的"}}, "what is stored"),
            ({**row, "fault_type": "EVIL"}, changes, "unknown fault type"),
            (row, {**changes, "status": {"before": None, "after": "archived"}},
             "what is stored"),
            ({**row, "phenomenon": " "},
             {**changes, "phenomenon": {"before": None, "after": " "}}, "needs the business"),
        ]
        for ticket, said, message in cases:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=message):
                conn.execute("SELECT desk_report(%s::jsonb, %s::jsonb, %s, NULL)",
                             (json.dumps(ticket), json.dumps(said), date(2026, 11, 27)))
            conn.rollback()
        assert conn.execute("SELECT sum(last_seq), (SELECT count(*) FROM tickets) "
                            "FROM number_counters").fetchone() == (1, 1)
