"""The one way Desk writes a span of time: remaining, overdue, paused, how long something
took — in the window, on the command line and in the documents.

``5天23小时`` / ``23小时04分`` / ``4分`` in Chinese, ``5d 23h`` / ``23h 04m`` / ``4m``
in English: days and hours from a day on, hours and minutes from an hour on, minutes
below. Whole minutes are counted down (59 seconds left is ``0分``). A deadline still
ahead reads ``剩余 4分`` (``4m left``), one passed ``已超时 15分`` (``Overdue 15m``), a
clock stopped after its deadline ``超时 15分`` (``15m late``).

Pure code: the words come in as a ``Words`` (the window passes its translations,
``ui.spans``; the command line and the documents take ``CHINESE`` or ``ENGLISH``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Words:
    """The templates a span is written with (``{0}``, ``{1}``: the numbers)."""

    days: str  # {0}天{1}小时
    hours: str  # {0}小时{1}分 (the minutes two digits)
    minutes: str  # {0}分
    left: str  # 剩余 {0}: a deadline still ahead
    over: str  # 已超时 {0}: a deadline passed, the clock still running
    late: str  # 超时 {0}: a clock stopped after its deadline


CHINESE = Words(days="{0}天{1}小时", hours="{0}小时{1}分", minutes="{0}分",
                left="剩余 {0}", over="已超时 {0}", late="超时 {0}")
ENGLISH = Words(days="{0}d {1}h", hours="{0}h {1}m", minutes="{0}m",
                left="{0} left", over="Overdue {0}", late="{0} late")


def words(english: bool) -> Words:
    return ENGLISH if english else CHINESE


def span(delta: timedelta, words: Words = CHINESE) -> str:
    """The length of ``delta`` (its sign ignored)."""
    minutes = int(abs(delta.total_seconds())) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return words.days.format(days, hours)
    if hours:
        return words.hours.format(hours, f"{minutes:02d}")
    return words.minutes.format(minutes)


def left_or_over(delta: timedelta, words: Words = CHINESE) -> str:
    """``剩余 …`` for time still left, ``已超时 …`` for a deadline passed (``delta`` is
    the deadline minus now)."""
    template = words.over if delta.total_seconds() < 0 else words.left
    return template.format(span(delta, words))


def margin_or_late(delta: timedelta, words: Words = CHINESE) -> str:
    """A stopped clock: the margin it was met with (``1小时05分``), or ``超时 …`` when it
    stopped after its deadline (``delta`` is the deadline minus when it stopped)."""
    if delta.total_seconds() < 0:
        return words.late.format(span(delta, words))
    return span(delta, words)
