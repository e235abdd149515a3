"""SLA deadlines and clocks: the pure rules (``desk.rules.sla``) over the real Chinese calendar,
then the services (level change, limits and warning settings, calendar changes) and
``desk sla`` on the command line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from desk.admin import calendar as calendar_admin
from desk.admin import team as admin
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.cli import commands
from desk.db import Database
from desk.errors import PermissionDeniedError, ValidationError
from desk.process import workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read import clocks
from desk.read.tickets import get_ticket
from desk.rules import sla, spans, workdays
from desk.rules.limits import (
    DEFAULT_LIMITS,
    ClockKind,
    ClockLimit,
    LevelLimits,
    limits_to_json,
)
from desk.rules.sla import ClockState, Deadline, add_limit, clock_status, deadlines
from models import DayKind, FaultLevel, FaultType, Status
from tests.conftest import cli_main_as

TZ = ZoneInfo("Asia/Shanghai")
L1, L2, L3 = (DEFAULT_LIMITS[level] for level in FaultLevel)
# level 3 as it was counted before duty hours: whole working days of 24 hours
W3 = LevelLimits(ClockLimit(30, ClockKind.WORKDAYS), ClockLimit.of_days(4, ClockKind.WORKDAYS))


def calendar_from_package() -> workdays.WorkCalendar:
    days, years = calendar_admin.package_days()
    return workdays.WorkCalendar(
        holidays=frozenset(d for d, k, _ in days if k == DayKind.HOLIDAY),
        workdays=frozenset(d for d, k, _ in days if k == DayKind.WORKDAY),
        years=frozenset(years),
    )


CAL = calendar_from_package()


def bj(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Beijing wall-clock moment."""
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def due(start: datetime, limit: ClockLimit, cal: workdays.WorkCalendar = CAL) -> Deadline:
    return add_limit(start, limit, cal, TZ)


# -- the calendar itself -------------------------------------------------------------------


def test_package_calendar_knows_2026_and_not_2027() -> None:
    assert CAL.covers(date(2026, 10, 1)) and not CAL.covers(date(2027, 1, 4))
    assert not CAL.is_working_day(date(2026, 10, 1))  # National Day
    assert CAL.is_working_day(date(2026, 10, 10))  # a make-up Saturday
    assert not CAL.is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert CAL.is_working_day(date(2026, 11, 27))  # an ordinary Friday


# -- levels 1 and 2: on the clock, day and night -----------------------------------------


def test_level_1_across_midnight() -> None:
    start = bj(2026, 11, 27, 23, 50)
    respond, restore = deadlines(start, L1, CAL, TZ)
    assert respond == Deadline(bj(2026, 11, 27, 23, 55), False)
    assert restore == Deadline(bj(2026, 11, 28, 0, 20), False)


def test_level_2_across_midnight_into_a_weekend() -> None:
    respond, restore = deadlines(bj(2026, 11, 27, 23, 30), L2, CAL, TZ)
    assert respond.due_at == bj(2026, 11, 27, 23, 45)
    assert restore.due_at == bj(2026, 11, 28, 1, 30)  # Saturday: the clock does not stop


@pytest.mark.parametrize("limits", [L1, L2])
def test_levels_1_and_2_run_through_holidays(limits: LevelLimits) -> None:
    start = bj(2026, 10, 1, 9, 0)  # National Day
    respond, restore = deadlines(start, limits, CAL, TZ)
    assert respond.due_at - start == timedelta(minutes=limits.respond.minutes)
    assert restore.due_at - start == timedelta(minutes=limits.restore.minutes)
    assert not respond.estimated and not restore.estimated


def test_clock_time_is_never_estimated_even_outside_the_calendar() -> None:
    assert not due(bj(2027, 2, 10, 9), L1.restore).estimated
    assert not due(bj(2027, 2, 10, 9), L2.restore).estimated


# -- the working-day clock (24 hours a working day) ---------------------------------------------------------------


def test_level_3_across_national_day_2026() -> None:
    # 8 h on Sep 30, Oct 1-7 off, Oct 8, 9 and the make-up Saturday Oct 10 count,
    # Sunday Oct 11 does not, 16 h of Monday Oct 12
    respond, restore = deadlines(bj(2026, 9, 30, 16), W3, CAL, TZ)
    assert restore == Deadline(bj(2026, 10, 12, 16), False)
    assert respond == Deadline(bj(2026, 9, 30, 16, 30), False)


def test_level_3_across_a_weekend() -> None:
    assert due(bj(2026, 11, 27, 10), W3.restore).due_at == bj(2026, 12, 3, 10)  # Fri → Thu
    assert due(bj(2026, 11, 23, 10), W3.restore).due_at == bj(2026, 11, 27, 10)  # Mon → Fri
    # 30 minutes on a Friday evening run into Monday morning
    assert due(bj(2026, 11, 27, 23, 45), W3.respond).due_at == bj(2026, 11, 30, 0, 15)


def test_level_3_starting_on_a_holiday() -> None:
    # reported on Saturday Oct 3 (National Day): counting starts Oct 8 00:00
    respond, restore = deadlines(bj(2026, 10, 3, 10), W3, CAL, TZ)
    assert respond.due_at == bj(2026, 10, 8, 0, 30)
    assert restore.due_at == bj(2026, 10, 13, 0, 0)  # Oct 8, 9, 10 (make-up), 12


def test_level_3_starting_on_a_weekend() -> None:
    # Saturday: the end of Thursday, shown as Friday 00:00 (desk.rules.sla's docstring)
    assert due(bj(2026, 11, 28, 15), W3.restore).due_at == bj(2026, 12, 4, 0, 0)


def test_level_3_across_a_make_up_saturday() -> None:
    # Thu Feb 26 2026: Thu, Fri, the make-up Saturday Feb 28, Mon, and Tuesday morning
    start = bj(2026, 2, 26, 10)
    assert due(start, W3.restore).due_at == bj(2026, 3, 3, 10)
    without = workdays.WorkCalendar(CAL.holidays, CAL.workdays - {date(2026, 2, 28)}, CAL.years)
    assert due(start, W3.restore, without).due_at == bj(2026, 3, 4, 10)


def test_level_3_in_2027_is_estimated() -> None:
    d = due(bj(2027, 3, 1, 10), W3.restore)
    assert d == Deadline(bj(2027, 3, 5, 10), True)  # Monday to Friday assumed
    # starting in a covered year but running into 2027
    assert due(bj(2026, 12, 30, 10), W3.restore).estimated is True
    assert due(bj(2026, 12, 30, 10), W3.respond).estimated is False


def test_add_limit_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError):
        add_limit(datetime(2026, 11, 27, 10), L1.respond, CAL, TZ)


def test_working_day_rule_is_documented() -> None:
    doc = sla.__doc__ or ""
    for words in ("working days", "make-up", "weekends", "estimated", "24 hours",
                  "duty hours", "Pauses", "cancelled"):
        assert words in doc


# -- clock states --------------------------------------------------------------------------


def status_at(minutes_after: float, met_after: float | None = None,
              fraction: float = 0.8) -> sla.ClockStatus:
    start = bj(2026, 11, 27, 10)
    limit = L2.restore  # 120 minutes
    deadline = due(start, limit)
    warn = due(start, sla.warning_limit(limit, fraction)).due_at
    met = start + timedelta(minutes=met_after) if met_after is not None else None
    return clock_status("restore", start, deadline, warn, met,
                        start + timedelta(minutes=minutes_after))


def test_clock_states() -> None:
    running = status_at(95)
    assert running.state == ClockState.RUNNING and running.remaining == timedelta(minutes=25)
    warning = status_at(96)  # 80 % of 120 minutes
    assert warning.state == ClockState.WARNING and warning.remaining == timedelta(minutes=24)
    breached = status_at(130)
    assert breached.state == ClockState.BREACHED
    assert breached.remaining == timedelta(minutes=-10)
    met = status_at(500, met_after=100)
    assert met.state == ClockState.MET and met.remaining == timedelta(minutes=20)
    assert met.met_at == bj(2026, 11, 27, 11, 40)
    late = status_at(500, met_after=130)
    assert late.state == ClockState.MET_LATE and late.remaining == timedelta(minutes=-10)
    assert status_at(120).state == ClockState.WARNING  # due now, not yet past
    assert status_at(120.01).state == ClockState.BREACHED
    assert late.to_json()["state"] == "met_late"
    assert late.to_json()["remaining_seconds"] == -600


def test_warning_fraction_moves_the_warning() -> None:
    assert status_at(60, fraction=0.5).state == ClockState.WARNING
    assert status_at(59, fraction=0.5).state == ClockState.RUNNING
    assert status_at(100, fraction=0.9).state == ClockState.RUNNING


def test_one_way_of_writing_a_span() -> None:
    # the window, the command line and the documents write time the same way
    span, left = spans.span, spans.left_or_over
    assert span(timedelta(minutes=75)) == "1小时15分"
    assert span(timedelta(minutes=-15)) == "15分"  # a length: the sign is for the caller
    assert span(timedelta(days=2, hours=3, minutes=59)) == "2天3小时"
    assert span(timedelta(seconds=59)) == "0分"  # whole minutes, counted down
    assert span(timedelta(hours=23, minutes=4), spans.ENGLISH) == "23h 04m"
    assert span(timedelta(days=5, hours=23), spans.ENGLISH) == "5d 23h"
    assert left(timedelta(minutes=4)) == "剩余 4分"
    assert left(timedelta(minutes=-15)) == "已超时 15分"
    assert left(timedelta(minutes=4), spans.ENGLISH) == "4m left"
    assert left(timedelta(hours=-7, minutes=-2), spans.ENGLISH) == "Overdue 7h 02m"
    assert spans.margin_or_late(timedelta(minutes=20)) == "20分"
    assert spans.margin_or_late(timedelta(minutes=-85)) == "超时 1小时25分"
    assert spans.margin_or_late(timedelta(minutes=-85), spans.ENGLISH) == "1h 25m late"
    assert spans.words(True) is spans.ENGLISH and spans.words(False) is spans.CHINESE


# -- services ------------------------------------------------------------------------------


def new_ticket(db: Database, ids: dict[str, int], level: FaultLevel) -> str:
    return report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, level=level, affected_business="办公网络",
        phenomenon="无线网络频繁掉线。"), ids["SALES005"]).number


def test_ticket_clocks_run_warn_breach_and_stop(db: Database, demo_people: dict[str, int],
                                                clock: Any) -> None:
    number = new_ticket(db, demo_people, FaultLevel.IMPORTANT)
    respond, restore = clocks.ticket_clocks(db, number)
    assert (respond.state, restore.state) == (ClockState.RUNNING, ClockState.RUNNING)
    clock.advance(minutes=12)  # 80 % of 15 minutes
    respond, _ = clocks.ticket_clocks(db, number)
    assert respond.state == ClockState.WARNING and respond.remaining == timedelta(minutes=3)
    clock.advance(minutes=4)
    respond, _ = clocks.ticket_clocks(db, number)
    assert respond.state == ClockState.BREACHED
    workflow.perform(db, "triage", number, demo_people["IT001"], {
        "first_contact": "已联系", "fault_type": "NET", "level": 2})
    respond, restore = clocks.ticket_clocks(db, number)
    assert respond.state == ClockState.MET_LATE
    assert respond.remaining == timedelta(minutes=-1)
    assert restore.state == ClockState.RUNNING


def test_warning_fraction_setting(db: Database, demo_people: dict[str, int],
                                  clock: Any) -> None:
    number = new_ticket(db, demo_people, FaultLevel.IMPORTANT)
    clock.advance(minutes=59)
    assert clocks.ticket_clocks(db, number)[1].state == ClockState.RUNNING
    clock.advance(minutes=1)  # 50 % of 120 minutes: the first default warning
    assert clocks.ticket_clocks(db, number)[1].state == ClockState.WARNING
    admin.set_setting(db, demo_people["ADMIN"], "sla.warning_fractions", [0.9])
    assert clocks.ticket_clocks(db, number)[1].state == ClockState.RUNNING
    admin.set_setting(db, demo_people["ADMIN"], "sla.warning_fractions",
                      {"2": [0.25, 0.75], "3": [0.5]})
    assert clocks.ticket_clocks(db, number)[1].state == ClockState.WARNING
    for bad in ([1.5], [0], "much", [True], [], {"9": [0.5]}):
        with pytest.raises(ValidationError):
            admin.set_setting(db, demo_people["ADMIN"], "sla.warning_fractions", bad)
    with pytest.raises(PermissionDeniedError):
        admin.set_setting(db, demo_people["LEAD01"], "sla.warning_fractions", [0.6])
    assert clocks.ticket_clocks(db, number)[1].state == ClockState.WARNING


def test_level_change_through_the_service_recomputes(db: Database, demo_people: dict[str, int],
                                                     clock: Any) -> None:
    number = new_ticket(db, demo_people, FaultLevel.URGENT)
    reported = get_ticket(db, number).reported_at
    workflow.perform(db, "triage", number, demo_people["IT001"], {
        "first_contact": "已联系", "fault_type": "NET", "level": 1})
    clock.advance(hours=2)
    d = workflow.perform(db, "change_level", number, demo_people["LEAD01"],
                         {"level": 3, "reason": "只影响一名用户。"})
    respond, restore = deadlines(reported, L3, CAL, TZ)
    assert (d.respond_due_at, d.restore_due_at) == (respond.due_at, restore.due_at)
    assert d.restore_due_at == bj(2026, 12, 3, 10)
    now_respond, now_restore = clocks.ticket_clocks(db, number)
    assert now_restore.due_at == restore.due_at and now_restore.state == ClockState.RUNNING
    assert now_respond.state == ClockState.MET


def test_limits_are_settings_and_recompute_open_tickets(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    open_one = new_ticket(db, demo_people, FaultLevel.IMPORTANT)
    limits = dict(DEFAULT_LIMITS)
    limits[FaultLevel.IMPORTANT] = LevelLimits(ClockLimit(10), ClockLimit(90))
    admin.set_setting(db, demo_people["ADMIN"], "sla.limits", limits_to_json(limits))
    d = get_ticket(db, open_one)
    assert d.respond_due_at == d.reported_at + timedelta(minutes=10)
    assert d.restore_due_at == d.reported_at + timedelta(minutes=90)
    assert clocks.ticket_clocks(db, open_one)[1].due_at == d.restore_due_at
    for bad in ({"2": {"respond": {"minutes": -5}, "restore": {"minutes": 90}}},
                {"9": {"respond": {"minutes": 5}, "restore": {"minutes": 90}}},
                {"2": {"respond": {"minutes": 5}}}, "fast"):
        with pytest.raises(ValidationError):
            admin.set_setting(db, demo_people["ADMIN"], "sla.limits", bad)
    assert get_ticket(db, open_one).restore_due_at == d.restore_due_at


def test_importing_2027_makes_an_estimated_deadline_exact(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    clock.now = bj(2027, 3, 1, 10).astimezone(UTC)  # a Monday in an uncovered year
    number = new_ticket(db, demo_people, FaultLevel.GENERAL)
    d = get_ticket(db, number)
    assert d.restore_due_estimated is True and d.restore_due_at == bj(2027, 3, 5, 10)
    assert clocks.ticket_clocks(db, number)[1].estimated is True
    # one day added by hand does not complete the year
    admin.calendar_add(db, demo_people["ADMIN"], "2027-01-01", DayKind.HOLIDAY, "元旦")
    assert get_ticket(db, number).restore_due_estimated is True
    csv = "date,kind,name\n2027-01-01,holiday,元旦\n2027-03-02,休,示例假日\n"
    added, changed = admin.calendar_import(db, demo_people["ADMIN"], 2027, csv, "2027.csv")
    assert (added, changed) == (2, 1)
    d = get_ticket(db, number)
    # imported, not yet confirmed: computed with the file's days, still estimated
    assert d.restore_due_estimated is True and d.restore_due_at == bj(2027, 3, 8, 10)
    assert admin.calendar_complete(db, demo_people["ADMIN"], 2027) == 1
    with pytest.raises(ValidationError):
        admin.calendar_complete(db, demo_people["ADMIN"], 2027)
    d = get_ticket(db, number)
    assert d.restore_due_estimated is False
    assert d.restore_due_at == bj(2027, 3, 8, 10)  # Tuesday is now a holiday
    restore = clocks.ticket_clocks(db, number)[1]
    assert restore.estimated is False and restore.due_at == d.restore_due_at
    with db.read() as session:
        from sqlalchemy import select

        from models import Event

        event = session.scalars(select(Event).where(Event.action == "calendar_complete")).one()
        assert event.details["recomputed_tickets"][number]["restore_due_estimated"] == {
            "before": True, "after": False}


def test_calendar_add_recomputes_open_but_not_closed(db: Database, demo_people: dict[str, int],
                                                     clock: Any) -> None:
    ids = demo_people
    open_one = new_ticket(db, ids, FaultLevel.GENERAL)
    closed = new_ticket(db, ids, FaultLevel.GENERAL)
    workflow.perform(db, "cancel", closed, ids["IT001"], {"reason": "重复"})
    before_closed = get_ticket(db, closed).restore_due_at
    changed = admin.calendar_add(db, ids["ADMIN"], "2026-11-30", DayKind.HOLIDAY, "临时假日")
    assert changed == 1
    assert get_ticket(db, open_one).restore_due_at == bj(2026, 12, 4, 10)
    assert get_ticket(db, closed).restore_due_at == before_closed
    assert get_ticket(db, closed).status == Status.CANCELLED
    with pytest.raises(ValidationError):
        admin.calendar_add(db, ids["ADMIN"], "30/11/2026", DayKind.HOLIDAY, "")
    with pytest.raises(PermissionDeniedError):
        admin.calendar_add(db, ids["LEAD01"], "2026-12-01", DayKind.HOLIDAY, "")
    admin.calendar_add(db, ids["ADMIN"], "2026-11-30", None, "")
    assert get_ticket(db, open_one).restore_due_at == bj(2026, 12, 3, 10)


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli_db(sqlite_url: str, make_db: Callable[[str], object], clock: Any,
           monkeypatch: pytest.MonkeyPatch) -> tuple[str, Database]:
    """An SQLite file with the sample people; the CLI opens it with the fake clock."""
    db = make_db(sqlite_url)
    assert isinstance(db, Database)
    monkeypatch.setattr(commands, "open_database",
                        lambda url, **kw: open_database(url, clock=clock, **kw))
    return sqlite_url, db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main_as(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_sla_of_a_fault(cli_db: tuple[str, Database], clock: Any,
                            capsys: pytest.CaptureFixture[str]) -> None:
    url, db = cli_db
    ids = ensure_people(db)
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)
    clock.advance(minutes=13)
    code, out, err = run(capsys, "--db", url, "sla", number)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{number}  二级 重要"
    assert lines[1] == "响应  截止 2026-11-27 10:15  即将超时  剩余 2分"
    assert lines[2] == "恢复  截止 2026-11-27 12:00  计时中  剩余 1小时47分"
    assert lines[3] == "解决用时 未解决"

    workflow.perform(db, "triage", number, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "NET", "level": 2})
    code, out, _ = run(capsys, "--db", url, "sla", number, "--json")
    data = json.loads(out)
    assert code == 0 and data["level"] == 2
    assert data["respond"]["state"] == "met" and data["respond"]["remaining_seconds"] == 120
    assert data["restore"]["state"] == "running"
    assert data["time_to_resolve_seconds"] is None


def test_cli_sla_writes_time_as_the_window_does(cli_db: tuple[str, Database], clock: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Overdue, time left, a late margin and paused time read as in the window's SLA
    line, in both languages; --json keeps its numbers."""
    url, db = cli_db
    ids = ensure_people(db)
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)  # 10:00; respond by 10:15
    clock.advance(minutes=40)
    code, out, err = run(capsys, "--db", url, "sla", number)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == "响应  截止 2026-11-27 10:15  已超时 25分"
    assert lines[2] == "恢复  截止 2026-11-27 12:00  计时中  剩余 1小时20分"
    code, out, _ = run(capsys, "--db", url, "--lang", "en", "sla", number)
    lines = out.splitlines()
    assert lines[1] == "Respond  due 2026-11-27 10:15  Overdue 25m"
    assert lines[2] == "Restore  due 2026-11-27 12:00  running  1h 20m left"
    assert not re.search(r"-?\b\d+:\d\d\b(?!:)", out.replace("10:15", "").replace("12:00", ""))

    workflow.perform(db, "triage", number, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "NET", "level": 2})
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待厂商回复"})
    clock.advance(hours=1, minutes=5)
    code, out, _ = run(capsys, "--db", url, "sla", number)
    assert "响应  截止 2026-11-27 10:15  超时完成  完成于 2026-11-27 10:40  超时 25分" in out
    assert "暂停合计 1小时05分" in out and "解决用时 未解决" in out
    code, out, _ = run(capsys, "--db", url, "--lang", "en", "sla", number)
    assert "Respond  due 2026-11-27 10:15  met late  met at 2026-11-27 10:40  25m late" in out
    assert "Paused in all 1h 05m" in out and "Time to resolve not resolved" in out
    code, out, _ = run(capsys, "--db", url, "--lang", "en", "sla", number, "--json")
    data = json.loads(out)  # numbers stay numbers
    assert data["respond"]["remaining_seconds"] == -25 * 60
    assert data["respond"]["state"] == "met_late"


def test_cli_list_shows_the_queues_time_left(cli_db: tuple[str, Database], clock: Any,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    url, db = cli_db
    ids = ensure_people(db)
    late = new_ticket(db, ids, FaultLevel.IMPORTANT)  # 10:00; respond by 10:15
    clock.advance(minutes=40)
    fresh = new_ticket(db, ids, FaultLevel.GENERAL)  # 10:40; respond within 30 minutes
    code, out, err = run(capsys, "--db", url, "list")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert "已超时 25分" in rows[late] and "剩余 30分" in rows[fresh]
    code, out, _ = run(capsys, "--db", url, "--lang", "en", "list")
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert "Overdue 25m" in rows[late] and "30m left" in rows[fresh]
    code, out, _ = run(capsys, "--db", url, "list", "--json")
    listed = json.loads(out)  # machine-readable as before: moments, no words
    assert {"number", "respond_due_at", "restore_due_at"} <= set(listed[0])
    assert not any("remaining" in key or "left" in key for key in listed[0])


def test_cli_incident_says_the_time_left(cli_db: tuple[str, Database], clock: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    url, db = cli_db
    ids = ensure_people(db)
    number = new_ticket(db, ids, FaultLevel.URGENT)
    clock.advance(minutes=2)
    code, out, err = run(capsys, "--db", url, "incident", number)
    assert (code, err) == (0, "")
    assert "（即将超时，剩余 3分）" in out or "（计时中，剩余 3分）" in out
    clock.advance(minutes=20)
    code, out, _ = run(capsys, "--db", url, "incident", number)
    assert "（已超时 17分）" in out


def test_cli_sla_shows_time_to_resolve(cli_db: tuple[str, Database], clock: Any,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    url, db = cli_db
    ids = ensure_people(db)
    number = new_ticket(db, ids, FaultLevel.GENERAL)
    clock.advance(minutes=10)
    workflow.perform(db, "triage", number, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "OPS", "level": 3})
    clock.advance(minutes=20)
    workflow.perform(db, "solve_on_spot", number, ids["IT001"],
                     {"temporary_solution": "远程指导。"})
    clock.advance(minutes=60)
    workflow.perform(db, "verify", number, ids["SALES005"],
                     {"passed": True, "environment": "办公电脑", "checked": "重新导入"})
    clock.advance(days=3)
    code, out, _ = run(capsys, "--db", url, "sla", number)
    assert code == 0
    assert "响应  截止 2026-11-27 10:30  已达成  完成于 2026-11-27 10:10  余量 20分" in out
    assert "恢复  截止 2026-12-03 10:00  已达成  完成于 2026-11-27 10:30" in out
    assert "解决用时 1小时30分" in out
    code, out, _ = run(capsys, "--db", url, "sla", number, "--json")
    assert json.loads(out)["time_to_resolve_seconds"] == 90 * 60


def test_cli_sla_for_a_level_and_time(cli_db: tuple[str, Database],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = cli_db
    code, out, err = run(capsys, "--db", url, "sla", "--level", "3", "--at", "2026-09-30 16:00")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "报告时间 2026-09-30 16:00  三级 一般",
        "响应时限 30 分钟（按值班时间计时）  截止 2026-09-30 16:30",
        "恢复时限 4 个工作日（按值班时间计时）  截止 2026-10-12 16:00",
    ]
    code, out, _ = run(capsys, "--db", url, "sla", "--level", "1", "--at",
                       "2026-11-27 23:50", "--json")
    data = json.loads(out)
    assert data["respond_due_at"] == "2026-11-27T23:55:00+08:00"
    assert data["restore_due_at"] == "2026-11-28T00:20:00+08:00"
    assert data["restore_estimated"] is False
    code, out, _ = run(capsys, "--db", url, "sla", "--level", "3", "--at", "2027-03-01 10:00")
    assert code == 0 and "估算" in out and "2027-03-05 10:00" in out


def test_cli_sla_errors(cli_db: tuple[str, Database],
                        capsys: pytest.CaptureFixture[str]) -> None:
    url, _ = cli_db
    code, out, err = run(capsys, "--db", url, "sla", "NET-20261127-999")
    assert code == 1 and out == "" and "NET-20261127-999" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "--db", url, "sla", "--level", "2", "--at", "yesterday")
    assert code == 1 and "yesterday" in err
    code, _, err = run(capsys, "--db", url, "sla")
    assert code == 2 and "--level" in err


def test_cli_calendar_import_and_list(cli_db: tuple[str, Database], tmp_path: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url, db = cli_db
    ensure_people(db)
    code, out, _ = run(capsys, "--lang", "en", "--db", url, "calendar", "list", "--year", "2027")
    assert code == 0 and "2027 is not in the calendar" in out
    code, out, _ = run(capsys, "--db", url, "calendar", "list", "--year", "2026")
    assert code == 0 and "2026-10-10  班" in out and "2026-10-01  休" in out
    csv = tmp_path / "2027.csv"
    csv.write_text("2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", url, "calendar", "import", str(csv), "--year", "2027",
                         "--as", "ADMIN")
    assert (code, err) == (0, "") and "已导入 2 天" in out
    code, out, _ = run(capsys, "--db", url, "calendar", "list", "--year", "2027")
    assert "2027-02-20  班  春节调休" in out and "2027 年未确认完整" in out
    code, out, err = run(capsys, "--db", url, "calendar", "complete", "2027", "--as", "ADMIN")
    assert (code, err) == (0, "") and "2027 年已确认完整" in out
    code, out, _ = run(capsys, "--db", url, "calendar", "list", "--year", "2027")
    assert "2027-02-20  班  春节调休" in out and "未确认完整" not in out
    code, _, err = run(capsys, "--db", url, "calendar", "add", "2027-05-03", "--holiday",
                       "--as", "IT001")
    assert code == 1 and err and "Traceback" not in err
    code, out, _ = run(capsys, "--db", url, "calendar", "add", "2027-05-03", "--holiday",
                       "--name", "劳动节", "--as", "ADMIN")
    assert code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-13-01,holiday,x\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", url, "calendar", "import", str(bad), "--year", "2027",
                       "--as", "ADMIN")
    assert code == 1 and "2027-13-01" in err


@pytest.mark.parametrize(("year", "content", "field"), [
    (2027, "2027-01-01,holiday,元旦\n2027-01-01,workday,重复\n", "line2"),
    (2027, "2027-01-01,holiday,元旦\n2027-03-03,班,周三不是补班日\n", "line2"),
    (2027, "2026-12-31,holiday,去年\n", "file"),
    (2027, "# nothing here\n", "file"),
    (2027, "2027-01-01,maybe,?\n", "line1"),
    (0, "2027-01-01,holiday,元旦\n", "year"),
])
def test_calendar_import_refuses_bad_files(db: Database, demo_people: dict[str, int],
                                           year: int, content: str, field: str) -> None:
    from desk.read.calendar import load

    with db.read() as session:
        before = load(session)
    with pytest.raises(ValidationError) as err:
        admin.calendar_import(db, demo_people["ADMIN"], year, content, "bad.csv")
    assert field in err.value.fields
    with db.read() as session:
        assert load(session) == before


def test_calendar_import_needs_an_administrator(db: Database,
                                                demo_people: dict[str, int]) -> None:
    with pytest.raises(PermissionDeniedError):
        admin.calendar_import(db, demo_people["LEAD01"], 2027, "2027-01-01,holiday,元旦\n", "x")


def test_cached_calendar_follows_changes_made_by_another_desk(db_url, make_db):
    """Each desk caches the calendar; a change through another desk is seen at once,
    and a change that was rolled back is never taken for the calendar."""
    from datetime import date as _date

    from desk.admin import calendar as calendar_admin
    from desk.admin.demo import ensure_people
    from desk.admin.team import calendar_add
    from desk.read import calendar
    from models import DayKind

    here, there = make_db(db_url), make_db(db_url)
    admin = ensure_people(here)["ADMIN"]
    day = _date(2026, 12, 2)  # an ordinary Wednesday
    with here.read() as s:
        assert calendar.load(s).is_working_day(day)
    calendar_add(there, admin, day.isoformat(), DayKind.HOLIDAY, "临时假日")
    with here.read() as s:
        assert not calendar.load(s).is_working_day(day)

    def change_then_fail(session):
        calendar_admin.set_day(session, _date(2026, 12, 3), DayKind.HOLIDAY, "不会提交", "test")
        assert not calendar.load(session).is_working_day(_date(2026, 12, 3))
        raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        here.write(change_then_fail)
    with here.read() as s:
        assert calendar.load(s).is_working_day(_date(2026, 12, 3))
