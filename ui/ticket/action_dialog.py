"""The dialog one transition opens: asks for the transition's fields, then fires it.

Built from ``desk.process.workflow``'s field list for the transition; ``desk.process.workflow.perform``
decides, off the GUI thread.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import ConflictError, DeskError
from desk.process import people, workflow
from desk.process.people import PersonView
from desk.read import tickets
from desk.rules import transitions
from desk.rules.timeutil import format_local
from models import FaultLevel, FaultType, Role, TeamDuty
from ui import scheme, tasks
from ui.labels import label as tr_label
from ui.record_form import from_qdatetime, to_qdatetime

# the pickers of 分级派单 each level needs (the others are hidden)
LEVEL_PICKERS = {
    1: {"coordinator_id", "business_contact_id", "team"},
    2: {"lead_engineer_id", "business_contact_id", "team"},
    3: {"module_engineer_id", "team"},
}
# of those, the ones the level requires (the service refuses without them)
LEVEL_REQUIRED = {1: {"coordinator_id", "team"}, 2: {"lead_engineer_id", "business_contact_id"},
                  3: {"module_engineer_id"}}
MEMBER_DUTIES = (TeamDuty.OPS, TeamDuty.DEVELOPMENT, TeamDuty.DATABASE, TeamDuty.NETWORK,
                 TeamDuty.MEMBER)
# steps that sign off a proposal: the dialog shows it and offers 驳回
SIGN_OFFS = ("confirm", "approve", "reject")


class TeamTable(QTableWidget):
    """处理小组成员: one row per person (a picker) with their duty (a picker)."""

    def __init__(self, everyone: list[PersonView], parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.everyone = everyone
        self.setHorizontalHeaderLabels([self.tr("人员"), self.tr("职责")])
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().resizeSection(1, 130)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setMinimumHeight(110)

    def add_member(self, person_id: int | None = None, duty: TeamDuty = TeamDuty.OPS) -> int:
        row = self.rowCount()
        self.insertRow(row)
        who = QComboBox()
        who.setObjectName(f"teamPerson{row}")
        who.setAccessibleName(self.tr("小组成员"))
        who.addItem(self.tr("（未选择）"), None)
        for p in self.everyone:
            who.addItem(f"{p.name}（{p.employee_no}，{p.department}）", p.id)
        if person_id is not None:
            who.setCurrentIndex(max(0, who.findData(person_id)))
        what = QComboBox()
        what.setObjectName(f"teamDuty{row}")
        what.setAccessibleName(self.tr("职责"))
        for d in MEMBER_DUTIES:
            what.addItem(tr_label(d.label_zh), d.value)
        what.setCurrentIndex(max(0, what.findData(duty.value)))
        self.setCellWidget(row, 0, who)
        self.setCellWidget(row, 1, what)
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.selectedIndexes()} or
                      ({self.currentRow()} if self.currentRow() >= 0 else set()), reverse=True)
        for row in rows:
            self.removeRow(row)

    def members(self) -> list[tuple[int, str]]:
        out = []
        for row in range(self.rowCount()):
            who, what = self.cellWidget(row, 0), self.cellWidget(row, 1)
            if isinstance(who, QComboBox) and isinstance(what, QComboBox) \
                    and who.currentData() is not None:
                out.append((int(who.currentData()), str(what.currentData())))
        return out


class ItemsTable(QTableWidget):
    """验证项: 项, 预期, 实际, 结果 (通过 / 不通过), one row per checked item."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([self.tr("项"), self.tr("预期"), self.tr("实际"),
                                        self.tr("结果")])
        header = self.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setMinimumHeight(120)

    def add_item(self, item: str = "", expected: str = "", actual: str = "",
                 passed: bool = True) -> int:
        from PySide6.QtWidgets import QTableWidgetItem

        row = self.rowCount()
        self.insertRow(row)
        for column, text in enumerate((item, expected, actual)):
            self.setItem(row, column, QTableWidgetItem(text))
        result = QComboBox()
        result.setObjectName(f"itemResult{row}")
        result.setAccessibleName(self.tr("结果"))
        result.addItem(self.tr("通过"), True)
        result.addItem(self.tr("不通过"), False)
        result.setCurrentIndex(0 if passed else 1)
        self.setCellWidget(row, 3, result)
        return row

    def remove_selected(self) -> None:
        row = self.currentRow()
        if row >= 0:
            self.removeRow(row)

    def items(self) -> list[dict[str, Any]]:
        out = []
        for row in range(self.rowCount()):
            texts = [(self.item(row, c).text().strip() if self.item(row, c) else "")
                     for c in range(3)]
            result = self.cellWidget(row, 3)
            if texts[0]:
                out.append({"item": texts[0], "expected": texts[1], "actual": texts[2],
                            "passed": bool(result.currentData())
                            if isinstance(result, QComboBox) else True})
        return out


class PassFail(QWidget):
    """验证结论: two explicit choices, neither chosen at first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.pass_button = QRadioButton(self.tr("通过"))
        self.pass_button.setObjectName("verdictPass")
        self.fail_button = QRadioButton(self.tr("不通过"))
        self.fail_button.setObjectName("verdictFail")
        self.group = QButtonGroup(self)
        for b in (self.pass_button, self.fail_button):
            self.group.addButton(b)
            row.addWidget(b)
        row.addStretch(1)

    def value(self) -> bool | None:
        if self.pass_button.isChecked():
            return True
        if self.fail_button.isChecked():
            return False
        return None


# the satisfaction rating's choices, best first (desk.rules.transitions.rating: 1–5)
RATINGS: list[tuple[int, str]] = [
    (5, "5 分 — 非常满意"),
    (4, "4 分 — 满意"),
    (3, "3 分 — 一般"),
    (2, "2 分 — 不满意"),
    (1, "1 分 — 很不满意"),
]


def rating_box() -> QComboBox:
    """满意度: not rated (the default), or 5 down to 1."""
    box = QComboBox()
    box.addItem(QCoreApplication.translate("ActionDialog", "（不评分）"), None)
    for score, text in RATINGS:
        box.addItem(QCoreApplication.translate("ActionDialog", text), score)
    return box


def tristate_box() -> QComboBox:
    """未确定 / 能 / 不能 (None / True / False)."""
    box = QComboBox()
    box.addItem(QCoreApplication.translate("ActionDialog", "未确定"), None)
    box.addItem(QCoreApplication.translate("ActionDialog", "能"), True)
    box.addItem(QCoreApplication.translate("ActionDialog", "不能"), False)
    return box


class ActionDialog(QDialog):
    """Asks for what one transition requires, then fires it through the service.

    A ``ConflictError`` (someone changed the ticket since it was shown) keeps what was
    typed and offers "重新载入": the panel reloads the ticket and the dialog's version.

    Signals:
        done_ok(object): the ticket (``TicketDetail``) after the transition.
        settled: a submission came back refused (the dialog stays open).
        reload_requested: the person asked to reload the ticket after a conflict.
    """

    done_ok = Signal(object)
    reload_requested = Signal()
    switch = Signal(str, str)  # another transition's name, text to carry over (驳回…)
    settled = Signal()  # a submission was refused: the dialog stays open

    def __init__(self, db: Database, tz: ZoneInfo, spec: transitions.Transition,
                 detail: tickets.TicketDetail, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"dialog_{spec.name}")
        self.setWindowTitle(f"{tr_label(spec.label_zh)} — {detail.number}")
        self.db, self.tz, self.spec, self.detail, self.person = db, tz, spec, detail, person
        self.inputs: dict[str, Any] = {}
        self.submitting = False  # a perform() of this dialog is on its way
        layout = QVBoxLayout(self)
        if spec.name in SIGN_OFFS:
            layout.addWidget(self._proposal())
        self.form = form = QFormLayout()
        everyone = people.list_people(db)
        for f in spec.fields:
            widget = self._input(f, everyone)
            widget.setObjectName(f"field_{f.name}")
            self.inputs[f.name] = widget
            label = tr_label(f.label_zh) + ("" if f.required else self.tr("（可选）"))
            widget.setAccessibleName(tr_label(f.label_zh))
            form.addRow(label, self._rating_row(widget) if f.kind == "rating" else widget)
            if f.name == "satisfaction_comment" and isinstance(widget, QPlainTextEdit):
                widget.setMaximumHeight(60)
        layout.addLayout(form)
        if spec.name == "dispatch":
            level = self.inputs["level"]
            level.currentIndexChanged.connect(lambda _i: self._show_pickers())
            self._show_pickers()
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(scheme.css("bad"))
        layout.addWidget(self.error)
        self.reload_button = QPushButton(self.tr("重新载入"))
        self.reload_button.setObjectName("dialogReload")
        self.reload_button.setToolTip(self.tr("载入他人的修改；已输入的内容保留"))
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self._reload)
        self.reload_button.hide()
        layout.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = ok
        ok.setObjectName("dialogOk")
        # a sign-off's button says what it does
        ok.setText(tr_label(spec.label_zh) if spec.name in SIGN_OFFS else self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        self.send_back_button: QPushButton | None = None
        if spec.name in ("confirm", "approve"):
            back = buttons.addButton(self.tr("驳回…"), QDialogButtonBox.ButtonRole.ActionRole)
            back.setObjectName("dialogSendBack")
            back.setToolTip(self.tr("把方案退回给提出人，并写明理由"))
            back.setAutoDefault(False)
            back.clicked.connect(self._send_back)
            self.send_back_button = back
        layout.addWidget(buttons)
        # never taller than the screen (a 1024x700 desk): the text boxes give way first
        screen = self.screen() if parent is None else parent.screen()
        room = screen.availableGeometry().height() - 60 if screen is not None else 10_000
        self.resize(520, max(self.minimumSizeHint().height(), min(self.sizeHint().height(),
                                                                   room)))

    def _input(self, f: transitions.FieldSpec, everyone: list[PersonView]) -> QWidget:
        if f.kind == "level":
            box = QComboBox()
            for lv in FaultLevel:
                box.addItem(tr_label(lv.label_zh), int(lv))
            box.setCurrentIndex(int(self.detail.values["level"]) - 1)
            return box
        if f.kind == "type":
            box = QComboBox()
            for t in FaultType:
                box.addItem(tr_label(t.label_zh), t.value)
            box.setCurrentIndex(list(FaultType).index(self.detail.values["fault_type"]))
            return box
        if f.kind == "bool" and f.name == "passed":
            return PassFail()
        if f.kind == "bool":
            return QCheckBox(self.tr("是"))
        if f.kind == "rating":
            return rating_box()
        if f.kind == "tristate":
            box = tristate_box()
            value = self.detail.values.get(f.name)
            box.setCurrentIndex({None: 0, True: 1, False: 2}.get(value, 0))
            return box
        if f.kind == "person":
            box = QComboBox()
            box.addItem(self.tr("（未选择）"), None)
            wanted = _role_for(f.name)
            for p in everyone:
                if wanted is None or wanted in p.roles:
                    box.addItem(f"{p.name}（{p.employee_no}，{p.department}）", p.id)
            return box
        if f.kind == "team":
            return self._with_row_buttons(TeamTable(everyone), "team")
        if f.kind == "items":
            return self._with_row_buttons(ItemsTable(), "items")
        if f.kind == "choice":
            box = QComboBox()
            box.addItem(self.tr("临时方案（已规避）"), "workaround")
            box.addItem(self.tr("服务已恢复"), "restored")
            return box
        if f.kind == "datetime":
            edit = QDateTimeEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            floor = to_qdatetime(self.detail.values["reported_at"], self.tz)
            edit.setMinimumDateTime(floor)
            edit.setSpecialValueText(self.tr("（未设定）"))  # shown at the minimum: no value
            edit.setDateTime(floor)
            return edit
        edit = QPlainTextEdit()
        edit.setMaximumHeight(90)
        return edit

    def _with_row_buttons(self, table: TeamTable | ItemsTable, name: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        table.setObjectName(f"{name}Table")
        column.addWidget(table)
        row = QHBoxLayout()
        add = QPushButton(self.tr("添加一行"))
        add.setObjectName(f"{name}AddRow")
        add.setAutoDefault(False)
        add.clicked.connect(lambda _=False: table.add_member() if isinstance(table, TeamTable)
                            else table.add_item())
        remove = QPushButton(self.tr("删除所选行"))
        remove.setObjectName(f"{name}RemoveRow")
        remove.setAutoDefault(False)
        remove.clicked.connect(lambda _=False: table.remove_selected())
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        column.addLayout(row)
        box.table = table  # type: ignore[attr-defined]
        return box

    def _proposal(self) -> QWidget:
        """The proposal being signed off: both solutions, who proposed it and when."""
        v = self.detail.values
        proposer = self.detail.people.get(v.get("solution_proposed_by_id") or 0, "—")
        when = format_local(v["solution_proposed_at"], self.tz) \
            if v.get("solution_proposed_at") else "—"
        shown = QLabel()
        shown.setObjectName("proposalText")
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setTextFormat(Qt.TextFormat.PlainText)
        lines = [self.tr("提出人：{0}（{1}）").format(proposer, when),
                 self.tr("长期解决方案：") + (v.get("long_term_solution") or "—"),
                 self.tr("临时解决方案：") + (v.get("temporary_solution") or "—")]
        signed = []
        if v.get("business_confirmed_by_id"):
            signed.append(self.tr("业务确认：") + self.detail.people.get(
                v["business_confirmed_by_id"], ""))
        if v.get("technical_approved_by_id"):
            signed.append(self.tr("技术审批：") + self.detail.people.get(
                v["technical_approved_by_id"], ""))
        shown.setText("\n".join(lines + signed))
        shown.setStyleSheet("QLabel { border: 1px solid palette(mid); padding: 6px; }")
        return shown

    def _rating_row(self, box: QWidget) -> QWidget:
        """The rating's choices with, beside them, whose rating it is: the reporter's; a
        verifier who is not the reporter records what the reporter said, or leaves it
        unrated."""
        v = self.detail.values
        reporter = str(v.get("reporter_name") or "")
        own = (v.get("reported_by_id") == self.person.id
               or (bool(v.get("reporter_employee_no"))
                   and v.get("reporter_employee_no") == self.person.employee_no))
        note = QLabel(self.tr("请为本次处理打分（可不评分）。") if own else
                      self.tr("满意度是报告人 {0} 的评价：请填写其评分与意见，或不评分。")
                      .format(reporter))
        note.setObjectName("ratingNote")
        note.setWordWrap(True)
        note.setStyleSheet(scheme.css("muted"))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        box.setMinimumWidth(150)
        line.addWidget(box)
        line.addWidget(note, 1)
        return row

    def _send_back(self) -> None:
        comment = self.inputs.get("comment")
        text = comment.toPlainText() if isinstance(comment, QPlainTextEdit) else ""
        self.switch.emit("reject", text)
        self.reject()

    def _show_pickers(self) -> None:
        level = int(self.inputs["level"].currentData())
        wanted = LEVEL_PICKERS.get(level, set())
        required = LEVEL_REQUIRED.get(level, set())
        for f in self.spec.fields:
            if f.name not in ("coordinator_id", "lead_engineer_id", "module_engineer_id",
                              "business_contact_id", "team"):
                continue
            widget = self.inputs[f.name]
            self.form.setRowVisible(widget, f.name in wanted)
            label = self.form.labelForField(widget)
            if isinstance(label, QLabel):
                label.setText(tr_label(f.label_zh)
                              + ("" if f.name in required else self.tr("（可选）")))
        team = self.form.labelForField(self.inputs["team"])
        if isinstance(team, QLabel) and level == 1:
            team.setText(self.tr("应急小组成员（至少两类）"))
        self.adjustSize()

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        hidden = set()
        if self.spec.name == "dispatch":
            level = int(self.inputs["level"].currentData())
            hidden = {"coordinator_id", "lead_engineer_id", "module_engineer_id",
                      "business_contact_id", "team"} - LEVEL_PICKERS.get(level, set())
        for f in self.spec.fields:
            if f.name in hidden:
                continue
            w = self.inputs[f.name]
            if isinstance(w, PassFail):
                value = w.value()
            elif isinstance(w, QDateTimeEdit):
                value = None if w.dateTime() == w.minimumDateTime() \
                    else from_qdatetime(w.dateTime(), self.tz)
            elif hasattr(w, "table"):
                table = w.table
                value = table.members() if isinstance(table, TeamTable) else table.items()
            elif isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QPlainTextEdit):
                value = w.toPlainText()
            else:
                value = w.text()
            if value in ("", None, []) and not f.required:
                continue
            out[f.name] = value
        return out

    def submit(self) -> None:
        if self.submitting:
            return  # OK pressed twice: the first press is on its way
        self.error.clear()
        try:
            data = self.data()
        except (DeskError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        version = self.detail.values["version"]
        self.submitting = True
        self.ok_button.setEnabled(False)
        tasks.run(lambda: workflow.perform(self.db, self.spec.name, self.detail.id,
                                           self.person.id, data, version),
                  self._ok, self._failed)

    def _ok(self, detail: tickets.TicketDetail) -> None:
        self.submitting = False
        self.done_ok.emit(detail)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.submitting = False
        self.ok_button.setEnabled(True)
        self.settled.emit()
        if isinstance(exc, ConflictError):
            self.error.setText(str(exc) + self.tr(" 可点击“重新载入”查看最新内容后再确定。"))
            self.reload_button.show()
        elif isinstance(exc, DeskError):
            self.error.setText(str(exc))
        else:
            self.error.setText(self.tr("操作失败（内部错误，已记录日志）：") + str(exc))

    def _reload(self) -> None:
        self.reload_button.hide()
        self.reload_requested.emit()
        self.error.setText(self.tr("已载入最新内容（版本 {0}），请确认后再点“确定”。")
                           .format(self.detail.values["version"]))


def _role_for(field: str) -> Role | None:
    return {
        "coordinator_id": Role.DIRECTOR,
        "lead_engineer_id": Role.ENGINEER,
        "module_engineer_id": Role.ENGINEER,
        "verifier_id": Role.VERIFIER,
    }.get(field)
