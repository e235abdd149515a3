"""The SLA line above the record table: both clocks (响应, 恢复), coloured by state."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desk.db import Database
from desk.read import clocks
from desk.rules.sla import ClockStatus, format_remaining
from desk.rules.timeutil import format_local
from ui import deadline_explain, tasks
from ui.labels import label as tr_label

CLOCK_COLOURS = {"running": "#2e7d32", "warning": "#ef6c00", "breached": "#c62828",
                 "met": "#2e7d32", "met_late": "#c62828", "paused": "#546e7a",
                 "cancelled": "#757575"}


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class SlaLine(QLabel):
    """Due times, states and time left of a ticket's two clocks (``slaPanel``)."""

    def __init__(self, db: Database, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tz = tz
        self.setObjectName("slaPanel")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self._shown: int | None = None

    def clear(self) -> None:
        super().clear()
        self.setToolTip("")
        self._shown: int | None = None

    def show_clocks(self, ticket_id: int) -> None:
        self.setToolTip("")
        self._shown = ticket_id
        sla_view = clocks.ticket_sla(self.db, ticket_id)
        text = " ".join(self.clock_html(c) for c in (sla_view.respond, sla_view.restore))
        total = format_remaining(sla_view.respond.paused)
        if sla_view.paused:
            text += "<br>" + tr("已暂停：{0}（暂停合计 {1}）").format(
                html.escape(sla_view.pause_reason), total)
        elif sla_view.respond.paused:
            text += "<br>" + tr("暂停合计 {0}").format(total)
        self.setText(text)
        # why the deadlines are what they are: the periods that counted (hover), read on
        # the thread pool; an answer for a ticket no longer shown is dropped
        db, tz = self.db, self.tz

        def shown(explanation: clocks.ClockExplanation) -> None:
            if self._shown == ticket_id:
                self.setToolTip(deadline_explain.explanation_html(explanation, tz))

        tasks.run(lambda: clocks.explain_ticket(db, ticket_id), shown, lambda _exc: None)

    def clock_html(self, c: ClockStatus) -> str:
        name = tr("响应") if c.name == "respond" else tr("恢复")
        colour = CLOCK_COLOURS[c.state.value]
        est = tr("（估算）") if c.estimated else ""
        kind = deadline_explain.clock_kind_text(c.clock.value)
        if c.met_at or c.state.value in ("paused", "cancelled"):
            remaining = ""
        elif c.remaining.total_seconds() < 0:
            remaining = tr("已超出 ") + format_remaining(-c.remaining)
        else:
            remaining = tr("剩余 ") + format_remaining(c.remaining)
        name = tr("{0}（{1}）").format(name, kind)
        return (f"<span style='color:{colour}'>■ {name} {tr('截止')} "
                f"{format_local(c.due_at, self.tz)}{est} {tr_label(c.state.label_zh)} "
                f"{remaining}</span>&nbsp;&nbsp;")
