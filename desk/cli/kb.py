"""The ``desk kb`` command: search the knowledge base, show an entry, suggest similar faults.

``desk kb search "提交订单 500" [--type T] [--business B] [--json]`` lists the entries
holding every term, best first, with the match in 【】. ``desk kb show ID`` prints one
entry with its fault, attachments and edit history. ``desk kb similar --phenomenon …
--business …`` lists past faults like a new one, with their solutions. ``desk kb edit
ID --as EMPLOYEE_NO --version N --FIELD TEXT`` rewords an entry (leads only).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from desk.cli.identity import acting
from desk.cli.output import ROW_ID, count, label, safe
from desk.db import Database
from desk.errors import pick
from desk.process import knowledge
from desk.rules.timeutil import format_local
from models import FaultType

Handler = Callable[[Database, argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    kb = sub.add_parser("kb", help="knowledge base (知识库): search, show, similar faults",
                        description="The knowledge base: one entry per archived fault.")
    kbsub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    types = [t.value for t in FaultType]

    s = kbsub.add_parser("search", help="entries holding every word of the query, best first",
                         epilog='Example: desk kb search "提交订单 500" --type SYS')
    s.add_argument("query", help="words to look for (Chinese needs no spaces)")
    s.add_argument("--type", dest="fault_type", choices=types, help="only this fault type")
    s.add_argument("--business", help="only entries whose affected business contains this")
    s.add_argument("--limit", type=count(1, 1000), default=20, help="at most this many entries (default 20)")
    s.add_argument("--json", action="store_true")

    sh = kbsub.add_parser("show", help="one entry with its fault, attachments and history")
    sh.add_argument("entry_id", type=ROW_ID, metavar="ID", help="the entry's id (see desk kb search)")
    sh.add_argument("--json", action="store_true")

    si = kbsub.add_parser("similar", help="past faults like a new one, with their solutions")
    si.add_argument("--phenomenon", default="", help="故障现象 of the new fault")
    si.add_argument("--business", default="", help="影响业务 of the new fault")
    si.add_argument("--type", dest="fault_type", choices=types, help="only this fault type")
    si.add_argument("--limit", type=count(1, 100), default=5, help="at most this many faults (default 5)")
    si.add_argument("--json", action="store_true")

    ed = kbsub.add_parser("edit", help="reword an entry (support lead, director, admin)")
    ed.add_argument("entry_id", type=ROW_ID, metavar="ID", help="the entry's id (see desk kb search)")
    ed.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    ed.add_argument("--version", type=int, required=True,
                    help="the version shown by desk kb show (refused if changed since)")
    for name in knowledge.EDITABLE:
        zh, en = knowledge.FIELD_LABELS[name]
        ed.add_argument("--" + name.replace("_", "-"), dest=name, help=f"{zh} / {en}",
                        **({"choices": types} if name == "fault_type" else {}))
    ed.add_argument("--json", action="store_true")
    return {"kb": _cmd_kb}


def _cmd_kb(db: Database, args: argparse.Namespace) -> int:
    if args.kb_command == "search":
        return _search(db, args)
    if args.kb_command == "show":
        return _show(db, args)
    if args.kb_command == "similar":
        return _similar(db, args)
    return _edit(db, args)


def _dump(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _search(db: Database, args: argparse.Namespace) -> int:
    hits = knowledge.search(db, args.query, args.fault_type, args.business, args.limit)
    if args.json:
        _dump([{"entry_id": h.entry_id, "ticket_number": h.ticket_number, "title": h.title,
                "snippet": h.snippet, "snippet_text": h.snippet_plain, "score": h.score,
                "solution": h.solution, "fault_type": h.fault_type.value,
                "affected_business": h.affected_business} for h in hits])
        return 0
    if not hits:
        print(pick("没有找到匹配的知识库条目。", "No matching entries."))
        return 0
    for h in hits:
        print(f"[{h.entry_id}] {h.ticket_number}  {safe(h.title)}")
        print(f"    {safe(h.snippet_plain)}")
        if h.solution:
            print(f"    {pick('方案', 'Solution')}: {safe(h.solution)}")
    return 0


def _show(db: Database, args: argparse.Namespace) -> int:
    entry = knowledge.get_entry(db, args.entry_id)
    if args.json:
        _dump(entry.to_json())
        return 0
    _print_entry(db, entry)
    return 0


def _print_entry(db: Database, entry: knowledge.EntryView) -> None:
    from desk.process.attachments import local_zone

    tz = local_zone(db)
    print(pick(f"知识库条目 {entry.id}（版本 {entry.version}） 故障 {entry.ticket_number}",
               f"Knowledge entry {entry.id} (version {entry.version}), fault "
               f"{entry.ticket_number}"))
    print(f"{pick('标题', 'Title')}: {safe(entry.title)}")
    print(f"{pick('故障类型', 'Fault type')}: {label(entry.fault_type)} ({entry.fault_type.value})")
    for name in ("affected_business", "symptom", "root_cause", "temporary_solution",
                 "long_term_solution", "prevention"):
        zh, en = knowledge.FIELD_LABELS[name]
        print(f"{pick(zh, en)}: {safe(getattr(entry, name), one_line=False) or '—'}")
    files = pick("、", ", ").join(safe(a) for a in entry.attachments)
    print(f"{pick('附件', 'Attachments')}: {files or pick('无', 'none')}")
    print(f"{pick('建立', 'Created')}: {format_local(entry.created_at, tz)} {safe(entry.created_by)}")
    print(f"{pick('修改', 'Changed')}: {format_local(entry.updated_at, tz)} {safe(entry.updated_by)}")
    for rev in entry.revisions:
        fields = pick("、", ", ").join(pick(*knowledge.FIELD_LABELS.get(k, (k, k)))
                                       for k in rev.after)
        print(f"  {pick('修订', 'revision')} {format_local(rev.at, tz)} {safe(rev.by)}: {fields}")


def _similar(db: Database, args: argparse.Namespace) -> int:
    if not args.phenomenon.strip() and not args.business.strip():
        from desk.cli.base import UsageError

        raise UsageError("请给出 --phenomenon 或 --business。",
                         "Give --phenomenon or --business.")
    found = knowledge.similar_faults(db, args.phenomenon, args.business, args.fault_type,
                                     args.limit)
    if args.json:
        _dump([{"ticket_number": f.ticket_number, "entry_id": f.entry_id, "title": f.title,
                "phenomenon": f.phenomenon, "affected_business": f.affected_business,
                "fault_type": f.fault_type.value, "solution": f.solution, "score": f.score,
                "archived": f.archived} for f in found])
        return 0
    if not found:
        print(pick("没有相似的历史故障。", "No similar past faults."))
        return 0
    for f in found:
        where = (pick(f"知识库 {f.entry_id}", f"knowledge entry {f.entry_id}")
                 if f.entry_id is not None
                 else pick("已知问题", "known error") if f.problem_id is not None
                 else pick("已解决，未归档", "resolved, not archived"))
        print(f"{f.score:.2f}  {f.ticket_number}  {safe(f.title)}  ({where})")
        if f.solution:
            print(f"      {pick('方案', 'Solution')}: {safe(f.solution)}")
    return 0


def _edit(db: Database, args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in knowledge.EDITABLE
               if getattr(args, name) is not None}
    if not changes:
        from desk.cli.base import UsageError

        raise UsageError("没有要修改的字段。", "Nothing to change: give at least one field.")
    actor = acting(db, args)
    entry = knowledge.edit_entry(db, args.entry_id, actor, changes, args.version)
    if args.json:
        _dump(entry.to_json())
    else:
        print(pick(f"知识库条目 {entry.id} 已修改，版本 {entry.version}。",
                   f"Knowledge entry {entry.id} changed, version {entry.version}."))
    return 0

