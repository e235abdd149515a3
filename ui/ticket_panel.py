"""One ticket on screen: every section of the record table, the actions, the timeline.

The sections follow the paper table (基本信息, 故障详细描述, 处理过程记录, 验证结果,
闭环). The action bar shows only the transitions the signed-in person may fire in
the ticket's state (``desk.workflow.allowed_for``); each opens a small dialog built
from the transition's field list, and the service decides (a refusal shows its
message). The SLA panel shows both clocks.

Signals:
    changed(int): a ticket id after an action changed it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk import clocks, people, tickets, workflow
from desk.db import Database
from desk.errors import DeskError, ValidationError
from desk.people import PersonView
from desk.sla import ClockStatus, format_remaining
from desk.timeutil import format_local, parse_time
from models import FaultLevel, FaultType, Role, TeamDuty
from ui import tasks

SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    ("一、基本信息", [
        ("number", "故障编号"), ("level", "故障等级"), ("status", "状态"),
        ("occurred_at", "发生时间"), ("restored_at", "恢复时间"), ("reporter", "发觉人"),
        ("reporter_contact", "联系方式"), ("affected_business", "受影响业务"),
        ("impact_scope", "影响范围"),
    ]),
    ("二、故障详细描述", [("phenomenon", "故障现象"), ("reproduce_steps", "复现操作步骤")]),
    ("三、处理过程记录", [
        ("first_investigation", "初步排查结果"), ("fault_type", "故障类型"),
        ("level_decided_by_id", "定级人"), ("team", "处理小组"),
        ("root_cause", "根本原因"), ("underlying_cause", "深层原因"),
        ("impact_assessment", "影响评估"), ("reproduce_conditions", "复现条件"),
        ("evidence_list", "证据清单"), ("temporary_solution", "临时解决方案"),
        ("long_term_solution", "长期解决方案"), ("business_confirmed_by_id", "业务确认"),
        ("technical_approved_by_id", "技术审批"), ("steps", "实施记录"),
    ]),
    ("四、验证结果", [
        ("verifier_id", "验证人"), ("verified_at", "验证时间"),
        ("verification_environment", "验证环境"), ("verification_checked", "验证内容"),
        ("verification_passed", "验证结论"), ("verification_remarks", "备注"),
    ]),
    ("五、闭环", [
        ("summary", "故障总结"), ("prevention_measures", "预防措施"),
        ("completion_notice_sent_to", "完成通知发送对象"), ("archived_at", "归档时间"),
    ]),
]

CLOCK_COLOURS = {"running": "#2e7d32", "warning": "#ef6c00", "breached": "#c62828",
                 "met": "#2e7d32", "met_late": "#c62828"}


class TicketPanel(QWidget):
    """A ticket's record table, SLA clocks, actions and timeline (read-only fields)."""

    changed = Signal(int)

    def __init__(self, db: Database, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketPanel")
        self.db = db
        self.tz = tz
        self.person: PersonView | None = None
        self.detail: tickets.TicketDetail | None = None
        self.values: dict[str, QLabel] = {}

        outer = QVBoxLayout(self)
        self.actions_bar = QHBoxLayout()
        actions_box = QWidget()
        actions_box.setObjectName("actionBar")
        actions_box.setLayout(self.actions_bar)
        outer.addWidget(actions_box)
        self.message = QLabel()
        self.message.setObjectName("actionMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        outer.addWidget(self.message)

        self.sla = QLabel()
        self.sla.setObjectName("slaPanel")
        self.sla.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.sla)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        for title, fields in SECTIONS:
            box = QGroupBox(self.tr(title))
            form = QFormLayout(box)
            for key, label in fields:
                value = QLabel()
                value.setObjectName(f"value_{key}")
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.values[key] = value
                form.addRow(self.tr(label), value)
            layout.addWidget(box)
        timeline_box = QGroupBox(self.tr("处理时间线"))
        tl = QVBoxLayout(timeline_box)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumHeight(140)
        tl.addWidget(self.timeline)
        layout.addWidget(timeline_box)
        outer.addWidget(scroll, 1)

    # -- showing -------------------------------------------------------------------------

    def set_person(self, person: PersonView | None) -> None:
        self.person = person
        self._rebuild_actions()

    def show_ticket(self, ticket_id: int | None) -> None:
        self.message.clear()
        if ticket_id is None:
            self.detail = None
            for v in self.values.values():
                v.clear()
            self.timeline.clear()
            self.sla.clear()
            self._rebuild_actions()
            return
        detail = tickets.get_ticket(self.db, ticket_id)
        self.detail = detail
        self._fill(detail)
        self._rebuild_actions()

    def _name(self, pid: Any) -> str:
        if not pid or self.detail is None:
            return ""
        return self.detail.people.get(int(pid), str(pid))

    def _fill(self, d: tickets.TicketDetail) -> None:
        v = d.values
        shown: dict[str, str] = {}
        for key, label in self.values.items():
            value = v.get(key)
            if isinstance(value, datetime):
                text = format_local(value, self.tz)
            elif key.endswith("_id"):
                text = self._name(value)
            elif isinstance(value, FaultLevel | FaultType) or hasattr(value, "label_zh"):
                text = self.tr(value.label_zh)
            elif isinstance(value, bool):
                text = self.tr("通过") if value else self.tr("不通过")
            else:
                text = "" if value is None else str(value)
            shown[key] = text
            label.setText(text)
        self.values["reporter"].setText(f"{v['reporter_name']}  {v['reporter_employee_no']}")
        self.values["business_confirmed_by_id"].setText(
            self._stamp(v["business_confirmed_by_id"], v["business_confirmed_at"]))
        self.values["technical_approved_by_id"].setText(
            self._stamp(v["technical_approved_by_id"], v["technical_approved_at"]))
        extra = workflow_extras(self.db, d.id)
        self.values["team"].setText("；".join(f"{duty} {name}" for duty, name in extra["team"]))
        self.values["steps"].setText("\n".join(
            f"{i}. {format_local(at, self.tz)} {who}：{action} → {after}"
            for i, at, who, action, after in extra["steps"]))
        self.timeline.clear()
        for e in workflow.events(self.db, d.id):
            spec = workflow.TRANSITIONS.get(e["action"])
            what = spec.label_zh if spec else {"report": "故障上报"}.get(e["action"], e["action"])
            fields = "、".join(e["changes"].keys())
            self.timeline.addItem(
                f"{format_local(e['at'], self.tz)}  {e['actor'] or self.tr('系统')}  "
                f"{self.tr(what)}  {fields}  {e['reason']}")
        self._fill_sla()

    def _stamp(self, pid: Any, at: datetime | None) -> str:
        return f"{self._name(pid)}  {format_local(at, self.tz)}" if pid else ""

    def _fill_sla(self) -> None:
        if self.detail is None:
            return
        respond, restore = clocks.ticket_clocks(self.db, self.detail.id)
        self.sla.setText(" ".join(self._clock_html(c) for c in (respond, restore)))

    def _clock_html(self, c: ClockStatus) -> str:
        name = self.tr("响应") if c.name == "respond" else self.tr("恢复")
        colour = CLOCK_COLOURS[c.state.value]
        est = self.tr("（估算）") if c.estimated else ""
        remaining = "" if c.met_at else self.tr("剩余 ") + format_remaining(c.remaining)
        return (f"<span style='color:{colour}'>■ {name} {self.tr('截止')} "
                f"{format_local(c.due_at, self.tz)}{est} {self.tr(c.state.label_zh)} "
                f"{remaining}</span>&nbsp;&nbsp;")

    # -- actions --------------------------------------------------------------------------

    def _rebuild_actions(self) -> None:
        while self.actions_bar.count():
            item = self.actions_bar.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if self.detail is None or self.person is None:
            return
        for spec in workflow.allowed_for(self.person.roles, self.detail.values["status"]):
            button = QPushButton(self.tr(spec.label_zh))
            button.setObjectName(f"action_{spec.name}")
            button.setToolTip(self.tr(spec.label_en))
            button.clicked.connect(lambda _=False, s=spec: self.open_action(s))
            self.actions_bar.addWidget(button)
        self.actions_bar.addStretch(1)

    def open_action(self, spec: workflow.Transition) -> ActionDialog | None:
        if self.detail is None or self.person is None:
            return None
        dialog = ActionDialog(self.db, self.tz, spec, self.detail, self.person, self)
        dialog.done_ok.connect(self._action_done)
        dialog.open()
        return dialog

    def _action_done(self, detail: tickets.TicketDetail) -> None:
        self.show_ticket(detail.id)
        self.changed.emit(detail.id)


def workflow_extras(db: Database, ticket_id: int) -> dict[str, Any]:
    """Team and implementation steps of a ticket, as plain tuples."""
    from models import Ticket

    with db.read() as session:
        t = session.get(Ticket, ticket_id)
        assert t is not None
        return {
            "team": [(m.duty.label_zh, m.person.name) for m in t.team],
            "steps": [(s.seq, s.done_at, s.done_by.name, s.action, s.state_after)
                      for s in t.steps],
        }


class ActionDialog(QDialog):
    """Asks for what one transition requires, then fires it through the service.

    Signals:
        done_ok(object): the ticket (``TicketDetail``) after the transition.
    """

    done_ok = Signal(object)

    def __init__(self, db: Database, tz: ZoneInfo, spec: workflow.Transition,
                 detail: tickets.TicketDetail, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"dialog_{spec.name}")
        self.setWindowTitle(f"{self.tr(spec.label_zh)} — {detail.number}")
        self.db, self.tz, self.spec, self.detail, self.person = db, tz, spec, detail, person
        self.inputs: dict[str, Any] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        everyone = people.list_people(db)
        for f in spec.fields:
            widget = self._input(f, everyone)
            widget.setObjectName(f"field_{f.name}")
            self.inputs[f.name] = widget
            label = self.tr(f.label_zh) + ("" if f.required else self.tr("（可选）"))
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("dialogOk")
        ok.setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _input(self, f: workflow.FieldSpec, everyone: list[PersonView]) -> QWidget:
        if f.kind == "level":
            box = QComboBox()
            for lv in FaultLevel:
                box.addItem(self.tr(lv.label_zh), int(lv))
            box.setCurrentIndex(int(self.detail.values["level"]) - 1)
            return box
        if f.kind == "type":
            box = QComboBox()
            for t in FaultType:
                box.addItem(self.tr(t.label_zh), t.value)
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
        self.error.clear()
        try:
            data = self.data()
        except (DeskError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        version = self.detail.values["version"]
        tasks.run(lambda: workflow.perform(self.db, self.spec.name, self.detail.id,
                                           self.person.id, data, version),
                  self._ok, self._failed)

    def _ok(self, detail: tickets.TicketDetail) -> None:
        self.done_ok.emit(detail)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.error.setText(str(exc))
        else:
            self.error.setText(str(exc))


def _role_for(field: str) -> Role | None:
    return {
        "coordinator_id": Role.DIRECTOR,
        "lead_engineer_id": Role.ENGINEER,
        "module_engineer_id": Role.ENGINEER,
        "verifier_id": Role.VERIFIER,
    }.get(field)
