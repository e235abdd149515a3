"""The command line as a careful user meets it: pipes, implausible input, mistyped
databases, terminal-safe output, translated output, complete help (issue 19)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desk import errors
from desk.cli import main as cli
from tests.conftest import cli_main_as

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class Desk:
    """Runs ``desk --db URL ...`` in this process: (exit code, stdout, stderr)."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url, self.capsys = url, capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        try:
            code = cli_main_as(["--db", self.url, *argv])
        except SystemExit as exc:  # argparse refusing the arguments
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str) -> str:
        code, out, err = self(*argv)
        assert (code, err) == (0, ""), (argv, code, err)
        return out

    def refused(self, *argv: str, code: int = 1) -> str:
        """A clear message on stderr, the given exit code, never a traceback."""
        got, out, err = self(*argv)
        assert got == code, (argv, got, out, err)
        assert err.startswith("desk: ") or "usage:" in err, err
        assert "Traceback" not in err and "内部错误" not in err and "internal error" not in err
        return err


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(errors.LANGUAGE, "current", errors.LANGUAGE["current"])
    return f"sqlite:///{tmp_path}/careful.sqlite3"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The careful user's database, made once for this module by the commands
    themselves (``desk db upgrade``, ``desk demo``); every test works on a copy of its
    own, so what one test writes never reaches another."""
    folder = tmp_path_factory.mktemp("careful-demo")
    path = folder / "careful.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DESK_HOME", str(folder / "home"))
        mp.delenv("DESK_DB_URL", raising=False)
        mp.setitem(errors.LANGUAGE, "current", errors.LANGUAGE["current"])
        for argv in (("db", "upgrade"), ("demo",)):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(["--db", f"sqlite:///{path}", *argv])
            assert (code, err.getvalue()) == (0, ""), (argv, code, err.getvalue())
    leftovers = [p.name for p in folder.iterdir() if p.name not in (path.name, "home")]
    assert not leftovers, f"the demo database is not one closed file: {leftovers}"
    return path


@pytest.fixture
def desk(url: str, demo_file: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    """``desk`` on a database after ``desk db upgrade`` and ``desk demo``: a copy of
    this module's, for this test alone."""
    shutil.copyfile(demo_file, url.removeprefix("sqlite:///"))
    return Desk(url, capsys)


def report(desk: Desk, *extra: str) -> str:
    return desk.ok("report", "--type", "NET", "--business", "VPN", "--phenomenon",
                   "cannot connect", "--as", "IT001", *extra).strip()


def desk_command(*argv: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "desk.cli.main", *argv], timeout=120,
                          **kwargs)


# -- pipes --------------------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly(desk: Desk, tmp_path: Path) -> None:
    number = report(desk)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (head) has gone before Desk writes
    try:
        result = desk_command("--db", desk.url, "show", number, stdout=write_end,
                              stderr=subprocess.PIPE,
                              env={**os.environ, "DESK_HOME": str(tmp_path / "home")})
    finally:
        os.close(write_end)
    assert result.returncode == 141  # 128 + SIGPIPE, as a Unix tool ends
    assert result.stderr == b""
    assert not list((tmp_path / "home").rglob("desk-error.log"))


# -- implausible input --------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["0001-01-01", "1900-01-01", "9999-12-31T23:59-12:00",
                                    "2201-01-01 00:00"])
def test_implausible_times_are_refused_with_a_message(desk: Desk, moment: str) -> None:
    err = desk.refused("report", "--type", "NET", "--business", "VPN", "--phenomenon", "x",
                       "--as", "IT001", "--occurred-at", moment)
    assert "2000" in err and "2200" in err
    desk.refused("sla", "--level", "3", "--at", moment)
    assert desk.ok("list", "--json").count('"number"') == 12  # nothing was reported


def test_an_implausible_expected_completion_is_refused(desk: Desk) -> None:
    number = report(desk)
    desk.ok("triage", number, "--as", "IT001", "--first-contact", "called", "--fault-type",
            "NET", "--level", "3")
    desk.refused("dispatch", number, "--as", "LEAD01", "--level", "3", "--module-engineer",
                 "OP003", "--expected-done-at", "9999-12-31T23:59-12:00")
    assert json.loads(desk.ok("show", number, "--json"))["status"] == "triage"


@pytest.mark.parametrize("argv", [
    ("attachment", "save", "9223372036854775808", "-o", "."),
    ("attachment", "save", "0", "-o", "."),
    ("list", "--limit", "1e20"),
    ("list", "--limit", "100000000000000000000"),
    ("list", "--limit", "-1"),
    ("list", "--limit", "0"),
    ("calendar", "list", "--year", "99999"),
])
def test_numbers_out_of_range_are_usage_errors(desk: Desk, argv: tuple[str, ...]) -> None:
    err = desk.refused(*argv, code=2)
    assert "between" in err or "之间" in err or "whole number" in err or "整数" in err


def test_one_line_fields_refuse_line_breaks_and_controls(desk: Desk) -> None:
    for business in ("销售\r\n系统", "a\x1b[2Jb"):
        err = desk.refused("report", "--type", "NET", "--business", business,
                           "--phenomenon", "x", "--as", "IT001")
        assert "换行" in err or "控制字符" in err
    # a phenomenon may run over several lines
    number = report(desk, "--steps", "1. log in\n2. open VPN")
    assert json.loads(desk.ok("show", number, "--json"))["reproduce_steps"] == \
        "1. log in\n2. open VPN"


def test_a_mail_subject_never_holds_a_line_break() -> None:
    from desk.notify.outbox import subject_for
    from models import FaultLevel, Ticket

    ticket = Ticket(number="NET-20261201-001", level=FaultLevel.URGENT,
                    affected_business="销售\r\n系统\tA")
    subject = subject_for(ticket, "report")
    assert "\n" not in subject and "\r" not in subject and "销售 系统 A" in subject


# -- databases that are not what was meant --------------------------------------------------


def test_a_mistyped_sqlite_path_is_refused_and_creates_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.db"
    d = Desk(f"sqlite:///{missing}", capsys)
    for argv in (("list",), ("db", "revision"), ("show", "NET-20261201-001"),
                 ("report", "--type", "NET", "--business", "b", "--phenomenon", "p",
                  "--reporter", "张三"), ("demo",)):
        err = d.refused(*argv)
        assert str(missing) in err
    assert not (tmp_path / "nonexistent").exists()
    d.ok("db", "upgrade")  # the command that creates one
    assert missing.exists()


def test_another_programs_sqlite_file_is_left_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    d = Desk(f"sqlite:///{path}", capsys)
    for argv in (("list",), ("db", "upgrade"), ("db", "revision")):
        err = d.refused(*argv)
        assert "invoices" in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, no -shm


# -- what reaches the terminal --------------------------------------------------------------


def test_control_characters_are_shown_escaped(desk: Desk) -> None:
    evil = "\x1b]0;owned\x07\x1b[2J boom"
    number = report(desk, "--steps", evil)
    shown = desk.ok("show", number)
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]0;owned\\x07\\x1b[2J boom" in shown
    listed = desk.ok("list", "--search", "VPN")
    assert number in listed and "\x1b" not in listed
    assert json.loads(desk.ok("show", number, "--json"))["reproduce_steps"] == evil  # data kept


def test_english_output_has_no_chinese_labels(desk: Desk) -> None:
    number = report(desk)
    names = [p["name"] for p in json.loads(desk.ok("people", "--json"))]  # data, not labels

    def labels(out: str) -> str:
        for name in names:
            out = out.replace(name, "")
        return out

    for argv in (("show", number, "--timeline"), ("list", "--search", number), ("sla", number),
                 ("sla", "--level", "3", "--at", "2026-09-30 16:00"),
                 ("calendar", "list", "--year", "2027")):
        code, out, err = desk("--lang", "en", *argv)
        assert (code, err) == (0, ""), (argv, err)
        assert not CJK.search(labels(out)), (argv, out)
    code, out, err = desk("--lang", "en", "stats")  # business names are data, labels are not
    assert (code, err) == (0, "") and "By level" in out and "Weekly trend" in out
    assert not any(zh in out for zh in ("按等级", "故障数", "占比%", "验证结果", "合计"))
    code, out, _ = desk("--lang", "en", "triage", number, "--as", "IT001",
                        "--first-contact", "called", "--fault-type", "NET", "--level", "3")
    assert code == 0 and "Triage" in out and not CJK.search(labels(out))


def test_people_and_person_list_name_roles_alike(desk: Desk) -> None:
    people = desk.ok("people")
    listed = desk.ok("person", "list", "--as", "ADMIN")
    for line in listed.splitlines():
        no, _name, _dept, roles, _state = line.split("\t")
        assert roles and not re.search(r"[a-z_]{3,}", roles), line  # labels, not codes
        assert roles in next(p for p in people.splitlines() if p.startswith(no))


# -- calendar input -------------------------------------------------------------------------


@pytest.fixture
def both(db_url: str, demo_file: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Desk]:
    d = Desk(db_url, capsys)
    if db_url.startswith("postgresql"):
        d.ok("db", "upgrade")
        d.ok("demo", "--force")  # a team database only with --force, while it has nobody
    else:
        shutil.copyfile(demo_file, db_url.removeprefix("sqlite:///"))
    yield d


def test_a_holiday_name_over_100_characters_is_refused(both: Desk, tmp_path: Path) -> None:
    err = both.refused("calendar", "add", "2027-10-01", "--holiday", "--name", "节" * 101,
                       "--as", "ADMIN")
    assert "100" in err
    csv = tmp_path / "y.csv"
    csv.write_text("2027-10-01,holiday," + "节" * 101 + "\n", encoding="utf-8")
    both.refused("calendar", "import", str(csv), "--year", "2027", "--as", "ADMIN")
    assert "2027-10-01" not in both.ok("calendar", "list", "--year", "2027")


def test_calendar_import_refuses_devices_fifos_and_large_files(desk: Desk,
                                                               tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    big = tmp_path / "big.csv"
    big.write_bytes(b"2027-01-01,holiday,x\n" * 60_000)
    for source in ("/dev/zero", str(fifo), str(big), str(tmp_path)):
        err = desk.refused("calendar", "import", source, "--year", "2027", "--as", "ADMIN")
        assert "普通文件" in err or "过大" in err


def test_a_bad_date_names_an_example(desk: Desk) -> None:
    err = desk.refused("calendar", "add", "2026-02-30", "--holiday", "--as", "ADMIN")
    assert "2026-02-30" in err and "这样的日期" in err
    code, _, err = desk("--lang", "en", "calendar", "add", "2026-02-30", "--holiday",
                        "--as", "ADMIN")
    assert code == 1 and "expected a date such as 2026-10-01" in err


# -- help, required options, files ----------------------------------------------------------


def walk(parser: argparse.ArgumentParser, path: str = "desk") -> Iterator[tuple[str, Any]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield path, action


def test_every_option_of_every_command_is_described() -> None:
    missing = [f"{path} {action.option_strings or action.dest}"
               for path, action in walk(cli._parser()) if not action.help]
    assert missing == []


def test_options_required_at_run_time_say_so_in_the_help(desk: Desk) -> None:
    for command, options in (("dispatch", ["--level"]),
                             ("archive", ["--summary", "--prevention-measures"]),
                             ("cancel", ["--reason"])):
        code, out, _ = desk(command, "--help")
        assert code == 0
        described = " ".join(out.split())
        assert f"Required: {', '.join(options)}." in described
        for option in options:
            assert re.search(re.escape(option) + r" \S+\s+.*\(required\)", described), option
    number = report(desk)
    err = desk.refused("cancel", number, "--as", "IT001")  # refused in the person's language
    assert "原因" in err


def test_the_blank_form_says_why_it_needs_a_number(desk: Desk, tmp_path: Path) -> None:
    err = desk.refused("pdf", "verification-form", "--blank", "-o", str(tmp_path / "v.pdf"),
                       code=2)
    assert "故障编号" in err and "空白验证表" in err


def test_a_backup_never_overwrites_a_file_without_force(desk: Desk, tmp_path: Path) -> None:
    target = tmp_path / "keep.sqlite3"
    target.write_bytes(b"precious")
    err = desk.refused("db", "backup", str(target))
    assert "--force" in err and target.read_bytes() == b"precious"
    desk.ok("db", "backup", str(target), "--force")
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_the_window_without_a_display_says_how_to_run_desk(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DESK_HOME"] = str(tmp_path)
    result = desk_command(env=env, capture_output=True)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert len(err.strip().splitlines()) == 1 and "xvfb-run" in err and "Traceback" not in err


def test_the_window_options_alone_go_straight_to_the_window() -> None:
    from desk.cli.main import window_options

    assert window_options([]) == (None, None, False)
    assert window_options(["--db", "sqlite:///x", "--lang=en", "--demo"]) == (
        "sqlite:///x", "en", True)
    assert window_options(["--db=postgresql://a@b/c", "--lang", "zh_CN"]) == (
        "postgresql://a@b/c", "zh_CN", False)
    for argv in (["list"], ["--lang", "fr"], ["--db"], ["--db", "--demo"], ["-h"],
                 ["--version"], ["--de"], ["--demo", "report"]):
        assert window_options(argv) is None, argv  # the full parser's to answer


def test_the_entry_point_and_the_sign_in_load_no_database_code() -> None:
    """What the sign-in needs before it is shown: not SQLAlchemy, the models' tables or
    the commands (they load while the password is typed)."""
    probe = ("import sys; import desk.cli.main, ui.app, ui.dialogs.sign_in, desk.read.glance; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('sqlalchemy', 'argon2', 'reportlab', 'psycopg') "
             "or m in ('desk.cli.commands', 'models.entities', 'desk.bootstrap')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
