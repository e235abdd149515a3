"""The ``desk pdf`` command: one document of one fault, or a batch into a folder.

``desk pdf KIND NUMBER -o FILE.pdf`` writes one document (``--blank`` gives the
verification form for signing on paper). ``desk pdf --all KIND --status STATE -o
FOLDER`` writes the document of every fault in the given states as
``FOLDER/KIND-NUMBER.pdf`` (the names the window uses too); a fault that fails is reported on stderr and the others
are still written, and the exit code is then 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk.db import Database
from desk.errors import DeskError, pick
from desk.read import documents, review
from models import Status


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    kinds = ", ".join(f"{k}={documents.KIND_LABELS_ZH[k]}" for k in documents.KINDS)
    pdf = sub.add_parser(
        "pdf", help="write a document as PDF (one fault, or --all for a batch)",
        description=f"Write a document as PDF. Kinds: {kinds}.",
        epilog="Examples: desk pdf record SYS-20261127-001 -o record.pdf; "
        "desk pdf --all completion-notice --status resolved -o out/",
    )
    pdf.add_argument("kind", nargs="?", choices=[*documents.KINDS, review.KIND],
                     help=f"document kind ({review.KIND}={review.LABEL_ZH}: the post-incident "
                     "review)")
    pdf.add_argument("number", nargs="?", help="fault number, e.g. SYS-20261127-001")
    pdf.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FOLDER",
                     help="the PDF file; with --all, the folder for the files")
    pdf.add_argument("--blank", action="store_true",
                     help="verification-form: the fault's form with the verification left "
                     "blank, for signing on paper (its number, business and solution are "
                     "printed, so a fault number is still needed)")
    pdf.add_argument("--all", dest="all_kind", metavar="KIND", choices=list(documents.KINDS),
                     help="write KIND for every fault in --status (a batch)")
    pdf.add_argument("--went-well", action="append", default=[], metavar="TEXT",
                     help="review: a line for 做得好的 (repeatable)")
    pdf.add_argument("--went-badly", action="append", default=[], metavar="TEXT",
                     help="review: a line for 有待改进的 (repeatable)")
    pdf.add_argument("--status", action="append", choices=[s.value for s in Status],
                     help="with --all: the states to export (repeatable; default: all)")
    return {"pdf": _cmd_pdf}


def _cmd_pdf(db: Database, args: argparse.Namespace) -> int:
    if args.blank and "verification-form" not in (args.kind, args.all_kind):
        raise _usage("--blank 只适用于故障验证结果表（verification-form）。",
                     "--blank only applies to the verification form (verification-form).")
    if args.all_kind:
        if args.kind or args.number:
            raise _usage("--all 不能与单个故障编号同时使用。",
                         "--all cannot be combined with a single fault number.")
        return _batch(db, args.all_kind, [Status(s) for s in args.status or ()],
                      Path(args.output), args.blank)
    if args.blank and args.kind and not args.number:
        raise _usage("请给出故障编号：空白验证表上印有该故障的编号、受影响业务与解决方案。",
                     "Give a fault number: the blank verification form carries the fault's "
                     "number, affected business and solution.")
    if not args.kind or not args.number:
        raise _usage("请给出文档类型和故障编号，或使用 --all。",
                     "Give a document kind and a fault number, or use --all.")
    if args.status:
        raise _usage("--status 只能与 --all 一起使用。", "--status only goes with --all.")
    out = Path(args.output)
    if args.kind == review.KIND:
        data = review.render(db, args.number, went_well=args.went_well,
                             went_badly=args.went_badly)
    else:
        data = documents.render(db, args.kind, args.number, blank=args.blank)
    _write(out, data)
    print(str(out))
    return 0


def _usage(zh: str, en: str) -> DeskError:
    from desk.cli.base import UsageError

    return UsageError(zh, en)


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise DeskError(f"无法写入 {out}：{exc.strerror}", f"Cannot write {out}: {exc.strerror}") \
            from exc


def _batch(db: Database, kind: str, statuses: list[Status], folder: Path, blank: bool) -> int:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskError(f"无法创建文件夹 {folder}：{exc.strerror}",
                        f"Cannot create the folder {folder}: {exc.strerror}") from exc
    numbers = documents.numbers_in(db, statuses)
    failed = 0
    for number in numbers:
        out = folder / f"{kind}-{number}.pdf"
        try:
            _write(out, documents.render(db, kind, number, blank=blank))
        except DeskError as exc:
            failed += 1
            print(f"desk: {number}: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # one damaged fault must not stop the whole batch
            from desk.cli.base import log_bug

            failed += 1
            path = log_bug()
            print(f"desk: {number}: 无法生成文档（{type(exc).__name__}），详情已写入 {path} / "
                  f"cannot build the document ({type(exc).__name__}), details in {path}",
                  file=sys.stderr)
            continue
        print(str(out))
    print(pick(f"已生成 {len(numbers) - failed} 份，失败 {failed} 份。",
               f"{len(numbers) - failed} written, {failed} failed."), file=sys.stderr)
    return 1 if failed else 0
