"""The dialog one transition opens: asks for the transition's fields, then fires it.

Built from ``desk.process.workflow``'s field list for the transition; ``desk.process.workflow.perform``
decides, off the GUI thread.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import ConflictError, DeskError
from desk.process import people, workflow
from desk.process.people import PersonView
from desk.read import tickets
from desk.rules import transitions
from desk.rules.timeutil import parse_time
from models import FaultLevel, FaultType, Role, TeamDuty
from ui import tasks
from ui.labels import label as tr_label


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
        form = QFormLayout()
        everyone = people.list_people(db)
        for f in spec.fields:
            widget = self._input(f, everyone)
            widget.setObjectName(f"field_{f.name}")
            self.inputs[f.name] = widget
            label = tr_label(f.label_zh) + ("" if f.required else self.tr("（可选）"))
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
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
        ok.setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

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
        if f.kind == "bool":
            check = QCheckBox(self.tr("通过") if f.name == "passed" else self.tr("是"))
            return check
        if f.kind == "person":
            box = QComboBox()
            box.addItem(self.tr("（未选择）"), None)
            wanted = _role_for(f.name)
            for p in everyone:
                if wanted is None or wanted in p.roles:
                    box.addItem(f"{p.name}（{p.employee_no}，{p.department}）", p.id)
            return box
        if f.kind == "team":
            line = QLineEdit()
            line.setPlaceholderText(self.tr("工号:职责，逗号分隔，例如 OP003:ops, DEV002:development"))
            return line
        if f.kind == "items":
            edit = QPlainTextEdit()
            edit.setPlaceholderText(self.tr("每行一项：验证项|预期|实际|pass 或 fail"))
            edit.setMaximumHeight(80)
            return edit
        if f.kind == "choice":
            box = QComboBox()
            box.addItem(self.tr("临时方案（已规避）"), "workaround")
            box.addItem(self.tr("服务已恢复"), "restored")
            return box
        if f.kind == "datetime":
            return QLineEdit()
        edit = QPlainTextEdit()
        edit.setMaximumHeight(90)
        return edit

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.spec.fields:
            w = self.inputs[f.name]
            if isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QPlainTextEdit):
                value = w.toPlainText()
            else:
                value = w.text()
            if f.kind == "team":
                team = []
                for part in str(value).replace("，", ",").split(","):
                    no, _, duty = part.strip().partition(":")
                    if no:
                        team.append((people.person_id(self.db, no.strip()),
                                     TeamDuty(duty.strip() or "member").value))
                value = team
            elif f.kind == "items":
                items = []
                for line in str(value).splitlines():
                    parts = [p.strip() for p in line.split("|")] + ["", "", "", ""]
                    if parts[0]:
                        items.append({"item": parts[0], "expected": parts[1],
                                      "actual": parts[2],
                                      "passed": parts[3].lower() in ("pass", "通过", "ok")})
                value = items
            elif f.kind == "datetime":
                value = parse_time(value, self.tz, f.name) if str(value).strip() else None
            if value in ("", None) and not f.required:
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
