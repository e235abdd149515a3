"""What the action bar and the step dialogs offer, through the real widgets: only what
this person may do now, greyed with the reason otherwise; 能否复现 in three states; 驳回
with a reason; the dispatch pickers of each level; no files on an archived fault."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QPushButton

from desk.process import attachments
from desk.read import tickets, timeline
from models import Status
from tests.conftest import click
from tests.test_gui_process import act, ids, report, sign_in_as, visible
from tests.test_gui_process import window as window  # noqa: F401 - the shared fixture


def _button(qtbot, window, name):
    return visible(qtbot, window.panel, QPushButton, f"action_{name}")


def _dialog(qtbot, window, name):
    button = _button(qtbot, window, name)
    assert button is not None and button.isEnabled()
    click(qtbot, button)
    dialog = visible(qtbot, window.panel, QDialog, f"dialog_{name}")
    assert dialog is not None
    return dialog


def test_offered_greyed_with_reason_three_state_and_send_back(qtbot, window):
    p = ids(window)
    # nothing chosen yet: an empty state, not a form of made-up values
    assert window.panel.empty_state.isVisible() and not window.panel.scroll.isVisible()
    tid = report(qtbot, window, 2, "财务系统 – 报表", "月结报表导出为空")
    # read-only text that fits shows no scroll bar (a one-line field looked like a spin box)
    from PySide6.QtWidgets import QPlainTextEdit

    sign_in_as(window, "BIZ006")
    window.select_ticket(tid)
    fitting = [w for w in window.panel.inputs.values()
               if isinstance(w, QPlainTextEdit) and w.isReadOnly() and w.toPlainText()
               and "\n" not in w.toPlainText()]
    assert fitting
    assert all(w.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
               for w in fitting)
    # 能否复现 left alone stays unknown (it used to be saved as 不能复现)
    sign_in_as(window, "IT001")
    dialog = _dialog(qtbot, window, "triage")
    box = dialog.findChild(object, "field_reproducible")
    assert [box.itemText(i) for i in range(box.count())] == ["未确定", "能", "不能"]
    assert box.currentData() is None
    act(qtbot, window, "IT001", "triage", {"first_contact": "已联系", "level": 2})
    assert tickets.get_ticket(window.db, tid).values["reproducible"] is None
    # dispatch: the pickers of level 2 only, then of level 3 only
    sign_in_as(window, "LEAD01")
    dialog = _dialog(qtbot, window, "dispatch")
    shown = {n for n in ("coordinator_id", "lead_engineer_id", "module_engineer_id",
                         "business_contact_id", "team")
             if dialog.findChild(object, f"field_{n}").isVisible()}
    assert shown == {"lead_engineer_id", "business_contact_id", "team"}
    level = dialog.findChild(object, "field_level")
    level.setCurrentIndex(level.findData(3))
    assert dialog.findChild(object, "field_module_engineer_id").isVisible()
    assert not dialog.findChild(object, "field_lead_engineer_id").isVisible()
    dialog.reject()
    act(qtbot, window, "LEAD01", "dispatch", {"level": 2, "lead_engineer_id": p["DEV002"],
                                              "business_contact_id": p["BIZ006"]})
    act(qtbot, window, "DEV002", "analyse", {"root_cause": "模板缺列",
                                             "impact_assessment": "财务部"})
    act(qtbot, window, "DEV002", "propose", {"long_term_solution": "修正模板"})
    # 业务确认 shows the proposal; after confirming it is greyed with the reason
    sign_in_as(window, "BIZ006")
    dialog = _dialog(qtbot, window, "confirm")
    assert "修正模板" in dialog.findChild(object, "proposalText").text()
    dialog.reject()
    act(qtbot, window, "BIZ006", "confirm", {"comment": "可以"})
    assert window.panel.waiting.text() == "等待技术审批"
    assert not window.panel.empty_state.isVisible() and window.panel.scroll.isVisible()
    button = _button(qtbot, window, "confirm")
    assert button is not None and not button.isEnabled()
    assert button.toolTip() == "业务方已确认过此方案。"
    # 技术审批 → 驳回… with a reason: back to diagnosis, the reason recorded
    sign_in_as(window, "LEAD01")
    # at 1024 px every action keeps its whole text (they wrap, never cut)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2_000)
    shown = [b for b in window.panel.action_bar.current]
    assert len(shown) >= 3
    qtbot.waitUntil(lambda: all(b.width() >= b.sizeHint().width() and b.isVisible()
                                for b in shown), timeout=2_000)
    window.resize(1500, 950)
    dialog = _dialog(qtbot, window, "approve")
    click(qtbot, dialog.findChild(QPushButton, "dialogSendBack"))
    back = visible(qtbot, window.panel, QDialog, "dialog_reject")
    assert back is not None and "修正模板" in back.findChild(object, "proposalText").text()
    back.findChild(object, "field_reason").setPlainText("未覆盖历史月份")
    with qtbot.waitSignal(window.panel.changed, timeout=15_000):
        click(qtbot, back.findChild(QPushButton, "dialogOk"))
    detail = tickets.get_ticket(window.db, tid)
    assert detail.status == Status.DIAGNOSING and detail.business_confirmed_by_id is None
    events = timeline.events(window.db, tid)
    assert [e["reason"] for e in events if e["action"] == "reject"] == ["未覆盖历史月份"]
    assert [e["details"].get("comment") for e in events if e["action"] == "confirm"] == ["可以"]
    # 验证: only the named verifier; another verifier sees it greyed with the name
    act(qtbot, window, "DEV002", "propose", {"long_term_solution": "修正模板并补历史"})
    act(qtbot, window, "BIZ006", "confirm", {})
    act(qtbot, window, "LEAD01", "approve", {})
    act(qtbot, window, "DEV002", "step", {"action": "发布模板", "state_after": "正常"})
    act(qtbot, window, "DEV002", "submit_verification", {"verifier_id": p["SALES005"]})
    # the status bar says what happened and what comes next; with nothing to do, whom
    # the fault waits for shows beside the actions
    message = window.statusBar().currentMessage()
    assert message.startswith("已提交验证：") and "等待 孙丽 验证" in message
    assert window.panel.waiting.text() == "等待 孙丽 验证"
    window.db.write(lambda s: _second_verifier(s))
    sign_in_as(window, "VER999")
    window.select_ticket(tid)
    button = _button(qtbot, window, "verify")
    assert button is not None and not button.isEnabled()
    assert "只有指定的验证人" in button.toolTip() and "SALES005" in button.toolTip()
    act(qtbot, window, "SALES005", "verify", {"passed": True, "environment": "生产",
                                              "checked": "导出成功"})
    act(qtbot, window, "LEAD01", "archive", {"summary": "模板缺列", "prevention_measures": "评审"})
    assert tickets.get_ticket(window.db, tid).status == Status.ARCHIVED
    # archived: 添加文件 greyed with the reason, a drop refused, nothing stored
    panel = window.panel.attachment_panel
    qtbot.waitUntil(lambda: not panel.add_button.isEnabled(), timeout=5_000)
    assert "不能再添加附件" in panel.add_button.toolTip() and "已已" not in panel.add_button.toolTip()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(Path(__file__)))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dragEnterEvent(enter)
    assert not enter.isAccepted()
    drop = QDropEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(drop)
    assert not drop.isAccepted()
    assert attachments.list_attachments(window.db, tid) == []


def _second_verifier(session):
    from desk.process import people
    from models import Role

    people.add_person(session, "VER999", "周验证", "质量部", {Role.VERIFIER})


def test_read_only_fields_follow_a_dark_scheme(qtbot, window):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication, QLineEdit

    app = QApplication.instance()
    before = app.palette()
    dark = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"),
                         (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Base, "#2b2c2f"), (QPalette.ColorRole.Text, "#e8eaed"),
                         (QPalette.ColorRole.Mid, "#5f6368")):
        dark.setColor(role, QColor(colour))
    try:
        app.setPalette(dark)
        line = next(w for w in window.panel.inputs.values()
                    if isinstance(w, QLineEdit) and w.isReadOnly())
        line.setText("")
        line.style().unpolish(line)
        line.style().polish(line)
        image = line.grab().toImage()
        middle = image.pixelColor(image.width() // 2, image.height() // 2)
        assert middle.lightness() < 100, middle.name()  # not a light grey box in the dark
    finally:
        app.setPalette(before)
