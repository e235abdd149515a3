"""The command line proves who it is: ``desk login`` / ``logout`` / ``whoami`` on SQLite
(a signed session of 8 hours), one's own login on PostgreSQL; ``--as`` someone else is
refused on both backends, and so is an expired or altered session."""

from __future__ import annotations

import io
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from desk import errors
from desk.admin import demo, pg_setup
from desk.bootstrap import open_database
from desk.cli import identity
from desk.cli import main as cli
from desk.config import load_config
from desk.process import auth

PASSWORD = "identity-pass-3"


@pytest.fixture(autouse=True)
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8192,
                                                       parallelism=1))
    monkeypatch.setattr(demo, "_HASHES", {})
    monkeypatch.setitem(errors.LANGUAGE, "current", errors.LANGUAGE["current"])


def run(url: str, capsys: pytest.CaptureFixture[str], *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli.main(["--db", url, *argv])
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path}/id.sqlite3"
    code, _, err = run(url, capsys, "db", "upgrade")
    assert code == 0, err
    code, _, err = run(url, capsys, "demo", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0, err
    return url


def numbers(url: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, _ = run(url, capsys, "list", "--json")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def test_acting_without_signing_in_is_refused(url: str, capsys: pytest.CaptureFixture[str]
                                              ) -> None:
    before = numbers(url, capsys)
    code, out, err = run(url, capsys, "approve", before[0]["number"], "--as", "CTO01")
    assert code == 1 and out == "" and "desk login" in err and "Traceback" not in err
    code, _, err = run(url, capsys, "--lang", "en", "report", "--type", "SYS",
                       "--business", "OA", "--phenomenon", "500", "--as", "SALES005")
    assert code == 1 and "Not signed in" in err
    assert numbers(url, capsys) == before


def test_login_whoami_logout_and_impersonation(url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(url, capsys, "login", "IT001", "--password-stdin",
                         stdin=PASSWORD + "\n")
    assert code == 0, err
    assert "IT001" in out
    code, out, _ = run(url, capsys, "whoami")
    assert code == 0 and out.startswith("IT001\t刘洋\treporter,support\tuntil ")
    before = numbers(url, capsys)
    # the commands of the issue, as the signed-in IT001 naming others
    for argv in (["passwd", "CTO01", "--as", "ADMIN", "--password-stdin"],
                 ["person", "add", "EVIL", "黑客", "--role", "admin", "--as", "ADMIN",
                  "--password-stdin"],
                 ["cancel", before[0]["number"], "--as", "LEAD01", "--reason", "x"]):
        code, out, err = run(url, capsys, *argv, stdin="taken-over-9\n")
        assert code == 1, argv
        assert "当前登录的是 IT001，不能以" in err
    code, _, err = run(url, capsys, "--lang", "en", "passwd", "CTO01", "--as", "ADMIN",
                       "--password-stdin", stdin="taken-over-9\n")
    assert "Signed in as IT001: you cannot act as ADMIN" in err
    # and as oneself, without --as: only what IT001 may do
    code, _, err = run(url, capsys, "passwd", "CTO01", "--password-stdin",
                       stdin="taken-over-9\n")
    assert code == 1 and "管理员" in err
    assert numbers(url, capsys) == before
    db = open_database(url)
    try:
        assert auth.sign_in(db, "CTO01", PASSWORD).employee_no == "CTO01"
        with pytest.raises(errors.DeskError):
            auth.sign_in(db, "CTO01", "taken-over-9")
    finally:
        db.dispose()
    code, out, _ = run(url, capsys, "--lang", "en", "logout")
    assert code == 0 and "Signed out" in out
    code, _, err = run(url, capsys, "whoami")
    assert code == 1 and "desk login" in err


def test_a_wrong_password_gives_no_session(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(url, capsys, "login", "CTO01", "--password-stdin", stdin="wrong-pass-1\n")
    assert code == 1 and "工号或密码不正确" in err
    code, _, err = run(url, capsys, "whoami")
    assert code == 1


def test_an_expired_or_altered_session_is_refused(url: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(url)
    db = open_database(url)
    try:
        from desk.process import people

        pid = people.person_id(db, "CTO01")
    finally:
        db.dispose()
    identity.start_session(config, "CTO01", pid,
                           now=datetime.now(UTC) - timedelta(hours=identity.SESSION_HOURS, seconds=1))
    before = numbers(url, capsys)
    code, _, err = run(url, capsys, "approve", before[0]["number"])
    assert code == 1 and "已过期" in err
    code, _, err = run(url, capsys, "--lang", "en", "whoami")
    assert code == 1 and "has expired" in err
    # a session file edited by hand (someone else's id, a later expiry): not signed
    identity.start_session(config, "IT001", pid)
    path = config.data_dir / identity.SESSIONS_FILE
    assert os.stat(path).st_mode & 0o777 == 0o600
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = next(iter(data.values()))
    entry["employee_no"] = "CTO01"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(url, capsys, "whoami")
    assert code == 1 and "无效" in err
    assert numbers(url, capsys) == before


def test_a_service_account_may_report_and_nothing_else(url: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    run(url, capsys, "login", "ADMIN", "--password-stdin", stdin=PASSWORD + "\n")
    code, out, err = run(url, capsys, "person", "add", "MON01", "监控", "--service")
    assert code == 0, err
    token = out.strip().rsplit(": ", 1)[-1]
    assert len(token) >= 24
    code, out, err = run(url, capsys, "login", "MON01", "--password-stdin", stdin=token + "\n")
    assert code == 0, err
    code, out, err = run(url, capsys, "report", "--type", "SYS", "--business", "监控",
                         "--phenomenon", "CPU 100%")
    assert code == 0, err
    number = out.strip()
    code, _, err = run(url, capsys, "triage", number, "--first-contact", "x", "--fault-type",
                       "SYS", "--level", "2")
    assert code == 1
    code, _, err = run(url, capsys, "login", "ADMIN", "--password-stdin", stdin=PASSWORD + "\n")
    code, _, err = run(url, capsys, "person", "add", "MON02", "监控2", "--service",
                       "--role", "admin")
    assert code == 1 and "服务账户" in err


@pytest.mark.pg
def test_on_postgresql_the_login_is_the_person(pg_url: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy.engine import make_url

    login = pg_setup.init_database(pg_url, open_db=open_database, admin_no="ADMIN",
                                   admin_name="系统管理员", admin_password="admin-pass-9",
                                   say=lambda _line: None)
    assert login is not None
    admin_url = make_url(pg_url).set(username=login).render_as_string(hide_password=False)
    code, out, err = run(admin_url, capsys, "person", "add", "IT001", "刘洋", "--role",
                         "support", "--password-stdin", stdin="it-pass-1234\n")
    assert code == 0, err
    it_login = out.strip().splitlines()[-1].removeprefix("login: ")
    code, out, err = run(pg_url, capsys, "person", "list", "--json")  # the owner
    assert code == 0, err
    listed = {p["employee_no"]: p for p in json.loads(out)}
    assert listed["IT001"]["db_login"] == it_login and listed["IT001"]["roles"] == ["support"]
    assert listed["ADMIN"]["db_login"] == login
    it_url = make_url(pg_url).set(username=it_login).render_as_string(hide_password=False)
    code, out, _ = run(it_url, capsys, "whoami")
    assert code == 0 and out.startswith("IT001\t刘洋\tsupport")
    code, out, err = run(it_url, capsys, "report", "--type", "SYS", "--business", "OA",
                         "--phenomenon", "500", "--reporter", "孙丽")
    assert code == 0, err
    number = out.strip()
    code, _, err = run(it_url, capsys, "cancel", number, "--as", "ADMIN", "--reason", "x")
    assert code == 1 and "当前登录的是 IT001，不能以 ADMIN" in err
    code, _, err = run(it_url, capsys, "person", "add", "EVIL", "黑客", "--role", "admin")
    assert code == 1
    code, out, _ = run(pg_url, capsys, "person", "list", "--json")
    assert "EVIL" not in out
    code, _, err = run(it_url, capsys, "login", "IT001", "--password-stdin", stdin="x\n")
    assert code == 1 and "PostgreSQL" in err
