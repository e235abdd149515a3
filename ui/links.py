"""The links of a fault (关联故障): what it is related to, caused by or a duplicate of, and
the duplicates merged into it; a form to add a link by number or by dropping a queue row.

``LinksDialog`` loads and links off the GUI thread (``ui.tasks``). A duplicate asks for
confirmation first: it closes the fault into the other one.

Signals:
    LinksDialog.loaded(int): the number of links shown, after each load.
    LinksDialog.linked(str): the kind of a link just recorded.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.process import links
from desk.process.attachments import local_zone
from desk.process.people import PersonView
from desk.read import links as read_links
from models import LinkKind
from ui import scheme, tasks
from ui.labels import label as tr_label
from ui.queue_model import TICKET_MIME
from ui.rows_model import RowsModel

NUMBER = re.compile(r"^[A-Za-z]{2,8}-\d{8}-\d{3,}$")


def number_of(mime: QMimeData) -> str | None:
    """The fault number a drag carries: a queue row, or a number as text."""
    if mime.hasFormat(TICKET_MIME):
        return bytes(mime.data(TICKET_MIME).data()).decode("utf-8").strip() or None
    if mime.hasText():
        text = mime.text().strip()
        return text.upper() if NUMBER.match(text) else None
    return None


class NumberEdit(QLineEdit):
    """A line for a fault number that takes a dropped queue row (or number) whole."""

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if number_of(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        number = number_of(event.mimeData())
        if number:
            self.setText(number)
            event.acceptProposedAction()


class LinksDialog(QDialog):
    loaded = Signal(int)
    linked = Signal(str)

    def __init__(self, db: Database, person: PersonView, number: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linksDialog")
        self.db, self.person, self.number = db, person, number
        self.setWindowTitle(self.tr("关联故障 — {0}").replace("{0}", number))
        self.latest = tasks.Latest(self)
        self.tz = local_zone(db)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("关联的故障")))
        self.model = RowsModel([self.tr("关系"), self.tr("故障编号"), self.tr("状态"),
                                self.tr("受影响业务")], self)
        self.table = QTableView()
        self.table.setObjectName("linksTable")
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        layout.addWidget(QLabel(self.tr("合并进来的重复故障（报告人、证据和事件仍可查看）")))
        self.duplicates = RowsModel([self.tr("故障编号"), self.tr("报告人"), self.tr("上报时间"),
                                     self.tr("附件"), self.tr("事件")], self)
        self.duplicate_table = QTableView()
        self.duplicate_table.setObjectName("duplicatesTable")
        self.duplicate_table.setModel(self.duplicates)
        self.duplicate_table.horizontalHeader().setStretchLastSection(True)
        self.duplicate_table.verticalHeader().hide()
        layout.addWidget(self.duplicate_table)
        form = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("linkKind")
        for kind in LinkKind:
            self.kind.addItem(tr_label(kind.label_zh), kind.value)
        self.other = NumberEdit()
        self.other.setObjectName("linkOther")
        self.other.setPlaceholderText(self.tr("故障编号，或从列表拖入一行"))
        self.link_button = QPushButton(self.tr("关联"))
        self.link_button.setObjectName("linkButton")
        self.link_button.clicked.connect(self.submit)
        form.addWidget(QLabel(self.tr("本故障")))
        form.addWidget(self.kind)
        form.addWidget(self.other, 1)
        form.addWidget(self.link_button)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("linksError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(scheme.css("bad"))
        layout.addWidget(self.error)
        self.resize(640, 460)
        self.reload()

    def reload(self) -> None:
        db, number = self.db, self.number
        self.latest.run(lambda: (read_links.links_of(db, number),
                                 read_links.duplicates_of(db, number)),
                        self._show, self._failed)

    def _show(self, found: tuple[list[read_links.LinkView], list[read_links.DuplicateView]]
              ) -> None:
        views, dups = found
        self.model.set_rows([([tr_label(v.label_zh), v.number, tr_label(v.status.label_zh),
                               v.affected_business], v, False) for v in views])
        self.duplicates.set_rows([([d.number, f"{d.reporter_name} {d.reporter_employee_no}",
                                    d.reported_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M"),
                                    str(len(d.attachments)), str(len(d.events))], d, False)
                                  for d in dups])
        self.table.resizeColumnsToContents()
        self.duplicate_table.resizeColumnsToContents()
        self.loaded.emit(len(views))

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc) if isinstance(exc, DeskError) else
                           self.tr("出现了意外错误，详情已写入日志。"))

    def confirm_merge(self, other: str) -> bool:
        answer = QMessageBox.question(
            self, self.tr("合并重复故障"),
            self.tr("本故障将作为 {0} 的重复故障关闭并合并，此操作不能撤销。继续吗？")
            .replace("{0}", other))
        return answer == QMessageBox.StandardButton.Yes

    def submit(self) -> None:
        self.error.clear()
        other = self.other.text().strip().upper()
        if not other:
            self.error.setText(self.tr("请填写要关联的故障编号。"))
            return
        kind = str(self.kind.currentData())
        if kind == LinkKind.DUPLICATE.value and not self.confirm_merge(other):
            return
        db, number, person_id = self.db, self.number, self.person.id
        self.link_button.setEnabled(False)

        def done(_result: Any) -> None:
            self.link_button.setEnabled(True)
            self.other.clear()
            self.linked.emit(kind)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.link_button.setEnabled(True)
            self._failed(exc)

        tasks.run(lambda: links.link(db, number, other, kind, person_id), done, failed)
