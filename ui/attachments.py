"""The evidence panel of a fault: drop, paste or pick files; list, preview, save, remove.

``AttachmentPanel`` is a self-contained widget that the record form embeds. Every file
is stored by ``desk.process.attachments`` in a worker of the panel's own ``QThreadPool``; the
worker posts progress and results back by signals, so the window stays responsive
while a 200 MB log goes in, and Cancel rolls the file back. Files are stored one batch
at a time (a second drop waits for the first), because on SQLite two writers would
only queue for the same lock.

Previews never render active content: images are decoded by Qt's raster readers with
the format named explicitly (so an SVG or HTML file can never reach a renderer), and
SVG, HTML and logs are shown as plain text. The log viewer reads only the first few
MB (``read_range``), decodes UTF-8 or GBK/GB18030, and can load more on request.

Dialogs that a test must get past are behind class methods (``choose_files``,
``choose_folder``, ``ask_reason``) or opened with ``open()``; ``launch`` opens a file
with the system's program and can be replaced by a test.
"""

from __future__ import annotations

import codecs
import logging
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFontDatabase,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.process import attachments
from desk.process.attachments import AttachmentView
from desk.rules.timeutil import format_local
from models import EvidenceKind
from ui.flow_layout import FlowLayout
from ui.labels import label as tr_label

log = logging.getLogger(__name__)

VIEW_BYTES = 2 * 1024 * 1024  # what the log viewer reads at a time
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF",
                 "image/bmp": "BMP", "image/webp": "WEBP"}


def _message(exc: BaseException) -> str:
    if isinstance(exc, DeskError):
        return str(exc)
    return f"内部错误：{type(exc).__name__}（详情已记录） / Internal error, details logged"


# -- background work ---------------------------------------------------------------------


class _Relay(QObject):
    """Lives in the GUI thread; signals emitted by a worker are delivered there."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object, object)


class _Job(QRunnable):
    """``fn(report)`` on a pool thread; ``report(done, total)`` posts progress."""

    def __init__(self, fn: Callable[[Callable[[int, int | None], None]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.relay = _Relay()

    def run(self) -> None:
        try:
            result = self.fn(self.relay.progress.emit)
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            if not isinstance(exc, DeskError):
                log.error("attachment operation failed:\n%s", traceback.format_exc())
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class _Runner:
    """A small pool of its own, so a panel or dialog can wait for its work on close."""

    def __init__(self, threads: int = 2) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)
        self._alive: set[_Job] = set()

    def run(self, fn: Callable[[Callable[[int, int | None], None]], Any],
            on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None],
            on_progress: Callable[[Any, Any], None] | None = None) -> _Job:
        job = _Job(fn)

        def finish_ok(result: Any) -> None:
            self._alive.discard(job)
            on_done(result)

        def finish_error(exc: BaseException) -> None:
            self._alive.discard(job)
            on_error(exc)

        job.relay.done.connect(finish_ok)
        job.relay.failed.connect(finish_error)
        if on_progress is not None:
            job.relay.progress.connect(on_progress)
        self._alive.add(job)
        self.pool.start(job)
        return job

    def wait(self, msecs: int = -1) -> bool:
        return bool(self.pool.waitForDone(msecs))

    @property
    def busy(self) -> bool:
        return bool(self._alive)


# -- the list ----------------------------------------------------------------------------


class AttachmentTableModel(QAbstractTableModel):
    """A fault's attachments: name, kind, size, added by, added at (plain views)."""

    HEADERS = ("名称", "类别", "大小", "添加人", "添加时间")
    # for lupdate: the headers are translated where they are shown
    _HEADER_TEXTS = (QT_TRANSLATE_NOOP("AttachmentTableModel", "名称"),
                     QT_TRANSLATE_NOOP("AttachmentTableModel", "类别"),
                     QT_TRANSLATE_NOOP("AttachmentTableModel", "大小"),
                     QT_TRANSLATE_NOOP("AttachmentTableModel", "添加人"),
                     QT_TRANSLATE_NOOP("AttachmentTableModel", "添加时间"))
    ViewRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, tz: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AttachmentView] = []
        self._tz = tz

    def set_rows(self, rows: Sequence[AttachmentView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def view_at(self, row: int) -> AttachmentView | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def views(self) -> list[AttachmentView]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        v = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return v.name
            if col == 1:
                return tr_label(v.kind.label_zh)
            if col == 2:
                return attachments.format_size(v.size)
            if col == 3:
                return v.added_by
            if col == 4:
                return format_local(v.added_at, self._tz) if self._tz else \
                    v.added_at.strftime("%Y-%m-%d %H:%M")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [v.name, f"{v.mime_type}  {v.size} 字节", f"SHA-256: {v.sha256}"]
            if v.note:
                lines.append(f"说明：{v.note}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ViewRole:
            return v
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate("AttachmentTableModel", self.HEADERS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None


# -- uploads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadItem:
    """One file to store: a path, or an image (pasted) stored as PNG."""

    name: str
    path: Path | None = None
    image: QImage | None = None
    kind: EvidenceKind | None = None


def _png_bytes(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide wants str
    buffer.close()
    return bytes(array.data())


def _flowing(flow: FlowLayout, parent: QWidget) -> QWidget:
    """A widget holding ``flow``, as tall as its lines need at the width it gets."""
    host = QWidget(parent)
    host.setLayout(flow)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    host.setSizePolicy(policy)
    return host


class AttachmentPanel(QWidget):
    """The attachments of one fault, for the person signed in.

    Signals:
        changed: after an attachment was added or removed.
        batch_finished: a batch of files has been handled (stored, refused or cancelled).
        saved(str): a copy was written to this path ("另存为…").
    """

    changed = Signal()
    batch_finished = Signal()
    saved = Signal(str)

    def __init__(self, db: Database, ticket_id: int, person_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentPanel")
        self.setAcceptDrops(True)
        self.db = db
        self.ticket_id = ticket_id
        self.person_id = person_id
        self._runner = _Runner(threads=2)
        self._cancel = threading.Event()
        self._pending: list[tuple[list[UploadItem], str]] = []
        self._uploading = False
        self._batch_messages: list[str] = []
        self._temp_dirs: list[tempfile.TemporaryDirectory[str]] = []
        self._dialogs: list[QDialog] = []
        try:
            tz = attachments.local_zone(db)
        except DeskError:
            tz = None
        self.tz = tz
        self.closed_reason: str | None = None  # why nothing may be added (archived…)
        self.model = AttachmentTableModel(tz, self)
        self._build()
        from ui.accessibility import name_widgets  # the buttons, from their texts

        name_widgets(self)
        self.refresh()

    # -- layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        # the rows of inputs and buttons wrap in a narrow panel rather than widen it
        top = FlowLayout()
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("attachmentKind")
        self.kind_box.addItem(self.tr("自动识别"), "auto")
        for kind in EvidenceKind:
            self.kind_box.addItem(tr_label(kind.label_zh), kind.value)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("attachmentNote")
        self.note_edit.setPlaceholderText(self.tr("说明（可选）"))
        self.add_button = self._button("attachmentAddButton", self.tr("添加文件…"),
                                       self.add_files)
        self.paste_button = self._button("attachmentPasteButton", self.tr("粘贴截图"),
                                         self.paste)
        kind_label = QLabel(self.tr("类别"), self)
        kind_label.setBuddy(self.kind_box)
        self.kind_box.setAccessibleName(self.tr("附件类别"))
        self.note_edit.setAccessibleName(self.tr("附件说明"))
        self.note_edit.setMinimumWidth(150)
        for part in (kind_label, self.kind_box, self.note_edit, self.add_button,
                     self.paste_button):
            top.addWidget(part)
        layout.addWidget(_flowing(top, self))

        self.table = QTableView(self)
        self.table.setObjectName("attachmentTable")
        self.table.setAccessibleName(self.tr("附件"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(AttachmentTableModel.HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        # room for six files before the table scrolls
        rows = ATTACHMENT_ROWS_SHOWN * self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(rows + header.sizeHint().height()
                                    + 2 * self.table.frameWidth())
        self.table.doubleClicked.connect(lambda _index: self.preview())
        layout.addWidget(self.table, 1)

        hint = QLabel(self.tr("可将日志、截图等文件拖到此处，或按 Ctrl+V 粘贴截图。"), self)
        hint.setObjectName("attachmentDropHint")
        hint.setWordWrap(True)  # a narrow panel wraps it rather than scrolling sideways
        layout.addWidget(hint)

        actions = FlowLayout()
        self.preview_button = self._button("attachmentPreviewButton", self.tr("预览"),
                                           self.preview)
        self.save_button = self._button("attachmentSaveButton", self.tr("另存为…"),
                                        self.save_selected)
        self.open_button = self._button("attachmentOpenButton", self.tr("用系统程序打开"),
                                        self.open_externally)
        self.remove_button = self._button("attachmentRemoveButton", self.tr("移除"),
                                          self.remove_selected)
        for b in (self.preview_button, self.save_button, self.open_button, self.remove_button):
            actions.addWidget(b)
        layout.addWidget(_flowing(actions, self))

        self.progress_box = QWidget(self)
        self.progress_box.setObjectName("attachmentProgressBox")
        pl = QHBoxLayout(self.progress_box)
        pl.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel(self.progress_box)
        self.progress_label.setObjectName("attachmentProgressLabel")
        self.progress_bar = QProgressBar(self.progress_box)
        self.progress_bar.setObjectName("attachmentProgress")
        self.progress_bar.setRange(0, 1000)
        self.cancel_button = QPushButton(self.tr("取消"), self.progress_box)
        self.cancel_button.setObjectName("attachmentCancelButton")
        self.cancel_button.clicked.connect(self.cancel_upload)
        pl.addWidget(self.progress_label)
        pl.addWidget(self.progress_bar, 1)
        pl.addWidget(self.cancel_button)
        self.progress_box.hide()
        layout.addWidget(self.progress_box)

        self.message_label = QLabel(self)
        self.message_label.setObjectName("attachmentMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)

        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def _button(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        for b in (self.preview_button, self.save_button, self.open_button, self.remove_button):
            b.setEnabled(has)

    # -- the list

    def refresh(self) -> None:
        """Read the list again (a short query on the GUI thread; the bytes stay put)."""
        try:
            rows = attachments.list_attachments(self.db, self.ticket_id)
        except DeskError as exc:
            self.show_message(str(exc))
            return
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            for row, v in enumerate(rows):
                if v.id == selected.id:
                    self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> AttachmentView | None:
        sm = self.table.selectionModel()
        rows = sm.selectedRows() if sm is not None else []
        return self.model.view_at(rows[0].row()) if rows else None

    def select_id(self, attachment_id: int) -> None:
        for row, v in enumerate(self.model.views()):
            if v.id == attachment_id:
                self.table.selectRow(row)
                return

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    # -- adding: drops, paste, the file dialog

    def set_closed(self, reason: str | None) -> None:
        """No more files (the fault is archived or cancelled): say why, take no drops."""
        self.closed_reason = reason
        self.setAcceptDrops(reason is None)
        for button, tip in ((self.add_button, self.tr("添加文件（也可拖放到此处）")),
                            (self.paste_button, self.tr("粘贴剪贴板中的截图（Ctrl+V）"))):
            button.setEnabled(reason is None)
            button.setToolTip(reason or tip)
        self.kind_box.setEnabled(reason is None)
        self.note_edit.setEnabled(reason is None)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.closed_reason is not None:
            event.ignore()
            return
        mime = event.mimeData()
        if any(u.isLocalFile() for u in mime.urls()) or mime.hasImage():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.closed_reason is not None:
            event.ignore()
            self.show_message(self.closed_reason)
            return
        mime = event.mimeData()
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()
        elif mime.hasImage():
            self.add_image(QImage(mime.imageData()))
            event.acceptProposedAction()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            event.accept()
            return
        super().keyPressEvent(event)

    def paste(self) -> None:
        """Ctrl+V: copied files are added as files, a copied image as a PNG screenshot."""
        if self.closed_reason is not None:
            self.show_message(self.closed_reason)
            return
        mime = QApplication.clipboard().mimeData()
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()] \
            if mime is not None else []
        if paths:
            self.add_paths(paths)
            return
        image = QApplication.clipboard().image()
        if image.isNull():
            self.show_message(self.tr("剪贴板中没有图片或文件。"))
            return
        self.add_image(image)

    @classmethod
    def choose_files(cls, parent: QWidget) -> list[str]:
        """Ask for files to add (a test replaces this)."""
        paths, _filter = QFileDialog.getOpenFileNames(parent, parent.tr("添加附件"))
        return list(paths)

    def add_files(self) -> None:
        paths = self.choose_files(self)
        if paths:
            self.add_paths([Path(p) for p in paths])

    def add_paths(self, paths: Sequence[Path]) -> None:
        kind = self._chosen_kind()
        self._enqueue([UploadItem(name=p.name, path=p, kind=kind) for p in paths])

    def add_image(self, image: QImage) -> None:
        # named in the desk's time zone, as its row's time is shown
        now = self.db.now()
        name = f"screenshot-{now.astimezone(self.tz) if self.tz else now:%Y%m%d-%H%M%S}.png"
        # a copy: the clipboard's image may change while the worker encodes it
        self._enqueue([UploadItem(name=name, image=image.copy(),
                                  kind=EvidenceKind.SCREENSHOT)])

    def _chosen_kind(self) -> EvidenceKind | None:
        value = self.kind_box.currentData()
        return None if value in (None, "auto") else EvidenceKind(value)

    # -- storing, off the GUI thread

    def _enqueue(self, items: list[UploadItem]) -> None:
        if not items:
            return
        self._pending.append((items, self.note_edit.text()))
        if not self._uploading:
            self._batch_messages = []
            self.show_message("")
            self._start_next()

    @property
    def uploading(self) -> bool:
        return self._uploading

    def cancel_upload(self) -> None:
        """Stop the file being stored (rolled back) and drop the files still waiting."""
        self._cancel.set()
        self._pending.clear()

    def _start_next(self) -> None:
        if not self._pending:
            self._uploading = False
            self.progress_box.hide()
            self.show_message("\n".join(self._batch_messages))
            self.batch_finished.emit()
            return
        items, note = self._pending.pop(0)
        self._uploading = True
        self._cancel.clear()
        self.progress_bar.setValue(0)
        self.progress_box.show()
        relay = _Relay()
        relay.progress.connect(self._on_progress)
        relay.done.connect(self._on_stored)
        relay.failed.connect(self._on_refused)
        db, ticket_id, person_id, cancel = self.db, self.ticket_id, self.person_id, self._cancel

        def work(_report: Callable[[int, int | None], None]) -> None:
            for index, item in enumerate(items):
                if cancel.is_set():
                    relay.failed.emit((item.name, attachments.UploadCancelled(item.name)))
                    continue
                label = f"{item.name}（{index + 1}/{len(items)}）"

                def progress(done: int, total: int | None, label: str = label) -> None:
                    relay.progress.emit(label, (done, total))

                progress(0, None)
                try:
                    source: Any
                    if item.image is not None:
                        import io

                        source = io.BytesIO(_png_bytes(item.image))
                    else:
                        assert item.path is not None
                        source = item.path
                    view = attachments.add_attachment(
                        db, ticket_id, person_id, source, name=item.name, kind=item.kind,
                        note=note, progress=progress, cancelled=cancel.is_set)
                except BaseException as exc:
                    if not isinstance(exc, DeskError):
                        log.error("storing %s failed:\n%s", item.name, traceback.format_exc())
                    relay.failed.emit((item.name, exc))
                else:
                    relay.done.emit(view)

        def finished(_result: Any) -> None:
            relay.deleteLater()
            self._start_next()

        self._runner.run(work, finished, finished)

    def _on_progress(self, label: str, state: tuple[int, int | None]) -> None:
        done, total = state
        self.progress_label.setText(label)
        if total:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(int(done * 1000 / total))
        else:
            self.progress_bar.setRange(0, 0)

    def _on_stored(self, view: AttachmentView) -> None:
        self.refresh()
        self.select_id(view.id)
        self.changed.emit()

    def _on_refused(self, payload: tuple[str, BaseException]) -> None:
        name, exc = payload
        text = _message(exc)
        if name not in text:  # e.g. "the fault is archived": say which file it was
            text = f"“{name}”：{text}"
        self._batch_messages.append(text)
        self.show_message("\n".join(self._batch_messages))

    # -- preview, save, open, remove

    def preview(self) -> QDialog | None:
        """Show the selected attachment: an image viewer, a text viewer, or why not."""
        view = self.selected()
        if view is None:
            return None
        dialog: QDialog
        if view.is_image:
            dialog = ImagePreviewDialog(self.db, view, self)
        elif view.is_text:
            dialog = LogViewerDialog(self.db, view, self)
        else:
            self.show_message(self.tr("无法预览“{0}”（{1}）：请另存为或用系统程序打开。")
                              .format(view.name, view.mime_type))
            return None
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self._forget_dialog(d))
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: QDialog) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)
        dialog.deleteLater()

    @classmethod
    def choose_folder(cls, parent: QWidget) -> str:
        """Ask for the folder a copy goes to (a test replaces this)."""
        return QFileDialog.getExistingDirectory(parent, parent.tr("另存到文件夹"))

    def save_selected(self) -> None:
        view = self.selected()
        if view is None:
            return
        folder = self.choose_folder(self)
        if not folder:
            return
        self._copy(view, Path(folder), lambda path: self._saved(path))

    def _saved(self, path: Path) -> None:
        self.show_message(self.tr("已保存到 {0}").format(str(path)))
        self.saved.emit(str(path))

    def _copy(self, view: AttachmentView, folder: Path,
              then: Callable[[Path], None]) -> None:
        db = self.db
        self.show_message(self.tr("正在导出“{0}”…").format(view.name))
        self._runner.run(
            lambda report: attachments.save_copy(db, view.id, folder, progress=report),
            then, lambda exc: self.show_message(_message(exc)))

    def open_externally(self) -> QMessageBox | None:
        """Warn first, then export a copy to a temporary folder and open it."""
        view = self.selected()
        if view is None:
            return None
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("用系统程序打开"),
                          self.tr("“{0}”将用系统默认程序打开。来历不明的文件可能含有恶意内容，"
                                  "确定要打开吗？").format(view.name),
                          QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("openExternalWarning")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(result: int) -> None:
            box.deleteLater()
            if result != QMessageBox.StandardButton.Open:
                return
            # removed when the panel closes; a program still holding the file (Windows)
            # must not turn that into an error
            temp = tempfile.TemporaryDirectory(prefix="desk-attachment-",
                                               ignore_cleanup_errors=True)
            self._temp_dirs.append(temp)
            self._copy(view, Path(temp.name), self._launched)

        box.finished.connect(answered)
        box.open()
        return box

    def _launched(self, path: Path) -> None:
        self.show_message("")
        self.launch(path)

    def launch(self, path: Path) -> None:
        """Open a file with the system's program (a test replaces this)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    @classmethod
    def ask_reason(cls, parent: QWidget, name: str) -> str | None:
        """Ask why an attachment is removed; None when the person cancels."""
        text, ok = QInputDialog.getText(parent, parent.tr("移除附件"),
                                        parent.tr("移除“{0}”的原因：").format(name))
        return str(text) if ok else None

    def remove_selected(self) -> None:
        view = self.selected()
        if view is None:
            return
        reason = self.ask_reason(self, view.name)
        if reason is None:
            return
        db, person = self.db, self.person_id

        def removed(_v: AttachmentView) -> None:
            self.refresh()
            self.show_message(self.tr("已移除“{0}”。").format(view.name))
            self.changed.emit()

        self._runner.run(lambda _r: attachments.remove_attachment(db, view.id, person, reason),
                         removed, lambda exc: self.show_message(_message(exc)))

    # -- closing

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Cancel the upload, wait for background work; call before the database closes."""
        self.cancel_upload()
        for dialog in list(self._dialogs):
            if isinstance(dialog, (ImagePreviewDialog, LogViewerDialog)):
                dialog.shutdown(msecs)
        done = self._runner.wait(msecs)
        for temp in self._temp_dirs:
            temp.cleanup()
        self._temp_dirs.clear()
        return done

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)


# -- image preview -----------------------------------------------------------------------


ATTACHMENT_ROWS_SHOWN = 6


class ImagePreviewDialog(QDialog):
    """An image at a chosen zoom; decoded off the GUI thread.

    Signals:
        loaded: the image is shown (or its error is).
    """

    loaded = Signal()
    MIN_SCALE = 0.05
    MAX_SCALE = 8.0

    def __init__(self, db: Database, view: AttachmentView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imagePreview")
        self.setWindowTitle(view.name)
        self.view = view
        self.scale = 1.0
        self._pixmap: QPixmap | None = None
        self._runner = _Runner(threads=1)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        for name, text, slot in (("imageZoomOut", "缩小", lambda: self.zoom(1 / 1.25)),
                                 ("imageZoomIn", "放大", lambda: self.zoom(1.25)),
                                 ("imageZoomFit", "适合窗口", lambda: self.fit()),
                                 ("imageZoomReset", "100%", lambda: self.set_scale(1.0))):
            b = QPushButton(self.tr(text), self)
            b.setObjectName(name)
            b.clicked.connect(lambda _c=False, s=slot: s())
            bar.addWidget(b)
        self.scale_label = QLabel("100%", self)
        self.scale_label.setObjectName("imageScale")
        bar.addWidget(self.scale_label)
        bar.addStretch(1)
        layout.addLayout(bar)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.setObjectName("imageClose")
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        self.image_label = QLabel(self.tr("正在加载…"), self)
        self.image_label.setObjectName("imageLabel")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("imageScroll")
        self.scroll_area.setWidget(self.image_label)
        self.scroll_area.setWidgetResizable(False)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(close)
        self.resize(800, 600)
        fmt = IMAGE_FORMATS.get(view.mime_type, "")

        def load(_report: Callable[[int, int | None], None]) -> QImage:
            data = b"".join(attachments.iter_chunks(db, view.id))
            # the format is named: Qt must not guess one (an SVG reader, say) from content
            image = QImage.fromData(data, fmt)  # type: ignore[arg-type]  # str at run time
            if image.isNull():
                raise DeskError(f"无法显示图片“{view.name}”：文件已损坏或格式不受支持。",
                                f"Cannot show “{view.name}”: damaged or unsupported image.")
            return image

        self._runner.run(load, self._show_image, self._show_error)

    def _show_image(self, image: QImage) -> None:
        self._pixmap = QPixmap.fromImage(image)
        self.fit()  # a screenshot opens whole, never larger than its natural size
        self.loaded.emit()

    def fit(self) -> None:
        """The whole image in the window (at most 100 %)."""
        if self._pixmap is None or self._pixmap.isNull():
            return
        room = self.scroll_area.viewport().size()
        w, h = self._pixmap.width(), self._pixmap.height()
        self.set_scale(min(1.0, (room.width() - 4) / max(1, w), (room.height() - 4) / max(1, h)))

    def _show_error(self, exc: BaseException) -> None:
        self.image_label.setText(_message(exc))
        self.image_label.adjustSize()
        self.loaded.emit()

    @property
    def image_size(self) -> QSize:
        return self._pixmap.size() if self._pixmap is not None else QSize()

    def zoom(self, factor: float) -> None:
        self.set_scale(self.scale * factor)

    def set_scale(self, scale: float) -> None:
        self.scale = max(self.MIN_SCALE, min(self.MAX_SCALE, scale))
        self.scale_label.setText(f"{round(self.scale * 100)}%")
        if self._pixmap is None:
            return
        size = self._pixmap.size() * self.scale
        self.image_label.setPixmap(self._pixmap.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self.image_label.adjustSize()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.25 if event.angleDelta().y() > 0 else 1 / 1.25)
            event.accept()
            return
        super().wheelEvent(event)

    def shutdown(self, msecs: int = 30_000) -> bool:
        return self._runner.wait(msecs)

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)


# -- log viewer --------------------------------------------------------------------------


class _LineNumbers(QWidget):
    def __init__(self, editor: LineNumberedEdit) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_line_numbers(event)


class LineNumberedEdit(QPlainTextEdit):
    """A read-only text view with line numbers in the left margin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._numbers = _LineNumbers(self)
        self.blockCountChanged.connect(lambda _n: self._update_width())
        self.updateRequest.connect(self._update_area)
        self._update_width()

    def line_number_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_width(self) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _update_area(self, rect: QRect, dy: int) -> None:
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._update_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._numbers.setGeometry(QRect(cr.left(), cr.top(), self.line_number_width(),
                                        cr.height()))

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        painter = QPainter(self._numbers)
        painter.fillRect(event.rect(), self.palette().alternateBase())
        painter.setPen(self.palette().placeholderText().color())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                painter.drawText(0, top, self._numbers.width() - 5, height,
                                 Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()


class LogViewerDialog(QDialog):
    """The start of a text attachment (a log, or SVG/HTML as source), searchable.

    Only ``VIEW_BYTES`` are read at a time ("加载更多" reads the next part); the
    encoding (UTF-8 or GBK/GB18030) is decided on the first part and kept.

    Signals:
        loaded: a part has been read and shown (or its error is).
    """

    loaded = Signal()

    def __init__(self, db: Database, view: AttachmentView, parent: QWidget | None = None,
                 chunk_bytes: int = VIEW_BYTES) -> None:
        super().__init__(parent)
        self.setObjectName("logViewer")
        self.setWindowTitle(view.name)
        self.db = db
        self.view = view
        self.chunk_bytes = chunk_bytes
        self.loaded_bytes = 0
        self.encoding = ""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._runner = _Runner(threads=1)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("logSearch")
        self.search_edit.setPlaceholderText(self.tr("查找…"))
        self.search_edit.returnPressed.connect(self.find_next)
        find = QPushButton(self.tr("查找下一个"), self)
        find.setObjectName("logFindNext")
        find.clicked.connect(lambda _c=False: self.find_next())
        self.search_status = QLabel(self)
        self.search_status.setObjectName("logSearchStatus")
        self.more_button = QPushButton(self.tr("加载更多"), self)
        self.more_button.setObjectName("logLoadMore")
        self.more_button.setEnabled(False)
        self.more_button.clicked.connect(lambda _c=False: self.load_more())
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(find)
        bar.addWidget(self.search_status)
        bar.addWidget(self.more_button)
        layout.addLayout(bar)
        if view.mime_type != "text/plain":
            warn = QLabel(self.tr("此文件（{0}）仅以源文本显示，不会被渲染或执行。")
                          .format(view.mime_type), self)
            warn.setObjectName("logSourceOnly")
            layout.addWidget(warn)
        self.editor = LineNumberedEdit(self)
        self.editor.setObjectName("logText")
        layout.addWidget(self.editor, 1)
        self.status = QLabel(self)
        self.status.setObjectName("logStatus")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.setObjectName("logClose")
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        foot = QHBoxLayout()
        foot.addWidget(self.status, 1)
        foot.addWidget(close)
        layout.addLayout(foot)
        self.resize(900, 650)
        self.load_more()

    def load_more(self) -> None:
        if self._runner.busy or self.loaded_bytes >= self.view.size:
            return
        self.more_button.setEnabled(False)
        db, vid, offset, length = self.db, self.view.id, self.loaded_bytes, self.chunk_bytes
        self._runner.run(lambda _r: attachments.read_range(db, vid, offset, length),
                         self._append, self._failed)

    def _append(self, data: bytes) -> None:
        at_end = self.loaded_bytes + len(data) >= self.view.size
        if self._decoder is None:
            _text, self.encoding = attachments.decode_text(data, final=at_end)
            errors = "strict" if self.encoding in ("utf-8", "gb18030") else "replace"
            self._decoder = codecs.getincrementaldecoder(self.encoding)(errors)
        try:
            text = self._decoder.decode(data, final=at_end)
        except UnicodeDecodeError:
            # a later part is not in the first part's encoding: show it as best we can
            self._decoder = codecs.getincrementaldecoder(self.encoding)("replace")
            text = self._decoder.decode(data, final=at_end)
        cursor = QTextCursor(self.editor.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.loaded_bytes += len(data)
        self.more_button.setEnabled(not at_end)
        shown = attachments.format_size(self.loaded_bytes)
        total = attachments.format_size(self.view.size)
        self.status.setText(self.tr("编码 {0}；已显示 {1} / 共 {2}").format(
            self.encoding, shown, total))
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(_message(exc))
        self.loaded.emit()

    def find_next(self) -> bool:
        """Find the search text after the cursor, wrapping to the top once."""
        needle = self.search_edit.text()
        if not needle:
            self.search_status.setText("")
            return False
        found = self.editor.find(needle)
        if not found:
            cursor = self.editor.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.editor.setTextCursor(cursor)
            found = self.editor.find(needle)
        self.search_status.setText("" if found else self.tr("未找到"))
        return bool(found)

    def shutdown(self, msecs: int = 30_000) -> bool:
        return self._runner.wait(msecs)

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)
