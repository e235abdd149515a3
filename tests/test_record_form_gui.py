"""The record form on an existing ticket, driven offscreen; results checked in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy import select

from desk.admin.demo import ensure_people
from desk.process import editing, people
from desk.process.drafts import DraftStore
from desk.read import tickets
from desk.rules import transitions
from models import Event, Status
from tests.conftest import settle, type_into
from tests.test_editing import ticket_in
from ui.ticket.conflict_dialog import ConflictDialog
from ui.ticket.panel import TicketPanel

TZ = ZoneInfo("Asia/Shanghai")
S = Status


@pytest.fixture(autouse=True)
def _own_qsettings(tmp_path):
    """Window geometry and splitter state go to this test's folder, not the user's."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield
    home = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, home)


@pytest.fixture
def env(sqlite_url, make_db, tmp_path):
    db = make_db(sqlite_url)
    ids = ensure_people(db)
    store = DraftStore(tmp_path / "drafts")
    return db, ids, store


@pytest.fixture
def make_panel(qtbot, env):
    db, ids, store = env

    def factory(employee_no: str, ticket_id: int | None = None) -> TicketPanel:
        panel = TicketPanel(db, TZ, drafts=store)
        qtbot.addWidget(panel)
        panel.set_person(people.get_person(db, ids[employee_no]))
        panel.resize(760, 900)
        panel.show()
        qtbot.waitExposed(panel)
        if ticket_id is not None:
            panel.show_ticket(ticket_id)
        return panel

    return factory


def editable_in_form(panel: TicketPanel, name: str) -> bool:
    w = panel.findChild(QWidget, f"edit_{name}")
    assert w is not None, name
    assert w.isVisibleTo(panel), f"{name} must stay visible"
    if isinstance(w, QLineEdit | QPlainTextEdit):
        return not w.isReadOnly()
    return w.isEnabled()


def last_event(db, tid: int) -> tuple[str, int | None, dict]:
    with db.read() as s:
        e = s.scalars(select(Event).where(Event.ticket_id == tid)
                      .order_by(Event.id.desc())).first()
        return e.action, e.actor_id, e.changes


def append_into(qtbot, widget: QWidget, text: str) -> None:
    """Type at the end of what a field already holds."""
    if isinstance(widget, QPlainTextEdit):
        widget.moveCursor(QTextCursor.MoveOperation.End)
    elif isinstance(widget, QLineEdit):
        widget.end(False)
    type_into(qtbot, widget, text)


def click(qtbot, widget: QWidget | None) -> None:
    assert widget is not None
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_fields_follow_role_and_state(make_panel, env):
    db, ids, _ = env
    triage = ticket_in(db, ids, S.TRIAGE)
    diagnosing = ticket_in(db, ids, S.DIAGNOSING)
    resolved = ticket_in(db, ids, S.RESOLVED)
    archived = ticket_in(db, ids, S.ARCHIVED)

    support = make_panel("IT001", triage)
    assert editable_in_form(support, "phenomenon")
    assert editable_in_form(support, "occurred_at")
    assert editable_in_form(support, "reproducible")  # a combo box: enabled
    assert editable_in_form(support, "first_investigation")
    assert not editable_in_form(support, "root_cause")
    assert not editable_in_form(support, "number")
    assert not editable_in_form(support, "level")  # changed only by transitions
    assert support.findChild(QLineEdit, "edit_number").text() == tickets.get_ticket(
        db, triage).number
    assert support.findChild(QPushButton, "ticketSave").isEnabled()
    # a read-only field looks greyed, an editable one does not: compare painted pixels
    number = support.findChild(QLineEdit, "edit_number")
    contact = support.findChild(QLineEdit, "edit_reporter_contact")
    assert number.isReadOnly() and not contact.isReadOnly()

    def background(w: QWidget):
        image = w.grab().toImage()
        return image.pixelColor(image.width() - 6, image.height() // 2)

    assert background(number).lightness() < background(contact).lightness()

    support.show_ticket(diagnosing)  # the same person, a later state: nothing to edit
    assert not editable_in_form(support, "phenomenon")
    assert not editable_in_form(support, "root_cause")
    assert not support.findChild(QPushButton, "ticketSave").isEnabled()

    engineer = make_panel("OP003", diagnosing)
    assert editable_in_form(engineer, "root_cause")
    assert editable_in_form(engineer, "long_term_solution")
    assert not editable_in_form(engineer, "phenomenon")
    assert not editable_in_form(engineer, "summary")

    lead = make_panel("LEAD01", resolved)
    assert editable_in_form(lead, "summary") and editable_in_form(lead, "prevention_measures")
    assert not editable_in_form(lead, "root_cause")

    reporter = make_panel("SALES005", archived)
    assert not any(editable_in_form(reporter, n) for n in reporter.inputs)
    assert not reporter.findChild(QPushButton, "ticketSave").isEnabled()


def test_typed_edit_is_saved_with_an_edit_event(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.TRIAGE)
    panel = make_panel("IT001", tid)
    before = tickets.get_ticket(db, tid)
    field = panel.findChild(QPlainTextEdit, "edit_first_investigation")
    type_into(qtbot, field, "前端脚本报错，后台接口正常")
    assert panel.has_unsaved_changes()
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        click(qtbot, panel.findChild(QPushButton, "ticketSave"))
    after = tickets.get_ticket(db, tid)
    assert after.first_investigation == "前端脚本报错，后台接口正常"
    assert after.version == before.version + 1
    action, actor_id, changes = last_event(db, tid)
    assert action == "edit" and actor_id == ids["IT001"]
    assert changes == {"first_investigation": {
        "before": "", "after": "前端脚本报错，后台接口正常"}}
    assert not panel.has_unsaved_changes()
    assert "修改记录" in panel.timeline.item(panel.timeline.count() - 1).text()


def test_ctrl_s_saves(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.REPORTED)
    panel = make_panel("IT001", tid)
    panel.activateWindow()
    qtbot.waitActive(panel)
    line = panel.findChild(QLineEdit, "edit_reporter_contact")
    line.selectAll()
    type_into(qtbot, line, "分机 8001")
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        qtbot.keyClick(line, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tickets.get_ticket(db, tid).reporter_contact == "分机 8001"


def test_refused_value_keeps_the_typing(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.REPORTED)
    panel = make_panel("IT001", tid)
    line = panel.findChild(QLineEdit, "edit_affected_business")
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    with qtbot.waitSignal(panel.save_failed, timeout=10_000):
        click(qtbot, panel.findChild(QPushButton, "ticketSave"))
    assert "请填写受影响业务" in panel.findChild(QLabel, "actionMessage").text()
    assert panel.has_unsaved_changes() and line.text() == ""
    assert tickets.get_ticket(db, tid).affected_business == "销售订单系统 – 下单"


def open_conflict(qtbot, panel: TicketPanel) -> ConflictDialog:
    click(qtbot, panel.findChild(QPushButton, "ticketSave"))
    qtbot.waitUntil(lambda: panel.conflict_dialog is not None
                    and panel.conflict_dialog.isVisible(), timeout=10_000)
    dialog = panel.findChild(QDialog, "conflictDialog")
    assert dialog is panel.conflict_dialog
    return dialog


def test_conflict_merge_takes_theirs_and_keeps_mine(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.TRIAGE)
    panel = make_panel("IT001", tid)
    loaded = panel.detail.version
    append_into(qtbot, panel.findChild(QPlainTextEdit, "edit_reproduce_steps"), "；3. 换浏览器仍报错")
    # another desk saves behind the form's back
    editing.update_fields(db, tid, ids["LEAD01"], {"impact_scope": "全公司销售"}, loaded)
    dialog = open_conflict(qtbot, panel)
    assert dialog.findChild(QPlainTextEdit, "conflict_theirs_impact_scope").toPlainText() == \
        "全公司销售"
    assert dialog.findChild(QPlainTextEdit, "conflict_base_impact_scope").toPlainText() == "销售部"
    assert dialog.findChild(QPlainTextEdit, "conflict_mine_reproduce_steps").toPlainText() \
        .endswith("换浏览器仍报错")
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        click(qtbot, dialog.findChild(QPushButton, "mergeButton"))
    after = tickets.get_ticket(db, tid)
    assert after.impact_scope == "全公司销售"  # theirs, not overwritten
    assert after.reproduce_steps == "1. 登录；2. 提交订单；3. 换浏览器仍报错"  # mine
    assert after.version == loaded + 2
    assert panel.findChild(QPlainTextEdit, "edit_impact_scope").toPlainText() == "全公司销售"
    assert not panel.has_unsaved_changes()


def test_conflict_on_one_field_needs_a_choice_then_keeps_mine(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.TRIAGE)
    panel = make_panel("IT001", tid)
    loaded = panel.detail.version
    box = panel.findChild(QPlainTextEdit, "edit_phenomenon")
    box.selectAll()
    type_into(qtbot, box, "我看到的：白屏")
    editing.update_fields(db, tid, ids["LEAD01"], {"phenomenon": "对方看到的：报错 500"}, loaded)
    dialog = open_conflict(qtbot, panel)
    click(qtbot, dialog.findChild(QPushButton, "mergeButton"))
    assert dialog.isVisible() and dialog.undecided() == ["phenomenon"]
    save = dialog.findChild(QPushButton, "conflictSave")
    assert not save.isEnabled()
    assert "故障现象" in dialog.findChild(QLabel, "conflictMessage").text()
    assert tickets.get_ticket(db, tid).phenomenon == "对方看到的：报错 500"
    click(qtbot, dialog.findChild(QWidget, "keepMine_phenomenon"))
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        click(qtbot, save)
    assert tickets.get_ticket(db, tid).phenomenon == "我看到的：白屏"
    # both versions are in the audit trail: nothing was lost silently
    with db.read() as s:
        afters = [e.changes["phenomenon"]["after"] for e in s.scalars(
            select(Event).where(Event.ticket_id == tid, Event.action == "edit")
            .order_by(Event.id))]
    assert afters == ["对方看到的：报错 500", "我看到的：白屏"]


def test_conflict_take_all_theirs_saves_nothing_of_mine(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.TRIAGE)
    panel = make_panel("IT001", tid)
    loaded = panel.detail.version
    append_into(qtbot, panel.findChild(QPlainTextEdit, "edit_phenomenon"), "（我的补充）")
    editing.update_fields(db, tid, ids["LEAD01"], {"phenomenon": "对方改写"}, loaded)
    dialog = open_conflict(qtbot, panel)
    with qtbot.waitSignal(panel.changed, timeout=10_000):
        click(qtbot, dialog.findChild(QPushButton, "takeAllTheirs"))
    assert tickets.get_ticket(db, tid).phenomenon == "对方改写"
    assert tickets.get_ticket(db, tid).version == loaded + 1
    assert panel.findChild(QPlainTextEdit, "edit_phenomenon").toPlainText() == "对方改写"
    assert not panel.has_unsaved_changes()


def test_crash_draft_is_offered_and_restored(qtbot, make_panel, env):
    db, ids, store = env
    tid = ticket_in(db, ids, S.TRIAGE)
    first = make_panel("IT001", tid)
    type_into(qtbot, first.findChild(QPlainTextEdit, "edit_first_investigation"), "写到一半")
    # the debounce writes the draft a moment after the typing stops
    qtbot.waitUntil(lambda: store.load(tid) is not None, timeout=5_000)
    assert store.load(tid).values["first_investigation"] == "写到一半"
    # "crash": the panel goes away without saving; a new one shows the same ticket
    first.draft_timer.stop()
    first.hide()
    panel = make_panel("IT001", tid)
    bar = panel.findChild(QWidget, "draftBar")
    assert bar.isVisible()
    assert "发现未保存的草稿" in panel.findChild(QLabel, "draftLabel").text()
    assert panel.findChild(QPlainTextEdit, "edit_first_investigation").toPlainText() == ""
    click(qtbot, panel.findChild(QPushButton, "draftRestore"))
    assert not bar.isVisible()
    assert panel.findChild(QPlainTextEdit, "edit_first_investigation").toPlainText() == "写到一半"
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        click(qtbot, panel.findChild(QPushButton, "ticketSave"))
    assert tickets.get_ticket(db, tid).first_investigation == "写到一半"
    assert store.load(tid) is None  # removed after the save


def test_draft_discarded_from_the_bar(qtbot, make_panel, env):
    db, ids, store = env
    tid = ticket_in(db, ids, S.REPORTED)
    store.save(tid, {"impact_scope": "旧草稿"}, base_version=1)
    panel = make_panel("IT001", tid)
    assert panel.findChild(QWidget, "draftBar").isVisible()
    click(qtbot, panel.findChild(QPushButton, "draftDiscard"))
    assert store.load(tid) is None
    assert not panel.has_unsaved_changes()


def test_expired_draft_is_not_offered(qtbot, make_panel, env, tmp_path):
    db, ids, store = env
    tid = ticket_in(db, ids, S.TRIAGE)
    old = DraftStore(store.folder, clock=lambda: datetime.now(UTC) - timedelta(days=8))
    old.save(tid, {"first_investigation": "八天前"}, base_version=2)
    assert (store.folder / f"{tid}.json").exists()
    panel = make_panel("IT001", tid)
    assert not panel.findChild(QWidget, "draftBar").isVisible()
    assert not (store.folder / f"{tid}.json").exists()  # expired drafts are deleted
    assert panel.findChild(QPlainTextEdit, "edit_first_investigation").toPlainText() == ""


def test_draft_typed_on_an_older_version_meets_the_conflict(qtbot, make_panel, env):
    db, ids, store = env
    tid = ticket_in(db, ids, S.TRIAGE)
    v = tickets.get_ticket(db, tid).version
    store.save(tid, {"phenomenon": "崩溃前写的现象"}, base_version=v,
               meta={"base": {"phenomenon": "点击提交后页面显示错误 500"}})
    editing.update_fields(db, tid, ids["LEAD01"], {"phenomenon": "之后别人写的"}, v)
    panel = make_panel("IT001", tid)
    click(qtbot, panel.findChild(QPushButton, "draftRestore"))
    dialog = open_conflict(qtbot, panel)
    assert dialog.findChild(QPlainTextEdit, "conflict_theirs_phenomenon").toPlainText() == \
        "之后别人写的"
    assert dialog.findChild(QPlainTextEdit, "conflict_base_phenomenon").toPlainText() == \
        "点击提交后页面显示错误 500"
    assert [r[0] for r in dialog.rows] == ["phenomenon"]
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        click(qtbot, dialog.findChild(QPushButton, "keepAllMine"))
    assert tickets.get_ticket(db, tid).phenomenon == "崩溃前写的现象"


def test_attachment_panel_sits_in_section_two_and_follows_the_ticket(qtbot, make_panel,
                                                                      env, tmp_path):
    db, ids, _ = env
    a = ticket_in(db, ids, S.TRIAGE)
    b = ticket_in(db, ids, S.REPORTED)
    panel = make_panel("IT001", a)
    attach = panel.findChild(QWidget, "attachmentPanel")
    assert attach is not None and attach.isVisible() and attach.ticket_id == a
    section = panel.findChild(QGroupBox, "sectionDescription")
    assert section.isAncestorOf(attach)
    # typing, then attaching a file: the version goes up, the typing stays, save works
    append_into(qtbot, panel.findChild(QPlainTextEdit, "edit_phenomenon"), "（补充）")
    log = tmp_path / "app.log"
    log.write_text("ERROR 500 at submit\n", encoding="utf-8")
    version = panel.detail.version
    with qtbot.waitSignal(attach.changed, timeout=15_000):
        attach.add_paths([Path(log)])
    qtbot.waitUntil(lambda: panel.detail.version == version + 1, timeout=5_000)
    assert panel.findChild(QPlainTextEdit, "edit_phenomenon").toPlainText().endswith("（补充）")
    assert "添加附件" in panel.timeline.item(panel.timeline.count() - 1).text()
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        click(qtbot, panel.findChild(QPushButton, "ticketSave"))
    assert tickets.get_ticket(db, a).phenomenon.endswith("（补充）")
    panel.show_ticket(b)
    qtbot.waitUntil(lambda: panel.findChild(QWidget, "attachmentPanel") is not None
                    and panel.attachment_panel.ticket_id == b, timeout=5_000)


def test_action_dialog_conflict_offers_a_reload(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.REPORTED)
    panel = make_panel("IT001", tid)
    dialog = panel.open_action(transitions.TRANSITIONS["triage"])
    type_into(qtbot, dialog.inputs["first_contact"], "已电话联系")
    editing.update_fields(db, tid, ids["LEAD01"], {"impact_scope": "两个部门"},
                          panel.detail.version)
    click(qtbot, dialog.findChild(QPushButton, "dialogOk"))
    reload = dialog.findChild(QPushButton, "dialogReload")
    qtbot.waitUntil(lambda: reload.isVisible(), timeout=10_000)
    assert "已被他人修改" in dialog.error.text()
    click(qtbot, reload)
    assert dialog.detail.version == tickets.get_ticket(db, tid).version
    assert dialog.inputs["first_contact"].toPlainText() == "已电话联系"  # kept
    with qtbot.waitSignal(panel.changed, timeout=10_000):
        click(qtbot, dialog.findChild(QPushButton, "dialogOk"))
    after = tickets.get_ticket(db, tid)
    assert after.status == S.TRIAGE and after.impact_scope == "两个部门"


def test_open_action_with_unsaved_edits_is_refused_with_a_message(qtbot, make_panel, env):
    db, ids, _ = env
    tid = ticket_in(db, ids, S.REPORTED)
    panel = make_panel("IT001", tid)
    append_into(qtbot, panel.findChild(QPlainTextEdit, "edit_impact_scope"), "更多")
    assert panel.open_action(transitions.TRANSITIONS["triage"]) is None
    assert "未保存的修改" in panel.findChild(QLabel, "actionMessage").text()


# -- in the window ---------------------------------------------------------------------


@pytest.fixture
def window(monkeypatch, qtbot, env):
    from ui.main_window import MainWindow

    db, ids, _ = env
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, p, t: True))
    a = ticket_in(db, ids, S.REPORTED)
    b = ticket_in(db, ids, S.TRIAGE)
    w = MainWindow(db, TZ, "SQLite (test)", people.get_person(db, ids["IT001"]))
    qtbot.addWidget(w)
    w.resize(1360, 820)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    w.tickets = (a, b)  # type: ignore[attr-defined]
    return w


def test_switching_tickets_asks_about_unsaved_changes(qtbot, window, monkeypatch):
    db = window.db
    a, b = window.tickets
    answers: list[str] = []
    asked: list[int] = []

    def ask(cls, parent):
        asked.append(1)
        return answers.pop(0)

    monkeypatch.setattr(TicketPanel, "ask_unsaved", classmethod(ask))
    panel = window.panel
    assert window.select_ticket(a) and panel.detail.id == a
    box = panel.findChild(QPlainTextEdit, "edit_impact_scope")
    append_into(qtbot, box, "（待确认）")

    answers.append("cancel")
    window.select_ticket(b)
    qtbot.waitUntil(lambda: window.selected_ticket_id() == a, timeout=5_000)
    assert asked == [1]
    assert panel.detail.id == a and box.toPlainText().endswith("（待确认）")
    assert window.selected_ticket_id() == a

    answers.append("save")
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        window.select_ticket(b)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.id == b, timeout=10_000)
    assert tickets.get_ticket(db, a).impact_scope.endswith("（待确认）")

    append_into(qtbot, panel.findChild(QPlainTextEdit, "edit_phenomenon"), "（不要了）")
    answers.append("discard")
    window.select_ticket(a)
    assert panel.detail.id == a and len(asked) == 3
    assert not tickets.get_ticket(db, b).phenomenon.endswith("（不要了）")
    assert not panel.has_unsaved_changes()


def test_closing_the_window_asks_too(qtbot, window, monkeypatch):
    a, _b = window.tickets
    monkeypatch.setattr(TicketPanel, "ask_unsaved", classmethod(lambda cls, p: "cancel"))
    window.select_ticket(a)
    append_into(qtbot, window.panel.findChild(QPlainTextEdit, "edit_impact_scope"), "！")
    window.close()
    assert window.isVisible()
    monkeypatch.setattr(TicketPanel, "ask_unsaved", classmethod(lambda cls, p: "discard"))
    window.close()
    assert not window.isVisible()


def test_new_fault_draft_is_offered_when_a_new_fault_is_started(qtbot, window, monkeypatch):
    from desk.process.drafts import default_store
    from ui.main_window import MainWindow

    default_store().save("new", {"affected_business": "OA 办公系统", "phenomenon": "登录慢",
                                 "fault_type": "NET", "level": 2})
    offered: list[object] = []
    monkeypatch.setattr(MainWindow, "ask_restore_draft",
                        classmethod(lambda cls, p, at: offered.append(at) or True))
    form = window.new_fault()
    assert len(offered) == 1
    assert form.business.text() == "OA 办公系统" and form.phenomenon.toPlainText() == "登录慢"
    assert form.fault_type.currentData() == "NET"
    with qtbot.waitSignal(window.ticket_saved, timeout=10_000):
        click(qtbot, form.save_button)
    assert default_store().load("new") is None
    assert isinstance(window.panel.findChild(QComboBox, "edit_level"), QComboBox)


def test_typing_before_answering_the_draft_bar_keeps_both(qtbot, make_panel, env):
    db, ids, store = env
    tid = ticket_in(db, ids, S.TRIAGE)
    store.save(tid, {"first_investigation": "崩溃前的排查"}, base_version=panel_version(db, tid))
    panel = make_panel("IT001", tid)
    assert panel.findChild(QWidget, "draftBar").isVisible()
    append_into(qtbot, panel.findChild(QPlainTextEdit, "edit_confirmed_details"), "新写的细节")
    panel.write_draft()  # what the debounce does a moment later
    draft = store.load(tid)
    assert draft.values == {"first_investigation": "崩溃前的排查", "confirmed_details": "新写的细节"}
    click(qtbot, panel.findChild(QPushButton, "draftRestore"))
    assert panel.findChild(QPlainTextEdit, "edit_first_investigation").toPlainText() == \
        "崩溃前的排查"
    assert panel.findChild(QPlainTextEdit, "edit_confirmed_details").toPlainText() == "新写的细节"


def panel_version(db, tid: int) -> int:
    return tickets.get_ticket(db, tid).version
