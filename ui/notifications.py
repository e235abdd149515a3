"""Notifications in the window: the 通知 menu, the list dock, the outbox, the mail server.

``install_notifications(window, db, person)`` adds to a ``QMainWindow``:

* a dock with the signed-in person's notifications (``NotificationModel`` over
  ``desk.notify.outbox.notifications_for``; double-click opens the ticket);
* the menu 通知(&N): show the list, 邮件服务器设置… and 发件箱… (administrators; the
  services refuse anyone else as well), 立即检查并发送;
* ``NotificationCenter``: every ~30 s, off the GUI thread, it checks the SLA clocks,
  delivers due mail when this team has an SMTP server (and this computer's keyring holds
  its password, where one is needed), and fetches new notifications for the person;
  new ones appear in the list and, where the desktop has a tray, as a tray message.

Nothing here touches a session: every call goes through ``desk.notify`` in ``ui.tasks``.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QStyle,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.notify import outbox as notify
from desk.process.people import PersonView
from desk.rules.timeutil import format_local
from models import Role
from ui import scheme, tasks

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
SECURITY_LABELS = [("starttls", "STARTTLS（推荐，587）"), ("ssl", "SSL/TLS（465）"),
                   ("none", "不加密（25，仅限内网）")]


def _alive(obj: QObject | None) -> bool:
    """False once Qt deleted the object (a result that arrives after the window closed)."""
    if obj is None:
        return False
    try:
        from shiboken6 import isValid

        return bool(isValid(obj))
    except ImportError:  # pragma: no cover - shiboken6 ships with PySide6
        return True


# -- the notification list -------------------------------------------------------------------


class NotificationModel(QAbstractListModel):
    """The person's notifications, newest first (plain ``notify.Notification`` values)."""

    IdRole = Qt.ItemDataRole.UserRole
    TicketRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, tz: ZoneInfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.items: list[notify.Notification] = []

    @property
    def last_id(self) -> int | None:
        return self.items[0].id if self.items else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        n = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # two fixed lines (what, then which fault): no word wrap, no clipped third line
            at = format_local(n.created_at, self.tz)[5:]
            cut = n.subject.find(n.ticket_number) if n.ticket_number else -1
            if cut > 0:
                return f"{at}  {n.subject[:cut].strip()}\n{n.subject[cut:]}"
            return f"{at}  {n.subject}"
        if role == Qt.ItemDataRole.ToolTipRole:
            status = notify.STATUS_LABELS_ZH.get(n.status, n.status)
            return f"{n.subject}\n{status}\n\n{n.body}"
        if role == self.IdRole:
            return n.id
        if role == self.TicketRole:
            return n.ticket_id
        return None

    def reset(self, items: list[notify.Notification]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def prepend(self, items: list[notify.Notification]) -> list[notify.Notification]:
        """Put newer items on top; return the ones that were not shown yet."""
        known = {n.id for n in self.items}
        new = [n for n in items if n.id not in known]
        if new:
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
            self.items[:0] = new
            self.endInsertRows()
        return new


class NotificationPanel(QWidget):
    """The list of notifications for the signed-in person.

    Signals:
        ticket_activated(int): the person double-clicked a notification of that ticket.
    """

    ticket_activated = Signal(int)

    def __init__(self, model: NotificationModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationPanel")
        self.model = model
        self.view = QListView()
        self.view.setObjectName("notificationList")
        self.view.setAccessibleName(self.tr("通知"))
        self.view.setModel(model)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setUniformItemSizes(False)
        self.view.setSpacing(3)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)  # rewrap when the dock resizes
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setMinimumWidth(260)
        self.view.doubleClicked.connect(self._activated)
        self.empty = QLabel(self.tr("暂无通知"))
        self.empty.setObjectName("notificationEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.empty)
        layout.addWidget(self.view)
        for signal in (model.modelReset, model.rowsInserted):
            signal.connect(self._update_empty)
        self._update_empty()

    def _update_empty(self, *_args: object) -> None:
        self.empty.setVisible(self.model.rowCount() == 0)

    def _activated(self, index: QModelIndex) -> None:
        ticket_id = index.data(NotificationModel.TicketRole)
        if ticket_id is not None:
            self.ticket_activated.emit(int(ticket_id))


# -- the background work -------------------------------------------------------------------------


@dataclass(frozen=True)
class TickResult:
    """What one background round found: new notifications, what was sent, why not."""

    person_id: int | None
    notifications: list[notify.Notification]
    report: notify.SendReport | None
    sending: str  # "off" (no server), "no-password", "on"


def run_round(db: Database, person_id: int | None, since_id: int | None, sender_id: str,
              send: bool = True) -> TickResult:
    """One round, in a worker: clocks, delivery (when configured), new notifications."""
    notify.check_clocks(db)
    notify.check_calendar(db)  # from 1 November while next year's calendar is missing
    report: notify.SendReport | None = None
    state = "off"
    smtp = notify.smtp_settings(db) if send else None
    if smtp is not None:
        try:
            smtp = notify.with_password(smtp)
        except DeskError as exc:  # no usable keyring on this computer
            log.warning("SMTP password not readable here: %s", exc)
            smtp = None
            state = "no-password"
    if smtp is not None:
        if smtp.user and not smtp.password:
            state = "no-password"  # another desk with the password may send them
        else:
            state = "on"
            report = notify.send_due(db, smtp, sender_id)
    found = notify.notifications_for(db, person_id, since_id) if person_id is not None else []
    return TickResult(person_id, found, report, state)


class NotificationCenter(QObject):
    """Runs the rounds on a timer and feeds the list, the tray and the status bar.

    Signals:
        arrived(object): new notifications for the person (a list, newest first).
        round_finished(object): a ``TickResult`` after each background round.
        message_clicked(): the person clicked the last tray message.
        ticket_requested(int): ... and it was about this ticket (open it).
    """

    arrived = Signal(object)
    round_finished = Signal(object)
    ticket_requested = Signal(int)
    message_clicked = Signal()

    interval_ms = 30_000

    def __init__(self, db: Database, tz: ZoneInfo, person: PersonView | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationCenter")
        self.db = db
        self.person = person
        self.model = NotificationModel(tz, self)
        self.sender_id = f"desk:{socket.gethostname()}:{os.getpid()}"
        self.busy = False
        self.sending = "off"
        self.timer = QTimer(self)
        self.timer.setObjectName("notificationTimer")
        self.timer.setInterval(self.interval_ms)
        self.timer.timeout.connect(self.run_now)
        self.tray: QSystemTrayIcon | None = None
        # the ticket the last tray message was about (a click on it opens that one)
        self.message_ticket_id: int | None = None
        self.load()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def set_person(self, person: PersonView | None) -> None:
        self.person = person
        self.load()

    def load(self) -> None:
        """Show the person's notifications at once (a short read)."""
        try:
            items = notify.notifications_for(self.db, self.person.id) if self.person else []
        except DeskError as exc:
            log.warning("notifications not loaded: %s", exc)
            items = []
        self.model.reset(items)

    def run_now(self) -> None:
        if self.busy:
            return
        self.busy = True
        pid = self.person.id if self.person else None
        since = self.model.last_id
        db, sender = self.db, self.sender_id
        tasks.run(lambda: run_round(db, pid, since, sender), self._done, self._failed)

    def _done(self, result: TickResult) -> None:
        if not _alive(self):
            return
        self.busy = False
        self.sending = result.sending
        if self.person is not None and result.person_id == self.person.id:
            new = self.model.prepend(result.notifications)
            if new:
                self.announce(new)
        self.round_finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        if not _alive(self):
            return
        self.busy = False
        log.warning("notification round failed: %s", exc)

    def announce(self, new: list[notify.Notification]) -> None:
        """Tell the person: a tray message where the desktop has a tray."""
        self.arrived.emit(new)
        if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
            return
        if self.tray is None:
            app = QApplication.instance()
            icon = app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation) \
                if isinstance(app, QApplication) else None
            self.tray = QSystemTrayIcon(self)
            self.tray.setObjectName("notificationTray")
            if icon is not None:
                self.tray.setIcon(icon)
            self.tray.messageClicked.connect(self._message_clicked)
            self.tray.show()
        title = self.tr("Desk：%n 条新通知", "", len(new))
        # the message reads the newest notification: a click opens its ticket
        self.message_ticket_id = new[0].ticket_id
        self.tray.showMessage(title, new[0].subject, QSystemTrayIcon.MessageIcon.Information,
                              10_000)

    def _message_clicked(self) -> None:
        self.message_clicked.emit()
        if self.message_ticket_id is not None:
            self.ticket_requested.emit(self.message_ticket_id)


# -- the SMTP settings dialog ----------------------------------------------------------------------


class SmtpSettingsDialog(QDialog):
    """Mail server settings (administrators): host, port, security, user, password, from.

    The password goes to the system keyring, never into the database. 发送测试邮件 sends
    with the values on screen, off the GUI thread.

    Signals:
        test_finished(bool, str): the test mail went out (True) or not, with the message.
        saved(object): the settings were stored (``notify.SmtpSettings``).
    """

    test_finished = Signal(bool, str)
    saved = Signal(object)

    def __init__(self, db: Database, person: PersonView | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("smtpDialog")
        self.setWindowTitle(self.tr("邮件服务器设置"))
        self.db = db
        self.person = person
        current = notify.smtp_settings(db)
        self.host = QLineEdit(current.host if current else "")
        self.host.setObjectName("smtpHost")
        self.host.setPlaceholderText("smtp.example.com")
        self.port = QSpinBox()
        self.port.setObjectName("smtpPort")
        self.port.setRange(1, 65535)
        self.port.setValue(current.port if current else 587)
        self.security = QComboBox()
        self.security.setObjectName("smtpSecurity")
        for key, label in SECURITY_LABELS:
            self.security.addItem(self.tr(label), key)
        self.security.setCurrentIndex(
            max(0, self.security.findData(current.security if current else "starttls")))
        self.security.currentIndexChanged.connect(self._security_changed)
        self.user = QLineEdit(current.user if current else "")
        self.user.setObjectName("smtpUser")
        self.password = QLineEdit()
        self.password.setObjectName("smtpPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("留空则保留本机密钥环中已保存的密码"))
        self.from_address = QLineEdit(current.from_address if current else "")
        self.from_address.setObjectName("smtpFrom")
        self.from_address.setPlaceholderText("desk@example.com")
        self.test_to = QLineEdit(person.email if person else "")
        self.test_to.setObjectName("smtpTestTo")
        self.test_button = QPushButton(self.tr("发送测试邮件"))
        self.test_button.setObjectName("smtpTestButton")
        self.test_button.clicked.connect(self.send_test)
        self.result = QLabel()
        self.result.setObjectName("smtpResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow(self.tr("服务器地址："), self.host)
        form.addRow(self.tr("端口："), self.port)
        form.addRow(self.tr("加密方式："), self.security)
        form.addRow(self.tr("用户名："), self.user)
        form.addRow(self.tr("密码："), self.password)
        form.addRow(self.tr("发件地址："), self.from_address)
        note = QLabel(self.tr("密码保存在本机的系统密钥环中，不写入数据库；每台负责发信的工作站"
                              "都需输入一次。"))
        note.setObjectName("smtpPasswordNote")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        form.addRow(self.tr("测试收件人："), test_row)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("smtpButtons")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        is_admin = person is not None and Role.ADMIN in person.roles
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setObjectName("smtpSaveButton")
        save.setEnabled(is_admin)
        if not is_admin:
            save.setToolTip(self.tr("只有管理员可以修改邮件服务器设置。"))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())

    def settings(self) -> notify.SmtpSettings:
        return notify.SmtpSettings(
            host=self.host.text().strip(), port=self.port.value(),
            security=str(self.security.currentData()), user=self.user.text().strip(),
            from_address=self.from_address.text().strip(),
            password=self.password.text() or None)

    def _security_changed(self, _index: int) -> None:
        if self.port.value() in DEFAULT_PORTS.values():
            self.port.setValue(DEFAULT_PORTS[str(self.security.currentData())])

    def _show(self, ok: bool, text: str) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(scheme.css("good" if ok else "bad"))

    def send_test(self) -> None:
        settings, to = self.settings(), self.test_to.text().strip()
        self.test_button.setEnabled(False)
        self._show(True, self.tr("正在发送测试邮件…"))
        tasks.run(lambda: notify.send_test_mail(settings, to), self._test_ok, self._test_failed)

    def _test_ok(self, to: str) -> None:
        if not _alive(self):
            return
        self.test_button.setEnabled(True)
        text = self.tr("测试邮件已发送至 %1，请查收。").replace("%1", to)
        self._show(True, text)
        self.test_finished.emit(True, text)

    def _test_failed(self, exc: BaseException) -> None:
        if not _alive(self):
            return
        self.test_button.setEnabled(True)
        text = str(exc) if isinstance(exc, DeskError) else self.tr("发送失败：%1").replace(
            "%1", str(exc) or type(exc).__name__)
        self._show(False, text)
        self.test_finished.emit(False, text)

    def save(self) -> None:
        if self.person is None:
            self._show(False, self.tr("请先登录。"))
            return
        settings, password = self.settings(), self.password.text() or None
        actor = self.person.id
        self.buttons.setEnabled(False)
        tasks.run(lambda: notify.save_smtp_settings(self.db, actor, settings, password),
                  self._saved, self._save_failed)

    def _saved(self, settings: notify.SmtpSettings) -> None:
        if not _alive(self):
            return
        self.buttons.setEnabled(True)
        self.password.clear()
        self.saved.emit(settings)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        if not _alive(self):
            return
        self.buttons.setEnabled(True)
        self._show(False, str(exc))


# -- the outbox (administrators) -----------------------------------------------------------------


OUTBOX_COLUMNS = [("id", "编号"), ("status", "状态"), ("attempts", "尝试次数"),
                  ("when", "下次尝试/发送时间"), ("subject", "主题"), ("recipients", "收件人"),
                  ("last_error", "最近错误")]


class OutboxModel(QAbstractTableModel):
    """Outbox rows as ``notify.OutboxEntry`` values."""

    def __init__(self, tz: ZoneInfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.entries: list[notify.OutboxEntry] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(OUTBOX_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(OUTBOX_COLUMNS):
            return QApplication.translate("OutboxModel", OUTBOX_COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        e = self.entries[index.row()]
        key = OUTBOX_COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "status":
                return QApplication.translate("OutboxModel",
                                              notify.STATUS_LABELS_ZH.get(e.status, e.status))
            if key == "when":
                return format_local(e.sent_at or e.next_attempt_at, self.tz)
            if key == "recipients":
                return "；".join(e.recipients)
            return str(getattr(e, key))
        if role == Qt.ItemDataRole.ToolTipRole and key in ("last_error", "recipients",
                                                          "subject"):
            return "\n".join(e.recipients) if key == "recipients" else str(getattr(e, key))
        if role == Qt.ItemDataRole.ForegroundRole and key == "status" and e.status == "failed":
            from PySide6.QtGui import QColor

            return QColor(scheme.colours().bad)
        return None

    def set_entries(self, entries: list[notify.OutboxEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()


class OutboxDialog(QDialog):
    """What waits in the outbox, how often it was tried and the last error (admins).

    Signals:
        loaded(int): the list was (re)loaded with that many rows.
    """

    loaded = Signal(int)

    def __init__(self, db: Database, tz: ZoneInfo, person: PersonView | None,
                 center: NotificationCenter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxDialog")
        self.setWindowTitle(self.tr("发件箱"))
        self.db = db
        self.person = person
        self.center = center
        self.model = OutboxModel(tz, self)
        self.table = QTableView()
        self.table.setObjectName("outboxTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((50, 70, 70, 130, 300, 220)):
            header.resizeSection(col, width)
        self.include_sent = QComboBox()
        self.include_sent.setObjectName("outboxFilter")
        self.include_sent.addItem(self.tr("待发送与失败"), False)
        self.include_sent.addItem(self.tr("全部（含已发送）"), True)
        self.include_sent.currentIndexChanged.connect(lambda _i: self.reload())
        self.summary = QLabel()
        self.summary.setObjectName("outboxSummary")
        refresh = QPushButton(self.tr("刷新"))
        refresh.setObjectName("outboxRefresh")
        refresh.clicked.connect(self.reload)
        self.send_button = QPushButton(self.tr("立即发送"))
        self.send_button.setObjectName("outboxSendNow")
        self.send_button.setEnabled(center is not None)
        self.send_button.clicked.connect(self._send_now)
        top = QHBoxLayout()
        top.addWidget(self.include_sent)
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)
        top.addWidget(self.send_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(close)
        self.resize(1000, 420)
        if center is not None:
            center.round_finished.connect(lambda _r: self.reload())
        self.reload()

    def reload(self) -> None:
        include = bool(self.include_sent.currentData())
        actor = self.person.id if self.person else -1
        db = self.db
        tasks.run(lambda: notify.outbox_status(db, include_sent=include, actor_id=actor),
                  self._loaded, self._failed)

    def _loaded(self, entries: list[notify.OutboxEntry]) -> None:
        if not _alive(self):
            return
        self.model.set_entries(entries)
        waiting = sum(1 for e in entries if e.status in ("pending", "sending"))
        failed = sum(1 for e in entries if e.status == "failed")
        self.summary.setText(self.tr("待发送 %1 封，失败 %2 封").replace("%1", str(waiting))
                             .replace("%2", str(failed)))
        self.loaded.emit(len(entries))

    def _failed(self, exc: BaseException) -> None:
        if _alive(self):
            self.summary.setText(str(exc))

    def _send_now(self) -> None:
        if self.center is not None:
            self.center.run_now()


# -- installing into the window ---------------------------------------------------------------------


class NotificationsUi(QObject):
    """What ``install_notifications`` added: the center, the dock, the panel, the actions."""

    def __init__(self, window: QMainWindow, db: Database, tz: ZoneInfo,
                 person: PersonView | None) -> None:
        super().__init__(window)
        self.setObjectName("notificationsUi")
        self.window = window
        self.db = db
        self.tz = tz
        self.center = NotificationCenter(db, tz, person, self)
        self.panel = NotificationPanel(self.center.model)
        self.dock = QDockWidget(self.tr("通知"), window)
        self.dock.setObjectName("notificationDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        menu = window.menuBar().addMenu(self.tr("通知(&N)"))
        menu.setObjectName("notificationMenu")
        self.menu = menu
        self.show_action = self.dock.toggleViewAction()
        self.show_action.setText(self.tr("通知列表"))
        self.show_action.setObjectName("actionNotifications")
        menu.addAction(self.show_action)
        self.check_action = menu.addAction(self.tr("立即检查并发送"))
        self.check_action.setObjectName("actionNotifyNow")
        self.check_action.triggered.connect(self.center.run_now)
        self.state_action = menu.addAction(self.tr("邮件发送：等待首次检查"))
        self.state_action.setObjectName("actionMailState")
        self.state_action.setEnabled(False)
        self.center.round_finished.connect(self._round_finished)
        menu.addSeparator()
        self.smtp_action = menu.addAction(self.tr("邮件服务器设置…"))
        self.smtp_action.setObjectName("actionSmtpSettings")
        self.smtp_action.triggered.connect(self.open_smtp_dialog)
        self.outbox_action = menu.addAction(self.tr("发件箱…"))
        self.outbox_action.setObjectName("actionOutbox")
        self.outbox_action.triggered.connect(self.open_outbox)
        self.panel.ticket_activated.connect(self._open_ticket)
        self.center.arrived.connect(self._arrived)
        self.center.message_clicked.connect(self._bring_forward)
        self.center.ticket_requested.connect(self._open_ticket)
        self.set_person(person)
        window.installEventFilter(self)
        self.center.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.center.stop()  # no rounds after the window closed
        return False

    def set_person(self, person: PersonView | None) -> None:
        roles = person.roles if person else frozenset()
        self.smtp_action.setEnabled(Role.ADMIN in roles)
        self.outbox_action.setEnabled(bool(roles & {Role.ADMIN, Role.SUPPORT_LEAD}))
        if person is not self.center.person:
            self.center.set_person(person)
        self._update_title()

    def _round_finished(self, result: TickResult) -> None:
        text = {
            "off": self.tr("邮件发送：未设置邮件服务器（仅站内通知）"),
            "no-password": self.tr("邮件发送：本机密钥环中没有 SMTP 密码，由其他工作站发送"),
            "on": self.tr("邮件发送：已开启"),
        }.get(result.sending, result.sending)
        if result.report is not None and result.report.errors:
            text += self.tr("（最近错误：%1）").replace("%1", result.report.errors[-1])
        self.state_action.setText(text)

    def _update_title(self) -> None:
        count = self.center.model.rowCount()
        self.dock.setWindowTitle(self.tr("通知（%1）").replace("%1", str(count)) if count
                                 else self.tr("通知"))

    def _arrived(self, new: list[notify.Notification]) -> None:
        self._update_title()
        bar = self.window.statusBar()
        bar.showMessage(self.tr("新通知：%1").replace("%1", new[0].subject), 15_000)

    def _bring_forward(self) -> None:
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    def _open_ticket(self, ticket_id: int) -> None:
        open_ticket = getattr(self.window, "open_ticket", None)
        if callable(open_ticket):
            open_ticket(ticket_id)
            return
        select = getattr(self.window, "select_ticket", None)
        reload = getattr(self.window, "apply_query", None)
        if callable(select) and not select(ticket_id) and callable(reload):
            # the queue may not hold the ticket yet (reported on another desk): it is
            # selected when the reloaded rows arrive
            reload(select=ticket_id)

    def open_smtp_dialog(self) -> SmtpSettingsDialog:
        dialog = SmtpSettingsDialog(self.db, self.center.person, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_outbox(self) -> OutboxDialog:
        dialog = OutboxDialog(self.db, self.tz, self.center.person, self.center, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def install_notifications(window: QMainWindow, db: Database,
                          person: PersonView | None) -> NotificationsUi:
    """Add the 通知 menu, the list dock and the background rounds to ``window``."""
    tz = getattr(window, "tz", None)
    if not isinstance(tz, ZoneInfo):
        tz = ZoneInfo("Asia/Shanghai")
    ui = NotificationsUi(window, db, tz, person)
    changed = getattr(window, "person_changed", None)
    if changed is not None:
        changed.connect(ui.set_person)
    else:
        box = getattr(window, "person_box", None)
        if box is not None:
            box.currentIndexChanged.connect(
                lambda _i: ui.set_person(getattr(window, "person", None)))
    return ui
