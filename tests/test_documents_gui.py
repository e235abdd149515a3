"""The documents in the window: preview, zoom, pages, print, save, issue, the 文档 menu and
batch export — driven through the real widgets offscreen, results checked on disk and in
the database."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QPointF, Qt, QThreadPool
from PySide6.QtGui import QPixmap, QWheelEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desk.admin.demo import ensure_people
from desk.process import notices, people, reporting, workflow
from desk.read import documents, tickets, timeline
from models import FaultType, Status, Ticket
from tests.conftest import settle, type_into
from ui.documents.batch import BatchExportDialog, write_new
from ui.documents.notice import IssueNoticeDialog
from ui.documents.preview import THUMB_WIDTH, PdfPreviewDialog, ThumbnailModel
from ui.main_window import MainWindow

TZ = ZoneInfo("Asia/Shanghai")


def _window(qtbot, db, employee_no: str) -> MainWindow:
    person = people.get_person(db, people.person_id(db, employee_no))
    w = MainWindow(db, TZ, "SQLite (test)", person)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


@pytest.fixture
def pool():
    yield QThreadPool.globalInstance()
    # no render, print or export may outlive its test (the database is disposed next)
    assert QThreadPool.globalInstance().waitForDone(30_000)
    QApplication.processEvents()


@pytest.fixture
def demo_db(sqlite_url, make_demo_db):
    db, _ = make_demo_db(sqlite_url)
    return db


@pytest.fixture
def window(qtbot, demo_db, pool, monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, p, t: True))
    return _window(qtbot, demo_db, "LEAD01")


def select_status(window: MainWindow, status: Status) -> tuple[int, str]:
    row = next(i for i, r in enumerate(window.model.rows) if r.status == status)
    window.table.selectRow(row)
    r = window.model.rows[row]
    return r.id, r.number


def open_preview(qtbot, window: MainWindow, kind: str) -> PdfPreviewDialog:
    actions = window.document_actions
    with qtbot.waitSignal(actions.preview_opened, timeout=5_000) as opened:
        actions.menu.document_actions[kind].trigger()
    dialog = opened.args[0]
    return dialog


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


# -- the preview ---------------------------------------------------------------------------


def test_preview_shows_pages_zooms_and_navigates(qtbot, window):
    ticket_id, number = select_status(window, Status.ARCHIVED)
    expected = pdf_pages(documents.render(window.db, "record", ticket_id))
    assert expected >= 2
    dialog = open_preview(qtbot, window, "record")
    with qtbot.waitSignal(dialog.pages_ready, timeout=20_000) as ready:
        pass
    assert ready.args == [expected]
    assert dialog.page_count() == expected
    assert dialog.objectName() == "pdfPreview"
    assert dialog.page_total.text() == f"/ 共 {expected} 页"
    assert number in dialog.windowTitle()
    first = dialog._labels[0]
    assert not first.pixmap().isNull()  # the first page is on screen when ready is said
    tops = dialog._tops
    assert tops == sorted(tops) and len(set(tops)) == expected  # each page in its place
    # page navigation: the spin box scrolls, the page is rendered when it comes into view
    with qtbot.waitSignal(dialog.page_rendered, timeout=10_000,
                          check_params_cb=lambda i: i == 1):
        dialog.page_spin.setValue(2)
    assert dialog.current_page() == 2 and dialog.visible_pages()[0] == 1
    assert dialog.thumb_view.currentIndex().row() == 1  # the thumbnails follow
    assert dialog.scroll.verticalScrollBar().value() > 0
    dialog.page_spin.setValue(1)
    assert dialog.current_page() == 1 and dialog.scroll.verticalScrollBar().value() == 0
    width = first.pixmap().width()
    # the first showing fits the page to the width of the view: no sideways scrolling
    assert dialog.scroll.horizontalScrollBar().maximum() == 0

    zoom = dialog.zoom
    with qtbot.waitSignal(dialog.page_rendered, timeout=10_000,
                          check_params_cb=lambda i: i == 0):
        qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    assert dialog.zoom > zoom
    bigger = first.pixmap().width()
    assert bigger > width
    assert bigger == pytest.approx(width * dialog.zoom / zoom, abs=2)
    assert dialog.zoom_label.text() == f"{round(dialog.zoom * 100)}%"

    # Ctrl+wheel over the pages zooms out again
    before = dialog.zoom
    viewport = dialog.scroll.viewport()
    wheel = QWheelEvent(QPointF(50, 50), QPointF(viewport.mapToGlobal(QPoint(50, 50))),
                        QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(viewport, wheel)
    assert dialog.zoom < before

    # after zooming, the last page
    with qtbot.waitSignal(dialog.page_rendered, timeout=10_000,
                          check_params_cb=lambda i: i == expected - 1):
        dialog.page_spin.setValue(expected)
    assert dialog.current_page() == expected
    assert expected - 1 in dialog.visible_pages()
    assert not dialog._labels[expected - 1].pixmap().isNull()
    # and the thumbnails: one per page, clicking one goes there
    qtbot.waitUntil(lambda: not dialog.thumbs.missing(), timeout=10_000)
    assert dialog.thumbs.rowCount() == expected
    assert dialog.thumbs.data(dialog.thumbs.index(1, 0)) == "第 2 页"
    thumb = dialog.thumbs.data(dialog.thumbs.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert thumb.width() == THUMB_WIDTH and thumb.height() > THUMB_WIDTH
    index = dialog.thumbs.index(0, 0)
    rect = dialog.thumb_view.visualRect(index)
    qtbot.mouseClick(dialog.thumb_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert dialog.current_page() == 1 and dialog.page_spin.value() == 1
    # 适合宽度 brings the fitted zoom back
    qtbot.mouseClick(dialog.fit_button, Qt.MouseButton.LeftButton)
    assert dialog.scroll.horizontalScrollBar().maximum() == 0
    dialog.close()


def test_thumbnail_model_passes_modeltester(qtmodeltester):
    model = ThumbnailModel()
    qtmodeltester.check(model, force_py=True)
    model.reset_pages([(595.0, 842.0)] * 3)
    assert model.rowCount() == 3 and model.missing() == [0, 1, 2]
    pixmap = QPixmap(THUMB_WIDTH, 155)
    pixmap.fill(Qt.GlobalColor.white)
    model.set_thumbnail(1, pixmap)
    assert model.missing() == [0, 2]
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(1, 0), Qt.ItemDataRole.DecorationRole) is pixmap
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole).height() == \
        round(THUMB_WIDTH * 842 / 595)


def test_save_as_writes_the_exact_pdf(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "saved.pdf"
    asked: list[str] = []
    monkeypatch.setattr(PdfPreviewDialog, "ask_save_path",
                        classmethod(lambda cls, p, s: asked.append(s) or str(target)))
    ticket_id, number = select_status(window, Status.RESOLVED)
    dialog = open_preview(qtbot, window, "completion-notice")
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == [str(target)]
    assert asked == [f"故障处理完成通知-{number}.pdf"]
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data == dialog.doc.pages.data
    assert number in pdf_text(data) and "故障处理完成通知" in pdf_text(data)
    dialog.close()


def test_print_goes_to_the_printer_page_by_page(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "printed.pdf"

    def ask_print(cls, parent, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(150)
        return True

    monkeypatch.setattr(PdfPreviewDialog, "ask_print", classmethod(ask_print))
    select_status(window, Status.ARCHIVED)
    dialog = open_preview(qtbot, window, "record")
    with qtbot.waitSignal(dialog.pages_ready, timeout=20_000) as ready:
        pass
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as printed:
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert printed.args == [ready.args[0]]
    reader = PdfReader(out)
    assert len(reader.pages) == ready.args[0]
    # A4 paper, as in the document
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.3, abs=2)
    assert float(box.height) == pytest.approx(841.9, abs=2)
    assert "已发送到打印机" in dialog.status.text()
    dialog.close()


def test_print_dialog_opens_without_blocking_and_prints_when_accepted(qtbot, window,
                                                                       tmp_path, monkeypatch):
    out = tmp_path / "from-dialog.pdf"
    make_printer = PdfPreviewDialog.make_printer

    def to_file(self):  # as if "Print to File (PDF)" had been chosen in the dialog
        printer = make_printer(self)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(100)
        return printer

    monkeypatch.setattr(PdfPreviewDialog, "make_printer", to_file)
    select_status(window, Status.DISPATCHED)
    dialog = open_preview(qtbot, window, "start-notice")
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    asked = dialog.findChild(QPrintDialog, "printDialog")
    assert asked is not None and asked.isVisible()
    assert asked.windowModality() == Qt.WindowModality.WindowModal
    assert not out.exists()
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        asked.accept()
    assert printed.args == [1] and len(PdfReader(out).pages) == 1
    dialog.close()


def test_ctrl_p_previews_the_most_relevant_document(qtbot, window):
    select_status(window, Status.DISPATCHED)
    actions = window.document_actions
    assert actions.preview_action.shortcut().toString() == "Ctrl+P"
    assert window.notice_action.shortcut().isEmpty()
    window.table.setFocus()
    with qtbot.waitSignal(actions.preview_opened, timeout=5_000) as opened:
        qtbot.keyClick(window.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = opened.args[0]
    assert dialog.kind == "start-notice"
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    dialog.close()
    select_status(window, Status.VERIFYING)
    assert actions.relevant_kind(actions.current_ticket()) == "verification-form-blank"
    select_status(window, Status.RESOLVED)
    assert actions.relevant_kind(actions.current_ticket()) == "completion-notice"


# -- the 文档 menu ---------------------------------------------------------------------------


def test_menu_greys_documents_that_do_not_fit_the_state(qtbot, window):
    menu = window.document_actions.menu
    assert menu.title() == "文档(&D)" and menu.toolTipsVisible()
    assert menu.menuAction() in window.menuBar().actions()
    acts = menu.document_actions
    select_status(window, Status.REPORTED)
    menu.aboutToShow.emit()
    assert acts["record"].isEnabled()
    for kind in ("start-notice", "analysis-report", "verification-form", "completion-notice"):
        assert not acts[kind].isEnabled(), kind
    assert acts["start-notice"].toolTip() == "分级派单后才能出具启动通知。"
    assert acts["completion-notice"].toolTip() == "验证通过、故障解决后才能发送完成通知。"

    select_status(window, Status.VERIFYING)
    assert acts["start-notice"].isEnabled() and acts["verification-form-blank"].isEnabled()
    assert not acts["verification-form"].isEnabled()
    assert acts["verification-form"].toolTip() == "验证通过后才能打印填好的验证结果表。"

    select_status(window, Status.RESOLVED)  # the demo's solved fault is a level-3 one
    assert all(a.isEnabled() for kind, a in acts.items() if kind != "review")
    assert not acts["review"].isEnabled()
    assert acts["review"].toolTip() == "故障复盘报告用于一级、二级故障。"

    select_status(window, Status.CANCELLED)
    assert acts["start-notice"].toolTip() == "故障已撤销。" and acts["record"].isEnabled()

    window.table.clearSelection()
    window.table.setCurrentIndex(window.model.index(-1, -1))
    assert not any(a.isEnabled() for a in acts.values())
    assert not window.document_actions.preview_action.isEnabled()
    assert not window.document_actions.batch_action.isEnabled()


def test_the_review_of_a_solved_major_fault_is_previewed_saved_and_printed(
        qtbot, window, tmp_path, monkeypatch):
    from desk.read import review

    acts = window.document_actions.menu.document_actions
    menu = window.document_actions.menu
    assert menu.actions().index(acts["review"]) > menu.actions().index(acts["record"])
    # an open level-1 fault: not yet
    row = next(i for i, r in enumerate(window.model.rows)
               if int(r.level) == 1 and not r.status.is_closed)
    window.table.selectRow(row)
    assert not acts["review"].isEnabled()
    assert acts["review"].toolTip() == "验证通过、故障解决后才能出具故障复盘报告。"
    ticket_id, number = select_status(window, Status.ARCHIVED)  # level 1 in the demo
    assert acts["review"].isEnabled()
    # the reporter's rating, stored, reaches the review
    window.db.write(lambda s: setattr(s.get(Ticket, ticket_id), "satisfaction", 3))
    dialog = open_preview(qtbot, window, "review")
    with qtbot.waitSignal(dialog.pages_ready, timeout=20_000) as ready:
        pass
    assert dialog.windowTitle() == f"故障复盘报告 — {number}"
    text = pdf_text(dialog.doc.pages.data)
    assert number in text and "复盘" in text and "3 分" in text
    assert ready.args == [len(PdfReader(io.BytesIO(review.render(window.db, number))).pages)]
    target = tmp_path / "review.pdf"
    asked: list[str] = []
    monkeypatch.setattr(PdfPreviewDialog, "ask_save_path",
                        classmethod(lambda cls, p, s: asked.append(s) or str(target)))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert asked == [f"故障复盘报告-{number}.pdf"]
    assert target.read_bytes() == dialog.doc.pages.data
    out = tmp_path / "printed.pdf"

    def ask_print(cls, parent, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(100)
        return True

    monkeypatch.setattr(PdfPreviewDialog, "ask_print", classmethod(ask_print))
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as printed:
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert printed.args == ready.args and len(PdfReader(out).pages) == ready.args[0]
    assert not dialog.issue_button.isVisible()  # a review is not issued like a notice
    dialog.close()


# -- issuing a notice ------------------------------------------------------------------------


def _issue_dialog(qtbot, dialog: PdfPreviewDialog) -> IssueNoticeDialog:
    qtbot.mouseClick(dialog.issue_button, Qt.MouseButton.LeftButton)
    found = dialog.findChild(IssueNoticeDialog, "issueNotice")
    assert found is not None and found.isVisible()
    return found


def test_issuing_the_start_notice_records_who_got_it(qtbot, window):
    ticket_id, number = select_status(window, Status.DISPATCHED)
    dialog = open_preview(qtbot, window, "start-notice")
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    assert dialog.issue_button.isVisible() and dialog.issue_button.isEnabled()
    ask = _issue_dialog(qtbot, dialog)
    ticked = [ask.list.item(i).text() for i in range(ask.list.count())
              if ask.list.item(i).checkState() == Qt.CheckState.Checked]
    assert ticked == sorted(ticked) and "信息技术部" in ticked  # the team's departments
    assert "财务部" not in ticked  # offered, not ticked
    type_into(qtbot, ask.other, "客户服务部")
    with qtbot.waitSignal(dialog.issued, timeout=10_000) as issued:
        qtbot.mouseClick(ask.ok_button, Qt.MouseButton.LeftButton)
    assert issued.args[0].id == ticket_id
    events = [e for e in timeline.events(window.db, ticket_id)
              if e["action"] == "issue_start_notice"]
    assert len(events) == 1
    assert events[0]["actor_no"] == "LEAD01"
    assert events[0]["details"]["recipients"] == [*ticked, "客户服务部"]
    assert tickets.get_ticket(window.db, ticket_id).start_notice_issued_at is not None
    # the preview is built again: the notice now names the new recipient; the page
    # keeps its picture meanwhile, the message stays, and it cannot be issued twice
    assert dialog.status.text() == "已签发并记录。"
    assert dialog.findChild(QLabel, "page1").pixmap() is not None
    assert not dialog.findChild(QLabel, "page1").pixmap().isNull()
    qtbot.waitUntil(lambda: "客户服务部" in pdf_text(dialog.doc.pages.data), timeout=20_000)
    qtbot.waitUntil(lambda: dialog.doc.issued != "", timeout=5_000)
    assert dialog.status.text() == "已签发并记录。"
    assert not dialog.issue_button.isEnabled()
    assert "不能重复签发" in dialog.issue_button.toolTip()
    dialog.close()


def test_the_completion_notice_asks_for_the_summary_and_says_sent(qtbot, window):
    ticket_id, _number = select_status(window, Status.RESOLVED)
    assert not tickets.get_ticket(window.db, ticket_id).summary
    dialog = open_preview(qtbot, window, "completion-notice")
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    ask = _issue_dialog(qtbot, dialog)
    assert ask.ok_button.text() == "发送"
    qtbot.mouseClick(ask.ok_button, Qt.MouseButton.LeftButton)  # no summary: refused here
    assert ask.isVisible() and ask.summary_error.isVisible()
    type_into(qtbot, ask.summary_edit, "重启连接池，补丁已发布。")
    assert not ask.summary_error.isVisible()  # corrected: the error is gone
    with qtbot.waitSignal(dialog.issued, timeout=10_000):
        qtbot.mouseClick(ask.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "已发送并记录。"
    detail = tickets.get_ticket(window.db, ticket_id)
    assert detail.summary == "重启连接池，补丁已发布。"
    assert detail.completion_notice_sent_at is not None
    qtbot.waitUntil(lambda: "重启连接池" in pdf_text(dialog.doc.pages.data), timeout=20_000)
    assert dialog.status.text() == "已发送并记录。" and not dialog.issue_button.isEnabled()
    dialog.close()


def test_issuing_a_notice_that_changed_meanwhile_is_refused_with_a_message(qtbot, window):
    ticket_id, _number = select_status(window, Status.DISPATCHED)
    dialog = open_preview(qtbot, window, "start-notice")
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    # another desk issues it first: what this preview shows is no longer current
    notices.issue_notice(window.db, "start-notice", ticket_id,
                           people.person_id(window.db, "CTO01"), ["信息技术部"])
    ask = _issue_dialog(qtbot, dialog)
    qtbot.mouseClick(ask.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "issueRefused") is not None,
                    timeout=10_000)
    box = dialog.findChild(QMessageBox, "issueRefused")
    assert box.isVisible() and box.text()
    events = [e for e in timeline.events(window.db, ticket_id)
              if e["action"] == "issue_start_notice"]
    assert [e["actor_no"] for e in events] == ["CTO01"]
    box.close()
    dialog.close()


def test_issue_is_greyed_for_someone_who_may_not_issue(qtbot, demo_db, pool):
    window = _window(qtbot, demo_db, "IT001")  # on-duty support: no start notices
    select_status(window, Status.DISPATCHED)
    dialog = open_preview(qtbot, window, "start-notice")
    qtbot.waitSignal(dialog.pages_ready, timeout=20_000).wait()
    assert dialog.issue_button.isVisible() and not dialog.issue_button.isEnabled()
    assert "可以签发" in dialog.issue_button.toolTip()
    dialog.close()
    record = open_preview(qtbot, window, "record")
    assert not record.issue_button.isVisible()
    qtbot.waitSignal(record.pages_ready, timeout=20_000).wait()
    record.close()


# -- batch export --------------------------------------------------------------------------


@pytest.fixture
def fifty(qtbot, sqlite_url, make_db, pool, monkeypatch):
    """A window over 50 fresh tickets (a few triaged), all selected."""
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, p, t: True))
    db = make_db(sqlite_url)
    ids = ensure_people(db)
    for i in range(50):
        detail = reporting.report_fault(db, reporting.FaultReport(
            fault_type=FaultType.APPLICATION, affected_business=f"订单系统 {i}",
            phenomenon=f"第 {i} 个故障的现象"), ids["SALES005"])
        if i % 10 == 0:
            workflow.perform(db, "triage", detail.id, ids["IT001"], {
                "first_contact": "已联系", "confirmed_details": "属实", "reproducible": True,
                "first_investigation": "初步排查", "fault_type": "APP", "level": 3})
    window = _window(qtbot, db, "LEAD01")
    window.table.selectAll()
    return window


def open_batch(qtbot, window: MainWindow, folder: Path, monkeypatch) -> BatchExportDialog:
    monkeypatch.setattr(BatchExportDialog, "ask_folder", classmethod(lambda c, p, s: str(folder)))
    actions = window.document_actions
    assert actions.batch_action.isEnabled()
    with qtbot.waitSignal(actions.batch_opened, timeout=5_000) as opened:
        actions.batch_action.trigger()
    dialog = opened.args[0]
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.folder.text() == str(folder)
    return dialog


def test_batch_export_reports_a_broken_ticket_and_writes_the_rest(qtbot, fifty, tmp_path,
                                                                  monkeypatch):
    folder = tmp_path / "out"
    refs = fifty.document_actions.selected_tickets()
    assert len(refs) == 50
    broken = refs[17]
    real_render = documents.render

    def render(db, kind, key, out=None, blank=False):
        if key == broken.id:
            raise RuntimeError("damaged record")
        return real_render(db, kind, key, out, blank)

    monkeypatch.setattr(documents, "render", render)
    dialog = open_batch(qtbot, fifty, folder, monkeypatch)
    assert dialog.chosen_kinds() == ["record"]
    with qtbot.waitSignal(dialog.finished_export, timeout=180_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    report = done.args[0]
    assert not report.cancelled and report.done_tickets == 50
    assert [n for n, _m in report.failures] == [broken.number]
    assert "RuntimeError" in report.failures[0][1]
    files = sorted(folder.iterdir())
    assert len(files) == 49 == len(report.written)
    assert {f.name for f in files} == {f"record-{r.number}.pdf" for r in refs if r != broken}
    for f in files[:3]:
        data = f.read_bytes()
        assert data.startswith(b"%PDF")
        assert f.name[len("record-"):-4] in pdf_text(data)
    assert dialog.progress.value() == 50
    assert dialog.failures.isVisible() and dialog.failures.count() == 1
    assert broken.number in dialog.failures.item(0).text()
    assert "1 个失败" in dialog.summary.text()
    dialog.close()


def test_batch_export_cancel_stops_between_tickets_and_never_overwrites(qtbot, fifty,
                                                                        tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    refs = fifty.document_actions.selected_tickets()
    taken = folder / f"start-notice-{refs[0].number}.pdf"
    taken.write_bytes(b"an older file")
    (folder / f"record-{refs[0].number}.pdf").write_bytes(b"older still")
    reached, release = threading.Event(), threading.Event()
    real_render = documents.render
    calls: list[int] = []

    def render(db, kind, key, out=None, blank=False):
        calls.append(key)
        if len(calls) == 5:  # the fifth ticket waits until Cancel has been pressed
            reached.set()
            assert release.wait(20)
        return real_render(db, kind, key, out, blank)

    monkeypatch.setattr(documents, "render", render)
    dialog = open_batch(qtbot, fifty, folder, monkeypatch)
    dialog.kind_boxes["start-notice"].setChecked(True)  # not possible before dispatch
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.export_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(reached.is_set, timeout=20_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.finished_export, timeout=20_000) as done:
        release.set()
    report = done.args[0]
    assert report.cancelled and report.done_tickets == 5 and not report.failures
    assert len(calls) == 5
    assert len(report.skipped) == 5  # the start notice does not fit a reported ticket
    assert taken.read_bytes() == b"an older file"
    assert (folder / f"record-{refs[0].number}.pdf").read_bytes() == b"older still"
    assert (folder / f"record-{refs[0].number} (1).pdf").read_bytes().startswith(b"%PDF")
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 2 + 5
    for name in written:
        data = (folder / name).read_bytes()
        if name.startswith("record-"):
            assert name in {f"record-{r.number}.pdf" for r in refs[:5]} or \
                name == f"record-{refs[0].number} (1).pdf" or data == b"older still"
            if data != b"older still":
                assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert "已取消" in dialog.summary.text()
    assert dialog.export_button.isEnabled()
    dialog.close()


def test_write_new_adds_a_number_rather_than_overwrite(tmp_path):
    first = write_new(tmp_path, "record-X", b"%PDF-1")
    second = write_new(tmp_path, "record-X", b"%PDF-2")
    third = write_new(tmp_path, "record-X", b"%PDF-3")
    assert [p.name for p in (first, second, third)] == \
        ["record-X.pdf", "record-X (1).pdf", "record-X (2).pdf"]
    assert first.read_bytes() == b"%PDF-1" and third.read_bytes() == b"%PDF-3"


def test_batch_export_writes_the_review_of_the_faults_it_is_offered_for(qtbot, window,
                                                                        tmp_path, monkeypatch):
    """The 故障复盘报告 is one of the batch export's kinds: written for a solved level-1 or
    level-2 fault, skipped with the 文档 menu's reason for the others."""
    import shutil
    import subprocess

    from desk.read import review

    folder = tmp_path / "out"
    window.table.selectAll()
    refs = window.document_actions.selected_tickets()
    offered = [r for r in refs if review.available(r.status, r.level)[0]]
    assert offered and len(offered) < len(refs)  # the demo's archived level-1 fault
    dialog = open_batch(qtbot, window, folder, monkeypatch)
    box = dialog.kind_boxes[review.KIND]
    assert box.text() == "故障复盘报告"
    dialog.kind_boxes["record"].setChecked(False)
    box.setChecked(True)
    assert dialog.chosen_kinds() == [review.KIND]
    with qtbot.waitSignal(dialog.finished_export, timeout=180_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    report = done.args[0]
    assert not report.failures and not report.cancelled
    assert sorted(p.name for p in folder.iterdir()) == \
        sorted(f"review-{r.number}.pdf" for r in offered)
    assert sorted(n for n, _k, _w in report.skipped) == \
        sorted(r.number for r in refs if r not in offered)
    reasons = {why for _n, kind, why in report.skipped if kind == review.KIND}
    assert reasons <= {review.available(r.status, r.level)[1] for r in refs} and reasons
    assert f"{len(report.skipped)} 份因状态不适用而跳过" in dialog.summary.text()
    pdftotext = shutil.which("pdftotext")
    for ref in offered:
        data = (folder / f"review-{ref.number}.pdf").read_bytes()
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
        text = (subprocess.run([pdftotext, "-layout", str(folder / f"review-{ref.number}.pdf"),
                                "-"], capture_output=True, text=True, check=True).stdout
                if pdftotext else pdf_text(data))
        assert "故障复盘" in text and ref.number in text
        assert "时间线" in text and "复盘结论" in text
    dialog.close()
