"""E-mail intake against a real Dovecot IMAP server started by the tests.

Dovecot (Debian's ``dovecot-imapd``, installed by ``desk.sh``) runs with a temporary
configuration on a free port of 127.0.0.1, one mailbox user per test; mails are
delivered by writing them into the user's maildir (``new/``), as a local delivery
agent does. The mails carry the encodings Chinese mailers send: GBK and GB18030
headers and bodies, Base64 and quoted-printable, an HTML-only mail.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from desk.admin.demo import ensure_people
from desk.admin.intake import MailboxSettings
from desk.process import intake, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read.tickets import get_ticket
from desk.serve import mailbox
from desk.serve.service import Service
from models import (
    Attachment,
    Event,
    FaultLevel,
    FaultType,
    IntakeItem,
    OutboxMessage,
    Person,
    Status,
    Ticket,
    TicketPause,
)
from tests.conftest import cli_main_as

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
SPARE_USERS = 10  # one mailbox each for the tests below, and a few more
TZ = ZoneInfo("Asia/Shanghai")
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def bj(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dovecot:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.passwd = root / "passwd"
        self.home = root / "home"
        self.uid, self.gid = (65534, 65534) if os.getuid() == 0 else (os.getuid(), os.getgid())
        for d in ("run", "state", "home"):
            (root / d).mkdir(parents=True, exist_ok=True)
        # the mailbox users of the tests exist before the server starts: a user added
        # later is seen only after Dovecot re-reads the file, seconds after a refused login
        self.spare = [(f"intake{uuid.uuid4().hex[:8]}", uuid.uuid4().hex)
                      for _ in range(SPARE_USERS)]
        self.passwd.write_text("".join(f"{user}:{{PLAIN}}{password}\n"
                                       for user, password in self.spare), encoding="utf-8")
        self.users = 0
        users = "" if os.getuid() == 0 else (
            f"default_internal_user = {os.environ.get('USER', 'nobody')}\n"
            f"default_login_user = {os.environ.get('USER', 'nobody')}\n")
        self.conf = root / "dovecot.conf"
        self.conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{self.home}/%u/Maildir
{users}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={self.home}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""", encoding="utf-8")

    def start(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.conf)], check=True, timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not start: " + (self.root / "dovecot.log").read_text())

    def stop(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.conf), "stop"], timeout=30, check=False)

    def new_user(self) -> MailboxSettings:
        if self.spare:
            user, password = self.spare.pop()
        else:
            user = f"intake{uuid.uuid4().hex[:8]}"
            password = uuid.uuid4().hex
            with self.passwd.open("a", encoding="utf-8") as fh:
                fh.write(f"{user}:{{PLAIN}}{password}\n")
            # Dovecot re-reads the file when its mtime (whole seconds) moves: make it move
            self.users += 1
            stamp = time.time() + self.users
            os.utime(self.passwd, (stamp, stamp))
        maildir = self.home / user / "Maildir"
        for d in ("new", "cur", "tmp"):
            (maildir / d).mkdir(parents=True, exist_ok=True)
        for path in [self.home / user, maildir, *[maildir / d for d in ("new", "cur", "tmp")]]:
            os.chown(path, self.uid, self.gid)
        deadline = time.monotonic() + 10
        while True:  # until Dovecot knows the new user
            try:
                imap = imaplib.IMAP4("127.0.0.1", self.port)
                try:
                    imap.login(user, password)
                    break
                finally:
                    with contextlib.suppress(imaplib.IMAP4.error, OSError):
                        imap.logout()
            except imaplib.IMAP4.error:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return MailboxSettings("127.0.0.1", self.port, user, False, "INBOX", 10.0, password)

    def deliver(self, s: MailboxSettings, raw: bytes) -> None:
        """Deliver as a local delivery agent does: write to tmp/, rename into new/."""
        maildir = self.home / s.user / "Maildir"
        name = f"{time.time_ns()}.{uuid.uuid4().hex[:8]}.desktest"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.uid, self.gid)
        tmp.rename(maildir / "new" / name)

    def flags(self, s: MailboxSettings) -> list[bytes]:
        imap = imaplib.IMAP4("127.0.0.1", self.port)
        try:
            imap.login(s.user, s.password or "")
            imap.select("INBOX")
            typ, data = imap.fetch("1:*", "(FLAGS)")
            return [d for d in data if isinstance(d, bytes)]
        finally:
            imap.logout()


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.skip("Dovecot is not installed (desk.sh installs dovecot-imapd)")
    # not under pytest's folder: Dovecot's own users must reach the files (mode 0700 there)
    root = Path(tempfile.mkdtemp(prefix="desk-dovecot-"))
    os.chmod(root, 0o755)
    server = Dovecot(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def sdb(sqlite_url: str, make_db: Any) -> Any:
    db = make_db(sqlite_url)
    ids = ensure_people(db)

    def work(session: Any) -> None:  # 孙丽 reports by e-mail from her own address
        session.execute(update(Person).where(Person.id == ids["SALES005"])
                        .values(email="sunli@example.com"))
    db.write(work)
    return db


def gbk_mail() -> bytes:
    body = "财务系统登录后报表页面空白，导出按钮无反应。\r\n影响全部财务人员。\r\n"
    b64 = base64.encodebytes(body.encode("gbk")).decode()
    return (
        "From: =?GBK?B?" + base64.b64encode("孙丽".encode("gbk")).decode()
        + "?= <SunLi@Example.com>\r\n"
        "To: helpdesk@example.com\r\n"
        "Subject: =?GBK?B?" + base64.b64encode("财务报表系统".encode("gbk")).decode() + "?=\r\n"
        "Message-ID: <gbk-1@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        "--XX\r\n"
        'Content-Type: text/plain; charset="gb2312"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n"
        "--XX\r\n"
        'Content-Type: image/png; name="=?GBK?B?' + base64.b64encode("截图.png".encode("gbk")).decode()
        + '?="\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="=?GBK?B?'
        + base64.b64encode("截图.png".encode("gbk")).decode() + '?="\r\n\r\n'
        + base64.encodebytes(PNG).decode() + "\r\n--XX--\r\n").encode("ascii")


def gb18030_qp_mail() -> bytes:
    import quopri

    text = "打印机卡纸𠮷，三楼共享打印机无法打印。"  # 𠮷 is outside GBK: GB18030 only
    qp = quopri.encodestring(text.encode("gb18030")).decode()
    subject = quopri.encodestring("三楼打印机".encode("gb18030"), header=True).decode()
    return ("From: Wang Wu <wangwu@partner.example.org>\r\n"
            f"Subject: =?gb18030?Q?{subject}?=\r\n"
            "Message-ID: <qp-2@partner.example.org>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=gb18030\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n").encode("ascii")


def html_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "李雷 <lilei@example.com>"
    msg["Subject"] = "邮箱无法收信"
    msg["Message-ID"] = "<html-3@example.com>"
    msg.set_content("<html><head><style>p{color:red}</style></head><body>"
                    "<p>自今早&nbsp;9:00&nbsp;起，Outlook 一直提示&ldquo;无法连接服务器&rdquo;。</p>"
                    "<p>已重启电脑<br>仍然不行。</p><script>alert(1)</script></body></html>",
                    subtype="html", charset="utf-8")
    return msg.as_bytes()


def run_cli(url: str, *args: str, stdin: str = "") -> tuple[int, str]:
    import contextlib
    import sys

    err = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stderr(err):
            code = cli_main_as(["--db", url, *args])
    finally:
        sys.stdin = old
    return code, err.getvalue()


def test_new_mails_become_faults_decoded_to_clean_text(
        dovecot: Dovecot, sdb: Any, sqlite_url: str, memory_keyring: dict[Any, str]) -> None:
    s = dovecot.new_user()
    code, err = run_cli(sqlite_url, "intake", "mailbox", "set", "--host", s.host, "--port",
                        str(s.port), "--user", s.user, "--password-stdin", "--as", "ADMIN",
                        stdin=f"{s.password}\n")
    assert code == 0, err
    assert s.password not in str(sdb.engine.url) and memory_keyring  # in the keyring only
    for raw in (gbk_mail(), gb18030_qp_mail(), html_mail()):
        dovecot.deliver(s, raw)
    code, err = run_cli(sqlite_url, "serve", "--once")
    assert code == 0, err
    assert err.count("mail intake:") == 3 and "filed" in err
    with sdb.read() as session:
        rows = {t.affected_business: t for t in session.scalars(select(Ticket))}
        assert set(rows) == {"财务报表系统", "三楼打印机", "邮箱无法收信"}
        assert all(t.status == Status.REPORTED for t in rows.values())
        gbk = rows["财务报表系统"]
        assert gbk.phenomenon == "财务系统登录后报表页面空白，导出按钮无反应。\n影响全部财务人员。"
        assert gbk.reporter_employee_no == "SALES005" and gbk.reporter_name == "孙丽"
        [shot] = session.scalars(select(Attachment).where(Attachment.ticket_id == gbk.id)).all()
        assert shot.name == "截图.png" and shot.mime_type == "image/png" and shot.size == len(PNG)
        qp = rows["三楼打印机"]
        assert qp.phenomenon == "打印机卡纸𠮷，三楼共享打印机无法打印。"
        assert qp.reporter_name == "Wang Wu" and qp.reporter_contact == "wangwu@partner.example.org"
        html = rows["邮箱无法收信"]
        assert html.phenomenon == ("自今早 9:00 起，Outlook 一直提示“无法连接服务器”。\n\n已重启电脑\n仍然不行。")
        acks = session.scalars(select(OutboxMessage).where(
            OutboxMessage.trigger == "intake_ack")).all()
        assert sorted(a.recipients[0]["email"] for a in acks) == [
            "SunLi@Example.com", "lilei@example.com", "wangwu@partner.example.org"]
        assert all(any(t.number in a.subject for t in rows.values()) for a in acks)
        assert session.scalar(select(func.count(IntakeItem.id)).where(
            IntakeItem.outcome == "filed")) == 3
    flags = dovecot.flags(s)
    assert len(flags) == 3 and all(b"$DeskDone" in f and b"\\Seen" in f for f in flags)
    # read again: nothing new, nothing filed twice
    code, err = run_cli(sqlite_url, "serve", "--once")
    assert code == 0 and "mail intake:" not in err
    with sdb.read() as session:
        assert session.scalar(select(func.count(Ticket.id))) == 3


def test_a_reply_with_the_number_adds_a_note_and_its_attachments(
        dovecot: Dovecot, sdb: Any) -> None:
    s = dovecot.new_user()
    dovecot.deliver(s, html_mail())
    [(_, outcome, number)] = mailbox.read_mailbox(sdb, s)
    assert outcome == "filed"
    reply = EmailMessage()
    reply["From"] = "李雷 <lilei@example.com>"
    reply["Subject"] = f"回复：[{number}] 已收到您的故障报告：邮箱无法收信"
    reply["Message-ID"] = "<reply-4@example.com>"
    reply.set_content("补充：换了网络也一样，附上错误截图。", charset="utf-8")
    reply.add_attachment(PNG, maintype="image", subtype="png", filename="error.png")
    dovecot.deliver(s, reply.as_bytes())
    [(_, outcome2, number2)] = mailbox.read_mailbox(sdb, s)
    assert (outcome2, number2) == ("noted", number)
    with sdb.read() as session:
        assert session.scalar(select(func.count(Ticket.id))) == 1
        ticket = session.scalar(select(Ticket).where(Ticket.number == number))
        [note] = session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                     Event.action == "intake_note")).all()
        assert "换了网络也一样" in note.details["text"]
        names = session.scalars(select(Attachment.name).where(
            Attachment.ticket_id == ticket.id)).all()
        assert names == ["error.png"]


def test_a_crash_between_commit_and_mark_files_the_mail_once(dovecot: Dovecot, sdb: Any) -> None:
    s = dovecot.new_user()
    raw = gb18030_qp_mail()
    dovecot.deliver(s, raw)
    # the service filed it, then died before telling the server
    first = intake.file_mail(sdb, mailbox.parse_mail(raw, s.host))
    assert first.outcome == "filed"
    [(_, outcome, number)] = mailbox.read_mailbox(sdb, s)
    assert (outcome, number) == ("duplicate", first.number)
    with sdb.read() as session:
        assert session.scalar(select(func.count(Ticket.id))) == 1
    assert all(b"$DeskDone" in f for f in dovecot.flags(s))


def test_a_mail_that_is_too_large_or_broken_does_not_block_the_rest(
        dovecot: Dovecot, sdb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # the limit is lowered for the test (25 MB in use) so the large mail stays small
    monkeypatch.setattr(mailbox, "MAX_MAIL", 200_000)
    s = dovecot.new_user()
    big = EmailMessage()
    big["From"] = "a@example.com"
    big["Subject"] = "大附件"
    big["Message-ID"] = "<big-5@example.com>"
    big.set_content("见附件")
    big.add_attachment(os.urandom(300_000), maintype="application", subtype="octet-stream",
                       filename="dump.bin")
    dovecot.deliver(s, big.as_bytes())
    dovecot.deliver(s, b"\x00\xff\xfe garbage without headers \x80\x81\r\n\r\n\xff")
    dovecot.deliver(s, gbk_mail())
    results = mailbox.read_mailbox(sdb, s)
    assert [r[1] for r in results][0] == "refused"
    assert results[-1][1] == "filed"
    with sdb.read() as session:
        refused = session.scalars(select(IntakeItem.detail).where(
            IntakeItem.outcome == "refused")).all()
        assert any("over 200000" in r for r in refused)
        assert session.scalar(select(Ticket.id).where(
            Ticket.affected_business == "财务报表系统")) is not None
    assert len(dovecot.flags(s)) == 3 and all(b"$DeskDone" in f for f in dovecot.flags(s))
    assert mailbox.read_mailbox(sdb, s) == []


def test_idle_wakes_the_service_when_mail_arrives(
        dovecot: Dovecot, sdb: Any, memory_keyring: dict[Any, str]) -> None:
    s = dovecot.new_user()
    from desk.admin import intake as intake_settings

    ids = ensure_people(sdb)
    intake_settings.set_mailbox(sdb, ids["ADMIN"], s, s.password)
    service = Service(sdb, interval=60.0)  # a round a minute: only IDLE can be this quick
    lines: list[str] = []

    class Catch(__import__("logging").Handler):
        def emit(self, record: Any) -> None:
            lines.append(record.getMessage())

    import logging

    handler = Catch()
    logging.getLogger("desk").addHandler(handler)
    logging.getLogger("desk").setLevel(logging.INFO)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not any("IDLE" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any("waiting for new mail (IDLE)" in line for line in lines), lines
        dovecot.deliver(s, gbk_mail())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with sdb.read() as session:
                if session.scalar(select(func.count(Ticket.id))):
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("\n".join(lines))
    finally:
        service.request_stop()
        thread.join(timeout=30)
        logging.getLogger("desk").removeHandler(handler)
    assert not thread.is_alive()
    assert any("new mail" in line for line in lines)


def test_a_mailbox_that_cannot_be_reached_is_one_log_line(
        sdb: Any, sqlite_url: str, memory_keyring: dict[Any, str]) -> None:
    from desk.admin import intake as intake_settings

    ids = ensure_people(sdb)
    gone = MailboxSettings("127.0.0.1", free_port(), "nobody", False, "INBOX", 5.0, "x")
    intake_settings.set_mailbox(sdb, ids["ADMIN"], gone, "x")
    code, err = run_cli(sqlite_url, "--lang", "en", "serve", "--once")
    assert code == 1  # the round reports the failure; the rest of the round still ran
    [line] = [ln for ln in err.splitlines() if "mailbox" in ln and "WARNING" in ln]
    assert "Cannot read the intake mailbox" in line and "Traceback" not in err
    assert "service" in err.splitlines()[-1] and "stopped" in err.splitlines()[-1]


def test_an_attachment_over_the_teams_limit_is_left_out_not_the_mail(
        dovecot: Dovecot, sdb: Any) -> None:
    from desk.admin import team

    ids = ensure_people(sdb)
    team.set_setting(sdb, ids["ADMIN"], "attachments.max_bytes", 50_000)
    s = dovecot.new_user()
    msg = EmailMessage()
    msg["From"] = "孙丽 <sunli@example.com>"
    msg["Subject"] = "考勤机离线"
    msg["Message-ID"] = "<att-6@example.com>"
    msg.set_content("一楼考勤机从早上开始离线。", charset="utf-8")
    msg.add_attachment(os.urandom(80_000), maintype="application", subtype="octet-stream",
                       filename="dump.bin")
    msg.add_attachment(PNG, maintype="image", subtype="png", filename="photo.png")
    dovecot.deliver(s, msg.as_bytes())
    [(_, outcome, number)] = mailbox.read_mailbox(sdb, s)
    assert outcome == "filed"
    with sdb.read() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.number == number))
        names = session.scalars(select(Attachment.name).where(
            Attachment.ticket_id == ticket.id)).all()
        assert names == ["photo.png"]
        [note] = session.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                                     Event.action == "intake_note")).all()
        assert "dump.bin" in note.details["text"] and "未保存" in note.details["text"]
        detail = session.scalar(select(IntakeItem.detail).where(IntakeItem.ticket_id == ticket.id))
        assert "left out: dump.bin" in detail


# -- the reporter's answer resumes a pause awaiting them (both backends, no mailbox) ----------


def _reply(number: str, sender: str, n: int) -> intake.MailIn:
    return intake.MailIn(message_id=f"<answer-{n}@example.com>",
                         subject=f"Re: [{number}] 已收到您的故障报告", sender_name="",
                         sender_address=sender, text="补充：重启后仍然掉线。")


def _paused_fault(db: Any, ids: dict[str, int], reason: str = "等待报告人") -> str:
    number = report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, level=FaultLevel.GENERAL, affected_business="办公网络",
        phenomenon="无线网络频繁掉线。"), ids["SALES005"]).number
    workflow.perform(db, "triage", number, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "NET", "level": 3})
    workflow.perform(db, "pause", number, ids["IT001"], {"reason": reason})
    return number


def _events(db: Any, number: str) -> list[Event]:
    with db.read() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.number == number))
        rows = session.scalars(select(Event).where(Event.ticket_id == ticket.id)
                               .order_by(Event.id)).all()
        for e in rows:
            session.expunge(e)
        return list(rows)


@pytest.fixture
def reporter_mail(db: Any, demo_people: dict[str, int]) -> dict[str, int]:
    def work(session: Any) -> None:  # 孙丽, the reporter, has an e-mail address
        session.execute(update(Person).where(Person.id == demo_people["SALES005"])
                        .values(email="sunli@example.com"))
    db.write(work)
    return demo_people


def test_the_reporters_answer_resumes_the_clocks_as_a_resume_does(
        db: Any, reporter_mail: dict[str, int], clock: Any) -> None:
    ids = reporter_mail
    # Friday 2026-11-27 10:00, level 3 (duty hours): restore due Thursday 12-03 10:00
    by_mail = _paused_fault(db, ids, "等待报告人确认现象")
    by_hand = _paused_fault(db, ids)
    assert get_ticket(db, by_mail).restore_due_at == bj(2026, 12, 3, 10)
    clock.advance(hours=1)  # 11:00: one duty hour paused
    out = intake.file_mail(db, _reply(by_mail, "SunLi@Example.com", 1))
    assert (out.outcome, out.number, out.resumed) == ("noted", by_mail, True)
    workflow.perform(db, "resume", by_hand, ids["IT001"], {})
    mailed, manual = get_ticket(db, by_mail), get_ticket(db, by_hand)
    assert mailed.paused_at is None and mailed.pause_reason == ""
    # the deadline moved by the paused hour, exactly as the manual resume moved it
    assert mailed.restore_due_at == bj(2026, 12, 3, 11) == manual.restore_due_at
    note, resume = _events(db, by_mail)[-2:]
    assert note.action == "intake_note" and resume.action == "resume"
    with db.read() as session:
        svc = session.scalar(select(Person).where(Person.employee_no == intake.SERVICE_NO))
        assert resume.actor_id == svc.id
        [pause] = session.scalars(select(TicketPause).join(Ticket).where(
            Ticket.number == by_mail)).all()
        assert pause.ended_by_id == svc.id and pause.ended_at == clock.now
        assert session.scalar(select(IntakeItem.detail).where(
            IntakeItem.ticket_id == mailed.id)).endswith("[clocks resumed]")
    assert resume.details["auto"] == "reporter_answered"
    assert resume.details["by"] == "SunLi@Example.com"
    assert resume.details["paused_seconds"] == 3600
    assert resume.changes["restore_due_at"]["after"] == bj(2026, 12, 3, 11).astimezone(
        UTC).isoformat()
    # the history reads as a resume of the transition table, by the service
    from desk.read.documents import record_data
    record = record_data(db, by_mail)
    assert record.timeline[-1].action == "恢复计时" and "自动恢复" in record.timeline[-1].note
    assert [(p.duration, p.ended_by) for p in record.pauses] == [("1小时00分", intake.SERVICE_NAME)]
    assert record.paused_total == "1小时00分"


def test_a_reporter_known_only_by_address_resumes_too(db: Any, demo_people: dict[str, int],
                                                       clock: Any) -> None:
    ids = demo_people
    filed = intake.file_mail(db, intake.MailIn(
        message_id="<new-1@example.org>", subject="打印机无法打印", sender_name="Wang Wu",
        sender_address="wangwu@partner.example.org", text="三楼打印机卡纸。"))
    assert filed.outcome == "filed"
    workflow.perform(db, "triage", filed.number, ids["IT001"],
                     {"first_contact": "已回信", "fault_type": "HW", "level": 3})
    workflow.perform(db, "pause", filed.number, ids["IT001"], {"reason": "Awaiting the reporter"})
    clock.advance(minutes=30)
    out = intake.file_mail(db, _reply(filed.number, " WangWu@Partner.Example.org ", 2))
    assert out.resumed and get_ticket(db, filed.number).paused_at is None
    assert _events(db, filed.number)[-1].action == "resume"


def test_others_answers_and_other_pauses_only_add_a_note(
        db: Any, reporter_mail: dict[str, int], clock: Any) -> None:
    ids = reporter_mail
    number = _paused_fault(db, ids)
    due = get_ticket(db, number).restore_due_at
    clock.advance(hours=1)
    # someone else answers: a note, the clocks stay paused
    out = intake.file_mail(db, _reply(number, "lilei@example.com", 3))
    assert (out.outcome, out.resumed) == ("noted", False)
    d = get_ticket(db, number)
    assert d.paused_at is not None and d.restore_due_at == due
    assert [e.action for e in _events(db, number)][-2:] == ["pause", "intake_note"]
    # a pause for a vendor is not the reporter's to end
    vendor = _paused_fault(db, ids, "等待厂商回复")
    out = intake.file_mail(db, _reply(vendor, "sunli@example.com", 4))
    assert not out.resumed and get_ticket(db, vendor).paused_at is not None
    # a fault that is not paused: the reporter's answer just notes
    workflow.perform(db, "resume", vendor, ids["IT001"], {})
    out = intake.file_mail(db, _reply(vendor, "sunli@example.com", 5))
    assert (out.outcome, out.resumed) == ("noted", False)
    assert [e.action for e in _events(db, vendor)][-3:] == ["intake_note", "resume",
                                                             "intake_note"]
