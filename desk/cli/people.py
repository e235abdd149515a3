"""The ``desk passwd`` and ``desk person`` commands: passwords and people from a terminal.

Both act as the person signed in (``desk login`` on SQLite, one's own login on
PostgreSQL): ``desk passwd NO`` sets one's own password, or anybody's as an
administrator; ``desk person add`` (administrators) adds a person with roles, or with
``--service`` an account for scripts that may only report and attach, whose token is
printed once; ``desk person list`` prints everybody. The password is asked twice on
the terminal, or read from the first line of standard input with ``--password-stdin``.
The way back in when no administrator can sign in is ``desk db recover-admin``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import secrets
import sys
from collections.abc import Callable
from typing import Any

from desk.cli.identity import acting
from desk.cli.output import label, safe
from desk.db import Database
from desk.errors import DeskError, pick
from desk.process import auth, people
from models import Role


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    pw = sub.add_parser("passwd", help="set a password: one's own, or anybody's as an "
                        "administrator / 设置密码",
                        description="Set a password, as the person signed in (one's own) or "
                        "as an administrator (anybody's). Locked out of every administrator? "
                        "The database owner runs `desk db recover-admin`.")
    pw.add_argument("employee_no", help="whose password, e.g. IT001")
    pw.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    pw.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of standard input")
    group = sub.add_parser("person", help="add a person, or list everybody / 人员管理",
                           description="Add or list people (administrators only; on "
                           "PostgreSQL the database owner may list too).")
    actions = group.add_subparsers(dest="people_action", required=True)
    add = actions.add_parser("add", help="add a person")
    add.add_argument("employee_no", help="工号, e.g. IT007")
    add.add_argument("name", help="the person's name")
    add.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                     help="who acts: must be who is signed in (optional)")
    add.add_argument("--department", default="", help="部门, e.g. 运维部")
    add.add_argument("--contact", default="", help="联系方式, e.g. a phone number")
    add.add_argument("--email", default="", help="e-mail address for notices")
    add.add_argument("--role", action="append", choices=[r.value for r in Role],
                     help="repeatable (a --service account is a reporter)")
    add.add_argument("--password-stdin", action="store_true",
                     help="set a first password read from standard input")
    add.add_argument("--service", action="store_true",
                     help="an account for scripts that may only report and attach; prints "
                     "its token (its password) once")
    listing = actions.add_parser("list", help="list everybody, active or not")
    listing.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                         help="who acts: must be who is signed in (optional)")
    listing.add_argument("--json", action="store_true")
    return {"passwd": _cmd_passwd, "person": _cmd_person}


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("新密码 / New password: ")
    second = getpass.getpass("再次输入 / Repeat: ")
    if first != second:
        raise DeskError("两次输入的密码不一致。", "The two passwords differ.")
    return first


def _cmd_passwd(db: Database, args: argparse.Namespace) -> int:
    actor = acting(db, args)
    password = _read_password(args.password_stdin)
    target = people.person_id(db, args.employee_no)
    auth.set_password(db, actor, target, password)
    print(pick(f"已设置 {args.employee_no} 的密码。", f"Password set for {args.employee_no}."))
    return 0


def _cmd_person(db: Database, args: argparse.Namespace) -> int:
    if args.people_action == "list":
        owner_listing = (db.backend == "postgresql" and not args.actor
                         and auth.current_person_id(db) is None)
        actor = None if owner_listing else acting(db, args)
        rows = auth.list_people_admin(db, actor)
        if args.json:
            out = []
            for p in rows:
                item: dict[str, Any] = {
                    "employee_no": p.employee_no, "name": p.name,
                    "roles": sorted(r.value for r in p.roles), "department": p.department,
                    "active": p.active, "service": p.service}
                if db.backend == "postgresql":
                    item["db_login"] = p.db_login
                out.append(item)
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        for p in rows:
            # the labels `desk people` prints too, in the chosen language
            names = pick("、", ", ").join(label(r) for r in sorted(p.roles))
            state = pick("在用", "active") if p.active else pick("已停用", "inactive")
            login = f"\t{safe(p.db_login)}" if p.db_login else ""
            print(f"{safe(p.employee_no)}\t{safe(p.name)}\t{safe(p.department)}\t{names}\t"
                  f"{state}{login}")
        return 0
    actor = acting(db, args)
    roles: list[str] = list(args.role or [])
    token = None
    if args.service:
        roles = roles or [Role.REPORTER.value]
        token = secrets.token_urlsafe(24)
        password: str | None = token
    elif not roles:
        raise DeskError("请用 --role 给出至少一个角色。", "Give at least one --role.")
    else:
        password = _read_password(True) if args.password_stdin else None
    record = auth.save_person(db, actor, None, args.employee_no, args.name, args.department,
                              args.contact, args.email, roles, True, password=password,
                              service=args.service)
    print(pick(f"已添加 {record.name}（{record.employee_no}）。", f"Added {record.employee_no}."))
    if record.db_login:
        print(f"login: {record.db_login}")
    if token is not None:
        # "token: …" in both languages (like "login: …"): scripts read the last line
        print(pick("服务账户的令牌只显示这一次，它就是此账户的密码。",
                   "The service account's token is shown only once; it is its password."))
        print(f"token: {token}")
    return 0
