"""Why a deadline is what it is, for the ticket panel: the clock kind, the periods that
counted and the pauses, as the tooltip and the line under the SLA clocks.

A module of its own so the ticket panel only calls ``explanation_html``.
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from desk.read.clocks import ClockExplanation
from desk.rules.sla import Explained
from desk.rules.timeutil import format_local


def tr(text: str) -> str:
    return QCoreApplication.translate("DeadlineExplain", text)


def weekday(index: int) -> str:
    return (tr("周一"), tr("周二"), tr("周三"), tr("周四"), tr("周五"), tr("周六"),
            tr("周日"))[index]


def clock_kind_text(kind: str) -> str:
    return {"clock": tr("全天候计时"), "workdays": tr("按工作日计时"),
            "duty": tr("按值班时间计时")}[kind]


def _hours(minutes: float) -> str:
    whole = int(round(minutes))
    return f"{whole // 60}:{whole % 60:02d}"


def _periods(e: Explained, tz: ZoneInfo) -> list[str]:
    out = []
    for p in e.periods:
        start, end = p.start.astimezone(tz), p.end.astimezone(tz)
        end_text = "24:00" if end.date() != start.date() else f"{end:%H:%M}"
        out.append(f"{start:%m-%d} {weekday(start.weekday())} {start:%H:%M}–{end_text}"
                   f" ({_hours(p.minutes)})")
    return out


def explanation_html(x: ClockExplanation, tz: ZoneInfo) -> str:
    """Both clocks: kind, deadline and the periods that counted; then the pauses."""
    parts = []
    for name, e in ((tr("响应"), x.respond), (tr("恢复"), x.restore)):
        head = tr("<b>{0}</b> {1}，截止 {2}，计入 {3}").format(
            name, clock_kind_text(e.clock.value), format_local(e.deadline.due_at, tz),
            _hours(e.counted_minutes))
        parts.append(head + "<br>" + "<br>".join(_periods(e, tz)))
    if x.respond.clock.value == "duty" or x.restore.clock.value == "duty":
        parts.append(tr("值班时间（工作日）：{0}").format(x.duty.describe()))
    for p in x.pauses:
        end = format_local(p.ended_at, tz) if p.ended_at else tr("暂停中")
        parts.append(tr("暂停 {0} – {1}：{2}（{3}）").format(
            format_local(p.started_at, tz), end, html.escape(p.reason), html.escape(p.started_by)))
    return "<br><br>".join(parts)
