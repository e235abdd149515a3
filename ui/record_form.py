"""The record form (技术故障反馈与处理记录表) for a new fault: 基本信息 and 故障详细描述.

The form mirrors the paper table's first two sections in their order. Validation
messages appear next to their field; nothing typed is lost when a save is refused.
Saving runs off the GUI thread (``ui.tasks``).

Signals:
    saved(object): the new ticket (``desk.read.tickets.TicketDetail``) after a save.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError, ValidationError
from desk.process import reporting
from desk.process.people import PersonView
from desk.read import tickets
from desk.rules.timeutil import parse_time
from models import FaultLevel, FaultType
from ui import scheme, tasks
from ui.labels import label as tr_label


# The edit shows the desk's local wall time as a zone-less value; conversion to UTC
# happens here, so the computer's own time zone never matters.
def to_qdatetime(moment: datetime, tz: ZoneInfo) -> QDateTime:
    local = moment.astimezone(tz)
    return QDateTime.fromString(local.strftime("%Y-%m-%d %H:%M"), "yyyy-MM-dd HH:mm")


def from_qdatetime(value: QDateTime, tz: ZoneInfo) -> datetime:
    text = value.toString("yyyy-MM-dd HH:mm")
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=tz).astimezone(UTC)


class NewFaultForm(QWidget):
    """The first two sections of the record table, for reporting a new fault."""

    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, tz: ZoneInfo, person: PersonView | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newFaultForm")
        self.db = db
        self.tz = tz
        self.person = person
        self.errors: dict[str, QLabel] = {}
        self.saving = False
        # one token per form: pressing 保存 again after a lost connection is a retry of
        # the same report (desk.process.reporting.report_fault), never a second ticket
        self.client_token = uuid.uuid4().hex

        outer = QVBoxLayout(self)
        scroll = self.scroll = QScrollArea(self)
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        body = QWidget()
        scroll.setWidget(body)
        # similar past faults and their solutions, beside the form (ui.similar_panel; its
        # knowledge-base widgets are loaded with the first form, not at start)
        from ui.similar_panel import SimilarFaultsPanel

        self.similar = SimilarFaultsPanel(db)
        self.form_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.form_splitter.setObjectName("formSplitter")
        self.form_splitter.addWidget(scroll)
        self.form_splitter.addWidget(self.similar)
        self.form_splitter.setStretchFactor(0, 1)
        self.form_splitter.setStretchFactor(1, 0)
        outer.addWidget(self.form_splitter, 1)
        layout = QVBoxLayout(body)

        title = QLabel(self.tr("技术故障反馈与处理记录表"))
        title.setObjectName("formTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)  # never wider than the form (English is long)
        title.setStyleSheet("font-size: 16pt; font-weight: bold; margin: 6px;")
        layout.addWidget(title)

        basic = QGroupBox(self.tr("一、基本信息"))
        basic.setObjectName("sectionBasic")
        form = self._form_layout(basic)
        self.number = QLineEdit(self.tr("（保存后由系统生成）"))
        self.number.setObjectName("number")
        self.number.setReadOnly(True)
        self.fault_type = QComboBox()
        self.fault_type.setObjectName("faultType")
        for t in FaultType:
            self.fault_type.addItem(f"{t.value}  {tr_label(t.label_zh)}", t.value)
        self.level = QComboBox()
        self.level.setObjectName("level")
        for lv in FaultLevel:
            self.level.addItem(tr_label(lv.label_zh), int(lv))
        self.level.setCurrentIndex(2)
        self.occurred_at = QDateTimeEdit()
        self.occurred_at.setObjectName("occurredAt")
        self.occurred_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.occurred_at.setCalendarPopup(True)
        self.occurred_at.setDateTime(to_qdatetime(db.now(), tz))
        self.restored_at = QLineEdit()
        self.restored_at.setObjectName("restoredAt")
        self.restored_at.setPlaceholderText(self.tr("未恢复可不填，例如 2026-11-27 10:30"))
        self.reporter_name = QLineEdit(person.name if person else "")
        self.reporter_name.setObjectName("reporterName")
        self.reporter_no = QLineEdit(person.employee_no if person else "")
        self.reporter_no.setObjectName("reporterNo")
        self.reporter_contact = QLineEdit(person.contact if person else "")
        self.reporter_contact.setObjectName("reporterContact")
        self.business = QLineEdit()
        self.business.setObjectName("affectedBusiness")
        self.business.setPlaceholderText(self.tr("例如：销售订单系统 – 下单"))
        self.scope = QLineEdit()
        self.scope.setObjectName("impactScope")
        self.interrupted = QCheckBox(self.tr("业务中断"))
        self.interrupted.setObjectName("businessInterrupted")
        # what ticking it does, under it on as many lines as the form's width needs
        interrupted_hint = QLabel(self.tr("（立即通知部门负责人与 IT 应急联系人）"))
        interrupted_hint.setObjectName("businessInterruptedHint")
        interrupted_hint.setWordWrap(True)
        interrupted_hint.setStyleSheet(scheme.css("muted"))
        interrupted_hint.setBuddy(self.interrupted)
        self.interrupted.setToolTip(self.tr("业务中断（立即通知部门负责人与 IT 应急联系人）"))
        interrupted_row = QWidget()
        interrupted_row.setObjectName("businessInterruptedRow")
        row_layout = QVBoxLayout(interrupted_row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(0)
        row_layout.addWidget(self.interrupted)
        row_layout.addWidget(interrupted_hint)
        for box in (self.fault_type, self.level):  # as narrow as the form needs
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)

        self._row(form, self.tr("故障编号"), self.number, "number")
        self._row(form, self.tr("故障类型"), self.fault_type, "fault_type")
        self._row(form, self.tr("故障等级"), self.level, "level")
        self._row(form, self.tr("发生时间"), self.occurred_at, "occurred_at")
        self._row(form, self.tr("恢复时间"), self.restored_at, "restored_at")
        self._row(form, self.tr("发觉人"), self.reporter_name, "reporter_name")
        self._row(form, self.tr("工号"), self.reporter_no, "reporter_employee_no")
        self._row(form, self.tr("联系方式"), self.reporter_contact, "reporter_contact")
        self._row(form, self.tr("受影响业务"), self.business, "affected_business")
        self._row(form, self.tr("影响范围"), self.scope, "impact_scope")
        form.addRow("", interrupted_row)
        layout.addWidget(basic)

        detail = QGroupBox(self.tr("二、故障详细描述"))
        detail.setObjectName("sectionDescription")
        dform = self._form_layout(detail)
        self.phenomenon = QPlainTextEdit()
        self.phenomenon.setObjectName("phenomenon")
        self.phenomenon.setPlaceholderText(self.tr("例如：点击提交后页面显示错误 500"))
        self.phenomenon.setMinimumHeight(70)
        self.steps = QPlainTextEdit()
        self.steps.setObjectName("reproduceSteps")
        self.steps.setPlaceholderText(self.tr("1. 登录系统；2. 打开模块；3. 执行操作；4. 出现错误"))
        self.steps.setMinimumHeight(70)
        self._row(dform, self.tr("故障现象"), self.phenomenon, "phenomenon")
        self._row(dform, self.tr("复现操作步骤"), self.steps, "reproduce_steps")
        attach = QLabel(self.tr("保存后可在故障页面拖入截图、日志等附件。"))
        attach.setObjectName("attachmentsHint")
        attach.setWordWrap(True)
        dform.addRow(self.tr("附加信息"), attach)
        layout.addWidget(detail)
        self.similar.watch(self.business, self.phenomenon, self.fault_type)
        layout.addStretch(1)

        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setStyleSheet(scheme.css("bad"))
        self.general_error.setWordWrap(True)
        outer.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("formButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.save_button.setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        outer.addWidget(self.buttons)
        self._init_drafts()
        from ui.accessibility import name_widgets  # the buttons, from their texts

        name_widgets(self)

    # -- the width: nothing scrolls sideways from 440 px on (a 1024 px screen) ------------

    WIDE = 700  # from this width on, the similar faults are beside the form, else below

    @staticmethod
    def _form_layout(box: QWidget) -> QFormLayout:
        """A section's form: a field too wide beside its label goes under it."""
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return form

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        wanted = Qt.Orientation.Horizontal if width >= self.WIDE else Qt.Orientation.Vertical
        if self.form_splitter.orientation() == wanted:
            return
        self.form_splitter.setOrientation(wanted)
        if wanted == Qt.Orientation.Vertical:  # the list under the form, a few lines high
            height = max(self.form_splitter.height(), 400)
            self.form_splitter.setSizes([height - 170, 170])
        else:
            self.form_splitter.setSizes([max(width - 260, 1), 260])

    def _row(self, form: QFormLayout, label: str, widget: QWidget, name: str) -> None:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(widget)
        err = QLabel()
        err.setObjectName(f"error_{name}")
        err.setStyleSheet(scheme.css("bad"))
        err.setWordWrap(True)  # a long message takes lines, not width
        err.setVisible(False)
        v.addWidget(err)
        self.errors[name] = err
        widget.setAccessibleName(label)
        err.setAccessibleName(self.tr("{0}：错误").format(label))
        form.addRow(label, box)
        buddy = form.labelForField(box)
        if isinstance(buddy, QLabel):
            buddy.setBuddy(widget)  # a click on the label (or its mnemonic) reaches the field
        self._clear_when_corrected(widget, err)

    @staticmethod
    def _clear_when_corrected(widget: QWidget, err: QLabel) -> None:
        """The field's error goes as soon as the field holds something else."""

        def changed(*_args: object) -> None:
            if not err.isVisible():
                return
            text = (widget.text() if isinstance(widget, QLineEdit)
                    else widget.toPlainText() if isinstance(widget, QPlainTextEdit) else "x")
            if text.strip():  # a required field typed in, or any other change
                err.clear()
                err.setVisible(False)

        for signal in ("textChanged", "currentIndexChanged", "dateTimeChanged", "toggled"):
            sig = getattr(widget, signal, None)
            if sig is not None:
                sig.connect(changed)

    def has_input(self) -> bool:
        return bool(self.business.text().strip() or self.phenomenon.toPlainText().strip()
                    or self.steps.toPlainText().strip() or self.scope.text().strip())

    def report(self) -> reporting.FaultReport:
        """Read the form; raise ValidationError for a time that cannot be read."""
        restored_text = self.restored_at.text().strip()
        restored = parse_time(restored_text, self.tz, "restored_at") if restored_text else None
        return reporting.FaultReport(
            client_token=self.client_token,
            fault_type=FaultType(self.fault_type.currentData()),
            level=FaultLevel(int(self.level.currentData())),
            occurred_at=from_qdatetime(self.occurred_at.dateTime(), self.tz),
            restored_at=restored,
            reporter_name=self.reporter_name.text(),
            reporter_employee_no=self.reporter_no.text(),
            reporter_contact=self.reporter_contact.text(),
            affected_business=self.business.text(),
            impact_scope=self.scope.text(),
            business_interrupted=self.interrupted.isChecked(),
            phenomenon=self.phenomenon.toPlainText(),
            reproduce_steps=self.steps.toPlainText(),
        )

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.setVisible(False)
        self.general_error.clear()

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            shown = False
            for name in exc.fields:
                label = self.errors.get(name)
                message = exc.field_message(name) or ""
                if label is not None:
                    label.setText(message)
                    label.setVisible(True)
                    shown = True
            if not shown:
                self.general_error.setText(str(exc))
        elif isinstance(exc, DeskError):
            self.general_error.setText(str(exc))
        else:
            self.general_error.setText(self.tr("保存失败（内部错误，已记录日志）：") + str(exc))
        self.failed.emit(str(exc))

    def save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        try:
            report = self.report()
        except ValidationError as exc:
            self.show_error(exc)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        actor = self.person.id if self.person else None
        tasks.run(lambda: reporting.report_fault(self.db, report, actor),
                  self._saved, self._failed)

    def _saved(self, detail: tickets.TicketDetail) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.number.setText(detail.number)
        self.discard_draft()
        self.saved.emit(detail)

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.show_error(exc)

    # -- the draft (key "new"): written a moment after each edit, offered after a crash

    DRAFT_KEY = "new"

    def _init_drafts(self) -> None:
        from PySide6.QtCore import QTimer

        from desk.process.drafts import DraftStore, default_store

        self.drafts: DraftStore | None
        try:
            self.drafts = default_store()
        except DeskError:  # a damaged settings file: no drafts rather than no form
            self.drafts = None
        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(800)
        self.draft_timer.timeout.connect(self.write_draft)
        for line in (self.business, self.scope, self.reporter_name, self.reporter_no,
                     self.reporter_contact, self.restored_at):
            line.textEdited.connect(lambda _t: self.draft_timer.start())
        for text in (self.phenomenon, self.steps):
            text.textChanged.connect(self.draft_timer.start)

    def draft_values(self) -> dict[str, object]:
        return {
            "fault_type": self.fault_type.currentData(), "level": self.level.currentData(),
            "occurred_at": self.occurred_at.dateTime().toString("yyyy-MM-dd HH:mm"),
            "restored_at": self.restored_at.text(), "reporter_name": self.reporter_name.text(),
            "reporter_employee_no": self.reporter_no.text(),
            "reporter_contact": self.reporter_contact.text(),
            "affected_business": self.business.text(), "impact_scope": self.scope.text(),
            "business_interrupted": self.interrupted.isChecked(),
            "phenomenon": self.phenomenon.toPlainText(),
            "reproduce_steps": self.steps.toPlainText(),
        }

    def write_draft(self) -> None:
        self.draft_timer.stop()
        if self.drafts is None or self.saving:
            return
        try:
            if self.has_input():
                self.drafts.save(self.DRAFT_KEY, self.draft_values(),
                                 person_id=self.person.id if self.person else None)
        except OSError as exc:
            self.general_error.setText(self.tr("草稿无法写入磁盘：") + str(exc))

    def pending_draft(self) -> object | None:
        """A new-fault draft left behind (by a crash), or None."""
        return self.drafts.load(self.DRAFT_KEY) if self.drafts is not None else None

    def restore_draft(self, draft: object) -> None:
        values = dict(getattr(draft, "values", {}))
        for box, key in ((self.fault_type, "fault_type"), (self.level, "level")):
            index = box.findData(values.get(key))
            if index >= 0:
                box.setCurrentIndex(index)
        when = QDateTime.fromString(str(values.get("occurred_at", "")), "yyyy-MM-dd HH:mm")
        if when.isValid():
            self.occurred_at.setDateTime(when)
        for line, key in ((self.restored_at, "restored_at"), (self.reporter_name, "reporter_name"),
                          (self.reporter_no, "reporter_employee_no"),
                          (self.reporter_contact, "reporter_contact"),
                          (self.business, "affected_business"), (self.scope, "impact_scope")):
            line.setText(str(values.get(key) or ""))
        self.interrupted.setChecked(bool(values.get("business_interrupted")))
        self.phenomenon.setPlainText(str(values.get("phenomenon") or ""))
        self.steps.setPlainText(str(values.get("reproduce_steps") or ""))

    def discard_draft(self) -> None:
        self.draft_timer.stop()
        if self.drafts is not None:
            self.drafts.remove(self.DRAFT_KEY)
