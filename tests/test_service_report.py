"""The service report (运维服务报告) and the post-incident review (故障复盘) PDF.

A small November is built through the real services with the clock set for each step,
so that every figure can be counted by hand (see ``november``); the report is checked
against those counts, and every PDF for its text, embedded fonts and a non-blank page.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from desk.admin.demo import ensure_people
from desk.cli.main import main
from desk.db import Database
from desk.errors import ValidationError
from desk.process import links, problems, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read import review, service_report, service_report_export
from models import FaultLevel, FaultType
from tests.test_documents import _ink, attach_png, font_problems, pdf_text

BEIJING = timedelta(hours=8)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - BEIJING


class November:
    """Faults of November 2026 (Beijing time), each step at a known moment.

    ======  =====  =========================================  ===========================
    fault   level  respond (limit)                            restore (limit)
    ======  =====  =========================================  ===========================
    H       3      Fri 6th 23:50 → Mon 9th 00:11: 2901 min,   none; 4 working days (due
                   21 working minutes (30): met               Thu 12th 23:50): breached
    A       2      10 min (15): met                           30 min (120): met
    B       2      20 min (15): late                          200 min (120): late
    C       1      3 min (5): met                             none; 30 min passed: breached
    D       3      none, reported last: running               running
    E       3      merged into A: not counted                 —
    F       3      cancelled: not counted in the clocks       —
    ======  =====  =========================================  ===========================

    Respond: met H, A, C; late B → 3 / 4 = 75.0 %. Restore: met A; late B; breached C,
    H → 1 / 4 = 25.0 %. Level 2 respond 1 / 2 = 50.0 %. MTTA on the clock (2901 + 10 + 20
    + 3) / 4 = 733.5; in duty time (21 + 10 + 20 + 3) / 4 = 13.5. MTTR (30 + 200) / 2 =
    115.0. Faults: H, A, B, C, D, F = 6 (E merged). The problem is opened from A after A
    and B were reported, and D is reported after it and points to it: 1 repeat, 1 / 6 =
    16.7 %. Satisfaction: A 5, B 3 → 4.0.
    """

    def __init__(self, db: Database, clock: Any) -> None:
        self.db, self.clock = db, clock
        self.ids = ensure_people(db)
        self.numbers: dict[str, str] = {}

    def at(self, moment: datetime) -> None:
        self.clock.now = moment

    def report(self, key: str, level: int, when: datetime) -> str:
        self.at(when)
        number = report_fault(self.db, FaultReport(
            fault_type=FaultType.SYSTEM, level=FaultLevel(level),
            affected_business="销售订单系统 – 下单", phenomenon="提交订单报错 500"),
            self.ids["SALES005"]).number
        self.numbers[key] = number
        return number

    def do(self, name: str, key: str, who: str, when: datetime, **data: Any) -> None:
        self.at(when)
        workflow.perform(self.db, name, self.numbers[key], self.ids[who], data)

    def triage(self, key: str, level: int, when: datetime) -> None:
        self.do("triage", key, "IT001", when, first_contact="已电话联系", fault_type="SYS",
                level=level)

    def build(self) -> None:
        h = local(2026, 11, 6, 23, 50)
        self.report("H", 3, h)
        self.triage("H", 3, local(2026, 11, 9, 0, 11))
        t = local(2026, 11, 10, 10)
        self.report("A", 2, t)
        self.report("E", 3, t + timedelta(minutes=1))
        self.triage("A", 2, t + timedelta(minutes=10))
        self.do("solve_on_spot", "A", "IT001", t + timedelta(minutes=30),
                temporary_solution="重启订单服务")
        links.link(self.db, self.numbers["E"], self.numbers["A"], "duplicate", self.ids["IT001"])
        t2 = local(2026, 11, 11, 10)
        self.report("B", 2, t2)
        self.triage("B", 2, t2 + timedelta(minutes=20))
        self.do("solve_on_spot", "B", "IT001", t2 + timedelta(minutes=200),
                temporary_solution="清理缓存")
        for key, score in (("A", 5), ("B", 3)):
            self.do("verify", key, "SALES005", t2 + timedelta(minutes=300), passed=True,
                    environment="生产环境", checked="重新下单", satisfaction=score,
                    satisfaction_comment="谢谢" if score == 3 else "")
        self.at(t2 + timedelta(minutes=400))
        problems.open_problem(self.db, self.ids["DEV002"], {"title": "订单服务连接池耗尽"},
                              faults=[self.numbers["A"], self.numbers["B"]])
        t3 = local(2026, 11, 20, 10)
        self.report("C", 1, t3)
        self.triage("C", 1, t3 + timedelta(minutes=3))
        self.report("F", 3, t3 + timedelta(minutes=5))
        self.do("cancel", "F", "IT001", t3 + timedelta(minutes=6), reason="误报")
        self.report("D", 3, local(2026, 11, 30, 16))
        problems.attach_faults(self.db, "PRB-000001", [self.numbers["D"]], self.ids["IT001"])
        self.at(local(2026, 11, 30, 16, 5))  # D's clocks still run; C's restore breached


@pytest.fixture(params=["sqlite", "pg"])
def november(request: pytest.FixtureRequest, make_db: Any, clock: Any) -> November:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_db_url")
    data = November(make_db(url), clock)
    data.build()
    return data


def test_the_report_matches_the_figures_counted_by_hand(november: November) -> None:
    report = service_report.compute(november.db, service_report.month("2026-11"))
    now = report.current
    assert now.total == 6
    assert (now.respond_rate, now.restore_rate) == (75.0, 25.0)
    assert (now.mtta, now.mtta_duty, now.mttr) == (733.5, 13.5, 115.0)
    assert (now.repeats, now.repeat_rate) == (1, 16.7)
    assert (now.rated, now.satisfaction) == (2, 4.0)
    assert (now.problems_opened, now.problems_solved) == (1, 0)
    rates = {(r[0], r[1]): r[2:] for r in report.sla_rates.rows}
    assert rates[("二级 重要", "响应")] == [1, 1, 0, 0, 50.0]
    assert rates[("一级 紧急", "恢复")] == [0, 0, 1, 0, 0.0]
    assert rates[("三级 一般", "响应")] == [1, 0, 0, 1, 100.0]  # D still running
    assert rates[("三级 一般", "恢复")] == [0, 0, 1, 1, 0.0]
    assert report.before.total == 0 and report.previous.code == "2026-10"
    [cause] = report.root_causes.rows
    assert cause[0].startswith("PRB-000001") and cause[3] == 3
    assert report.by_department.rows[0][:2] == ["销售部", 6]


@pytest.fixture
def november_lite(sqlite_url: str, make_db: Any, clock: Any) -> November:
    data = November(make_db(sqlite_url), clock)
    data.build()
    return data


def test_the_pdf_and_xlsx_hold_the_figures(november_lite: November, tmp_path: Path) -> None:
    november = november_lite
    report = service_report.compute(november.db, service_report.month("2026-11"))
    data = service_report_export.pdf_bytes(report)
    text = pdf_text(data)
    for expected in ("运维服务报告", "2026年11月", "2026年10月", "75.0%", "25.0%", "16.7%",
                     "733.5", "13.5", "订单服务连接池耗尽", "满意度"):
        assert expected in text, expected
    assert font_problems(data) == []
    _rendered(data, tmp_path / "report")
    book = load_workbook(io.BytesIO(service_report_export.xlsx_bytes(report)))
    assert book.sheetnames[0] == "概要"
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(values_only=True) if row}
    assert summary["响应 SLA 达成率"] == 75.0 and summary["重复故障发生率"] == 16.7


def _rendered(data: bytes, stem: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    pdf = stem.with_suffix(".pdf")
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(stem)], check=True,
                   capture_output=True, timeout=60)
    pages = sorted(stem.parent.glob(f"{stem.name}-*.png"))
    assert pages and _ink(pages[0]) > 0.02
    for page in pages:
        assert _ink(page, 0.0, 1.0) > 0.005, page.name


def test_periods_and_bad_periods() -> None:
    q = service_report.quarter("2026Q4")
    assert (q.start, q.end, q.label) == (date(2026, 10, 1), date(2027, 1, 1), "2026年第四季度")
    assert q.previous().code == "2026Q3"
    assert service_report.month("2026-01").previous().code == "2025-12"
    for bad in ("2026-13", "11-2026", ""):
        with pytest.raises(ValidationError):
            service_report.month(bad)
    with pytest.raises(ValidationError):
        service_report.quarter("2026Q5")


def test_the_review_pdf_has_the_timeline_marks_and_the_screenshot(
        november_lite: November, tmp_path: Path) -> None:
    data = november_lite
    number = data.numbers["C"]  # level 1: responded in time, restore breached
    attach_png(data.db, number, "DEV002")
    doc = review.review_data(data.db, number, went_well=["值班及时拉群"])
    marks = [e.mark for e in doc.timeline if e.mark]
    assert "响应：按时" in marks and "恢复超时" in marks
    assert any(e.action == "恢复时限到期" and e.late for e in doc.timeline)
    assert "值班及时拉群" in doc.went_well
    assert any("恢复未达时限" in line for line in doc.went_badly)
    pdf = review.render(data.db, number)
    text = pdf_text(pdf)
    for expected in ("故障复盘报告", number, "响应：按时", "恢复时限到期", "错误截图.png"):
        assert expected in text, expected
    assert font_problems(pdf) == []
    _rendered(pdf, tmp_path / "review")
    # the master shows what its duplicate brought
    master = review.review_data(data.db, data.numbers["A"])
    assert any(e.action == "重复上报" for e in master.timeline)
    assert any("重复上报" in line for line in master.related)


def test_cli_writes_the_report_and_the_review(november_lite: November, sqlite_url: str,
                                              tmp_path: Path, monkeypatch: Any,
                                              capsys: Any) -> None:
    data = november_lite
    monkeypatch.setenv("DESK_DB_URL", sqlite_url)
    pdf, xlsx = tmp_path / "nov.pdf", tmp_path / "nov.xlsx"
    assert main(["stats", "report", "--month", "2026-11", "-o", str(pdf), "-o", str(xlsx)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 1000
    assert main(["stats", "report", "--quarter", "2026Q4", "--json"]) == 0
    assert '"period": "2026Q4"' in capsys.readouterr().out
    assert main(["--lang", "en", "stats", "report", "--month", "2026-11", "-o",
                 str(tmp_path / "x.doc")]) == 1
    assert "must end in .pdf or .xlsx" in capsys.readouterr().err
    out = tmp_path / "review.pdf"
    assert main(["pdf", "review", data.numbers["A"], "-o", str(out)]) == 0
    assert "故障复盘报告" in pdf_text(out.read_bytes())


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60 * 24 * 90), st.integers(0, 60 * 24 * 20))
def test_working_time_totals_agree_with_walking_the_days(start_min: int, span_min: int) -> None:
    from desk.rules import sla
    from desk.rules.workdays import WorkCalendar

    tz = ZoneInfo("Asia/Shanghai")
    # the 2026 National Day week and its make-up Saturday
    cal = WorkCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
                       workdays=frozenset({date(2026, 10, 10)}), years=frozenset({2026}))
    start = local(2026, 9, 25, 0) + timedelta(minutes=start_min)
    end = start + timedelta(minutes=span_min)
    totals = sla.WorkingTime(date(2026, 9, 20), date(2026, 12, 31), cal, tz)
    assert totals.between(start, end) == pytest.approx(
        sla.working_elapsed(start, end, cal, tz).total_seconds(), abs=1e-6)


def test_last_months_report_is_mailed_once_on_the_first_working_day(
        november_lite: November) -> None:
    from desk.notify import outbox
    from desk.process import people as people_mod
    from tests.test_notify import SmtpServer

    data = november_lite
    admin = people_mod.person_id(data.db, "ADMIN")
    with pytest.raises(ValidationError):
        outbox.set_report_recipients(data.db, admin, ["not-an-address"])
    outbox.set_report_recipients(data.db, admin, ["cio@example.com", "ops@example.com"])
    data.at(local(2026, 11, 30, 18))
    outbox.queue_service_report(data.db)  # October's, late: once this month
    data.at(local(2026, 12, 1, 9))  # Tuesday 1 December, a working day
    [queued] = outbox.queue_service_report(data.db)
    assert outbox.queue_service_report(data.db) == []  # once
    data.at(local(2026, 12, 2, 9))
    assert outbox.queue_service_report(data.db) == []
    server = SmtpServer()
    server.start()
    try:
        outbox.send_due(data.db, server.settings, "test-sender")
    finally:
        server.stop()
    [mail] = [r for r in server.received if "2026年11月" in str(r.message["Subject"])]
    assert sorted(mail.rcpt_tos) == ["cio@example.com", "ops@example.com"]
    [pdf] = [p for p in mail.message.iter_attachments()]
    assert pdf.get_filename() == "运维服务报告-2026-11.pdf"
    # by 2 December D's respond clock has run out too: 3 met of 5 decided
    assert "响应SLA达成率60.0%" in pdf_text(pdf.get_payload(decode=True))
    assert queued > 0


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/London",
                        "Asia/Kolkata"]),
       st.integers(0, 60 * 60 * 24 * 90), st.integers(0, 60 * 60 * 24 * 20))
def test_hour_totals_agree_with_working_time_between(zone: str, start_s: int,
                                                     span_s: int) -> None:
    """Two moments summed by their UTC hours (as the service report sums them from SQL)
    give the working time between them; an hour that is not uniform in the zone (a local
    midnight inside it, at half past in Kolkata) says so with None."""
    from desk.rules import sla
    from desk.rules.workdays import WorkCalendar

    tz = ZoneInfo(zone)
    cal = WorkCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
                       workdays=frozenset({date(2026, 10, 10)}), years=frozenset({2026}))
    start = datetime(2026, 9, 25, tzinfo=UTC) + timedelta(seconds=start_s, microseconds=250)
    end = start + timedelta(seconds=span_s)
    totals = sla.WorkingTime(date(2026, 9, 20), date(2026, 12, 31), cal, tz)

    def hour_of(moment: datetime) -> tuple[datetime, float]:
        hour = moment.replace(minute=0, second=0, microsecond=0)
        return hour, (moment - hour).total_seconds()

    (a_hour, a_s), (b_hour, b_s) = hour_of(start), hour_of(end)
    a, b = totals.hour_total(a_hour, 1, a_s), totals.hour_total(b_hour, 1, b_s)
    for hour, total in ((a_hour, a), (b_hour, b)):
        local_start = hour.astimezone(tz)
        local_end = (hour + timedelta(minutes=59, seconds=59)).astimezone(tz)
        assert (total is None) == (local_start.date() != local_end.date()
                                   or local_start.utcoffset() != local_end.utcoffset())
    if a is not None and b is not None:
        assert b - a == pytest.approx(totals.between(start, end), abs=1e-6)
        assert totals.hour_total(a_hour, 3, 3 * a_s) == pytest.approx(3 * a)


@pytest.mark.parametrize("backend", ["sqlite", "pg"])
def test_duty_times_summed_by_hour_in_sql_equal_those_summed_fault_by_fault(
        backend: str, request: pytest.FixtureRequest, make_db: Any) -> None:
    """The service report sums duty time from the hours the moments fall in (grouped in
    SQL); over generated faults of a month it agrees with summing fault by fault, for
    clocks on working days and a clock on the clock beside them, and a zone whose hours
    are not uniform falls back to the faults one by one."""
    import dataclasses

    from bench.generate import generate_tickets
    from desk.read import calendar as workcal
    from desk.read import settings as desk_settings
    from desk.read import stats
    from desk.rules.limits import ClockKind

    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_db_url")
    generate_tickets(url, 4000, seed=7)  # before the test's own connection holds the file
    db = make_db(url)
    period = service_report.month("2026-11")
    with db.read() as session:
        tz = ZoneInfo("Asia/Shanghai")
        lo, hi = stats.utc_bounds(period.start, period.end, tz)
        cal = workcal.load(session)
        limits = dict(desk_settings.limits(session))
        limits[FaultLevel.URGENT] = dataclasses.replace(  # one clock of each kind
            limits[FaultLevel.URGENT],
            respond=dataclasses.replace(limits[FaultLevel.URGENT].respond,
                                        clock=ClockKind.WORKDAYS))
        limits[FaultLevel.IMPORTANT] = dataclasses.replace(
            limits[FaultLevel.IMPORTANT],
            restore=dataclasses.replace(limits[FaultLevel.IMPORTANT].restore,
                                        clock=ClockKind.DUTY))
        levels = list(FaultLevel)
        by_hour = service_report._duty_sums_by_hour(session, lo, hi, tz, limits, levels, cal)
        by_fault = {lv: [0.0, 0.0, 0, 0] for lv in FaultLevel}
        service_report._duty_sums_by_fault(session, lo, hi, tz, limits, levels, cal, by_fault)
        kolkata = ZoneInfo("Asia/Kolkata")
        lo_k, hi_k = stats.utc_bounds(period.start, period.end, kolkata)
        assert service_report._duty_sums_by_hour(session, lo_k, hi_k, kolkata, limits,
                                                 levels, cal) is None
    assert by_hour is not None
    assert sum(int(v[2]) for v in by_fault.values()) > 100  # a month of faults
    for lv in FaultLevel:
        assert by_hour[lv][2:] == by_fault[lv][2:]
        # SQLite's elapsed minutes of a clock on the clock come from julianday(), exact
        # to some tens of microseconds a fault: far inside the 0.1 minute the report shows
        assert by_hour[lv][:2] == pytest.approx(by_fault[lv][:2], rel=1e-9, abs=1e-3)
