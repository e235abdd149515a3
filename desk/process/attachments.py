"""Evidence attached to a fault: storing, listing, reading, saving and removing files.

The bytes live in the database (``attachment_chunks``, 1 MiB a row) so that a team on
one PostgreSQL server needs no shared folder. Adding a file is one unit of work: the
file is streamed chunk by chunk (never whole in memory) while its SHA-256 is computed,
and a cancel, a refusal or a failure rolls everything back, so nothing is ever half
stored. Names are cleaned before they are stored or written to disk, and the type is
sniffed from the content, never taken from the name's extension.

A file whose SHA-256 equals a (not removed) attachment of the same ticket is refused
with ``DuplicateAttachmentError``, which names the earlier attachment: evidence lists
stay free of copies, and the person learns where the first one is.

Readers get plain frozen dataclasses, never ORM objects. Chunks are read one short
session at a time, so a viewer can show the start of a 50 MB log without loading it.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import os
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desk.db import Database
from desk.errors import (
    DeskError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.process import audit
from desk.read import settings, tickets
from desk.rules import transitions
from models import Attachment, AttachmentChunk, EvidenceKind, Person, Role, Status, Ticket

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
# ``attachments.size`` is a 32-bit integer column; no setting may let a file past it.
HARD_MAX_BYTES = 2**31 - 1
MAX_NAME_BYTES = 255
SNIFF_BYTES = 4096

# Attaching is refused on these; removing also once the fault is resolved.
NO_ATTACH = frozenset({Status.CANCELLED, Status.ARCHIVED})
NO_REMOVE = frozenset({Status.RESOLVED, Status.ARCHIVED, Status.CANCELLED})
REMOVERS = frozenset({Role.SUPPORT_LEAD, Role.DIRECTOR})



def attach_refusal(number: str, status: Status) -> tuple[str, str] | None:
    """Why no file may be added to a fault in ``status`` (zh, en); None when one may.

    The window greys 添加文件 and refuses drops with the same words the service uses.
    """
    if status not in NO_ATTACH:
        return None
    return (f"故障 {number} 当前为“{status.label_zh}”，不能再添加附件。",
            f"Fault {number} is {status.label_en.lower()}; no attachments can be added.")


IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp"})

# PostgreSQL's FOR NO KEY UPDATE (SQLite takes its write lock at BEGIN anyway)
_NO_KEY_UPDATE = {"key_share": True}

Progress = Callable[[int, int | None], None]
Cancelled = Callable[[], bool]


# -- errors ------------------------------------------------------------------------------


class AttachmentRefused(DeskError):
    """A file that cannot be attached (folder, unreadable, empty, too large...)."""

    def __init__(self, name: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.name = name


class UploadCancelled(DeskError):
    """The person cancelled while the file was being stored; nothing was kept."""

    def __init__(self, name: str) -> None:
        super().__init__(f"已取消添加“{name}”，未保存任何内容。",
                         f"Adding “{name}” was cancelled; nothing was stored.")
        self.name = name


class DuplicateAttachmentError(DeskError):
    """The same bytes are already attached to this fault (``existing`` says where)."""

    def __init__(self, name: str, existing: AttachmentView) -> None:
        super().__init__(
            f"“{name}”与已有附件“{existing.name}”（编号 {existing.id}，{existing.added_by} 添加）"
            "内容相同，未重复添加。",
            f"“{name}” has the same content as the attachment “{existing.name}” "
            f"(id {existing.id}, added by {existing.added_by}); it was not added again.",
        )
        self.name = name
        self.existing = existing


# -- names and types -------------------------------------------------------------------

_WINDOWS_FORBIDDEN = set('<>:"|?*')
_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in "123456789¹²³"}
    | {f"LPT{i}" for i in "123456789¹²³"}
)


def clean_name(name: str) -> str:
    """A file name safe to store and to write on Windows, macOS and Linux.

    Only the last path part is kept (``/`` and ``\\`` both separate); control and
    invisible format characters (NUL, bidi overrides that disguise an extension) go;
    characters Windows forbids become ``_``; reserved device names (``CON``, ``COM1``...
    with any extension) get a ``_`` prefix; trailing dots and spaces go; the result is at
    most 255 bytes of UTF-8 with its extension kept; an empty result is ``attachment``.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join("_" if c in _WINDOWS_FORBIDDEN else c for c in text)
    text = text.strip().rstrip(". ")
    if text in ("", ".", ".."):
        return "attachment"
    stem = text.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED:
        text = "_" + text
    text = _fit(text)
    return text or "attachment"


def _fit(text: str) -> str:
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    # an "extension" that is long or absent is part of the name, not worth keeping whole
    if not dot or not stem or len(ext.encode("utf-8")) > 16:
        stem, ext = text, ""
    suffix = f".{ext}" if ext else ""
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip(". ")
    return f"{cut}{suffix}" if cut else suffix.lstrip(".")[:MAX_NAME_BYTES]


_HTML_STARTS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div",
    b"<font", b"<table", b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p",
    b"<!--",
)
_OOXML = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def sniff_mime(first_bytes: bytes, name: str = "") -> str:
    """The MIME type of a file from its first bytes (a few KiB are enough).

    The name only refines a ZIP into an Office document; it never makes a file an
    image, a web page or text. SVG and HTML are recognised so that nothing renders
    them (they can carry scripts).
    """
    head = first_bytes[:SNIFF_BYTES]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if _is_bmp(head):
        return "image/bmp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _OOXML.get(Path(clean_name(name)).suffix.lower(), "application/zip")
    if head.startswith(b"\x1f\x8b"):
        return "application/gzip"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    markup = _markup_type(head)
    if markup is not None:
        return markup
    if _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


def _is_bmp(head: bytes) -> bool:
    # "BM" alone starts many text files; the DIB header size must be a known one too
    if not head.startswith(b"BM") or len(head) < 18:
        return False
    return int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)


def _markup_type(head: bytes) -> str | None:
    text = head
    for bom in (codecs.BOM_UTF8,):
        text = text.removeprefix(bom)
    lowered = text.lstrip(b" \t\r\n\x0c").lower()
    if lowered.startswith(b"<svg"):
        return "image/svg+xml"
    if lowered.startswith(b"<?xml"):
        # an SVG usually opens with an XML declaration; other XML is still not text/plain
        return "image/svg+xml" if b"<svg" in lowered else "application/xml"
    for start in _HTML_STARTS:
        if lowered.startswith(start):
            after = lowered[len(start):len(start) + 1]
            if after in (b" ", b">", b"\t", b"\n", b"\r", b"\x0c", b"/", b""):
                return "text/html"
    if lowered.startswith(b"<!doctype svg"):
        return "image/svg+xml"
    return None


_TEXT_CONTROLS = set(b"\t\n\r\x0c\x1b\x08")


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if not head or b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    if controls > len(head) // 100:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # the sniffed head may end in the middle of a character: not final
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def decode_text(data: bytes, final: bool = True) -> tuple[str, str]:
    """Decode a log for reading: UTF-8 (with or without BOM), UTF-16 with BOM, else
    GB18030 (a superset of GBK and GB2312), else latin-1, which never fails. A long
    text with a rare bad byte (at most one in a thousand) keeps its encoding.

    With ``final=False`` the bytes are the start of a longer file: a character cut
    in half at the end is left out instead of deciding the encoding wrongly.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data, "utf-8-sig", final, strict=False), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", final, strict=False), "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            return _decode(data, encoding, final, strict=True), encoding
        except UnicodeDecodeError:
            continue
    # A long log with a stray bad byte (a write cut short, a mixed line) is still read
    # in its encoding, the bad bytes shown as U+FFFD, rather than garbled as latin-1.
    allowed = len(data) // 1000
    for encoding in ("utf-8", "gb18030"):
        text = _decode(data, encoding, final, strict=False)
        if text.count("\ufffd") <= allowed:
            return text, encoding
    return data.decode("latin-1"), "latin-1"


def _decode(data: bytes, encoding: str, final: bool, strict: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)("strict" if strict else "replace")
    return str(decoder.decode(data, final=final))


def guess_kind(mime_type: str) -> EvidenceKind:
    """The evidence kind a file most likely is, when the person did not choose one."""
    if mime_type in IMAGE_TYPES:
        return EvidenceKind.SCREENSHOT
    if mime_type.startswith("video/"):
        return EvidenceKind.RECORDING
    if mime_type == "text/plain":
        return EvidenceKind.LOG
    return EvidenceKind.OTHER


def is_image(mime_type: str) -> bool:
    return mime_type in IMAGE_TYPES


def is_text(mime_type: str) -> bool:
    """True for types the log viewer shows as plain text (including SVG, HTML, XML)."""
    return mime_type in ("text/plain", "text/html", "image/svg+xml", "application/xml")


# -- checking a file -------------------------------------------------------------------


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def check_file(path: str | os.PathLike[str], max_bytes: int) -> AttachmentRefused | None:
    """Why ``path`` cannot be attached, or None: a folder, a missing, special,
    unreadable or empty file, or one larger than ``max_bytes``."""
    p = Path(path)
    name = p.name or str(p)
    try:
        info = p.stat()
    except FileNotFoundError:
        return AttachmentRefused(name, f"找不到文件“{name}”。", f"The file “{name}” does not exist.")
    except OSError as exc:
        return _unreadable(name, exc)
    if stat.S_ISDIR(info.st_mode):
        return AttachmentRefused(name, f"“{name}”是文件夹，只能添加文件。",
                                 f"“{name}” is a folder; only files can be attached.")
    if not stat.S_ISREG(info.st_mode):
        # a pipe or device would block or never end
        return AttachmentRefused(name, f"“{name}”不是普通文件，不能添加。",
                                 f"“{name}” is not a regular file and cannot be attached.")
    if info.st_size == 0:
        return AttachmentRefused(name, f"“{name}”是空文件（0 字节），未添加。",
                                 f"“{name}” is empty (0 bytes); it was not attached.")
    if info.st_size > max_bytes:
        return _too_large(name, info.st_size, max_bytes)
    try:
        with p.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        return _unreadable(name, exc)
    return None


def _unreadable(name: str, exc: OSError) -> AttachmentRefused:
    why = exc.strerror or type(exc).__name__
    return AttachmentRefused(name, f"无法读取“{name}”：{why}。",
                             f"“{name}” cannot be read: {why}.")


def _too_large(name: str, size: int | None, max_bytes: int) -> AttachmentRefused:
    limit = format_size(max_bytes)
    if size is None:
        return AttachmentRefused(name, f"“{name}”超过附件大小上限 {limit}，未添加。",
                                 f"“{name}” is larger than the limit of {limit}; not attached.")
    return AttachmentRefused(
        name, f"“{name}”大小为 {format_size(size)}，超过附件大小上限 {limit}，未添加。",
        f"“{name}” is {format_size(size)}, over the attachment limit of {limit}; not attached.",
    )


def max_bytes(db: Database) -> int:
    """The team's size limit for one attachment (setting ``attachments.max_bytes``)."""
    with db.read() as session:
        return _max_bytes(session)


def _max_bytes(session: Session) -> int:
    value = settings.get(session, "attachments.max_bytes")
    try:
        return max(1, min(int(value), HARD_MAX_BYTES))
    except (TypeError, ValueError):
        return int(settings.DEFAULTS["attachments.max_bytes"])


def local_zone(db: Database) -> ZoneInfo:
    """The desk's time zone, for views that show when a file was added."""
    with db.read() as session:
        return settings.timezone(session)


# -- views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentView:
    """One attachment as plain data (``added_at``/``removed_at`` in UTC)."""

    id: int
    ticket_id: int
    name: str
    kind: EvidenceKind
    note: str
    size: int
    mime_type: str
    sha256: str
    added_by: str
    added_at: datetime
    removed_at: datetime | None
    added_by_id: int = 0
    removed_by: str = ""

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_image(self) -> bool:
        return is_image(self.mime_type)

    @property
    def is_text(self) -> bool:
        return is_text(self.mime_type)

    def to_json(self, tz: ZoneInfo | None = None) -> dict[str, object]:
        def t(moment: datetime | None) -> str | None:
            if moment is None:
                return None
            return (moment.astimezone(tz) if tz else moment).isoformat()

        return {
            "id": self.id, "ticket_id": self.ticket_id, "name": self.name,
            "kind": self.kind.value, "note": self.note, "size": self.size,
            "mime_type": self.mime_type, "sha256": self.sha256, "added_by": self.added_by,
            "added_at": t(self.added_at), "removed_at": t(self.removed_at),
            "removed_by": self.removed_by,
        }


def _view(session: Session, att: Attachment) -> AttachmentView:
    adder = session.get(Person, att.added_by_id)
    remover = session.get(Person, att.removed_by_id) if att.removed_by_id else None
    return AttachmentView(
        id=att.id, ticket_id=att.ticket_id, name=att.name, kind=att.kind, note=att.note,
        size=att.size, mime_type=att.mime_type, sha256=att.sha256,
        added_by=adder.name if adder else "", added_at=att.added_at,
        removed_at=att.removed_at, added_by_id=att.added_by_id,
        removed_by=remover.name if remover else "",
    )


# -- adding ------------------------------------------------------------------------------


def _actor(session: Session, actor_id: int) -> Person:
    actor = session.get(Person, actor_id)
    if actor is None or not actor.active:
        raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
    return actor


def _open_source(source: str | os.PathLike[str] | BinaryIO, name: str,
                 limit: int) -> tuple[BinaryIO, bool, int | None]:
    """(stream, whether we opened it, its size if known)."""
    if isinstance(source, (str, os.PathLike)):
        problem = check_file(source, limit)
        if problem is not None:
            problem.name = name
            raise problem
        try:
            fh = open(source, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as exc:
            raise _unreadable(name, exc) from exc
        return fh, True, os.fstat(fh.fileno()).st_size
    total: int | None = None
    if source.seekable():
        # a retried unit of work must read the stream from its start again
        start = source.seek(0)
        total = source.seek(0, io.SEEK_END) - start
        source.seek(start)
    return source, False, total


def add_attachment(
    db: Database,
    ticket_key: str | int,
    actor_id: int,
    path_or_stream: str | os.PathLike[str] | BinaryIO,
    name: str | None = None,
    kind: EvidenceKind | str | None = None,
    note: str = "",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> AttachmentView:
    """Store a file on a fault, streaming it in 1 MiB chunks; one unit of work.

    ``name`` defaults to the file's name (it is cleaned either way); ``kind`` None
    guesses it from the content. ``progress(done, total)`` is called after each chunk
    (``total`` None for a stream of unknown length); when ``cancelled()`` returns True
    ``UploadCancelled`` is raised and nothing is kept. A file already attached to the
    same fault (same SHA-256, not removed) raises ``DuplicateAttachmentError``.
    """
    if name is None:
        if isinstance(path_or_stream, (str, os.PathLike)):
            name = Path(path_or_stream).name
        else:
            name = str(getattr(path_or_stream, "name", "") or "")
    stored_name = clean_name(name)
    evidence_kind = _kind(kind)
    note = str(note or "")
    if len(note) > transitions.MAX_TEXT:
        raise ValidationError({"note": (f"说明过长（最多 {transitions.MAX_TEXT} 字）。",
                                        f"The note is too long (at most {transitions.MAX_TEXT}).")})

    def work(session: Session) -> AttachmentView:
        actor = _actor(session, actor_id)
        ticket = tickets.load_ticket(session, ticket_key)
        _check_may_attach(ticket)
        limit = _max_bytes(session)
        stream, owned, total = _open_source(path_or_stream, stored_name, limit)
        try:
            att = Attachment(
                ticket_id=ticket.id, name=stored_name,
                kind=evidence_kind or EvidenceKind.OTHER, note=note, size=0,
                mime_type="application/octet-stream", sha256="", added_by_id=actor.id,
                added_at=db.now(),
            )
            session.add(att)
            session.flush()
            digest, size, head = _store_chunks(session, att.id, stream, stored_name, limit,
                                               total, progress, cancelled)
        finally:
            if owned:
                stream.close()
        if size == 0:
            raise AttachmentRefused(stored_name, f"“{stored_name}”是空文件（0 字节），未添加。",
                                    f"“{stored_name}” is empty (0 bytes); it was not attached.")
        # Lock the fault only now, after the long part: other edits of the fault are not
        # held up by an upload, and two desks adding the same file one after the other
        # see each other's row (the second one's duplicate check runs after the lock).
        # FOR NO KEY UPDATE, not FOR UPDATE: the attachment row's foreign key already
        # holds a key-share lock on the fault, and two uploads upgrading that to FOR
        # UPDATE would deadlock each other.
        # The copy read at the start is dropped first: its version may be old by now,
        # and a locking load of an outdated object is refused as stale.
        session.expunge(ticket)
        locked = session.get(Ticket, ticket.id, with_for_update=_NO_KEY_UPDATE)
        assert locked is not None
        ticket = locked
        _check_may_attach(ticket)
        existing = session.scalars(
            select(Attachment).where(
                Attachment.ticket_id == ticket.id, Attachment.sha256 == digest,
                Attachment.removed_at.is_(None), Attachment.id != att.id,
            ).order_by(Attachment.id).limit(1)
        ).first()
        if existing is not None:
            raise DuplicateAttachmentError(stored_name, _view(session, existing))
        att.size = size
        att.sha256 = digest
        att.mime_type = sniff_mime(head, stored_name)
        if evidence_kind is None:
            att.kind = guess_kind(att.mime_type)
        flag_modified(ticket, "status")  # the fault's version goes up: its record changed
        session.flush()
        audit.record(session, at=att.added_at, action="attach", ticket_id=ticket.id,
                     actor_id=actor.id, details={
                         "attachment_id": att.id, "name": att.name, "size": size,
                         "sha256": digest, "kind": att.kind.value,
                         "mime_type": att.mime_type, "note": note,
                     })
        return _view(session, att)

    return db.write(work)


def attach_bytes(session: Session, ticket: Ticket, actor_id: int, name: str, data: bytes,
                 kind: EvidenceKind | None = None, note: str = "",
                 at: datetime | None = None) -> Attachment | None:
    """Store ``data`` on ``ticket`` inside the caller's unit of work (the service files a
    mail's attachments with its fault). Returns None, storing nothing, for an empty file
    or one the fault already holds; refuses a file over the team's size limit."""
    stored_name = clean_name(name or "attachment")
    if not data:
        return None
    _check_may_attach(ticket)
    digest = hashlib.sha256(data).hexdigest()
    if session.scalar(select(Attachment.id).where(
            Attachment.ticket_id == ticket.id, Attachment.sha256 == digest,
            Attachment.removed_at.is_(None))) is not None:
        return None
    limit = _max_bytes(session)
    if len(data) > limit:  # refused before anything is written
        raise _too_large(stored_name, len(data), limit)
    att = Attachment(ticket_id=ticket.id, name=stored_name, kind=kind or EvidenceKind.OTHER,
                     note=note[:transitions.MAX_TEXT], size=0,
                     mime_type="application/octet-stream", sha256="", added_by_id=actor_id,
                     added_at=at or datetime.now(UTC))
    session.add(att)
    session.flush()
    digest, size, head = _store_chunks(session, att.id, io.BytesIO(data), stored_name, limit,
                                       len(data), None, None)
    att.size, att.sha256 = size, digest
    att.mime_type = sniff_mime(head, stored_name)
    if kind is None:
        att.kind = guess_kind(att.mime_type)
    session.flush()
    audit.record(session, at=att.added_at, action="attach", ticket_id=ticket.id,
                 actor_id=actor_id, details={
                     "attachment_id": att.id, "name": att.name, "size": size,
                     "sha256": digest, "kind": att.kind.value, "mime_type": att.mime_type,
                     "note": att.note})
    return att


def _kind(kind: EvidenceKind | str | None) -> EvidenceKind | None:
    if kind is None or kind == "" or kind == "auto":
        return None
    try:
        return EvidenceKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in EvidenceKind)
        raise ValidationError({"kind": (f"未知的附件类别：{kind}（可选：{choices}）",
                                        f"Unknown evidence kind: {kind} (one of {choices})")})\
            from None


def _check_may_attach(ticket: Ticket) -> None:
    why = attach_refusal(ticket.number, ticket.status)
    if why is not None:
        raise InvalidTransitionError(*why)


def _store_chunks(session: Session, attachment_id: int, stream: BinaryIO, name: str,
                  limit: int, total: int | None, progress: Progress | None,
                  cancelled: Cancelled | None) -> tuple[str, int, bytes]:
    """Insert the stream's chunks; return (sha256, size, first bytes)."""
    digest = hashlib.sha256()
    size = 0
    seq = 0
    head = b""
    while True:
        if cancelled is not None and cancelled():
            raise UploadCancelled(name)
        data = _read_chunk(stream, name)
        if not data:
            break
        size += len(data)
        if size > limit:
            raise _too_large(name, total if total and total > limit else None, limit)
        if seq == 0:
            head = data[:SNIFF_BYTES]
        digest.update(data)
        # An insert statement runs at once and leaves no object in the session: memory
        # stays at about one chunk whatever the file's size (added ORM objects would sit
        # in the identity map until commit).
        session.execute(insert(AttachmentChunk), {"attachment_id": attachment_id, "seq": seq,
                                        "data": data})
        del data
        seq += 1
        if progress is not None:
            progress(size, total)
    return digest.hexdigest(), size, head


def _read_chunk(stream: BinaryIO, name: str) -> bytes:
    """Read up to CHUNK_SIZE bytes (a pipe or socket may return less per read)."""
    parts: list[bytes] = []
    wanted = CHUNK_SIZE
    while wanted > 0:
        try:
            piece = stream.read(wanted)
        except OSError as exc:
            raise _unreadable(name, exc) from exc
        if not piece:
            break
        parts.append(piece)
        wanted -= len(piece)
    return parts[0] if len(parts) == 1 else b"".join(parts)


# -- reading -----------------------------------------------------------------------------


def list_attachments(db: Database, ticket_key: str | int,
                     include_removed: bool = False) -> list[AttachmentView]:
    """A fault's attachments, oldest first."""
    with db.read() as session:
        ticket = tickets.load_ticket(session, ticket_key)
        stmt = select(Attachment).where(Attachment.ticket_id == ticket.id)
        if not include_removed:
            stmt = stmt.where(Attachment.removed_at.is_(None))
        return [_view(session, a) for a in session.scalars(stmt.order_by(Attachment.id))]


def get_attachment(db: Database, attachment_id: int) -> AttachmentView:
    with db.read() as session:
        return _view(session, _load(session, attachment_id))


def _load(session: Session, attachment_id: int) -> Attachment:
    att = session.get(Attachment, int(attachment_id))
    if att is None:
        raise NotFoundError(f"没有编号为 {attachment_id} 的附件。",
                            f"There is no attachment with id {attachment_id}.")
    return att


def _chunk_map(db: Database, attachment_id: int) -> list[tuple[int, int]]:
    """(seq, length) of each chunk; lengths come from the row headers, not the bytes."""
    with db.read() as session:
        _load(session, attachment_id)
        rows = session.execute(
            select(AttachmentChunk.seq, func.length(AttachmentChunk.data))
            .where(AttachmentChunk.attachment_id == attachment_id)
            .order_by(AttachmentChunk.seq)
        ).all()
    return [(int(seq), int(length)) for seq, length in rows]


def _chunk(db: Database, attachment_id: int, seq: int) -> bytes:
    with db.read() as session:
        data = session.scalar(select(AttachmentChunk.data).where(
            AttachmentChunk.attachment_id == attachment_id, AttachmentChunk.seq == seq))
    if data is None:
        raise NotFoundError(f"附件 {attachment_id} 的数据不完整。",
                            f"The data of attachment {attachment_id} is incomplete.")
    return bytes(data)


def iter_chunks(db: Database, attachment_id: int) -> Iterator[bytes]:
    """The attachment's bytes, one chunk (one short read session) at a time."""
    for seq, _length in _chunk_map(db, attachment_id):
        yield _chunk(db, attachment_id, seq)


def read_range(db: Database, attachment_id: int, offset: int, length: int) -> bytes:
    """``length`` bytes from ``offset`` (fewer at the end); only the chunks needed are read."""
    if offset < 0 or length < 0:
        raise ValueError("offset and length must not be negative")
    parts: list[bytes] = []
    start = 0
    end = offset + length
    for seq, size in _chunk_map(db, attachment_id):
        stop = start + size
        if stop > offset and start < end:
            data = _chunk(db, attachment_id, seq)
            parts.append(data[max(offset - start, 0):min(end - start, size)])
        if stop >= end:
            break
        start = stop
    return b"".join(parts)


class AttachmentReader(io.RawIOBase):
    """A read-only, seekable file over an attachment's chunks (one chunk cached)."""

    def __init__(self, db: Database, attachment_id: int) -> None:
        super().__init__()
        self._db = db
        self._id = attachment_id
        self._map = _chunk_map(db, attachment_id)
        self._starts: list[int] = []
        pos = 0
        for _seq, size in self._map:
            self._starts.append(pos)
            pos += size
        self._size = pos
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self._size

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._size:
            return 0
        index = self._index(self._pos)
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, _chunk(self._db, self._id, self._map[index][0]))
        data = self._cached[1]
        start = self._pos - self._starts[index]
        n = min(len(buffer), len(data) - start)
        buffer[:n] = data[start:start + n]
        self._pos += n
        return n

    def _index(self, pos: int) -> int:
        import bisect

        return bisect.bisect_right(self._starts, pos) - 1


def open_reader(db: Database, attachment_id: int) -> io.BufferedReader:
    """A buffered binary file to read an attachment with (close it when done)."""
    return io.BufferedReader(AttachmentReader(db, attachment_id), buffer_size=CHUNK_SIZE)


# -- saving a copy -----------------------------------------------------------------------


def save_copy(db: Database, attachment_id: int, folder: str | os.PathLike[str],
              progress: Progress | None = None) -> Path:
    """Write the attachment into ``folder`` under its cleaned name; never elsewhere.

    An existing file is never overwritten: `` (1)``, `` (2)``... is added before the
    extension. The bytes are checked against the stored SHA-256 as they are written.
    """
    view = get_attachment(db, attachment_id)
    base = Path(folder)
    if not base.is_dir():
        raise AttachmentRefused(view.name, f"保存位置“{base}”不是一个文件夹。",
                                f"The target “{base}” is not a folder.")
    root = base.resolve()
    name = clean_name(view.name)
    stem, ext = _split_ext(name)
    for n in range(0, 10_000):
        candidate = name if n == 0 else clean_name(f"{stem} ({n}){ext}")
        target = (root / candidate).resolve()
        if target.parent != root:
            raise PermissionDeniedError(f"拒绝写到文件夹之外：{candidate}",
                                        f"Refusing to write outside the folder: {candidate}")
        try:
            # "x": created here and now, so an existing file (or symlink) is never reused
            fh = open(target, "xb")  # noqa: SIM115 - closed below
        except FileExistsError:
            continue
        except OSError as exc:
            raise AttachmentRefused(view.name, f"无法写入“{target}”：{exc.strerror}",
                                    f"Cannot write “{target}”: {exc.strerror}") from exc
        break
    else:  # pragma: no cover - ten thousand copies of one name
        raise AttachmentRefused(view.name, "同名文件过多。", "Too many files of that name.")
    try:
        digest = hashlib.sha256()
        done = 0
        with fh:
            for data in iter_chunks(db, attachment_id):
                fh.write(data)
                digest.update(data)
                done += len(data)
                if progress is not None:
                    progress(done, view.size)
        if digest.hexdigest() != view.sha256:
            raise DeskError(f"附件“{view.name}”的数据与记录的校验值不符，可能已损坏。",
                            f"The data of “{view.name}” does not match its SHA-256; "
                            "it may be damaged.")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _split_ext(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, f".{ext}"


# -- removing ----------------------------------------------------------------------------


def remove_attachment(db: Database, attachment_id: int, actor_id: int,
                      reason: str = "") -> AttachmentView:
    """Mark an attachment removed (the bytes stay for the record); one unit of work.

    Allowed to the person who added it and to leads, until the fault is resolved.
    """
    reason = str(reason or "").strip()

    def work(session: Session) -> AttachmentView:
        actor = _actor(session, actor_id)
        att = _load(session, attachment_id)
        ticket = session.get(Ticket, att.ticket_id, with_for_update=_NO_KEY_UPDATE,
                             populate_existing=True)
        assert ticket is not None
        if att.removed_at is not None:
            raise InvalidTransitionError(f"附件“{att.name}”已被移除。",
                                         f"The attachment “{att.name}” is already removed.")
        if att.added_by_id != actor.id and not (actor.roles & REMOVERS):
            raise PermissionDeniedError(
                f"{actor.name} 无权移除附件“{att.name}”：只有添加人或技术支持主管、技术总监可以移除。",
                f"{actor.name} may not remove “{att.name}”: only the person who added it, "
                "a support lead or the technical director may.",
            )
        if ticket.status in NO_REMOVE:
            raise InvalidTransitionError(
                f"故障 {ticket.number} 当前为“{ticket.status.label_zh}”，附件不能再移除。",
                f"Fault {ticket.number} is {ticket.status.label_en.lower()}; its attachments "
                "can no longer be removed.",
            )
        now = db.now()
        att.removed_at = now
        att.removed_by_id = actor.id
        flag_modified(ticket, "status")
        session.flush()
        audit.record(session, at=now, action="remove_attachment", ticket_id=ticket.id,
                     actor_id=actor.id, reason=reason, details={
                         "attachment_id": att.id, "name": att.name, "size": att.size,
                         "sha256": att.sha256, "kind": att.kind.value,
                     })
        return _view(session, att)

    return db.write(work)
