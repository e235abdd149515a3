"""Backup and restore from the 文件 menu: the file really is a Desk database, and a
restore really brings the old contents back."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMessageBox

import ui.app as app_module
from desk.admin import backup as backups
from desk.admin.demo import add_demo_data
from desk.bootstrap import open_database
from desk.config import load_config
from desk.process import people, reporting
from desk.read import queue
from models import FaultType
from ui.main_window import MainWindow


def test_backup_then_restore_from_the_file_menu(qtbot, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/desk.sqlite3"
    config = load_config(url)
    db = open_database(url)
    add_demo_data(db)
    lead = people.get_person(db, people.person_id(db, "LEAD01"))
    window = MainWindow(db, ZoneInfo("Asia/Shanghai"), "SQLite", lead)
    qtbot.addWidget(window)
    backup_action, restore_action = app_module.install_backup_actions(window, db, config)
    # restoring replaces everyone's data: the administrator's, like the 管理 menu
    assert backup_action.isEnabled() and not restore_action.isEnabled()
    assert restore_action.toolTip() == "仅管理员可用"
    restore_action.setEnabled(True)  # even reached some other way, it is refused
    restore_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "backupMessage") is not None,
                    timeout=10_000)
    assert "仅管理员" in window.findChild(QMessageBox, "backupMessage").text()
    window.findChild(QMessageBox, "backupMessage").deleteLater()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "backupMessage") is None,
                    timeout=5_000)
    person = people.get_person(db, people.person_id(db, "ADMIN"))
    window.set_person(person)
    assert restore_action.isEnabled()
    target = tmp_path / "copy.sqlite3"
    monkeypatch.setattr(app_module, "ask_backup_file", lambda parent, suggested, save: str(target))

    backup_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "backupMessage") is not None,
                    timeout=10_000)
    assert backups.verify_desk_database(target)
    count = queue.count_tickets(db, queue.TicketQuery())
    reporting.report_fault(db, reporting.FaultReport(
        fault_type=FaultType.OTHER, affected_business="备份之后", phenomenon="新故障"),
        person.id)
    assert queue.count_tickets(db, queue.TicketQuery()) == count + 1

    window.findChild(QMessageBox, "backupMessage").deleteLater()
    restore_action.trigger()
    qtbot.waitUntil(lambda: not window.isEnabled(), timeout=10_000)
    reopened = open_database(url)
    try:
        assert queue.count_tickets(reopened, queue.TicketQuery()) == count
    finally:
        reopened.dispose()
    kept = list(Path(tmp_path).glob("desk.sqlite3.before-restore-*"))
    assert kept, "the file that was replaced is kept beside it"
    db.dispose()
