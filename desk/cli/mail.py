"""The ``desk mail`` commands: deliver the outbox, show it, test the server, check clocks.

``desk mail send`` delivers the messages that are due (``--loop`` keeps running, checking
the SLA clocks, the overdue action items and the monthly service report, and sending every
``--interval`` seconds until interrupted); ``desk mail report-to ADDRESS… --as ADMIN`` names
who gets the service report of the month before on the first working day of each month;
``desk mail outbox`` lists what waits (``--all`` also what went out);
``desk mail test TO`` sends a test message with the team's settings and this computer's
keyring password; ``desk mail check-clocks`` queues the SLA warnings and breaches due now, and the
reminders of overdue action items.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from desk.cli.identity import acting
from desk.cli.output import safe
from desk.db import Database
from desk.errors import DeskError, pick
from desk.notify import outbox as notify
from desk.read import settings
from desk.rules.timeutil import format_local

Handler = Callable[[Database, argparse.Namespace], int]


def register(sub: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    mail = sub.add_parser("mail", help="e-mail notifications: send the outbox, show it, test",
                          description="E-mail notifications through the outbox.")
    msub = mail.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    send = msub.add_parser("send", help="deliver the messages that are due")
    send.add_argument("--loop", action="store_true",
                      help="keep running: check the SLA clocks and send every --interval s")
    send.add_argument("--interval", type=float, default=30.0, help="seconds between rounds")
    send.add_argument("--batch", type=int, default=20, help="messages per round")
    out = msub.add_parser("outbox", help="what waits in the outbox, attempts, last error")
    out.add_argument("--all", action="store_true", help="also the messages already sent")
    out.add_argument("--json", action="store_true")
    test = msub.add_parser("test", help="send a test message to an address")
    test.add_argument("to", metavar="TO", help="the address the test mail goes to")
    msub.add_parser("check-clocks", help="queue SLA warnings and breaches that are due now, "
                    "overdue action reminders and the monthly service report")
    rt = msub.add_parser("report-to", help="who gets last month's service report on the "
                         "first working day of each month (administrators)")
    rt.add_argument("addresses", nargs="*", metavar="ADDRESS",
                    help="the addresses (none: print who gets it now)")
    rt.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO")
    return {"mail": _cmd_mail}


def _cmd_mail(db: Database, args: argparse.Namespace) -> int:
    command = args.mail_command
    if command == "outbox":
        return _outbox(db, args)
    if command == "check-clocks":
        ids = notify.check_clocks(db)
        print(pick(f"已加入发件箱 {len(ids)} 封超时提醒", f"Queued {len(ids)} SLA messages."))
        reminders = notify.remind_overdue_actions(db)
        print(pick(f"已加入发件箱 {len(reminders)} 封整改措施逾期提醒",
                   f"Queued {len(reminders)} overdue action reminders."))
        reports = notify.queue_service_report(db)
        if reports:
            print(pick("已加入发件箱上月运维服务报告", "Queued last month's service report."))
        return 0
    if command == "report-to":
        if args.addresses:
            notify.set_report_recipients(db, acting(db, args), args.addresses)
        print(pick("、", ", ").join(notify.report_recipients(db)) or pick("（未设置）", "(none)"))
        return 0
    smtp = notify.smtp_settings(db)
    if smtp is None:
        raise DeskError("尚未设置邮件服务器（管理员可在窗口的“通知 → 邮件服务器设置”中设置）。",
                        "No mail server is set yet (an administrator sets it in the window: "
                        "Notifications → Mail server).")
    if command == "test":
        to = notify.send_test_mail(smtp, args.to)
        print(pick(f"测试邮件已发送至 {to}", f"Test mail sent to {to}."))
        return 0
    return _send(db, smtp, args)


def _send(db: Database, smtp: notify.SmtpSettings, args: argparse.Namespace) -> int:
    sender = f"cli:{socket.gethostname()}:{os.getpid()}"
    smtp = notify.with_password(smtp)  # read the keyring once, not every round
    while True:
        if args.loop:
            notify.check_clocks(db)
            notify.remind_overdue_actions(db)
            notify.queue_service_report(db)
        report = notify.send_due(db, smtp, sender, batch=max(1, args.batch))
        if report.claimed or not args.loop:
            print(pick(f"发送 {len(report.sent)}，失败待重试 {len(report.failed)}，放弃 "
                       f"{len(report.given_up)}", f"sent {len(report.sent)}, will retry "
                       f"{len(report.failed)}, gave up {len(report.given_up)}"))
            for error in dict.fromkeys(report.errors):
                print(error, file=sys.stderr)
        if not args.loop:
            return 1 if report.failed or report.given_up else 0
        if report.claimed >= args.batch:
            continue  # more may be due: no pause
        try:
            time.sleep(max(1.0, args.interval))
        except KeyboardInterrupt:
            return 0


def _outbox(db: Database, args: argparse.Namespace) -> int:
    entries = notify.outbox_status(db, include_sent=args.all)
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    with db.read() as session:
        tz: ZoneInfo = settings.timezone(session)
    if not entries:
        print(pick("发件箱为空", "The outbox is empty."))
    for e in entries:
        status = pick(notify.STATUS_LABELS_ZH.get(e.status, e.status), e.status)
        when = format_local(e.sent_at if e.sent_at else e.next_attempt_at, tz)
        print(f"#{e.id} {status} {pick(f'尝试{e.attempts}次', f'{e.attempts} attempts')} {when} "
              f"{safe(e.subject)}")
        print(f"    {pick('收件人', 'To')}: {'; '.join(safe(r) for r in e.recipients)}")
        if e.last_error:
            print(f"    {pick('错误', 'Error')}: {safe(e.last_error)}")
    return 0
