"""Pieces several documents share: team lines, the timeline, attachments with pictures.

The data classes hold plain text (already in the desk's local time) and, for a
screenshot, its bytes; the functions turn them into flowables for ``reports.layout``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable

from reports.layout import grid_table, mm, picture


@dataclass(frozen=True)
class TeamLine:
    duty: str  # already a label, e.g. "主责工程师"
    name: str
    contact: str = ""
    department: str = ""


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the ticket: when (local, to the minute), who, what, and a short note."""

    at: str
    who: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class AttachmentItem:
    """An attached file by name; ``image`` holds the bytes of a screenshot to print."""

    name: str
    kind: str
    size: str = ""
    added_by: str = ""
    added_at: str = ""
    note: str = ""
    image: bytes | None = None


@dataclass(frozen=True)
class Measure:
    """An improvement or prevention measure with who owns it and by when."""

    text: str
    owner: str = ""
    deadline: str = ""


def team_table(team: Sequence[TeamLine]) -> Flowable:
    return grid_table(
        ["职责", "姓名", "部门", "联系方式"],
        [[t.duty, t.name, t.department, t.contact] for t in team],
        [36 * mm, 40 * mm, 44 * mm, 54 * mm],
    )


def timeline_table(entries: Sequence[TimelineEntry]) -> Flowable:
    return grid_table(
        ["时间", "操作人", "操作", "说明"],
        [[e.at, e.who, e.action, e.note] for e in entries],
        [32 * mm, 22 * mm, 34 * mm, 86 * mm],
    )


def attachments_table(items: Sequence[AttachmentItem]) -> Flowable:
    return grid_table(
        ["序号", "文件名", "类别", "大小", "添加人 / 时间", "说明"],
        [[str(i), a.name, a.kind, a.size, f"{a.added_by}\n{a.added_at}".strip(), a.note]
         for i, a in enumerate(items, 1)],
        [12 * mm, 50 * mm, 24 * mm, 17 * mm, 32 * mm, 39 * mm],
    )


def pictures(items: Sequence[AttachmentItem]) -> list[Flowable]:
    """Every screenshot as a picture with its number and name under it."""
    return [picture(a.image, caption=f"图 {i}：{a.name}")
            for i, a in enumerate((a for a in items if a.image), 1) if a.image]


def measures_table(measures: Sequence[Measure]) -> Flowable:
    return grid_table(
        ["序号", "改进措施", "责任人", "完成期限"],
        [[str(i), m.text, m.owner, m.deadline] for i, m in enumerate(measures, 1)],
        [12 * mm, 106 * mm, 26 * mm, 30 * mm],
    )


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def lines(value: str) -> str:
    """Text as given, or an empty string (the layout prints a blank line to fill in)."""
    return value.strip() if value else ""


__all__ = ["AttachmentItem", "Measure", "TeamLine", "TimelineEntry", "attachments_table",
           "format_size", "lines", "measures_table", "pictures", "team_table", "timeline_table"]
