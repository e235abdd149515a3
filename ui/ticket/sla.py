"""The SLA line above the record table: both clocks (响应, 恢复), coloured by state."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desk.db import Database
from desk.read import clocks
from desk.rules.sla import ClockStatus, format_remaining
from desk.rules.timeutil import format_local
from ui.labels import label as tr_label

CLOCK_COLOURS = {"running": "#2e7d32", "warning": "#ef6c00", "breached": "#c62828",
                 "met": "#2e7d32", "met_late": "#c62828"}


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

    def show_clocks(self, ticket_id: int) -> None:
        respond, restore = clocks.ticket_clocks(self.db, ticket_id)
        self.setText(" ".join(self.clock_html(c) for c in (respond, restore)))

    def clock_html(self, c: ClockStatus) -> str:
        name = tr("响应") if c.name == "respond" else tr("恢复")
        colour = CLOCK_COLOURS[c.state.value]
        est = tr("（估算）") if c.estimated else ""
        if c.met_at:
            remaining = ""
        elif c.remaining.total_seconds() < 0:
            remaining = tr("已超出 ") + format_remaining(-c.remaining)
        else:
            remaining = tr("剩余 ") + format_remaining(c.remaining)
        return (f"<span style='color:{colour}'>■ {name} {tr('截止')} "
                f"{format_local(c.due_at, self.tz)}{est} {tr_label(c.state.label_zh)} "
                f"{remaining}</span>&nbsp;&nbsp;")
