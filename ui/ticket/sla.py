"""The SLA line above the record table: both clocks (响应, 恢复), coloured by state."""

from __future__ import annotations

import html
import re
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desk.db import Database
from desk.read import clocks
from desk.rules.sla import ClockStatus
from desk.rules.timeutil import format_local
from ui import deadline_explain, scheme, spans, tasks
from ui.labels import label as tr_label

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


def unbroken(text: str) -> str:
    """``text`` as one piece the line never breaks inside (escaped for rich text).

    Chinese may break between any two characters, so a label that wraps could show
    已达/成; a word joiner between the characters and no-break spaces keep a piece
    together, and the line breaks only between pieces.
    """
    return html.escape(WORD_JOINER.join(text).replace(" ", NO_BREAK_SPACE), quote=False)


def plain(rich: str) -> str:
    """What a rich SLA line reads as (tags, joiners and entities gone)."""
    text = re.sub(r"<br\s*/?>", "\n", rich)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text.replace(WORD_JOINER, "").replace(NO_BREAK_SPACE, " ").strip()


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
        self._view: clocks.TicketClocks | None = None

    def clear(self) -> None:
        super().clear()
        self.setToolTip("")
        self._shown = None
        self._view = None

    def repaint_colours(self) -> None:
        """The clocks' colours for the scheme now shown (the window calls this)."""
        if self._view is not None:
            self._render(self._view)

    def show_clocks(self, ticket_id: int) -> None:
        self.setToolTip("")
        self._shown = ticket_id
        sla_view = clocks.ticket_sla(self.db, ticket_id)
        self._view = sla_view
        self._render(sla_view)
        # why the deadlines are what they are: the periods that counted (hover), read on
        # the thread pool; an answer for a ticket no longer shown is dropped
        db, tz = self.db, self.tz

        def shown(explanation: clocks.ClockExplanation) -> None:
            if self._shown == ticket_id:
                self.setToolTip(deadline_explain.explanation_html(explanation, tz))

        tasks.run(lambda: clocks.explain_ticket(db, ticket_id), shown, lambda _exc: None)

    def _render(self, sla_view: clocks.TicketClocks) -> None:
        text = " ".join(self.clock_html(c) for c in (sla_view.respond, sla_view.restore))
        total = spans.span(sla_view.respond.paused)
        if sla_view.paused:
            text += "<br>" + html.escape(tr("已暂停：{0}（暂停合计 {1}）").format(
                sla_view.pause_reason, total))
        elif sla_view.respond.paused:
            text += "<br>" + unbroken(tr("暂停合计 {0}").format(total))
        self.setText(text)
        self.setAccessibleName(tr("时限"))
        self.setAccessibleDescription(self.plain_text())

    def plain_text(self) -> str:
        """The line as it reads, without markup (screen readers, tests)."""
        return plain(self.text())

    def clock_html(self, c: ClockStatus) -> str:
        """One clock as three pieces that never break inside: which clock, until when,
        and how it stands (the time left, or how far it is overdue, in ``ui.spans``)."""
        name = tr("响应") if c.name == "respond" else tr("恢复")
        colour = scheme.colours().clock(c.state.value)
        est = tr("（估算）") if c.estimated else ""
        kind = deadline_explain.clock_kind_text(c.clock.value)
        name = tr("{0}（{1}）").format(name, kind)
        due = f"{tr('截止')} {format_local(c.due_at, self.tz)}{est}"
        state = tr_label(c.state.label_zh)
        if c.met_at or c.state.value in ("paused", "cancelled"):
            standing = state
        elif c.remaining.total_seconds() < 0:
            standing = spans.left_or_over(c.remaining)  # 已超时 7小时02分
        else:
            standing = tr("{0}，{1}").format(state, spans.left_or_over(c.remaining))
        pieces = " ".join(unbroken(p) for p in (f"■ {name}", due, standing))
        return (f"<span style='color:{colour}'>{pieces}</span>"
                "&nbsp;&nbsp; ")
