"""Deadlines in the window: the ticket panel's SLA lines and their explanation, the queue's
估算 and 已暂停 marks, the duty-hours and limits dialogs with their progress bar, and
the banner while next year's calendar is missing. Real widgets, offscreen, against a
real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desk.admin import team as admin
from desk.admin.demo import ensure_people
from desk.notify import outbox as notify
from desk.process import people, workflow
from desk.process.drafts import DraftStore
from desk.process.reporting import FaultReport, report_fault
from desk.read.tickets import get_ticket
from models import FaultLevel, FaultType, OutboxMessage, Setting
from ui.calendar_banner import install_calendar_banner
from ui.dialogs.admin import LimitsDialog
from ui.duty_hours_dialog import DutyHoursDialog
from ui.ticket.panel import TicketPanel

TZ = ZoneInfo("Asia/Shanghai")
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def env(sqlite_url, make_db, tmp_path):
    db = make_db(sqlite_url)
    return db, ensure_people(db), tmp_path


def level3(db, ids) -> int:
    return report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, level=FaultLevel.GENERAL, affected_business="办公网络",
        phenomenon="打印机无法连接。"), ids["SALES005"]).id


def test_ticket_panel_names_the_clock_kind_shows_a_pause_and_explains(qtbot, env):
    db, ids, tmp_path = env
    ticket_id = level3(db, ids)  # Friday 10:00
    workflow.perform(db, "triage", ticket_id, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "NET", "level": 3})
    workflow.perform(db, "pause", ticket_id, ids["IT001"], {"reason": "等待报告人回复"})
    panel = TicketPanel(db, TZ, drafts=DraftStore(tmp_path / "drafts"))
    qtbot.addWidget(panel)
    panel.set_person(people.get_person(db, ids["IT001"]))
    panel.resize(760, 900)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_ticket(ticket_id)
    text = panel.sla.plain_text()
    assert "恢复（按值班时间计时） 截止 2026-12-03 10:00" in text
    assert "已暂停：等待报告人回复" in text
    qtbot.waitUntil(lambda: bool(panel.sla.toolTip()), timeout=10_000)
    tip = panel.sla.toolTip()
    assert "<b>恢复</b> 按值班时间计时" in tip and "11-27 周五 10:00–12:00 (2:00)" in tip
    assert "值班时间（工作日）：08:30-12:00 13:30-17:30" in tip
    assert "暂停 2026-11-27 10:00 – 暂停中：等待报告人回复" in tip
    panel.sla.grab().save(str(tmp_path / "sla.png"))


def test_queue_marks_estimated_deadlines_and_pauses(qtbot, qtmodeltester, env, clock):
    from ui.queue_model import TicketTableModel

    db, ids, _ = env
    clock.now = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # 2027: not in the calendar
    estimated = level3(db, ids)
    model = TicketTableModel(db, TZ)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.reload()
    row = next(r for r in range(model.rowCount()) if model.row_at(r).id == estimated)
    texts = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert any(isinstance(t, str) and t.endswith("估算") for t in texts)
    workflow.perform(db, "triage", estimated, ids["IT001"],
                     {"first_contact": "已联系", "fault_type": "NET", "level": 3})
    workflow.perform(db, "pause", estimated, ids["IT001"], {"reason": "等待厂商"})
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.reload()
    texts = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert "已暂停" in texts
    qtmodeltester.check(model)


def test_duty_hours_dialog_saves_with_progress_and_refuses_bad_periods(qtbot, env):
    db, ids, tmp_path = env
    ticket_id = level3(db, ids)
    admin_view = people.get_person(db, ids["ADMIN"])
    dialog = DutyHoursDialog(db, admin_view)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.periods.text() == "08:30-12:00 13:30-17:30"
    dialog.periods.setText("08:30-12:00 11:00-13:00")
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert "重叠" in dialog.message.text()
    with db.read() as s:
        assert s.get(Setting, "sla.duty_hours") is None
    dialog.periods.setText("09:00-12:00 13:00-18:00")
    dialog.grab().save(str(tmp_path / "duty.png"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.progress.bar.maximum() == 1 and dialog.progress.bar.value() == 1
    with db.read() as s:
        assert s.get(Setting, "sla.duty_hours").value == ["09:00-12:00", "13:00-18:00"]
    respond = get_ticket(db, ticket_id).respond_due_at
    assert respond is not None and respond.astimezone(TZ).strftime("%H:%M") == "10:30"


def test_limits_dialog_sets_a_clock_kind(qtbot, env):
    db, ids, _ = env
    ticket_id = level3(db, ids)  # Friday 10:00
    dialog = LimitsDialog(db, people.get_person(db, ids["ADMIN"]))
    qtbot.addWidget(dialog)
    dialog.show()
    respond, restore = dialog.editors[FaultLevel.GENERAL]
    assert restore.counting.currentData() == "duty" and restore.amount.value() == 4
    restore.counting.setCurrentIndex(restore.counting.findData("workdays"))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, LEFT)
    with db.read() as s:
        stored = s.get(Setting, "sla.limits").value
    assert stored["3"]["restore"] == {"minutes": 5760, "clock": "workdays", "days": 4}
    assert stored["3"]["respond"]["clock"] == "duty"
    assert get_ticket(db, ticket_id).restore_due_at == datetime(2026, 12, 3, 10, tzinfo=TZ)


def test_banner_and_notification_while_next_year_is_missing(qtbot, env, clock):
    from PySide6.QtWidgets import QMainWindow

    db, ids, _ = env
    window = QMainWindow()
    qtbot.addWidget(window)
    assert install_calendar_banner(window, db, people.get_person(db, ids["IT001"])) is None
    banner = install_calendar_banner(window, db, people.get_person(db, ids["ADMIN"]))
    assert banner is not None
    window.show()
    qtbot.waitUntil(lambda: banner.bar.isVisible(), timeout=10_000)
    assert "2027 年的节假日与调休尚未导入" in banner.label.text()
    # the notification: once a working day, to administrators and leads
    message = notify.check_calendar(db)
    assert message is not None and "2027" in message[1]
    notify.check_calendar(db)
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage).where(
            OutboxMessage.trigger.like("calendar_missing:%"))).all()
        assert len(rows) == 1
        names = {r["name"] for r in rows[0].recipients}
    assert {"张经理", "李总"} <= names and "孙丽" not in names
    clock.now = datetime(2026, 10, 30, 2, tzinfo=UTC)  # before 1 November: nothing
    assert notify.check_calendar(db) is None
    banner.check()
    qtbot.waitUntil(lambda: not banner.bar.isVisible(), timeout=10_000)
    clock.now = datetime(2026, 11, 28, 2, tzinfo=UTC)  # a Saturday: no notice queued
    assert notify.check_calendar(db) is not None
    admin.calendar_import(db, ids["ADMIN"], 2027, "2027-01-01,休,元旦\n", "2027.csv")
    admin.calendar_complete(db, ids["ADMIN"], 2027)
    clock.now = datetime(2026, 11, 30, 2, tzinfo=UTC)
    assert notify.check_calendar(db) is None
    with db.read() as s:
        assert len(s.scalars(select(OutboxMessage).where(
            OutboxMessage.trigger.like("calendar_missing:%"))).all()) == 1


def test_calendar_dialog_offers_the_years_of_the_installed_package(qtbot, env):
    from sqlalchemy import delete

    from models import CalendarDay, CalendarYear
    from ui.dialogs.admin import CalendarDialog

    db, ids, _ = env

    def forget_2026(session):
        session.execute(delete(CalendarYear).where(CalendarYear.year == 2026))
        session.execute(delete(CalendarDay).where(CalendarDay.day >= datetime(2026, 1, 1).date()))

    db.write(forget_2026)
    dialog = CalendarDialog(db, people.get_person(db, ids["ADMIN"]), year=2026)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.package_button.isVisible(), timeout=10_000)
    assert "2026" in dialog.package_button.text()
    with qtbot.waitSignal(dialog.changed, timeout=10_000):
        qtbot.mouseClick(dialog.package_button, LEFT)
    qtbot.waitUntil(lambda: "日历完整" in dialog.coverage.text(), timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.package_button.isVisible(), timeout=10_000)
    assert admin.calendar_year(db, 2026).covered
