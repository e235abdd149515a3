"""Attachments as a service: store and read back, refusals, names, types, the CLI.

Runs on SQLite and PostgreSQL through the ``db`` fixture.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desk.admin import team
from desk.db import Database
from desk.errors import (
    DeskError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationError,
)
from desk.process import attachments as att
from desk.process.reporting import FaultReport, report_fault
from desk.read import timeline
from models import (
    Attachment,
    AttachmentChunk,
    Event,
    EvidenceKind,
    FaultType,
    Status,
    Ticket,
)
from tests.conftest import cli_main_as as cli_main

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def ticket(db: Database, demo_people: dict[str, int]) -> str:
    report = FaultReport(FaultType.SYSTEM, "销售订单系统 – 下单", "提交订单后页面显示错误 500",
                         reporter_name="孙丽")
    return report_fault(db, report, demo_people["SALES005"]).number


def _ticket_version(db: Database, number: str) -> int:
    with db.read() as s:
        return s.scalars(select(Ticket.version).where(Ticket.number == number)).one()


def _set_status(db: Database, number: str, status: Status) -> None:
    def work(s: object) -> None:
        t = s.scalars(select(Ticket).where(Ticket.number == number)).one()  # type: ignore[attr-defined]
        t.status = status

    db.write(work)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\y.log", "y.log"),
    ("..", "attachment"),
    ("../..", "attachment"),
    ("", "attachment"),
    ("   ", "attachment"),
    ("con.txt", "_con.txt"),
    ("CON", "_CON"),
    ("lpt9.tar.gz", "_lpt9.tar.gz"),
    ("com1 .log", "_com1 .log"),
    ("console.txt", "console.txt"),
    ("evil\x00.exe.txt", "evil.exe.txt"),
    ("a\x1b[31mred\x07.log", "a[31mred.log"),
    ("report\u202etxt.exe", "reporttxt.exe"),
    ("trailing. . .", "trailing"),
    ("what?.log", "what_.log"),
    ("错误截图 1.png", "错误截图 1.png"),
])
def test_clean_name(raw: str, expected: str) -> None:
    assert att.clean_name(raw) == expected


def test_clean_name_limits_bytes_and_keeps_extension() -> None:
    long_ascii = "a" * 300 + ".log"
    cleaned = att.clean_name(long_ascii)
    assert cleaned.endswith(".log")
    assert len(cleaned.encode("utf-8")) == 255
    chinese = "日志" * 150 + ".txt"  # 900 bytes of UTF-8
    cleaned = att.clean_name(chinese)
    assert cleaned.endswith(".txt")
    assert len(cleaned.encode("utf-8")) <= 255
    assert cleaned.encode("utf-8").decode("utf-8") == cleaned  # no half character
    assert cleaned.startswith("日志")


# -- types -------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "name", "mime"), [
    (PNG_1PX, "shot.txt", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a.log", "image/jpeg"),
    (b"GIF89a\x01\x00", "a", "image/gif"),
    (b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little") + b"\x00" * 20, "x", "image/bmp"),
    (b"BMW service report 2026\n", "x.bmp", "text/plain"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "x", "image/webp"),
    (b"%PDF-1.7\n", "x.txt", "application/pdf"),
    (b"PK\x03\x04" + b"\x00" * 30, "x.zip", "application/zip"),
    (b"PK\x03\x04" + b"\x00" * 30, "x.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"\x1f\x8b\x08\x00", "x.log", "application/gzip"),
    (b"\x00\x00\x00\x18ftypmp42", "x", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  ", "x", "video/quicktime"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "x", "video/webm"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01matroska", "x", "video/x-matroska"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "x.png",
     "image/svg+xml"),
    (b"<?xml version='1.0'?>\n<svg><script>alert(1)</script></svg>", "x.txt", "image/svg+xml"),
    (b"<?xml version='1.0'?>\n<log><e/></log>", "x.txt", "application/xml"),
    (b"  <!DOCTYPE html><html><script>x</script>", "x.txt", "text/html"),
    (b"<html>", "x.png", "text/html"),
    (b"<p>hi</p>", "x.log", "text/html"),
    ("2026-11-27 10:00 ERROR 数据库连接失败\n".encode(), "x.bin", "text/plain"),
    ("2026-11-27 10:00 ERROR 数据库连接失败\n".encode("gbk"), "x", "text/plain"),
    ("日志".encode("utf-16"), "x", "text/plain"),
    (b"abc\x00def", "x.txt", "application/octet-stream"),
    (os.urandom(0) + bytes(range(256)) * 4, "x.txt", "application/octet-stream"),
])
def test_sniff_mime(data: bytes, name: str, mime: str) -> None:
    assert att.sniff_mime(data, name) == mime


def test_sniff_text_cut_in_the_middle_of_a_character() -> None:
    data = ("中" * 3000).encode("utf-8")[: att.SNIFF_BYTES + 1]
    assert att.sniff_mime(data, "x") == "text/plain"


def test_decode_text() -> None:
    text = "2026-11-27 10:00:01 ERROR 订单提交失败：数据库连接池耗尽\n"
    assert att.decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert att.decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert att.decode_text(text.encode("gbk")) == (text, "gb18030")
    assert att.decode_text(text.encode("gb18030")) == (text, "gb18030")
    assert att.decode_text(text.encode("utf-16")) == (text, "utf-16")
    assert att.decode_text(b"caf\xe9 \xff\xfe\xfd") == ("caf\xe9 \xff\xfe\xfd", "latin-1")
    # one stray byte in a long GBK log does not turn it into latin-1
    damaged = (text * 100).encode("gbk")
    damaged = damaged[:3001] + b"\xff" + damaged[3001:]
    decoded, encoding = att.decode_text(damaged)
    assert encoding == "gb18030"
    assert decoded.count("\ufffd") <= 3 and "订单提交失败" in decoded
    # the start of a longer UTF-8 file, cut inside a character, is still UTF-8
    cut = text.encode("utf-8")[:-2]
    decoded, encoding = att.decode_text(cut, final=False)
    assert encoding == "utf-8"
    assert text.startswith(decoded)


# -- adding and reading back -------------------------------------------------------------


def test_store_and_read_back(db: Database, ticket: str, demo_people: dict[str, int],
                             tmp_path: Path) -> None:
    data = os.urandom(att.CHUNK_SIZE * 2 + 12345)
    path = _write(tmp_path / "server.log", data)
    version = _ticket_version(db, ticket)
    seen: list[tuple[int, int | None]] = []
    view = att.add_attachment(db, ticket, demo_people["DEV002"], path, kind=EvidenceKind.LOG,
                              note="应用服务器日志", progress=lambda d, t: seen.append((d, t)))
    expected = hashlib.sha256(data).hexdigest()
    assert (view.name, view.size, view.sha256) == ("server.log", len(data), expected)
    assert view.kind == EvidenceKind.LOG and view.note == "应用服务器日志"
    assert view.added_by == "王强"
    assert view.mime_type == "application/octet-stream"
    assert seen == [(att.CHUNK_SIZE, len(data)), (2 * att.CHUNK_SIZE, len(data)),
                    (len(data), len(data))]
    assert _ticket_version(db, ticket) == version + 1

    back = hashlib.sha256(b"".join(att.iter_chunks(db, view.id))).hexdigest()
    assert back == expected
    with att.open_reader(db, view.id) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == expected
        fh.seek(att.CHUNK_SIZE - 5)
        assert fh.read(10) == data[att.CHUNK_SIZE - 5: att.CHUNK_SIZE + 5]
    assert att.read_range(db, view.id, 0, 10) == data[:10]
    assert att.read_range(db, view.id, att.CHUNK_SIZE - 3, 2 * att.CHUNK_SIZE) == \
        data[att.CHUNK_SIZE - 3: 3 * att.CHUNK_SIZE - 3]
    assert att.read_range(db, view.id, len(data) - 4, 100) == data[-4:]
    assert att.read_range(db, view.id, len(data) + 10, 100) == b""

    with db.read() as s:
        chunks = s.scalar(select(func.count()).select_from(AttachmentChunk)
                          .where(AttachmentChunk.attachment_id == view.id))
        event = s.scalars(select(Event).where(Event.action == "attach")).one()
        assert event.actor_id == demo_people["DEV002"]
        assert event.details["name"] == "server.log"
        assert event.details["size"] == len(data)
        assert event.details["sha256"] == expected
        assert event.details["kind"] == "log"
    assert chunks == 3
    assert [e["action"] for e in timeline.events(db, ticket)][-1] == "attach"

    listed = att.list_attachments(db, ticket)
    assert listed == [view]


def test_stream_and_guessed_kind(db: Database, ticket: str,
                                 demo_people: dict[str, int]) -> None:
    view = att.add_attachment(db, ticket, demo_people["IT001"], io.BytesIO(PNG_1PX),
                              name="截图.txt")
    assert view.mime_type == "image/png"
    assert view.kind == EvidenceKind.SCREENSHOT
    assert view.is_image and not view.is_text
    log = att.add_attachment(db, ticket, demo_people["IT001"],
                             io.BytesIO("错误 ERROR\n".encode("gbk")), name="app.log")
    assert (log.mime_type, log.kind) == ("text/plain", EvidenceKind.LOG)


def test_duplicate_is_refused_and_names_the_first(db: Database, ticket: str,
                                                  demo_people: dict[str, int],
                                                  tmp_path: Path) -> None:
    data = b"2026-11-27 ERROR pool exhausted\n" * 100
    first = att.add_attachment(db, ticket, demo_people["DEV002"],
                               _write(tmp_path / "a.log", data))
    version = _ticket_version(db, ticket)
    with pytest.raises(att.DuplicateAttachmentError) as info:
        att.add_attachment(db, ticket, demo_people["OP003"], _write(tmp_path / "b.log", data))
    assert info.value.existing.id == first.id
    assert "a.log" in info.value.zh and "a.log" in info.value.en
    assert "b.log" in info.value.zh
    assert _ticket_version(db, ticket) == version
    assert len(att.list_attachments(db, ticket)) == 1
    with db.read() as s:  # the refused copy left no row and no chunk behind
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1
        assert s.scalar(select(func.count()).select_from(AttachmentChunk)) == 1
    # once the first is removed, the same file may be added again
    att.remove_attachment(db, first.id, demo_people["DEV002"], "传错了")
    again = att.add_attachment(db, ticket, demo_people["OP003"], _write(tmp_path / "b.log", data))
    assert again.sha256 == first.sha256 and again.id != first.id


def test_same_file_on_another_ticket_is_fine(db: Database, ticket: str,
                                             demo_people: dict[str, int]) -> None:
    other = report_fault(db, FaultReport(FaultType.NETWORK, "办公网络", "三楼掉线",
                                         reporter_name="孙丽"), demo_people["SALES005"]).number
    a = att.add_attachment(db, ticket, demo_people["IT001"], io.BytesIO(b"x" * 10), name="x")
    b = att.add_attachment(db, other, demo_people["IT001"], io.BytesIO(b"x" * 10), name="x")
    assert a.sha256 == b.sha256 and a.ticket_id != b.ticket_id


def test_cancel_leaves_nothing(db: Database, ticket: str, demo_people: dict[str, int],
                               tmp_path: Path) -> None:
    path = _write(tmp_path / "big.bin", os.urandom(att.CHUNK_SIZE * 3))
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # after two chunks went in

    version = _ticket_version(db, ticket)
    with pytest.raises(att.UploadCancelled) as info:
        att.add_attachment(db, ticket, demo_people["DEV002"], path, cancelled=cancelled)
    assert isinstance(info.value, DeskError)
    assert "big.bin" in str(info.value)
    assert _ticket_version(db, ticket) == version
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.scalar(select(func.count()).select_from(AttachmentChunk)) == 0
        assert s.scalar(select(func.count()).select_from(Event)
                        .where(Event.action == "attach")) == 0


def test_failure_half_way_leaves_nothing(db: Database, ticket: str,
                                         demo_people: dict[str, int]) -> None:
    class Broken(io.RawIOBase):
        def __init__(self) -> None:
            self.sent = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            if self.sent >= 2 * att.CHUNK_SIZE:
                raise OSError(5, "Input/output error")
            n = min(len(buffer), 65536)
            buffer[:n] = b"a" * n
            self.sent += n
            return n

    with pytest.raises(att.AttachmentRefused) as info:
        att.add_attachment(db, ticket, demo_people["DEV002"], io.BufferedReader(Broken()),
                           name="u盘日志.log")
    assert "u盘日志.log" in str(info.value)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AttachmentChunk)) == 0


def test_check_file_refusals(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    empty = _write(tmp_path / "empty.log", b"")
    big = _write(tmp_path / "huge.bin", b"x" * 2048)
    ok = _write(tmp_path / "ok.log", b"fine")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, words in ((folder, "文件夹"), (empty, "空文件"), (big, "超过"),
                        (tmp_path / "missing.log", "找不到"), (fifo, "不是普通文件")):
        problem = att.check_file(path, 1024)
        assert problem is not None, path
        assert path.name in problem.zh and path.name in problem.en
        assert words in problem.zh
    assert att.check_file(ok, 1024) is None
    assert "folder" in (att.check_file(folder, 1024) or DeskError("", "")).en


def test_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = _write(tmp_path / "secret.log", b"x")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)  # tests run as root, who reads anything
    problem = att.check_file(secret, 1024)
    assert problem is not None
    assert "secret.log" in problem.zh and "Permission denied" in problem.en


def test_two_desks_adding_the_same_file_at_once(db: Database, ticket: str,
                                                demo_people: dict[str, int]) -> None:
    data = os.urandom(att.CHUNK_SIZE * 3)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def desk(person: str) -> None:
        def progress(done: int, total: int | None) -> None:
            if done == att.CHUNK_SIZE and db.backend != "sqlite":
                barrier.wait(10)  # both are half-way before either finishes

        try:
            results.append(att.add_attachment(db, ticket, demo_people[person],
                                              io.BytesIO(data), name=f"{person}.bin",
                                              progress=progress))
        except DeskError as exc:
            results.append(exc)

    threads = [threading.Thread(target=desk, args=(p,)) for p in ("DEV002", "OP003")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["AttachmentView", "DuplicateAttachmentError"]
    assert len(att.list_attachments(db, ticket)) == 1


def test_size_limit_from_setting(db: Database, ticket: str, demo_people: dict[str, int],
                                 tmp_path: Path) -> None:
    db.write(lambda s: team.put(s, "attachments.max_bytes", 1000))
    with pytest.raises(att.AttachmentRefused) as info:
        att.add_attachment(db, ticket, demo_people["IT001"], _write(tmp_path / "a.log", b"x" * 1001))
    assert "a.log" in str(info.value)
    # a stream of unknown length is stopped as soon as it passes the limit
    with pytest.raises(att.AttachmentRefused):
        att.add_attachment(db, ticket, demo_people["IT001"], _Unsized(b"y" * 5000), name="s.log")
    with pytest.raises(att.AttachmentRefused, match="空文件"):
        att.add_attachment(db, ticket, demo_people["IT001"], _write(tmp_path / "e.log", b""))
    with pytest.raises(att.AttachmentRefused, match="空文件"):
        att.add_attachment(db, ticket, demo_people["IT001"], _Unsized(b""), name="e2.log")
    assert att.add_attachment(db, ticket, demo_people["IT001"],
                              _write(tmp_path / "b.log", b"x" * 1000)).size == 1000


class _Unsized(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return self._data.readinto(buffer)


def test_who_may_attach(db: Database, ticket: str, demo_people: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        att.add_attachment(db, ticket, demo_people["IT001"], io.BytesIO(b"x"), name="x",
                           kind="bogus")
    with pytest.raises(DeskError, match="不存在"):
        att.add_attachment(db, ticket, 999_999, io.BytesIO(b"x"), name="x")
    with pytest.raises(DeskError):
        att.add_attachment(db, "SYS-20000101-001", demo_people["IT001"], io.BytesIO(b"x"),
                           name="x")
    # a reporter is signed in too: anyone may add evidence
    assert att.add_attachment(db, ticket, demo_people["SALES005"], io.BytesIO(b"r"),
                              name="r.txt").added_by == "孙丽"
    _set_status(db, ticket, Status.RESOLVED)
    assert att.add_attachment(db, ticket, demo_people["IT001"], io.BytesIO(b"late"),
                              name="late.log").size == 4
    for status in (Status.CANCELLED, Status.ARCHIVED):
        _set_status(db, ticket, status)
        with pytest.raises(InvalidTransitionError) as info:
            att.add_attachment(db, ticket, demo_people["IT001"], io.BytesIO(b"z"), name="z")
        assert ticket in info.value.zh


# -- hostile names and contents ----------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "stored", "mime"), [
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", "passwd", "text/plain"),
    ("C:\\x\\y.log", b"INFO started\n", "y.log", "text/plain"),
    ("con.txt", b"hello\n", "_con.txt", "text/plain"),
    ("evil\x00name.log", b"nul in name\n", "evilname.log", "text/plain"),
    ("x" * 300 + ".log", b"long name\n", "x" * 251 + ".log", "text/plain"),
    ("logo.svg", b"<svg onload='alert(1)'><script>alert(2)</script></svg>", "logo.svg",
     "image/svg+xml"),
    ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "page.html",
     "text/html"),
    ("notes.txt", PNG_1PX, "notes.txt", "image/png"),
])
def test_hostile_files_are_stored_safely(db: Database, ticket: str,
                                         demo_people: dict[str, int], tmp_path: Path,
                                         name: str, data: bytes, stored: str,
                                         mime: str) -> None:
    view = att.add_attachment(db, ticket, demo_people["DEV002"], io.BytesIO(data), name=name)
    assert (view.name, view.mime_type) == (stored, mime)
    assert not (view.is_image and mime in ("image/svg+xml", "text/html"))
    box = tmp_path / "box"
    out = box / "out"
    out.mkdir(parents=True)
    path = att.save_copy(db, view.id, out)
    assert path.parent == out.resolve()
    assert path.name == stored
    assert path.read_bytes() == data
    # nothing was written anywhere else (the folder's parent included)
    assert [p.relative_to(box) for p in box.rglob("*") if p.is_file()] == [Path("out", stored)]


def test_save_copy_never_overwrites(db: Database, ticket: str, demo_people: dict[str, int],
                                    tmp_path: Path) -> None:
    view = att.add_attachment(db, ticket, demo_people["DEV002"], io.BytesIO(b"new bytes"),
                              name="app.log")
    (tmp_path / "app.log").write_bytes(b"keep me")
    (tmp_path / "app (1).log").write_bytes(b"keep me too")
    target = tmp_path / "elsewhere.log"
    target.write_bytes(b"untouched")
    (tmp_path / "app (2).log").symlink_to(target)
    path = att.save_copy(db, view.id, tmp_path)
    assert path.name == "app (3).log"
    assert path.read_bytes() == b"new bytes"
    assert (tmp_path / "app.log").read_bytes() == b"keep me"
    assert (tmp_path / "app (1).log").read_bytes() == b"keep me too"
    assert target.read_bytes() == b"untouched"
    with pytest.raises(att.AttachmentRefused):
        att.save_copy(db, view.id, tmp_path / "app.log")  # not a folder


def test_gbk_log_decodes(db: Database, ticket: str, demo_people: dict[str, int]) -> None:
    text = "".join(f"2026-11-27 10:{i % 60:02d} 错误：订单 {i} 提交失败，数据库连接超时\r\n"
                   for i in range(50_000))
    data = text.encode("gbk")
    view = att.add_attachment(db, ticket, demo_people["DEV002"], io.BytesIO(data),
                              name="gbk.log")
    assert view.mime_type == "text/plain"
    head = att.read_range(db, view.id, 0, att.CHUNK_SIZE + 7)
    decoded, encoding = att.decode_text(head, final=False)
    assert encoding == "gb18030"
    assert decoded.startswith("2026-11-27 10:00 错误：订单 0 提交失败")
    assert text.startswith(decoded)


# -- removing ----------------------------------------------------------------------------


def test_removal_rules(db: Database, ticket: str, demo_people: dict[str, int]) -> None:
    mine = att.add_attachment(db, ticket, demo_people["DEV002"], io.BytesIO(b"mine"), name="m")
    other = att.add_attachment(db, ticket, demo_people["DEV002"], io.BytesIO(b"other"),
                               name="o")
    third = att.add_attachment(db, ticket, demo_people["DEV002"], io.BytesIO(b"third"),
                               name="t")
    with pytest.raises(PermissionDeniedError) as info:
        att.remove_attachment(db, mine.id, demo_people["OP003"], "不是我的")
    assert "赵敏" in info.value.zh
    version = _ticket_version(db, ticket)
    removed = att.remove_attachment(db, mine.id, demo_people["DEV002"], "传错文件")
    assert removed.removed and removed.removed_by == "王强"
    assert _ticket_version(db, ticket) == version + 1
    with pytest.raises(InvalidTransitionError):
        att.remove_attachment(db, mine.id, demo_people["DEV002"])
    att.remove_attachment(db, other.id, demo_people["LEAD01"], "主管清理")
    assert [v.id for v in att.list_attachments(db, ticket)] == [third.id]
    assert [v.id for v in att.list_attachments(db, ticket, include_removed=True)] == \
        [mine.id, other.id, third.id]
    # the bytes are kept for the record
    assert b"".join(att.iter_chunks(db, mine.id)) == b"mine"
    with db.read() as s:
        ev = s.scalars(select(Event).where(Event.action == "remove_attachment")
                       .order_by(Event.id)).first()
        assert ev is not None and ev.reason == "传错文件" and ev.details["name"] == "m"
    for status in (Status.RESOLVED, Status.ARCHIVED, Status.CANCELLED):
        _set_status(db, ticket, status)
        with pytest.raises(InvalidTransitionError):
            att.remove_attachment(db, third.id, demo_people["CTO01"])
    assert not att.get_attachment(db, third.id).removed


# -- the CLI -----------------------------------------------------------------------------


def test_cli(db: Database, db_url: str, ticket: str, tmp_path: Path,
             capsys: pytest.CaptureFixture[str]) -> None:
    log = _write(tmp_path / "app.log", "ERROR 数据库连接失败\n".encode())
    shot = _write(tmp_path / "shot.png", PNG_1PX)
    folder = tmp_path / "folder"
    folder.mkdir()
    empty = _write(tmp_path / "empty.log", b"")
    code = cli_main(["--db", db_url, "attach", ticket, str(log), str(folder), str(shot),
                     str(empty), "--note", "现场收集", "--as", "DEV002"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "folder" in err and "empty.log" in err
    assert "app.log" not in err and "shot.png" not in err
    assert len(out.strip().splitlines()) == 2

    assert cli_main(["--db", db_url, "attachments", ticket, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["kind"], r["mime_type"]) for r in rows] == [
        ("app.log", "log", "text/plain"), ("shot.png", "screenshot", "image/png")]
    assert rows[0]["sha256"] == hashlib.sha256(log.read_bytes()).hexdigest()
    assert rows[0]["note"] == "现场收集"

    assert cli_main(["--db", db_url, "attach", ticket, str(log), "--as", "OP003"]) == 1
    assert "app.log" in capsys.readouterr().err  # the duplicate, named

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert cli_main(["--db", db_url, "attachment", "save", str(rows[0]["id"]),
                     "-o", str(out_dir)]) == 0
    saved = Path(capsys.readouterr().out.strip())
    assert saved.parent == out_dir.resolve() and saved.read_bytes() == log.read_bytes()

    assert cli_main(["--db", db_url, "attachment", "remove", str(rows[1]["id"]),
                     "--as", "OP003"]) == 1
    assert "无权" in capsys.readouterr().err
    assert cli_main(["--db", db_url, "attachment", "remove", str(rows[1]["id"]),
                     "--as", "DEV002", "--reason", "重复"]) == 0
    capsys.readouterr()
    assert cli_main(["--db", db_url, "attachments", ticket]) == 0
    listing = capsys.readouterr().out
    assert "app.log" in listing and "shot.png" not in listing
    assert cli_main(["--db", db_url, "attachments", ticket, "--all"]) == 0
    assert "shot.png" in capsys.readouterr().out
    assert cli_main(["--db", db_url, "attachment", "save", "999999", "-o", str(out_dir)]) == 1
    assert "999999" in capsys.readouterr().err
