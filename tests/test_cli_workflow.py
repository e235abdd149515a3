"""The whole process through the ``desk`` command, on an SQLite file after ``desk demo``.

Every step is a separate ``desk.cli.main`` call, as a script would make them; the
result is read back with ``desk show --json --timeline``. Errors go to stderr with
exit code 1 and never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from desk import errors
from desk.cli import main as cli
from models import Status

PASSWORD = "cli-demo-pass-7"


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing in before each person's steps: a cheap argon2 for the test's speed."""
    from argon2 import PasswordHasher

    from desk.process import auth

    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8192,
                                                       parallelism=1))
    from desk.admin import demo

    monkeypatch.setattr(demo, "_HASHES", {})


@pytest.fixture
def url(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    # --lang en changes the process-wide message language; put it back afterwards
    monkeypatch.setitem(errors.LANGUAGE, "current", errors.LANGUAGE["current"])
    return f"sqlite:///{tmp_path}/cli.sqlite3"


class Desk:
    """Runs ``desk --db URL ...`` and returns (exit code, stdout, stderr)."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url, self.capsys = url, capsys
        self.signed_in: str | None = None

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        if "--as" in argv and self.url.startswith("sqlite"):
            # a person signs in before acting (desk login), as a script would
            who = argv[argv.index("--as") + 1]
            if who != self.signed_in:
                self.run_raw("login", who, "--password-stdin", stdin=PASSWORD + "\n")
                self.capsys.readouterr()
                self.signed_in = who
        return self.run_raw(*argv, stdin=stdin)

    def run_raw(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        import io
        import sys

        saved = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            code = cli.main(["--db", self.url, *argv])
        finally:
            sys.stdin = saved
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *argv: str, stdin: str = "") -> str:
        code, out, err = self(*argv, stdin=stdin)
        assert (code, err) == (0, ""), (argv, err)
        return out

    def fails(self, *argv: str, stdin: str = "") -> str:
        code, out, err = self(*argv, stdin=stdin)
        assert code == 1, (argv, code, out)
        assert out == "" and err.startswith("desk: ") and "Traceback" not in err
        return err

    def show(self, number: str) -> dict[str, Any]:
        return json.loads(self.ok("show", number, "--json", "--timeline"))


@pytest.fixture
def desk(url: str, capsys: pytest.CaptureFixture[str]) -> Desk:
    d = Desk(url, capsys)
    d.ok("db", "upgrade")  # only the commands that create a database create the file
    numbers = d.ok("demo", "--password-stdin", stdin=PASSWORD + "\n").split()
    assert len(numbers) == 12
    return d


def step(desk: Desk, *argv: str) -> tuple[str, int]:
    """Run a step command; return the status label and version it printed."""
    out = desk.ok(*argv).strip()
    number, label, version = out.split("  ")
    assert number == argv[1]
    return label, int(version.removeprefix("(version ").removesuffix(")"))


def test_new_fault_from_report_to_archive(desk: Desk) -> None:
    number = desk.ok("report", "--type", "SYS", "--business", "销售订单系统 – 下单",
                     "--phenomenon", "点击提交后页面显示错误 500。", "--level", "2",
                     "--scope", "销售部", "--as", "SALES005").strip()
    assert number.startswith("SYS-") and len(number.split("-")) == 3

    path = [
        (("triage", number, "--as", "IT001", "--first-contact", "已电话联系孙丽",
          "--fault-type", "SYS", "--level", "2", "--reproducible",
          "--confirmed-details", "每次提交都报错"), "研判中"),
        (("dispatch", number, "--as", "LEAD01", "--level", "2", "--lead-engineer", "DEV002",
          "--business-contact", "BIZ006", "--member", "DBA004:database",
          "--cooperation-required", "销售部保持电话畅通"), "处理中"),
        (("restore", number, "--as", "DEV002", "--kind", "workaround",
          "--description", "切换到备用服务器"), "处理中"),
        (("analyse", number, "--as", "DEV002", "--root-cause", "连接池耗尽",
          "--impact-assessment", "下单中断 25 分钟", "--evidence-list", "app.log",
          "--analysis-report-required"), "分析中"),
        (("propose", number, "--as", "DEV002", "--long-term-solution", "修复连接释放",
          "--temporary-solution", "扩大连接池"), "方案待确认"),
        (("confirm", number, "--as", "BIZ006"), "方案待确认"),
        (("approve", number, "--as", "LEAD01"), "实施中"),
        (("step", number, "--as", "DEV002", "--action", "生产发布补丁",
          "--state-after", "服务正常"), "实施中"),
        (("submit-verification", number, "--as", "DEV002", "--verifier", "SALES005"),
         "待验证"),
        (("verify", number, "--as", "SALES005", "--fail", "--environment", "生产环境",
          "--checked", "重新下单", "--remarks", "仍报错"), "分析中"),
        (("analyse", number, "--as", "DEV002", "--root-cause", "补丁遗漏异常分支",
          "--impact-assessment", "同上"), "分析中"),
        (("propose", number, "--as", "DEV002", "--long-term-solution", "补全异常分支"),
         "方案待确认"),
        (("approve", number, "--as", "CTO01"), "方案待确认"),
        (("confirm", number, "--as", "BIZ006"), "实施中"),
        (("step", number, "--as", "DEV002", "--action", "再次发布", "--state-after", "正常"),
         "实施中"),
        (("submit-verification", number, "--as", "DEV002", "--verifier", "SALES005"),
         "待验证"),
        (("verify", number, "--as", "SALES005", "--pass", "--environment", "生产环境",
          "--checked", "重新下单 5 笔", "--item", "提交订单|成功|成功|pass"), "已解决"),
        (("archive", number, "--as", "LEAD01", "--summary", "连接池耗尽，已修复",
          "--prevention-measures", "连接池监控告警"), "已归档"),
    ]
    version = 1
    for argv, label in path:
        got_label, got_version = step(desk, *argv)
        assert got_label == label, argv
        assert got_version == version + 1, argv
        version = got_version

    shown = desk.show(number)
    assert shown["status"] == Status.ARCHIVED.value and shown["level"] == 2
    assert shown["version"] == version
    assert shown["verification_rounds"] == 2 and shown["verification_passed"] is True
    assert shown["root_cause"] == "补丁遗漏异常分支"
    assert shown["summary"] == "连接池耗尽，已修复"
    assert shown["start_notice_due"] is True and shown["analysis_report_required"] is False
    assert {(m["employee_no"], m["duty"]) for m in shown["team"]} == {
        ("DEV002", "lead_engineer"), ("BIZ006", "business_contact"), ("DBA004", "database")}
    assert [(s["seq"], s["action"], s["done_by"]) for s in shown["steps"]] == [
        (1, "生产发布补丁", "DEV002"), (2, "再次发布", "DEV002")]
    timeline = shown["timeline"]
    assert [e["action"] for e in timeline] == ["report"] + [
        a[0].replace("-", "_") for a, _ in path]
    assert [e["actor_no"] for e in timeline] == ["SALES005"] + [a[3] for a, _ in path]
    assert timeline[1]["changes"]["status"] == {"before": "reported", "after": "triage"}
    assert timeline[10]["details"]["failed_round"] == 1
    assert timeline[-2]["details"]["completion_notice_due"] is True
    assert all(e["at"].endswith("+08:00") for e in timeline)
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)

    text = desk.ok("show", number, "--timeline")
    assert f"故障编号 {number}" in text and "已归档" in text
    assert text.count("\n  ") == len(timeline)  # one indented line per event
    assert "王强" in text and "dispatch" in text

    sla_text = desk.ok("sla", number)
    assert "响应" in sla_text and "恢复" in sla_text and "解决用时" in sla_text
    assert "未解决" not in sla_text


def test_cancel_and_level_change_from_the_command_line(desk: Desk) -> None:
    number = desk.ok("report", "--type", "NET", "--business", "VPN", "--phenomenon",
                     "无法连接", "--as", "FIN007").strip()
    label, _ = step(desk, "level", number, "--as", "LEAD01", "--level", "1",
                    "--reason", "出差人员全部受影响")
    assert label == "待受理"
    shown = desk.show(number)
    assert shown["level"] == 1
    change = shown["timeline"][-1]
    assert change["action"] == "change_level" and change["reason"] == "出差人员全部受影响"
    assert change["changes"]["level"] == {"before": 3, "after": 1}
    assert "restore_due_at" in change["changes"]
    label, _ = step(desk, "cancel", number, "--as", "IT001", "--reason", "重复报障")
    assert label == "已撤销"
    assert desk.show(number)["cancel_reason"] == "重复报障"


def test_errors_go_to_stderr_with_exit_code_1(desk: Desk) -> None:
    number = desk.ok("report", "--type", "APP", "--business", "OA", "--phenomenon",
                     "无法登录", "--as", "SALES005").strip()
    before = desk.show(number)

    err = desk.fails("dispatch", number, "--as", "IT001", "--level", "3",
                     "--module-engineer", "OP003")
    assert "无权" in err  # the default language is Chinese
    err = desk.fails("--lang", "en", "dispatch", number, "--as", "IT001", "--level", "3",
                     "--module-engineer", "OP003")
    assert "may not" in err
    err = desk.fails("--lang", "en", "archive", number, "--as", "LEAD01", "--summary", "x",
                     "--prevention-measures", "y")
    assert "cannot" in err  # not resolved yet
    err = desk.fails("--lang", "en", "triage", number, "--as", "IT001", "--fault-type", "APP",
                     "--level", "3")
    assert "First contact is required" in err
    err = desk.fails("--lang", "en", "triage", number, "--as", "IT001", "--version", "7",
                     "--first-contact", "x", "--fault-type", "APP", "--level", "3")
    assert "Someone else changed" in err
    err = desk.fails("--lang", "en", "triage", number, "--as", "NOBODY9",
                     "--first-contact", "x", "--fault-type", "APP", "--level", "3")
    assert "NOBODY9" in err
    err = desk.fails("--lang", "en", "show", "SYS-19990101-001")
    assert "SYS-19990101-001" in err
    step(desk, "triage", number, "--as", "IT001", "--first-contact", "x", "--fault-type",
         "APP", "--level", "3")
    err = desk.fails("--lang", "en", "dispatch", number, "--as", "LEAD01", "--level", "1",
                     "--coordinator", "CTO01", "--member", "OP003:chef")
    assert "chef" in err
    err = desk.fails("--lang", "en", "dispatch", number, "--as", "LEAD01", "--level", "1",
                     "--coordinator", "CTO01", "--member", "OP003:ops")
    assert "emergency team" in err

    after = desk.show(number)
    # only the one accepted triage changed the fault
    assert after["version"] == before["version"] + 1
    assert len(after["timeline"]) == len(before["timeline"]) + 1

    with pytest.raises(SystemExit) as usage:  # argparse: --pass or --fail is required
        cli.main(["--db", desk.url, "verify", number, "--as", "SALES005"])
    assert usage.value.code == 2


def test_demo_prints_a_generated_password_per_person_once(url: str,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    import os

    from desk.admin.backup import sqlite_path
    from desk.process import auth

    d = Desk(url, capsys)
    d.ok("db", "upgrade")  # the command that creates the file
    out = d.ok("demo")
    assert "desk1234" not in out
    lines = [line.strip().split("\t") for line in out.splitlines() if "\t" in line]
    passwords = dict(lines)
    assert {"ADMIN", "IT001", "CTO01"} <= set(passwords)
    assert len(set(passwords.values())) == len(passwords)
    path = sqlite_path(url)
    assert path is not None and (os.stat(path).st_mode & 0o777) == 0o600
    from desk.bootstrap import open_database

    db = open_database(url)
    try:
        assert auth.sign_in(db, "CTO01", passwords["CTO01"]).employee_no == "CTO01"
    finally:
        db.dispose()
    # a database that has people: refused, nothing added
    before = d.ok("list", "--json")
    err = d.fails("demo", "--password-stdin", stdin="another-pass-1\n")
    assert "已有人员" in err
    assert d.ok("list", "--json") == before


@pytest.mark.pg
def test_demo_refuses_postgresql_without_force(pg_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    d = Desk(pg_url, capsys)
    err = d.fails("demo", "--password-stdin", stdin="pg-demo-pass-1\n")
    assert "--force" in err
    assert json.loads(d.ok("people", "--json")) == []
    numbers = d.ok("demo", "--force", "--password-stdin", stdin="pg-demo-pass-1\n").split()
    assert len(numbers) == 12
    err = d.fails("demo", "--force", "--password-stdin", stdin="pg-demo-pass-1\n")
    assert "已有人员" in err
