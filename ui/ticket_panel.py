"""One ticket on screen: the whole record table as a form, the actions, the timeline.

Every field of the paper table's five sections (一、基本信息, 二、故障详细描述,
三、处理过程记录, 四、验证结果, 五、闭环) is an input widget, in the paper's order.
Which ones may be typed in is decided by ``desk.process.editing.editable_fields`` for the
signed-in person and the ticket's state; the others stay visible, read-only and
greyed. "保存" (Ctrl+S) sends the changed fields through ``desk.process.editing.update_fields``
off the GUI thread, with the version the form was loaded with: when someone else saved
first, ``ui.conflict_dialog.ConflictDialog`` shows both sides field by field.

A moment after each edit the form is written to a draft on disk (``desk.process.drafts``);
the draft goes after a save or a discard, so a draft found when a ticket is shown is
what a crash left behind, and a bar offers it back ("恢复 / 丢弃").

The action bar shows only the transitions the person may fire in the ticket's state
(``desk.rules.transitions.allowed_for``); each opens a small dialog built from the transition's
field list, and the service decides. The SLA panel shows both clocks; the attachments
panel (section 二, 附加信息) and the timeline follow the ticket.

Signals:
    changed(int): a ticket id after an action or a save changed it.
    saved(object): the ticket (``TicketDetail``) after the form was saved.
    save_failed(str): a save was refused (the message shown).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import ConflictError, DeskError, ValidationError
from desk.process import editing, people, workflow
from desk.process.drafts import Draft, DraftStore
from desk.process.people import PersonView
from desk.read import clocks, tickets, timeline
from desk.rules import transitions
from desk.rules.sla import ClockStatus, format_remaining
from desk.rules.timeutil import format_local, parse_time
from models import FaultLevel, FaultType, Role, Status, TeamDuty
from ui import deadline_explain, tasks
from ui.conflict_dialog import MINE, ConflictDialog
from ui.labels import label as tr_label
from ui.record_form import from_qdatetime, to_qdatetime

log = logging.getLogger(__name__)

DRAFT_DELAY_MS = 800  # a draft is written this long after the last keystroke


@dataclass(frozen=True)
class Row:
    """One line of the form: a stored field (``kind`` says which widget) or a display.

    Kinds: ``line`` and ``text`` (one line / several), ``datetime``, ``bool``
    (a check box), ``tristate`` (yes / no / unknown), ``level``, ``type``, ``display``
    (read-only text computed from several values), ``sub`` (a sub-heading),
    ``attachments``.
    """

    name: str
    label: str
    kind: str = "line"
    height: int = 0  # for ``text``: a fixed height in pixels (0: the default)


def _r(name: str, label: str, kind: str = "line", height: int = 0) -> Row:
    return Row(name, label, kind, height)


SECTIONS: list[tuple[str, str, list[Row]]] = [
    ("一、基本信息", "sectionBasic", [
        _r("number", "故障编号"), _r("status", "当前状态", "display"),
        _r("level", "故障等级", "level"), _r("occurred_at", "发生时间", "datetime"),
        _r("restored_at", "恢复时间", "display"), _r("reported_at", "报告时间", "display"),
        _r("reporter_name", "发觉人"), _r("reporter_employee_no", "工号"),
        _r("reporter_contact", "联系方式"), _r("affected_business", "受影响业务"),
        _r("impact_scope", "影响范围", "text", 52),
        _r("business_interrupted", "业务中断", "bool"),
    ]),
    ("二、故障详细描述", "sectionDescription", [
        _r("phenomenon", "故障现象", "text", 84), _r("reproduce_steps", "复现操作步骤", "text", 84),
        _r("attachments", "附加信息", "attachments"),
    ]),
    ("三、处理过程记录", "sectionHandling", [
        _r("_triage", "初步研判", "sub"),
        _r("responded", "响应人/时间", "display"), _r("first_contact", "首次联系情况", "text"),
        _r("confirmed_details", "确认的细节", "text"),
        _r("reproducible", "能否复现", "tristate"),
        _r("first_investigation", "初步排查结果", "text"), _r("fault_type", "故障类型", "type"),
        _r("level_decided", "定级人/时间", "display"),
        _r("_team", "处理小组", "sub"),
        _r("assignee", "负责人", "display"), _r("team", "小组成员", "display"),
        _r("expected_done_at", "预计完成时间", "display"),
        _r("cooperation_required", "配合要求", "text"),
        _r("_analysis", "原因分析", "sub"),
        _r("root_cause", "根本原因", "text"), _r("underlying_cause", "深层原因", "text"),
        _r("impact_assessment", "影响评估", "text"),
        _r("reproduce_conditions", "复现条件", "text"), _r("evidence_list", "证据清单", "text"),
        _r("_solution", "解决方案", "sub"),
        _r("temporary_solution", "临时解决方案", "text"),
        _r("long_term_solution", "长期解决方案", "text"),
        _r("solution_proposed", "方案提出", "display"),
        _r("business_confirmed", "业务确认", "display"),
        _r("technical_approved", "技术审批", "display"),
        _r("_steps", "实施记录", "sub"),
        _r("steps", "实施步骤", "display"),
    ]),
    ("四、验证结果", "sectionVerification", [
        _r("verifier", "验证人", "display"), _r("verified_at", "验证时间", "display"),
        _r("verification_environment", "验证环境", "text"),
        _r("verification_checked", "验证内容", "text"),
        _r("verification_passed", "验证结论", "display"),
        _r("verification_remarks", "备注", "text"),
    ]),
    ("五、闭环", "sectionClosing", [
        _r("summary", "故障总结", "text", 70), _r("prevention_measures", "预防措施", "text", 70),
        _r("completion_notice", "完成通知发送", "display"),
        _r("archived", "归档（时间、人员）", "display"),
        _r("cancelled", "撤销（时间、原因）", "display"),
    ]),
]

ROWS: dict[str, Row] = {row.name: row for _t, _o, rows in SECTIONS for row in rows}
LABELS: dict[str, str] = {row.name: row.label for row in ROWS.values()}
# stored fields a person may type in (when desk.process.editing allows): their widget kinds
INPUT_KINDS = ("line", "text", "datetime", "bool", "tristate")

ACTION_LABELS = {
    "report": "故障上报",
    "edit": "修改记录",
    "attach": "添加附件",
    "remove_attachment": "移除附件",
    "issue_start_notice": "发出启动通知",
    "issue_completion_notice": "发出完成通知",
}

# fields the timeline names that are not rows of the form
TIMELINE_FIELDS = {
    "status": "状态", "fault_type": "故障类型", "initial_level": "初定等级",
    "responded_at": "响应时间", "responded_by_id": "响应人", "level_decided_by_id": "定级人",
    "level_decided_at": "定级时间", "assignee_id": "负责人", "dispatched_at": "派单时间",
    "start_notice_due": "待发启动通知", "start_notice_issued_at": "启动通知发出时间",
    "analysed_at": "分析时间", "analysis_report_required": "需要原因分析报告",
    "solution_proposed_by_id": "方案提出人", "solution_proposed_at": "方案提出时间",
    "business_confirmed_by_id": "业务确认人", "business_confirmed_at": "业务确认时间",
    "technical_approved_by_id": "技术审批人", "technical_approved_at": "技术审批时间",
    "workaround_at": "临时方案时间", "verifier_id": "验证人", "verification_passed": "验证结论",
    "verification_rounds": "验证轮次", "resolved_at": "解决时间", "archived_at": "归档时间",
    "archived_by_id": "归档人", "cancelled_at": "撤销时间", "cancel_reason": "撤销原因",
    "completion_notice_sent_to": "完成通知发送对象",
    "completion_notice_sent_at": "完成通知发送时间",
}

CLOCK_COLOURS = {"running": "#2e7d32", "warning": "#ef6c00", "breached": "#c62828",
                 "met": "#2e7d32", "met_late": "#c62828", "paused": "#546e7a",
                 "cancelled": "#757575"}

# read-only fields keep their place and text but look greyed, so nobody types in vain
READ_ONLY_STYLE = """
QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] {
    background: #f0f0f0; color: #555555; border: 1px solid #d8d8d8;
}
"""


class _Note(QLabel):
    """A message line that takes no room while it has nothing to say."""

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.hide()


def _db_key(db: Database) -> str:
    """Which database a draft belongs to (two databases share one drafts folder)."""
    try:
        return str(db.engine.url.render_as_string(hide_password=True))
    except AttributeError:  # pragma: no cover - every Database has an engine
        return ""


def _default_drafts() -> DraftStore | None:
    from desk.process.drafts import default_store

    try:
        return default_store()
    except DeskError as exc:  # a damaged settings file: no drafts rather than no window
        log.warning("drafts are off: %s", exc)
        return None


class TicketPanel(QWidget):
    """A ticket's record table as a form, with SLA clocks, actions and timeline.

    Signals:
        changed(int): a ticket id after an action or a save changed it.
        saved(object): the ticket (``TicketDetail``) after the form was saved.
        save_failed(str): a save was refused; the message shown.
    """

    changed = Signal(int)
    saved = Signal(object)
    save_failed = Signal(str)

    def __init__(self, db: Database, tz: ZoneInfo, parent: QWidget | None = None,
                 drafts: DraftStore | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketPanel")
        self.db = db
        self.tz = tz
        self.person: PersonView | None = None
        self.detail: tickets.TicketDetail | None = None
        self.version: int | None = None  # the version the typed values are based on
        self.drafts = drafts if drafts is not None else _default_drafts()
        self.inputs: dict[str, QWidget] = {}
        self.editable: set[str] = set()
        self.attachment_panel: QWidget | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.saving = False
        self._loading = False
        self._loaded: dict[str, Any] = {}  # widget values right after loading
        self._offered: Draft | None = None
        self._pending_choices: dict[str, Any] = {}
        # what the fields were when a restored draft was typed (its version is older)
        self._draft_base: dict[str, Any] | None = None
        self._draft_base_plain: dict[str, Any] = {}
        self._after_save: Callable[[], None] | None = None
        self.setStyleSheet(READ_ONLY_STYLE)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.actions_bar = QHBoxLayout()
        actions_box = QWidget()
        actions_box.setObjectName("actionBar")
        actions_box.setLayout(self.actions_bar)
        self.actions_bar.setContentsMargins(0, 0, 0, 0)
        top.addWidget(actions_box, 1)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("ticketSave")
        self.save_button.setToolTip(self.tr("保存对记录的修改（Ctrl+S）"))
        self.save_button.clicked.connect(lambda _=False: self.save())
        self.save_button.setEnabled(False)
        top.addWidget(self.save_button)
        outer.addLayout(top)
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)

        self.message = _Note()
        self.message.hide()
        self.message.setObjectName("actionMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        outer.addWidget(self.message)
        self.status_line = _Note()
        self.status_line.hide()
        self.status_line.setObjectName("saveStatus")
        self.status_line.setStyleSheet("color: #2e7d32;")
        outer.addWidget(self.status_line)

        self.draft_bar = QWidget()
        self.draft_bar.setObjectName("draftBar")
        self.draft_bar.setStyleSheet("#draftBar { background: #fff8e1; }")
        bar = QHBoxLayout(self.draft_bar)
        bar.setContentsMargins(6, 3, 6, 3)
        self.draft_label = QLabel()
        self.draft_label.setObjectName("draftLabel")
        self.draft_restore = QPushButton(self.tr("恢复"))
        self.draft_restore.setObjectName("draftRestore")
        self.draft_restore.clicked.connect(lambda _=False: self.restore_draft())
        self.draft_discard = QPushButton(self.tr("丢弃"))
        self.draft_discard.setObjectName("draftDiscard")
        self.draft_discard.clicked.connect(lambda _=False: self.discard_offered_draft())
        bar.addWidget(self.draft_label, 1)
        bar.addWidget(self.draft_restore)
        bar.addWidget(self.draft_discard)
        self.draft_bar.hide()
        outer.addWidget(self.draft_bar)

        self.sla = QLabel()
        self.sla.setObjectName("slaPanel")
        self.sla.setTextFormat(Qt.TextFormat.RichText)
        self.sla.setWordWrap(True)
        outer.addWidget(self.sla)

        self.scroll = QScrollArea()
        self.scroll.setObjectName("recordScroll")
        self.scroll.setWidgetResizable(True)
        body = QWidget()
        body.setObjectName("recordBody")
        self.scroll.setWidget(body)
        layout = QVBoxLayout(body)
        self.sections: dict[str, QGroupBox] = {}
        for title, object_name, rows in SECTIONS:
            box = QGroupBox(self.tr(title))
            box.setObjectName(object_name)
            box.setStyleSheet("QGroupBox { font-weight: bold; } "
                              "QGroupBox * { font-weight: normal; }")
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            for row in rows:
                self._add_row(form, row)
            self.sections[object_name] = box
            layout.addWidget(box)
        timeline_box = QGroupBox(self.tr("处理时间线"))
        timeline_box.setObjectName("sectionTimeline")
        tl = QVBoxLayout(timeline_box)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setMinimumHeight(140)
        self.timeline.setWordWrap(True)
        tl.addWidget(self.timeline)
        layout.addWidget(timeline_box)
        outer.addWidget(self.scroll, 1)

        self.draft_timer = QTimer(self)
        self.draft_timer.setObjectName("draftTimer")
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.write_draft)
        self._apply_editable()

    # -- building ------------------------------------------------------------------------

    def _add_row(self, form: QFormLayout, row: Row) -> None:
        if row.kind == "sub":
            head = QLabel(f"<b>{self.tr(row.label)}</b>")
            head.setObjectName(f"sub{row.name}")
            head.setStyleSheet("color: #1a237e; margin-top: 6px;")
            form.addRow(head)
            return
        if row.kind == "attachments":
            self.attachment_host = QWidget()
            self.attachment_host.setObjectName("attachmentHost")
            self.attachment_layout = QVBoxLayout(self.attachment_host)
            self.attachment_layout.setContentsMargins(0, 0, 0, 0)
            self.attachment_hint = QLabel()
            self.attachment_hint.setObjectName("attachmentHint")
            self.attachment_layout.addWidget(self.attachment_hint)
            form.addRow(self.tr(row.label), self.attachment_host)
            return
        widget: QWidget
        if row.kind in ("line", "display") and row.name not in (
                "team", "steps"):
            line = QLineEdit()
            line.setReadOnly(True)
            line.textEdited.connect(self._edited)
            widget = line
        elif row.kind in ("text", "display"):
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setTabChangesFocus(True)
            text.setFixedHeight(row.height or (70 if row.kind == "display" else 58))
            text.textChanged.connect(self._edited)
            widget = text
        elif row.kind == "datetime":
            when = QDateTimeEdit()
            when.setDisplayFormat("yyyy-MM-dd HH:mm")
            when.setCalendarPopup(True)
            when.dateTimeChanged.connect(self._edited)
            widget = when
        elif row.kind == "bool":
            check = QCheckBox(self.tr("是（已通知部门负责人与 IT 应急联系人）"))
            check.toggled.connect(self._edited)
            widget = check
        elif row.kind == "tristate":
            box = QComboBox()
            box.addItem(self.tr("未确定"), None)
            box.addItem(self.tr("能复现"), True)
            box.addItem(self.tr("不能复现"), False)
            box.currentIndexChanged.connect(self._edited)
            widget = box
        elif row.kind == "level":
            box = QComboBox()
            for lv in FaultLevel:
                box.addItem(tr_label(lv.label_zh), int(lv))
            box.setToolTip(self.tr("等级通过“受理研判”“分级派单”“调整等级”修改"))
            widget = box
        elif row.kind == "type":
            box = QComboBox()
            for t in FaultType:
                box.addItem(f"{t.value}  {tr_label(t.label_zh)}", t.value)
            box.setToolTip(self.tr("类型在“受理研判”时确定"))
            widget = box
        else:  # pragma: no cover - a row kind nobody handles is a programming error
            raise ValueError(row.kind)
        widget.setObjectName(f"edit_{row.name}")
        self.inputs[row.name] = widget
        form.addRow(self.tr(row.label), widget)

    # -- widget values ----------------------------------------------------------------

    def widget_value(self, name: str) -> Any:
        """What the widget for a stored field holds, as a plain JSON value."""
        w = self.inputs[name]
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QDateTimeEdit):
            return w.dateTime().toString("yyyy-MM-dd HH:mm")
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        raise TypeError(name)  # pragma: no cover

    def set_widget_value(self, name: str, value: Any) -> None:
        """Put a plain value (as ``widget_value`` returns it) into a widget."""
        w = self.inputs[name]
        if isinstance(w, QLineEdit):
            w.setText("" if value is None else str(value))
            w.setCursorPosition(0)
        elif isinstance(w, QPlainTextEdit):
            if w.toPlainText() != ("" if value is None else str(value)):
                w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QDateTimeEdit):
            if isinstance(value, datetime):
                w.setDateTime(to_qdatetime(value, self.tz))
            elif value:
                w.setDateTime(QDateTime.fromString(str(value), "yyyy-MM-dd HH:mm"))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QComboBox):
            index = w.findData(value)
            w.setCurrentIndex(index if index >= 0 else 0)

    def service_value(self, name: str, plain: Any) -> Any:
        """A plain widget value as ``desk.process.editing.update_fields`` takes it."""
        if ROWS[name].kind == "datetime":
            return from_qdatetime(QDateTime.fromString(str(plain), "yyyy-MM-dd HH:mm"),
                                  self.tz)
        return plain

    def show_value(self, name: str, value: Any) -> str:
        """A service value as text for a person (the conflict dialog)."""
        if value is None:
            return self.tr("（空）") if ROWS.get(name, Row(name, "")).kind != "tristate" \
                else self.tr("未确定")
        if isinstance(value, datetime):
            return format_local(value, self.tz)
        if isinstance(value, bool):
            return self.tr("是") if value else self.tr("否")
        return str(value)

    def _stored_names(self) -> list[str]:
        return [n for n, r in ROWS.items() if r.kind in INPUT_KINDS and n in editing.FIELDS]

    def form_values(self) -> dict[str, Any]:
        return {name: self.widget_value(name) for name in self._stored_names()}

    def dirty_values(self) -> dict[str, Any]:
        """Plain values of the fields the person changed since loading."""
        if self.detail is None:
            return {}
        now = self.form_values()
        return {k: v for k, v in now.items() if v != self._loaded.get(k)}

    def has_unsaved_changes(self) -> bool:
        return bool(self.dirty_values())

    def changes(self) -> dict[str, Any]:
        """The changed fields the person may edit, as the service takes them."""
        return {k: self.service_value(k, v) for k, v in self.dirty_values().items()
                if k in self.editable}

    # -- showing -------------------------------------------------------------------------

    def set_person(self, person: PersonView | None) -> None:
        self.person = person
        self._rebuild_actions()
        self._apply_editable()
        if self.detail is not None:
            self._make_attachments(self.detail.id)

    def show_ticket(self, ticket_id: int | None) -> None:
        """Show a ticket (None: nothing). The same ticket again keeps what was typed."""
        self.message.clear()
        self.status_line.clear()
        same = self.detail is not None and ticket_id == self.detail.id
        if same and self.has_unsaved_changes():
            assert ticket_id is not None
            self._reload_keeping_edits(tickets.get_ticket(self.db, ticket_id))
            return
        if not same and self.has_unsaved_changes():
            self.write_draft()  # leaving without saving: what was typed stays on disk
        self.draft_timer.stop()
        self._hide_draft_bar()
        self._draft_base = None
        if ticket_id is None:
            self.detail = None
            self.version = None
            self._loading = True
            try:
                for name, w in self.inputs.items():
                    if isinstance(w, QLineEdit | QPlainTextEdit):
                        self.set_widget_value(name, "")
            finally:
                self._loading = False
            self._loaded = {}
            self.timeline.clear()
            self.sla.clear()
            self.sla.setToolTip("")
            self._drop_attachments()
            self._rebuild_actions()
            self._apply_editable()
            return
        detail = tickets.get_ticket(self.db, ticket_id)
        self._load(detail)
        if not same:
            self._make_attachments(detail.id)
            self._offer_draft()

    def _load(self, d: tickets.TicketDetail) -> None:
        self.detail = d
        self.version = d.values["version"]
        self._fill(d)
        self._loaded = self.form_values()
        self._rebuild_actions()
        self._apply_editable()

    def _reload_keeping_edits(self, d: tickets.TicketDetail) -> None:
        """Show a newer copy of the same ticket without losing what was typed.

        The typed values go back on top. The version moves on only when nobody changed
        the typed fields meanwhile; otherwise the save meets the conflict, as it should.
        """
        old = self.detail
        typed = self.dirty_values()
        old_version = self.version
        untouched = old is not None and all(
            d.values.get(k) == old.values.get(k) for k in typed)
        self._load(d)
        if not untouched:
            self.version = old_version
        self._loading = True
        try:
            for name, value in typed.items():
                self.set_widget_value(name, value)
        finally:
            self._loading = False
        self._refresh_save_button()

    def _name(self, pid: Any) -> str:
        if not pid or self.detail is None:
            return ""
        return str(self.detail.people.get(int(pid), str(pid)))

    def _stamp(self, pid: Any, at: datetime | None) -> str:
        return f"{self._name(pid)}  {format_local(at, self.tz)}".strip() if pid else ""

    def _fill(self, d: tickets.TicketDetail) -> None:
        v = d.values
        extra = workflow_extras(self.db, d.id)
        display = {
            "status": tr_label(v["status"].label_zh),
            "restored_at": format_local(v.get("restored_at"), self.tz)
            or (self.tr("临时方案 ") + format_local(v["workaround_at"], self.tz)
                if v.get("workaround_at") else ""),
            "reported_at": format_local(v.get("reported_at"), self.tz),
            "responded": self._stamp(v.get("responded_by_id"), v.get("responded_at")),
            "level_decided": self._stamp(v.get("level_decided_by_id"), v.get("level_decided_at")),
            "assignee": self._name(v.get("assignee_id")),
            "team": "\n".join(f"{tr_label(duty)}：{name}" for duty, name in extra["team"]),
            "expected_done_at": format_local(v.get("expected_done_at"), self.tz),
            "solution_proposed": self._stamp(v.get("solution_proposed_by_id"),
                                             v.get("solution_proposed_at")),
            "business_confirmed": self._stamp(v.get("business_confirmed_by_id"),
                                              v.get("business_confirmed_at"))
            or self.tr("（待业务方确认）") if v.get("solution_proposed_at") else "",
            "technical_approved": self._stamp(v.get("technical_approved_by_id"),
                                              v.get("technical_approved_at"))
            or self.tr("（待技术审批）") if v.get("solution_proposed_at") else "",
            "steps": "\n".join(
                f"{i}. {format_local(at, self.tz)} {who}：{action} → {after}"
                for i, at, who, action, after in extra["steps"]),
            "verifier": self._name(v.get("verifier_id")),
            "verified_at": format_local(v.get("verified_at"), self.tz),
            "verification_passed": "" if v.get("verification_passed") is None
            else (self.tr("通过") if v["verification_passed"] else self.tr("不通过"))
            + (self.tr("（第 {0} 轮）").format(v["verification_rounds"])
               if v.get("verification_rounds") else ""),
            "completion_notice": " ".join(x for x in (
                v.get("completion_notice_sent_to") or "",
                format_local(v.get("completion_notice_sent_at"), self.tz)) if x),
            "archived": self._stamp(v.get("archived_by_id"), v.get("archived_at")),
            "cancelled": (format_local(v.get("cancelled_at"), self.tz) + "  "
                          + (v.get("cancel_reason") or "")).strip(),
        }
        self._loading = True
        try:
            for name, row in ROWS.items():
                if name not in self.inputs:
                    continue
                if row.kind == "display":
                    self.set_widget_value(name, display.get(name, ""))
                elif row.kind == "level":
                    self.set_widget_value(name, int(v["level"]))
                elif row.kind == "type":
                    self.set_widget_value(name, v["fault_type"].value)
                else:
                    self.set_widget_value(name, v.get(name))
        finally:
            self._loading = False
        self._fill_timeline(d)
        self._fill_sla()

    def _fill_timeline(self, d: tickets.TicketDetail) -> None:
        self.timeline.clear()
        for e in timeline.events(self.db, d.id):
            spec = transitions.TRANSITIONS.get(e["action"])
            what = spec.label_zh if spec else ACTION_LABELS.get(e["action"], e["action"])
            changes = e["changes"] or {}
            if e["action"] == "report":
                fields = ""
            else:
                fields = "、".join(
                    self.tr(LABELS.get(k) or TIMELINE_FIELDS.get(k) or k) for k in changes
                    if k != "status" and not k.endswith(("_due_at", "_estimated")))
            status = changes.get("status", {}).get("after") if e["action"] != "report" \
                else None
            if status in {s.value for s in Status}:
                fields = "→ " + tr_label(Status(status).label_zh) + (
                    "  " + fields if fields else "")
            name = (e.get("details") or {}).get("name") or (e.get("details") or {}).get(
                "file_name") or ""
            self.timeline.addItem(
                "  ".join(x for x in (format_local(e["at"], self.tz),
                                      e["actor"] or self.tr("系统"), tr_label(what),
                                      str(name), fields, e["reason"]) if x))

    def _fill_sla(self) -> None:
        if self.detail is None:
            return
        self.sla.setToolTip("")
        sla_view = clocks.ticket_sla(self.db, self.detail.id)
        text = " ".join(self._clock_html(c) for c in (sla_view.respond, sla_view.restore))
        total = format_remaining(sla_view.respond.paused)
        if sla_view.paused:
            text += "<br>" + self.tr("已暂停：{0}（暂停合计 {1}）").format(
                html.escape(sla_view.pause_reason), total)
        elif sla_view.respond.paused:
            text += "<br>" + self.tr("暂停合计 {0}").format(total)
        self.sla.setText(text)
        # why the deadlines are what they are: the periods that counted (hover), read on
        # the thread pool; an answer for a ticket no longer shown is dropped
        db, ticket_id, tz = self.db, self.detail.id, self.tz

        def shown(explanation: clocks.ClockExplanation) -> None:
            if self.detail is not None and self.detail.id == ticket_id:
                self.sla.setToolTip(deadline_explain.explanation_html(explanation, tz))

        tasks.run(lambda: clocks.explain_ticket(db, ticket_id), shown, lambda _exc: None)

    def _clock_html(self, c: ClockStatus) -> str:
        name = self.tr("响应") if c.name == "respond" else self.tr("恢复")
        colour = CLOCK_COLOURS[c.state.value]
        est = self.tr("（估算）") if c.estimated else ""
        kind = deadline_explain.clock_kind_text(c.clock.value)
        if c.met_at or c.state.value in ("paused", "cancelled"):
            remaining = ""
        elif c.remaining.total_seconds() < 0:
            remaining = self.tr("已超出 ") + format_remaining(-c.remaining)
        else:
            remaining = self.tr("剩余 ") + format_remaining(c.remaining)
        name = self.tr("{0}（{1}）").format(name, kind)
        return (f"<span style='color:{colour}'>■ {name} {self.tr('截止')} "
                f"{format_local(c.due_at, self.tz)}{est} {tr_label(c.state.label_zh)} "
                f"{remaining}</span>&nbsp;&nbsp;")

    # -- editability ---------------------------------------------------------------------

    def _apply_editable(self) -> None:
        self.editable = (editing.editable_fields(self.detail, self.person)
                         if self.detail is not None else set())
        for name, w in self.inputs.items():
            allowed = name in self.editable
            if isinstance(w, QLineEdit | QPlainTextEdit):
                if w.isReadOnly() == allowed:
                    w.setReadOnly(not allowed)
                    w.style().unpolish(w)
                    w.style().polish(w)
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus if allowed
                                 else Qt.FocusPolicy.ClickFocus)
            else:
                w.setEnabled(allowed)
            if isinstance(w, QPlainTextEdit):
                self._fit_height(name, w)
            w.setToolTip("" if allowed else self.tr("当前状态或角色下不可修改"))
        self._refresh_save_button()

    def _fit_height(self, name: str, w: QPlainTextEdit) -> None:
        """Editable text gets room to type; read-only text only the lines it holds."""
        row = ROWS[name]
        full = row.height or (70 if row.kind == "display" else 58)
        if not w.isReadOnly():
            w.setFixedHeight(full)
            return
        metrics = w.fontMetrics()
        width = max(200, w.viewport().width() - 8)
        lines = 0
        for paragraph in (w.toPlainText() or " ").split("\n"):
            lines += max(1, -(-metrics.horizontalAdvance(paragraph) // width))
        w.setFixedHeight(min(full + 60, max(28, lines * metrics.lineSpacing() + 14)))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        # wrapped read-only text needs a new height when the width changes
        for name, w in self.inputs.items():
            if isinstance(w, QPlainTextEdit) and w.isReadOnly():
                self._fit_height(name, w)

    def _refresh_save_button(self) -> None:
        self.save_button.setEnabled(bool(self.editable) and not self.saving
                                    and self.detail is not None)
        dirty = self.has_unsaved_changes()
        self.save_button.setText(self.tr("保存 *") if dirty else self.tr("保存"))

    def _edited(self, *_args: Any) -> None:
        if self._loading or self.detail is None:
            return
        self.status_line.clear()
        self._refresh_save_button()
        self.draft_timer.start()

    # -- attachments -----------------------------------------------------------------------

    def _make_attachments(self, ticket_id: int) -> None:
        from ui.attachments import AttachmentPanel

        self._drop_attachments()
        if self.person is None:
            self.attachment_hint.setText(self.tr("请先选择当前人员。"))
            self.attachment_hint.show()
            return
        self.attachment_hint.hide()
        panel = AttachmentPanel(self.db, ticket_id, self.person.id)
        panel.setMinimumHeight(230)
        panel.changed.connect(self._attachments_changed)
        self.attachment_layout.addWidget(panel)
        panel.show()  # not left to the layout's queued show: visible as soon as shown
        self.attachment_panel = panel

    def _drop_attachments(self) -> None:
        panel = self.attachment_panel
        self.attachment_panel = None
        if panel is not None:
            panel.shutdown()  # type: ignore[attr-defined]
            self.attachment_layout.removeWidget(panel)
            panel.hide()
            panel.deleteLater()

    def _attachments_changed(self) -> None:
        # attaching raises the ticket's version: reload, keeping whatever is typed
        if self.detail is None:
            return
        try:
            fresh = tickets.get_ticket(self.db, self.detail.id)
        except DeskError as exc:
            self.message.setText(str(exc))
            return
        if self.has_unsaved_changes():
            self._reload_keeping_edits(fresh)
        else:
            self._load(fresh)
        self.changed.emit(fresh.id)

    # -- saving ----------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Save the changed fields; False when there was nothing to send."""
        if self.detail is None or self.person is None or self.saving:
            return False
        self.message.clear()
        changes = self.changes()
        if not changes:
            self.status_line.setText(self.tr("没有需要保存的修改。"))
            if then is not None and not self.has_unsaved_changes():
                then()
            return False
        self.write_draft()
        self.saving = True
        self._after_save = then
        self._refresh_save_button()
        ticket_id, actor, version = self.detail.id, self.person.id, self.version
        assert version is not None
        tasks.run(lambda: editing.update_fields(self.db, ticket_id, actor, changes, version),
                  self._saved, self._save_refused)
        return True

    def _saved(self, detail: tickets.TicketDetail) -> None:
        self.saving = False
        if self.drafts is not None:
            self.drafts.remove(detail.id)
        self.draft_timer.stop()
        self._draft_base = None
        self._load(detail)
        self.status_line.setText(self.tr("已保存（版本 {0}）").format(detail.version))
        then, self._after_save = self._after_save, None
        self.saved.emit(detail)
        self.changed.emit(detail.id)
        if then is not None:
            then()

    def _save_refused(self, exc: BaseException) -> None:
        self.saving = False
        self._after_save = None
        self._refresh_save_button()
        if isinstance(exc, ConflictError) and self.detail is not None:
            self._open_conflict(exc)
            return
        if isinstance(exc, ValidationError):
            text = "；".join(f"{self.tr(LABELS.get(k, k))}：{exc.field_message(k)}"
                            for k in exc.fields)
        elif isinstance(exc, DeskError):
            text = str(exc)
        else:
            text = self.tr("保存失败（内部错误，已记录日志）：") + str(exc)
        self.message.setText(text + self.tr("（已输入的内容仍在表单中）"))
        self.save_failed.emit(text)

    def _open_conflict(self, exc: ConflictError) -> None:
        assert self.detail is not None
        mine = self.changes()
        base = (self.detail.values if self.version == self.detail.version
                else self._draft_base)
        ticket_id, base_version = self.detail.id, self.version or 0
        self.status_line.setText(self.tr("他人已修改此故障，正在比较…"))

        def compare() -> tuple[list[tuple[str, Any, Any, Any]], tickets.TicketDetail]:
            rows = editing.diff_for_conflict(self.db, ticket_id, base_version, mine, base)
            return rows, tickets.get_ticket(self.db, ticket_id)

        tasks.run(compare, lambda result: self._show_conflict(exc, *result),
                  lambda e: self.message.setText(str(e)))

    def _show_conflict(self, exc: ConflictError, rows: list[tuple[str, Any, Any, Any]],
                       fresh: tickets.TicketDetail) -> None:
        self.status_line.clear()
        labels = {k: self.tr(LABELS.get(k, editing.FIELDS[k][1])) for k, *_ in rows}
        dialog = ConflictDialog(exc, rows, labels, set(self.editable), self.show_value, self)
        self.conflict_dialog = dialog
        dialog.resolved.connect(
            lambda choices: self._resolve(choices, rows, fresh))
        dialog.rejected.connect(lambda: self.message.setText(self.tr(
            "未保存：他人已修改此故障。您的修改仍在表单中，可再次保存并选择保留哪一方。")))
        dialog.open()

    def _resolve(self, choices: dict[str, str], rows: list[tuple[str, Any, Any, Any]],
                 fresh: tickets.TicketDetail) -> None:
        """Show the newest ticket with the chosen values of mine on top; save them."""
        mine_values = {name: mine for name, _b, _t, mine in rows if choices.get(name) == MINE}
        typed = self.dirty_values()
        self._draft_base = None  # the newest ticket is the base from here on
        self._load(fresh)
        self._loading = True
        try:
            for name, value in mine_values.items():
                self.set_widget_value(name, value)
            # fields I typed that nobody disputed stay typed too
            for name, value in typed.items():
                if name not in choices:
                    self.set_widget_value(name, value)
        finally:
            self._loading = False
        self._refresh_save_button()
        if self.has_unsaved_changes():
            self.save()
        else:
            if self.drafts is not None:
                self.drafts.remove(fresh.id)
            self.status_line.setText(self.tr("已采用对方的内容。"))
            self.changed.emit(fresh.id)

    # -- unsaved changes and drafts --------------------------------------------------------

    @classmethod
    def ask_unsaved(cls, parent: QWidget) -> str:
        """"save", "discard" or "cancel" for unsaved changes (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, parent.tr("未保存的修改"),
                          parent.tr("此故障有尚未保存的修改。要保存吗？"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, parent)
        box.setObjectName("unsavedBox")
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return "save"
        if answer == QMessageBox.StandardButton.Discard:
            return "discard"
        return "cancel"

    def confirm_leave(self, then: Callable[[], None] | None = None) -> bool:
        """May the form be left now? Asks when something is unsaved.

        True: go ahead (nothing unsaved, or discarded). False: stay; after "save" the
        save runs in the background and ``then`` is called once it succeeded.
        """
        if self.detail is None or not self.has_unsaved_changes():
            return True
        answer = self.ask_unsaved(self)
        if answer == "discard":
            self.discard_changes()
            return True
        if answer == "save":
            if not self.save(then):
                # nothing may be saved (the person may not edit these fields)
                self.message.setText(self.tr("这些修改不能保存（当前状态或角色下不可修改）。"))
            return False
        return False

    def discard_changes(self) -> None:
        """Throw the typed values away (and their draft); show the ticket as stored."""
        if self.detail is None:
            return
        self.draft_timer.stop()
        if self.drafts is not None:
            self.drafts.remove(self.detail.id)
        self._loading = True
        try:
            for name, value in self._loaded.items():
                self.set_widget_value(name, value)
        finally:
            self._loading = False
        self.version = self.detail.version
        self._refresh_save_button()

    def write_draft(self) -> None:
        """Write what is typed to the draft file now (or remove it when nothing is)."""
        self.draft_timer.stop()
        if self.drafts is None or self.detail is None:
            return
        typed = self.dirty_values()
        try:
            offered = self._offered
            if typed and offered is not None:
                # typing before answering the bar: the offered draft is kept, with the
                # new typing on top (its older version still leads to the conflict check)
                base = dict(offered.meta.get("base") or {})
                base.update({k: self._loaded.get(k) for k in typed})
                self._offered = self.drafts.save(
                    self.detail.id, {**offered.values, **typed},
                    base_version=offered.base_version, person_id=offered.person_id,
                    meta={**offered.meta, "base": base})
            elif typed:
                base = (self._draft_base_plain if self._draft_base is not None
                        else {k: self._loaded.get(k) for k in typed})
                self.drafts.save(self.detail.id, typed, base_version=self.version,
                                 person_id=self.person.id if self.person else None,
                                 meta={"db": _db_key(self.db), "number": self.detail.number,
                                       "base": base})
            elif offered is None:
                self.drafts.remove(self.detail.id)
        except OSError as exc:
            log.warning("draft not written: %s", exc)
            self.status_line.setText(self.tr("草稿无法写入磁盘：") + str(exc))

    def _offer_draft(self) -> None:
        if self.drafts is None or self.detail is None:
            return
        draft = self.drafts.load(self.detail.id)
        if draft is None or draft.meta.get("db", _db_key(self.db)) != _db_key(self.db):
            return
        self._offered = draft
        self.draft_label.setText(self.tr("发现未保存的草稿（{0}）").format(
            format_local(draft.saved_at, self.tz)))
        self.draft_bar.show()

    def _hide_draft_bar(self) -> None:
        self._offered = None
        self.draft_bar.hide()

    def restore_draft(self) -> None:
        """Put the offered draft's values back into the form (editable fields only)."""
        draft = self._offered
        if draft is None or self.detail is None:
            return
        self._hide_draft_bar()
        skipped = []
        self._loading = True
        try:
            for name, value in draft.values.items():
                if name in self.inputs and name in self.editable:
                    self.set_widget_value(name, value)
                elif name in self.inputs:
                    skipped.append(f"{self.tr(LABELS.get(name, name))}：{value}")
        finally:
            self._loading = False
        if draft.base_version is not None and draft.base_version != self.detail.version:
            # typed on an older copy: saving must meet the conflict, not overwrite
            self.version = draft.base_version
            plain = draft.meta.get("base")
            if isinstance(plain, dict):
                self._draft_base_plain = {k: v for k, v in plain.items() if k in ROWS}
                self._draft_base = {k: self.service_value(k, v)
                                    for k, v in self._draft_base_plain.items()}
        self._refresh_save_button()
        if skipped:
            self.message.setText(self.tr("以下草稿内容当前不可修改，未恢复：") + "；".join(skipped))
        self.status_line.setText(self.tr("已恢复草稿，请检查后保存。"))
        self.write_draft()

    def discard_offered_draft(self) -> None:
        if self.drafts is not None and self.detail is not None:
            self.drafts.remove(self.detail.id)
        self._hide_draft_bar()

    def shutdown(self) -> None:
        """Write a pending draft and stop background work (before the database closes)."""
        if self.draft_timer.isActive():
            self.write_draft()
        self._drop_attachments()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        # Ctrl+S reaching the panel (a child ignored it and no shortcut took it first)
        if event.matches(QKeySequence.StandardKey.Save):
            event.accept()
            self.save()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    # -- actions --------------------------------------------------------------------------

    def _rebuild_actions(self) -> None:
        while self.actions_bar.count():
            item = self.actions_bar.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone from sight now, deleted when control returns
                item.widget().deleteLater()
        if self.detail is None or self.person is None:
            return
        for spec in transitions.allowed_for(self.person.roles, self.detail.values["status"]):
            button = QPushButton(tr_label(spec.label_zh))
            button.setObjectName(f"action_{spec.name}")
            button.setToolTip(self.tr(spec.label_en))
            button.clicked.connect(lambda _=False, s=spec: self.open_action(s))
            self.actions_bar.addWidget(button)
        self.actions_bar.addStretch(1)

    def open_action(self, spec: transitions.Transition) -> ActionDialog | None:
        if self.detail is None or self.person is None:
            return None
        if self.has_unsaved_changes():
            self.message.setText(self.tr("有未保存的修改：请先保存（Ctrl+S）或放弃修改，再执行“{0}”。")
                                 .format(tr_label(spec.label_zh)))
            return None
        dialog = ActionDialog(self.db, self.tz, spec, self.detail, self.person, self)
        dialog.done_ok.connect(self._action_done)
        dialog.reload_requested.connect(lambda: self._reload_for(dialog))
        dialog.open()
        return dialog

    def _reload_for(self, dialog: ActionDialog) -> None:
        if self.detail is None:
            return
        self.show_ticket(self.detail.id)
        if self.detail is not None:
            dialog.detail = self.detail
        self.changed.emit(self.detail.id if self.detail else 0)

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

    A ``ConflictError`` (someone changed the ticket since it was shown) keeps what was
    typed and offers "重新载入": the panel reloads the ticket and the dialog's version.

    Signals:
        done_ok(object): the ticket (``TicketDetail``) after the transition.
        reload_requested: the person asked to reload the ticket after a conflict.
    """

    done_ok = Signal(object)
    reload_requested = Signal()

    def __init__(self, db: Database, tz: ZoneInfo, spec: transitions.Transition,
                 detail: tickets.TicketDetail, person: PersonView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"dialog_{spec.name}")
        self.setWindowTitle(f"{tr_label(spec.label_zh)} — {detail.number}")
        self.db, self.tz, self.spec, self.detail, self.person = db, tz, spec, detail, person
        self.inputs: dict[str, Any] = {}
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
