"""Problems (问题管理): the list, one problem's record, and its steps 分析中 → 已知错误 →
已解决, as ``desk.process.problems`` keeps them.

``ProblemsDialog`` lists problems (filtered by state), shows the chosen one's fields,
faults and history, and writes through the services off the GUI thread: a new problem
(from the fault selected in the queue, when there is one), saving the fields, pointing the
selected fault to the problem, and the two state steps (each needs its fields: the step
names what is missing and nothing changes).

Signals:
    ProblemsDialog.loaded(int): the number of problems listed, after each load.
    ProblemsDialog.shown(object): the problem now shown (``ProblemView``).
    ProblemsDialog.saved(object): the problem after a change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError, ValidationError
from desk.process import problems
from desk.process.attachments import local_zone
from desk.process.people import PersonView
from desk.read import problems as read_problems
from desk.read.problems import ProblemView
from models import ProblemState
from ui import scheme, tasks
from ui.labels import label as tr_label
from ui.rows_model import RowsModel

TEXT_FIELDS = ("symptom", "root_cause", "workaround", "permanent_fix")


class ProblemsDialog(QDialog):
    loaded = Signal(int)
    shown = Signal(object)
    saved = Signal(object)

    def __init__(self, db: Database, person: PersonView, fault_number: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle(self.tr("问题管理"))
        self.db, self.person, self.fault_number = db, person, fault_number
        self.current: ProblemView | None = None
        self.tz = local_zone(db)
        self.list_loads = tasks.Latest(self)
        self.problem_loads = tasks.Latest(self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.state = QComboBox()
        self.state.setObjectName("problemState")
        self.state.addItem(self.tr("全部状态"), None)
        for state in ProblemState:
            self.state.addItem(tr_label(state.label_zh), state.value)
        self.state.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_button = QPushButton(self.tr("新建问题…"))
        self.new_button.setObjectName("problemNew")
        self.new_button.clicked.connect(self.new_problem)
        top.addWidget(QLabel(self.tr("状态")))
        top.addWidget(self.state)
        top.addStretch(1)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowsModel([self.tr("编号"), self.tr("状态"), self.tr("故障数"),
                                self.tr("标题")], self)
        self.table = QTableView()
        self.table.setObjectName("problemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        split.addWidget(self.table)
        detail = QWidget()
        form = QFormLayout(detail)
        self.heading = QLabel()
        self.heading.setObjectName("problemHeading")
        form.addRow(self.heading)
        self.title = QLineEdit()
        self.title.setObjectName("problem_title")
        form.addRow(tr_label("问题标题"), self.title)
        self.inputs: dict[str, QPlainTextEdit] = {}
        for name in TEXT_FIELDS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"problem_{name}")
            edit.setMaximumHeight(70)
            self.inputs[name] = edit
            form.addRow(tr_label(read_problems.FIELDS[name][0]), edit)
        self.history = QTextBrowser()
        self.history.setObjectName("problemHistory")
        self.history.setMaximumHeight(120)
        form.addRow(self.tr("故障与记录"), self.history)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("problemSave")
        self.save_button.clicked.connect(self.save)
        self.attach_button = QPushButton(self.tr("关联所选故障"))
        self.attach_button.setObjectName("problemAttach")
        self.attach_button.clicked.connect(self.attach)
        self.known_button = QPushButton(self.tr("标为已知错误"))
        self.known_button.setObjectName("problemKnown")
        self.known_button.clicked.connect(lambda: self.advance(ProblemState.KNOWN_ERROR))
        self.resolve_button = QPushButton(self.tr("标为已解决"))
        self.resolve_button.setObjectName("problemResolve")
        self.resolve_button.clicked.connect(lambda: self.advance(ProblemState.RESOLVED))
        for b in (self.save_button, self.attach_button, self.known_button, self.resolve_button):
            buttons.addWidget(b)
        form.addRow(buttons)
        self.error = QLabel()
        self.error.setObjectName("problemError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(scheme.css("bad"))
        form.addRow(self.error)
        split.addWidget(detail)
        split.setSizes([320, 520])
        layout.addWidget(split, 1)
        self.resize(900, 560)
        self._enable()
        self.reload()

    # -- loading -----------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        db = self.db
        raw = self.state.currentData()
        state = ProblemState(raw) if raw else None
        self.list_loads.run(lambda: read_problems.list_problems(db, state),
                            lambda rows: self._listed(rows, select), self._failed)

    def _listed(self, rows: list[tuple[ProblemView, int]], select: str | None) -> None:
        self.model.set_rows([([v.number, tr_label(v.state.label_zh), str(n), v.title], v,
                              False) for v, n in rows])
        self.table.resizeColumnsToContents()
        self.loaded.emit(len(rows))
        wanted = select or (self.current.number if self.current else None)
        for row, (v, _n) in enumerate(rows):
            if v.number == wanted:
                self.table.selectRow(row)
                break

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        view = self.model.item(current.row())
        if view is not None:
            if self.current is None or view.number != self.current.number:
                self.error.clear()  # a message was about the problem shown before
            self.show_problem(view.number)

    def show_problem(self, number: str) -> None:
        db = self.db
        self.problem_loads.run(lambda: read_problems.get_problem(db, number), self._shown,
                               self._failed)

    def _shown(self, view: ProblemView) -> None:
        self.current = view
        self.heading.setText(f"{view.number} · {tr_label(view.state.label_zh)}"
                             + (f" · {view.owner_name}" if view.owner_name else ""))
        self.title.setText(view.title)
        for name, edit in self.inputs.items():
            edit.setPlainText(str(getattr(view, name) or ""))
        lines = [f"{f.number} · {tr_label(f.status.label_zh)} · {f.reporter_name}"
                 + (self.tr("（重复故障）") if f.repeat else "") for f in view.faults]
        lines += [f"{h['at'].astimezone(self.tz):%Y-%m-%d %H:%M} {h['actor']} "
                  f"{self.history_label(h)}" for h in view.history]
        self.history.setPlainText("\n".join(lines))
        self._enable()
        self.shown.emit(view)

    def history_label(self, event: dict[str, Any]) -> str:
        details = event.get("details") or {}
        if event["action"] == "problem_open":
            return self.tr("新建问题")
        if event["action"] == "problem_fault":
            return self.tr("关联故障 {0}").replace("{0}", str(details.get("fault", "")))
        if event["action"] == "problem_state":
            state = ProblemState(str(details.get("state", ProblemState.ANALYSING.value)))
            return self.tr("状态改为“{0}”").replace("{0}", tr_label(state.label_zh))
        return self.tr("修改：{0}").replace("{0}", "、".join(
            tr_label(read_problems.FIELDS[k][0]) for k in event.get("changes", {})
            if k in read_problems.FIELDS))

    def _enable(self) -> None:
        view = self.current
        for b in (self.save_button, self.known_button, self.resolve_button):
            b.setEnabled(view is not None and view.state != ProblemState.RESOLVED)
        if view is not None:
            self.known_button.setEnabled(view.state == ProblemState.ANALYSING)
        self.attach_button.setEnabled(view is not None and bool(self.fault_number))

    def _failed(self, exc: BaseException) -> None:
        self.error.setText(str(exc) if isinstance(exc, DeskError) else
                           self.tr("出现了意外错误，详情已写入日志。"))

    # -- writing -----------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title.text()}
        out.update({name: edit.toPlainText() for name, edit in self.inputs.items()})
        return out

    def _write(self, fn: Any) -> None:
        self.error.clear()

        def done(view: ProblemView) -> None:
            self.saved.emit(view)
            self._shown(view)
            self.reload(view.number)

        tasks.run(fn, done, self._failed)

    def ask_title(self) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("新建问题"), self.tr("问题标题"))
        return text if ok else None

    def new_problem(self) -> None:
        title = self.ask_title()
        if title is None:
            return
        if not title.strip():
            self._failed(ValidationError({"title": ("请填写问题标题。", "The title is required.")}))
            return
        db, person_id = self.db, self.person.id
        faults = [self.fault_number] if self.fault_number else []
        self._write(lambda: problems.open_problem(db, person_id, {"title": title},
                                                  faults=faults))

    def save(self) -> None:
        if self.current is None:
            return
        db, number, version, values = (self.db, self.current.number, self.current.version,
                                       self.values())
        self._write(lambda: problems.edit_problem(db, number, self.person.id, values, version))

    def attach(self) -> None:
        if self.current is None or not self.fault_number:
            return
        db, number, fault = self.db, self.current.number, self.fault_number
        self._write(lambda: problems.attach_faults(db, number, [fault], self.person.id))

    def advance(self, state: ProblemState) -> None:
        if self.current is None:
            return
        db, number, version, values = (self.db, self.current.number, self.current.version,
                                       self.values())
        self._write(lambda: problems.advance(db, number, self.person.id, state, values,
                                             version))
