"""Similar past faults beside the new-fault form (相似历史故障).

As a person types the phenomenon and the affected business, the panel looks up the
most similar past faults (``desk.process.knowledge.similar_faults``: archived knowledge-base
entries and resolved faults) with their solutions. Typing restarts a short debounce
timer; the look-up runs on the thread pool (``ui.tasks``) and a result that arrives
after a newer request was made is dropped, so the list always matches the latest text
and input never waits for the database.

Signals (SimilarFaultsPanel):
    updated(int): the number of faults listed, after each refresh.
    activated(object): a listed fault (``desk.process.knowledge.SimilarFault``) was double-clicked.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.process import knowledge
from desk.process.knowledge import SimilarFault
from ui import scheme, tasks
from ui.kb_dialog import RichTextDelegate, show_similar_fault
from ui.list_models import HtmlRole, ItemListModel, ItemRole

DEBOUNCE_MS = 250
FaultRole = ItemRole  # HtmlRole (UserRole + 2): the item as rich text

def _e(value: object) -> str:
    return html.escape(str(value))


class SimilarFaultsModel(ItemListModel):
    """The faults found, best first: number, title, solution (plain data only)."""

    @property
    def faults(self) -> list[SimilarFault]:
        return self.items

    def set_faults(self, faults: list[SimilarFault]) -> None:
        self.set_items(faults)

    def _state(self, fault: SimilarFault) -> str:
        if fault.problem_id is not None:
            return self.tr("已知问题")
        return self.tr("知识库") if fault.archived else self.tr("已解决，未归档")

    def item_data(self, fault: SimilarFault, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            state = self._state(fault)
            solution = fault.solution or self.tr("（未记录方案）")
            return (f"{fault.title}\n{fault.ticket_number} · {state} · "
                    f"{self.tr('相似度')} {round(fault.score * 100)}%\n{solution}")
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{fault.ticket_number}\n{self.tr('故障现象')}：{fault.phenomenon}\n"
                    f"{self.tr('受影响业务')}：{fault.affected_business}\n"
                    f"{self.tr('方案')}：{fault.solution}")
        if role == HtmlRole:
            state = self._state(fault)
            solution = _e(fault.solution) if fault.solution else _e(self.tr("（未记录方案）"))
            shown = scheme.colours()
            return (f"<div style='font-weight:bold'>{_e(fault.title)}</div>"
                    f"<div style='color:{shown.muted}'>{_e(fault.ticket_number)} · {_e(state)} · "
                    f"{_e(self.tr('相似度'))} {round(fault.score * 100)}%</div>"
                    f"<div style='color:{shown.good}'>{_e(self.tr('方案'))}：{solution}</div>")
        return None


class SimilarFaultsPanel(QWidget):
    """A side column listing past faults like the one being typed, with their solutions."""

    updated = Signal(int)
    activated = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("similarPanel")
        self.db = db
        self._lookups = tasks.Latest(self)  # only the newest lookup's answer is shown
        self._texts: tuple[str, str, str | None] = ("", "", None)
        self._last: tuple[str, str, str | None] | None = None
        self.running = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        heading = QLabel(self.tr("相似历史故障"))
        heading.setObjectName("similarHeading")
        heading.setStyleSheet("font-weight: bold; margin-top: 4px;")
        layout.addWidget(heading)
        self.status = QLabel(self.tr("填写受影响业务和故障现象后，这里会列出相似的历史故障及其解决方案。"))
        self.status.setObjectName("similarStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(scheme.css("muted"))
        layout.addWidget(self.status)
        self.model = SimilarFaultsModel(self)
        self.view = QListView()
        self.view.setObjectName("similarList")
        self.view.setAccessibleName(self.tr("相似历史故障"))
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setItemDelegate(RichTextDelegate(self.view))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setAlternatingRowColors(True)
        self.view.setSpacing(2)
        self.view.setUniformItemSizes(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.doubleClicked.connect(self._double_clicked)
        layout.addWidget(self.view, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        self._sources: tuple[QLineEdit, QPlainTextEdit, QComboBox | None] | None = None

    def sizeHint(self) -> QSize:
        return QSize(240, 400)

    def watch(self, business: QLineEdit, phenomenon: QPlainTextEdit,
              fault_type: QComboBox | None = None) -> None:
        """Follow the form's fields: every change restarts the debounce timer."""
        self._sources = (business, phenomenon, fault_type)
        business.textChanged.connect(self._changed)
        phenomenon.textChanged.connect(self._changed)
        if fault_type is not None:
            fault_type.currentIndexChanged.connect(self._changed)

    def _changed(self, *_args: Any) -> None:
        if self._sources is None:
            return
        business, phenomenon, fault_type = self._sources
        kind = fault_type.currentData() if fault_type is not None else None
        self.request(phenomenon.toPlainText(), business.text(), kind)

    def request(self, phenomenon: str, business: str, fault_type: str | None = None) -> None:
        """Ask for a refresh with these texts after the debounce delay."""
        self._texts = (phenomenon, business, fault_type)
        self.timer.start()

    def refresh(self) -> tasks.Operation | None:
        """Look up now (off the GUI thread) with the latest texts; the operation started."""
        self.timer.stop()
        phenomenon, business, fault_type = self._texts
        if not phenomenon.strip() and not business.strip():
            self._lookups.cancel()  # an answer still on its way is for old texts
            self._show([])
            return None
        self.running = True
        self.status.setText(self.tr("正在查找相似故障…"))
        db = self.db
        return self._lookups.run(
            lambda: knowledge.similar_faults(db, phenomenon, business, fault_type),
            self._show, self._failed)

    def _show(self, found: list[SimilarFault]) -> None:
        self.running = False
        self.model.set_faults(found)
        if found:
            self.status.setText(self.tr("找到 %n 个相似的历史故障（双击查看）：", "", len(found)))
        elif self._texts[0].strip() or self._texts[1].strip():
            self.status.setText(self.tr("没有找到相似的历史故障。"))
        else:
            self.status.setText(self.tr("填写受影响业务和故障现象后，这里会列出相似的历史故障及其解决方案。"))
        self.updated.emit(len(found))

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.model.set_faults([])
        self.status.setText(self.tr("无法查找相似故障：") + str(exc))
        self.updated.emit(0)

    def _double_clicked(self, index: QModelIndex) -> None:
        fault = index.data(FaultRole)
        if fault is None:
            return
        self.activated.emit(fault)
        show_similar_fault(self, self.db, fault)
