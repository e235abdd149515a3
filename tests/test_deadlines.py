"""Deadlines as a desk works them, through the services and the command line: duty hours
and clock kinds, pauses, clocks that stop where the process stops, warnings and
escalation, and next year's calendar (formats, preview, confirmation, export)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desk.admin import team as admin
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.cli import commands
from desk.db import Database
from desk.errors import InvalidTransitionError, PermissionDeniedError, ValidationError
from desk.notify import outbox as notify
from desk.process import workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read import clocks
from desk.read.tickets import get_ticket
from desk.rules import workdays
from desk.rules.sla import ClockState
from models import CalendarDay, DayKind, Event, FaultLevel, FaultType, OutboxMessage
from tests.conftest import cli_main_as

TZ = ZoneInfo("Asia/Shanghai")


def bj(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def new_ticket(db: Database, ids: dict[str, int], level: FaultLevel) -> str:
    return report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, level=level, affected_business="办公网络",
        phenomenon="无线网络频繁掉线。"), ids["SALES005"]).number


def triage(db: Database, ids: dict[str, int], number: str, level: int) -> None:
    workflow.perform(db, "triage", number, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "NET", "level": level})


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli_db(sqlite_url: str, make_db: Callable[[str], object], clock: Any,
           monkeypatch: pytest.MonkeyPatch) -> tuple[str, Database, dict[str, int]]:
    db = make_db(sqlite_url)
    assert isinstance(db, Database)
    monkeypatch.setattr(commands, "open_database",
                        lambda url, **kw: open_database(url, clock=clock, **kw))
    return sqlite_url, db, ensure_people(db)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main_as(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_sla_explains_duty_hours(cli_db: tuple[str, Database, dict[str, int]],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    url, _, _ = cli_db
    # reported on Friday 17:20: 10 duty minutes on Friday, 20 on Monday
    code, out, err = run(capsys, "--db", url, "sla", "--level", "3", "--at",
                         "2026-11-27 17:20", "--explain")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[1] == "响应时限 30 分钟（按值班时间计时）  截止 2026-11-30 08:50"
    assert lines[3] == "    2026-11-27 周五 17:20–17:30  10分"
    assert lines[4] == "    2026-11-30 周一 08:30–08:50  20分"
    assert lines[5] == "    合计 30分（按值班时间计时）"
    assert "恢复时限 4 个工作日（按值班时间计时）  截止 2026-12-03 17:20" in out
    assert "值班时间（工作日）：08:30-12:00 13:30-17:30" in out
    code, out, _ = run(capsys, "--db", url, "--lang", "en", "sla", "--level", "3", "--at",
                       "2026-11-27 17:20", "--json", "--explain")
    data = json.loads(out)
    assert data["respond_clock"] == "duty" and data["restore_clock"] == "duty"
    assert data["respond_due_at"] == "2026-11-30T08:50:00+08:00"
    assert [p["minutes"] for p in data["respond_periods"]] == [10, 20]
    assert sum(p["minutes"] for p in data["restore_periods"]) == 4 * 450
    code, out, _ = run(capsys, "--db", url, "--lang", "en", "sla", "--level", "1", "--at",
                       "2026-11-28 03:00")
    assert "respond within 5 minutes (on the clock (24×7))  due 2026-11-28 03:05" in out


def test_cli_duty_hours_and_limits(cli_db: tuple[str, Database, dict[str, int]],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    url, db, ids = cli_db
    number = new_ticket(db, ids, FaultLevel.GENERAL)  # Friday 10:00
    assert get_ticket(db, number).restore_due_at == bj(2026, 12, 3, 10)
    code, out, err = run(capsys, "--db", url, "duty-hours", "set", "09:00-12:00",
                         "13:00-18:00", "--as", "ADMIN")
    assert (code, err) == (0, "") and "09:00-12:00 13:00-18:00，每天 8小时00分" in out
    # four full duty days of 8 hours now: Fri 10-12, 13-18 (7 h), Mon-Wed (24 h), Thu 1 h
    assert get_ticket(db, number).restore_due_at == bj(2026, 12, 3, 10)
    code, out, _ = run(capsys, "--db", url, "duty-hours", "show")
    assert code == 0 and "09:00-12:00 13:00-18:00" in out
    for bad in (["25:00-26:00"], ["12:00-09:00"], ["09:00-12:00", "11:00-13:00"], ["9-12"]):
        code, out, err = run(capsys, "--db", url, "duty-hours", "set", *bad, "--as", "ADMIN")
        assert code == 1 and "Traceback" not in err and err.startswith("desk: ")
    code, _, err = run(capsys, "--db", url, "duty-hours", "set", "08:00-17:00", "--as", "IT001")
    assert code == 1 and "管理员" in err
    code, out, _ = run(capsys, "--db", url, "duty-hours", "show")
    assert "09:00-12:00 13:00-18:00" in out

    version = get_ticket(db, number).version
    code, out, err = run(capsys, "--db", url, "limits", "set", "--level", "3",
                         "--respond-minutes", "60", "--respond-clock", "workdays",
                         "--restore-days", "2", "--restore-clock", "clock", "--as", "ADMIN")
    assert (code, err) == (0, "")
    assert "三级 一般  响应 1 小时（按工作日计时）  恢复 2 天（全天候计时）" in out
    d = get_ticket(db, number)
    assert d.respond_due_at == bj(2026, 11, 27, 11) and d.restore_due_at == bj(2026, 11, 29, 10)
    assert d.version == version + 1  # a recomputed deadline is a change of the ticket
    code, out, _ = run(capsys, "--db", url, "limits", "show", "--json")
    data = json.loads(out)
    assert data["3"]["restore"] == {"minutes": 2880, "clock": "clock", "days": 2}
    assert data["1"]["respond"] == {"minutes": 5, "clock": "clock"}
    with pytest.raises(SystemExit) as refused:  # argparse: a limit is a positive number
        run(capsys, "--db", url, "limits", "set", "--level", "3",
            "--respond-minutes", "-5", "--as", "ADMIN")
    assert refused.value.code == 2 and "1" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse: not one of clock, workdays, duty
        run(capsys, "--db", url, "limits", "set", "--level", "3",
            "--respond-clock", "sometimes", "--as", "ADMIN")
    code, _, err = run(capsys, "--db", url, "limits", "set", "--level", "2",
                       "--respond-minutes", "10", "--as", "LEAD01")
    assert code == 1 and get_ticket(db, number).restore_due_at == bj(2026, 11, 29, 10)


def test_cli_pause_resume_and_explain(cli_db: tuple[str, Database, dict[str, int]], clock: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    url, db, ids = cli_db
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)  # Friday 10:00, restore by 12:00
    code, _, err = run(capsys, "--db", url, "pause", number, "--reason", "等待报告人",
                       "--as", "IT001")
    assert code == 1 and "待受理" in err  # nobody has responded yet: no pause
    triage(db, ids, number, 2)
    clock.advance(minutes=30)
    code, out, err = run(capsys, "--db", url, "pause", number, "--reason", "等待厂商回复",
                         "--as", "IT001")
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "--db", url, "pause", number, "--reason", "再一次",
                       "--as", "IT001")
    assert code == 1 and "已暂停" in err
    clock.advance(hours=3)  # 13:30: the deadline would have passed
    code, out, _ = run(capsys, "--db", url, "sla", number)
    assert "恢复  截止 2026-11-27 15:00  已暂停" in out and "已暂停：等待厂商回复" in out
    code, _, err = run(capsys, "--db", url, "resume", number, "--as", "SALES005")
    assert code == 1  # a reporter does not handle the fault
    code, out, err = run(capsys, "--db", url, "resume", number, "--as", "IT001")
    assert (code, err) == (0, "")
    assert get_ticket(db, number).restore_due_at == bj(2026, 11, 27, 15)
    code, out, _ = run(capsys, "--db", url, "sla", number, "--json", "--explain")
    data = json.loads(out)
    assert data["restore"]["state"] == "running" and data["restore"]["paused_seconds"] == 3 * 3600
    assert data["pauses"][0]["reason"] == "等待厂商回复"
    assert [p["minutes"] for p in data["restore"]["periods"]] == [30, 90]
    with db.read() as session:
        actions = [e.action for e in session.scalars(select(Event).order_by(Event.id))]
    assert actions[-2:] == ["pause", "resume"]


# -- pauses and where the process stops ------------------------------------------------------


def test_pause_moves_both_deadlines_and_ends_with_its_state(db: Database,
                                                            demo_people: dict[str, int],
                                                            clock: Any) -> None:
    ids = demo_people
    number = new_ticket(db, ids, FaultLevel.GENERAL)  # Friday 10:00, duty hours
    triage(db, ids, number, 3)
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待报告人"})
    respond, restore = clocks.ticket_clocks(db, number)
    assert (respond.state, restore.state) == (ClockState.MET, ClockState.PAUSED)
    clock.advance(hours=4)  # 14:00: 2.5 duty hours paused (10-12, 13:30-14:00)
    _, restore = clocks.ticket_clocks(db, number)
    assert restore.due_at == bj(2026, 12, 3, 14) and restore.paused == timedelta(hours=4)
    assert get_ticket(db, number).restore_due_at == bj(2026, 12, 3, 10)  # as at the pause
    # the fault is cancelled while paused: the pause ends, the clocks show 已撤销
    workflow.perform(db, "cancel", number, ids["IT001"], {"reason": "报告人已自行解决"})
    d = get_ticket(db, number)
    assert d.paused_at is None and d.restore_due_at == bj(2026, 12, 3, 14)
    clock.advance(days=30)
    respond, restore = clocks.ticket_clocks(db, number)
    assert (respond.state, restore.state) == (ClockState.MET, ClockState.CANCELLED)
    assert restore.remaining > timedelta(0)  # never overdue
    assert notify.check_clocks(db) == []


def test_pause_refused_where_it_makes_no_sense(db: Database, demo_people: dict[str, int]) -> None:
    ids = demo_people
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)
    with pytest.raises(InvalidTransitionError):
        workflow.perform(db, "pause", number, ids["IT001"], {"reason": "x"})
    triage(db, ids, number, 2)
    with pytest.raises(InvalidTransitionError):
        workflow.perform(db, "resume", number, ids["IT001"], {})
    with pytest.raises(ValidationError):
        workflow.perform(db, "pause", number, ids["IT001"], {"reason": " "})
    with pytest.raises(PermissionDeniedError):
        workflow.perform(db, "pause", number, ids["SALES005"], {"reason": "等待"})
    assert get_ticket(db, number).paused_at is None


def test_failed_verification_reopens_the_restore_clock(db: Database, demo_people: dict[str, int],
                                                       clock: Any) -> None:
    ids = demo_people
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)  # restore by 12:00
    triage(db, ids, number, 2)
    clock.advance(minutes=20)
    workflow.perform(db, "solve_on_spot", number, ids["IT001"], {"temporary_solution": "重启"})
    assert clocks.ticket_clocks(db, number)[1].state == ClockState.MET
    clock.advance(hours=3)
    workflow.perform(db, "verify", number, ids["SALES005"],
                     {"passed": False, "environment": "办公室", "checked": "仍然掉线"})
    _, restore = clocks.ticket_clocks(db, number)
    assert restore.state == ClockState.BREACHED and restore.met_at is None
    with db.read() as session:
        event = session.scalars(select(Event).where(Event.action == "verify")).one()
        assert event.details["reopened_restore"]["restored_at"] == "2026-11-27T02:20:00+00:00"
    from desk.read import stats

    board = stats.compute(db, date(2026, 11, 1), date(2026, 12, 1))
    total = board.restore_compliance.rows[-1]  # 合计: n, met, %, late, %, running, %, breached
    assert (total[1], total[2], total[8]) == (1, 0, 1)


def test_warnings_at_each_fraction_then_escalation(db: Database, demo_people: dict[str, int],
                                                   clock: Any) -> None:
    ids = demo_people
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)  # respond 15 min, restore 120
    triage(db, ids, number, 2)
    clock.advance(minutes=60)  # 50 % of restore
    assert len(notify.check_clocks(db)) == 1
    assert notify.check_clocks(db) == []
    clock.advance(minutes=36)  # 80 %
    assert len(notify.check_clocks(db)) == 1
    clock.advance(minutes=25)  # breached
    assert len(notify.check_clocks(db)) == 1
    clock.advance(minutes=10)  # breached for 11 minutes: the next person up
    assert len(notify.check_clocks(db)) == 1
    assert notify.check_clocks(db) == []
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        sla_rows = [r for r in rows if r.trigger.startswith("sla_")]
        assert [r.trigger for r in sla_rows] == [
            "sla_warning:restore:50", "sla_warning:restore:80", "sla_breached:restore",
            "sla_escalated:restore"]
        assert "升级" in sla_rows[-1].subject
        assert [r["name"] for r in sla_rows[-1].recipients] == ["张经理"]


def test_duty_hour_clocks_warn_only_in_duty_hours(db: Database, demo_people: dict[str, int],
                                                  clock: Any) -> None:
    ids = demo_people
    clock.now = bj(2026, 11, 27, 17, 20).astimezone(UTC)
    new_ticket(db, ids, FaultLevel.GENERAL)  # respond by Monday 08:50
    clock.now = bj(2026, 11, 28, 12).astimezone(UTC)  # Saturday: 10 of 30 minutes used
    assert notify.check_clocks(db) == []
    clock.now = bj(2026, 11, 30, 8, 46).astimezone(UTC)  # Monday, 80 % (24 min) passed
    with db.read() as session:
        before = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    assert len(notify.check_clocks(db)) == 1
    with db.read() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.id > (before or 0))).one()
        assert row.trigger == "sla_warning:respond:80"


# -- next year's calendar ------------------------------------------------------------------


def gbk_csv() -> bytes:
    return ("日期,类型,名称\r\n2027/1/1,休,元旦\r\n2027/2/6,休,春节\r\n2027/2/7,班,春节调休\r\n"
            ).encode("gbk")


@pytest.mark.parametrize(("name", "content"), [
    ("gbk.csv", gbk_csv()),
    ("tabs.txt", "date\tkind\tname\n20270101\tholiday\t元旦\n20270206\tholiday\t春节\n"
                 "20270207\tworkday\t春节调休\n".encode()),
    ("semi.csv", "2027-01-01;休;元旦\n2027-02-06;休;春节\n2027-02-07;班;春节调休\n".encode(
        "gb18030")),
    ("holiday-cn.json", json.dumps({"year": 2027, "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
        {"name": "春节", "date": "2027-02-06", "isOffDay": True},
        {"name": "春节调休", "date": "2027-02-07", "isOffDay": False}]}).encode()),
    ("cn.ics", ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\n"
                "DTEND;VALUE=DATE:20270102\r\nSUMMARY:元旦\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n"
                "DTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270207\r\nSUMMARY:春节\r\n"
                "END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270207\r\n"
                "SUMMARY:春节调休（班）\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()),
])
def test_calendar_files_in_every_format(name: str, content: bytes) -> None:
    parsed = workdays.parse_calendar(content, name)
    assert parsed.errors == []
    assert [(d, k) for d, k, _ in parsed.rows] == [
        (date(2027, 1, 1), DayKind.HOLIDAY), (date(2027, 2, 6), DayKind.HOLIDAY),
        (date(2027, 2, 7), DayKind.WORKDAY)]
    assert parsed.rows[0][2] == "元旦"


def test_xlsx_calendar() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "类型", "名称"])
    sheet.append([datetime(2027, 1, 1), "休", "元旦"])
    sheet.append(["2027/2/7", "班", "春节调休"])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = workdays.parse_calendar(buffer.getvalue(), "2027.xlsx")
    assert parsed.format == "xlsx" and parsed.errors == []
    assert parsed.rows == [(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
                           (date(2027, 2, 7), DayKind.WORKDAY, "春节调休")]
    with pytest.raises(ValidationError):
        workdays.parse_calendar(b"PK\x03\x04 not really a workbook", "x.xlsx")


def test_every_bad_line_has_its_message() -> None:
    content = "日期,类型,名称\n2027/1/1,休,元旦\n2027/13/1,休,x\n2027-02-07,maybe,y\n" \
              "2027-03-03,班,周三\n2027/1/1,休,重复\n"
    parsed = workdays.parse_calendar(content.encode(), "x.csv")
    assert [e.line for e in parsed.errors] == [3, 4, 5, 6]
    assert "2027/13/1" in parsed.errors[0].zh and "周三" in parsed.errors[2].zh
    assert "twice" in parsed.errors[3].en


def test_preview_import_complete_export(cli_db: tuple[str, Database, dict[str, int]],
                                        tmp_path: Any, capsys: pytest.CaptureFixture[str],
                                        clock: Any) -> None:
    url, db, ids = cli_db
    path = tmp_path / "2027.csv"
    path.write_bytes(gbk_csv())
    code, out, err = run(capsys, "--db", url, "calendar", "import", str(path), "--year",
                         "2027", "--preview")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "2027 年：休息日 2 天，补班日 1 天，全年工作日 261 天"
    assert "+ 2027-02-07  班  春节调休" in out and "未做任何更改" in out
    with db.read() as session:
        assert session.scalars(select(CalendarDay).where(
            CalendarDay.day >= date(2027, 1, 1))).first() is None
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,休,元旦\n2027-02-30,休,x\n2026-12-31,休,去年\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", url, "calendar", "import", str(bad), "--year", "2027",
                         "--preview")
    assert code == 1 and "第 2 行" in err and "2026-12-31" in err
    code, out, err = run(capsys, "--db", url, "calendar", "import", str(path), "--year", "2027",
                         "--as", "ADMIN")
    assert code == 0 and "desk calendar complete 2027" in out
    code, out, err = run(capsys, "--db", url, "calendar", "complete", "2027", "--as", "IT001")
    assert code == 1
    code, out, err = run(capsys, "--db", url, "calendar", "complete", "2027", "--as", "ADMIN")
    assert code == 0
    target = tmp_path / "out.csv"
    code, out, _ = run(capsys, "--db", url, "calendar", "export", "2027", "-o", str(target))
    assert code == 0
    exported = target.read_bytes()
    assert exported.startswith(b"\xef\xbb\xbf")
    again = workdays.parse_calendar(exported, "out.csv")
    assert again.rows == workdays.parse_calendar(gbk_csv(), "x.csv").rows
    template = tmp_path / "template.csv"
    code, _, _ = run(capsys, "--db", url, "calendar", "export", "2028", "-o", str(template),
                     "--template")
    assert code == 0 and workdays.parse_calendar(template.read_bytes(), "t.csv").rows == [
        (date(2028, 1, 1), DayKind.HOLIDAY, "元旦")]


def test_package_years_offered_without_overwriting(db: Database,
                                                   demo_people: dict[str, int]) -> None:
    from sqlalchemy import delete

    from models import CalendarYear

    def forget_2026(session: Any) -> None:
        session.execute(delete(CalendarYear).where(CalendarYear.year == 2026))
        session.execute(delete(CalendarDay).where(CalendarDay.day >= date(2026, 1, 1),
                                                  CalendarDay.day <= date(2026, 12, 31)))

    db.write(forget_2026)
    admin.calendar_add(db, demo_people["ADMIN"], "2026-10-01", DayKind.WORKDAY, "本单位值班")
    assert admin.package_years_offer(db) == [2026]
    added = admin.calendar_add_package_years(db, demo_people["ADMIN"], [2026])
    assert added > 20
    view = admin.calendar_year(db, 2026)
    assert view.covered
    by_day = {d: (k, n, s) for d, k, n, s in view.days}
    assert by_day[date(2026, 10, 1)] == (DayKind.WORKDAY, "本单位值班", "admin")
    assert by_day[date(2026, 10, 2)][1] == "国庆节"
    assert by_day[date(2026, 2, 17)][1] == "春节"
    assert admin.package_years_offer(db) == []


def test_the_record_table_lists_the_pauses(db: Database, demo_people: dict[str, int],
                                           clock: Any) -> None:
    import pypdf

    from desk.read.documents import record_data
    from reports import record_table

    ids = demo_people
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)
    plain = record_data(db, number)
    assert plain.pauses == []
    triage(db, ids, number, 2)
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待变更窗口"})
    clock.advance(minutes=95)
    workflow.perform(db, "resume", number, ids["IT001"], {})
    record = record_data(db, number)
    assert [(p.duration, p.reason) for p in record.pauses] == [("1小时35分", "等待变更窗口")]
    assert record.paused_total == "1小时35分"
    # a second pause, still in force, counts until now: 1小时35分 + 40分
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待厂商回复"})
    clock.advance(minutes=40)
    record = record_data(db, number)
    assert [(p.duration, p.ended_by) for p in record.pauses] == [("1小时35分", "刘洋"), ("", "")]
    assert record.paused_total == "2小时15分"
    pages = pypdf.PdfReader(io.BytesIO(record_table.build(record))).pages
    text = "".join(p.extract_text() or "" for p in pages)
    assert "计时暂停" in text and "等待变更窗口" in text
    assert "恢复人" in text and "暂停合计" in text and "2小时15分" in text
    blank = "".join(p.extract_text() or "" for p in pypdf.PdfReader(
        io.BytesIO(record_table.build(plain))).pages)
    assert "计时暂停" not in blank


def test_the_record_table_pdf_writes_spans_as_the_window_does(
        db: Database, demo_people: dict[str, int], clock: Any, tmp_path: Any) -> None:
    """The pauses' lengths and their total in the PDF as the window writes them
    (``1小时35分``), not ``1:35``; read back with poppler's pdftotext."""
    from desk.read.documents import record_data
    from reports import record_table

    tool = shutil.which("pdftotext")
    if tool is None:  # pragma: no cover - poppler-utils is part of the test machine
        pytest.skip("pdftotext (poppler-utils) is not installed")
    ids = demo_people
    number = new_ticket(db, ids, FaultLevel.IMPORTANT)
    triage(db, ids, number, 2)
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待变更窗口"})
    clock.advance(minutes=95)
    workflow.perform(db, "resume", number, ids["IT001"], {})
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待厂商回复"})
    clock.advance(minutes=7)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(record_table.build(record_data(db, number)))
    text = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    squashed = re.sub(r"\s+", "", text)
    assert "1小时35分" in squashed  # the first pause
    assert "暂停合计" in squashed and "1小时42分" in squashed  # both, the open one until now
    # no length in the old form (a one-digit hour: the moments have two, 09:30)
    assert not re.findall(r"(?<![\d:])-?\d:\d\d(?![\d:])", text), text
