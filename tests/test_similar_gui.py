"""Similar past faults beside the new-fault form, and the knowledge-base dialog,
driven through their real widgets offscreen; edits checked in the database."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import select

from desk.admin.demo import FAULTS
from desk.db import Database
from desk.process import knowledge, people
from models import KnowledgeRevision
from tests.conftest import type_into
from ui.kb_dialog import KBResultsModel, KnowledgeBaseDialog
from ui.list_models import HtmlRole, ItemListModel, ItemRole
from ui.menus import install_kb_menu
from ui.record_form import NewFaultForm
from ui.similar_panel import FaultRole, SimilarFaultsModel

TZ = ZoneInfo("Asia/Shanghai")
ARCHIVED = next(f for f in FAULTS if f.stage == "archived")


@pytest.fixture
def demo_db(sqlite_url: str, make_demo_db) -> Iterator[tuple[Database, list[str]]]:  # type: ignore[no-untyped-def]
    db, numbers = make_demo_db(sqlite_url)
    yield db, numbers
    QThreadPool.globalInstance().waitForDone()  # no look-up outlives the database


def _person(db: Database, number: str) -> people.PersonView:
    return people.get_person(db, people.person_id(db, number))


def test_typing_a_known_phenomenon_lists_the_past_fault_and_its_solution(qtbot, demo_db):
    db, numbers = demo_db
    archived_number = numbers[FAULTS.index(ARCHIVED)]
    form = NewFaultForm(db, TZ, _person(db, "IT001"))
    qtbot.addWidget(form)
    form.resize(900, 700)
    form.show()
    panel = form.similar
    assert panel.objectName() == "similarPanel"
    assert panel.isVisible()
    type_into(qtbot, form.business, "销售订单系统")
    with qtbot.waitSignal(panel.updated, timeout=10_000) as done:
        type_into(qtbot, form.phenomenon, "点击提交订单后页面显示错误 500")
    # typing went on while the look-up was pending: every character is in the form
    assert form.phenomenon.toPlainText() == "点击提交订单后页面显示错误 500"
    assert form.business.text() == "销售订单系统"
    qtbot.waitUntil(lambda: not panel.running and panel.model.rowCount() > 0, timeout=10_000)
    assert done.args[0] >= 1
    first = panel.model.index(0, 0)
    fault = first.data(FaultRole)
    assert fault.ticket_number == archived_number
    shown = first.data()
    assert archived_number in shown and "连接池" in shown  # the solution is listed
    assert "连接池" in first.data(HtmlRole)
    entry = knowledge.entry_for_ticket(db, archived_number)
    assert entry is not None and fault.entry_id == entry.id


def test_only_the_latest_request_is_shown(qtbot, demo_db):
    from ui import tasks

    db, _numbers = demo_db
    form = NewFaultForm(db, TZ, None)
    qtbot.addWidget(form)
    panel = form.similar
    emitted: list[int] = []
    panel.updated.connect(emitted.append)
    panel.request("点击提交订单后页面显示错误 500", "销售订单系统")
    older = panel.refresh()  # an older request on its way ...
    assert older is not None
    panel.request("", "")
    assert panel.refresh() is None  # ... overtaken by a newer one (nothing to look up)
    assert emitted == [0]
    # the older result arrives on the GUI thread and is dropped
    qtbot.waitUntil(lambda: older not in tasks._alive, timeout=10_000)
    assert emitted == [0]
    assert panel.model.rowCount() == 0


def test_double_click_opens_the_entry(qtbot, demo_db):
    db, numbers = demo_db
    form = NewFaultForm(db, TZ, None)
    qtbot.addWidget(form)
    form.show()
    panel = form.similar
    with qtbot.waitSignal(panel.updated, timeout=10_000):
        panel.request(ARCHIVED.phenomenon, ARCHIVED.business)
    index = panel.model.index(0, 0)
    with qtbot.waitSignal(panel.activated, timeout=5_000) as activated:
        panel.view.doubleClicked.emit(index)
    assert activated.args[0].ticket_number == numbers[FAULTS.index(ARCHIVED)]
    dialog = form.findChild(KnowledgeBaseDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.entry is not None, timeout=10_000)
    assert dialog.entry.ticket_number == numbers[FAULTS.index(ARCHIVED)]
    assert "连接池" in dialog.entry_view.toPlainText()
    dialog.close()


def test_the_models_pass_the_model_tester(qtmodeltester, demo_db):
    db, _numbers = demo_db
    similar = SimilarFaultsModel()
    similar.set_faults(knowledge.similar_faults(db, ARCHIVED.phenomenon, ARCHIVED.business))
    assert similar.rowCount() >= 1
    qtmodeltester.check(similar)
    results = KBResultsModel()
    results.set_hits(knowledge.search(db, "连接池"))
    assert results.rowCount() >= 1
    qtmodeltester.check(results)
    assert results.index(0, 0).data(ItemRole) is results.hits[0]
    assert similar.index(0, 0).data(FaultRole) is similar.faults[0]


class _Words(ItemListModel):
    def item_data(self, item, role):
        return item.upper() if role == Qt.ItemDataRole.DisplayRole else None


def test_the_shared_list_model_passes_the_model_tester(qtmodeltester):
    words = _Words()
    qtmodeltester.check(words)  # empty
    words.set_items(["a", "b", "c"])
    qtmodeltester.check(words)
    assert [words.index(r, 0).data() for r in range(3)] == ["A", "B", "C"]
    assert words.index(1, 0).data(ItemRole) == "b"
    assert words.index(1, 0).data(HtmlRole) is None
    assert words.index(3, 0).data() is None and words.rowCount(words.index(0, 0)) == 0
    words.set_items([])
    qtmodeltester.check(words)


def test_the_kb_dialog_finds_highlights_and_a_lead_edits(qtbot, demo_db):
    db, numbers = demo_db
    lead = _person(db, "LEAD01")
    dialog = KnowledgeBaseDialog(db, lead)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.searched, timeout=10_000) as searched:
        type_into(qtbot, dialog.query, "连接池")
    assert searched.args[0] >= 1
    assert dialog.query.text() == "连接池"
    html = dialog.model.index(0, 0).data(HtmlRole)
    assert "<b>连接池</b>" in html
    qtbot.waitUntil(lambda: dialog.entry is not None, timeout=10_000)
    assert dialog.edit_button.isEnabled()
    edit = dialog.edit_entry()
    assert edit is not None
    title = edit.fields["title"]
    title.selectAll()
    type_into(qtbot, title, "下单失败：连接池耗尽")
    with qtbot.waitSignal(edit.saved, timeout=10_000):
        edit.save_button.click()
    entry = knowledge.get_entry(db, dialog.entry.id)
    assert entry.title == "下单失败：连接池耗尽" and entry.version == 2
    with db.read() as session:
        assert session.scalar(select(KnowledgeRevision.after)) == {"title": "下单失败：连接池耗尽"}
    qtbot.waitUntil(lambda: "下单失败" in dialog.entry_view.toPlainText(), timeout=10_000)
    assert entry.ticket_number == numbers[FAULTS.index(ARCHIVED)]


def test_a_stale_edit_is_refused_and_the_text_kept(qtbot, demo_db):
    db, _numbers = demo_db
    lead = _person(db, "LEAD01")
    dialog = KnowledgeBaseDialog(db, lead)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.entry_shown, timeout=10_000):
        dialog.query.setText("提交订单")
        dialog.search()
    edit = dialog.edit_entry()
    assert edit is not None
    stale = dialog.entry
    assert stale is not None
    knowledge.edit_entry(db, stale.id, _person(db, "CTO01").id, {"prevention": "巡检"},
                         stale.version)
    edit.fields["title"].setText("我的新标题")
    edit.save_button.click()
    qtbot.waitUntil(lambda: bool(edit.error.text()), timeout=10_000)
    assert "他人修改" in edit.error.text()
    assert edit.isVisible() and edit.fields["title"].text() == "我的新标题"
    assert knowledge.get_entry(db, stale.id).title == stale.title


def test_a_person_who_is_not_a_lead_cannot_edit(qtbot, demo_db):
    db, _numbers = demo_db
    dialog = KnowledgeBaseDialog(db, _person(db, "IT001"))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.entry_shown, timeout=10_000):
        dialog.query.setText("连接池")
        dialog.search()
    assert not dialog.edit_button.isEnabled()


def test_the_menu_opens_the_dialog(qtbot, demo_db):
    from PySide6.QtWidgets import QMainWindow

    db, _numbers = demo_db
    window = QMainWindow()
    window.setObjectName("testWindow")
    qtbot.addWidget(window)
    window.person = _person(db, "LEAD01")  # type: ignore[attr-defined]
    action = install_kb_menu(window, db, None)
    assert "知识库(&K)" in [a.text() for a in window.menuBar().actions()]
    action.trigger()
    dialog = window.kb_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, KnowledgeBaseDialog) and dialog.isVisible()
    assert dialog.person is not None and dialog.person.employee_no == "LEAD01"
    dialog.close()
