"""Signing in, the first administrator, the administration dialogs, the settings dialog
and the start of the window — driven through the real widgets offscreen, then checked
in the database (and in the settings file and the keyring)."""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import keyring
import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QPushButton
from sqlalchemy import func, select

from desk.admin import team as admin
from desk.admin.demo import ensure_people, shared_passwords
from desk.config import load_config, save_settings
from desk.process import auth, people, reporting
from models import CalendarDay, DayKind, FaultLevel, FaultType, Person, Role, Setting, Ticket
from tests.conftest import TEST_PASSWORD as DEMO_PASSWORD
from tests.conftest import memory_keyring_class, type_into
from ui.dialogs.admin import (
    CalendarDialog,
    LimitsDialog,
    OrganisationDialog,
    PeopleDialog,
    install_admin_menu,
)
from ui.dialogs.settings import SettingsDialog
from ui.dialogs.sign_in import FirstAdminDialog, SignInDialog

LEFT = Qt.MouseButton.LeftButton
SAMPLE = ["IT001", "LEAD01", "CTO01", "DEV002", "OP003", "SALES005"]  # SPEC.md's people


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8192,
                                                       parallelism=1))


@pytest.fixture
def db(sqlite_url, make_db):
    return make_db(sqlite_url)


@pytest.fixture
def ids(db) -> dict[str, int]:
    return ensure_people(db, shared_passwords(DEMO_PASSWORD))


@pytest.fixture
def admin_view(db, ids):
    return people.get_person(db, ids["ADMIN"])


def sign_in_dialog(qtbot, db, **kwargs) -> SignInDialog:
    dialog = SignInDialog(db, **kwargs)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def attempt(qtbot, dialog: SignInDialog, number: str, password: str) -> None:
    dialog.employee_no.clear()
    type_into(qtbot, dialog.employee_no, number)
    type_into(qtbot, dialog.password, password)
    qtbot.mouseClick(dialog.sign_in_button, LEFT)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)


# -- signing in ---------------------------------------------------------------------------


@pytest.mark.parametrize("number", SAMPLE)
def test_each_sample_person_signs_in_through_the_dialog(qtbot, db, ids, number):
    dialog = sign_in_dialog(qtbot, db)
    assert dialog.objectName() == "signInDialog"
    type_into(qtbot, dialog.findChild(type(dialog.employee_no), "employeeNo"), number)
    type_into(qtbot, dialog.findChild(type(dialog.password), "password"), DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.signed_in, timeout=10_000) as signal:
        qtbot.mouseClick(dialog.sign_in_button, LEFT)
    person = signal.args[0]
    assert person.id == ids[number] and person.employee_no == number
    assert not dialog.isVisible()
    with db.read() as s:
        assert s.scalar(select(Person.failed_logins).where(Person.employee_no == number)) == 0


def test_wrong_password_shows_tries_left_and_clears_the_password(qtbot, db, ids):
    dialog = sign_in_dialog(qtbot, db)
    attempt(qtbot, dialog, "IT001", "wrong-password")
    message = dialog.findChild(type(dialog.message), "signInMessage")
    assert message.isVisible()
    assert "还可尝试 4 次" in message.text()
    assert dialog.password.text() == ""
    assert dialog.employee_no.text() == "IT001"  # what was typed is kept
    with db.read() as s:
        assert s.scalar(select(Person.failed_logins).where(Person.employee_no == "IT001")) == 1


def test_fifth_wrong_password_locks_and_says_until_when(qtbot, db, ids, clock):
    dialog = sign_in_dialog(qtbot, db)
    for _ in range(5):
        attempt(qtbot, dialog, "SALES005", "wrong-password")
    text = dialog.message.text()
    assert "已暂停登录" in text and "2026-11-27 10:05" in text
    attempt(qtbot, dialog, "SALES005", DEMO_PASSWORD)  # at once: this desk waits first
    assert "此工作站登录失败次数过多，请 2 秒后再试" in dialog.message.text()
    clock.advance(seconds=3)
    attempt(qtbot, dialog, "SALES005", DEMO_PASSWORD)  # the right one, still locked
    assert "2026-11-27 10:05" in dialog.message.text()
    assert dialog.isVisible()
    clock.advance(minutes=6)
    with qtbot.waitSignal(dialog.signed_in, timeout=10_000) as signal:
        attempt(qtbot, dialog, "SALES005", DEMO_PASSWORD)
    assert signal.args[0].id == ids["SALES005"]


def test_empty_fields_are_refused_without_a_database_call(qtbot, db, ids):
    dialog = sign_in_dialog(qtbot, db, hint="演示账号：IT001，密码 hint-pass-1")
    qtbot.mouseClick(dialog.sign_in_button, LEFT)
    assert "请输入工号和密码" in dialog.message.text()
    assert not dialog.busy
    assert dialog.hint.isVisible() and "hint-pass-1" in dialog.hint.text()


def test_enter_moves_from_number_to_password_then_signs_in(qtbot, db, ids):
    dialog = sign_in_dialog(qtbot, db)
    dialog.activateWindow()
    type_into(qtbot, dialog.employee_no, "OP003\n")
    assert dialog.focusWidget() is dialog.password and not dialog.message.isVisible()
    with qtbot.waitSignal(dialog.signed_in, timeout=10_000) as signal:
        type_into(qtbot, dialog.password, DEMO_PASSWORD + "\n")
    assert signal.args[0].id == ids["OP003"]


def test_first_admin_dialog_creates_the_administrator(qtbot, db):
    assert auth.needs_first_admin(db)
    dialog = FirstAdminDialog(db)
    qtbot.addWidget(dialog)
    dialog.open()
    type_into(qtbot, dialog.employee_no, "ROOT01")
    type_into(qtbot, dialog.name, "陈管理")
    type_into(qtbot, dialog.password, "root-pass-1")
    type_into(qtbot, dialog.repeat, "root-pass-2")
    qtbot.mouseClick(dialog.create_button, LEFT)
    assert "不一致" in dialog.message.text()
    assert auth.needs_first_admin(db)
    type_into(qtbot, dialog.repeat, "root-pass-1")
    with qtbot.waitSignal(dialog.created, timeout=10_000) as signal:
        qtbot.mouseClick(dialog.create_button, LEFT)
    assert signal.args[0].employee_no == "ROOT01"
    assert not auth.needs_first_admin(db)
    with db.read() as s:
        p = s.scalar(select(Person).where(Person.employee_no == "ROOT01"))
        assert p.name == "陈管理" and Role.ADMIN in p.roles
        assert p.password_hash.startswith("$argon2id$")


# -- administration -------------------------------------------------------------------------


def open_people(qtbot, db, actor) -> PeopleDialog:
    dialog = PeopleDialog(db, actor)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.open()
    return dialog


def test_people_model_passes_qtmodeltester(qtbot, qtmodeltester, db, admin_view):
    dialog = open_people(qtbot, db, admin_view)
    assert dialog.model.rowCount() == 10
    qtmodeltester.check(dialog.model)


def test_admin_adds_a_person_with_roles_through_the_dialog(qtbot, db, admin_view):
    dialog = open_people(qtbot, db, admin_view)
    qtbot.mouseClick(dialog.add_button, LEFT)
    editor = dialog.child
    assert editor is not None and editor.objectName() == "personEditDialog"
    type_into(qtbot, editor.employee_no, "NET008")
    type_into(qtbot, editor.name, "郑网管")
    editor.department.setCurrentText("")
    type_into(qtbot, editor.department.lineEdit(), "网络部")
    type_into(qtbot, editor.contact, "138-0000-0008")
    type_into(qtbot, editor.email, "net008@example.com")
    type_into(qtbot, editor.password, "net-pass-08")
    for role in (Role.ENGINEER, Role.VERIFIER):
        box = editor.role_boxes[role]  # click the box itself, at the left of its row
        qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(editor.save_button, LEFT)
    with db.read() as s:
        p = s.scalar(select(Person).where(Person.employee_no == "NET008"))
        assert p.name == "郑网管" and p.department.name == "网络部"
        assert p.roles == {Role.REPORTER, Role.ENGINEER, Role.VERIFIER}
    assert auth.sign_in(db, "NET008", "net-pass-08").name == "郑网管"
    assert any(r.employee_no == "NET008" for r in dialog.model.rows)


def test_duplicate_number_is_refused_in_the_editor_and_input_kept(qtbot, db, admin_view):
    dialog = open_people(qtbot, db, admin_view)
    editor = dialog.add_person()
    type_into(qtbot, editor.employee_no, "IT001")
    type_into(qtbot, editor.name, "重号")
    qtbot.mouseClick(editor.save_button, LEFT)
    qtbot.waitUntil(lambda: editor.message.isVisible(), timeout=10_000)
    assert "IT001" in editor.message.text() and "已被" in editor.message.text()
    assert editor.name.text() == "重号"
    assert len(people.list_people(db)) == 10


def test_role_checkbox_in_the_table_and_deactivate(qtbot, db, ids, admin_view):
    dialog = open_people(qtbot, db, admin_view)
    row = next(i for i, r in enumerate(dialog.model.rows) if r.employee_no == "OP003")
    column = dialog.model.columnCount() - 1  # 管理员 is the last role
    assert dialog.model.role_of(column) == Role.ADMIN
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(row, column))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # the view toggles the checkbox
    assert Role.ADMIN in people.get_person(db, ids["OP003"]).roles
    dialog.select_person(ids["FIN007"])
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.active_button, LEFT)
    assert all(p.employee_no != "FIN007" for p in people.list_people(db))


def test_reset_password_through_the_dialog(qtbot, db, ids, admin_view):
    dialog = open_people(qtbot, db, admin_view)
    dialog.select_person(ids["DEV002"])
    qtbot.mouseClick(dialog.password_button, LEFT)
    pw = dialog.child
    type_into(qtbot, pw.password, "reset-pass-2")
    type_into(qtbot, pw.repeat, "reset-pass-2")
    with qtbot.waitSignal(pw.saved, timeout=10_000):
        qtbot.mouseClick(pw.buttons.button(pw.buttons.StandardButton.Ok), LEFT)
    assert auth.sign_in(db, "DEV002", "reset-pass-2").id == ids["DEV002"]


def test_people_dialog_refuses_a_non_admin(qtbot, db, ids):
    lead = people.get_person(db, ids["LEAD01"])
    dialog = PeopleDialog(db, lead)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as signal:
        dialog.open()
    assert "管理员" in signal.args[0]
    assert dialog.model.rowCount() == 0


def test_level_two_restore_limit_changed_in_the_dialog_moves_a_new_deadline(
        qtbot, db, ids, admin_view):
    dialog = LimitsDialog(db, admin_view)
    qtbot.addWidget(dialog)
    dialog.open()
    respond, restore = dialog.editors[FaultLevel.IMPORTANT]
    # a restore shorter than the respond limit is refused next to the fields
    restore.unit.setCurrentIndex(restore.unit.findData(1))
    restore.amount.setValue(10)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "不能短于响应时限" in dialog.message.text()
    with db.read() as s:
        assert s.get(Setting, "sla.limits") is None
    restore.unit.setCurrentIndex(restore.unit.findData(60))
    restore.amount.clear()
    type_into(qtbot, restore.amount, "3")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    detail = reporting.report_fault(db, reporting.FaultReport(
        fault_type=FaultType.NETWORK, level=FaultLevel.IMPORTANT,
        affected_business="办公网络", impact_scope="二楼", phenomenon="断网"), ids["SALES005"])
    with db.read() as s:
        t = s.get(Ticket, detail.id)
        assert t.restore_due_at - t.reported_at == timedelta(hours=3)
        assert t.respond_due_at - t.reported_at == timedelta(minutes=15)


def open_calendar(qtbot, db, actor, year: int) -> CalendarDialog:
    dialog = CalendarDialog(db, actor, year=year)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.open()
    return dialog


def test_holiday_added_and_removed_in_the_calendar_dialog(qtbot, qtmodeltester, db,
                                                          admin_view):
    dialog = open_calendar(qtbot, db, admin_view, 2026)
    qtmodeltester.check(dialog.model)
    assert "日历完整" in dialog.coverage.text()
    before = dialog.model.rowCount()
    dialog.day.setDate(dialog.day.date().fromString("2026-12-01", "yyyy-MM-dd"))
    dialog.kind.setCurrentIndex(dialog.kind.findData(DayKind.HOLIDAY.value))
    type_into(qtbot, dialog.day_name, "公司周年庆")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.add_button, LEFT)
    with db.read() as s:
        row = s.get(CalendarDay, date(2026, 12, 1))
        assert row.kind == DayKind.HOLIDAY and row.name == "公司周年庆"
    assert dialog.model.rowCount() == before + 1
    qtmodeltester.check(dialog.model)
    index = next(i for i, d in enumerate(dialog.model.days) if d[0] == date(2026, 12, 1))
    dialog.table.selectRow(index)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.remove_button, LEFT)
    with db.read() as s:
        assert s.get(CalendarDay, date(2026, 12, 1)) is None


def test_calendar_shows_an_uncovered_year_as_estimated_and_imports_it(
        qtbot, db, admin_view, tmp_path, monkeypatch):
    dialog = open_calendar(qtbot, db, admin_view, 2026)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.year.setValue(2099)
    assert "估算" in dialog.coverage.text()
    assert dialog.model.rowCount() == 0
    csv = tmp_path / "2099.csv"
    csv.write_text("date,kind,name\n2099-01-01,holiday,元旦\n2099-01-03,班,调休\n",
                   encoding="utf-8")
    monkeypatch.setattr(CalendarDialog, "ask_open_path", classmethod(lambda cls, p: str(csv)))
    previews: list[str] = []

    def ask_import(cls, parent, preview):
        previews.append(preview)
        return "complete" if len(previews) > 1 else ""  # the first preview is declined

    monkeypatch.setattr(CalendarDialog, "ask_import", classmethod(ask_import))
    qtbot.mouseClick(dialog.import_button, LEFT)
    qtbot.waitUntil(lambda: len(previews) == 1, timeout=10_000)
    assert "2099 年：休息日 1 天，补班日 1 天" in previews[0]
    assert dialog.model.rowCount() == 0  # declined: nothing changed
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert "日历完整" in dialog.coverage.text()
    assert not dialog.complete_button.isEnabled()
    assert [d[0] for d in dialog.model.days] == [date(2099, 1, 1), date(2099, 1, 3)]
    with db.read() as s:
        assert s.get(CalendarDay, date(2099, 1, 3)).kind == DayKind.WORKDAY


def test_organisation_and_time_zone_dialog(qtbot, db, admin_view):
    dialog = OrganisationDialog(db, admin_view)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.organisation.clear()
    type_into(qtbot, dialog.organisation, "示例集团信息中心")
    dialog.timezone.setCurrentText("Asia/Hong_Kong")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.buttons.accepted.emit()
    settings = admin.read_team_settings(db)
    assert settings.organisation == "示例集团信息中心"
    assert settings.timezone == "Asia/Hong_Kong"


def test_admin_menu_is_disabled_for_others_and_opens_dialogs_for_admins(
        qtbot, db, ids, admin_view):
    window = QMainWindow()
    qtbot.addWidget(window)
    lead = people.get_person(db, ids["LEAD01"])
    menu = install_admin_menu(window, db, lead)
    assert menu.menu.title() == "管理(&A)"
    assert all(not a.isEnabled() and a.toolTip() for a in menu.actions.values())
    menu.set_person(admin_view)
    assert all(a.isEnabled() for a in menu.actions.values())
    menu.actions["limits"].trigger()
    assert menu.dialog is not None and menu.dialog.objectName() == "limitsDialog"
    menu.dialog.reject()


def test_switch_user_in_the_main_window(qtbot, db, ids, monkeypatch):
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, p, t: True))
    person = people.get_person(db, ids["IT001"])
    window = MainWindow(db, ZoneInfo("Asia/Shanghai"), "SQLite (test)", person)
    qtbot.addWidget(window)
    menu = install_admin_menu(window, db, person)
    window.person_changed.connect(menu.set_person)
    assert not menu.actions["people"].isEnabled()
    window.switch_user_action.trigger()
    dialog = window.sign_in_dialog
    with qtbot.waitSignal(window.person_changed, timeout=10_000):
        attempt(qtbot, dialog, "ADMIN", DEMO_PASSWORD)
    assert window.person.id == ids["ADMIN"]
    assert "系统管理员" in window.person_label.text()
    assert menu.actions["people"].isEnabled()
    window.close()


# -- this computer's settings ------------------------------------------------------------


class BrokenKeyring(memory_keyring_class()):  # type: ignore[misc]
    def set_password(self, service: str, username: str, password: str) -> None:
        from keyring.errors import PasswordSetError

        raise PasswordSetError("no backend")


def settings_dialog(qtbot, config) -> SettingsDialog:
    dialog = SettingsDialog(config)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_test_connection_reports_success_and_failure(qtbot, db, sqlite_url, tmp_path):
    config = load_config(sqlite_url)
    dialog = settings_dialog(qtbot, config)
    with qtbot.waitSignal(dialog.tested, timeout=10_000) as ok:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert ok.args[0] is True and "连接成功" in dialog.connection_message.text()
    dialog.sqlite_path.setText(str(tmp_path / "missing" / "none.sqlite3"))
    with qtbot.waitSignal(dialog.tested, timeout=10_000) as missing:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert missing.args[0] is False and "不存在" in dialog.connection_message.text()
    assert not (tmp_path / "missing").exists()  # testing creates nothing


def test_test_connection_to_a_server_that_refuses(qtbot, pg_url):
    config = load_config()
    dialog = settings_dialog(qtbot, config)
    dialog.kind.setCurrentIndex(dialog.kind.findData("postgresql"))
    base = pg_url.rsplit("/", 1)[0]
    dialog.pg_url.setText(f"{base}/desk_no_such_database_here")
    with qtbot.waitSignal(dialog.tested, timeout=15_000) as missing:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert missing.args[0] is False
    assert "没有这个数据库" in dialog.connection_message.text()
    assert "Traceback" not in dialog.connection_message.text()
    dialog.pg_url.setText(pg_url.replace("postgres@", "nobody_here@"))
    with qtbot.waitSignal(dialog.tested, timeout=15_000) as refused:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert refused.args[0] is False and "拒绝登录" in dialog.connection_message.text()
    dialog.pg_url.setText(pg_url)
    with qtbot.waitSignal(dialog.tested, timeout=15_000) as ok:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert ok.args[0] is True


def test_saved_password_goes_to_the_keyring_not_the_settings_file(qtbot, memory_keyring):
    config = load_config()
    dialog = settings_dialog(qtbot, config)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("postgresql"))
    dialog.pg_url.clear()
    type_into(qtbot, dialog.pg_url, "postgresql://desk:s3cret-pw@db.example.com:5432/desk")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    text = config.config_file.read_text(encoding="utf-8")
    assert "s3cret-pw" not in text
    stored = json.loads(text)
    assert stored["db_url"] == "postgresql://desk@db.example.com:5432/desk"
    assert stored["language"] == "en"
    assert memory_keyring == {("Desk", "desk@db.example.com/desk"): "s3cret-pw"}
    loaded = load_config()
    assert loaded.db_url == "postgresql://desk:s3cret-pw@db.example.com:5432/desk"
    assert loaded.language == "en"


def test_without_a_keyring_nothing_is_stored_and_pgpass_is_suggested(qtbot):
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        config = load_config()
        save_settings(config, language="zh_CN")
        before = config.config_file.read_text(encoding="utf-8")
        dialog = settings_dialog(qtbot, config)
        dialog.kind.setCurrentIndex(dialog.kind.findData("postgresql"))
        dialog.pg_url.setText("postgresql://desk:s3cret-pw@db.example.com/desk")
        qtbot.mouseClick(dialog.save_button, LEFT)
        assert ".pgpass" in dialog.message.text()
        assert dialog.isVisible()
        assert config.config_file.read_text(encoding="utf-8") == before
    finally:
        keyring.set_keyring(previous)


# -- the start -------------------------------------------------------------------------------


def test_start_on_an_empty_database_asks_for_the_first_admin(qtbot, sqlite_url):
    from ui.app import Startup

    startup = Startup(load_config(sqlite_url))
    with qtbot.waitSignal(startup.dialog_opened, timeout=20_000) as opened:
        startup.begin()
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, FirstAdminDialog)
    type_into(qtbot, dialog.employee_no, "ROOT")
    type_into(qtbot, dialog.name, "管理员")
    type_into(qtbot, dialog.password, "root-pass-1")
    type_into(qtbot, dialog.repeat, "root-pass-1")
    with qtbot.waitSignal(startup.window_ready, timeout=10_000) as ready:
        qtbot.mouseClick(dialog.create_button, LEFT)
    window = ready.args[0]
    qtbot.addWidget(window)
    assert window.person.employee_no == "ROOT"
    assert startup.admin_menu.actions["people"].isEnabled()
    settings_action = window.findChild(type(window.switch_user_action), "actionSettings")
    settings_action.trigger()
    first = window.settings_dialog
    assert isinstance(first, SettingsDialog) and first.isVisible()
    first.language.setCurrentIndex(first.language.findData("en"))
    with qtbot.waitSignal(first.saved, timeout=10_000):
        qtbot.mouseClick(first.save_button, LEFT)
    assert load_config().language == "en"
    settings_action.trigger()  # opened again, it shows what was saved
    assert window.settings_dialog.language.currentData() == "en"
    window.settings_dialog.reject()
    window.close()
    startup.db.dispose()


def _first_admin_window(qtbot, startup):
    with qtbot.waitSignal(startup.dialog_opened, timeout=20_000) as opened:
        startup.begin()
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.employee_no, "ROOT")
    type_into(qtbot, dialog.name, "管理员")
    type_into(qtbot, dialog.password, "root-pass-1")
    type_into(qtbot, dialog.repeat, "root-pass-1")
    with qtbot.waitSignal(startup.window_ready, timeout=10_000) as ready:
        qtbot.mouseClick(dialog.create_button, LEFT)
    window = ready.args[0]
    qtbot.addWidget(window)
    return window


def _save_language(qtbot, window, language: str) -> None:
    window.findChild(QAction, "actionSettings").trigger()
    dialog = window.settings_dialog
    dialog.language.setCurrentIndex(dialog.language.findData(language))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)


def test_a_new_language_says_restart_and_restarts_with_the_same_command_line(
        qtbot, sqlite_url, monkeypatch):
    from ui.app import Startup

    monkeypatch.setattr(sys, "orig_argv", ["python3", "-X", "utf8", "-m", "desk", "--demo"])
    startup = Startup(load_config(sqlite_url))
    started: list[tuple[str, list[str]]] = []
    startup.starter = lambda program, arguments: started.append((program, arguments)) or True
    closed: list[bool] = []
    startup.instance_server = type("Listener", (), {"close": lambda _s: closed.append(True)})()
    window = _first_admin_window(qtbot, startup)

    _save_language(qtbot, window, "zh_CN")  # nothing changed: nothing to restart
    assert getattr(window, "restart_box", None) is None

    _save_language(qtbot, window, "en")
    box = window.restart_box
    qtbot.waitUntil(box.isVisible)
    assert "重新启动后生效" in box.text()
    later = box.findChild(QPushButton, "restartLaterButton")
    assert later.text() == "稍后"
    qtbot.mouseClick(later, LEFT)  # later: the window stays, nothing is started
    assert window.isVisible() and started == [] and closed == []

    _save_language(qtbot, window, "zh_CN")
    box = window.restart_box
    now = box.findChild(QPushButton, "restartNowButton")
    assert now.text() == "立即重新启动" and box.defaultButton() is now
    with qtbot.waitSignal(startup.stopped, timeout=10_000) as stopped:
        qtbot.mouseClick(now, LEFT)
    assert stopped.args[0] == 0
    assert started == [(sys.executable, ["-X", "utf8", "-m", "desk", "--demo"])]
    assert closed == [True]  # the new window does not find this one and give way
    assert not window.isVisible()
    assert load_config().language == "zh_CN"
    startup.db.dispose()


def test_restart_waits_for_an_unsaved_fault_and_says_why(qtbot, sqlite_url, monkeypatch):
    from ui.app import Startup

    startup = Startup(load_config(sqlite_url))
    started: list[object] = []
    startup.starter = lambda *a: started.append(a) or True
    window = _first_admin_window(qtbot, startup)
    form = window.new_fault()
    type_into(qtbot, form.business, "邮件系统")
    monkeypatch.setattr(type(window), "ask_discard", classmethod(lambda _c, *_a: False))
    assert startup.restart() is False
    assert window.isVisible() and started == []
    assert "未重新启动" in window.statusBar().currentMessage()
    form.discard_draft()
    window.form = None
    window.close()
    startup.db.dispose()


def test_start_with_a_broken_database_offers_another(qtbot, tmp_path):
    from ui.app import Startup

    folder = tmp_path / "a-folder"
    folder.mkdir()
    startup = Startup(load_config(f"sqlite:///{folder}"))
    with qtbot.waitSignal(startup.dialog_opened, timeout=20_000) as opened:
        startup.begin()
    box = opened.args[0]
    qtbot.addWidget(box)
    assert box.objectName() == "databaseErrorBox"
    assert "文件夹" in box.text() and "Traceback" not in box.text()
    with qtbot.waitSignal(startup.dialog_opened, timeout=10_000) as chooser:
        qtbot.mouseClick(box.findChild(type(box.buttons()[0]), "chooseDatabaseButton"), LEFT)
    settings = chooser.args[0]
    qtbot.addWidget(settings)
    assert isinstance(settings, SettingsDialog)
    with qtbot.waitSignal(startup.stopped, timeout=10_000) as stopped:
        settings.reject()
    assert stopped.args[0] == 1


def test_demo_start_shows_generated_passwords_that_sign_in(qtbot, sqlite_url):
    from ui.app import Startup

    startup = Startup(load_config(sqlite_url), demo=True)
    with qtbot.waitSignal(startup.dialog_opened, timeout=30_000) as opened:
        startup.begin()
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, SignInDialog)
    text = dialog.hint.text()
    assert "desk1234" not in text
    passwords = startup.demo_passwords
    assert set(passwords) >= {"IT001", "ADMIN"} and len(set(passwords.values())) == len(passwords)
    assert f"IT001    {passwords['IT001']}" in text
    with qtbot.waitSignal(startup.window_ready, timeout=10_000) as ready, \
            qtbot.waitSignal(dialog.signed_in, timeout=10_000) as signal:
        attempt(qtbot, dialog, "IT001", passwords["IT001"])
    assert signal.args[0].employee_no == "IT001"
    window = ready.args[0]
    qtbot.addWidget(window)
    assert window.person.employee_no == "IT001"
    window.close()  # its live updates stop with it
    startup.db.dispose()


def test_a_local_file_with_people_shows_the_sign_in_before_the_database_opens(
        qtbot, sqlite_url, db, ids):
    """The sign-in is on the screen before the database is opened; 登录 pressed at once
    waits for it ("正在打开数据库…") and then signs in."""
    from models import Event
    from ui.app import Startup

    admin.set_organisation(db, ids["ADMIN"], "示例集团信息中心")
    startup = Startup(load_config(sqlite_url))
    seen: dict[str, object] = {}

    def opened(dialog) -> None:  # runs as the dialog is shown, before the database opens
        seen.update(db=dialog.db, title=dialog.title.text())
        dialog.employee_no.setText("IT001")
        dialog.password.setText(DEMO_PASSWORD)
        dialog.attempt()
        seen["message"] = dialog.message.text()

    startup.dialog_opened.connect(opened)
    with qtbot.waitSignal(startup.window_ready, timeout=30_000) as ready:
        startup.begin()
    window = ready.args[0]
    qtbot.addWidget(window)
    assert seen["db"] is None and "示例集团信息中心" in str(seen["title"])
    assert seen["message"] == "正在打开数据库…"
    assert window.person.employee_no == "IT001"
    with db.read() as s:
        signed = s.scalars(select(Event.actor_id).where(Event.action == "sign_in")).all()
    assert signed == [ids["IT001"]]
    window.close()
    startup.db.dispose()


def test_a_sign_in_cancelled_before_the_database_opens_ends_the_start(
        qtbot, sqlite_url, db, ids):
    from ui.app import Startup

    startup = Startup(load_config(sqlite_url))
    startup.dialog_opened.connect(lambda dialog: dialog.reject())
    with qtbot.waitSignal(startup.stopped, timeout=10_000) as stopped:
        startup.begin()
    assert stopped.args[0] == 0
    qtbot.waitUntil(lambda: tasks_idle(), timeout=30_000)  # the opening finished, unused
    assert startup.db is None and startup.window is None


def tasks_idle() -> bool:
    from PySide6.QtCore import QThreadPool

    return QThreadPool.globalInstance().activeThreadCount() == 0


def test_a_local_file_without_people_asks_for_the_first_admin_first(qtbot, sqlite_url, db):
    from desk.read.glance import glance
    from ui.app import Startup

    assert glance(sqlite_url) is None  # nobody yet: no early sign-in
    startup = Startup(load_config(sqlite_url))
    with qtbot.waitSignal(startup.dialog_opened, timeout=20_000) as opened:
        startup.begin()
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert isinstance(dialog, FirstAdminDialog)
    with qtbot.waitSignal(startup.stopped, timeout=10_000):
        dialog.reject()
    assert startup.db is None  # given up: closed


def test_the_glance_says_nothing_of_files_it_cannot_be_sure_of(tmp_path, sqlite_url, db, ids):
    import sqlite3

    from desk.read.glance import glance

    assert glance(sqlite_url) is not None
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.commit()
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    for url in (f"sqlite:///{other}", f"sqlite:///{text}", f"sqlite:///{tmp_path}",
                f"sqlite:///{tmp_path / 'missing.sqlite3'}", "sqlite:///:memory:",
                "postgresql://desk@127.0.0.1/desk"):
        assert glance(url) is None, url


def test_demo_start_on_a_database_with_people_adds_nothing(qtbot, sqlite_url, db, ids):
    from ui.app import Startup

    with db.read() as s:
        before = s.scalar(select(func.count(Ticket.id)))
    startup = Startup(load_config(sqlite_url), demo=True)
    with qtbot.waitSignal(startup.dialog_opened, timeout=30_000) as opened:
        startup.begin()
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert startup.demo_passwords == {}
    assert "IT001" not in dialog.hint.text()
    with db.read() as s:
        assert s.scalar(select(func.count(Ticket.id))) == before == 0
    with qtbot.waitSignal(startup.stopped, timeout=10_000):
        dialog.reject()


@pytest.mark.pg
def test_on_a_team_database_the_window_opens_as_the_connections_person(qtbot, pg_url):
    """After ``desk db init`` signing in is connecting: the window opens as the person
    whose login the connection is; the owner's connection is sent to the settings."""
    from sqlalchemy.engine import make_url

    from desk.admin import pg_setup
    from desk.bootstrap import open_database
    from ui.app import Startup

    pg_setup.init_database(pg_url, open_db=open_database, admin_no="ADMIN",
                           admin_name="系统管理员", say=lambda _line: None)
    owner = open_database(pg_url)
    try:
        record = auth.save_person(owner, None, None, "CTO01", "李总", "信息技术部", "", "",
                                  ["director"], True)
    finally:
        owner.dispose()
    url = make_url(pg_url).set(username=record.db_login).render_as_string(hide_password=False)
    startup = Startup(load_config(url))
    with qtbot.waitSignal(startup.window_ready, timeout=30_000) as ready:
        startup.begin()
    window = ready.args[0]
    qtbot.addWidget(window)
    assert window.person.employee_no == "CTO01" and window.person.name == "李总"
    window.close()
    startup.db.dispose()

    as_owner = Startup(load_config(pg_url))
    with qtbot.waitSignal(as_owner.dialog_opened, timeout=30_000) as opened:
        as_owner.begin()
    box = opened.args[0]
    qtbot.addWidget(box)
    assert box.objectName() == "databaseErrorBox"
    assert "自己的登录名" in box.text()
    with qtbot.waitSignal(as_owner.stopped, timeout=10_000):
        box.findChild(type(box.buttons()[0]), "quitButton").click()


def test_the_dialog_limits_the_password_as_the_service_does() -> None:
    from ui.dialogs import sign_in

    assert sign_in.MAX_PASSWORD == auth.MAX_PASSWORD
