"""Fault numbers: ``TYPE-YYYYMMDD-NNN`` by the desk's local day, past 999, never twice.

The concurrency test starts 8 processes (each its own ``Database``, as 8 desks would)
that report 40 faults each (200 with ``DESK_NIGHTLY=1``) at the same moment, on an
SQLite file and on PostgreSQL, and checks that every (type, day) sequence is exactly 1..N.
"""

from __future__ import annotations

import multiprocessing
import queue
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desk.admin import team
from desk.db import Database
from desk.errors import ValidationError
from desk.process.reporting import FaultReport, report_fault
from desk.rules.numbering import format_number
from models import FaultType, NumberCounter, Ticket
from tests.conftest import nightly

BEIJING = ZoneInfo("Asia/Shanghai")
NUMBER = re.compile(r"^([A-Z]+)-(\d{8})-(\d{3,})$")


def _report(db: Database, fault_type: FaultType = FaultType.SYSTEM) -> str:
    detail = report_fault(
        db,
        FaultReport(fault_type=fault_type, affected_business="销售订单系统 – 下单",
                    phenomenon="点击“提交订单”后页面显示错误 500。", reporter_name="孙丽"),
        None,
    )
    return str(detail.number)


# -- format -------------------------------------------------------------------------------


@pytest.mark.parametrize(("seq", "expected"), [
    (1, "SYS-20261127-001"),
    (42, "SYS-20261127-042"),
    (999, "SYS-20261127-999"),
    (1000, "SYS-20261127-1000"),
    (123456, "SYS-20261127-123456"),
])
def test_format_number_pads_to_three_digits_and_grows_past_999(seq: int, expected: str) -> None:
    assert format_number(FaultType.SYSTEM, date(2026, 11, 27), seq) == expected


def test_format_number_uses_the_type_abbreviation_and_the_day() -> None:
    assert format_number(FaultType.NETWORK, date(2027, 1, 5), 7) == "NET-20270105-007"
    assert format_number(FaultType.DATA, date(2028, 2, 29), 12) == "DATA-20280229-012"


# -- the local day -------------------------------------------------------------------------


def test_a_fault_at_half_past_midnight_in_beijing_carries_the_local_date(
    db: Database, clock: Any
) -> None:
    clock.now = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 2026-11-27 00:30 in Beijing
    assert _report(db) == "SYS-20261127-001"
    clock.now = datetime(2026, 11, 26, 15, 59, tzinfo=UTC)  # 2026-11-26 23:59 in Beijing
    assert _report(db) == "SYS-20261126-001"
    clock.now = datetime(2026, 11, 27, 15, 59, tzinfo=UTC)  # 2026-11-27 23:59 in Beijing
    assert _report(db) == "SYS-20261127-002"


def test_the_number_follows_the_desks_time_zone_setting(db: Database, clock: Any) -> None:
    db.write(lambda session: team.put(session, "timezone", "UTC"))
    clock.now = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    assert _report(db) == "SYS-20261126-001"


MIDNIGHTS = [date(2026, 11, 27), date(2027, 1, 1), date(2028, 2, 29), date(2028, 3, 1),
             date(2026, 10, 1)]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    day=st.sampled_from(MIDNIGHTS),
    minutes=st.integers(min_value=-90, max_value=90),
    fault_type=st.sampled_from([FaultType.SYSTEM, FaultType.NETWORK, FaultType.DATA]),
)
@example(day=date(2026, 11, 27), minutes=30, fault_type=FaultType.SYSTEM)
@example(day=date(2027, 1, 1), minutes=-1, fault_type=FaultType.SYSTEM)
@example(day=date(2027, 1, 1), minutes=0, fault_type=FaultType.SYSTEM)
def test_numbers_carry_the_local_day_around_midnight(
    db: Database, clock: Any, day: date, minutes: int, fault_type: FaultType
) -> None:
    local = datetime.combine(day, time(0), tzinfo=BEIJING) + timedelta(minutes=minutes)
    clock.now = local.astimezone(UTC)
    prefix = f"{fault_type.value}-{local.date():%Y%m%d}-"
    with db.read() as session:
        before = session.scalar(
            select(func.count(Ticket.id)).where(Ticket.number.startswith(prefix)))
    number = _report(db, fault_type)
    assert number == format_number(fault_type, local.date(), int(before or 0) + 1)
    # the UTC date differs for every moment from 00:00 to 07:59 Beijing time
    if 0 <= minutes < 8 * 60:
        assert f"{clock.now:%Y%m%d}" not in number


def test_the_sequence_grows_past_999(db: Database, clock: Any) -> None:
    local_day = clock.now.astimezone(BEIJING).date()
    db.write(lambda session: session.add(
        NumberCounter(fault_type=FaultType.SYSTEM.value, day=local_day, last_seq=998)))
    assert _report(db) == f"SYS-{local_day:%Y%m%d}-999"
    assert _report(db) == f"SYS-{local_day:%Y%m%d}-1000"
    assert _report(db, FaultType.NETWORK) == f"NET-{local_day:%Y%m%d}-001"


def test_a_failed_report_does_not_use_up_a_number(db: Database) -> None:
    first = _report(db)
    with pytest.raises(ValidationError):
        report_fault(db, FaultReport(fault_type=FaultType.SYSTEM, affected_business="",
                                     phenomenon="", reporter_name=""), None)
    second = _report(db)
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


# -- many desks at once ---------------------------------------------------------------------

PROCESSES = 8
REPORTS_EACH = nightly(200, 40)
CONCURRENT_TYPES = (FaultType.SYSTEM, FaultType.NETWORK)


def _report_many(url: str, count: int, barrier: Any, results: Any, worker: int) -> None:
    """One desk: open its own Database, wait for the others, report ``count`` faults."""
    from desk.bootstrap import open_database

    numbers: list[str] = []
    errors: list[str] = []
    db = None
    try:
        db = open_database(url, upgrade=False)
        barrier.wait(timeout=120)
        for i in range(count):
            fault_type = CONCURRENT_TYPES[(worker + i) % len(CONCURRENT_TYPES)]
            try:
                numbers.append(_report(db, fault_type))
            except Exception as exc:  # every failure is counted, none stops the desk
                errors.append(f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        barrier.abort()  # let the others go instead of waiting for a desk that never comes
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if db is not None:
            db.dispose()
        results.put((worker, numbers, errors))


def _run_desks(url: str, processes: int, each: int) -> tuple[list[str], list[str]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    desks = [ctx.Process(target=_report_many, args=(url, each, barrier, results, n))
             for n in range(processes)]
    for desk in desks:
        desk.start()
    numbers: list[str] = []
    errors: list[str] = []
    try:
        for _ in desks:
            try:
                _worker, got, failed = results.get(timeout=120)
            except queue.Empty:
                errors.append("a desk process gave no answer within 120 s")
                break
            numbers += got
            errors += failed
    finally:
        for desk in desks:
            desk.join(timeout=30)
            if desk.is_alive():
                desk.kill()
                desk.join()
            desk.close()
        results.close()
        results.join_thread()
    return numbers, errors


def _check_sequences(numbers: list[str]) -> dict[tuple[str, str], int]:
    """Every (type, day) sequence must be exactly 1..N; return N per (type, day)."""
    assert len(numbers) == len(set(numbers)), "duplicate numbers"
    seqs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number in numbers:
        match = NUMBER.match(number)
        assert match, number
        seqs[(match[1], match[2])].append(int(match[3]))
    for key, got in seqs.items():
        assert sorted(got) == list(range(1, len(got) + 1)), f"gaps or repeats in {key}"
    return {key: len(got) for key, got in seqs.items()}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "pg"])
def test_many_desks_reporting_at_once_get_unique_gapless_numbers(
    backend: str, request: pytest.FixtureRequest, make_db: Callable[[str], object]
) -> None:
    url = str(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_db_url"))
    db = make_db(url)  # migrate once, before the desks start
    assert isinstance(db, Database)
    numbers, errors = _run_desks(url, PROCESSES, REPORTS_EACH)
    assert errors == []
    assert len(numbers) == PROCESSES * REPORTS_EACH
    per_day = _check_sequences(numbers)
    assert {t for t, _ in per_day} == {t.value for t in CONCURRENT_TYPES}
    with db.read() as session:
        stored = list(session.scalars(select(Ticket.number)))
        counters = {(c.fault_type, f"{c.day:%Y%m%d}"): c.last_seq
                    for c in session.scalars(select(NumberCounter))}
    assert sorted(stored) == sorted(numbers)
    assert counters == per_day
