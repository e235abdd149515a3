"""Who is at the command line: ``desk login``, ``desk logout``, ``desk whoami``.

PostgreSQL: the connection *is* the person (their own login, see ``desk db init``), so
the acting person is whoever the server says the session user is; ``--as`` is optional
and must name that person. The database's owner (who holds the schema anyway) may act
``--as`` anybody, as an administrator at the server can.

SQLite: ``desk login NO`` checks the password (with the same slowing down as the window)
and keeps a signed session for ``SESSION_HOURS``: an HMAC-SHA256 over the database,
the person and the expiry, with a key kept in the system keyring, or in a ``0600`` file
in the data folder where there is no keyring. Every command that acts uses it; ``--as``
someone else is refused.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desk.config import Config, local_secret
from desk.db import Database
from desk.errors import DeskError, PermissionDeniedError, pick
from desk.process import auth, people

SESSION_HOURS = 8
SESSIONS_FILE = "sessions.json"


class NotSignedInError(DeskError):
    pass


@dataclass(frozen=True)
class Session:
    employee_no: str
    person_id: int
    expires: datetime


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
    os.replace(tmp, path)


def _key(config: Config) -> bytes:
    """The signing key: in the keyring if there is one that works, else a 0600 file."""
    return local_secret("session", config.data_dir)


def _db_key(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return "sqlite:" + str(Path(parsed.database).resolve())
    return parsed.render_as_string(hide_password=True)


def _mac(key: bytes, db_key: str, person_id: int, employee_no: str, expires: str) -> str:
    message = f"{db_key}\n{person_id}\n{employee_no}\n{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _sessions(config: Config) -> dict[str, Any]:
    try:
        data = json.loads((config.data_dir / SESSIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_sessions(config: Config, sessions: dict[str, Any]) -> None:
    _write_private(config.data_dir / SESSIONS_FILE, json.dumps(sessions, ensure_ascii=False))


def start_session(config: Config, employee_no: str, person_id: int,
                  now: datetime | None = None) -> Session:
    expires = (now or datetime.now(UTC)) + timedelta(hours=SESSION_HOURS)
    stamp = expires.isoformat()
    db_key = _db_key(config.db_url)
    sessions = _sessions(config)
    sessions[db_key] = {"employee_no": employee_no, "person_id": person_id, "expires": stamp,
                        "mac": _mac(_key(config), db_key, person_id, employee_no, stamp)}
    _save_sessions(config, sessions)
    return Session(employee_no, person_id, expires)


def end_session(config: Config) -> bool:
    sessions = _sessions(config)
    found = sessions.pop(_db_key(config.db_url), None)
    if found is not None:
        _save_sessions(config, sessions)
    return found is not None


def current_session(config: Config, now: datetime | None = None) -> Session:
    """The valid session for this database, or ``NotSignedInError`` saying why not."""
    db_key = _db_key(config.db_url)
    entry = _sessions(config).get(db_key)
    if not isinstance(entry, dict):
        raise NotSignedInError("尚未登录：请先运行 desk login 工号。",
                               "Not signed in: run `desk login EMPLOYEE_NO` first.")
    try:
        no, pid, stamp = str(entry["employee_no"]), int(entry["person_id"]), str(entry["expires"])
        expires = datetime.fromisoformat(stamp)
        good = hmac.compare_digest(str(entry["mac"]), _mac(_key(config), db_key, pid, no, stamp))
    except (KeyError, TypeError, ValueError):
        good = False
    if not good:
        raise NotSignedInError("登录会话无效（可能被改动过）：请重新运行 desk login 工号。",
                               "The sign-in session is not valid (it may have been altered): "
                               "run `desk login EMPLOYEE_NO` again.")
    if expires <= (now or datetime.now(UTC)):
        raise NotSignedInError(
            f"{no} 的登录会话已过期（{SESSION_HOURS} 小时）：请重新运行 desk login {no}。",
            f"The session of {no} has expired (after {SESSION_HOURS} hours): run "
            f"`desk login {no}` again.")
    return Session(no, pid, expires)


def _same(a: str, b: str) -> bool:
    return a.strip().upper() == b.strip().upper()


def _impersonation(claimed: str, signed_in: str) -> PermissionDeniedError:
    return PermissionDeniedError(
        f"当前登录的是 {signed_in}，不能以 {claimed} 的身份操作。",
        f"Signed in as {signed_in}: you cannot act as {claimed}.")


def acting_person(config: Config, db: Database, claimed: str | None) -> int:
    """The id of the person a command acts as (see the module's docstring)."""
    if db.backend == "postgresql":
        pid = auth.current_person_id(db)
        if pid is not None:
            me = people.get_person(db, pid)
            if claimed and not _same(claimed, me.employee_no):
                raise _impersonation(claimed, me.employee_no)
            return pid
        if not is_owner(db):
            raise NotSignedInError(
                "此数据库登录名不是 Desk 的人员：请用自己的登录名连接。",
                "This database login is not a person of this Desk: connect with your own "
                "login.")
        if not claimed:
            raise NotSignedInError(
                "以数据库所有者连接时，请用 --as 工号 说明以谁的身份操作。",
                "Connected as the database owner: say with --as EMPLOYEE_NO who acts.")
        return people.person_id(db, claimed)
    session = current_session(config)
    if claimed and not _same(claimed, session.employee_no):
        raise _impersonation(claimed, session.employee_no)
    person = people.get_person(db, session.person_id)
    if not _same(person.employee_no, session.employee_no):
        raise NotSignedInError("登录会话与人员不符：请重新登录。",
                               "The session does not match the person: sign in again.")
    return session.person_id


def acting(db: Database, args: argparse.Namespace) -> int:
    """``acting_person`` for a parsed command line (``--as`` in ``args.actor``)."""
    return acting_person(args.desk_config, db, getattr(args, "actor", None))


def is_owner(db: Database) -> bool:
    from sqlalchemy import text

    with db.read() as s:
        return bool(s.scalar(text("SELECT desk_is_owner()")))


def read_password(from_stdin: bool, prompt: str = "密码 / Password: ") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return getpass.getpass(prompt)


# -- the commands ------------------------------------------------------------------------


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    lg = sub.add_parser("login", help="sign in at the command line (SQLite) / 登录",
                        description=f"Check the password and keep a signed session for "
                        f"{SESSION_HOURS} hours; every command that acts uses it. On "
                        "PostgreSQL you connect as your own login instead.")
    lg.add_argument("employee_no", help="your 工号, e.g. IT001")
    lg.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of standard input")
    sub.add_parser("logout", help="end the command line's session / 退出登录")
    sub.add_parser("whoami", help="who the command line acts as / 当前身份")
    return {"login": _cmd_login, "logout": _cmd_logout, "whoami": _cmd_whoami}


def _config(args: argparse.Namespace) -> Config:
    config: Config = args.desk_config
    return config


def _cmd_login(db: Database, args: argparse.Namespace) -> int:
    if db.backend == "postgresql":
        raise DeskError(
            "PostgreSQL 上无需 desk login：请用自己的登录名连接（--db postgresql://登录名@服务器/库）。",
            "No `desk login` on PostgreSQL: connect as your own login "
            "(--db postgresql://LOGIN@HOST/DB).")
    person = auth.sign_in(db, args.employee_no, read_password(args.password_stdin))
    session = start_session(_config(args), person.employee_no, person.id)
    until = session.expires.astimezone().strftime("%Y-%m-%d %H:%M")
    print(pick(f"已登录：{person.name}（{person.employee_no}），有效至 {until}。",
               f"Signed in as {person.employee_no} until {until}."))
    return 0


def _cmd_logout(db: Database, args: argparse.Namespace) -> int:
    if end_session(_config(args)):
        print(pick("已退出登录。", "Signed out."))
    else:
        print(pick("本来就没有登录。", "There was no session."))
    return 0


def _cmd_whoami(db: Database, args: argparse.Namespace) -> int:
    pid = acting_person(_config(args), db, None) if db.backend == "sqlite" else (
        auth.current_person_id(db))
    if pid is None:
        print(pick("数据库所有者（不是 Desk 的人员）",
                   "the database owner (not a person of this Desk)"))
        return 0
    person = people.get_person(db, pid)
    roles = ",".join(sorted(r.value for r in person.roles))
    if db.backend == "sqlite":
        session = current_session(_config(args))
        until = session.expires.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{person.employee_no}\t{person.name}\t{roles}\tuntil {until}")
    else:
        print(f"{person.employee_no}\t{person.name}\t{roles}")
    return 0
