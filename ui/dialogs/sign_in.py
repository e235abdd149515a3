"""Signing in to the window, and making the first administrator of an empty database.

The password check runs off the GUI thread (argon2 is slow on purpose); the dialog
shows the service's own message: wrong password with the tries left, or locked until
a given local time.

The sign-in may be shown before its database is open (the window's start does so for a
local file, to be on the screen at once): it is then given the database with
``attach``, and a 登录 pressed before that waits for it ("正在打开数据库…").

SignInDialog signals:
    signed_in(object): a ``PersonView`` of whoever signed in (the dialog then accepts).

FirstAdminDialog signals:
    created(object): the ``PersonView`` of the new administrator (then it accepts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.errors import DeskError, ValidationError
from ui import scheme, tasks

if TYPE_CHECKING:
    from desk.db import Database

MAX_PASSWORD = 1024  # the service's limit (desk.process.auth.MAX_PASSWORD; a test keeps both)


def message_of(exc: BaseException) -> str:
    if isinstance(exc, DeskError):
        return str(exc)
    return QCoreApplication.translate("SignInDialog", "出现了意外错误，详情已写入日志。")


class SignInDialog(QDialog):
    """工号 + 密码; ``signed_in(PersonView)`` on success."""

    signed_in = Signal(object)

    def __init__(self, db: Database | None, parent: QWidget | None = None, hint: str = "",
                 organisation: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.db = db
        self.busy = False
        self.pending: tuple[str, str] | None = None  # 登录 pressed before the database opened
        self.setWindowTitle(self.tr("登录 Desk"))
        self.setMinimumWidth(380)

        self.title = title = QLabel()
        self._set_title(organisation)
        title.setObjectName("signInTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        title.setFont(font)

        self.employee_no = QLineEdit()
        self.employee_no.setObjectName("employeeNo")
        self.employee_no.setPlaceholderText(self.tr("例如 IT001"))
        self.employee_no.setMaxLength(32)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(MAX_PASSWORD)
        form = QFormLayout()
        form.addRow(self.tr("工号："), self.employee_no)
        form.addRow(self.tr("密码："), self.password)

        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(scheme.css("bad"))
        self.message.hide()
        self.hint = QLabel(hint)
        self.hint.setObjectName("signInHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(scheme.css("muted"))
        self.hint.setVisible(bool(hint))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("signInButtons")
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(self.tr("登录"))
        self.sign_in_button.setObjectName("signInButton")
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.employee_no.setFocus()

    def attempt(self) -> None:
        """Check the typed number and password in the background."""
        if self.busy:
            return
        number, password = self.employee_no.text().strip(), self.password.text()
        if number and not password and self.focusWidget() is self.employee_no:
            self.password.setFocus()  # Enter after the number: on to the password
            return
        if not number or not password:
            self.show_message(self.tr("请输入工号和密码。"))
            (self.employee_no if not number else self.password).setFocus()
            return
        self._check(number, password)

    def _check(self, number: str, password: str) -> None:
        self.busy = True
        self.sign_in_button.setEnabled(False)
        db = self.db
        if db is None:  # still opening: checked as soon as it is attached
            self.pending = (number, password)
            self.show_message(self.tr("正在打开数据库…"), error=False)
            return
        self.show_message(self.tr("正在验证…"), error=False)

        def work() -> object:
            from desk.process import auth

            return auth.sign_in(db, number, password)

        tasks.run(work, self._done, self._failed)

    def attach(self, db: Database, hint: str = "", organisation: str = "") -> None:
        """The database, now open (with what the start learnt from it); a sign-in that
        was waiting for it is checked now."""
        self.db = db
        self._set_title(organisation)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        if self.pending is not None:
            number, password = self.pending
            self.pending = None
            self._check(number, password)

    def _set_title(self, organisation: str) -> None:
        self.title.setText(self.tr("技术故障反馈与处理")
                           + (f"\n{organisation}" if organisation else ""))

    def _done(self, person: object) -> None:
        self.busy = False
        self.sign_in_button.setEnabled(True)
        self.password.clear()
        self.message.hide()
        self.signed_in.emit(person)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.sign_in_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.show_message(message_of(exc))

    def show_message(self, text: str, error: bool = True) -> None:
        self.message.setStyleSheet(scheme.css("bad" if error else "muted"))
        self.message.setText(text)
        self.message.show()


class FirstAdminDialog(QDialog):
    """The first administrator of a database that has nobody yet."""

    created = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstAdminDialog")
        self.db = db
        self.busy = False
        self.setWindowTitle(self.tr("创建首个管理员"))
        self.setMinimumWidth(420)
        intro = QLabel(self.tr("这个数据库中还没有任何人员。请创建第一个管理员账户，"
                               "之后由管理员在“管理 → 人员与角色”中添加其他人员。"))
        intro.setWordWrap(True)
        intro.setObjectName("firstAdminIntro")
        self.employee_no = QLineEdit()
        self.employee_no.setObjectName("adminEmployeeNo")
        self.employee_no.setMaxLength(32)
        self.name = QLineEdit()
        self.name.setObjectName("adminName")
        self.name.setMaxLength(100)
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("adminPasswordRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("工号："), self.employee_no)
        form.addRow(self.tr("姓名："), self.name)
        form.addRow(self.tr("密码："), self.password)
        form.addRow(self.tr("再次输入密码："), self.repeat)
        self.message = QLabel()
        self.message.setObjectName("firstAdminMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(scheme.css("bad"))
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("firstAdminButtons")
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("创建并登录"))
        self.create_button.setObjectName("createAdminButton")
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def attempt(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.repeat.text():
            self.show_message(self.tr("两次输入的密码不一致。"))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        number, name, password = (self.employee_no.text(), self.name.text(),
                                  self.password.text())
        self.busy = True
        self.create_button.setEnabled(False)
        db = self.db

        def work() -> object:
            from desk.process import auth

            return auth.create_first_admin(db, number, name, password)

        tasks.run(work, self._done, self._failed)

    def _done(self, person: object) -> None:
        self.busy = False
        self.create_button.setEnabled(True)
        self.created.emit(person)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.create_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            field = next(iter(exc.fields), "")
            target = {"employee_no": self.employee_no, "name": self.name,
                      "password": self.password}.get(field)
            if target is not None:
                target.setFocus()
        self.show_message(message_of(exc))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
