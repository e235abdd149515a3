"""The window, driven through its real widgets offscreen; results checked in the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QPushButton
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.process import people, reporting, workflow
from desk.read import tickets
from desk.rules import transitions
from models import FaultLevel, FaultType, Status, Ticket
from tests.conftest import click, settle, type_into
from ui.main_window import MainWindow
from ui.queue_model import COLUMNS, TicketTableModel


@pytest.fixture
def window(monkeypatch, demo_window):
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, parent, text: True))
    return demo_window


def ticket_count(db) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(Ticket.id))))


def test_new_fault_typed_in_the_form_is_saved_numbered_and_on_top(qtbot, window):
    db = window.db
    before = ticket_count(db)
    window.new_action.trigger()
    form = window.form
    assert form is not None and window.stack.currentWidget() is form
    form.fault_type.setCurrentIndex(form.fault_type.findData("NET"))
    form.level.setCurrentIndex(form.level.findData(2))
    type_into(qtbot, form.business, "办公网络 – 五楼")
    type_into(qtbot, form.scope, "五楼全体")
    type_into(qtbot, form.phenomenon, "五楼有线网络全部断开，交换机指示灯不亮。")
    type_into(qtbot, form.steps, "1. 插上网线；2. 无法获取地址")
    with qtbot.waitSignal(window.ticket_saved, timeout=10_000) as saved:
        click(qtbot, form.save_button)
    detail = saved.args[0]
    assert detail.number.startswith("NET-20261127-")
    assert ticket_count(db) == before + 1
    with db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.number == detail.number))
        assert t.fault_type == FaultType.NETWORK
        assert t.level == FaultLevel.IMPORTANT
        assert t.affected_business == "办公网络 – 五楼"
        assert t.phenomenon == "五楼有线网络全部断开，交换机指示灯不亮。"
        assert t.reporter_employee_no == "IT001"
        assert t.status == Status.REPORTED
    settle(qtbot, window)  # the queue reloads off the GUI thread
    top = window.model.row_at(0)
    assert top is not None and top.number == detail.number
    assert window.selected_ticket_id() == detail.id


def test_future_occurrence_time_is_refused_next_to_the_field_and_input_kept(qtbot, window):
    db = window.db
    before = ticket_count(db)
    form = window.new_fault()
    type_into(qtbot, form.business, "财务报表 – 数据导出")
    type_into(qtbot, form.phenomenon, "导出按钮无响应")
    form.occurred_at.setDateTime(form.occurred_at.dateTime().addDays(2))
    with qtbot.waitSignal(form.failed, timeout=10_000):
        click(qtbot, form.save_button)
    error = form.errors["occurred_at"]
    assert error.isVisible() and "发生时间不能晚于当前时间" in error.text()
    assert form.business.text() == "财务报表 – 数据导出"
    assert form.phenomenon.toPlainText() == "导出按钮无响应"
    assert ticket_count(db) == before
    # a restore time that cannot be read is refused before anything is sent
    form.occurred_at.setDateTime(form.occurred_at.dateTime().addDays(-2))
    type_into(qtbot, form.restored_at, "昨天下午")
    click(qtbot, form.save_button)
    assert "无法识别的时间" in form.errors["restored_at"].text()
    assert ticket_count(db) == before


def test_missing_required_fields_are_named(qtbot, window):
    form = window.new_fault()
    with qtbot.waitSignal(form.failed, timeout=10_000):
        click(qtbot, form.save_button)
    assert "请填写受影响业务" in form.errors["affected_business"].text()
    assert "请填写故障现象" in form.errors["phenomenon"].text()
    # an error goes once its field is corrected; the others stay until theirs are
    before = ticket_count(window.db)
    type_into(qtbot, form.business, "邮件系统")
    assert not form.errors["affected_business"].isVisible()
    assert form.errors["phenomenon"].isVisible()
    type_into(qtbot, form.phenomenon, "收不到外部邮件")
    assert not form.errors["phenomenon"].isVisible()
    assert ticket_count(window.db) == before


def test_queue_model_passes_modeltester(qtbot, qtmodeltester, sqlite_url, make_demo_db):
    from zoneinfo import ZoneInfo

    db, _ = make_demo_db(sqlite_url)
    model = TicketTableModel(db, ZoneInfo("Asia/Shanghai"))
    assert model.rowCount() == 0  # nothing is read until asked
    model.reload()
    assert model.busy and model.rowCount() == 0  # the rows come from the thread pool
    settle(qtbot, model)
    assert model.rowCount() == 12
    qtmodeltester.check(model, force_py=True)
    settle(qtbot, model)  # the tester may have asked for more


def test_queue_pages_rows_in_lazily(qtbot, sqlite_url, make_db):
    from zoneinfo import ZoneInfo

    db = make_db(sqlite_url)
    ids = ensure_people(db)
    for i in range(450):
        reporting.report_fault(db, reporting.FaultReport(
            fault_type=FaultType.OTHER, affected_business=f"业务{i}", phenomenon="现象"),
            ids["IT001"])
    model = TicketTableModel(db, ZoneInfo("Asia/Shanghai"))
    model.reload()
    settle(qtbot, model)
    assert model.total == 450 and model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()  # one page at a time: asked again while the first is on its way
    settle(qtbot, model)
    assert model.rowCount() == 400
    model.fetchMore()
    settle(qtbot, model)
    assert model.rowCount() == 450 and not model.canFetchMore()
    assert model.fetched_pages == 3


def test_start_notice_pdf_from_the_window(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "notice.pdf"
    opened: list[Path] = []
    monkeypatch.setattr(MainWindow, "ask_save_path", classmethod(lambda cls, p, s: str(target)))
    monkeypatch.setattr(MainWindow, "open_file", classmethod(lambda cls, p: opened.append(p)))
    row = next(i for i, r in enumerate(window.model.rows) if r.status == Status.DISPATCHED)
    window.table.selectRow(row)
    number = window.model.rows[row].number
    window.notice_action.trigger()
    qtbot.waitUntil(lambda: opened == [target], timeout=15_000)
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "故障处理启动通知" in text and number in text


def test_start_notice_without_a_system_viewer_opens_desks_preview(qtbot, window, tmp_path,
                                                                  monkeypatch):
    from ui.documents.preview import PdfPreviewDialog

    target = tmp_path / "notice.pdf"
    tried: list[Path] = []
    monkeypatch.setattr(MainWindow, "ask_save_path", classmethod(lambda cls, p, s: str(target)))
    monkeypatch.setattr(MainWindow, "open_file",
                        classmethod(lambda cls, p: (tried.append(p), False)[1]))
    row = next(i for i, r in enumerate(window.model.rows) if r.status == Status.DISPATCHED)
    window.table.selectRow(row)
    number = window.model.rows[row].number
    window.notice_action.trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(PdfPreviewDialog)),
                    timeout=15_000)
    assert tried == [target] and target.exists()
    dialog = next(d for d in window.findChildren(PdfPreviewDialog) if d.isVisible())
    assert number in dialog.windowTitle() and "没有可用的 PDF 阅读器" in \
        window.statusBar().currentMessage()
    dialog.close()


def test_action_bar_fires_triage_through_the_service(qtbot, window):
    row = next(i for i, r in enumerate(window.model.rows) if r.status == Status.REPORTED)
    window.table.selectRow(row)
    ticket_id = window.model.rows[row].id
    panel = window.panel
    button = panel.findChild(QPushButton, "action_triage")
    assert button is not None, "on-duty support must be offered 受理研判"
    assert panel.findChild(QPushButton, "action_dispatch") is None  # support lead only
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = panel.findChild(QDialog, "dialog_triage")
    assert dialog is not None and dialog.isVisible()
    type_into(qtbot, dialog.inputs["first_contact"], "已电话联系")
    with qtbot.waitSignal(panel.changed, timeout=10_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "dialogOk"), Qt.MouseButton.LeftButton)
    detail = tickets.get_ticket(window.db, ticket_id)
    assert detail.status == Status.TRIAGE and detail.first_contact == "已电话联系"
    assert detail.responded_at is not None


def test_refused_action_shows_the_service_message(qtbot, window):
    row = next(i for i, r in enumerate(window.model.rows) if r.status == Status.REPORTED)
    window.table.selectRow(row)
    dialog = window.panel.open_action(transitions.TRANSITIONS["triage"])
    # first contact left empty: the service refuses and says why; nothing changes
    qtbot.mouseClick(dialog.findChild(QPushButton, "dialogOk"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "请填写首次联系情况" in dialog.error.text(), timeout=10_000)
    assert dialog.isVisible()
    assert window.model.rows[row].status == Status.REPORTED


def test_a_recorded_workaround_survives_a_proposal_without_one(db, demo_people):
    """The temporary solution recorded with 记录恢复 stays when the proposal leaves it out."""
    ids = demo_people
    t = reporting.report_fault(db, reporting.FaultReport(
        fault_type=FaultType.SYSTEM, affected_business="订单", phenomenon="报错 500",
        level=FaultLevel.IMPORTANT), ids["SALES005"])
    run = [
        ("triage", "IT001", {"first_contact": "已联系", "fault_type": "SYS", "level": 2}),
        ("dispatch", "LEAD01", {"level": 2, "lead_engineer_id": ids["DEV002"],
                                "business_contact_id": ids["BIZ006"]}),
        ("restore", "DEV002", {"kind": "workaround", "description": "切换备用服务器"}),
        ("analyse", "DEV002", {"root_cause": "连接池", "impact_assessment": "半小时"}),
        ("propose", "DEV002", {"long_term_solution": "修复连接释放"}),
    ]
    for name, who, data in run:
        workflow.perform(db, name, t.id, ids[who], data)
    detail = tickets.get_ticket(db, t.id)
    assert detail.temporary_solution == "切换备用服务器"
    assert detail.long_term_solution == "修复连接释放"


def _numbers(qtbot, window) -> set[str]:
    settle(qtbot, window)
    while window.model.canFetchMore():
        window.model.fetchMore()
        settle(qtbot, window)
    return {r.number for r in window.model.rows}


def _expected(db, predicate) -> set[str]:
    with db.read() as s:
        return {t.number for t in s.scalars(select(Ticket)) if predicate(t)}


def test_views_search_and_sort_show_the_right_tickets(qtbot, window):
    db = window.db
    views = {window.view_list.item(i).data(Qt.ItemDataRole.UserRole): i
             for i in range(window.view_list.count())}
    # 我的待办 of on-duty support: faults in a state where support has a step to take
    # (acknowledge, triage, solve on the spot, archive)
    window.view_list.setCurrentRow(views["mine"])
    mine = _numbers(qtbot, window)
    assert mine == _expected(db, lambda t: bool(transitions.allowed_for(window.person.roles,
                                                                     t.status)))
    assert mine >= _expected(db, lambda t: t.status in (Status.REPORTED, Status.TRIAGE))
    window.view_list.setCurrentRow(views["reported"])
    assert _numbers(qtbot, window) == _expected(db, lambda t: t.status == Status.REPORTED)
    window.view_list.setCurrentRow(views["resolved"])
    assert _numbers(qtbot, window) == _expected(
        db, lambda t: t.status in (Status.RESOLVED, Status.ARCHIVED))
    window.view_list.setCurrentRow(views["all"])
    window.search.setText("销售订单")
    window.apply_query()
    assert _numbers(qtbot, window) == _expected(
        db, lambda t: "销售订单" in t.affected_business or "销售订单" in t.phenomenon)
    window.search.setText("%")  # LIKE's own characters match literally
    window.apply_query()
    assert _numbers(qtbot, window) == set()
    window.search.clear()
    column = [c[0] for c in COLUMNS].index("level")
    window.table.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
    settle(qtbot, window)
    levels = [int(r.level) for r in window.model.rows]
    assert levels == sorted(levels) and len(levels) == 12


def test_my_work_of_an_engineer_is_what_is_assigned_to_them(qtbot, window):
    db = window.db
    op003 = people.get_person(db, people.person_id(db, "OP003"))
    window.set_person(op003)
    window.view_list.setCurrentRow(1)
    assert window.current_view() == "mine"
    window.apply_query()
    expected = _expected(db, lambda t: t.assignee_id == op003.id and bool(
        transitions.allowed_for(op003.roles, t.status)))
    assert expected and _numbers(qtbot, window) == expected


def test_every_view_shows_its_count(qtbot, window):
    with qtbot.waitSignal(window.view_counts_updated, timeout=10_000) as counted:
        window.apply_query()
    counts = counted.args[0]
    assert counts["all"] == 12
    assert counts["reported"] == len(_expected(window.db, lambda t: t.status == Status.REPORTED))
    texts = [window.view_list.item(i).text() for i in range(window.view_list.count())]
    assert texts[0].endswith("(12)")
    assert all("(" in text for text in texts)


def test_the_filter_bar_narrows_the_queue(qtbot, window):
    db = window.db
    level = window.findChild(QComboBox, "filterLevel")
    kind = window.findChild(QComboBox, "filterType")
    status = window.findChild(QComboBox, "filterStatus")
    assignee = window.findChild(QComboBox, "filterAssignee")
    level.setCurrentIndex(level.findData(1))
    assert _numbers(qtbot, window) == _expected(db, lambda t: t.level == FaultLevel.URGENT)
    kind.setCurrentIndex(kind.findData("SYS"))
    assert _numbers(qtbot, window) == _expected(
        db, lambda t: t.level == FaultLevel.URGENT and t.fault_type == FaultType.SYSTEM)
    level.setCurrentIndex(0)
    kind.setCurrentIndex(0)
    status.setCurrentIndex(status.findData("verifying"))
    assert _numbers(qtbot, window) == _expected(db, lambda t: t.status == Status.VERIFYING)
    status.setCurrentIndex(0)
    dev = people.person_id(db, "DEV002")
    assignee.setCurrentIndex(assignee.findData(dev))
    assert _numbers(qtbot, window) == _expected(db, lambda t: t.assignee_id == dev)
    # a filter the view excludes gives an empty queue, never the filter alone
    assignee.setCurrentIndex(0)
    window.view_list.setCurrentRow(2)  # 待受理
    status.setCurrentIndex(status.findData("resolved"))
    assert _numbers(qtbot, window) == set()


def test_keyboard_help_lists_the_shortcuts_and_alt_digit_fires_an_action(qtbot, window):
    from PySide6.QtWidgets import QApplication

    from ui.dialogs.shortcuts import ShortcutsDialog

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(ShortcutsDialog)),
                    timeout=5_000)
    dialog = next(d for d in window.findChildren(ShortcutsDialog) if d.isVisible())
    keys = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
            for r in range(dialog.table.rowCount())}
    assert keys["F5"] == "刷新" and "Ctrl+N" in keys and "Alt+1 … Alt+9" in keys
    assert keys["F1"] == "快捷键"
    dialog.reject()
    # Alt+1 opens the first action of the ticket shown, as its button does
    row = next(i for i, r in enumerate(window.model.rows) if r.status == Status.REPORTED)
    window.table.selectRow(row)
    button = window.panel.action_bar.current[0]
    assert button.objectName() == "action_triage" and "Alt+1" in button.toolTip()
    qtbot.waitUntil(button.isVisible, timeout=2_000)
    qtbot.waitUntil(lambda: not any(d.isVisible() for d in window.findChildren(ShortcutsDialog)),
                    timeout=2_000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    window.table.setFocus()  # the queue has the keyboard, as after choosing a row
    qtbot.keyClick(window.table, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.panel.findChild(QDialog, "dialog_triage") is not None
                    and window.panel.findChild(QDialog, "dialog_triage").isVisible(),
                    timeout=5_000)
    window.panel.findChild(QDialog, "dialog_triage").reject()
