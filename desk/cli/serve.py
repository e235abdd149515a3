"""``desk serve`` and ``desk intake``: the team's service and what it takes in.

``desk serve [--once] [--listen HOST:PORT] [--interval S]`` runs the service
(``desk.serve.service``) until SIGTERM, or one round with ``--once``; logs go to
standard error, one line per thing done. On PostgreSQL it connects as the service's own
login, which the database owner makes with ``desk db service-login`` and which may do
what the service does and nothing more (or, as before, with the owner's URL).
``desk intake token --as ADMIN`` prints a new
bearer token for the alert webhooks (the old one stops working); ``desk intake mailbox
set --host H --port P --user U --password-stdin [--tls] --as ADMIN`` sets the intake
mailbox (the password into this computer's keyring); ``desk intake mapping set FILE
--as ADMIN`` and ``desk intake mapping show`` set and show how alert labels become
faults; ``desk intake log`` lists what came in.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk.admin import intake as intake_settings
from desk.cli.identity import acting
from desk.cli.output import count
from desk.db import Database
from desk.errors import DeskError, ValidationError
from desk.process import intake
from desk.serve.service import DEFAULT_INTERVAL, Service


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    sv = sub.add_parser("serve", help="the team's service: deliver, check clocks, take in "
                        "mail and alerts / 后台服务",
                        description="Deliver the outbox (e-mail and group robots), check the SLA "
                        "clocks, read the intake mailbox and (with --listen) receive alerts. On "
                        "PostgreSQL connect as the service's own login (desk db service-login).")
    sv.add_argument("--once", action="store_true", help="one round, then exit (cron, tests)")
    sv.add_argument("--listen", metavar="HOST:PORT",
                    help="receive alerts at POST /alerts/alertmanager and /alerts/generic")
    sv.add_argument("--interval", type=float, default=DEFAULT_INTERVAL,
                    help=f"seconds between rounds (default {DEFAULT_INTERVAL:.0f})")
    it = sub.add_parser("intake", help="alert token, intake mailbox, alert mapping / 接收设置")
    actions = it.add_subparsers(dest="intake_action", metavar="ACTION", required=True)
    tok = actions.add_parser("token", help="print a new bearer token; the old one stops working")
    tok.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="who acts: must be who is signed in (optional)")
    mb = actions.add_parser("mailbox", help="the intake mailbox (IMAP)")
    mba = mb.add_subparsers(dest="mailbox_action", metavar="ACTION", required=True)
    mbs = mba.add_parser("set", help="set the IMAP mailbox the service reads")
    mbs.add_argument("--host", required=True, help="the IMAP server, e.g. imap.example.com")
    mbs.add_argument("--port", type=int, default=None, help="default 993 with --tls, else 143")
    mbs.add_argument("--user", required=True, help="the mailbox's login name")
    mbs.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    mbs.add_argument("--tls", action="store_true", help="IMAP over TLS (IMAPS)")
    mbs.add_argument("--folder", default="INBOX", help="the folder read (default INBOX)")
    mbs.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="who acts: must be who is signed in (optional)")
    mp = actions.add_parser("mapping", help="how alert labels become a fault's type and level")
    mpa = mp.add_subparsers(dest="mapping_action", metavar="ACTION", required=True)
    mps = mpa.add_parser("set", help="set the mapping from a JSON file")
    mps.add_argument("file", help="a JSON file with the alert mapping (see the README)")
    mps.add_argument("--as", dest="actor", metavar="ADMIN_NO",
                    help="who acts: must be who is signed in (optional)")
    mpa.add_parser("show", help="print the mapping in force")
    lg = actions.add_parser("log", help="what the service took in, newest first")
    lg.add_argument("--limit", type=count(1, 10_000), default=50,
                    help="at most this many entries (default 50)")
    lg.add_argument("--json", action="store_true")
    return {"serve": _cmd_serve, "intake": _cmd_intake}


def _listen(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValidationError({"listen": (f"监听地址应为 主机:端口，例如 127.0.0.1:9095，而不是 {value}",
                                          f"Listen on HOST:PORT, e.g. 127.0.0.1:9095, not {value}")})
    return host.strip("[]") or "0.0.0.0", int(port)


class LogLines(logging.StreamHandler):  # type: ignore[type-arg]
    """One line per thing the service does, on the standard error of the moment (so a
    service started again in the same process never writes to a stream since closed)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _cmd_serve(db: Database, args: argparse.Namespace) -> int:
    root = logging.getLogger("desk")
    for old in [h for h in root.handlers if isinstance(h, LogLines)]:
        root.removeHandler(old)  # one service per process: never two copies of each line
    handler = LogLines()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    service = Service(db, interval=max(0.2, args.interval),
                      listen=_listen(args.listen) if args.listen else None)
    try:
        try:
            service.start_listener()
        except OSError as exc:  # the port is taken, or not ours to open
            raise DeskError(f"无法在 {args.listen} 上监听：{exc}",
                            f"Cannot listen on {args.listen}: {exc}") from exc
        if args.once:
            report = service.run_once()
            if report is None:
                logging.getLogger("desk.serve").info("another service leads: nothing done")
                return 0
            return 1 if report.errors else 0
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: service.request_stop())
        service.run()
        return 0
    finally:
        if args.once:
            service.shutdown()
        root.removeHandler(handler)


def _cmd_intake(db: Database, args: argparse.Namespace) -> int:
    action = args.intake_action
    if action == "token":
        print(intake_settings.new_token(db, acting(db, args)))
        return 0
    if action == "mailbox":
        password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
        port = args.port or (993 if args.tls else 143)
        s = intake_settings.MailboxSettings(args.host.strip(), port, args.user.strip(),
                                            args.tls, args.folder)
        intake_settings.set_mailbox(db, acting(db, args), s, password)
        print(f"收件邮箱已设置：{s.user}@{s.host}:{s.port} / intake mailbox set")
        return 0
    if action == "mapping":
        if args.mapping_action == "show":
            print(json.dumps(intake_settings.mapping(db).to_json(), ensure_ascii=False, indent=2))
            return 0
        try:
            content = Path(args.file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise DeskError(f"无法读取文件 {args.file}：{exc}", f"Cannot read {args.file}: {exc}") \
                from exc
        m = intake_settings.set_mapping(db, acting(db, args), content)
        print(f"告警映射已设置：{len(m.rules)} 条规则 / alert mapping set: {len(m.rules)} rules")
        return 0
    rows = intake.recent_items(db, args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("尚未接收任何邮件或告警 / nothing taken in yet")
    for r in rows:
        print(f"#{r['id']} {r['at'][:19]} {r['source']:<12} {r['outcome']:<9} "
              f"{r['ticket_number'] or '—':<18} {r['detail']}")
    return 0
