"""Bad input everywhere, table by table: every refusal is a clear message (Chinese and
English) and changes nothing; every odd-but-valid text (emoji, CJK beyond the BMP,
SQL's own characters) is kept exactly and found exactly.

One desk per backend is built once for the module (people, a few faults, one with
𠀀/𪚥/😀 in every text field walked to the end); each refusal compares the row and
event counts before and after.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.admin.team import calendar_import
from desk.bootstrap import open_database
from desk.config import load_config
from desk.db import Database
from desk.errors import (
    DeskError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
    set_language,
)
from desk.process import people, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read import documents
from desk.read import timeline as timeline_mod
from desk.read.queue import TicketQuery, count_tickets, list_tickets
from desk.read.tickets import get_ticket
from desk.rules.timeutil import parse_time
from models import CalendarDay, Event, FaultType, Person, Setting, Status, Ticket
from tests.conftest import cli_main_as as main

from .conftest import PG_ADMIN_URL, _libpq, require_pg

RARE = "𠀀𪚥😀"  # U+20000, a CJK extension character, an emoji
META = ["'", '"', ";", "--", "%", "_", "\\", "\x00"]
MEGA = "长" * 1_000_000


@dataclass
class Desk:
    db: Database
    url: str
    ids: dict[str, int]
    rare: str  # the number of the fault with rare characters everywhere


def _walk_rare(db: Database, ids: dict[str, int]) -> str:
    r = RARE
    number = report_fault(db, FaultReport(
        fault_type=FaultType.SYSTEM, affected_business=f"业务{r}", phenomenon=f"现象{r}",
        reporter_name=f"报告人{r}", reporter_employee_no=f"NO{r}", reporter_contact=f"电话{r}",
        impact_scope=f"范围{r}", reproduce_steps=f"步骤{r}"), None).number

    def do(name: str, who: str, **data: Any) -> None:
        workflow.perform(db, name, number, ids[who], data)

    do("triage", "IT001", first_contact=f"联系{r}", confirmed_details=f"确认{r}",
       reproducible=True, first_investigation=f"排查{r}", fault_type="SYS", level=3)
    do("dispatch", "LEAD01", level=3, module_engineer_id=ids["OP003"],
       cooperation_required=f"配合{r}")
    do("analyse", "OP003", root_cause=f"原因{r}", impact_assessment=f"影响{r}",
       underlying_cause=f"深层{r}", reproduce_conditions=f"条件{r}", evidence_list=f"证据{r}")
    do("propose", "OP003", temporary_solution=f"临时{r}", long_term_solution=f"长期{r}")
    do("confirm", "BIZ006")
    do("approve", "LEAD01")
    do("step", "OP003", action=f"实施{r}", state_after=f"状态{r}")
    do("submit_verification", "OP003", verifier_id=ids["SALES005"])
    do("verify", "SALES005", passed=True, environment=f"环境{r}", checked=f"检查{r}",
       items=[{"item": f"项{r}", "expected": f"期望{r}", "actual": f"实际{r}", "passed": True}])
    return number


def _build(url: str) -> Iterator[Desk]:
    db = open_database(url)
    try:
        ids = ensure_people(db)
        for meta in META[:-1]:  # NUL cannot be saved (see the refusals below)
            report_fault(db, FaultReport(fault_type=FaultType.DATA, affected_business="报表",
                                         phenomenon=f"含有{meta}符号"), ids["SALES005"])
        for text in ("普通故障", "100 percent", "a_b and aXb", "C:\\temp", "O'Brien"):
            report_fault(db, FaultReport(fault_type=FaultType.DATA, affected_business="办公",
                                         phenomenon=text), ids["SALES005"])
        yield Desk(db=db, url=url, ids=ids, rare=_walk_rare(db, ids))
    finally:
        db.dispose()


@pytest.fixture(scope="module", params=["sqlite", "pg"])
def desk(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    if request.param == "sqlite":
        yield from _build(f"sqlite:///{tmp_path_factory.mktemp('bad-input')}/desk.sqlite3")
        return
    require_pg()
    import psycopg

    name = f"desk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield from _build(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
    finally:
        with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _counts(db: Database) -> tuple[int, ...]:
    with db.read() as s:
        return (
            int(s.scalar(select(func.count(Ticket.id))) or 0),
            int(s.scalar(select(func.count(Event.id))) or 0),
            int(s.scalar(select(func.coalesce(func.sum(Ticket.version), 0))) or 0),
            int(s.scalar(select(func.count()).select_from(CalendarDay)) or 0),
            int(s.scalar(select(func.count()).select_from(Setting)) or 0),
            int(s.scalar(select(func.count(Person.id))) or 0),
        )


def _clear(err: DeskError) -> None:
    assert err.zh and err.en and err.zh != err.en
    assert "Traceback" not in err.en and "sqlalchemy" not in err.en.lower()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.zh)


# -- times -----------------------------------------------------------------------------

BAD_TIMES = ["2026-02-30 10:00", "25:61", "", "   ", "明天", "2026-13-01", "2026-11-27 24:00",
             "2026-11-27 10:60", "10:00", "0000-00-00", "2026-11-27T10:00+25:00", "\x00",
             "9" * 40]


@pytest.mark.parametrize("text", BAD_TIMES)
def test_impossible_times_are_refused_clearly(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_time(text, ZoneInfo("Asia/Shanghai"), "occurred_at")
    _clear(err.value)
    assert err.value.field_message("occurred_at", "en") is not None


@pytest.mark.parametrize("text", [
    "2026-02-30 10:00", "25:61", "明天",
    "",
])
def test_cli_refuses_impossible_times_and_changes_nothing(
        desk: Desk, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _counts(desk.db)
    code = main(["--db", desk.url, "report", "--type", "SYS", "--business", "办公",
                 "--phenomenon", "打不开", "--as", "SALES005", "--occurred-at", text])
    err = capsys.readouterr().err
    assert code == 1 and "时间" in err and "Traceback" not in err
    number = get_ticket(desk.db, desk.rare).number
    code = main(["--lang", "en", "--db", desk.url, "dispatch", number, "--as", "LEAD01",
                 "--level", "3", "--module-engineer", "OP003", "--expected-done-at", text])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and err.startswith("desk: ")
    assert _counts(desk.db) == before


# -- texts ------------------------------------------------------------------------------

REPORT_TEXT_FIELDS = ["affected_business", "phenomenon", "reporter_name",
                      "reporter_employee_no", "reporter_contact", "impact_scope",
                      "reproduce_steps"]


def _report(**overrides: Any) -> FaultReport:
    values: dict[str, Any] = {"fault_type": FaultType.SYSTEM, "affected_business": "办公",
                              "phenomenon": "打不开", "reporter_name": "王五"}
    values.update(overrides)
    return FaultReport(**values)


@pytest.mark.parametrize("field", REPORT_TEXT_FIELDS)
@pytest.mark.parametrize("value", ["one MB", "NUL"], ids=["1MB", "NUL"])
def test_report_refuses_huge_or_invalid_text_in_every_field(desk: Desk, field: str,
                                                            value: str) -> None:
    before = _counts(desk.db)
    text = MEGA if value == "one MB" else "前\x00后"
    with pytest.raises(ValidationError) as err:
        report_fault(desk.db, _report(**{field: text}), desk.ids["SALES005"])
    _clear(err.value)
    assert field in err.value.fields
    assert _counts(desk.db) == before


@pytest.mark.parametrize("field", ["affected_business", "phenomenon"])
@pytest.mark.parametrize("value", ["", "   \n\t", "\u3000"])
def test_report_refuses_empty_required_text(desk: Desk, field: str, value: str) -> None:
    before = _counts(desk.db)
    with pytest.raises(ValidationError) as err:
        report_fault(desk.db, _report(**{field: value}), desk.ids["SALES005"])
    assert field in err.value.fields
    assert _counts(desk.db) == before


@pytest.mark.parametrize(("name", "who", "data"), [
    ("triage", "IT001", {"first_contact": MEGA, "fault_type": "SYS", "level": 3}),
    ("triage", "IT001", {"first_contact": "", "fault_type": "SYS", "level": 3}),
    ("triage", "IT001", {"first_contact": "好", "fault_type": "XYZ", "level": 3}),
    ("triage", "IT001", {"first_contact": "好", "fault_type": "SYS", "level": 9}),
    ("triage", "IT001", {"first_contact": "好", "fault_type": "SYS", "level": "一级"}),
    ("triage", "IT001", {"first_contact": "a\x00b", "fault_type": "SYS", "level": 3}),
    ("triage", "IT001", {"first_contact": "好", "fault_type": "SYS", "level": 3,
                         "reproducible": "maybe"}),
    ("cancel", "IT001", {"reason": MEGA}),
])
def test_transitions_refuse_bad_fields(desk: Desk, name: str, who: str,
                                       data: dict[str, Any]) -> None:
    number = report_fault(desk.db, _report(), desk.ids["SALES005"]).number
    before = _counts(desk.db)
    with pytest.raises(ValidationError) as err:
        workflow.perform(desk.db, name, number, desk.ids[who], data)
    _clear(err.value)
    assert _counts(desk.db) == before


def test_rare_characters_are_kept_exactly_in_every_text_field(desk: Desk) -> None:
    detail = get_ticket(desk.db, desk.rare)
    texts = {k: v for k, v in detail.values.items() if isinstance(v, str) and RARE in v}
    for field in [*REPORT_TEXT_FIELDS, "first_contact", "root_cause", "long_term_solution",
                  "temporary_solution", "impact_assessment", "cooperation_required"]:
        assert field in texts, field
        assert texts[field].endswith(RARE)
    assert detail.status == Status.RESOLVED
    timeline = timeline_mod.events(desk.db, desk.rare)
    assert any(RARE in str(e["changes"]) for e in timeline)


@pytest.mark.parametrize("kind", [k for k, ok, _ in documents.available_documents(Status.RESOLVED)
                                  if ok])
def test_rare_characters_render_into_every_document(desk: Desk, kind: str,
                                                    tmp_path: Path) -> None:
    import pypdfium2

    blank = kind.endswith("-blank")
    out = tmp_path / f"{kind}.pdf"
    data = documents.render(desk.db, kind.removesuffix("-blank"), desk.rare, out, blank=blank)
    assert data.startswith(b"%PDF") and out.read_bytes() == data
    pdf = pypdfium2.PdfDocument(data)
    try:
        assert len(pdf) >= 1
        page = pdf[0]
        text = page.get_textpage().get_text_range()
        page.close()
    finally:
        pdf.close()
    assert "𪚥" in text or "现象" in text or "业务" in text or "原因" in text


# -- search -----------------------------------------------------------------------------


def _expected(db: Database, needle: str) -> set[int]:
    with db.read() as s:
        rows = s.execute(select(Ticket.id, Ticket.number, Ticket.affected_business,
                                Ticket.phenomenon)).all()
    n = needle.strip().lower()
    return {r[0] for r in rows if any(n in str(v).lower() for v in r[1:])}


@pytest.mark.parametrize("needle", [*META, "%%", "_%", "\\%", "'; DROP TABLE tickets; --",
                                    "' OR '1'='1", "😀", "𠀀", "𪚥", "percent", "a_b", "C:\\t"])
def test_search_finds_exactly_the_rows_holding_the_text(desk: Desk, needle: str) -> None:
    before = _counts(desk.db)
    query = TicketQuery(text=needle)
    found = {r.id for r in list_tickets(desk.db, query, limit=10_000)}
    assert found == _expected(desk.db, needle)
    assert count_tickets(desk.db, query) == len(found)
    assert count_tickets(desk.db, query, at_most=1) == min(1, len(found))
    assert len(found) < before[0]  # never "everything"
    assert _counts(desk.db) == before


@pytest.mark.parametrize("needle", ["%", "_", "'", "\\", "有--符", "--"])
def test_cli_search_lists_exactly_the_matching_faults(
        desk: Desk, needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", desk.url, "list", f"--search={needle}", "--limit", "10000"]) == 0
    printed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line}
    with desk.db.read() as s:
        numbers = {s.scalar(select(Ticket.number).where(Ticket.id == i))
                   for i in _expected(desk.db, needle)}
    assert printed == numbers and numbers


# -- unknown things and wrong people ---------------------------------------------------


@pytest.mark.parametrize("key", ["SYS-20261127-999", "", "   ", "'; DROP TABLE tickets; --",
                                 "😀", "x" * 10_000, 0, -1, 2**62])
def test_unknown_ticket_numbers(desk: Desk, key: str | int) -> None:
    before = _counts(desk.db)
    with pytest.raises(NotFoundError) as err:
        get_ticket(desk.db, key)
    _clear(err.value)
    with pytest.raises(NotFoundError):
        workflow.perform(desk.db, "cancel", key, desk.ids["IT001"], {"reason": "重复"})
    with pytest.raises(NotFoundError):
        timeline_mod.events(desk.db, key)
    assert _counts(desk.db) == before


@pytest.mark.parametrize(("name", "who", "data"), [
    ("dispatch", "SALES005", {"level": 3, "module_engineer_id": "OP003"}),
    ("triage", "FIN007", {"first_contact": "好", "fault_type": "SYS", "level": 3}),
    ("cancel", "BIZ006", {"reason": "不需要"}),
    ("triage", "ADMIN", {"first_contact": "好", "fault_type": "SYS", "level": 3}),
])
def test_wrong_roles_are_refused(desk: Desk, name: str, who: str, data: dict[str, Any]) -> None:
    number = report_fault(desk.db, _report(), desk.ids["SALES005"]).number
    data = {k: desk.ids.get(v, v) if k.endswith("_id") else v for k, v in data.items()}
    before = _counts(desk.db)
    with pytest.raises(PermissionDeniedError) as err:
        workflow.perform(desk.db, name, number, desk.ids[who], data)
    _clear(err.value)
    assert _counts(desk.db) == before


def test_unknown_people_and_actions(desk: Desk) -> None:
    number = report_fault(desk.db, _report(), desk.ids["SALES005"]).number
    before = _counts(desk.db)
    with pytest.raises(NotFoundError):
        workflow.perform(desk.db, "cancel", number, 10**9, {"reason": "x"})
    with pytest.raises(NotFoundError):
        workflow.perform(desk.db, "teleport", number, desk.ids["IT001"], {})
    with pytest.raises(NotFoundError):
        people.person_id(desk.db, "NOBODY'--")
    with pytest.raises(InvalidTransitionError):
        workflow.perform(desk.db, "verify", number, desk.ids["SALES005"], {"passed": True})
    with pytest.raises(NotFoundError):
        report_fault(desk.db, _report(), 10**9)
    assert _counts(desk.db) == before


@pytest.mark.parametrize("argv", [
    ["show", "SYS-20261127-999"],
    ["cancel", "SYS-20261127-999", "--as", "IT001", "--reason", "x"],
    ["cancel", "{rare}", "--as", "NOBODY", "--reason", "x"],
    ["dispatch", "{rare}", "--as", "SALES005", "--level", "3", "--module-engineer", "OP003"],
    ["triage", "{rare}", "--as", "IT001", "--first-contact", "好", "--fault-type", "SYS",
     "--level", "3"],
    ["report", "--type", "SYS", "--business", "", "--phenomenon", "x", "--as", "SALES005"],
    ["dispatch", "{rare}", "--as", "LEAD01", "--level", "3", "--member", "OP003:astronaut"],
    ["sla", "NOPE-1"],
])
def test_cli_refusals_exit_1_with_a_message(desk: Desk, argv: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = _counts(desk.db)
    args = [a.replace("{rare}", desk.rare) for a in argv]
    assert main(["--db", desk.url, *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("desk: ") and "Traceback" not in err and "内部错误" not in err
    assert _counts(desk.db) == before


# -- calendar imports -------------------------------------------------------------------

BAD_CALENDARS = {
    "empty": "",
    "only a header": "date,kind,name\n",
    "not csv": "这不是一个日历文件\n",
    "impossible date": "2027-02-30,holiday,春节\n",
    "unknown kind": "2027-10-01,sometimes,国庆\n",
    "missing kind": "2027-10-01\n",
    "twice": "2027-10-01,holiday,国庆\n2027-10-01,workday,国庆\n",
    "NUL": "2027-10-01,holiday,国\x00庆\n",
    "binary": "\x01\x02\x03,\x04\n",
}
@pytest.mark.parametrize("name", list(BAD_CALENDARS))
def test_malformed_calendar_imports_change_nothing(desk: Desk, name: str) -> None:
    before = _counts(desk.db)
    with pytest.raises(DeskError) as err:
        calendar_import(desk.db, desk.ids["ADMIN"], 2027, BAD_CALENDARS[name], "bad.csv")
    _clear(err.value)
    assert _counts(desk.db) == before


def test_calendar_import_by_a_non_administrator_changes_nothing(desk: Desk) -> None:
    before = _counts(desk.db)
    with pytest.raises(PermissionDeniedError):
        calendar_import(desk.db, desk.ids["IT001"], 2027, "2027-10-01,holiday,国庆\n", "ok.csv")
    assert _counts(desk.db) == before


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage\x80", b"2027-10-01,holiday\n"],
                         ids=["binary", "missing file"])
def test_cli_calendar_import_of_unreadable_files(desk: Desk, tmp_path: Path, content: bytes,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cal.csv"
    if content.startswith(b"\xff"):
        path.write_bytes(content)
    before = _counts(desk.db)
    assert main(["--db", desk.url, "calendar", "import", str(path), "--year", "2027",
                 "--as", "ADMIN"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("desk: ") and "Traceback" not in err
    assert _counts(desk.db) == before


# -- settings files and database URLs ----------------------------------------------------

BAD_SETTINGS = {
    "not JSON": "{db_url: sqlite",
    "a JSON array": '["sqlite:///x"]',
    "a JSON string": '"sqlite:///x"',
    "db_url a number": '{"db_url": 5}',
    "db_url a list": '{"db_url": ["sqlite:///x"]}',
    "language a list": '{"language": ["en"]}',
    "unknown language": '{"language": "klingon"}',
    "not UTF-8": "\udcff",
}


@pytest.mark.parametrize("name", list(BAD_SETTINGS))
def test_malformed_settings_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  name: str, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DESK_HOME", str(tmp_path))
    settings_file = tmp_path / "settings.json"
    text = BAD_SETTINGS[name]
    if name == "not UTF-8":
        settings_file.write_bytes(b'{"db_url": "\xff\xfe"}')
    else:
        settings_file.write_text(text, encoding="utf-8")
    before = settings_file.read_bytes()
    with pytest.raises(DeskError) as err:
        load_config()
    _clear(err.value)
    assert str(settings_file) in err.value.en
    assert main(["people"]) == 1
    out = capsys.readouterr()
    assert "settings.json" in out.err and "Traceback" not in out.err
    assert settings_file.read_bytes() == before
    assert not (tmp_path / "desk.sqlite3").exists()


BAD_URLS = ["nonsense", "sqlite:/", "mysql://u@h/d", "http://example.com/desk",
            "postgresql://u@127.0.0.1:1/desk", "postgresql://u@[bad/desk", "://", "sqlite:///{dir}"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_malformed_db_urls(url: str, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    url = url.replace("{dir}", str(tmp_path))
    with pytest.raises(DeskError) as err:
        open_database(url).dispose()
    _clear(err.value)
    for lang in ("en", "zh_CN"):
        assert main(["--lang", lang, "--db", url, "list"]) == 1
        stderr = capsys.readouterr().err
        assert stderr.startswith("desk: ") and "Traceback" not in stderr
    set_language("zh_CN")


@pytest.fixture(autouse=True)
def _chinese_after(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    set_language("zh_CN")


