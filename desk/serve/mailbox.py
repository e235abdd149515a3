"""The intake mailbox: read new mails over IMAP (IDLE where offered) and file them.

A mail is fetched without marking it read (``BODY.PEEK[]``), filed in one unit of work
(``desk.process.intake.file_mail``, which records its Message-ID), and only then marked
done on the server (the keyword ``$DeskDone`` and ``\\Seen``; ``\\Seen`` alone where the
server keeps no keywords). A crash between the commit and the mark leaves the mail to be
read again, and its Message-ID is recognised: no mail is lost, none is filed twice.

Decoding: encoded headers (RFC 2047, Base64 or quoted-printable, any charset Python
knows; GB2312 and GBK are read as GB18030, their superset, since mailers label GBK
text as GB2312), bodies in Base64 or quoted-printable, the plain-text part preferred,
else the HTML part turned into clean text. A mail over ``MAX_MAIL`` bytes is not
fetched: it is recorded as refused in the intake log and marked done.
"""

from __future__ import annotations

import contextlib
import email
import email.header
import email.utils
import hashlib
import html
import imaplib
import logging
import re
import select
import ssl
import threading
from email.message import Message
from html.parser import HTMLParser

from desk.admin.intake import MailboxSettings
from desk.db import Database
from desk.errors import DatabaseError, DeskError
from desk.process import intake

log = logging.getLogger(__name__)

MAX_MAIL = 25 * 1024 * 1024
DONE_KEYWORD = "$DeskDone"
_GB = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
       "cp936": "gb18030", "euc-cn": "gb18030"}


def _charset(name: str | None) -> str:
    name = (name or "utf-8").strip().strip('"').lower()
    name = _GB.get(name, name)
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def decode_header_text(value: str | None) -> str:
    """An RFC 2047 header as clean text, whatever its charset."""
    if not value:
        return ""
    out = []
    for chunk, charset in email.header.decode_header(str(value)):
        if isinstance(chunk, bytes):
            out.append(chunk.decode(_charset(charset), "replace"))
        else:
            out.append(chunk)
    return re.sub(r"\s+", " ", "".join(out)).strip()


class _Text(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "blockquote", "pre", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - broken markup: fall back to stripping the tags
        return clean_text(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
    return clean_text("".join(parser.parts))


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(_charset(part.get_content_charset()), "replace")


def parse_mail(raw: bytes, fallback_id: str) -> intake.MailIn:
    """A raw RFC 5322 mail as ``MailIn``: clean subject, sender, text and attachments."""
    msg = email.message_from_bytes(raw)
    subject = decode_header_text(msg.get("Subject"))
    name, address = email.utils.parseaddr(decode_header_text(msg.get("From")))
    message_id = (msg.get("Message-ID") or "").strip()
    if not message_id:  # no Message-ID: the content's digest stands for it
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()}@{fallback_id}>"
    plain: list[str] = []
    markup: list[str] = []
    files: list[intake.MailAttachment] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        filename = part.get_filename()
        ctype = part.get_content_type()
        if disposition == "attachment" or (filename and disposition != "inline") or (
                filename and not ctype.startswith("text/")):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                files.append(intake.MailAttachment(decode_header_text(filename) or "附件", data))
            continue
        if ctype == "text/plain":
            plain.append(_part_text(part))
        elif ctype == "text/html":
            markup.append(_part_text(part))
    text = clean_text("\n\n".join(plain)) if any(p.strip() for p in plain) else \
        html_to_text("\n".join(markup))
    auto = (msg.get("Auto-Submitted") or "no").strip().lower()
    precedence = (msg.get("Precedence") or "").strip().lower()
    robot = (auto != "no" or precedence in ("bulk", "junk", "list")
             or bool(re.match(r"(mailer-daemon|postmaster|no-?reply)@", address.lower())))
    return intake.MailIn(message_id=message_id[:380], subject=subject, sender_name=name,
                         sender_address=address, text=text, attachments=tuple(files),
                         auto_reply_allowed=not robot)


class MailboxError(DeskError):
    pass


class Mailbox:
    """One IMAP session on the intake folder."""

    def __init__(self, s: MailboxSettings) -> None:
        self.s = s
        self.imap: imaplib.IMAP4 | None = None
        self.keywords = False

    def __enter__(self) -> Mailbox:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        s = self.s
        try:
            if s.tls:
                self.imap = imaplib.IMAP4_SSL(s.host, s.port, timeout=s.timeout,
                                              ssl_context=ssl.create_default_context())
            else:
                self.imap = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
            self.imap.login(s.user, s.password or "")
            typ, _ = self.imap.select(_quote(s.folder))
            if typ != "OK":
                raise MailboxError(f"收件邮箱中没有文件夹 {s.folder}。",
                                   f"The mailbox has no folder {s.folder}.")
            flags = b" ".join(x for x in self.imap.untagged_responses.get("PERMANENTFLAGS", [])
                              if isinstance(x, bytes))
            self.keywords = b"\\*" in flags
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise MailboxError(f"无法读取收件邮箱 {s.host}:{s.port}：{exc}",
                               f"Cannot read the intake mailbox {s.host}:{s.port}: {exc}") \
                from exc

    def close(self) -> None:
        if self.imap is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self.imap.logout()
            self.imap = None

    @property
    def client(self) -> imaplib.IMAP4:
        if self.imap is None:
            raise MailboxError("收件邮箱未连接。", "The intake mailbox is not connected.")
        return self.imap

    def waiting(self) -> list[tuple[bytes, int]]:
        """(uid, size) of the mails not done yet, oldest first."""
        criterion = f"UNKEYWORD {DONE_KEYWORD}" if self.keywords else "UNSEEN"
        typ, data = self.client.uid("SEARCH", criterion)
        if typ != "OK" or not data or not data[0]:
            return []
        uids = data[0].split()
        out: list[tuple[bytes, int]] = []
        for start in range(0, len(uids), 200):
            chunk = b",".join(uids[start:start + 200]).decode()
            typ, rows = self.client.uid("FETCH", chunk, "(RFC822.SIZE)")
            for row in rows or []:
                line = row if isinstance(row, bytes) else (row[0] if isinstance(row, tuple)
                                                           else b"")
                m = re.search(rb"UID (\d+).*RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+).*UID (\d+)",
                              line)
                if m:
                    uid = m.group(1) or m.group(4)
                    size = int(m.group(2) or m.group(3))
                    out.append((uid, size))
        return sorted(out, key=lambda x: int(x[0]))

    def fetch(self, uid: bytes) -> bytes:
        typ, rows = self.client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
        for row in rows or []:
            if isinstance(row, tuple) and len(row) >= 2 and isinstance(row[1], bytes):
                return row[1]
        raise MailboxError(f"邮件 {uid.decode()} 无法读取。", f"Mail {uid.decode()} cannot be read.")

    def mark_done(self, uid: bytes) -> None:
        flags = f"({DONE_KEYWORD} \\Seen)" if self.keywords else "(\\Seen)"
        typ, _ = self.client.uid("STORE", uid.decode(), "+FLAGS", flags)
        if typ != "OK":
            raise MailboxError(f"邮件 {uid.decode()} 无法标记为已处理。",
                               f"Mail {uid.decode()} cannot be marked done.")

    def supports_idle(self) -> bool:
        return "IDLE" in self.client.capabilities

    def idle(self, seconds: float, stop: threading.Event) -> bool:
        """Wait (IMAP IDLE) until new mail arrives, ``seconds`` pass or ``stop`` is set;
        True when the server said something changed."""
        client = self.client
        tag = client._new_tag()  # imaplib has no IDLE before Python 3.14
        client.send(tag + b" IDLE\r\n")
        first = client.readline()
        if not first.startswith(b"+"):
            raise MailboxError(f"服务器拒绝 IDLE：{first!r}", f"The server refused IDLE: {first!r}")
        changed = False
        sock = client.socket()
        waited = 0.0
        try:
            while not stop.is_set() and waited < seconds:
                # wait on the socket, not on a read with a timeout: imaplib's file object
                # is unusable after a timed-out read
                ready, _, _ = select.select([sock], [], [], 1.0)
                if not ready:
                    waited += 1.0
                    continue
                line = client.readline()
                if not line:
                    raise MailboxError("收件服务器断开了连接。", "The mail server closed the connection.")
                if b"EXISTS" in line or b"RECENT" in line:
                    changed = True
                    break
        finally:
            client.send(b"DONE\r\n")
            while True:
                line = client.readline()
                if not line or line.startswith(tag):
                    break
        return changed


def _quote(folder: str) -> str:
    return folder if re.fullmatch(r"[A-Za-z0-9._/-]+", folder) else \
        '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_mailbox(db: Database, s: MailboxSettings) -> list[tuple[str, str, str]]:
    """File every waiting mail; return (Message-ID, outcome, fault number) per mail.

    A database failure stops the round before the mail is marked done (it is read
    again next time); a mail that cannot be parsed or is too large is recorded as
    refused and marked done, so it never blocks the ones after it.
    """
    done: list[tuple[str, str, str]] = []
    with Mailbox(s) as box:
        for uid, size in box.waiting():
            ident = f"uid {uid.decode()}@{s.host}/{s.folder}"
            if size > MAX_MAIL:
                intake.record_refused(db, "mail", f"{ident}: {size} bytes, over {MAX_MAIL}",
                                      dedupe_key=f"mail-size:{s.host}/{s.folder}/{uid.decode()}")
                box.mark_done(uid)
                log.warning("mail intake: %s refused: %d bytes is over the limit of %d",
                            ident, size, MAX_MAIL)
                done.append((ident, intake.REFUSED, ""))
                continue
            raw = box.fetch(uid)
            try:
                mail = parse_mail(raw, s.host)
            except Exception as exc:  # noqa: BLE001 - a malformed mail must not stop the rest
                intake.record_refused(db, "mail", f"{ident}: cannot be parsed: {exc}")
                box.mark_done(uid)
                log.warning("mail intake: %s refused: cannot be parsed (%s)", ident, exc)
                done.append((ident, intake.REFUSED, ""))
                continue
            try:
                outcome = intake.file_mail(db, mail)
            except DeskError as exc:
                if isinstance(exc, DatabaseError):
                    raise  # not marked done: read again once the database is back
                intake.record_refused(db, "mail", f"{mail.message_id}: {exc.en}"[:4000])
                box.mark_done(uid)
                log.warning("mail intake: %s refused: %s", mail.message_id, exc.en)
                done.append((mail.message_id, intake.REFUSED, ""))
                continue
            box.mark_done(uid)  # only after the commit
            log.info("mail intake: %s from %s → %s %s", mail.message_id, mail.sender_address,
                     outcome.outcome, outcome.number)
            done.append((mail.message_id, outcome.outcome, outcome.number))
    return done
