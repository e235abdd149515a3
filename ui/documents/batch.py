"""Batch export: chosen documents of the selected tickets into a folder.

The kinds are the 文档 menu's (``ui.document_menu.MENU_ORDER``) and the 故障复盘报告,
each written for the tickets it is offered for (``ui.document_menu.availability``: the
review for a solved level-1 or level-2 fault) and skipped, with the reason, for the rest.

One worker (``BatchExportJob``) loops over the tickets, with progress and Cancel
between tickets; ``BatchExportDialog`` lists the failures at the end. Files are never
written over: ``write_new`` picks ``stem (1).pdf``… when a name is taken.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QStandardPaths,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QDesktopServices,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.read import documents, review
from ui import scheme
from ui.document_menu import MENU_ORDER, TicketRef, availability, kind_label

log = logging.getLogger(__name__)




def tr(text: str) -> str:
    return QCoreApplication.translate("Documents", text)



# -- batch export --------------------------------------------------------------------------

BATCH_KINDS = (*MENU_ORDER, review.KIND)


@dataclass
class BatchReport:
    """What a batch export did."""

    total: int
    written: list[Path] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (number, message)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (number, kind, why)
    cancelled: bool = False
    done_tickets: int = 0


def unique_path(folder: Path, stem: str) -> Path:
    """``folder/stem.pdf``, or ``stem (1).pdf``, ``stem (2).pdf``… if taken."""
    candidate = folder / f"{stem}.pdf"
    n = 0
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem} ({n}).pdf"
    return candidate


def write_new(folder: Path, stem: str, data: bytes) -> Path:
    """Write ``data`` to a new file (never over an existing one); no partial file left."""
    while True:
        target = unique_path(folder, stem)
        try:
            with open(target, "xb") as f:
                try:
                    f.write(data)
                except BaseException:
                    f.close()
                    target.unlink(missing_ok=True)
                    raise
            return target
        except FileExistsError:
            continue  # someone took the name between the check and the open


class _BatchSignals(QObject):
    progress = Signal(int, int, str)  # tickets done, tickets in all, the number just done
    finished = Signal(object)  # BatchReport


class BatchExportJob(QRunnable):
    """One worker looping over the tickets; Cancel is checked between tickets."""

    def __init__(self, db: Database, ticket_refs: Sequence[TicketRef], kinds: Sequence[str],
                 folder: Path) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.db, self.tickets, self.kinds, self.folder = db, list(ticket_refs), list(kinds), folder
        self.signals = _BatchSignals()
        self.cancel = threading.Event()
        self.done = threading.Event()
        self.report = BatchReport(total=len(self.tickets))

    def run(self) -> None:
        report = self.report
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for n, ticket in enumerate(self.tickets, 1):
                if self.cancel.is_set():
                    report.cancelled = True
                    break
                self._one(ticket, report)
                report.done_tickets = n
                self.signals.progress.emit(n, len(self.tickets), ticket.number)
        except OSError as exc:
            report.failures.append(("", tr("无法创建文件夹 {0}：{1}").format(
                self.folder, exc.strerror)))
        finally:
            self.done.set()
            self.signals.finished.emit(report)

    def _one(self, ticket: TicketRef, report: BatchReport) -> None:
        allowed = {k: (ok, why) for k, ok, why in availability(ticket)}
        for kind in self.kinds:
            ok, why = allowed.get(kind, (True, ""))
            if not ok:
                report.skipped.append((ticket.number, kind, why))
                continue
            try:
                data = (review.render(self.db, ticket.id) if kind == review.KIND
                        else documents.render(self.db, kind, ticket.id))
                report.written.append(write_new(self.folder, f"{kind}-{ticket.number}", data))
            except DeskError as exc:
                report.failures.append((ticket.number, f"{kind_label(kind)}：{exc}"))
            except OSError as exc:
                report.failures.append((ticket.number, tr("{0}：无法写入（{1}）").format(
                    kind_label(kind), exc.strerror)))
            except Exception as exc:  # one damaged ticket must not stop the batch
                log.error("batch export: %s %s failed", ticket.number, kind, exc_info=exc)
                report.failures.append((ticket.number, tr(
                    "{0}：无法生成文档（{1}），详情已写入日志").format(kind_label(kind),
                                                         type(exc).__name__)))


class BatchExportDialog(QDialog):
    """Export chosen documents of the selected tickets into a folder.

    Signals:
        finished_export(object): the ``BatchReport`` once the worker stopped.
    """

    finished_export = Signal(object)

    def __init__(self, db: Database, ticket_refs: Sequence[TicketRef],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchExport")
        self.setWindowTitle(tr("批量导出文档"))
        self.db = db
        self.tickets = list(ticket_refs)
        self.job: BatchExportJob | None = None
        self.report: BatchReport | None = None
        self._close_when_done = False

        layout = QVBoxLayout(self)
        self.summary = QLabel(tr("已选择 {0} 个故障。").format(len(self.tickets)))
        self.summary.setObjectName("batchSummary")
        layout.addWidget(self.summary)
        kinds_box = QFrame()
        kinds_box.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(kinds_box)
        grid.addWidget(QLabel(tr("导出哪些文档：")), 0, 0, 1, 2)
        self.kind_boxes: dict[str, QCheckBox] = {}
        for i, kind in enumerate(BATCH_KINDS):
            box = QCheckBox(kind_label(kind))
            box.setObjectName(f"batch_{kind}")
            box.setChecked(kind == "record")
            box.toggled.connect(lambda _on: self._update_buttons())
            grid.addWidget(box, 1 + i // 2, i % 2)
            self.kind_boxes[kind] = box
        note = QLabel(tr("不适用于故障当前状态或等级的文档会被跳过。"))
        note.setStyleSheet(scheme.css("muted"))
        grid.addWidget(note, 2 + (len(BATCH_KINDS) - 1) // 2, 0, 1, 2)
        layout.addWidget(kinds_box)

        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(tr("保存到：")))
        self.folder = QLineEdit(str(Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)) / "Desk"))
        self.folder.setObjectName("batchFolder")
        self.folder.textChanged.connect(lambda _t: self._update_buttons())
        folder_row.addWidget(self.folder, 1)
        self.choose_button = QPushButton(tr("选择…"))
        self.choose_button.setObjectName("batchChoose")
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row.addWidget(self.choose_button)
        layout.addLayout(folder_row)

        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.progress.setRange(0, max(1, len(self.tickets)))
        self.progress.setValue(0)
        self.progress.setFormat(tr("%v / %m 个故障"))
        layout.addWidget(self.progress)
        self.failures_label = QLabel(tr("未能导出："))
        self.failures_label.hide()
        layout.addWidget(self.failures_label)
        self.failures = QListWidget()
        self.failures.setObjectName("batchFailures")
        self.failures.setWordWrap(True)
        self.failures.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.failures.hide()
        layout.addWidget(self.failures, 1)

        buttons = QHBoxLayout()
        self.open_button = QPushButton(tr("打开文件夹"))
        self.open_button.setObjectName("batchOpenFolder")
        self.open_button.clicked.connect(lambda: self.open_folder(Path(self.folder.text())))
        self.open_button.hide()
        self.export_button = QPushButton(tr("导出"))
        self.export_button.setObjectName("batchStart")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("取消"))
        self.cancel_button.setObjectName("batchCancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(tr("关闭"))
        self.close_button.setObjectName("batchClose")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        for b in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.cancel_button.setEnabled(False)
        self._update_buttons()
        self.resize(520, self.sizeHint().height())

    def chosen_kinds(self) -> list[str]:
        return [k for k, box in self.kind_boxes.items() if box.isChecked()]

    def _update_buttons(self) -> None:
        running = self.job is not None
        self.export_button.setEnabled(not running and bool(self.tickets)
                                      and bool(self.chosen_kinds())
                                      and bool(self.folder.text().strip()))

    @classmethod
    def ask_folder(cls, parent: QWidget, start: str) -> str:
        """The folder the files go to, or "" (tests replace this)."""
        return QFileDialog.getExistingDirectory(parent, tr("选择导出文件夹"), start)

    @classmethod
    def open_folder(cls, folder: Path) -> None:
        """Show the folder in the system's file manager (tests replace this)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def choose_folder(self) -> None:
        folder = self.ask_folder(self, self.folder.text())
        if folder:
            self.folder.setText(folder)

    def start(self) -> None:
        if self.job is not None or not self.export_button.isEnabled():
            return
        self.report = None
        self.failures.clear()
        self.failures.hide()
        self.failures_label.hide()
        self.open_button.hide()
        self.progress.setValue(0)
        job = BatchExportJob(self.db, self.tickets, self.chosen_kinds(),
                             Path(self.folder.text().strip()).expanduser())
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        self.job = job
        for box in self.kind_boxes.values():
            box.setEnabled(False)
        self.folder.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.summary.setText(tr("正在导出…"))
        self._update_buttons()
        QThreadPool.globalInstance().start(job)

    def cancel(self) -> None:
        """Stop after the ticket being written (no partial file is left)."""
        if self.job is not None:
            self.job.cancel.set()
            self.cancel_button.setEnabled(False)
            self.summary.setText(tr("正在取消…"))

    def _progress(self, done: int, total: int, number: str) -> None:
        self.progress.setValue(done)
        if self.job is not None and not self.job.cancel.is_set():
            self.summary.setText(tr("正在导出：{0}（{1}/{2}）").format(number, done, total))

    def _finished(self, report: BatchReport) -> None:
        self.job = None
        self.report = report
        for box in self.kind_boxes.values():
            box.setEnabled(True)
        self.folder.setEnabled(True)
        self.choose_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self._update_buttons()
        text = tr("已导出 {0} 个文件").format(len(report.written))
        if report.cancelled:
            text = tr("已取消（处理了 {0}/{1} 个故障）。").format(report.done_tickets,
                                                           report.total) + text
        if report.failures:
            text += tr("，{0} 个失败").format(len(report.failures))
        if report.skipped:
            text += tr("，{0} 份因状态不适用而跳过").format(len(report.skipped))
        self.summary.setText(text + tr("。"))
        self.summary.setStyleSheet(scheme.css("bad") if report.failures else "")
        for number, message in report.failures:
            item = QListWidgetItem(f"{number}：{message}" if number else message)
            item.setToolTip(item.text())
            self.failures.addItem(item)
        self.failures.setVisible(bool(report.failures))
        self.failures_label.setVisible(bool(report.failures))
        self.open_button.setVisible(bool(report.written))
        self.finished_export.emit(report)
        if self._close_when_done:
            super().reject()

    def reject(self) -> None:
        if self.job is not None:  # Esc or close while running: cancel, close when stopped
            self._close_when_done = True
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        if self.job is not None:
            self._close_when_done = True
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
