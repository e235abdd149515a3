"""The dashboard's figures against the same figures counted in Python, on both backends.

Tickets are written straight into the table with chosen times (bypassing the workflow,
for control); every figure of ``desk.read.stats.compute`` is then checked against an
independent count over the generated data. Exports (CSV, XLSX, PDF) and the ``desk
stats`` command are checked for the same figures.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desk.db import Database
from desk.errors import ValidationError
from desk.read import stats, stats_export
from models import FaultLevel, FaultType, Status, Ticket

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # the conftest clock
START, END = date(2026, 11, 1), date(2026, 12, 1)
BUSINESSES = ["销售订单系统 – 下单", "财务报表 – 数据导出", "OA 办公系统 – 登录", "邮件系统",
              "仓储管理系统 – 出库", "VPN 远程接入", "CRM – 客户导入"]
LIMITS = {1: (5, 30), 2: (15, 120), 3: (30, 4 * 1440)}


@dataclass
class Fake:
    number: str
    level: int
    fault_type: FaultType
    status: Status
    business: str
    reported_at: datetime
    responded_at: datetime | None
    workaround_at: datetime | None
    restored_at: datetime | None
    resolved_at: datetime | None
    respond_due_at: datetime | None
    restore_due_at: datetime | None
    rounds: int
    passed: bool | None


def _maybe(rng: random.Random, p: float, base: datetime, lo: float, hi: float
           ) -> datetime | None:
    if rng.random() >= p:
        return None
    return base + timedelta(seconds=round(rng.uniform(lo, hi) * 60))


def make_fakes(n: int, seed: int = 7) -> list[Fake]:
    rng = random.Random(seed)
    span_lo = datetime(2026, 10, 25, tzinfo=TZ).astimezone(UTC)
    span = (datetime(2026, 12, 6, tzinfo=TZ).astimezone(UTC) - span_lo).total_seconds()
    out = []
    for i in range(n):
        level = rng.choices([1, 2, 3], weights=[1, 3, 6])[0]
        reported = span_lo + timedelta(seconds=rng.randrange(int(span)))
        respond_limit, restore_limit = LIMITS[level]
        responded = _maybe(rng, 0.85, reported, 0.5, respond_limit * 2)
        workaround = _maybe(rng, 0.3, reported, 5, restore_limit * 1.5)
        restored = _maybe(rng, 0.6, reported, 5, restore_limit * 1.6)
        resolved = (None if restored is None or rng.random() < 0.3
                    else restored + timedelta(minutes=rng.randint(1, 600)))
        rounds = rng.choice([0, 0, 1, 1, 1, 2, 3]) if resolved or rng.random() < 0.2 else 0
        passed = None if rounds == 0 else (bool(resolved) or rng.random() < 0.3)
        status = (Status.RESOLVED if resolved else
                  rng.choice([Status.REPORTED, Status.TRIAGE, Status.DIAGNOSING,
                              Status.VERIFYING, Status.CANCELLED, Status.IMPLEMENTING]))
        out.append(Fake(
            number=f"TEST-{i:05d}", level=level, fault_type=rng.choice(list(FaultType)),
            status=status, business=rng.choice(BUSINESSES), reported_at=reported,
            responded_at=responded, workaround_at=workaround, restored_at=restored,
            resolved_at=resolved,
            respond_due_at=reported + timedelta(minutes=respond_limit),
            restore_due_at=(None if rng.random() < 0.03
                            else reported + timedelta(minutes=restore_limit)),
            rounds=rounds, passed=passed))
    return out


def insert(db: Database, fakes: list[Fake]) -> None:
    def work(session: Any) -> None:
        session.add_all([Ticket(
            number=f.number, fault_type=f.fault_type, level=FaultLevel(f.level),
            status=f.status, occurred_at=f.reported_at, reporter_name="测试",
            affected_business=f.business, reported_at=f.reported_at, phenomenon="测试现象",
            responded_at=f.responded_at, workaround_at=f.workaround_at,
            restored_at=f.restored_at, resolved_at=f.resolved_at,
            respond_due_at=f.respond_due_at, restore_due_at=f.restore_due_at,
            verification_rounds=f.rounds, verification_passed=f.passed,
        ) for f in fakes])
    db.write(work)


def in_period(f: Fake, start: date = START, end: date = END) -> bool:
    return start <= f.reported_at.astimezone(TZ).date() < end


def restored(f: Fake) -> datetime | None:
    moments = [m for m in (f.workaround_at, f.restored_at) if m is not None]
    return min(moments) if moments else None


def clock_state(done: datetime | None, due: datetime | None) -> int:
    if done is not None:
        return 0 if due is None or done <= due else 1
    return 2 if due is None or due > NOW else 3


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def minutes(later: datetime | None, earlier: datetime) -> float | None:
    return None if later is None else (later - earlier).total_seconds() / 60


def rows_by_label(table: stats.Table) -> dict[str, list[Any]]:
    return {str(r[0]): r for r in table.rows}


@pytest.fixture
def generated(db: Database) -> list[Fake]:
    fakes = make_fakes(400)
    insert(db, fakes)
    return fakes


def test_counts_by_level_type_status_business(db: Database, generated: list[Fake]) -> None:
    board = stats.compute(db, START, END, top=5)
    inside = [f for f in generated if in_period(f)]
    assert 100 < len(inside) < len(generated)  # the period really cuts the data
    assert board.total == len(inside)
    levels = rows_by_label(board.by_level)
    for lv in FaultLevel:
        n = sum(1 for f in inside if f.level == lv)
        assert levels[lv.label_zh][1] == n
        assert levels[lv.label_zh][2] == pytest.approx(100 * n / len(inside), abs=0.051)
    types = rows_by_label(board.by_type)
    for ft in FaultType:
        assert types[ft.label_zh][1] == sum(1 for f in inside if f.fault_type == ft)
    states = rows_by_label(board.by_status)
    for st in Status:
        assert states[st.label_zh][1] == sum(1 for f in inside if f.status == st)
    assert states[stats.ALL][1] == len(inside)
    expected_business = sorted(
        {b: sum(1 for f in inside if f.business == b) for b in BUSINESSES}.items(),
        key=lambda item: (-item[1], item[0]))[:5]
    got = [(r[0], r[1]) for r in board.top_businesses.rows]
    assert got == expected_business
    for row in board.top_businesses.rows:
        for i, lv in enumerate(FaultLevel):
            assert row[2 + i] == sum(1 for f in inside if f.business == row[0] and f.level == lv)


def test_compliance_per_level(db: Database, generated: list[Fake]) -> None:
    board = stats.compute(db, START, END)
    live = [f for f in generated if in_period(f) and f.status != Status.CANCELLED]
    for table, done_of, due_of in [
        (board.respond_compliance, lambda f: f.responded_at, lambda f: f.respond_due_at),
        (board.restore_compliance, restored, lambda f: f.restore_due_at),
    ]:
        rows = rows_by_label(table)
        for lv in [*FaultLevel, None]:
            group = [f for f in live if lv is None or f.level == lv]
            counts = [0, 0, 0, 0]
            for f in group:
                counts[clock_state(done_of(f), due_of(f))] += 1
            row = rows[stats.ALL if lv is None else lv.label_zh]
            assert row[1] == len(group)
            assert [row[2], row[4], row[6], row[8]] == counts
            for i, c in enumerate(counts):
                assert row[3 + 2 * i] == pytest.approx(100 * c / len(group), abs=0.051)
    # every state occurs in the generated data, so each column is really checked
    all_states = {clock_state(restored(f), f.restore_due_at) for f in live}
    assert all_states == {0, 1, 2, 3}


def test_times_mean_and_p90(db: Database, generated: list[Fake]) -> None:
    board = stats.compute(db, START, END)
    live = [f for f in generated if in_period(f) and f.status != Status.CANCELLED]
    ends = {"响应": lambda f: f.responded_at, "恢复": restored, "解决": lambda f: f.resolved_at}
    rows = {(r[0], r[1]): r for r in board.durations.rows}
    assert len(rows) == 12
    for metric, end_of in ends.items():
        for lv in [*FaultLevel, None]:
            values = [m for f in live if lv is None or f.level == lv
                      if (m := minutes(end_of(f), f.reported_at)) is not None]
            row = rows[(metric, stats.ALL if lv is None else lv.label_zh)]
            assert row[2] == len(values)
            assert len(values) > 3
            assert row[3] == pytest.approx(statistics.fmean(values), abs=0.051)
            assert row[4] == pytest.approx(p90(values), abs=0.051)


def test_verification_and_weekly_trend(db: Database, generated: list[Fake]) -> None:
    board = stats.compute(db, START, END)
    inside = [f for f in generated if in_period(f)]
    live = [f for f in inside if f.status != Status.CANCELLED]
    verification = dict(board.verification.rows)
    rounds = sum(f.rounds for f in live)
    failed = sum(f.rounds - (1 if f.passed else 0) for f in live if f.rounds)
    ever = sum(1 for f in live if f.rounds and (f.rounds > 1 or not f.passed))
    verified = sum(1 for f in live if f.rounds)
    assert failed > 0
    assert verification["验证次数"] == rounds
    assert verification["验证未通过次数"] == failed
    assert verification["验证未通过率%"] == pytest.approx(100 * failed / rounds, abs=0.051)
    assert verification["经过验证的故障"] == verified
    assert verification["曾验证未通过的故障"] == ever
    weeks = {r[0]: r for r in board.weekly_trend.rows}
    # Nov 2026: Monday Oct 26 (W44) to Monday Nov 30 (W49)
    assert list(weeks) == [f"2026-W{w}" for w in range(44, 50)]
    for key, row in weeks.items():
        for i, lv in enumerate(FaultLevel):
            expected = sum(1 for f in inside if f.level == lv and
                           "{}-W{:02d}".format(*f.reported_at.astimezone(TZ).isocalendar()[:2])
                           == key)
            assert row[2 + i] == expected
        assert row[5] == sum(row[2:5])
    assert sum(r[5] for r in board.weekly_trend.rows) == len(inside)


def test_period_boundaries_are_local_midnights(db: Database) -> None:
    def at(y: int, m: int, d: int, hh: int, mm: int) -> datetime:
        return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)

    fakes = make_fakes(4, seed=1)
    moments = [at(2026, 11, 1, 0, 30),    # inside: 16:30 UTC the day before
               at(2026, 10, 31, 23, 59),  # outside: still October in Beijing
               at(2026, 11, 30, 23, 59),  # inside
               at(2026, 12, 1, 0, 0)]     # outside: the end is not included
    for f, moment in zip(fakes, moments, strict=True):
        f.reported_at = moment
        f.status = Status.REPORTED
    insert(db, fakes)
    board = stats.compute(db, START, END)
    assert board.total == 2
    week_of_first = {r[0]: r[5] for r in board.weekly_trend.rows}
    assert week_of_first["2026-W44"] == 1 and week_of_first["2026-W49"] == 1
    assert stats.compute(db, date(2026, 10, 31), START).total == 1
    assert stats.compute(db, END, date(2026, 12, 2)).total == 1


def test_empty_period_and_bad_period(db: Database) -> None:
    board = stats.compute(db, START, END)
    assert board.total == 0
    assert rows_by_label(board.by_level)[stats.ALL][2] is None
    assert all(r[3] is None and r[4] is None for r in board.durations.rows)
    with pytest.raises(ValidationError):
        stats.compute(db, END, START)


def test_period_presets() -> None:
    friday = date(2026, 11, 27)
    assert stats.this_week(friday) == (date(2026, 11, 23), date(2026, 11, 30))
    assert stats.this_month(friday) == (date(2026, 11, 1), date(2026, 12, 1))
    assert stats.this_month(date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert stats.last_days(friday, 30) == (date(2026, 10, 29), date(2026, 11, 28))


def test_csv_and_xlsx_hold_the_tables(db: Database, generated: list[Fake],
                                      tmp_path: Path) -> None:
    from openpyxl import load_workbook

    board = stats.compute(db, START, END)
    data = stats_export.csv_bytes(board)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for table in board.tables:
        at = lines.index([table.title])
        assert lines[at + 1] == table.headers
        for offset, row in enumerate(table.rows, start=2):
            assert lines[at + offset] == ["" if v is None else str(v) for v in row]
    path = stats_export.write(board, "xlsx", tmp_path / "统计.xlsx")
    book = load_workbook(path)
    try:
        assert len(book.sheetnames) == len(board.tables) + 1
        for table, name in zip(board.tables, book.sheetnames[1:], strict=True):
            sheet = book[name]
            values = [list(r) for r in sheet.iter_rows(values_only=True)]
            assert values[0] == table.headers
            assert all(cell.font.bold for cell in sheet[1])
            assert values[1:] == [[v for v in row] for row in table.rows]
            assert sheet.column_dimensions["A"].width >= 6
        summary = book["概要"]
        assert summary["B3"].value == board.total
    finally:
        book.close()


def test_pdf_is_one_page_with_embedded_fonts(db: Database, generated: list[Fake],
                                             tmp_path: Path) -> None:
    from pypdf import PdfReader

    board = stats.compute(db, START, END)
    path = stats_export.write(board, "pdf", tmp_path / "dashboard.pdf")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"]
        _collect_fonts(resources, fonts)
    assert fonts, "no fonts found"
    for font in fonts:
        descriptor = _descriptor(font)
        assert descriptor is not None and any(
            k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    text = reader.pages[0].extract_text()
    assert "故障统计报表" in text
    assert f"故障总数：{board.total}" in text
    respond_all = rows_by_label(board.respond_compliance)[stats.ALL]
    assert f"{respond_all[3]:.1f}" in text
    assert "一级 紧急" in text


def _collect_fonts(resources: Any, out: list[Any]) -> None:
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        out.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if "/Resources" in xobject:
            _collect_fonts(xobject["/Resources"], out)


def _descriptor(font: Any) -> Any:
    if "/FontDescriptor" in font:
        return font["/FontDescriptor"].get_object()
    for child in font.get("/DescendantFonts", []):
        found = _descriptor(child.get_object())
        if found is not None:
            return found
    return None


def test_cli_stats(db: Database, generated: list[Fake], tmp_path: Path,
                   capsys: pytest.CaptureFixture[str]) -> None:
    from desk.cli.main import main

    url = db.engine.url.render_as_string(hide_password=False)
    board = stats.compute(db, START, END)
    out = {k: tmp_path / f"d.{k}" for k in ("csv", "xlsx", "pdf")}
    code = main(["--db", url, "stats", "--from", "2026-11-01", "--to", "2026-12-01", "--json",
                 "--csv", str(out["csv"]), "--xlsx", str(out["xlsx"]), "--pdf", str(out["pdf"])])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["total"] == board.total
    assert {t["key"]: t["rows"] for t in printed["tables"]}["by_level"] == board.by_level.rows
    assert all(p.stat().st_size > 0 for p in out.values())
    assert out["pdf"].read_bytes().startswith(b"%PDF")
    assert main(["--db", url, "stats", "--from", "2026-12-01", "--to", "2026-11-01"]) == 1
    err = capsys.readouterr().err
    assert "结束日期" in err or "end" in err
    assert main(["--db", url, "stats", "--from", "2026-13-01", "--to", "2026-12-01"]) == 1
    assert "2026-13-01" in capsys.readouterr().err
    code = main(["--db", url, "stats", "--from", "2026-11-01", "--to", "2026-12-01"])
    assert code == 0
    printed_text = capsys.readouterr().out
    assert "按等级" in printed_text and f"故障总数 {board.total}" in printed_text


def test_full_scan_and_index_give_the_same_figures(db: Database, generated: list[Fake],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats, "_mostly", lambda *args: True)
    scanned = stats.compute(db, START, END).to_json()
    monkeypatch.setattr(stats, "_mostly", lambda *args: False)
    indexed = stats.compute(db, START, END).to_json()
    assert scanned["total"] > 100
    assert scanned == indexed


def test_paused_time_counted_by_hand(db: Database, demo_people: dict[str, int],
                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Six faults: A paused twice (30 + 90 min), B once (45 min), C still paused (since
    60 min before now), D cancelled (600 min: not counted), E reported in December (not in
    the period), F never paused. In all 3 faults, 4 pauses, 225 minutes, 75 per fault."""
    from pypdf import PdfReader

    from desk.cli.main import main
    from models import TicketPause

    fakes = make_fakes(6, seed=3)
    day = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    statuses = [Status.DIAGNOSING, Status.RESOLVED, Status.IMPLEMENTING, Status.CANCELLED,
                Status.DIAGNOSING, Status.TRIAGE]
    for f, status in zip(fakes, statuses, strict=True):
        f.status, f.reported_at = status, day
    fakes[4].reported_at = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    insert(db, fakes)
    spans = {0: [(60, 30), (300, 90)], 1: [(10, 45)], 3: [(10, 600)], 4: [(10, 100)]}

    def work(session: Any) -> None:
        ids = {t.number: t.id for t in session.scalars(select(Ticket))}
        for i, pauses in spans.items():
            for after, length in pauses:
                start = fakes[i].reported_at + timedelta(minutes=after)
                session.add(TicketPause(ticket_id=ids[fakes[i].number], started_at=start,
                                        ended_at=start + timedelta(minutes=length),
                                        reason="等待报告人", started_by_id=demo_people["IT001"]))
        session.add(TicketPause(ticket_id=ids[fakes[2].number],  # in force: until now
                                started_at=NOW - timedelta(minutes=60), reason="等待厂商",
                                started_by_id=demo_people["IT001"]))
    db.write(work)
    board = stats.compute(db, START, END)
    assert board.pauses.rows == [
        ["暂停过的故障", 3], ["暂停次数", 4], ["暂停总时长（分钟）", 225.0],
        ["平均暂停时长（分钟，每个暂停过的故障）", 75.0]]
    assert board.pauses in board.tables
    assert stats.compute(db, date(2026, 12, 1), date(2027, 1, 1)).pauses.rows[:3] == [
        ["暂停过的故障", 1], ["暂停次数", 1], ["暂停总时长（分钟）", 100.0]]
    empty = stats.compute(db, date(2026, 10, 1), START).pauses
    assert [r[1] for r in empty.rows] == [0, 0, 0.0, None]
    # the one-page PDF says it in its summary line
    text = PdfReader(stats_export.write(board, "pdf", tmp_path / "d.pdf")).pages[0]\
        .extract_text().replace("\n", "")
    assert "计时暂停 3 个故障 4次" in text.replace("4 次", "4次") and "合计 225.0 分钟" in text and "平均 75.0" in text
    # the command line prints the table, in the chosen language too (its clock is the real
    # one: the pause in force has lasted longer there, the counts are the same)
    url = db.engine.url.render_as_string(hide_password=False)
    assert main(["--db", url, "stats", "--from", "2026-11-01", "--to", "2026-12-01"]) == 0
    printed = capsys.readouterr().out
    assert "计时暂停" in printed and "暂停总时长（分钟）" in printed
    assert re.search(r"^暂停过的故障 +3$", printed, re.M) and re.search(
        r"^暂停次数 +4$", printed, re.M)
    assert main(["--db", url, "--lang", "en", "stats", "--from", "2026-11-01",
                 "--to", "2026-12-01"]) == 0
    printed = capsys.readouterr().out
    assert "Paused clocks" in printed and "Mean paused time (minutes, per fault paused)" in printed


def test_the_weekly_trend_shows_no_weeks_still_to_come(sqlite_url: str, make_db: Any,
                                                       clock: Any) -> None:
    """A period that runs past today (this month, on its 3rd) ends its trend at this week."""
    db = make_db(sqlite_url)
    clock.now = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)  # Thursday, Dec 3 (local noon)
    board = stats.compute(db, date(2026, 12, 1), date(2027, 1, 1))
    assert [r[0] for r in board.weekly_trend.rows] == ["2026-W49"]
    board = stats.compute(db, date(2026, 11, 1), date(2026, 12, 1))  # a past month: whole
    assert [r[0] for r in board.weekly_trend.rows] == [f"2026-W{w}" for w in range(44, 50)]
