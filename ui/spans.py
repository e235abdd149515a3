"""The one way the window writes a span of time: remaining, overdue and paused.

``5天23小时`` / ``23小时04分`` / ``4分`` in Chinese, ``5d 23h`` / ``23h 04m`` / ``4m``
in English (the rules: ``desk.rules.spans``, which the command line and the documents
use too). The queue's 剩余时间 column, the ticket's SLA line and the major incident's
next deadline all use it, so one ticket reads the same wherever it is shown.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication

from desk.rules import spans as rules


def tr(text: str) -> str:
    return QCoreApplication.translate("Spans", text)


def words() -> rules.Words:
    """The templates in the interface language (English from the translations)."""
    return rules.Words(days=tr("{0}天{1}小时"), hours=tr("{0}小时{1}分"), minutes=tr("{0}分"),
                       left=tr("剩余 {0}"), over=tr("已超时 {0}"), late=tr("超时 {0}"))


def span(delta: timedelta) -> str:
    """The length of ``delta`` (its sign ignored), in the interface language."""
    return rules.span(delta, words())


def left_or_over(delta: timedelta) -> str:
    """``剩余 …`` for time still left, ``已超时 …`` for a deadline passed (``delta`` is
    the deadline minus now)."""
    return rules.left_or_over(delta, words())
