"""The CLI's attachment commands: ``attach``, ``attachments`` and ``attachment save|remove``.

``desk.cli`` finds this module by name and calls ``register(sub)``. Each refused file
of ``desk attach`` gets its own message on stderr while the others are still stored;
the exit code is 1 when any file was refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from desk.cli.identity import acting
from desk.cli.output import ROW_ID, label, safe
from desk.db import Database
from desk.errors import DeskError, pick
from desk.process import attachments
from models import EvidenceKind

Handler = Callable[[Database, argparse.Namespace], int]

KIND_HELP = ", ".join(f"{k.value}={k.label_zh}" for k in EvidenceKind)


def register(sub: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    """Add the attachment commands to ``desk``'s sub-parsers; return their handlers."""
    at = sub.add_parser("attach", help="attach evidence files to a fault (附件)",
                        description="Store files on a fault. The type is read from the "
                        "content; the same file is not stored twice on one fault.")
    at.add_argument("number", help="fault number")
    at.add_argument("files", nargs="+", metavar="FILE", help="the files to attach (logs, screenshots…)")
    at.add_argument("--kind", choices=["auto", *(k.value for k in EvidenceKind)],
                    default="auto", help=f"evidence kind (default: from the content): "
                    f"{KIND_HELP}")
    at.add_argument("--note", default="", help="说明 a note kept with each file")
    at.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    at.add_argument("--json", action="store_true")

    ls = sub.add_parser("attachments", help="list a fault's attachments")
    ls.add_argument("number")
    ls.add_argument("--all", action="store_true", help="include removed attachments")
    ls.add_argument("--json", action="store_true")

    one = sub.add_parser("attachment", help="save a copy of an attachment, or remove one")
    onesub = one.add_subparsers(dest="attachment_command", metavar="ACTION", required=True)
    save = onesub.add_parser("save", help="write a copy into a folder (never overwrites)")
    save.add_argument("id", type=ROW_ID, help="the attachment's id (see desk attachments)")
    save.add_argument("-o", "--output", required=True, metavar="FOLDER",
                      help="the folder the copy is written into")
    rm = onesub.add_parser("remove", help="remove an attachment (its bytes are kept)")
    rm.add_argument("id", type=ROW_ID, help="the attachment's id (see desk attachments)")
    rm.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    rm.add_argument("--reason", default="", help="why it is removed (kept in the record)")

    return {"attach": _cmd_attach, "attachments": _cmd_list, "attachment": _cmd_attachment}


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _cmd_attach(db: Database, args: argparse.Namespace) -> int:
    actor = acting(db, args)
    tz = attachments.local_zone(db)
    refused = 0
    stored: list[attachments.AttachmentView] = []
    for path in args.files:
        try:
            view = attachments.add_attachment(db, args.number, actor, path, kind=args.kind,
                                              note=args.note)
        except DeskError as exc:
            refused += 1
            print(f"desk: {path}: {exc}", file=sys.stderr)
            continue
        stored.append(view)
        if not args.json:
            print(f"{view.id}\t{safe(view.name)}\t{attachments.format_size(view.size)}\t"
                  f"{view.mime_type}\t{view.sha256}")
    if args.json:
        _print_json([v.to_json(tz) for v in stored])
    return 1 if refused else 0


def _cmd_list(db: Database, args: argparse.Namespace) -> int:
    tz = attachments.local_zone(db)
    rows = attachments.list_attachments(db, args.number, include_removed=args.all)
    if args.json:
        _print_json([v.to_json(tz) for v in rows])
        return 0
    for v in rows:
        removed = pick("  [已移除]", "  [removed]") if v.removed else ""
        print(f"{v.id:>6}  {safe(v.name)}  {label(v.kind)}  {attachments.format_size(v.size)}  "
              f"{v.mime_type}  {v.sha256}{removed}")
    return 0


def _cmd_attachment(db: Database, args: argparse.Namespace) -> int:
    if args.attachment_command == "save":
        path = attachments.save_copy(db, args.id, args.output)
        print(str(path))
        return 0
    actor = acting(db, args)
    view = attachments.remove_attachment(db, args.id, actor, args.reason)
    print(f"{view.id}\t{safe(view.name)}\t{pick('已移除', 'removed')}")
    return 0
