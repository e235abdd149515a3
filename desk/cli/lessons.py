"""The commands of what Desk learns from faults: links, problems and action items.

``desk link A B --kind related|caused-by|duplicate --as NO`` links fault A to B ("A caused
by B", "A duplicate of B": a duplicate is merged into B); ``desk unlink A B``; ``desk links
A`` lists a fault's links and the duplicates merged into it. ``desk problem new|show|list|
edit|known|resolve|add`` keeps problems (问题); ``desk action add|done|list|remind`` the
action items (整改措施), ``desk action list --mine --as NO`` being 我的待办.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from desk.cli.identity import acting
from desk.db import Database
from desk.errors import ValidationError
from desk.notify import outbox
from desk.process import actions, incident, links, people, problems
from desk.read import actions as read_actions
from desk.read import incident as read_incident
from desk.read import links as read_links
from desk.read import problems as read_problems
from desk.read import settings
from desk.rules import spans
from desk.rules.timeutil import format_local
from models import FaultType, ProblemState

Handler = Callable[[Database, argparse.Namespace], int]
PROBLEM_FIELDS = ("title", "symptom", "affected_business", "root_cause", "workaround",
                  "permanent_fix")


def register(sub: Any) -> dict[str, Handler]:
    ln = sub.add_parser("link", help="link two faults: related, caused-by, duplicate (merge)",
                        epilog="Example: desk link SYS-20261127-002 SYS-20261127-001 "
                        "--kind duplicate --as IT001  (002 is merged into 001)")
    ln.add_argument("number", help="fault A")
    ln.add_argument("other", help="fault B (for duplicate: the master)")
    ln.add_argument("--kind", required=True, choices=["related", "caused-by", "duplicate"],
                    help="A related to B / A caused by B / A duplicate of B")
    ln.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    un = sub.add_parser("unlink", help="remove a related or caused-by link")
    un.add_argument("number")
    un.add_argument("other", help="the other fault's number")
    un.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    ls = sub.add_parser("links", help="a fault's links and the duplicates merged into it")
    ls.add_argument("number")
    ls.add_argument("--json", action="store_true")

    inc = sub.add_parser("incident", help="a major incident (level 1): team, next deadline, "
                         "timeline; --broadcast sends a status update",
                         epilog='Example: desk incident SYS-20261127-001 --broadcast '
                         '"已切换备用库，下单恢复" --cc it-group@example.com --as LEAD01')
    inc.add_argument("number")
    inc.add_argument("--broadcast", metavar="TEXT", help="the update to send and record")
    inc.add_argument("--cc", action="append", default=[], metavar="ADDRESS",
                     help="also send it to this address (repeatable)")
    inc.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO")

    pr = sub.add_parser("problem", help="problems (问题): root cause shared by faults")
    psub = pr.add_subparsers(dest="problem_command", metavar="ACTION", required=True)
    new = psub.add_parser("new", help="open a problem (分析中), optionally from faults")
    new.add_argument("--fault", action="append", default=[], metavar="NUMBER", help="a fault number, e.g. SYS-20261127-001")
    new.add_argument("--type", dest="fault_type", choices=[t.value for t in FaultType], help="the problem's fault type")
    new.add_argument("--owner", metavar="EMPLOYEE_NO", help="工号 of the person who owns it")
    edit = psub.add_parser("edit", help="change a problem's fields")
    edit.add_argument("problem", metavar="PRB-NUMBER", help="the problem's number, e.g. PRB-000001")
    edit.add_argument("--owner", metavar="EMPLOYEE_NO", help="工号 of the person who owns it")
    edit.add_argument("--version", type=int)
    known = psub.add_parser("known", help="mark a known error (需根本原因和临时方案)")
    resolve = psub.add_parser("resolve", help="resolve (需永久解决方案); open faults' reporters "
                              "are told")
    for p in (known, resolve):
        p.add_argument("problem", metavar="PRB-NUMBER", help="the problem's number, e.g. PRB-000001")
        p.add_argument("--version", type=int)
    for p in (new, edit, known, resolve):
        for f in PROBLEM_FIELDS:
            zh, en = read_problems.FIELDS[f]
            p.add_argument("--" + f.replace("_", "-"), dest=f, help=f"{zh} / {en}",
                           required=(p is new and f == "title"))
        p.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
        p.add_argument("--json", action="store_true")
    add = psub.add_parser("add", help="point faults to a problem")
    add.add_argument("problem", metavar="PRB-NUMBER", help="the problem's number, e.g. PRB-000001")
    add.add_argument("faults", nargs="+", metavar="NUMBER", help="the fault numbers to attach to the problem")
    add.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    show = psub.add_parser("show", help="one problem with its faults and history")
    show.add_argument("problem", metavar="PRB-NUMBER", help="the problem's number, e.g. PRB-000001")
    show.add_argument("--json", action="store_true")
    lst = psub.add_parser("list", help="problems, newest first")
    lst.add_argument("--state", choices=[s.value for s in ProblemState], help="only problems in this state")
    lst.add_argument("--json", action="store_true")

    ac = sub.add_parser("action", help="action items (整改措施): prevention measures tracked "
                        "to done")
    asub = ac.add_subparsers(dest="action_command", metavar="ACTION", required=True)
    aa = asub.add_parser("add", help="a new action item of a fault or a problem")
    aa.add_argument("title", help="what is to be done")
    aa.add_argument("--fault", metavar="NUMBER", help="a fault number, e.g. SYS-20261127-001")
    aa.add_argument("--problem", metavar="PRB-NUMBER", help="the problem's number, e.g. PRB-000001")
    aa.add_argument("--owner", required=True, metavar="EMPLOYEE_NO", help="工号 of the person who owns it")
    aa.add_argument("--due", required=True, metavar="YYYY-MM-DD", help="the due date, e.g. 2026-12-31")
    aa.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    ad = asub.add_parser("done", help="mark an action item done (its owner or a lead)")
    ad.add_argument("item", type=int, metavar="ID", help="the action item's id (see desk action list)")
    ad.add_argument("--note", default="", help="what was done (kept with the item)")
    ad.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    al = asub.add_parser("list", help="action items (--mine: 我的待办)")
    al.add_argument("--fault", metavar="NUMBER", help="a fault number, e.g. SYS-20261127-001")
    al.add_argument("--problem", metavar="PRB-NUMBER", help="the problem's number, e.g. PRB-000001")
    al.add_argument("--mine", action="store_true", help="the --as person's open items")
    al.add_argument("--open", action="store_true", help="open items only")
    al.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO")
    asub.add_parser("remind", help="queue a reminder for each overdue item not reminded yet")
    for p in (aa, ad, al):
        p.add_argument("--json", action="store_true")
    return {"link": _cmd_link, "unlink": _cmd_unlink, "links": _cmd_links,
            "incident": _cmd_incident,
            "problem": _cmd_problem, "action": _cmd_action}


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _cmd_link(db: Database, args: argparse.Namespace) -> int:
    actor = acting(db, args)
    links.link(db, args.number, args.other, args.kind, actor)
    if args.kind == "duplicate":
        print(f"{args.number.upper()} → {args.other.upper()}（已合并 / merged）")
    else:
        print(f"{args.number.upper()} — {args.other.upper()}（{args.kind}）")
    return 0


def _cmd_unlink(db: Database, args: argparse.Namespace) -> int:
    links.unlink(db, args.number, args.other, acting(db, args))
    return 0


def _cmd_links(db: Database, args: argparse.Namespace) -> int:
    found = read_links.links_of(db, args.number)
    dups = read_links.duplicates_of(db, args.number)
    if args.json:
        _print_json({"links": [v.to_json() for v in found],
                     "duplicates": [d.to_json() for d in dups]})
        return 0
    for v in found:
        print(f"{v.label_zh:<10} {v.number}  {v.status.label_zh}  {v.affected_business}")
    for d in dups:
        print(f"重复故障 {d.number}：{d.reporter_name} {d.reporter_employee_no}  "
              f"{len(d.attachments)} 个附件，{len(d.events)} 条事件")
    return 0


def _cmd_incident(db: Database, args: argparse.Namespace) -> int:
    if args.broadcast is not None:
        incident.broadcast(db, args.number, acting(db, args), args.broadcast,
                           args.cc)
    view = read_incident.incident(db, args.number)
    with db.read() as session:
        tz = settings.timezone(session)
    print(f"{view.number}  {view.level.label_zh}  {view.status.label_zh}  "
          f"{view.affected_business}")
    clock = view.next_deadline
    if clock is None:
        print("响应与恢复时限均已完成。")
    else:
        name = "响应" if clock.name == "respond" else "恢复"
        # the window's words: 剩余 4分 ahead, 已超时 15分 past it (said once)
        standing = spans.left_or_over(clock.remaining)
        if clock.remaining.total_seconds() >= 0:
            standing = f"{clock.state.label_zh}，{standing}"
        print(f"下一时限：{name} {format_local(clock.due_at, tz)}（{standing}）")
    for m in view.team:
        print(f"  {m.duty}：{m.name} {m.department} {m.contact}")
    for e in view.timeline:
        print(f"{format_local(e['at'], tz)}  {e['who']}  {e['action']}  {e['note']}")
    return 0


def _fields(args: argparse.Namespace, db: Database) -> dict[str, Any]:
    values = {f: getattr(args, f) for f in PROBLEM_FIELDS if getattr(args, f, None) is not None}
    if getattr(args, "owner", None):
        values["owner_id"] = people.person_id(db, args.owner)
    return values


def _show_problem(view: read_problems.ProblemView, as_json: bool) -> None:
    if as_json:
        _print_json(view.to_json())
        return
    print(f"{view.number}  {view.title}  [{view.state.label_zh}]  v{view.version}")
    for name, (zh, _en) in read_problems.FIELDS.items():
        if name not in ("title", "owner_id"):
            print(f"  {zh}：{getattr(view, name) or '—'}")
    print(f"  负责人：{view.owner_name or '—'}")
    for f in view.faults:
        print(f"  故障 {f.number} {f.status.label_zh} {f.reporter_name}"
              + ("（重复故障）" if f.repeat else ""))


def _cmd_problem(db: Database, args: argparse.Namespace) -> int:
    command = args.problem_command
    if command == "show":
        _show_problem(read_problems.get_problem(db, args.problem), args.json)
        return 0
    if command == "list":
        rows = read_problems.list_problems(
            db, ProblemState(args.state) if args.state else None)
        if args.json:
            _print_json([{**v.to_json(), "fault_count": n} for v, n in rows])
        else:
            for v, n in rows:
                print(f"{v.number}  {v.state.label_zh:<4}  {n:>4} 个故障  {v.title}")
        return 0
    actor = acting(db, args)
    if command == "add":
        view = problems.attach_faults(db, args.problem, args.faults, actor)
        _show_problem(view, False)
        return 0
    values = _fields(args, db)
    if command == "new":
        view = problems.open_problem(db, actor, values, args.fault_type, args.fault)
    elif command == "edit":
        view = problems.edit_problem(db, args.problem, actor, values, args.version)
    else:
        state = ProblemState.KNOWN_ERROR if command == "known" else ProblemState.RESOLVED
        view = problems.advance(db, args.problem, actor, state, values, args.version)
    _show_problem(view, args.json)
    return 0


def _due(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({"due_on": (f"无法识别的日期：“{text}”，请按 2026-12-31 的格式填写。",
                                          f"Cannot read the date “{text}”; write it like "
                                          "2026-12-31.")}) from None


def _print_items(items: list[read_actions.ActionView], as_json: bool) -> None:
    if as_json:
        _print_json([i.to_json() for i in items])
        return
    for i in items:
        where = " ".join(x for x in (i.ticket_number, i.problem_number) if x)
        flag = "（已逾期）" if i.overdue else ""
        print(f"#{i.id}  {i.state.label_zh}{flag}  {i.due_on:%Y-%m-%d}  {i.owner_name}  "
              f"{i.title}  [{where}]")


def _cmd_action(db: Database, args: argparse.Namespace) -> int:
    command = args.action_command
    if command == "remind":
        ids = outbox.remind_overdue_actions(db)
        print(f"{len(ids)}")
        return 0
    if command == "list":
        owner = None
        if args.mine:
            owner = acting(db, args)
        _print_items(read_actions.items(db, owner_id=owner, ticket_key=args.fault,
                                        problem_key=args.problem,
                                        open_only=args.open or args.mine), args.json)
        return 0
    actor = acting(db, args)
    if command == "add":
        view = actions.add_item(db, actor, args.title, people.person_id(db, args.owner),
                                _due(args.due), ticket_key=args.fault, problem_key=args.problem)
    else:
        view = actions.complete_item(db, args.item, actor, args.note)
    _print_items([view], args.json)
    return 0
