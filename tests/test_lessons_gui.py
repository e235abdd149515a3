"""The 问题 menu's windows offscreen over the demo faults: links (typed or a dropped queue
row), a merge, problems through their states, my action items, the review PDF and the
service report; each checked in the database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from desk.process import actions, people
from desk.read import actions as read_actions
from desk.read import links as read_links
from desk.read import problems as read_problems
from desk.read.tickets import get_ticket
from models import LinkKind, ProblemState, Status, Ticket
from tests.conftest import click, type_into
from ui.action_items import ActionItemsDialog
from ui.problems import ProblemsDialog
from ui.rows_model import ItemRole, RowsModel
from ui.service_report import ServiceReportDialog


def _numbers(window: Any) -> list[str]:
    return [r.number for r in window.model.rows]


def _select(window: Any, number: str) -> None:
    row = _numbers(window).index(number)
    window.table.setCurrentIndex(window.model.index(row, 0))


def _open_numbers(window: Any) -> list[str]:
    return [r.number for r in window.model.rows if not r.status.is_closed]


def test_rows_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = RowsModel(["a", "b"])
    qtmodeltester.check(model)
    model.set_rows([(["1", "x"], "first", False), (["2", None], "second", True)])
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(0, 0), ItemRole) == "first"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None


def test_a_dropped_queue_row_links_and_a_duplicate_merges(qtbot: Any, demo_window: Any,
                                                          monkeypatch: Any) -> None:
    w = demo_window
    first, second, third = _open_numbers(w)[:3]
    _select(w, first)
    w.lessons_actions["actionLinks"].trigger()
    dialog = w.links_dialog
    qtbot.waitUntil(lambda: dialog.latest.busy is False)
    # drag the second fault's row out of the queue and drop it on the number field
    mime = w.model.mimeData([w.model.index(_numbers(w).index(second), 0)])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(dialog.other, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(dialog.other, drop)
    assert dialog.other.text() == second
    dialog.kind.setCurrentIndex(dialog.kind.findData(LinkKind.CAUSED_BY.value))
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        click(qtbot, dialog.link_button)
    [link] = read_links.links_of(w.db, first)
    assert (link.kind, link.number, link.outgoing) == (LinkKind.CAUSED_BY, second, True)
    assert dialog.model.rowCount() == 1
    # a duplicate, confirmed, closes this fault into the third
    monkeypatch.setattr(dialog, "confirm_merge", lambda other: other == third)
    type_into(qtbot, dialog.other, third)
    dialog.kind.setCurrentIndex(dialog.kind.findData(LinkKind.DUPLICATE.value))
    with qtbot.waitSignal(dialog.linked, timeout=10_000):
        click(qtbot, dialog.link_button)
    merged = get_ticket(w.db, first)
    assert merged.status == Status.CANCELLED and merged.merged_into_id == \
        get_ticket(w.db, third).id
    # a bad number: a message, nothing changes
    dialog.kind.setCurrentIndex(dialog.kind.findData(LinkKind.RELATED.value))
    type_into(qtbot, dialog.other, "SYS-20991231-001")
    click(qtbot, dialog.link_button)
    qtbot.waitUntil(lambda: "SYS-20991231-001" in dialog.error.text(), timeout=10_000)
    assert len(read_links.links_of(w.db, first)) == 2


def test_problems_dialog_opens_a_problem_and_takes_it_to_known_error(
        qtbot: Any, demo_window: Any, monkeypatch: Any) -> None:
    w = demo_window
    number = _open_numbers(w)[0]
    support = w.person
    dialog = ProblemsDialog(w.db, support, number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.list_loads.busy)
    monkeypatch.setattr(dialog, "ask_title", lambda: "订单服务连接池耗尽")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        click(qtbot, dialog.new_button)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    [(view, count)] = read_problems.list_problems(w.db)
    assert (view.title, count) == ("订单服务连接池耗尽", 1)
    # on-duty support may open problems but not judge them: the step is refused
    click(qtbot, dialog.known_button)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=10_000)
    assert read_problems.get_problem(w.db, view.number).state == ProblemState.ANALYSING
    lead = people.get_person(w.db, people.person_id(w.db, "LEAD01"))
    led = ProblemsDialog(w.db, lead, number)
    qtbot.addWidget(led)
    led.show()
    qtbot.waitUntil(lambda: led.model.rowCount() == 1, timeout=10_000)
    led.table.selectRow(0)
    qtbot.waitUntil(lambda: led.current is not None, timeout=10_000)
    click(qtbot, led.known_button)  # no root cause yet: refused, says what is missing
    qtbot.waitUntil(lambda: "根本原因" in led.error.text(), timeout=10_000)
    type_into(qtbot, led.inputs["root_cause"], "连接池上限过小")
    type_into(qtbot, led.inputs["workaround"], "重启订单服务")
    with qtbot.waitSignal(led.saved, timeout=10_000):
        click(qtbot, led.known_button)
    after = read_problems.get_problem(w.db, view.number)
    assert (after.state, after.root_cause, after.workaround) == (
        ProblemState.KNOWN_ERROR, "连接池上限过小", "重启订单服务")
    assert not led.known_button.isEnabled() and led.resolve_button.isEnabled()


def test_my_action_items_shows_the_overdue_and_marks_done(qtbot: Any, demo_window: Any,
                                                          monkeypatch: Any) -> None:
    w = demo_window
    number = _numbers(w)[0]
    lead = people.person_id(w.db, "LEAD01")
    today = w.db.now().date()
    late = actions.add_item(w.db, lead, "连接池监控告警", w.person.id,
                            today - timedelta(days=3), ticket_key=number)
    actions.add_item(w.db, lead, "压测", w.person.id, today + timedelta(days=9),
                     ticket_key=number)
    dialog = ActionItemsDialog(w.db, w.person)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    assert dialog.model.item(0).id == late.id  # earliest due first
    assert dialog.model.data(dialog.model.index(0, 2), Qt.ItemDataRole.ForegroundRole)
    dialog.table.selectRow(0)
    monkeypatch.setattr(dialog, "ask_note", lambda: "已配置")
    with qtbot.waitSignal(dialog.completed, timeout=10_000):
        click(qtbot, dialog.done_button)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    [done] = [i for i in read_actions.items(w.db, ticket_key=number) if i.id == late.id]
    assert (done.state.value, done.done_note) == ("done", "已配置")


def test_the_review_pdf_and_the_service_report_are_written(qtbot: Any, demo_window: Any,
                                                           monkeypatch: Any,
                                                           tmp_path: Path) -> None:
    w = demo_window
    with w.db.read() as session:
        archived = session.scalar(select(Ticket.number).where(Ticket.status == Status.ARCHIVED))
    _select(w, archived)
    target = tmp_path / "review.pdf"
    opened: list[Path] = []
    monkeypatch.setattr(w, "ask_save_path", lambda parent, suggested: str(target))
    monkeypatch.setattr(w, "open_file", opened.append)
    w.lessons_actions["actionReviewPdf"].trigger()
    qtbot.waitUntil(lambda: opened == [target], timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")
    dialog = ServiceReportDialog(w.db, date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.show()
    assert (dialog.year.value(), dialog.number.value()) == (2026, 11)
    dialog.format.setCurrentIndex(dialog.format.findData("xlsx"))
    report = tmp_path / "nov.xlsx"
    monkeypatch.setattr(dialog, "ask_path", lambda suggested: str(report))
    with qtbot.waitSignal(dialog.written, timeout=30_000):
        click(qtbot, dialog.write_button)
    assert report.read_bytes()[:2] == b"PK"
    dialog.kind.setCurrentIndex(1)  # a quarter: 1 to 4
    assert dialog.number.maximum() == 4 and dialog.period().code == "2026Q4"


def test_the_incident_view_follows_other_desks_and_broadcasts(qtbot: Any, demo_window: Any
                                                              ) -> None:
    from models import FaultLevel

    w = demo_window
    with w.db.read() as session:
        ticket = session.scalars(select(Ticket).where(
            Ticket.level == FaultLevel.URGENT, Ticket.status == Status.DISPATCHED)).first()
        assert ticket is not None
        ticket_id, number = ticket.id, ticket.number
    _select(w, number)
    w.lessons_actions["actionIncident"].trigger()
    view = w.incident_window
    try:
        _follow(qtbot, w, view, ticket_id)
    finally:
        view.close()
    assert not view.live.running


def _follow(qtbot: Any, w: Any, view: Any, ticket_id: int) -> None:
    from desk.process import workflow

    qtbot.waitUntil(lambda: view.view is not None and view.team.rowCount() > 0,
                    timeout=10_000)
    assert view.deadline.text()  # the next deadline, counting
    qtbot.waitUntil(lambda: view.following, timeout=10_000)
    before = view.events.rowCount()
    # another desk records a step: the view shows it without being asked
    engineer = people.person_id(w.db, "DEV002")
    with qtbot.waitSignal(view.loaded, timeout=15_000,
                          check_params_cb=lambda v: len(v.timeline) > before):
        workflow.perform(w.db, "analyse", ticket_id, engineer,
                         {"root_cause": "主库磁盘写满", "impact_assessment": "全公司无法下单"})
    assert view.events.data(view.events.index(0, 3)) == "主库磁盘写满"  # newest first
    lead = people.get_person(w.db, people.person_id(w.db, "LEAD01"))
    view.person = lead
    type_into(qtbot, view.message, "已清理磁盘，正在恢复服务")
    with qtbot.waitSignal(view.broadcast_sent, timeout=10_000):
        click(qtbot, view.send_button)
    qtbot.waitUntil(lambda: view.events.data(view.events.index(0, 2)) == "发布进展通报",
                    timeout=10_000)


def test_a_known_error_is_named_so_among_the_similar_faults(qtmodeltester: Any,
                                                            qtbot: Any) -> None:
    from desk.process.knowledge import SimilarFault
    from models import FaultType
    from ui.kb_dialog import SimilarFaultDialog
    from ui.similar_panel import SimilarFaultsModel

    known = SimilarFault(ticket_number="PRB-000001", entry_id=None,
                         title="已知问题：订单服务连接池耗尽", phenomenon="提交订单报错 500",
                         affected_business="销售订单系统", fault_type=FaultType.SYSTEM,
                         solution="临时方案：重启订单服务", score=0.5, archived=True,
                         problem_id=1)
    model = SimilarFaultsModel()
    model.set_faults([known])
    qtmodeltester.check(model)
    text = model.data(model.index(0, 0))
    assert "已知问题" in text and "知识库" not in text and "临时方案：重启订单服务" in text
    dialog = SimilarFaultDialog(known)
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QTextBrowser

    view = dialog.findChild(QTextBrowser, "similarFaultView")
    assert "已知问题" in view.toPlainText() and "未归档" not in view.toPlainText()


def test_the_incident_view_opens_by_itself_for_a_new_level_one_fault(
        qtbot: Any, demo_window: Any) -> None:
    from desk.process.reporting import FaultReport, report_fault
    from models import FaultLevel, FaultType
    from tests.test_gui_process import act
    from ui.incident_watch import SETTING

    w = demo_window
    watch = w.incident_watch
    qtbot.waitUntil(lambda: watch.known is not None, timeout=10_000)
    before = set(watch.known)  # the demo's open level-1 faults: no view opened for them
    assert before and not w.incident_windows
    auto = w.lessons_actions["actionIncidentAutoOpen"]
    assert auto.isCheckable() and auto.isChecked()
    live = w.start_live()
    qtbot.waitUntil(lambda: live.live.running, timeout=10_000)
    # reported at another desk: this (support) desk opens its view
    reporter = people.person_id(w.db, "SALES005")
    with qtbot.waitSignal(watch.opened, timeout=20_000) as opened:
        detail = report_fault(w.db, FaultReport(
            fault_type=FaultType.NETWORK, affected_business="全公司网络",
            phenomenon="所有办公室断网", level=FaultLevel.URGENT), reporter)
    new_id = get_ticket(w.db, detail.number).id
    assert opened.args == [new_id]
    view = w.incident_window
    assert view.ticket_id == new_id and view.isVisible()
    qtbot.waitUntil(lambda: view.view is not None, timeout=10_000)
    assert view.view.number == detail.number
    # raised to level 1 in this window by the support lead: its view opens too
    with w.db.read() as session:
        number = session.scalar(select(Ticket.number).where(
            Ticket.level == FaultLevel.IMPORTANT, Ticket.status == Status.TRIAGE))
    _select(w, number)
    raised = get_ticket(w.db, number).id
    with qtbot.waitSignal(watch.opened, timeout=20_000,
                          check_params_cb=lambda tid: tid == raised):
        act(qtbot, w, "LEAD01", "change_level", {"level": 1, "reason": "影响扩大到全公司"})
    assert get_ticket(w.db, number).level == FaultLevel.URGENT
    assert set(w.incident_windows) == {new_id, raised}
    # turned off on this computer: the next one is seen, no view opens
    auto.trigger()
    from PySide6.QtCore import QSettings

    assert not auto.isChecked() and QSettings().value(SETTING) in (False, "false")
    with qtbot.waitSignal(watch.checked, timeout=20_000,
                          check_params_cb=lambda ids: len(ids) == len(before) + 3):
        report_fault(w.db, FaultReport(
            fault_type=FaultType.SYSTEM, affected_business="邮件系统", phenomenon="无法收发邮件",
            level=FaultLevel.URGENT), reporter)
    assert set(w.incident_windows) == {new_id, raised}
    w.close()  # the views close with the window, their live threads stopped
    assert not view.live.running
