"""Faults between a desk and its database: unknown commit outcomes, refused logins.

A connection that breaks during COMMIT leaves the desk not knowing whether the ticket
was saved; ``report_fault`` must then find it instead of filing it twice. A server
that refuses the login, or is not there at all, gives a clear message at start.
"""

from __future__ import annotations

import socket
import sqlite3
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy import exc as sa_exc

from desk.bootstrap import open_database
from desk.errors import DatabaseError
from desk.process.reporting import FaultReport, report_fault
from models import FaultType, Ticket
from tests.conftest import require_pg


def _lost(db) -> sa_exc.OperationalError:
    orig: Exception
    if db.backend == "postgresql":
        orig = psycopg.OperationalError("server closed the connection unexpectedly")
    else:
        orig = sqlite3.OperationalError("disk I/O error")
    return sa_exc.OperationalError("COMMIT", None, orig)


def _report(clock, token: str | None = None) -> FaultReport:
    return FaultReport(fault_type=FaultType.APPLICATION, affected_business="销售订单系统 – 下单",
                       phenomenon="提交订单后页面显示错误 500。", reporter_name="孙丽",
                       occurred_at=clock.now - timedelta(minutes=5), client_token=token)


@contextmanager
def _before_commit(db, hook):
    """Run ``hook`` just before a report's COMMIT goes out: on SQLite the session's
    commit; on PostgreSQL the COMMIT goes with ``desk_report``'s call, so before it."""
    if db.backend == "sqlite":
        event.listen(db.write_sessions, "before_commit", hook)
        try:
            yield
        finally:
            event.remove(db.write_sessions, "before_commit", hook)
        return

    def before_call(_conn, _cursor, statement, *_args) -> None:
        if "desk_report(" in statement:
            hook(None)

    event.listen(db.engine, "before_cursor_execute", before_call)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", before_call)


def _count(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(Ticket.id))))


def test_commit_that_reached_the_server_is_not_filed_twice(db, demo_people, clock):
    attempts: list[int] = []

    def break_after_commit(session) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise _lost(db)  # the server committed; the answer never came back

    event.listen(db.write_sessions, "after_commit", break_after_commit)
    try:
        detail = report_fault(db, _report(clock), demo_people["SALES005"])
    finally:
        event.remove(db.write_sessions, "after_commit", break_after_commit)
    assert len(attempts) == 1  # found, not written again
    assert _count(db) == 1
    with db.read() as s:
        (only,) = s.scalars(select(Ticket)).all()
        assert (only.id, only.number) == (detail.id, detail.number)
        assert only.reported_by_id == demo_people["SALES005"]


def test_commit_that_never_reached_the_server_is_written_once_more(db, demo_people, clock):
    attempts: list[int] = []

    def break_before_commit(session) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise _lost(db)

    with _before_commit(db, break_before_commit):
        detail = report_fault(db, _report(clock), demo_people["SALES005"])
    assert len(attempts) == 2
    assert _count(db) == 1
    assert detail.phenomenon == "提交订单后页面显示错误 500。"


def test_server_still_down_gives_the_connection_message(db, demo_people, clock):
    def always_lost(session) -> None:
        raise _lost(db)

    with _before_commit(db, always_lost), pytest.raises(DatabaseError) as caught:
        report_fault(db, _report(clock), demo_people["SALES005"])
    assert "数据库连接中断" in caught.value.zh
    assert _count(db) == 0


def test_pressing_save_again_after_an_unknown_outcome_returns_the_same_ticket(
        db, demo_people, clock):
    attempts: list[int] = []

    def lost_and_lookup_fails(session) -> None:
        attempts.append(1)
        raise _lost(db)

    typed = _report(clock, token="form-1")
    # first press: the commit lands but the answer is lost, and the desk cannot even
    # look (the read fails too): the person sees the connection message
    event.listen(db.write_sessions, "after_commit", lost_and_lookup_fails)
    read_broken = [True]

    def broken_read(session, transaction, connection) -> None:
        if read_broken[0]:
            raise _lost(db)

    event.listen(db.read_sessions, "after_begin", broken_read)
    try:
        with pytest.raises(DatabaseError):
            report_fault(db, replace(typed), demo_people["SALES005"])
    finally:
        event.remove(db.write_sessions, "after_commit", lost_and_lookup_fails)
        event.remove(db.read_sessions, "after_begin", broken_read)
    assert _count(db) == 1
    clock.advance(minutes=2)
    # second press from the same form, connection back: no second ticket
    again = report_fault(db, replace(typed), demo_people["SALES005"])
    assert _count(db) == 1
    # a new form saying something else is a new ticket
    other = _report(clock, token="form-2")
    other.phenomenon = "订单列表加载缓慢。"
    second = report_fault(db, other, demo_people["SALES005"])
    assert _count(db) == 2 and second.id != again.id


def test_wrong_user_is_refused_with_a_clear_message():
    require_pg()
    with pytest.raises(DatabaseError) as caught:
        open_database("postgresql://desk_no_such_login@127.0.0.1:5432/postgres")
    assert "拒绝了登录" in caught.value.zh and "desk_no_such_login" in caught.value.zh
    assert "refused the login" in caught.value.en
    assert "Traceback" not in caught.value.zh


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening_gives_a_clear_message():
    port = _free_port()
    with pytest.raises(DatabaseError) as caught:
        open_database(f"postgresql://postgres@127.0.0.1:{port}/desk")
    assert f"无法连接数据库服务器 127.0.0.1:{port}" in caught.value.zh
    assert "Check that the server is running" in caught.value.en


def test_missing_database_gives_a_clear_message():
    require_pg()
    with pytest.raises(DatabaseError) as caught:
        open_database("postgresql://postgres@127.0.0.1:5432/desk_no_such_database")
    assert "上没有数据库 desk_no_such_database" in caught.value.zh
