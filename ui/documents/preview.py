"""The PDF preview: a document built off the GUI thread, its pages, zoom and thumbnails.

``PdfPreviewDialog`` shows a document's pages in a scroll area (rendered page by page
off the GUI thread, nearest the view first; pages far from the view are dropped again
so a 50-page record does not hold 50 bitmaps), with zoom, page navigation, thumbnails
(``ThumbnailModel``), print, save as PDF and issuing a notice
(``ui.documents.notice``). ``build_document`` makes what a preview shows.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.process import notices, people
from desk.process.people import PersonView
from desk.read import documents, review, tickets
from models import Status
from ui import scheme, tasks
from ui.document_menu import TicketRef, kind_label, label_zh
from ui.documents.notice import IssueNoticeDialog
from ui.documents.pdf import PdfPages, page_size_of, print_pdf
from ui.labels import label as tr_label

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

# pdfium and Qt's print support are imported where a PDF is opened or printed.

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

ZOOMS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
THUMB_WIDTH = 110
KEEP_AROUND = 6  # rendered pages kept either side of the view; the rest are dropped
LOOKAHEAD = 2  # pages rendered ahead of (and behind) the view

NOTICE_KINDS = frozenset(notices.NOTICE_ACTIONS)


def tr(text: str) -> str:
    return QCoreApplication.translate("Documents", text)



# -- what a preview is built from --------------------------------------------------------


@dataclass
class BuiltDocument:
    """A document built off the GUI thread, ready to show."""

    kind: str
    ticket_id: int
    number: str
    version: int
    status: Status
    pages: PdfPages
    recipients: list[str] = field(default_factory=list)  # notices: the current list
    departments: list[str] = field(default_factory=list)  # notices: every department
    issued: str = ""  # notices: why it may not go out again ("" while it may)
    summary_missing: bool = False  # the completion notice: no 处理总结 yet


def build_document(db: Database, kind: str, ticket_id: int) -> BuiltDocument:
    """Read, lay out and open one document (runs in a worker)."""
    detail = tickets.get_ticket(db, ticket_id)
    if kind == review.KIND:
        data: Any = None
        pdf = review.render(db, ticket_id)
    else:
        data = documents.data_of(db, kind, ticket_id)
        pdf = documents.build(data)
    built = BuiltDocument(kind, ticket_id, detail.number, int(detail.version),
                          Status(detail.status), PdfPages(pdf))
    if kind in NOTICE_KINDS:
        built.recipients = list(getattr(data, "recipients", []))
        built.departments = sorted({p.department for p in people.list_people(db)
                                    if p.department})
        from desk.errors import LANGUAGE
        from desk.process.attachments import local_zone

        why = notices.already_issued(kind, detail.values, local_zone(db))
        if why is not None:
            built.issued = why[1] if LANGUAGE["current"].startswith("en") else why[0]
        built.summary_missing = (kind == "completion-notice"
                                 and not str(detail.values.get("summary") or "").strip())
    return built


# -- thumbnails --------------------------------------------------------------------------


class ThumbnailModel(QAbstractListModel):
    """One row per page: "第 N 页" and the page's thumbnail once it is rendered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbs: list[QPixmap | None] = []
        self.placeholder = QPixmap()

    def reset_pages(self, sizes: Sequence[tuple[float, float]]) -> None:
        self.beginResetModel()
        self.thumbs = [None] * len(sizes)
        w, h = sizes[0] if sizes else (595.0, 842.0)
        self.placeholder = QPixmap(THUMB_WIDTH, max(1, round(THUMB_WIDTH * h / w)))
        self.placeholder.fill(QColor(scheme.colours().placeholder))
        self.endResetModel()

    def set_thumbnail(self, row: int, pixmap: QPixmap) -> None:
        if 0 <= row < len(self.thumbs):
            self.thumbs[row] = pixmap
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def missing(self) -> list[int]:
        return [i for i, t in enumerate(self.thumbs) if t is None]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.thumbs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or \
                not 0 <= index.row() < len(self.thumbs) or index.column() != 0:
            return None
        row = index.row()
        if role == Qt.ItemDataRole.DisplayRole:
            return tr("第 {0} 页").format(row + 1)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs[row] or self.placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr("转到第 {0} 页").format(row + 1)
        return None


# -- the preview -------------------------------------------------------------------------


class _ZoomFilter(QObject):
    """Ctrl+wheel over the pages zooms instead of scrolling."""

    def __init__(self, dialog: PdfPreviewDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta > 0:
                self.dialog.zoom_in()
            elif delta < 0:
                self.dialog.zoom_out()
            return True
        return False


class PdfPreviewDialog(QDialog):
    """A document on screen: pages, zoom, navigation, print, save, issue.

    The dialog first builds the document in a worker (``build_document``), then renders
    pages in a worker one at a time — the pages in view first, then their neighbours,
    then the thumbnails. Pages far from the view are dropped again.

    Signals:
        pages_ready(int): the document is open and its first page is on screen; the
            argument is the page count.
        page_rendered(int): page N (from 0) was rendered at the current zoom.
        thumbnails_ready(int): every thumbnail is rendered (argument: the count).
        current_page_changed(int): the page at the top of the view (from 1).
        failed(str): the document could not be built.
        saved(str): the PDF was written to this path.
        printed(int): this many pages went to the printer.
        issued(object): the notice was issued (the ticket's ``TicketDetail`` after it).
    """

    pages_ready = Signal(int)
    page_rendered = Signal(int)
    thumbnails_ready = Signal(int)
    current_page_changed = Signal(int)
    failed = Signal(str)
    saved = Signal(str)
    printed = Signal(int)
    issued = Signal(object)

    def __init__(self, db: Database, kind: str, ticket: TicketRef,
                 person: PersonView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.db, self.kind, self.ticket, self.person = db, kind, ticket, person
        self.setWindowTitle(f"{kind_label(kind)} — {ticket.number}")
        self.resize(980, 860)
        self.doc: BuiltDocument | None = None
        self.zoom = 1.0
        self._fit_width = True  # the first showing fits the page to the width
        self._generation = 0
        self._after_build = ""  # the status line once the document is built again
        self._pixmaps: dict[int, QPixmap] = {}
        self._labels: list[QLabel] = []
        self._job: tasks.Operation | None = None
        self._shown_first = False
        self._closed = False
        self._printer: QPrinter | None = None  # kept alive while the print dialog is open
        self._released = True
        self._page = 0  # the page last reported as current
        self._printing = False

        # toolbar: page navigation and zoom
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("pageSpin")
        self.page_spin.setRange(1, 1)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.valueChanged.connect(lambda n: self.go_to_page(n))
        self.page_total = QLabel(tr("/ 共 {0} 页").format(0))
        self.page_total.setObjectName("pageTotal")
        self.zoom_out_button = self._tool("zoomOut", "－", tr("缩小（Ctrl+滚轮）"), self.zoom_out)
        self.zoom_out_button.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_label = QLabel("100%")
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setMinimumWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = self._tool("zoomIn", "＋", tr("放大（Ctrl+滚轮）"), self.zoom_in)
        self.zoom_in_button.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.fit_button = self._tool("fitWidth", tr("适合宽度"), tr("页面宽度与窗口一致"),
                                     self.fit_width)
        self.actual_button = self._tool("actualSize", tr("实际大小"), tr("按 100% 显示"),
                                        lambda: self.set_zoom(1.0))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("第")))
        bar.addWidget(self.page_spin)
        bar.addWidget(QLabel(tr("页")))
        bar.addWidget(self.page_total)
        bar.addStretch(1)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button,
                  self.fit_button, self.actual_button):
            bar.addWidget(w)

        # pages and thumbnails
        self.thumbs = ThumbnailModel(self)
        self.thumb_view = QListView()
        self.thumb_view.setObjectName("thumbnails")
        self.thumb_view.setModel(self.thumbs)
        self.thumb_view.setViewMode(QListView.ViewMode.IconMode)
        self.thumb_view.setFlow(QListView.Flow.TopToBottom)
        self.thumb_view.setWrapping(False)
        self.thumb_view.setMovement(QListView.Movement.Static)
        self.thumb_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.thumb_view.setSpacing(6)
        self.thumb_view.setUniformItemSizes(True)
        self.thumb_view.setIconSize(QSize(THUMB_WIDTH, round(THUMB_WIDTH * 1.42)))
        self.thumb_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.thumb_view.setMinimumWidth(THUMB_WIDTH + 40)
        self.thumb_view.clicked.connect(lambda index: self.go_to_page(index.row() + 1))

        self.pages_widget = QWidget()
        self.pages_widget.setObjectName("pdfPages")
        self.pages_widget.setAutoFillBackground(True)
        palette = self.pages_widget.palette()
        palette.setColor(self.pages_widget.backgroundRole(), QColor(scheme.colours().backdrop))
        self.pages_widget.setPalette(palette)
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setContentsMargins(16, 16, 16, 16)
        self.pages_layout.setSpacing(14)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(tr("正在生成文档…"))
        self.message.setObjectName("previewMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(scheme.css("backdrop_text", "font-size: 15px; padding: 40px;"))
        self.pages_layout.addWidget(self.message)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("pdfScroll")
        self.scroll.setWidget(self.pages_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.viewport().installEventFilter(_ZoomFilter(self))
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled())

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.thumb_view)
        split.addWidget(self.scroll)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setCollapsible(1, False)
        split.setSizes([THUMB_WIDTH + 50, 800])

        # buttons
        self.status = QLabel()
        self.status.setObjectName("previewStatus")
        self.print_button = QPushButton(tr("打印…"))
        self.print_button.setObjectName("printButton")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip(tr("打印（Ctrl+P）"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(tr("另存为 PDF…"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip(tr("另存为 PDF（Ctrl+S）"))
        self.save_button.clicked.connect(self.save_as)
        self.issue_button = QPushButton(tr("签发…") if kind == "start-notice"
                                        else tr("发送…"))
        self.issue_button.setObjectName("issueButton")
        self.issue_button.setVisible(kind in NOTICE_KINDS)
        self.issue_button.clicked.connect(self.ask_issue)
        close = QPushButton(tr("关闭"))
        close.setObjectName("closeButton")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.issue_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._set_loaded(False)
        self.reload()

    def _tool(self, name: str, text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _set_loaded(self, loaded: bool) -> None:
        for w in (self.print_button, self.save_button, self.page_spin, self.zoom_in_button,
                  self.zoom_out_button, self.fit_button, self.actual_button):
            w.setEnabled(loaded)
        self._update_issue_button(loaded)

    def _update_issue_button(self, loaded: bool) -> None:
        if self.kind not in NOTICE_KINDS:
            return
        roles = notices.NOTICE_ACTIONS[self.kind][1]
        allowed = self.person is not None and bool(self.person.roles & roles)
        issued = self.doc.issued if self.doc is not None else ""
        self.issue_button.setEnabled(loaded and allowed and not issued)
        if issued:
            self.issue_button.setToolTip(issued)
        elif not allowed:
            names = tr("、").join(tr_label(r.label_zh) for r in sorted(roles))
            self.issue_button.setToolTip(tr("只有{0}可以签发。").format(names))
        else:
            self.issue_button.setToolTip("")

    # -- building ------------------------------------------------------------------------

    def reload(self) -> None:
        """Build the document again (after a notice was issued, for example)."""
        self._set_loaded(False)
        self.status.setText(tr("正在生成文档…"))
        kind, ticket_id, db = self.kind, self.ticket.id, self.db
        tasks.run(lambda: build_document(db, kind, ticket_id), self._built, self._build_failed)

    def _built(self, built: BuiltDocument) -> None:
        if self._closed:
            built.pages.close()
            return
        rebuilt = self.doc is not None and self.doc.pages.sizes == built.pages.sizes
        if self.doc is not None:
            tasks.run(self.doc.pages.close)  # may wait for the lock: not on this thread
        self.doc = built
        self.ticket = TicketRef(built.ticket_id, built.number, built.status, self.ticket.level)
        sizes = built.pages.sizes
        self.message.hide()
        self.thumbs.reset_pages(sizes)
        while len(self._labels) > len(sizes):
            label = self._labels.pop()
            self.pages_layout.removeWidget(label)
            label.deleteLater()
        while len(self._labels) < len(sizes):
            label = QLabel()
            label.setObjectName(f"page{len(self._labels) + 1}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet(scheme.declare("background", "page") + " "
                                + scheme.css("page_text"))
            self.pages_layout.addWidget(label)
            label.show()  # now, not when the layout gets round to it: its place is needed
            self._labels.append(label)
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1, max(1, len(sizes)))
        self.page_spin.blockSignals(False)
        self.page_total.setText(tr("/ 共 {0} 页").format(len(sizes)))
        self._shown_first = False
        self._page = 0
        self._set_loaded(True)
        self.status.setText(self._after_build)  # what was just done stays said
        self._after_build = ""
        if self._fit_width:
            self.zoom = self._fit_zoom()
        self._relayout(keep=rebuilt)

    def _build_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        text = str(exc) if isinstance(exc, DeskError) else \
            tr("无法生成文档（{0}），详情已写入日志。").format(type(exc).__name__)
        self.message.setText(tr("无法生成文档：") + text)
        self.message.show()
        self.status.setText(text)
        self.failed.emit(text)

    # -- zoom and layout -----------------------------------------------------------------

    def _px_per_point(self, zoom: float | None = None) -> float:
        return (self.zoom if zoom is None else zoom) * self.logicalDpiX() / 72.0

    def _fit_zoom(self) -> float:
        if self.doc is None or not self.doc.pages.sizes:
            return 1.0
        widest = max(w for w, _h in self.doc.pages.sizes)
        margins = self.pages_layout.contentsMargins()
        # the vertical scroll bar is counted as shown: pages nearly always overflow the view
        bar = self.scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        room = self.scroll.width() - 2 * self.scroll.frameWidth() - bar - margins.left() \
            - margins.right() - 2
        return max(ZOOMS[0], min(ZOOMS[-1], room / (widest * self.logicalDpiX() / 72.0)))

    def set_zoom(self, zoom: float, fit: bool = False) -> None:
        zoom = max(ZOOMS[0], min(ZOOMS[-1], zoom))
        self._fit_width = fit
        if abs(zoom - self.zoom) < 1e-4 or self.doc is None:
            self.zoom = zoom
            self.zoom_label.setText(f"{round(self.zoom * 100)}%")
            return
        page = self.current_page()
        self.zoom = zoom
        self._relayout()
        self.go_to_page(page)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOMS if z > self.zoom + 1e-3), ZOOMS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < self.zoom - 1e-3), ZOOMS[0]))

    def fit_width(self) -> None:
        self.set_zoom(self._fit_zoom(), fit=True)

    def _relayout(self, keep: bool = False) -> None:
        """Size every page's placeholder for the zoom; drop bitmaps of the old zoom.

        ``keep``: the same pages built again (after issuing): the old bitmaps stay on
        screen until the new ones replace them, so the page never goes blank.
        """
        assert self.doc is not None
        self._generation += 1
        self._pixmaps.clear()
        scale = self._px_per_point()
        for i, (label, (w, h)) in enumerate(zip(self._labels, self.doc.pages.sizes,
                                                strict=True)):
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            if keep and label.pixmap() is not None and not label.pixmap().isNull() \
                    and (label.width(), label.height()) == size:
                continue
            label.clear()
            label.setText(tr("第 {0} 页").format(i + 1))
            label.setFixedSize(*size)
        self.zoom_label.setText(f"{round(self.zoom * 100)}%")
        self.pages_layout.activate()
        self._pump()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._fit_width and self.doc is not None:
            zoom = self._fit_zoom()
            if abs(zoom - self.zoom) > 0.01:
                self.set_zoom(zoom, fit=True)

    # -- navigation ----------------------------------------------------------------------

    @property
    def _tops(self) -> list[int]:
        """Where each page starts in the scrolled area (read live from the layout)."""
        return [label.y() for label in self._labels]

    def page_count(self) -> int:
        return len(self.doc.pages) if self.doc is not None else 0

    def current_page(self) -> int:
        """The page (from 1) at a third of the way down the view."""
        tops = self._tops
        if not tops:
            return 1
        middle = self.scroll.verticalScrollBar().value() + self.scroll.viewport().height() // 3
        return max(1, bisect.bisect_right(tops, middle))

    def visible_pages(self) -> range:
        """Pages (from 0) at least partly in view."""
        tops = self._tops
        if not tops:
            return range(0)
        bottoms = [t + label.height() for t, label in zip(tops, self._labels, strict=True)]
        top = self.scroll.verticalScrollBar().value()
        bottom = top + self.scroll.viewport().height()
        first = min(bisect.bisect_right(bottoms, top), len(tops) - 1)
        last = max(first, bisect.bisect_left(tops, bottom) - 1)
        return range(first, min(last, len(tops) - 1) + 1)

    def go_to_page(self, number: int) -> None:
        """Scroll so page ``number`` (from 1) starts at the top of the view."""
        if not self._labels:
            return
        number = max(1, min(number, len(self._labels)))
        self.pages_layout.activate()  # a zoom just changed the sizes: place them first
        spacing = self.pages_layout.spacing() // 2
        value = 0 if number == 1 else self._tops[number - 1] - spacing
        self.scroll.verticalScrollBar().setValue(max(0, value))
        self._scrolled()

    def _scrolled(self) -> None:
        page = self.current_page()
        if self._page != page:
            self._page = page
            self.page_spin.blockSignals(True)
            self.page_spin.setValue(page)
            self.page_spin.blockSignals(False)
            index = self.thumbs.index(page - 1, 0)
            self.thumb_view.setCurrentIndex(index)
            self.thumb_view.scrollTo(index)
            self.current_page_changed.emit(page)
        self._evict()
        self._pump()

    def _evict(self) -> None:
        view = self.visible_pages()
        if not view:
            return
        low, high = view.start - KEEP_AROUND, view.stop - 1 + KEEP_AROUND
        for i in [i for i in self._pixmaps if i < low or i > high]:
            del self._pixmaps[i]
            self._labels[i].clear()
            self._labels[i].setText(tr("第 {0} 页").format(i + 1))

    # -- rendering -----------------------------------------------------------------------

    def _next_job(self) -> tuple[str, int, float] | None:
        if self.doc is None:
            return None
        count = len(self.doc.pages)
        view = self.visible_pages() or range(0, min(1, count))
        wanted = list(view)
        for d in range(1, LOOKAHEAD + 1):
            wanted += [view.stop - 1 + d, view.start - d]
        ratio = self.devicePixelRatioF()
        seen = len(view)
        # the pages in view first, then the thumbnails (small, quick: the side bar is
        # filled within a second), then the pages just out of view
        for i in wanted[:seen]:
            if 0 <= i < count and i not in self._pixmaps:
                return "page", i, self._px_per_point() * ratio
        missing = self.thumbs.missing()
        if missing:
            i = missing[0]
            return "thumb", i, THUMB_WIDTH * ratio / self.doc.pages.sizes[i][0]
        for i in wanted[seen:]:
            if 0 <= i < count and i not in self._pixmaps:
                return "page", i, self._px_per_point() * ratio
        return None

    def _pump(self) -> None:
        if self._job is not None or self._closed or self.doc is None:
            return
        job = self._next_job()
        if job is None:
            if not self._released:  # nothing left to draw: let pdfium's handle go
                self._released = True
                tasks.run(self.doc.pages.release)
            return
        self._released = False
        what, index, scale = job
        generation, pages = self._generation, self.doc.pages  # type: ignore[union-attr]
        self._job = tasks.run(lambda: (what, index, generation, pages.render(index, scale)),
                              self._rendered, self._render_failed)

    def _rendered(self, result: tuple[str, int, int, QImage]) -> None:
        self._job = None
        if self._closed:
            return
        what, index, generation, image = result
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        if what == "thumb":
            self.thumbs.set_thumbnail(index, pixmap)
            if not self.thumbs.missing():
                self.thumbnails_ready.emit(len(self.thumbs.thumbs))
        elif generation == self._generation and index < len(self._labels):
            self._pixmaps[index] = pixmap
            self._labels[index].setPixmap(pixmap)
            self.page_rendered.emit(index)
            if not self._shown_first:
                self._shown_first = True
                self.pages_ready.emit(len(self._labels))
        self._pump()

    def _render_failed(self, exc: BaseException) -> None:
        self._job = None
        if self._closed:
            return
        self.status.setText(tr("无法显示页面：") + str(exc))

    # -- save, print, issue --------------------------------------------------------------

    def suggested_name(self) -> str:
        return f"{label_zh(self.kind)}-{self.ticket.number}.pdf"

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str) -> str:
        """The file the PDF goes to, or "" (tests replace this)."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getSaveFileName(parent, tr("另存为 PDF"),
                                              str(Path(folder) / suggested), "PDF (*.pdf)")
        return path

    def save_as(self) -> None:
        if self.doc is None:
            return
        path = self.ask_save_path(self, self.suggested_name())
        if not path:
            return
        target = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
        data = self.doc.pages.data
        tasks.run(lambda: _write_file(target, data), lambda _r: self._saved(target),
                  self._show_error)

    def _saved(self, target: Path) -> None:
        if self._closed:
            return
        self.status.setText(tr("已保存：") + str(target))
        self.saved.emit(str(target))

    def make_printer(self) -> QPrinter:
        """A printer set up for this document: paper from its first page, named after it."""
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name()[:-4])
        if self.doc is not None and self.doc.pages.sizes:
            size, orientation = page_size_of(self.doc.pages.sizes[0])
            printer.setPageSize(size)
            printer.setPageOrientation(orientation)
        printer.setFullPage(True)  # the PDF carries its own margins
        printer.setFromTo(0, 0)
        return printer

    @classmethod
    def ask_print(cls, parent: PdfPreviewDialog, printer: QPrinter) -> bool:
        """Ask where and how to print (tests replace this).

        Returns True when ``printer`` is set up and printing may start now. The real
        print dialog is window-modal and opened with ``open()``: it returns False at
        once and starts printing itself when the person accepts it.
        """
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, parent)
        dialog.setObjectName("printDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setMinMax(1, max(1, parent.page_count()))
        dialog.accepted.connect(lambda: parent.print_to(printer))
        QDialog.open(dialog)  # QPrintDialog.open in PySide wants (receiver, member)
        return False

    def print_document(self) -> None:
        if self.doc is None or self._printing:
            return
        printer = self.make_printer()
        self._printer = printer
        if self.ask_print(self, printer):
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the document on an accepted printer, off the GUI thread."""
        if self.doc is None:
            return
        data = self.doc.pages.data
        first, last = printer.fromPage(), printer.toPage()
        if first > 0 and (first > 1 or last < self.page_count()):
            data = _page_range(data, first - 1, (last or self.page_count()) - 1)
        self._printing = True
        self.print_button.setEnabled(False)
        self.status.setText(tr("正在打印…"))
        tasks.run(lambda: print_pdf(data, printer), self._printed, self._print_failed)

    def _printed(self, count: int) -> None:
        self._printing = False
        if self._closed:
            return
        self.print_button.setEnabled(True)
        self.status.setText(tr("已发送到打印机：{0} 页").format(count))
        self.printed.emit(count)

    def _print_failed(self, exc: BaseException) -> None:
        self._printing = False
        if self._closed:
            return
        self.print_button.setEnabled(True)
        self.status.clear()
        self._show_error(exc)

    def ask_issue(self) -> IssueNoticeDialog | None:
        """Ask who the notice goes to (a small dialog); issue it when accepted."""
        if self.doc is None or self.kind not in NOTICE_KINDS:
            return None
        dialog = IssueNoticeDialog(self.kind, self.doc.departments, self.doc.recipients, self,
                                   ask_summary=self.doc.summary_missing)
        dialog.accepted.connect(lambda: self.issue(dialog.recipients(), dialog.summary()))
        dialog.open()
        return dialog

    def issue(self, recipients: list[str], summary: str | None = None) -> None:
        """Record that the notice went out to ``recipients`` (refused with a message);
        ``summary``: the 处理总结 asked for with the completion notice."""
        if self.doc is None or self.person is None:
            return
        db, kind, ticket_id, actor = self.db, self.kind, self.ticket.id, self.person.id
        version = self.doc.version
        self.issue_button.setEnabled(False)
        tasks.run(lambda: notices.issue_notice(db, kind, ticket_id, actor, recipients,
                                                 expected_version=version, summary=summary),
                  self._issued, self._issue_refused)

    def _issued(self, detail: tickets.TicketDetail) -> None:
        if self._closed:
            return
        self.issued.emit(detail)
        done = tr("已签发并记录。") if self.kind == "start-notice" else tr("已发送并记录。")
        self.reload()
        self.status.setText(done)
        self._after_build = done

    def _issue_refused(self, exc: BaseException) -> None:
        if self._closed:
            return
        self._update_issue_button(self.doc is not None)
        self._show_error(exc, "issueRefused")

    def _show_error(self, exc: BaseException, name: str = "errorBox") -> None:
        text = str(exc) if isinstance(exc, DeskError) else \
            tr("出现意外错误（{0}），详情已写入日志。").format(type(exc).__name__)
        if not isinstance(exc, DeskError):
            log.error("unexpected error in the preview", exc_info=exc)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Desk"), text,
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def done(self, result: int) -> None:
        self._shutdown()
        super().done(result)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self._shutdown()
        super().closeEvent(event)

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.doc is not None:
            tasks.run(self.doc.pages.close)  # waits for the page being rendered, not here


def _write_file(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise DeskError(f"无法写入 {target}：{exc.strerror}",
                        f"Cannot write {target}: {exc.strerror}") from exc


def _page_range(data: bytes, first: int, last: int) -> bytes:
    """A PDF holding pages ``first``..``last`` (from 0) of ``data``."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for i in range(max(0, first), min(last, len(reader.pages) - 1) + 1):
        writer.add_page(reader.pages[i])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
