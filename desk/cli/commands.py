"""The ``desk`` command's parser and its commands: every step of the process for
scripts, and the window when the options are more than ``desk.cli.main`` takes alone.

Errors go to stderr with a non-zero exit code (1 refused or invalid, 2 usage, 70 a
bug) and never as a traceback; bugs are written with their traceback to the log file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from desk import __version__ as VERSION
from desk.bootstrap import open_database
from desk.cli.base import UsageError, launch_gui, log_bug
from desk.cli.identity import acting
from desk.cli.output import columns, count, label, safe
from desk.config import Config, load_config
from desk.db import Database
from desk.errors import DeskError, ValidationError, pick, set_language
from desk.process import people, reporting, workflow
from desk.read import queue, settings, tickets, timeline
from desk.rules import sla, spans, transitions
from desk.rules.timeutil import format_local, parse_time
from models import FaultLevel, FaultType, Status

log = logging.getLogger("desk")

# CLI command name -> transition name in desk.rules.transitions.TRANSITIONS
STEP_COMMANDS: dict[str, str] = {
    "triage": "triage",
    "solve": "solve_on_spot",
    "dispatch": "dispatch",
    "analyse": "analyse",
    "propose": "propose",
    "confirm": "confirm",
    "approve": "approve",
    "reject": "reject",
    "step": "step",
    "restore": "restore",
    "submit-verification": "submit_verification",
    "verify": "verify",
    "archive": "archive",
    "cancel": "cancel",
    "level": "change_level",
    "pause": "pause",
    "resume": "resume",
}

TYPE_HELP = ", ".join(f"{t.value}={t.label_zh}" for t in FaultType)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="desk",
        description="Desk — 技术故障反馈与处理 / technical fault reporting and resolution. "
        "Without a command, opens the window.",
        epilog=f"Fault types: {TYPE_HELP}. Times are local to the desk's time zone "
        "(default Asia/Shanghai) unless an offset is given, e.g. '2026-11-27 09:30'.",
    )
    p.add_argument("--db", metavar="URL",
                   help="database URL (sqlite:///FILE or postgresql://…); also DESK_DB_URL; "
                   "default: desk.sqlite3 in the user's data folder")
    p.add_argument("--lang", choices=["zh_CN", "en"], help="language of messages")
    p.add_argument("--version", action="version", version=f"desk {VERSION}")
    p.add_argument("--demo", action="store_true",
                   help="with no command: add demo data if the database has no faults")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="database schema: upgrade; set up a shared PostgreSQL")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_actions = [
        dbsub.add_parser("upgrade", help="apply the schema migrations (the window does this too)"),
        dbsub.add_parser("revision", help="print the schema revision of the database"),
    ]
    bk = dbsub.add_parser("backup", help="copy the SQLite database to FILE (safe while "
                          "desks write); PostgreSQL: use pg_dump")
    bk.add_argument("file", metavar="FILE", help="the backup file to write (must not exist)")
    bk.add_argument("--force", action="store_true", help="replace FILE if it exists")
    rs = dbsub.add_parser("restore", help="replace the SQLite database with the backup FILE; "
                          "the current file is kept as <name>.before-restore-<time>")
    rs.add_argument("file", metavar="FILE", help="the backup file to restore from")
    db_actions += [bk, rs]
    init = dbsub.add_parser(
        "init", help="set up a database for a team: schema, rules, roles, first administrator",
        description="Creates the schema and the rule tables the database enforces; on "
        "PostgreSQL the group roles of this database (named after it), its privileges and "
        "the first administrator's own login, whose name it prints. Safe to run again.")
    init.add_argument("--admin-no", metavar="EMPLOYEE_NO", help="first administrator's 工号")
    init.add_argument("--admin-name", metavar="NAME", help="first administrator's name")
    init.add_argument("--password-stdin", action="store_true",
                      help="the administrator's password is the first line of stdin")
    rec = dbsub.add_parser(
        "recover-admin", help="the database owner gives an administrator a new password",
        description="For whoever holds the database itself (the SQLite file's owner, or the "
        "PostgreSQL owner's URL): sets the password of a person holding the admin role, "
        "also when administrators can still sign in, and unlocks them.")
    rec.add_argument("employee_no", help="the 工号 of a person holding the admin role")
    rec.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    db_actions.append(rec)
    svc = dbsub.add_parser(
        "service-login", help="the database owner makes the login `desk serve` connects with",
        description="PostgreSQL, with the owner's URL: creates (or repairs) the login of the "
        "team's service, which may do what `desk serve` does and nothing more, and prints its "
        "name. Without --password-stdin a password is generated and printed once. Safe to run "
        "again (it sets a new password each time).")
    svc.add_argument("--password-stdin", action="store_true",
                     help="read the service's password from the first line of standard input")
    db_actions.append(svc)
    for action in [*db_actions, init]:
        # also accepted after the action: desk db init --db postgresql://…
        action.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                            help="database URL (as the --db before the command)")

    demo = sub.add_parser("demo", help="add the sample people and a dozen demo faults "
                          "(a new, empty database only); prints each person's password once")
    demo.add_argument("--password-stdin", action="store_true",
                      help="give every demo person the password on the first line of stdin")
    demo.add_argument("--force", action="store_true",
                      help="allow an empty PostgreSQL database (never one that has people)")

    rep = sub.add_parser(
        "report", help="report a new fault; prints its number",
        description="Report a new fault (步骤一：故障信息采集与初步上报). Prints the number it "
        "was given; with --json the whole fault. Deadlines are computed from the level and "
        "the report time. For monitoring scripts too.")
    rep.add_argument("--type", required=True, dest="fault_type", metavar="T",
                     choices=[t.value for t in FaultType], help=TYPE_HELP)
    rep.add_argument("--business", required=True, help="受影响业务 affected business")
    rep.add_argument("--phenomenon", required=True, help="故障现象 what happens")
    rep.add_argument("--level", type=int, choices=[1, 2, 3], default=3,
                     help="故障等级 (default 3)")
    rep.add_argument("--occurred-at", help="发生时间 (default: now)")
    rep.add_argument("--scope", default="", help="影响范围 scope of impact")
    rep.add_argument("--steps", default="", help="复现操作步骤 steps to reproduce")
    rep.add_argument("--reporter", default="", help="发觉人 name (default: who is signed in)")
    rep.add_argument("--reporter-no", default="", help="发觉人工号")
    rep.add_argument("--contact", default="", help="联系方式")
    rep.add_argument("--interrupted", action="store_true", help="业务中断 business interrupted")
    rep.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO", help="who files it")
    rep.add_argument("--json", action="store_true")

    ls = sub.add_parser("list", help="list faults, newest first")
    ls.add_argument("--status", action="append", choices=[s.value for s in Status],
                    help="only faults in this state (repeatable)")
    ls.add_argument("--level", action="append", type=int, choices=[1, 2, 3],
                    help="only faults of this level (repeatable)")
    ls.add_argument("--search", default="", help="text in number, business or phenomenon")
    ls.add_argument("--limit", type=count(1, 100_000), default=100,
                    help="at most this many faults, 1 to 100000 (default 100)")
    ls.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="show one fault")
    show.add_argument("number", help="the fault number, e.g. SYS-20261127-001")
    show.add_argument("--json", action="store_true")
    show.add_argument("--timeline", action="store_true", help="also list its events")

    pe = sub.add_parser("people", help="list people and their roles")
    pe.add_argument("--json", action="store_true")

    for module in _extensions():
        HANDLERS.update(module.register(sub))

    for command, name in STEP_COMMANDS.items():  # every step of the process
        spec = transitions.TRANSITIONS[name]
        needed = [("--" + f.name.replace("_", "-").removesuffix("-id")) if f.name != "passed"
                  else "--pass|--fail" for f in spec.fields if f.required]
        sp = sub.add_parser(command, help=f"{spec.label_zh} / {spec.label_en}",
                            description=f"{spec.label_zh} / {spec.label_en}: records "
                            f"{spec.records}. Roles: "
                            + ", ".join(sorted(r.value for r in spec.roles))
                            + (f". Required: {', '.join(needed)}." if needed else "."))
        sp.add_argument("number")
        sp.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
        sp.add_argument("--version", type=int, help="refuse if the fault changed since")
        sp.add_argument("--json", action="store_true")
        _add_fields(sp, spec)
    _describe_common_options(p)
    return p


def english() -> bool:
    return pick("zh", "en") == "en"


# the help of options that many commands share, where a command did not give its own
COMMON_HELP = {
    "actor": "工号 of the person who does this, e.g. IT001",
    "number": "the fault number, e.g. SYS-20261127-001",
    "json": "print JSON instead of text (for scripts)",
    "version": "refuse if the fault changed since this version (see desk show --json)",
}


def _describe_common_options(parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:  # argparse keeps no public list of them
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _describe_common_options(child)
        elif action.help is None and action.dest in COMMON_HELP:
            action.help = COMMON_HELP[action.dest]


def _extensions() -> list[Any]:
    """CLI command groups kept in their own modules; each has ``register(sub)`` that adds
    its sub-parsers and returns ``{command: handler(db, args) -> exit code}``."""
    import importlib

    found = []
    for name in EXTENSION_MODULES:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return found


EXTENSION_MODULES = ("desk.cli.identity", "desk.cli.attachments", "desk.cli.documents",
                     "desk.cli.channels", "desk.cli.serve", "desk.cli.mail", "desk.cli.kb",
                     "desk.cli.stats", "desk.cli.people", "desk.cli.deadlines",
                     "desk.cli.lessons", "desk.cli.open")


def _add_fields(sp: argparse.ArgumentParser, spec: transitions.Transition) -> None:
    for f in spec.fields:
        opt = "--" + f.name.replace("_", "-").removesuffix("-id")
        # required ones say so here and in the command's description; a missing one is
        # refused by the service with a message in the person's language (exit 1)
        help_text = f"{f.label_zh} / {f.label_en}" + (" (required)" if f.required else "")
        if f.kind == "bool" and f.name == "passed":
            g = sp.add_mutually_exclusive_group(required=True)
            g.add_argument("--pass", dest="passed", action="store_const", const=True,
                          help="验证通过 the fix works")
            g.add_argument("--fail", dest="passed", action="store_const", const=False,
                          help="验证未通过 back to diagnosis")
        elif f.kind in ("bool", "tristate"):
            sp.add_argument(opt, dest=f.name, action=argparse.BooleanOptionalAction,
                            help=help_text)
        elif f.kind == "level":
            sp.add_argument(opt, dest=f.name, type=int, choices=[1, 2, 3], help=help_text)
        elif f.kind == "rating":
            sp.add_argument(opt, dest=f.name, type=int, choices=[1, 2, 3, 4, 5], help=help_text)
        elif f.kind == "type":
            sp.add_argument(opt, dest=f.name, choices=[t.value for t in FaultType],
                            help=help_text)
        elif f.kind == "team":
            sp.add_argument("--member", dest="team", action="append", metavar="NO:DUTY",
                            help="team member, e.g. OP003:ops (duties: ops, development, "
                            "database, network, member)")
        elif f.kind == "items":
            sp.add_argument("--item", dest="items", action="append",
                            metavar="ITEM|EXPECTED|ACTUAL|pass",
                            help="a checked item; the last part is pass or fail")
        elif f.kind == "person":
            sp.add_argument(opt, dest=f.name, metavar="EMPLOYEE_NO", help=help_text)
        elif f.kind == "datetime":
            sp.add_argument(opt, dest=f.name, metavar="TIME",
                            help=f"{help_text}, e.g. '2026-11-27 17:30'")
        else:
            sp.add_argument(opt, dest=f.name, help=help_text)


def _step_data(db: Database, spec: transitions.Transition, args: argparse.Namespace,
               tz: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in spec.fields:
        value = getattr(args, f.name, None)
        if value is None:
            continue
        if f.kind == "person":
            value = people.person_id(db, value)
        elif f.kind == "team":
            team = []
            for entry in value:
                no, _, duty = entry.partition(":")
                team.append((people.person_id(db, no), duty or "member"))
            value = team
        elif f.kind == "items":
            items = []
            for entry in value:
                parts = [p.strip() for p in entry.split("|")]
                while len(parts) < 4:
                    parts.append("")
                items.append({"item": parts[0], "expected": parts[1], "actual": parts[2],
                              "passed": parts[3].lower() in ("pass", "ok", "通过", "y", "yes")})
            value = items
        elif f.kind == "datetime":
            value = parse_time(value, tz, f.name)
        data[f.name] = value
    if "team" in data:
        from models import TeamDuty

        for _, duty in data["team"]:
            try:
                TeamDuty(duty)
            except ValueError:
                raise ValidationError({"team": (f"未知的职责：{duty}", f"Unknown duty: {duty}")})\
                    from None
    return data


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _tz(db: Database) -> Any:
    with db.read() as session:
        return settings.timezone(session)


def _cmd_report(db: Database, args: argparse.Namespace) -> int:
    tz = _tz(db)
    actor = acting(db, args)
    report = reporting.FaultReport(
        fault_type=FaultType(args.fault_type),
        affected_business=args.business,
        phenomenon=args.phenomenon,
        level=FaultLevel(args.level),
        occurred_at=parse_time(args.occurred_at, tz, "occurred_at")
        if args.occurred_at is not None else None,
        impact_scope=args.scope,
        reproduce_steps=args.steps,
        reporter_name=args.reporter,
        reporter_employee_no=args.reporter_no,
        reporter_contact=args.contact,
        business_interrupted=args.interrupted,
    )
    detail = reporting.report_fault(db, report, actor)
    if args.json:
        _print_json(detail.to_json(tz))
    else:
        print(detail.number)
    return 0


def _cmd_list(db: Database, args: argparse.Namespace) -> int:
    tz = _tz(db)
    query = queue.TicketQuery(
        statuses=tuple(Status(s) for s in args.status or ()),
        levels=tuple(FaultLevel(v) for v in args.level or ()),
        # Python 3.11's argparse drops a literal "--" value (``--search=--``) and leaves []
        text=args.search if isinstance(args.search, str) else "--",
    )
    rows = queue.list_tickets(db, query, limit=args.limit)
    if args.json:
        _print_json([
            {"id": r.id, "number": r.number, "level": int(r.level), "status": r.status.value,
             "fault_type": r.fault_type.value, "affected_business": r.affected_business,
             "reporter_name": r.reporter_name, "assignee": r.assignee_name,
             "reported_at": r.reported_at.astimezone(tz).isoformat(),
             "respond_due_at": r.respond_due_at.astimezone(tz).isoformat()
             if r.respond_due_at else None,
             "restore_due_at": r.restore_due_at.astimezone(tz).isoformat()
             if r.restore_due_at else None}
            for r in rows
        ])
        return 0
    now, words = db.now(), spans.words(english())
    for line in columns([[r.number, label(r.level), label(r.status),
                          format_local(r.reported_at, tz), _time_left(r, now, words),
                          safe(r.affected_business)] for r in rows]):
        print(line)
    return 0


def _time_left(r: tickets.TicketRow, now: datetime, words: spans.Words) -> str:
    """The queue's 剩余时间: the running clock's time left (``剩余 4分``, ``已超时 15分``),
    已暂停, or a dash once no clock runs."""
    if r.paused and not r.status.is_closed:
        return pick("已暂停", "Paused")
    due = r.running_due()
    return spans.left_or_over(due - now, words) if due is not None else "—"


def _cmd_show(db: Database, args: argparse.Namespace) -> int:
    tz = _tz(db)
    detail = tickets.get_ticket(db, args.number)
    events = timeline.events(db, detail.id) if args.timeline else []
    if args.json:
        out = detail.to_json(tz)
        out["team"], out["steps"] = _team_and_steps(db, detail.id, tz)
        if args.timeline:
            out["timeline"] = [dict(e, at=e["at"].astimezone(tz).isoformat()) for e in events]
        _print_json(out)
        return 0
    v = detail.values

    def text(name: str) -> str:  # a multi-line field, its lines indented under the label
        return safe(v[name], one_line=False).replace("\n", "\n    ")

    lines = [
        f"{pick('故障编号', 'Number')} {v['number']}    {label(v['level'])}    "
        f"{label(v['status'])}",
        f"{pick('故障类型', 'Type')} {label(v['fault_type'])}",
        f"{pick('发生时间', 'Occurred')} {format_local(v['occurred_at'], tz)}    "
        f"{pick('恢复时间', 'Restored')} {format_local(v['restored_at'], tz)}",
        f"{pick('发觉人', 'Reported by')}   {safe(v['reporter_name'])} "
        f"{safe(v['reporter_employee_no'])} {safe(v['reporter_contact'])}",
        f"{pick('受影响业务', 'Affected business')} {safe(v['affected_business'])}",
        f"{pick('影响范围', 'Scope')} {text('impact_scope')}",
        f"{pick('故障现象', 'Phenomenon')} {text('phenomenon')}",
        f"{pick('复现步骤', 'Steps to reproduce')} {text('reproduce_steps')}",
    ]
    print("\n".join(lines))
    for e in events:
        fields = ", ".join(e["changes"].keys())
        print(f"  {format_local(e['at'], tz, seconds=True)}  "
              f"{safe(e['actor']) or pick('系统', 'system')}  "
              f"{e['action']}  {fields}  {safe(e['reason'])}")
    return 0


def _team_and_steps(db: Database, ticket_id: int,
                    tz: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The handling team and the implementation log, for ``show --json``."""
    with db.read() as session:
        ticket = tickets.load_ticket(session, ticket_id)
        team = [{"employee_no": m.person.employee_no, "name": m.person.name,
                 "duty": m.duty.value} for m in ticket.team]
        steps = [{"seq": st.seq, "action": st.action, "state_after": st.state_after,
                  "done_by": st.done_by.employee_no,
                  "done_at": st.done_at.astimezone(tz).isoformat()} for st in ticket.steps]
    return team, steps


def slas_of(db: Database, number: str) -> tuple[sla.ClockStatus, sla.ClockStatus]:
    """Both clocks of a ticket at the database clock's now."""
    from desk.read.clocks import ticket_clocks

    return ticket_clocks(db, number)


def _cmd_people(db: Database, args: argparse.Namespace) -> int:
    rows = people.list_people(db)
    if args.json:
        _print_json([{"employee_no": p.employee_no, "name": p.name, "department": p.department,
                      "contact": p.contact, "roles": sorted(r.value for r in p.roles)}
                     for p in rows])
        return 0
    for p in rows:
        roles = pick("、", ", ").join(label(r) for r in sorted(p.roles))
        print(f"{safe(p.employee_no):<10} {safe(p.name):<6} {safe(p.department):<8} {roles}")
    return 0


def _cmd_step(db: Database, args: argparse.Namespace) -> int:
    name = STEP_COMMANDS[args.command]
    spec = transitions.TRANSITIONS[name]
    tz = _tz(db)
    actor = acting(db, args)
    data = _step_data(db, spec, args, tz)
    detail = workflow.perform(db, name, args.number, actor, data, args.version)
    if args.json:
        _print_json(detail.to_json(tz))
    else:
        # "(version N)" in both languages: scripts read it
        print(f"{detail.number}  {label(detail.status)}  (version {detail.version})")
    return 0


def _cmd_demo(db: Database, args: argparse.Namespace) -> int:
    from desk.admin import demo
    from desk.process import auth

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        auth.check_password_rules(password)
        passwords = demo.shared_passwords(password)
    else:
        passwords = demo.generate_passwords()
    for number in demo.create_demo(db, passwords, force=args.force):
        print(number)
    if not args.password_stdin:
        print("演示人员的密码（只显示这一次）/ the demo people's passwords (shown only once):")
        for no, password in passwords.items():
            print(f"  {no}\t{password}")
    return 0


def _read_new_password(from_stdin: bool) -> str:
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("新密码 / New password: ")
    if getpass.getpass("再次输入 / Repeat: ") != first:
        raise DeskError("两次输入的密码不一致。", "The two passwords differ.")
    return first


def _cmd_db(config: Config, args: argparse.Namespace) -> int:
    from models import schema

    if args.db_command == "init":
        from desk.admin import pg_setup

        password = _read_new_password(args.password_stdin) if args.admin_no else None
        login = pg_setup.init_database(config.db_url, open_db=open_database,
                                       admin_no=args.admin_no, admin_name=args.admin_name,
                                       admin_password=password)
        if login is not None:
            print(f"login: {login}")
        return 0
    if args.db_command == "recover-admin":
        from desk.process import auth

        password = _read_new_password(args.password_stdin)
        db = open_database(config.db_url)
        try:
            login = auth.recover_admin(db, args.employee_no, password)
        finally:
            db.dispose()
        print(pick(f"已为管理员 {args.employee_no} 设置新密码。",
                   f"New password set for the administrator {args.employee_no}."))
        if login:
            print(f"login: {login}")
        return 0
    if args.db_command == "service-login":
        import secrets

        from desk.admin import pg_setup

        generated = None if args.password_stdin else secrets.token_urlsafe(24)
        password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else generated
        db = open_database(config.db_url)
        try:
            login = pg_setup.service_login(db, password)
        finally:
            db.dispose()
        print(pick("服务登录名已就绪（只能做 desk serve 所做的事）。",
                   "The service's login is ready (it may do what `desk serve` does)."))
        print(f"login: {login}")
        if generated is not None:
            # "password: …" in both languages (like "login: …"): scripts read the last line
            print(pick("密码只显示这一次：请写入服务所在电脑的 ~/.pgpass 或 PGPASSWORD。",
                       "The password is shown only once: put it in ~/.pgpass (or PGPASSWORD) "
                       "on the service's machine."))
            print(f"password: {generated}")
        return 0
    if args.db_command in ("backup", "restore"):
        from desk.admin import backup

        if args.db_command == "backup":
            target = Path(args.file)
            if target.exists() and not args.force:
                raise DeskError(
                    f"{target} 已存在，未覆盖。换一个文件名，或加 --force 覆盖它。",
                    f"{target} exists and was not overwritten. Choose another name, or add "
                    "--force to replace it.")
            print(backup.backup(config.db_url, target))
            return 0
        kept = backup.restore(config.db_url, Path(args.file))
        if kept is not None:
            print(pick(f"原数据库已保留为 {kept}", f"the previous database was kept as {kept}"))
        print(pick(f"已从 {args.file} 恢复", f"restored from {args.file}"))
        return 0
    if args.db_command == "upgrade":
        db = open_database(config.db_url)
        print(pick(f"结构版本 {schema.current_revision(db.engine)}（最新 {schema.head_revision()}）",
                   f"schema at {schema.current_revision(db.engine)} "
                   f"(head {schema.head_revision()})"))
        db.dispose()
        return 0
    db = open_database(config.db_url, upgrade=False, create=False)
    print(schema.current_revision(db.engine) or "(empty)")
    db.dispose()
    return 0


HANDLERS: dict[str, Callable[[Database, argparse.Namespace], int]] = {
    "report": _cmd_report,
    "list": _cmd_list,
    "show": _cmd_show,
    "people": _cmd_people,
    **dict.fromkeys(STEP_COMMANDS, _cmd_step),
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code = _run(args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        # the reader went away (``desk show N | head -1``): stop quietly, as Unix tools do
        # (128 + SIGPIPE); stdout is pointed at /dev/null so the exit flush stays silent
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.db)
        lang = args.lang or config.language
        set_language(lang)
        if args.command is None:
            return launch_gui(config, args.demo)
        if args.command == "db":
            return _cmd_db(config, args)
        db = open_database(config.db_url, create=False)
        try:
            if args.command == "demo":
                return _cmd_demo(db, args)
            args.desk_config = config
            return HANDLERS[args.command](db, args)
        finally:
            db.dispose()
    except UsageError as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        for _name, pair in exc.fields.items():
            print(f"desk: {pair[1] if str(exc) == exc.en else pair[0]}", file=sys.stderr)
        return 1
    except DeskError as exc:
        print(f"desk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except Exception:  # a bug: keep the traceback out of the user's way, but keep it
        path = log_bug()
        print(f"desk: 内部错误，详情已写入 {path} / internal error, details in {path}",
              file=sys.stderr)
        return 70


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
