"""The one way the window writes a span of time: remaining, overdue and paused.

``5天23小时`` / ``23小时04分`` / ``4分`` in Chinese, ``5d 23h`` / ``23h 04m`` / ``4m``
in English: days and hours from a day on, hours and minutes from an hour on, minutes
below. Whole minutes are counted down (59 seconds left is ``0分``). The queue's
剩余时间 column, the ticket's SLA line and the major incident's next deadline all
use it, so one ticket reads the same wherever it is shown.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    return QCoreApplication.translate("Spans", text)


def span(delta: timedelta) -> str:
    """The length of ``delta`` (its sign ignored), in the interface language."""
    minutes = int(abs(delta.total_seconds())) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return tr("{0}天{1}小时").format(days, hours)
    if hours:
        return tr("{0}小时{1}分").format(hours, f"{minutes:02d}")
    return tr("{0}分").format(minutes)


def left_or_over(delta: timedelta) -> str:
    """``剩余 …`` for time still left, ``已超时 …`` for a deadline passed (``delta`` is
    the deadline minus now)."""
    if delta.total_seconds() < 0:
        return tr("已超时 {0}").format(span(delta))
    return tr("剩余 {0}").format(span(delta))
