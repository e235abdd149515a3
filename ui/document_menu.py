"""The 文档 menu of the main window: its actions, Ctrl+P and 批量导出….

Kept apart from ``ui.documents`` (the PDF preview, printing and batch export, with
their many widgets) so that the window installs the menu at start and loads the
dialogs only when a document is first previewed (``ui.documents.preview``) or
exported (``ui.documents.batch``).

- ``DocumentMenu``: the 文档 menu for the selected ticket, greyed per state with the
  reason as tooltip (``desk.read.documents.available_documents``), and after them the
  故障复盘报告 of a solved level-1 or level-2 fault (``desk.read.documents.review_available``).
- ``DocumentActions``: the menu, 预览与打印… (Ctrl+P, the most relevant document) and
  批量导出… for the selected tickets, following the queue's selection.
- ``install_documents(window, db)``: puts the above into the main window.

Signals of ``DocumentActions``:
    preview_opened(object): a ``PdfPreviewDialog`` was opened.
    batch_opened(object): a ``BatchExportDialog`` was opened.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from desk.db import Database
from desk.read import documents
from models import Status

if TYPE_CHECKING:
    from ui.documents.batch import BatchExportDialog
    from ui.documents.preview import PdfPreviewDialog
    from ui.main_window import MainWindow

# Which document Ctrl+P shows first, by state: the one a person most likely wants now.
RELEVANT = {
    Status.REPORTED: "record",
    Status.TRIAGE: "record",
    Status.DISPATCHED: "start-notice",
    Status.DIAGNOSING: "analysis-report",
    Status.SOLUTION_PROPOSED: "analysis-report",
    Status.IMPLEMENTING: "analysis-report",
    Status.VERIFYING: "verification-form-blank",
    Status.RESOLVED: "completion-notice",
    Status.ARCHIVED: "record",
    Status.CANCELLED: "record",
}
MENU_ORDER = ("start-notice", "analysis-report", "verification-form-blank",
              "verification-form", "completion-notice", "record")
# documents offered after those, apart: the post-incident review (batch export offers it
# too, for the faults it is offered for)
EXTRA_LABELS_ZH = {documents.REVIEW_KIND: documents.REVIEW_LABEL_ZH}


def tr(text: str) -> str:
    return QCoreApplication.translate("Documents", text)


def label_zh(kind: str) -> str:
    return EXTRA_LABELS_ZH.get(kind) or documents.KIND_LABELS_ZH[kind]


def kind_label(kind: str) -> str:
    return tr(label_zh(kind))


# every reason a document is greyed for (the tooltips; listed here for the translations)
REASONS_ZH: tuple[str, ...] = tuple(sorted(
    {why for status in Status for _k, _ok, why in documents.available_documents(status)}
    | {documents.review_available(status, level)[1] for status in Status for level in (1, 2, 3)}
    - {""}))


def availability(ticket: TicketRef) -> list[tuple[str, bool, str]]:
    """``(kind, enabled, reason_zh)`` of every document the menu offers for a ticket."""
    ok, why = documents.review_available(ticket.status, ticket.level)
    return [*documents.available_documents(ticket.status), (documents.REVIEW_KIND, ok, why)]


@dataclass(frozen=True)
class TicketRef:
    """The selected ticket, as the queue knows it (plain values)."""

    id: int
    number: str
    status: Status
    level: int | None = None


# -- the 文档 menu -------------------------------------------------------------------------


class DocumentMenu(QMenu):
    """"文档(&D)": the documents of the selected ticket, greyed with a reason by state.

    Signals:
        preview_requested(str): a document kind was chosen.
    """

    preview_requested = Signal(str)

    def __init__(self, current: Callable[[], TicketRef | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(tr("文档(&D)"), parent)
        self.setObjectName("documentMenu")
        self.setToolTipsVisible(True)
        self.current = current
        self.document_actions: dict[str, QAction] = {}
        for kind in (*MENU_ORDER, *EXTRA_LABELS_ZH):
            action = QAction(kind_label(kind) + "…", self)
            action.setObjectName(f"document_{kind}")
            action.triggered.connect(lambda _checked=False, k=kind: self.preview_requested.emit(k))
            self.addAction(action)
            self.document_actions[kind] = action
            if kind == MENU_ORDER[-1]:
                self.addSeparator()
        self.aboutToShow.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Enable the documents that fit the selected ticket's state."""
        ticket = self.current()
        if ticket is None:
            for action in self.document_actions.values():
                action.setEnabled(False)
                action.setToolTip(tr("请先在列表中选择一个故障。"))
            return
        for kind, enabled, reason in availability(ticket):
            action = self.document_actions.get(kind)
            if action is not None:
                action.setEnabled(enabled)
                action.setToolTip(tr(reason) if reason else kind_label(kind))


# -- the main window -----------------------------------------------------------------------


class DocumentActions(QObject):
    """The documents' menu and actions in the main window.

    Signals:
        preview_opened(object): a ``PdfPreviewDialog`` was opened.
        batch_opened(object): a ``BatchExportDialog`` was opened.
    """

    preview_opened = Signal(object)
    batch_opened = Signal(object)

    def __init__(self, window: MainWindow, db: Database) -> None:
        super().__init__(window)
        self.setObjectName("documentActions")
        self.window, self.db = window, db
        self.menu = DocumentMenu(self.current_ticket, window)
        self.menu.preview_requested.connect(self.open_preview)
        self.preview_action = QAction(tr("预览与打印…"), window)
        self.preview_action.setObjectName("actionPreview")
        self.preview_action.setShortcut(QKeySequence.StandardKey.Print)
        self.preview_action.setToolTip(tr("预览所选故障当前最相关的文档（Ctrl+P）"))
        self.preview_action.triggered.connect(self.preview_relevant)
        self.batch_action = QAction(tr("批量导出…"), window)
        self.batch_action.setObjectName("actionBatchExport")
        self.batch_action.triggered.connect(self.open_batch)
        first = self.menu.actions()[0] if self.menu.actions() else None
        self.menu.insertAction(first, self.preview_action)
        self.menu.insertSeparator(first)
        self.menu.addSeparator()
        self.menu.addAction(self.batch_action)
        window.addAction(self.preview_action)  # Ctrl+P works wherever the focus is
        window.menuBar().addMenu(self.menu)
        table = window.table
        table.selectionModel().selectionChanged.connect(lambda *_a: self.update_enabled())
        table.selectionModel().currentRowChanged.connect(lambda *_a: self.update_enabled())
        window.model.modelReset.connect(self.update_enabled)
        self.previews: list[PdfPreviewDialog] = []
        self.update_enabled()

    def current_ticket(self) -> TicketRef | None:
        index = self.window.table.currentIndex()
        row = self.window.model.row_at(index.row()) if index.isValid() else None
        return TicketRef(row.id, row.number, row.status, int(row.level)) \
            if row is not None else None

    def selected_tickets(self) -> list[TicketRef]:
        rows = sorted(i.row() for i in self.window.table.selectionModel().selectedRows())
        refs = []
        for r in rows:
            row = self.window.model.row_at(r)
            if row is not None:
                refs.append(TicketRef(row.id, row.number, row.status, int(row.level)))
        return refs

    def update_enabled(self) -> None:
        current = self.current_ticket()
        self.preview_action.setEnabled(current is not None)
        self.batch_action.setEnabled(bool(self.selected_tickets()))
        self.menu.refresh()

    def relevant_kind(self, ticket: TicketRef) -> str:
        kind = RELEVANT.get(ticket.status, "record")
        allowed = {k for k, ok, _why in documents.available_documents(ticket.status) if ok}
        return kind if kind in allowed else "record"

    def preview_relevant(self) -> PdfPreviewDialog | None:
        ticket = self.current_ticket()
        if ticket is None:
            self.window.statusBar().showMessage(tr("请先在列表中选择一个故障。"), 5000)
            return None
        return self.open_preview(self.relevant_kind(ticket))

    def open_preview(self, kind: str) -> PdfPreviewDialog | None:
        ticket = self.current_ticket()
        if ticket is None:
            return None
        from ui.documents.preview import PdfPreviewDialog

        dialog = PdfPreviewDialog(self.db, kind, ticket, self.window.person, self.window)
        dialog.issued.connect(lambda _d: self.window.refresh())
        dialog.destroyed.connect(lambda _o=None, d=dialog: self._forget(d))
        self.previews.append(dialog)
        dialog.show()
        self.preview_opened.emit(dialog)
        return dialog

    def _forget(self, dialog: PdfPreviewDialog) -> None:
        with contextlib.suppress(ValueError):
            self.previews.remove(dialog)

    def open_batch(self) -> BatchExportDialog | None:
        refs = self.selected_tickets()
        if not refs:
            self.window.statusBar().showMessage(tr("请先在列表中选择要导出的故障。"), 5000)
            return None
        from ui.documents.batch import BatchExportDialog

        dialog = BatchExportDialog(self.db, refs, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.batch_opened.emit(dialog)
        return dialog


def install_documents(window: MainWindow, db: Database) -> DocumentActions:
    """Add the 文档 menu, 批量导出… and Ctrl+P (preview) to the main window."""
    return DocumentActions(window, db)
