"""Live updates: PostgreSQL notices after commit, reconnects, and SQLite's data_version."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pytest

from desk.admin.demo import ensure_people
from desk.db import Database
from desk.notify import live
from desk.process import workflow
from desk.process.reporting import FaultReport, report_fault
from models import FaultType

pytestmark = pytest.mark.pg


def _report(db: Database) -> int:
    detail = report_fault(
        db,
        FaultReport(fault_type=FaultType.NETWORK, affected_business="办公网络 – 三楼",
                    phenomenon="无线网络频繁掉线。", reporter_name="孙丽"),
        None,
    )
    return int(detail.id)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def listener(pg_db_url: str, make_db: Callable[[str], object]) -> Iterator[live.TicketListener]:
    make_db(pg_db_url)  # the schema exists before anyone listens
    with live.TicketListener(pg_db_url, reconnect_delay=0.05) as listening:
        yield listening


def test_listener_sees_a_report_from_another_database_within_a_second(
    pg_db_url: str, make_db: Callable[[str], object], listener: live.TicketListener
) -> None:
    other = make_db(pg_db_url)
    assert isinstance(other, Database)
    assert listener.poll(0) == []
    ticket_id = _report(other)
    started = time.monotonic()
    notices = listener.poll(1.0)
    assert time.monotonic() - started < 1.0
    assert notices == [live.TicketChange(ticket_id=ticket_id, version=1)]


def test_a_workflow_step_is_announced_with_the_new_version(
    pg_db_url: str, make_db: Callable[[str], object], listener: live.TicketListener
) -> None:
    other = make_db(pg_db_url)
    assert isinstance(other, Database)
    ids = ensure_people(other)
    ticket_id = _report(other)
    assert listener.poll(1.0) == [live.TicketChange(ticket_id, 1)]
    after = workflow.perform(other, "triage", ticket_id, ids["IT001"], {
        "first_contact": "已电话联系报告人", "confirmed_details": "三楼全部 AP 掉线",
        "first_investigation": "交换机端口异常", "fault_type": "NET", "level": 2,
    })
    assert after.version > 1
    assert listener.poll(1.0) == [live.TicketChange(ticket_id, after.version)]


def test_nothing_is_announced_for_a_unit_of_work_that_rolls_back(
    pg_db_url: str, make_db: Callable[[str], object], listener: live.TicketListener
) -> None:
    other = make_db(pg_db_url)
    assert isinstance(other, Database)

    def fails(session: object) -> None:
        live.notify(session, 12345)  # type: ignore[arg-type]
        raise RuntimeError("refused after notify")

    with pytest.raises(RuntimeError):
        other.write(fails)  # type: ignore[arg-type]
    assert listener.poll(0.3) == []


def test_listener_reconnects_after_its_backend_is_terminated_and_asks_for_resync(
    pg_db_url: str, make_db: Callable[[str], object], listener: live.TicketListener
) -> None:
    other = make_db(pg_db_url)
    assert isinstance(other, Database)
    pid = listener.backend_pid
    assert pid is not None
    with psycopg.connect(_libpq(pg_db_url), autocommit=True) as admin:
        killed = admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
    assert killed == (True,)
    assert listener.poll(2.0) == [live.RESYNC]
    assert listener.backend_pid not in (None, pid)
    ticket_id = _report(other)
    assert listener.poll(1.0) == [live.TicketChange(ticket_id, 1)]


def test_notices_for_one_ticket_are_coalesced_to_its_newest_version() -> None:
    notices = live._coalesce([
        live.TicketChange(1, 1), live.TicketChange(2, 1), live.TicketChange(1, 3),
        live.TicketChange(1, 2),
    ])
    assert notices == [live.TicketChange(1, 3), live.TicketChange(2, 1)]


@pytest.mark.parametrize("payload", ["not json", '{"id": 1}', '{"id": "x", "version": 2}', "[]"])
def test_an_unexpected_payload_means_resync(payload: str) -> None:
    assert live.parse_payload(payload) is live.RESYNC


def test_the_listener_refuses_an_sqlite_url(sqlite_url: str) -> None:
    with pytest.raises(live.DatabaseError):
        live.TicketListener(sqlite_url)


def test_sqlite_watcher_notices_a_commit_from_another_connection(
    sqlite_url: str, make_db: Callable[[str], object]
) -> None:
    make_db(sqlite_url)
    other = make_db(sqlite_url)  # another engine: another desk on the same file
    assert isinstance(other, Database)
    with live.DataVersionWatcher(sqlite_url, interval=0.02) as watcher:
        assert watcher.poll(0.1) == []
        _report(other)
        started = time.monotonic()
        assert watcher.poll(1.0) == [live.RESYNC]
        assert time.monotonic() - started < 1.0
        assert watcher.poll(0.1) == []  # reported once, not again


def test_sqlite_watcher_needs_an_existing_file(tmp_path: object) -> None:
    with pytest.raises(live.DatabaseError):
        live.DataVersionWatcher(f"sqlite:///{tmp_path}/missing.sqlite3")
