"""What the command line prints: text from the database made safe for a terminal, in
the language chosen with ``--lang``, and argument types that refuse nonsense early."""

from __future__ import annotations

import argparse
import re
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

from desk.errors import DeskError, pick

# C0 and C1 controls and DEL: printed raw they drive the terminal (titles, clearing it)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return {9: "\\t", 10: "\\n", 13: "\\r"}.get(code, f"\\x{code:02x}")


def safe(text: object, one_line: bool = True) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``).

    ``one_line`` escapes line breaks and tabs too (a queue row); otherwise they are kept
    (a field shown on its own lines).
    """
    value = "" if text is None else str(text)
    return (_CONTROL_ONE_LINE if one_line else _CONTROL).sub(_escape, value)


def label(thing: object) -> str:
    """The label of a level, state, type or role in the chosen language."""
    return pick(str(getattr(thing, "label_zh", thing)), str(getattr(thing, "label_en", thing)))


def columns(rows: list[list[str]], gap: str = "  ") -> list[str]:
    """Rows of cells as lines, each column padded to its widest cell as a terminal
    shows it (a Chinese character takes two columns); the last cell is not padded."""
    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    widths = [max((width(r[i]) for r in rows if i < len(r)), default=0)
              for i in range(max((len(r) for r in rows), default=0))]
    return [gap.join(cell + " " * (widths[i] - width(cell)) if i < len(r) - 1 else cell
                     for i, cell in enumerate(r)) for r in rows]


def count(lowest: int, highest: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``lowest`` to ``highest``."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(
                pick(f"须为整数：{text}", f"not a whole number: {text}")) from None
        if not lowest <= value <= highest:
            raise argparse.ArgumentTypeError(pick(
                f"须在 {lowest} 与 {highest} 之间：{text}",
                f"must lie between {lowest} and {highest}: {text}"))
        return value

    return parse


ROW_ID = count(1, 2**31 - 1)  # ids are 32-bit on PostgreSQL


CALENDAR_FILE_MAX = 1024 * 1024  # a year of holidays is a few kilobytes


def read_small_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    A device, a FIFO or a folder is refused before it is opened (``/dev/zero`` would
    never end, a FIFO would wait for a writer), and so is a file that is too large.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise DeskError(f"无法读取文件 {path}：{exc.strerror}",
                        f"Cannot read {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise DeskError(f"{path} 不是普通文件。", f"{path} is not a regular file.")
    if info.st_size > max_bytes:
        raise DeskError(f"文件 {path} 过大（{info.st_size} 字节，最多 {max_bytes} 字节）。",
                        f"The file {path} is too large ({info.st_size} bytes, at most "
                        f"{max_bytes}).")
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise DeskError(f"无法读取文件 {path}：{exc.strerror}",
                        f"Cannot read {path}: {exc.strerror}") from exc
    if len(data) > max_bytes:  # it grew while we looked
        raise DeskError(f"文件 {path} 过大。", f"The file {path} is too large.")
    return data
