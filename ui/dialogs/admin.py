"""The administrator's dialogs: people and roles, SLA limits, the working-day calendar,
organisation and time zone — and the 管理 menu that opens them (with the group robots'
channels of ``ui.dialogs.channels``).

Only administrators see the entries enabled; the services in ``desk.process.auth`` and
``desk.admin`` refuse everybody else on every call, so a greyed-out menu is a courtesy,
not the rule. Loading and saving run off the GUI thread (``ui.tasks``); the models hold
plain rows (``PersonRecord``, calendar tuples) and nothing from a session.

PeopleTableModel signals:
    role_toggled(int, object, bool): person id, ``Role``, whether it was checked.
PeopleDialog signals:
    loaded(int): the number of people after a (re)load.
    saved(object): a ``PersonRecord`` after it was stored.
    failed(str): a refusal or error, as shown in the dialog.
PersonEditDialog signals:
    saved(object): the stored ``PersonRecord``.
PasswordDialog signals:
    saved(): the password was set.
LimitsDialog / OrganisationDialog signals:
    saved(): the settings were stored.
CalendarDayModel signals: none.
CalendarDialog signals:
    loaded(int): the year shown after a (re)load.
    changed(int): open tickets whose deadlines moved after a change.
    failed(str): a refusal or error, as shown in the dialog.
AdminMenu signals:
    settings_changed(): limits, calendar or time zone changed (the queue may redraw).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.admin import team as admin
from desk.db import Database
from desk.errors import LANGUAGE, DeskError, ValidationError
from desk.process import auth
from desk.process.auth import PersonRecord
from desk.process.people import PersonView
from desk.rules import workdays
from desk.rules.limits import DEFAULT_DUTY_HOURS, ClockKind, ClockLimit, LevelLimits
from models import DayKind, FaultLevel, Role
from ui import scheme, tasks
from ui.labels import label as tr_label

Index = QModelIndex | QPersistentModelIndex
ROLES: list[Role] = list(Role)


def tr(text: str) -> str:
    return QCoreApplication.translate("AdminDialogs", text)


def message_of(exc: BaseException) -> str:
    if isinstance(exc, DeskError):
        return str(exc)
    return tr("出现了意外错误，详情已写入日志。")


def error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(scheme.css("bad"))
    label.hide()
    return label


# -- people -------------------------------------------------------------------------------

PEOPLE_COLUMNS: list[tuple[str, str]] = [
    ("employee_no", "工号"),
    ("name", "姓名"),
    ("department", "部门"),
    ("contact", "联系方式"),
    ("state", "状态"),
]


class PeopleTableModel(QAbstractTableModel):
    """People (active or not) with one checkbox column per role."""

    role_toggled = Signal(int, object, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PersonRecord] = []
        self.editable = True

    def set_rows(self, rows: list[PersonRecord]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def replace(self, record: PersonRecord) -> int:
        """Put a saved record in place (or append it); return its row."""
        for i, row in enumerate(self.rows):
            if row.id == record.id:
                self.rows[i] = record
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
                return i
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(record)
        self.endInsertRows()
        return len(self.rows) - 1

    def record(self, row: int) -> PersonRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(PEOPLE_COLUMNS) + len(ROLES)

    def role_of(self, column: int) -> Role | None:
        offset = column - len(PEOPLE_COLUMNS)
        return ROLES[offset] if 0 <= offset < len(ROLES) else None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            person_role = self.role_of(section)
            if person_role is not None:
                return tr_label(person_role.label_zh)
            return tr(PEOPLE_COLUMNS[section][1])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.role_of(index.column()) is not None and self.editable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        record = self.rows[index.row()]
        person_role = self.role_of(index.column())
        if person_role is not None:
            if role == Qt.ItemDataRole.CheckStateRole:
                return (Qt.CheckState.Checked if person_role in record.roles
                        else Qt.CheckState.Unchecked)
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr_label(person_role.label_zh)
            return None
        key = PEOPLE_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "state":
                if not record.active:
                    return tr("已停用")
                if not record.has_password:
                    return tr("未设密码")
                return tr("启用")
            return str(getattr(record, key))
        if role == Qt.ItemDataRole.ForegroundRole and not record.active:
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor(scheme.colours().disabled))
        return None

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        person_role = self.role_of(index.column()) if index.isValid() else None
        if person_role is None or role != Qt.ItemDataRole.CheckStateRole or not self.editable:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(
            value, bool) else value
        record = self.rows[index.row()]
        self.role_toggled.emit(record.id, person_role, checked)
        return True


class PeopleDialog(QDialog):
    """The people of this database with their roles; add, edit, deactivate, passwords."""

    loaded = Signal(int)
    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, actor: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("peopleDialog")
        self.setWindowTitle(self.tr("人员与角色"))
        self.resize(1080, 520)
        self.db, self.actor = db, actor
        self.model = PeopleTableModel(self)
        self.model.role_toggled.connect(self._toggle_role)
        self.table = QTableView()
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)

        self.add_button = QPushButton(self.tr("添加人员…"))
        self.add_button.setObjectName("addPersonButton")
        self.add_button.clicked.connect(self.add_person)
        self.edit_button = QPushButton(self.tr("编辑…"))
        self.edit_button.setObjectName("editPersonButton")
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button = QPushButton(self.tr("停用/启用"))
        self.active_button.setObjectName("toggleActiveButton")
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button = QPushButton(self.tr("重设密码…"))
        self.password_button.setObjectName("resetPasswordButton")
        self.password_button.clicked.connect(self.reset_password)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("closePeopleButton")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.active_button, self.password_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.message = error_label("peopleMessage")
        hint = QLabel(self.tr("勾选表格中的角色即可立即生效；双击一行可编辑详细信息。"))
        hint.setObjectName("peopleHint")
        hint.setStyleSheet(scheme.css("muted"))
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.child: QDialog | None = None
        self.departments: list[str] = []
        self.reload()

    def reload(self) -> None:
        db, actor_id = self.db, self.actor.id
        tasks.run(lambda: (auth.list_people_admin(db, actor_id), auth.list_departments(db)),
                  self._loaded, self._failed)

    def _loaded(self, loaded: tuple[list[PersonRecord], list[str]]) -> None:
        rows, self.departments = loaded
        self.model.set_rows(rows)
        self.loaded.emit(len(rows))

    def _failed(self, exc: BaseException) -> None:
        text = message_of(exc)
        self.message.setText(text)
        self.message.show()
        self.failed.emit(text)

    def selected(self) -> PersonRecord | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select_person(self, person_id: int) -> None:
        for i, row in enumerate(self.model.rows):
            if row.id == person_id:
                self.table.selectRow(i)
                self.table.setCurrentIndex(self.model.index(i, 0))

    def _stored(self, record: PersonRecord) -> None:
        self.message.hide()
        self.model.replace(record)
        self.select_person(record.id)
        self.saved.emit(record)

    def _save(self, record: PersonRecord, **changes: Any) -> None:
        values = {"employee_no": record.employee_no, "name": record.name,
                  "department": record.department, "contact": record.contact,
                  "email": record.email, "roles": record.roles, "active": record.active}
        values.update(changes)
        db, actor_id = self.db, self.actor.id

        def failed(exc: BaseException) -> None:
            self._failed(exc)
            self.reload()  # the table shows what is stored, not the refused click

        tasks.run(lambda: auth.save_person(db, actor_id, record.id, **values), self._stored,
                  failed)

    def _toggle_role(self, person_id: int, role: Role, checked: bool) -> None:
        record = next((r for r in self.model.rows if r.id == person_id), None)
        if record is None:
            return
        roles = set(record.roles) | {role} if checked else set(record.roles) - {role}
        self._save(record, roles=frozenset(roles))

    def toggle_active(self) -> None:
        record = self.selected()
        if record is None:
            self._failed(DeskError("请先选择一个人员。", "Select a person first."))
            return
        self._save(record, active=not record.active)

    def add_person(self) -> PersonEditDialog:
        return self._open_editor(None)

    def edit_selected(self) -> PersonEditDialog | None:
        record = self.selected()
        if record is None:
            self._failed(DeskError("请先选择一个人员。", "Select a person first."))
            return None
        return self._open_editor(record)

    def _open_editor(self, record: PersonRecord | None) -> PersonEditDialog:
        dialog = PersonEditDialog(self.db, self.actor, record, self.departments, self)
        dialog.saved.connect(self._stored)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.child = dialog
        dialog.open()
        return dialog

    def reset_password(self) -> PasswordDialog | None:
        record = self.selected()
        if record is None:
            self._failed(DeskError("请先选择一个人员。", "Select a person first."))
            return None
        dialog = PasswordDialog(self.db, self.actor, record, self)
        dialog.saved.connect(self.reload)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.child = dialog
        dialog.open()
        return dialog


class PersonEditDialog(QDialog):
    """One person's details and roles; a first password for somebody new."""

    saved = Signal(object)

    def __init__(self, db: Database, actor: PersonView, record: PersonRecord | None,
                 departments: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personEditDialog")
        self.db, self.actor, self.record = db, actor, record
        self.setWindowTitle(self.tr("添加人员") if record is None else self.tr("编辑人员"))
        self.setMinimumWidth(460)
        self.employee_no = QLineEdit(record.employee_no if record else "")
        self.employee_no.setObjectName("personEmployeeNo")
        self.employee_no.setMaxLength(32)
        self.name = QLineEdit(record.name if record else "")
        self.name.setObjectName("personName")
        self.name.setMaxLength(100)
        self.department = QComboBox()
        self.department.setObjectName("personDepartment")
        self.department.setEditable(True)
        self.department.addItems([""] + departments)
        self.department.setCurrentText(record.department if record else "")
        self.contact = QLineEdit(record.contact if record else "")
        self.contact.setObjectName("personContact")
        self.email = QLineEdit(record.email if record else "")
        self.email.setObjectName("personEmail")
        self.active = QCheckBox(self.tr("启用（可以登录）"))
        self.active.setObjectName("personActive")
        self.active.setChecked(record.active if record else True)
        form = QFormLayout()
        form.addRow(self.tr("工号："), self.employee_no)
        form.addRow(self.tr("姓名："), self.name)
        form.addRow(self.tr("部门："), self.department)
        form.addRow(self.tr("联系方式："), self.contact)
        form.addRow(self.tr("邮箱："), self.email)
        form.addRow("", self.active)
        self.password = QLineEdit()
        self.password.setObjectName("personPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少 8 个字符；可稍后再设"))
        if record is None:
            form.addRow(self.tr("初始密码："), self.password)
        roles_box = QGroupBox(self.tr("角色"))
        grid = QGridLayout(roles_box)
        self.role_boxes: dict[Role, QCheckBox] = {}
        for i, role in enumerate(ROLES):
            box = QCheckBox(tr_label(role.label_zh))
            box.setObjectName(f"role_{role.value}")
            box.setChecked(role in record.roles if record else role == Role.REPORTER)
            grid.addWidget(box, i // 2, i % 2)
            self.role_boxes[role] = box
        self.message = error_label("personMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("personButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("savePersonButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(roles_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, box in self.role_boxes.items() if box.isChecked())

    def save(self) -> None:
        self.save_button.setEnabled(False)
        db, actor_id = self.db, self.actor.id
        pid = self.record.id if self.record else None
        values = dict(employee_no=self.employee_no.text(), name=self.name.text(),
                      department=self.department.currentText(), contact=self.contact.text(),
                      email=self.email.text(), roles=self.roles(),
                      active=self.active.isChecked(), password=self.password.text() or None)
        tasks.run(lambda: auth.save_person(db, actor_id, pid, **values), self._done,
                  self._failed)

    def _done(self, record: PersonRecord) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            widgets: dict[str, QWidget] = {
                "employee_no": self.employee_no, "name": self.name, "email": self.email,
                "password": self.password, "contact": self.contact}
            first = next(iter(exc.fields), "")
            if first in widgets:
                widgets[first].setFocus()
        self.message.setText(message_of(exc))
        self.message.show()


class PasswordDialog(QDialog):
    """An administrator sets a new password for somebody (which also unlocks them)."""

    saved = Signal()

    def __init__(self, db: Database, actor: PersonView, record: PersonRecord,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.db, self.actor, self.record = db, actor, record
        self.setWindowTitle(self.tr("重设密码 — ") + f"{record.name}（{record.employee_no}）")
        self.setMinimumWidth(400)
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("newPasswordRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("新密码："), self.password)
        form.addRow(self.tr("再次输入："), self.repeat)
        self.message = error_label("passwordMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("passwordButtons")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("设置后该账户的锁定同时解除。")))
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.setText(self.tr("两次输入的密码不一致。"))
            self.message.show()
            return
        db, actor_id, pid, pw = self.db, self.actor.id, self.record.id, self.password.text()
        tasks.run(lambda: auth.set_password(db, actor_id, pid, pw), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(message_of(exc))
        self.message.show()


# -- SLA limits ---------------------------------------------------------------------------

UNITS = [(1, "分钟"), (60, "小时"), (1440, "天")]
# how a clock counts (desk.rules.limits.ClockKind); "天" in duty hours is a full duty day
COUNTING = [("clock", "全天候计时"), ("workdays", "按工作日计时"), ("duty", "按值班时间计时")]


class ClockEditor(QWidget):
    """Amount + unit + how it is counted, for one clock (respond or restore)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.amount = QSpinBox()
        self.amount.setObjectName(f"{name}Amount")
        self.amount.setRange(1, 99999)
        self.unit = QComboBox()
        self.unit.setObjectName(f"{name}Unit")
        for factor, label in UNITS:
            self.unit.addItem(tr(label), factor)
        self.counting = QComboBox()
        self.counting.setObjectName(f"{name}Counting")
        for working, label in COUNTING:
            self.counting.addItem(tr(label), working)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.amount)
        row.addWidget(self.unit)
        row.addWidget(self.counting)

    def set_limit(self, limit: ClockLimit) -> None:
        factor = 1440 if limit.days else next(
            f for f, _ in reversed(UNITS) if limit.minutes % f == 0)
        self.unit.setCurrentIndex(self.unit.findData(factor))
        self.amount.setValue(limit.days or limit.minutes // factor)
        self.counting.setCurrentIndex(self.counting.findData(limit.clock.value))

    def limit(self) -> ClockLimit:
        kind = ClockKind(str(self.counting.currentData()))
        if int(self.unit.currentData()) == 1440:
            return ClockLimit.of_days(self.amount.value(), kind)
        return ClockLimit(self.amount.value() * int(self.unit.currentData()), kind)


class LimitsDialog(QDialog):
    """Respond and restore limits of each severity level."""

    saved = Signal()

    def __init__(self, db: Database, actor: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("limitsDialog")
        self.setWindowTitle(self.tr("故障等级时限"))
        self.db, self.actor = db, actor
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("等级")), 0, 0)
        grid.addWidget(QLabel(self.tr("响应时限")), 0, 1)
        grid.addWidget(QLabel(self.tr("恢复/解决时限")), 0, 2)
        self.editors: dict[FaultLevel, tuple[ClockEditor, ClockEditor]] = {}
        current = admin.read_team_settings(db).limits
        for row, level in enumerate(FaultLevel, start=1):
            respond = ClockEditor(f"respond{int(level)}")
            restore = ClockEditor(f"restore{int(level)}")
            respond.set_limit(current[level].respond)
            restore.set_limit(current[level].restore)
            grid.addWidget(QLabel(tr_label(level.label_zh)), row, 0)
            grid.addWidget(respond, row, 1)
            grid.addWidget(restore, row, 2)
            self.editors[level] = (respond, restore)
        note = QLabel(self.tr("“按工作日计时”只计算工作日的时间（周末与法定节假日不计，调休上班日计入），"
                              "一天按 24 小时计；“按值班时间计时”只计算工作日的值班时段，"
                              "一天即一个完整的值班日。修改后所有未关闭故障的截止时间将重新计算。"))
        note.setWordWrap(True)
        note.setStyleSheet(scheme.css("muted"))
        self.message = error_label("limitsMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.setObjectName("limitsButtons")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveLimitsButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults)
        from ui.recompute import RecomputeProgress

        self.progress = RecomputeProgress(self)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.progress.bar)
        layout.addWidget(self.buttons)

    def restore_defaults(self) -> None:
        from desk.rules.limits import DEFAULT_LIMITS

        for level, (respond, restore) in self.editors.items():
            respond.set_limit(DEFAULT_LIMITS[level].respond)
            restore.set_limit(DEFAULT_LIMITS[level].restore)

    def limits(self) -> dict[FaultLevel, LevelLimits]:
        return {level: LevelLimits(r.limit(), s.limit())
                for level, (r, s) in self.editors.items()}

    def problems(self, limits: dict[FaultLevel, LevelLimits]) -> list[str]:
        found: list[str] = []
        for level, value in limits.items():
            if (value.respond.clock == value.restore.clock
                    and value.restore.total_minutes(DEFAULT_DUTY_HOURS)
                    < value.respond.total_minutes(DEFAULT_DUTY_HOURS)):
                found.append(self.tr("{0}：恢复时限不能短于响应时限。").format(
                    tr_label(level.label_zh)))
            if value.respond.minutes > 3650 * 1440 or value.restore.minutes > 3650 * 1440:
                found.append(self.tr("{0}：时限不能超过 10 年。").format(tr_label(level.label_zh)))
        return found

    def save(self) -> None:
        limits = self.limits()
        problems = self.problems(limits)
        if problems:
            self.message.setText("\n".join(problems))
            self.message.show()
            return
        self.save_button.setEnabled(False)
        db, actor_id, report = self.db, self.actor.id, self.progress.report
        tasks.run(lambda: admin.set_limits(db, actor_id, limits, report), self._done,
                  self._failed)

    def _done(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message.setText(message_of(exc))
        self.message.show()


# -- working-day calendar -----------------------------------------------------------------

KIND_LABELS = {DayKind.HOLIDAY: "休息（节假日）", DayKind.WORKDAY: "上班（调休）"}
WEEKDAYS = "一二三四五六日"
CALENDAR_COLUMNS = ["日期", "星期", "类型", "名称", "来源"]


class CalendarDayModel(QAbstractTableModel):
    """The exceptions of one year: holidays and make-up working days."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[date, DayKind, str, str]] = []

    def set_days(self, days: list[tuple[date, DayKind, str, str]]) -> None:
        self.beginResetModel()
        self.days = list(days)
        self.endResetModel()

    def day_at(self, row: int) -> date | None:
        return self.days[row][0] if 0 <= row < len(self.days) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.days)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(CALENDAR_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(CALENDAR_COLUMNS)):
            return tr(CALENDAR_COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.days):
            return None
        day, kind, name, source = self.days[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [day.isoformat(), tr("周") + WEEKDAYS[day.weekday()], tr(KIND_LABELS[kind]),
                    name, source][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and kind == DayKind.HOLIDAY:
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor(scheme.colours().overdue))
        return None


class CalendarDialog(QDialog):
    """A year's holidays and make-up days; add or remove a day; import a year's CSV."""

    loaded = Signal(int)
    changed = Signal(int)
    failed = Signal(str)

    def __init__(self, db: Database, actor: PersonView, year: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarDialog")
        self.setWindowTitle(self.tr("工作日历"))
        self.resize(720, 560)
        self.db, self.actor = db, actor
        self.year = QSpinBox()
        self.year.setObjectName("calendarYear")
        self.year.setRange(2000, 2200)
        self.year.setValue(year or db.now().year)
        self.year.valueChanged.connect(lambda _y: self.reload())
        self.coverage = QLabel()
        self.coverage.setObjectName("calendarCoverage")
        self.coverage.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份：")))
        top.addWidget(self.year)
        top.addWidget(self.coverage, 1)

        self.model = CalendarDayModel(self)
        self.table = QTableView()
        self.table.setObjectName("calendarTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 56, 120, 220)):  # the same for an empty year
            header.resizeSection(column, width)

        self.day = QDateEdit()
        self.day.setObjectName("calendarDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        today = db.now().date()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.kind = QComboBox()
        self.kind.setObjectName("calendarKind")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(self.tr(label), kind.value)
        self.day_name = QLineEdit()
        self.day_name.setObjectName("calendarDayName")
        self.day_name.setPlaceholderText(self.tr("名称，例如 国庆节"))
        self.add_button = QPushButton(self.tr("添加/修改"))
        self.add_button.setObjectName("calendarAddButton")
        self.add_button.clicked.connect(self.add_day)
        self.remove_button = QPushButton(self.tr("删除所选"))
        self.remove_button.setObjectName("calendarRemoveButton")
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button = QPushButton(self.tr("导入本年日历…"))
        self.import_button.setObjectName("calendarImportButton")
        self.import_button.setToolTip(self.tr("CSV（UTF-8 或 GBK）、Excel（.xlsx）、holiday-cn JSON 或 "
                                              "ICS；每行：日期,休|班,名称；导入前先预览"))
        self.import_button.clicked.connect(self.import_year)
        self.complete_button = QPushButton(self.tr("确认本年完整"))
        self.complete_button.setObjectName("calendarCompleteButton")
        self.complete_button.clicked.connect(self.complete_year)
        # a newer chinesecalendar covers a year the database lacks: offer it
        self.package_button = QPushButton()
        self.package_button.setObjectName("calendarPackageButton")
        self.package_button.setVisible(False)
        self.package_button.clicked.connect(self.add_package_years)
        self.package_years: list[int] = []
        edit = QHBoxLayout()
        edit.addWidget(self.day)
        edit.addWidget(self.kind)
        edit.addWidget(self.day_name, 1)
        edit.addWidget(self.add_button)
        lower = QHBoxLayout()
        lower.addWidget(self.remove_button)
        lower.addWidget(self.import_button)
        lower.addWidget(self.complete_button)
        lower.addWidget(self.package_button)
        lower.addStretch(1)
        close = QPushButton(self.tr("关闭"))
        close.setObjectName("closeCalendarButton")
        close.clicked.connect(self.accept)
        lower.addWidget(close)
        self.message = error_label("calendarMessage")
        from ui.recompute import RecomputeProgress

        self.progress = RecomputeProgress(self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(edit)
        layout.addWidget(self.message)
        layout.addWidget(self.progress.bar)
        layout.addLayout(lower)
        self.reload()

    @classmethod
    def ask_open_path(cls, parent: QWidget) -> str:
        """The CSV file to import (tests replace this)."""
        path, _ = QFileDialog.getOpenFileName(
            parent, parent.tr("导入工作日历"), "",
            tr("日历文件") + " (*.csv *.txt *.xlsx *.json *.ics)")
        return path

    def reload(self) -> None:
        db, year = self.db, self.year.value()
        tasks.run(lambda: admin.calendar_year(db, year), self._loaded, self._failed)
        tasks.run(lambda: admin.package_years_offer(db), self._offer, lambda _exc: None)

    def _offer(self, years: list[int]) -> None:
        self.package_years = list(years)
        self.package_button.setText(self.tr("从 chinesecalendar 加入 {0} 年").format(
            "、".join(str(y) for y in years)))
        self.package_button.setVisible(bool(years))

    def add_package_years(self) -> None:
        """Add the offered years from the installed package (never over a day set here)."""
        db, actor_id, years = self.db, self.actor.id, list(self.package_years)
        tasks.run(lambda: admin.calendar_add_package_years(db, actor_id, years),
                  self._changed, self._failed)

    def _loaded(self, view: admin.CalendarYearView) -> None:
        if view.year != self.year.value():
            return  # an older answer for a year no longer shown
        self.model.set_days(view.days)
        self.complete_button.setEnabled(not view.covered)
        if view.covered:
            self.coverage.setText(self.tr("{0} 年：日历完整（来源：{1}）").format(
                view.year, view.source))
            self.coverage.setStyleSheet("")
        else:
            self.coverage.setText(self.tr("{0} 年：估算 — 日历未包含此年，按周一至周五上班计算，"
                                          "相关截止时间标为“估算”。").format(view.year))
            self.coverage.setStyleSheet(scheme.css("warning"))
        self.loaded.emit(view.year)

    def _failed(self, exc: BaseException) -> None:
        text = message_of(exc)
        self.message.setText(text)
        self.message.show()
        self.failed.emit(text)

    def _changed(self, moved: int) -> None:
        self.message.hide()
        self.progress.reset()
        self.changed.emit(int(moved))
        self.reload()

    def add_day(self) -> None:
        qd = self.day.date()
        text = f"{qd.year():04d}-{qd.month():02d}-{qd.day():02d}"
        kind = DayKind(self.kind.currentData())
        db, actor_id, name = self.db, self.actor.id, self.day_name.text().strip()
        if qd.year() != self.year.value():
            self.year.setValue(qd.year())
        tasks.run(lambda: admin.calendar_add(db, actor_id, text, kind, name), self._changed,
                  self._failed)

    def remove_selected(self) -> None:
        index = self.table.currentIndex()
        day = self.model.day_at(index.row()) if index.isValid() else None
        if day is None:
            self._failed(DeskError("请先在表格中选择一天。", "Select a day in the table first."))
            return
        db, actor_id = self.db, self.actor.id
        tasks.run(lambda: admin.calendar_add(db, actor_id, day.isoformat(), None, ""),
                  self._changed, self._failed)

    @classmethod
    def ask_import(cls, parent: QWidget, preview: str) -> str:
        """After the preview: "import", "complete" (import and confirm the year complete)
        or "" to change nothing (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Question, parent.tr("导入工作日历"), preview,
                          parent=parent)
        complete = box.addButton(tr("导入并确认本年完整"), QMessageBox.ButtonRole.AcceptRole)
        only = box.addButton(tr("仅导入"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return {complete: "complete", only: "import"}.get(box.clickedButton(), "")

    def import_year(self) -> None:
        """Read the file (CSV in UTF-8 or GBK, XLSX, holiday-cn JSON, ICS) and show what
        it would make of the year before anything is replaced."""
        path = self.ask_open_path(self)
        if not path:
            return
        db, year = self.db, self.year.value()

        def work() -> tuple[bytes, workdays.YearPreview]:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise DeskError(f"无法读取文件 {path}：{exc}",
                                f"The file {path} cannot be read: {exc}") from exc
            preview, errors = admin.calendar_preview(db, year, data, Path(path).name)
            if errors:
                raise ValidationError({(f"line{e.line}" if e.line else "file"): (e.zh, e.en)
                                       for e in errors})
            return data, preview

        tasks.run(work, lambda result: self._previewed(path, *result), self._failed)

    def _previewed(self, path: str, data: bytes, preview: workdays.YearPreview) -> None:
        english = LANGUAGE["current"].startswith("en")
        choice = self.ask_import(self, "\n".join(preview.lines(english)[:40]))
        if not choice:
            return
        db, actor_id, year = self.db, self.actor.id, preview.year
        report = self.progress.report

        def work() -> int:
            _added, moved = admin.calendar_import(db, actor_id, year, data, Path(path).name,
                                                  report)
            if choice == "complete":
                moved += admin.calendar_complete(db, actor_id, year, report)
            return moved

        tasks.run(work, self._changed, self._failed)

    def complete_year(self) -> None:
        """Confirm the shown year complete: its deadlines are no longer estimated."""
        db, actor_id, year = self.db, self.actor.id, self.year.value()
        report = self.progress.report
        tasks.run(lambda: admin.calendar_complete(db, actor_id, year, report), self._changed,
                  self._failed)


# -- organisation and time zone -------------------------------------------------------------


class OrganisationDialog(QDialog):
    """The organisation's name (on every document) and the desk's time zone."""

    saved = Signal()

    def __init__(self, db: Database, actor: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("organisationDialog")
        self.setWindowTitle(self.tr("单位与时区"))
        self.setMinimumWidth(460)
        self.db, self.actor = db, actor
        current = admin.read_team_settings(db)
        self.before = current
        self.organisation = QLineEdit(current.organisation)
        self.organisation.setObjectName("organisationName")
        self.organisation.setMaxLength(200)
        self.timezone = QComboBox()
        self.timezone.setObjectName("timezoneChoice")
        self.timezone.setEditable(True)
        zones = sorted(available_timezones())
        preferred = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "UTC"]
        self.timezone.addItems([z for z in preferred if z in zones]
                               + [z for z in zones if z not in preferred])
        self.timezone.setCurrentText(current.timezone)
        form = QFormLayout()
        form.addRow(self.tr("单位名称："), self.organisation)
        form.addRow(self.tr("时区："), self.timezone)
        note = QLabel(self.tr("时区决定故障编号中的日期与显示的时间；更改后未关闭故障的截止时间"
                              "将重新计算，各工作站重新启动后按新时区显示。"))
        note.setWordWrap(True)
        note.setStyleSheet(scheme.css("muted"))
        self.message = error_label("organisationMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("organisationButtons")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        db, actor_id = self.db, self.actor.id
        name, zone = self.organisation.text(), self.timezone.currentText().strip()
        before = self.before

        def work() -> None:
            if name.strip() != before.organisation:
                admin.set_organisation(db, actor_id, name)
            if zone != before.timezone:
                admin.set_setting(db, actor_id, "timezone", zone)

        tasks.run(work, self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(message_of(exc))
        self.message.show()


# -- the 管理 menu ------------------------------------------------------------------------


# the 管理 menu's entries in order (key, label)
MENU_ENTRIES: list[tuple[str, str]] = [
    ("people", "人员与角色…"),
    ("limits", "故障等级时限…"),
    ("duty", "值班时间…"),
    ("calendar", "工作日历…"),
    ("organisation", "单位与时区…"),
    ("channels", "群机器人通知渠道…"),
]


class AdminMenu(QObject):
    """The 管理(&A) menu of a window; entries enabled for administrators only."""

    settings_changed = Signal()

    def __init__(self, window: QMainWindow, db: Database, person: PersonView | None) -> None:
        super().__init__(window)
        self.main, self.db, self.person = window, db, person
        self.menu = QMenu(tr("管理(&A)"), window)
        self.menu.setObjectName("adminMenu")
        self.menu.setToolTipsVisible(True)
        self.dialog: QDialog | None = None
        self.actions: dict[str, QAction] = {}
        slots: dict[str, Callable[[], QDialog]] = {
            "people": self.open_people, "limits": self.open_limits,
            "duty": self.open_duty_hours, "calendar": self.open_calendar,
            "organisation": self.open_organisation, "channels": self.open_channels,
        }
        for key, label in MENU_ENTRIES:
            slot = slots[key]
            action = QAction(tr(label), self.menu)
            action.setObjectName(f"admin_{key}")
            action.triggered.connect(lambda _checked=False, s=slot: s())
            self.menu.addAction(action)
            self.actions[key] = action
        window.menuBar().addMenu(self.menu)
        self.set_person(person)

    def set_person(self, person: PersonView | None) -> None:
        self.person = person
        allowed = person is not None and Role.ADMIN in person.roles
        for action in self.actions.values():
            action.setEnabled(allowed)
            action.setToolTip("" if allowed else tr("仅管理员可用"))

    def _show(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _actor(self) -> PersonView:
        assert self.person is not None
        return self.person

    def open_people(self) -> QDialog:
        return self._show(PeopleDialog(self.db, self._actor(), self.main))

    def open_limits(self) -> QDialog:
        dialog = LimitsDialog(self.db, self._actor(), self.main)
        dialog.saved.connect(self.settings_changed)
        return self._show(dialog)

    def open_duty_hours(self) -> QDialog:
        from ui.duty_hours_dialog import DutyHoursDialog

        dialog = DutyHoursDialog(self.db, self._actor(), self.main)
        dialog.saved.connect(self.settings_changed)
        return self._show(dialog)

    def open_calendar(self) -> QDialog:
        dialog = CalendarDialog(self.db, self._actor(), parent=self.main)
        dialog.changed.connect(lambda _n: self.settings_changed.emit())
        return self._show(dialog)

    def open_organisation(self) -> QDialog:
        dialog = OrganisationDialog(self.db, self._actor(), self.main)
        dialog.saved.connect(self.settings_changed)
        return self._show(dialog)


    def open_channels(self) -> QDialog:
        from ui.dialogs.channels import ChannelsDialog

        return self._show(ChannelsDialog(self.db, self._actor(), self.main))


def install_admin_menu(window: QMainWindow, db: Database,
                       person: PersonView | None) -> AdminMenu:
    """Add the 管理(&A) menu to ``window``; keep the returned object to switch person."""
    menu = AdminMenu(window, db, person)
    refresh = getattr(window, "refresh", None)
    if callable(refresh):
        menu.settings_changed.connect(refresh)
    return menu
