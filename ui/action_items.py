"""我的整改措施: the action items a person owns, overdue ones in red, marked done here.

``ActionItemsDialog`` lists the person's open items (or all of theirs) off the GUI
thread and marks the chosen one done through ``desk.process.actions``.

Signals:
    ActionItemsDialog.loaded(int): the number of items listed, after each load.
    ActionItemsDialog.completed(int): the id of an item just marked done.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.process import actions
from desk.process.people import PersonView
from desk.read import actions as read_actions
from ui import scheme, tasks
from ui.labels import label as tr_label
from ui.rows_model import RowsModel


class ActionItemsDialog(QDialog):
    loaded = Signal(int)
    completed = Signal(int)

    def __init__(self, db: Database, person: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionItemsDialog")
        self.setWindowTitle(self.tr("我的整改措施 — {0}").replace("{0}", person.name))
        self.db, self.person = db, person
        self.latest = tasks.Latest(self)
        layout = QVBoxLayout(self)
        self.all = QCheckBox(self.tr("包括已完成的"))
        self.all.setObjectName("actionItemsAll")
        self.all.toggled.connect(lambda _on: self.reload())
        layout.addWidget(self.all)
        self.model = RowsModel([self.tr("措施"), self.tr("完成期限"), self.tr("状态"),
                                self.tr("所属")], self)
        self.table = QTableView()
        self.table.setObjectName("actionItemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.done_button = QPushButton(self.tr("标记完成…"))
        self.done_button.setObjectName("actionItemDone")
        self.done_button.clicked.connect(self.complete)
        row.addStretch(1)
        row.addWidget(self.done_button)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setObjectName("actionItemsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(scheme.css("bad"))
        layout.addWidget(self.error)
        self.resize(720, 380)
        self.reload()

    def reload(self) -> None:
        db, pid, open_only = self.db, self.person.id, not self.all.isChecked()
        self.latest.run(lambda: read_actions.items(db, owner_id=pid, open_only=open_only),
                        self._show, self._failed)

    def _show(self, items: list[read_actions.ActionView]) -> None:
        rows = []
        for i in items:
            state = tr_label(i.state.label_zh) + (self.tr("（已逾期）") if i.overdue else "")
            where = " ".join(x for x in (i.ticket_number, i.problem_number) if x)
            rows.append(([i.title, i.due_on.isoformat(), state, where], i, i.overdue))
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.loaded.emit(len(items))

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc) if isinstance(exc, DeskError) else
                           self.tr("出现了意外错误，详情已写入日志。"))

    def ask_note(self) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("标记完成"), self.tr("完成情况（可选）"))
        return text if ok else None

    def complete(self) -> None:
        self.error.clear()
        item = self.model.item(self.table.currentIndex().row())
        if item is None:
            self.error.setText(self.tr("请先选择一项措施。"))
            return
        note = self.ask_note()
        if note is None:
            return
        db, pid, item_id = self.db, self.person.id, item.id

        def done(_view: Any) -> None:
            self.completed.emit(item_id)
            self.reload()

        tasks.run(lambda: actions.complete_item(db, item_id, pid, note), done, self._failed)
