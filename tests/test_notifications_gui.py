"""The notification pieces of the window, offscreen: SMTP dialog, list dock, outbox, sender.

A real SMTP server (aiosmtpd on 127.0.0.1) receives what the dialog and the background
rounds send; the keyring is an in-memory test backend, so the password's way into it
(and not into the settings table) is checked without touching the real keyring.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from desk.admin.demo import ensure_people
from desk.notify import outbox as notify
from desk.process import people
from models import FaultLevel, Setting
from tests.conftest import settle, type_into
from tests.test_notify import SmtpServer, report
from ui.main_window import MainWindow
from ui.notifications import (
    OUTBOX_COLUMNS,
    NotificationModel,
    OutboxDialog,
    OutboxModel,
    SmtpSettingsDialog,
)

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def db(sqlite_url: str, make_db: Any) -> Any:
    """A desk whose calendar already has next year (the clock says 2026-11-27), so the
    rounds here carry no reminder that 2027 is missing: only the faults' own mail."""
    from models import CalendarYear

    database = make_db(sqlite_url)
    database.write(lambda s: s.add(CalendarYear(year=2027, source="test")))
    return database


@pytest.fixture
def ids(db: Any) -> dict[str, int]:
    return ensure_people(db)


def person(db: Any, no: str) -> people.PersonView:
    return people.get_person(db, people.person_id(db, no))


@pytest.fixture
def window(qtbot: Any, db: Any, ids: dict[str, int]) -> MainWindow:
    w = MainWindow(db, TZ, "SQLite (test)", person(db, "BIZ006"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


def smtp_dialog(qtbot: Any, db: Any, who: str) -> SmtpSettingsDialog:
    dialog = SmtpSettingsDialog(db, person(db, who))
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def fill(qtbot: Any, dialog: SmtpSettingsDialog, port: int, password: str = "") -> None:
    dialog.host.clear()
    type_into(qtbot, dialog.host, "127.0.0.1")
    dialog.security.setCurrentIndex(dialog.security.findData("none"))
    dialog.port.setValue(port)
    dialog.from_address.clear()
    type_into(qtbot, dialog.from_address, "desk@example.com")
    if password:
        dialog.user.clear()
        type_into(qtbot, dialog.user, "desk")
        type_into(qtbot, dialog.password, password)
    dialog.test_to.clear()
    type_into(qtbot, dialog.test_to, "admin@example.com")


def test_test_mail_button_sends_through_the_local_server(qtbot: Any, db: Any, ids: Any,
                                                         smtp: SmtpServer) -> None:
    dialog = smtp_dialog(qtbot, db, "ADMIN")
    fill(qtbot, dialog, smtp.port)
    with qtbot.waitSignal(dialog.test_finished, timeout=15_000) as done:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert done.args[0] is True
    assert dialog.result.text() == "测试邮件已发送至 admin@example.com，请查收。"
    assert dialog.test_button.isEnabled()
    assert [r.rcpt_tos for r in smtp.received] == [["admin@example.com"]]
    assert str(smtp.received[0].message["Subject"]) == "Desk 测试邮件"


def test_test_mail_failure_is_a_clear_message(qtbot: Any, db: Any, ids: Any) -> None:
    dialog = smtp_dialog(qtbot, db, "ADMIN")
    fill(qtbot, dialog, SmtpServer().port)  # nothing listens there
    with qtbot.waitSignal(dialog.test_finished, timeout=15_000) as done:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert done.args[0] is False
    assert dialog.result.text().startswith("无法连接邮件服务器")
    assert "Traceback" not in dialog.result.text()


def test_saving_puts_the_password_in_the_keyring_not_in_the_settings(
        qtbot: Any, db: Any, ids: Any, memory_keyring: dict[tuple[str, str], str]) -> None:
    dialog = smtp_dialog(qtbot, db, "ADMIN")
    fill(qtbot, dialog, 2525, password="s3cret-pass-123")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(dialog.saved, timeout=15_000):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert memory_keyring == {("Desk SMTP", "desk@127.0.0.1"): "s3cret-pass-123"}
    stored = notify.smtp_settings(db)
    assert stored == notify.SmtpSettings(host="127.0.0.1", port=2525, security="none",
                                         user="desk", from_address="desk@example.com")
    with db.read() as s:
        values = [json.dumps(v, ensure_ascii=False) for v in s.scalars(select(Setting.value))]
    assert values and not any("s3cret" in v for v in values)


def test_only_an_administrator_may_save(qtbot: Any, db: Any, ids: Any) -> None:
    dialog = smtp_dialog(qtbot, db, "IT001")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_the_list_shows_new_notifications_for_the_signed_in_person(
        qtbot: Any, window: MainWindow, db: Any, ids: Any) -> None:
    ui = window.notifications
    assert ui.menu.title() == "通知(&N)"
    assert ui.center.model.rowCount() == 0
    assert ui.panel.empty.isVisibleTo(ui.panel)
    assert not ui.smtp_action.isEnabled() and not ui.outbox_action.isEnabled()
    first = report(db, ids["SALES005"], FaultLevel.URGENT, interrupted=True)
    report(db, ids["FIN007"], FaultLevel.URGENT, interrupted=True)  # not for 钱主管
    with qtbot.waitSignal(ui.center.arrived, timeout=15_000) as arrived:
        ui.check_action.trigger()
    assert [n.ticket_number for n in arrived.args[0]] == [first.number]
    model = ui.center.model
    assert model.rowCount() == 1
    top = model.index(0, 0)
    assert first.number in top.data()
    assert top.data(NotificationModel.TicketRole) == first.id
    assert ui.dock.windowTitle() == "通知（1）"
    assert not ui.panel.empty.isVisibleTo(ui.panel)

    second = report(db, ids["SALES005"], FaultLevel.IMPORTANT, interrupted=True)
    with qtbot.waitSignal(ui.center.arrived, timeout=15_000):
        ui.center.run_now()
    assert model.rowCount() == 2
    assert second.number in model.index(0, 0).data()
    # a double-click opens the ticket in the window
    ui.dock.show()
    ui.panel.view.doubleClicked.emit(model.index(1, 0))
    # not in the queue yet (reported elsewhere): selected once the reloaded rows arrive
    qtbot.waitUntil(lambda: window.selected_ticket_id() == first.id, timeout=10_000)


def test_background_round_sends_only_when_a_server_is_set(
        qtbot: Any, window: MainWindow, db: Any, ids: Any, smtp: SmtpServer) -> None:
    center = window.notifications.center
    assert center.timer.isActive() and center.timer.interval() == 30_000
    report(db, ids["SALES005"], interrupted=True)
    with qtbot.waitSignal(center.round_finished, timeout=15_000) as finished:
        center.run_now()
    assert finished.args[0].sending == "off" and finished.args[0].report is None
    assert smtp.received == []
    assert window.notifications.state_action.text() == "邮件发送：未设置邮件服务器（仅站内通知）"
    notify.save_smtp_settings(db, ids["ADMIN"], smtp.settings)
    with qtbot.waitSignal(center.round_finished, timeout=15_000) as finished:
        center.run_now()
    assert finished.args[0].sending == "on"
    assert len(finished.args[0].report.sent) == 1
    assert window.notifications.state_action.text() == "邮件发送：已开启"
    assert sorted(smtp.received[0].rcpt_tos) == ["biz006@example.com", "lead01@example.com"]


def test_outbox_dialog_shows_waiting_messages_and_errors(qtbot: Any, db: Any, ids: Any) -> None:
    report(db, ids["SALES005"], interrupted=True)
    notify.send_due(db, SmtpServer().settings, "test")  # nothing listens: a failed attempt
    dialog = OutboxDialog(db, TZ, person(db, "ADMIN"))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=15_000) as loaded:
        dialog.open()
    assert loaded.args == [1]
    model = dialog.model
    row = {key: model.index(0, col).data() for col, (key, _l) in enumerate(OUTBOX_COLUMNS)}
    assert row["status"] == "待发送" and row["attempts"] == "1"
    assert row["last_error"].startswith("无法连接邮件服务器")
    assert "钱主管 <biz006@example.com>" in row["recipients"]
    assert dialog.summary.text() == "待发送 1 封，失败 0 封"


def test_models_pass_the_model_tester(qtmodeltester: Any, db: Any, ids: Any) -> None:
    report(db, ids["SALES005"], interrupted=True)
    report(db, ids["SALES005"], FaultLevel.URGENT)
    items = notify.notifications_for(db, ids["LEAD01"])
    assert len(items) == 2
    model = NotificationModel(TZ)
    model.reset(items[1:])
    model.prepend(items)
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    outbox = OutboxModel(TZ)
    outbox.set_entries(notify.outbox_status(db, include_sent=True))
    assert outbox.rowCount() == 2
    qtmodeltester.check(outbox)


def test_a_desk_without_the_password_leaves_the_mail_waiting(
        qtbot: Any, window: MainWindow, db: Any, ids: Any, smtp: SmtpServer,
        memory_keyring: dict[tuple[str, str], str]) -> None:
    center = window.notifications.center
    report(db, ids["SALES005"], interrupted=True)
    with_user = notify.SmtpSettings(host="127.0.0.1", port=smtp.port, security="none",
                                    user="desk", from_address="desk@example.com")
    notify.save_smtp_settings(db, ids["ADMIN"], with_user)  # no password on this computer
    with qtbot.waitSignal(center.round_finished, timeout=15_000) as finished:
        center.run_now()
    assert finished.args[0].sending == "no-password" and finished.args[0].report is None
    assert [(e.status, e.attempts) for e in notify.outbox_status(db)] == [("pending", 0)]
    assert "没有 SMTP 密码" in window.notifications.state_action.text()
    assert smtp.received == []


@pytest.fixture
def tray(monkeypatch: pytest.MonkeyPatch) -> None:
    """A desktop with a tray that shows messages (offscreen has none)."""
    from PySide6.QtWidgets import QSystemTrayIcon

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "supportsMessages", staticmethod(lambda: True))


# offscreen has no tray window and no raise (a real desktop has both)
OFFSCREEN_TRAY = pytest.mark.qt_log_ignore("This plugin does not support raise",
                                           "No such signal QPlatformNativeInterface::systemTray")


def _click_message(qtbot: Any, window: MainWindow) -> None:
    tray = window.notifications.center.tray
    assert tray is not None and tray.objectName() == "notificationTray"
    with qtbot.waitSignal(window.notifications.center.message_clicked, timeout=5_000):
        tray.messageClicked.emit()


@OFFSCREEN_TRAY
def test_clicking_the_tray_message_opens_its_fault(
        qtbot: Any, tray: None, window: MainWindow, db: Any, ids: Any, clock: Any) -> None:
    ui = window.notifications
    first = report(db, ids["SALES005"], FaultLevel.URGENT, interrupted=True)
    second = report(db, ids["SALES005"], FaultLevel.IMPORTANT, business="财务系统")
    window.apply_query()
    qtbot.waitUntil(lambda: window.model.row_of(second.id) >= 0, timeout=10_000)
    window.select_ticket(second.id)
    qtbot.waitUntil(lambda: window.panel.detail is not None
                    and window.panel.detail.id == second.id, timeout=10_000)

    # a new fault for me (its department head), found by the background round
    with qtbot.waitSignal(ui.center.arrived, timeout=15_000) as arrived:
        ui.center.run_now()
    assert [n.ticket_id for n in arrived.args[0]] == [first.id]
    window.showMinimized()
    _click_message(qtbot, window)
    qtbot.waitUntil(lambda: window.panel.detail is not None
                    and window.panel.detail.id == first.id, timeout=10_000)
    assert window.selected_ticket_id() == first.id
    assert window.stack.currentWidget() is window.panel
    assert not window.isMinimized() and window.isVisible()

    # a warning, then a breach: each message opens the fault it was about
    def announced(ticket: Any, trigger: str, subject: str) -> None:
        ui.center.announce([notify.Notification(
            10_000 + ticket.id, clock(), ticket.id, ticket.number, trigger, subject, "",
            "pending", None)])

    announced(second, "sla_warning:respond:80", f"响应即将超时：{second.number}")
    _click_message(qtbot, window)
    qtbot.waitUntil(lambda: window.panel.detail.id == second.id, timeout=10_000)
    announced(first, "sla_breached:restore", f"恢复已超时：{first.number}")
    _click_message(qtbot, window)
    qtbot.waitUntil(lambda: window.panel.detail.id == first.id, timeout=10_000)
    assert window.selected_ticket_id() == first.id


@OFFSCREEN_TRAY
def test_a_tray_message_for_a_fault_outside_the_view_still_opens_it(
        qtbot: Any, tray: None, window: MainWindow, db: Any, ids: Any, clock: Any) -> None:
    ui = window.notifications
    other = report(db, ids["SALES005"], FaultLevel.IMPORTANT, business="邮件系统")
    assert window.model.row_of(other.id) < 0  # reported elsewhere: not in the rows yet
    ui.center.announce([notify.Notification(1, clock(), other.id, other.number,
                                            "sla_breached:respond", "响应已超时", "",
                                            "pending", None)])
    _click_message(qtbot, window)
    qtbot.waitUntil(lambda: window.panel.detail is not None
                    and window.panel.detail.id == other.id, timeout=10_000)
    qtbot.waitUntil(lambda: window.selected_ticket_id() == other.id, timeout=10_000)
