"""The ``desk passwd`` and ``desk person`` commands: passwords and people from a terminal.

``desk passwd NO --as ADMIN_NO`` sets somebody's password as that administrator (the
same rule as the window: administrators only). Without ``--as`` it only works while no
administrator can sign in, and only for a person holding the administrator role: the
way back in for whoever holds the database. ``desk person add`` adds a person with
roles; ``desk person list`` prints everybody, active or not (``desk people`` lists the
active people for anyone). The password is asked twice on the
terminal, or read from the first line of standard input with ``--password-stdin``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from desk.cli.output import label, safe
from desk.db import Database
from desk.errors import DeskError, pick
from desk.process import auth, people
from models import Role


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    pw = sub.add_parser("passwd", help="set a person's password / 设置密码",
                        description="Set a person's password (an administrator's, or the "
                        "first administrator's while nobody can administer).")
    pw.add_argument("employee_no", help="whose password, e.g. IT001")
    pw.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="the administrator doing it (omit only while no admin can sign in)")
    pw.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of standard input")
    group = sub.add_parser("person", help="add a person, or list everybody / 人员管理",
                           description="Add or list people (administrators only).")
    actions = group.add_subparsers(dest="people_action", required=True)
    add = actions.add_parser("add", help="add a person")
    add.add_argument("employee_no", help="工号, e.g. IT007")
    add.add_argument("name", help="the person's name")
    add.add_argument("--as", dest="actor", metavar="ADMIN_NO", required=True)
    add.add_argument("--department", default="", help="部门, e.g. 运维部")
    add.add_argument("--contact", default="", help="联系方式, e.g. a phone number")
    add.add_argument("--email", default="", help="e-mail address for notices")
    add.add_argument("--role", action="append", required=True,
                     choices=[r.value for r in Role], help="repeatable")
    add.add_argument("--password-stdin", action="store_true",
                     help="set a first password read from standard input")
    listing = actions.add_parser("list", help="list everybody, active or not")
    listing.add_argument("--as", dest="actor", metavar="ADMIN_NO", required=True)
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
    password = _read_password(args.password_stdin)
    if args.actor:
        actor = people.person_id(db, args.actor)
        target = people.person_id(db, args.employee_no)
        auth.set_password(db, actor, target, password)
    else:
        auth.recover_admin_password(db, args.employee_no, password)
    print(pick(f"已设置 {args.employee_no} 的密码。", f"Password set for {args.employee_no}."))
    return 0


def _cmd_person(db: Database, args: argparse.Namespace) -> int:
    actor = people.person_id(db, args.actor)
    if args.people_action == "list":
        for p in auth.list_people_admin(db, actor):
            # the labels `desk people` prints too, in the chosen language
            roles = pick("、", ", ").join(label(r) for r in sorted(p.roles))
            state = pick("在用", "active") if p.active else pick("已停用", "inactive")
            print(f"{safe(p.employee_no)}\t{safe(p.name)}\t{safe(p.department)}\t{roles}\t"
                  f"{state}")
        return 0
    password = _read_password(True) if args.password_stdin else None
    record = auth.save_person(db, actor, None, args.employee_no, args.name, args.department,
                              args.contact, args.email, args.role, True, password=password)
    print(pick(f"已添加 {record.name}（{record.employee_no}）。", f"Added {record.employee_no}."))
    return 0
