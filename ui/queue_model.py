"""The queue: a table model that pages tickets in from the database as the view scrolls.

It holds one page of ``TicketRow`` plain rows at a time per fetched block and asks
the database for more only when the view needs them (``canFetchMore``/``fetchMore``),
so a queue over hundreds of thousands of tickets opens with one small query. Sorting
and filtering happen in SQL (``desk.read.queue.TicketQuery``). The remaining-time column
is computed from stored deadlines at paint time, so a once-a-minute repaint costs no
query.

Loading runs on the thread pool (``set_query``, ``reload``, ``fetchMore`` return at once).

Signals:
    loaded(int): an answer to ``set_query``/``reload`` is shown; the number of matching
        tickets (capped at ``COUNT_CAP``).
    page_loaded(int): a further page is appended; the rows now held.
    busy_changed(bool): a load started or the last one finished.
    failed(object): a load failed (the exception); the rows on screen stay.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from desk.db import Database
from desk.read import queue as tickets
from desk.read.queue import TicketQuery
from desk.read.tickets import TicketRow
from models import FaultLevel, FaultType, Status
from ui import scheme, spans, tasks
from ui.labels import label as tr_label

PAGE = 200
TICKET_MIME = "application/x-desk-ticket-number"  # a dragged row's fault number
COUNT_CAP = 10_000
MAX_KEPT = 10 * PAGE  # a reload reads back at most this many of the rows on screen

Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("QueueModel", text)


# what a fault is and how urgent, then 剩余时间 (time left, coloured by urgency): at
# 1024 px these are in view beside the ticket panel in either language; then how it
# stands and the two deadlines, in view without scrolling sideways from 1366 px on
COLUMNS: list[tuple[str, str]] = [
    ("number", "故障编号"),
    ("level", "等级"),
    ("remaining", "剩余时间"),
    ("status", "状态"),
    ("respond_due_at", "响应截止"),
    ("restore_due_at", "恢复截止"),
    ("affected_business", "受影响业务"),
    ("fault_type", "类型"),
    ("assignee", "处理人"),
    ("reporter_name", "发觉人"),
    ("reported_at", "报告时间"),
]
KEYS = [key for key, _label in COLUMNS]
REMAINING = KEYS.index("remaining")
DEADLINES = ("remaining", "respond_due_at", "restore_due_at")
ESSENTIAL = ("number", "level", "remaining")  # in view at 1024 px beside the ticket panel

_ICONS: dict[tuple[str, bool], QIcon] = {}


def dot_icon(colour: str, square: bool = False) -> QIcon:
    """A small round (level) or square (state) mark, drawn at 4× so it stays sharp on
    high-DPI screens; cached per colour."""
    key = (colour, square)
    icon = _ICONS.get(key)
    if icon is None:
        pixmap = QPixmap(64, 64)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        if square:
            painter.drawRoundedRect(12, 12, 40, 40, 8, 8)
        else:
            painter.drawEllipse(8, 8, 48, 48)
        painter.end()
        icon = _ICONS[key] = QIcon(pixmap)
    return icon


# the roles ``TicketTableModel.data`` answers
_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.UserRole, Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole))
# (what QAbstractTableModel gives a valid cell, and dragging)
_CELL_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
               | Qt.ItemFlag.ItemNeverHasChildren | Qt.ItemFlag.ItemIsDragEnabled)


class TicketTableModel(QAbstractTableModel):
    """Rows of the queue, fetched lazily in pages."""

    loaded = Signal(int)
    page_loaded = Signal(int)
    busy_changed = Signal(bool)
    failed = Signal(object)

    def __init__(self, db: Database, tz: ZoneInfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tz = tz
        self.query = TicketQuery()
        self.rows: list[TicketRow] = []
        self.total = 0
        self.capped = False
        self._last_page_full = False
        self.fetched_pages = 0
        self.now: datetime = db.now()
        self._loads = tasks.Latest(self, self._idle)
        self._pages = tasks.Latest(self, self._idle)

    # -- loading --------------------------------------------------------------------
    #
    # Every query runs on the thread pool: a broad search over a million tickets can take
    # longer than a frame, and the window must keep painting and taking keys meanwhile.
    # The rows on screen stay until the answer arrives; an answer to a query that has
    # been replaced since is dropped (``tasks.Latest``).

    def set_query(self, query: TicketQuery) -> None:
        """Show the first page of another query."""
        self.query = query
        self._start(keep=0)

    def reload(self) -> None:
        """Read the same query again (after a change here or on another desk).

        As many rows as are on screen are read back, so a person who scrolled down keeps
        the place; when nothing changed, the model is left alone (no reset, selection
        and scroll position stay).
        """
        self._start(keep=min(len(self.rows), MAX_KEPT))

    @property
    def busy(self) -> bool:
        """A load or a page is on its way."""
        return self._loads.busy or self._pages.busy

    def _start(self, keep: int) -> None:
        db, query = self.db, self.query
        limit = max(keep, PAGE)

        def load() -> tuple[datetime, int, list[TicketRow]]:
            # counting stops at COUNT_CAP: over a million tickets an exact count of a broad
            # search costs a second, and nobody scrolls through ten thousand rows
            total = tickets.count_tickets(db, query, at_most=COUNT_CAP)
            return db.now(), total, tickets.list_tickets(db, query, 0, limit)

        self._pages.cancel()  # a page of the old answer must not land in the new one
        self._loads.run(load, self._loaded, self._failed)
        self.busy_changed.emit(True)

    def _loaded(self, answer: tuple[datetime, int, list[TicketRow]]) -> None:
        now, total, rows = answer
        self.now = now
        if not (total == self.total and rows == self.rows):  # else: the same on screen
            self.beginResetModel()
            self.total = total
            self.rows = rows
            self.fetched_pages = -(-len(rows) // PAGE) if rows else 1
            self.endResetModel()
        self.capped = total >= COUNT_CAP
        self._last_page_full = len(rows) >= PAGE and len(rows) % PAGE == 0
        self.loaded.emit(self.total)

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(exc)

    def _idle(self) -> None:
        if not self.busy:
            self.busy_changed.emit(False)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or self._loads.busy:
            return False
        return len(self.rows) < self.total or (self.capped and self._last_page_full)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        """Ask for the next page; it is appended when it arrives (one at a time)."""
        if parent.isValid() or self._pages.busy or not self.canFetchMore():
            return
        db, query, offset = self.db, self.query, len(self.rows)
        self._pages.run(lambda: tickets.list_tickets(db, query, offset, PAGE),
                        lambda more: self._append(offset, more), self._failed)
        self.busy_changed.emit(True)

    def _append(self, offset: int, more: list[TicketRow]) -> None:
        if offset != len(self.rows):  # the model changed under this page
            return
        if not more:
            self.total = len(self.rows)
            self.capped = self._last_page_full = False
        else:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows.extend(more)
            self.fetched_pages += 1
            self._last_page_full = len(more) == PAGE
            self.total = max(self.total, len(self.rows))
            self.endInsertRows()
        self.page_loaded.emit(len(self.rows))

    def tick(self) -> None:
        """Repaint the countdown column (no query)."""
        self.now = self.db.now()
        if self.rows:
            col = REMAINING
            self.dataChanged.emit(self.index(0, col), self.index(len(self.rows) - 1, col))

    # -- the model interface ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(COLUMNS):
            return tr(COLUMNS[section][1])
        return None

    # a row dragged out carries its fault number (dropped on the links form, ui.links)
    def flags(self, index: Index) -> Qt.ItemFlag:
        # the view asks for every cell it paints: one constant, not three calls into Qt
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [TICKET_MIME, "text/plain"]

    def mimeData(self, indexes: Any) -> QMimeData:  # noqa: N802
        numbers = list(dict.fromkeys(self.rows[i.row()].number for i in indexes
                                     if i.isValid() and 0 <= i.row() < len(self.rows)))
        mime = QMimeData()
        if numbers:
            mime.setData(TICKET_MIME, numbers[0].encode("utf-8"))
            mime.setText("\n".join(numbers))
        return mime

    def row_at(self, row: int) -> TicketRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, ticket_id: int) -> int:
        for i, r in enumerate(self.rows):
            if r.id == ticket_id:
                return i
        return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks some eight roles of every cell it paints, most of which this
        # model never sets (font, alignment, check state, background...): those are
        # answered first, before the index is even looked at.
        if role not in _ROLES:
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self.rows) or not 0 <= column < len(COLUMNS):
            return None  # (an invalid index has row -1)
        r = self.rows[row]
        key = COLUMNS[column][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, key)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "level":
                return dot_icon(scheme.colours().levels[int(r.level)])
            if key == "status":
                return dot_icon(scheme.colours().state(r.status), square=True)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "level":
                return QBrush(QColor(scheme.colours().levels[int(r.level)]))
            if key == "remaining":
                colour = self._remaining_colour(r)
                return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "affected_business":
                return r.affected_business
            if self._estimated(r, key):
                return self.tr("估算：日历里还没有这一年，按周一至周五为工作日计算")
        return None

    @staticmethod
    def _estimated(r: TicketRow, key: str) -> bool:
        if key == "respond_due_at":
            return r.respond_due_estimated and r.respond_due_at is not None
        if key == "restore_due_at":
            return r.restore_due_estimated and r.restore_due_at is not None
        return False

    def widest_texts(self, key: str) -> list[str]:
        """The longest texts column ``key`` can show in the interface language: the
        window sizes its columns from them, so no header or cell is cut in either
        language."""
        if key == "number":
            return ["DATA-20261231-000"]
        if key == "level":
            return [tr_label(lv.label_zh) for lv in FaultLevel]
        if key == "status":
            return [tr_label(s.label_zh) for s in Status]
        if key == "fault_type":
            return [tr_label(t.label_zh) for t in FaultType]
        if key == "remaining":
            return [spans.left_or_over(-timedelta(days=88, hours=23)).strip(),
                    spans.span(timedelta(days=88, hours=23)),
                    spans.span(timedelta(hours=23, minutes=59)), self.tr("已暂停")]
        if key in ("respond_due_at", "restore_due_at"):
            return [f"12-31 23:59 {self.tr('估算')}"]
        if key == "reported_at":
            return ["12-31 23:59"]
        if key in ("assignee", "reporter_name"):
            return ["欧阳明月"]
        return []

    def _local(self, moment: datetime | None) -> str:
        return moment.astimezone(self.tz).strftime("%m-%d %H:%M") if moment else ""

    def _text(self, r: TicketRow, key: str) -> str:
        if key == "level":
            return tr_label(r.level.label_zh)
        if key == "status":
            return tr_label(r.status.label_zh)
        if key == "fault_type":
            return tr_label(r.fault_type.label_zh)
        if key == "assignee":
            return r.assignee_name
        if key == "reported_at":
            return self._local(r.reported_at)
        if key in ("respond_due_at", "restore_due_at"):
            estimated = (r.respond_due_estimated if key == "respond_due_at"
                         else r.restore_due_estimated)
            text = self._local(getattr(r, key))
            # the calendar lacks a year the deadline runs over: Monday to Friday assumed
            return f"{text} {self.tr('估算')}" if text and estimated else text
        if key == "remaining":
            if r.paused and not r.status.is_closed:
                return self.tr("已暂停")
            due = self._running_due(r)
            if due is None:
                return ""
            left = due - self.now
            # the same words as the SLA line: 23小时04分 left, 已超时 7分 past the deadline
            return spans.span(left) if left.total_seconds() >= 0 else spans.left_or_over(left)
        return str(getattr(r, key))

    def _running_due(self, r: TicketRow) -> datetime | None:
        """The deadline of the clock still running, if any."""
        return r.running_due()

    def _remaining_colour(self, r: TicketRow) -> QColor | None:
        due = self._running_due(r)
        if due is None or r.paused:
            return None
        left = (due - self.now).total_seconds()
        shown = scheme.colours()
        if left < 0:
            return QColor(shown.overdue)
        if left < 30 * 60:
            return QColor(shown.soon)
        return QColor(shown.in_time)

    def repaint_colours(self) -> None:
        """The colour scheme changed: the views ask for the coloured roles again."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.ForegroundRole,
                                   Qt.ItemDataRole.DecorationRole])


def status_filter(view: str) -> tuple[Status, ...]:
    """The statuses of a named queue view."""
    return {
        "reported": (Status.REPORTED,),
        "resolved": (Status.RESOLVED, Status.ARCHIVED),
    }.get(view, ())
