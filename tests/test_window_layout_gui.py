"""The window at the sizes people use (1024×700, 1366 wide, 1920×1080), in Chinese and
English: the queue's deadlines in view, one way of writing time left and overdue, the
SLA line broken only between its pieces. Real widgets offscreen; texts checked as the
model and the labels hold them, times as the database stores them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtGui import QTextDocument

from desk.admin.demo import ensure_people
from desk.process import people
from desk.process.reporting import FaultReport, report_fault
from desk.read import clocks
from models import FaultLevel, FaultType
from resources.translations import build
from tests.conftest import settle
from ui import scheme, spans
from ui.main_window import MainWindow
from ui.queue_model import COLUMNS, DEADLINES, KEYS

TZ = ZoneInfo("Asia/Shanghai")
SHOTS = Path("/tmp/win")


@pytest.fixture(autouse=True)
def chinese_font(qapp) -> None:
    """The font the window adds at start (ui.app) when the system has no Chinese one:
    widths are measured with the glyphs a person sees, not with empty boxes."""
    from PySide6.QtGui import QFontDatabase

    from resources import CJK_FONT

    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        QFontDatabase.addApplicationFont(str(CJK_FONT))


@pytest.fixture
def english(qapp, tmp_path: Path) -> Iterator[QTranslator]:
    qm = build.lrelease(build.TS, tmp_path / "desk_en.qm")
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def open_window(qtbot, db, width: int, height: int) -> MainWindow:
    person = people.get_person(db, people.person_id(db, "IT001"))
    w = MainWindow(db, TZ, "SQLite (test)", person)
    qtbot.addWidget(w)
    w.resize(width, height)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=10_000)
    return w


def save(widget, name: str) -> None:
    if SHOTS.is_dir():  # screenshots for a person to look at, when the folder is there
        widget.grab().save(str(SHOTS / name))


def overdue_fault(db, clock) -> int:
    """A level-1 fault whose response is 7 h 02 min overdue and restore 5 h 02 min."""
    ids = ensure_people(db)
    ticket = report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, level=FaultLevel.URGENT, affected_business="VPN 远程接入",
        phenomenon="VPN 无法连接。"), ids["SALES005"])
    respond = clocks.ticket_sla(db, ticket.id).respond
    clock.now = respond.due_at + timedelta(hours=7, minutes=2, seconds=30)
    return ticket.id


# -- one way of writing a span ------------------------------------------------------


SPANS = [(timedelta(days=5, hours=23, minutes=40), "5天23小时", "5d 23h"),
         (timedelta(hours=23, minutes=4), "23小时04分", "23h 04m"),
         (timedelta(minutes=4, seconds=59), "4分", "4m"),
         (timedelta(seconds=59), "0分", "0m"),
         (timedelta(hours=-7, minutes=-2), "7小时02分", "7h 02m")]


@pytest.mark.parametrize(("delta", "zh", "en"), SPANS)
def test_a_span_reads_the_same_in_days_hours_or_minutes(qapp, delta, zh, en):
    assert spans.span(delta) == zh


@pytest.mark.parametrize(("delta", "zh", "en"), SPANS)
def test_a_span_in_english(english, delta, zh, en):
    assert spans.span(delta) == en


def test_left_and_overdue_use_the_span(qapp, english):
    assert spans.left_or_over(timedelta(minutes=-4)) == "Overdue 4m"
    assert spans.left_or_over(timedelta(hours=2, minutes=5)) == "2h 05m left"
    QCoreApplication.removeTranslator(english)
    assert spans.left_or_over(timedelta(minutes=-4)) == "已超时 4分"
    assert spans.left_or_over(timedelta(hours=2, minutes=5)) == "剩余 2小时05分"


def test_the_window_writes_spans_as_the_command_line_and_the_documents(qapp, english):
    # one set of words: the window's translations are the rules' English, its sources
    # the rules' Chinese (desk.rules.spans, which the CLI and the PDFs use)
    from desk.rules import spans as rules

    assert spans.words() == rules.ENGLISH
    QCoreApplication.removeTranslator(english)
    assert spans.words() == rules.CHINESE


# -- the queue at 1366 px -------------------------------------------------------------


def deadlines_in_view(w: MainWindow) -> list[str]:
    """The deadline columns that are not wholly visible in the queue's viewport."""
    header = w.table.horizontalHeader()
    visible = w.table.viewport().width()
    cut = []
    for key in DEADLINES:
        section = KEYS.index(key)
        end = header.sectionViewportPosition(section) + header.sectionSize(section)
        if header.sectionViewportPosition(section) < 0 or end > visible:
            cut.append(key)
    return cut


def texts_cut(w: MainWindow) -> list[str]:
    """Headers and cells (of every column but the business) wider than their column."""
    header = w.table.horizontalHeader()
    heads, cells = header.fontMetrics(), w.table.fontMetrics()
    cut = []
    for section, (key, _label) in enumerate(COLUMNS):
        if key == "affected_business":
            continue  # elided on purpose; the tooltip holds the whole text
        size = header.sectionSize(section)
        title = w.model.headerData(section, Qt.Orientation.Horizontal)
        if heads.horizontalAdvance(title) + 12 > size:
            cut.append(f"header {title!r} in {size}px")
        icon = 22 if key in ("level", "status") else 0
        for row in range(w.model.rowCount()):
            text = w.model.data(w.model.index(row, section)) or ""
            if cells.horizontalAdvance(text) + icon + 6 > size:
                cut.append(f"{key} {text!r} in {size}px")
    return cut


def headers_elided(w: MainWindow) -> list[str]:
    """Queue headers narrower than their text needs: the text in bold (Qt draws the
    header of a selected row's sections bold), the style's margin on both sides and the
    sort arrow with its margin."""
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QStyle

    header = w.table.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    cut = []
    for section in range(header.count()):
        title = str(w.model.headerData(section, Qt.Orientation.Horizontal))
        need = metrics.horizontalAdvance(title) + 2 * margin + arrow + 2 * margin
        if header.sectionSize(section) < need:
            cut.append(f"{title!r}: {header.sectionSize(section)} < {need} px")
    return cut


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(1024, 700), (1920, 1080)])
def test_no_queue_header_is_elided(qtbot, request, make_demo_db, sqlite_url, clock, language, size):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    overdue_fault(db, clock)
    w = open_window(qtbot, db, *size)
    w.table.selectRow(0)  # the headers of the selected row's sections are drawn bold
    qtbot.waitUntil(lambda: w.panel.detail is not None, timeout=10_000)
    save(w, f"test-headers-{language}-{size[0]}.png")
    header = w.table.horizontalHeader()
    assert w.model.headerData(KEYS.index("remaining"), Qt.Orientation.Horizontal) == (
        "Time left" if language == "en" else "剩余时间")
    assert headers_elided(w) == []
    # as Qt measures a section itself
    assert all(header.sectionSize(i) >= header.sectionSizeFromContents(i).width()
               for i in range(header.count()))
    assert texts_cut(w) == []


def test_widths_saved_in_the_other_language_do_not_cut_the_headers(qtbot, request, make_demo_db,
                                                                   sqlite_url, clock):
    # a person narrowed the columns in Chinese and closed the window (widths saved) ...
    db, _ = make_demo_db(sqlite_url)
    chinese = open_window(qtbot, db, 1024, 700)
    header = chinese.table.horizontalHeader()
    fitted = header.sectionSize(KEYS.index("number"))
    for section in range(header.count()):
        header.resizeSection(section, 40)
    assert chinese.close()
    # ... and starts it again in English: widths set for the Chinese texts are fitted
    # to the English ones again (the saved order and sort are kept: test_window_edges)
    request.getfixturevalue("english")
    w = open_window(qtbot, db, 1024, 700)
    assert w.table.horizontalHeader().sectionSize(KEYS.index("number")) == fitted
    assert w.model.headerData(KEYS.index("remaining"), Qt.Orientation.Horizontal) == "Time left"
    assert headers_elided(w) == []


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_deadlines_in_view_beside_the_ticket_at_1366(qtbot, request, make_demo_db, sqlite_url,
                                                    clock, language):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    overdue_fault(db, clock)
    w = open_window(qtbot, db, 1366, 768)
    w.table.selectRow(0)
    qtbot.waitUntil(lambda: w.panel.detail is not None, timeout=10_000)
    save(w, f"test-queue-{language}-1366.png")
    assert deadlines_in_view(w) == []
    assert w.table.horizontalScrollBar().value() == 0
    assert w.stack.width() >= w.PANEL_MIN
    assert texts_cut(w) == []
    # 剩余时间 comes right after what the fault is and how urgent, the two deadlines
    # after how it stands
    assert KEYS[:6] == ["number", "level", "remaining", "status", "respond_due_at",
                        "restore_due_at"]
    # at 1024 the panel keeps its width; the queue shows up to 剩余时间 (and may scroll
    # sideways for the rest: tests/test_window_edges.py)
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024, timeout=5000)
    assert w.stack.width() >= w.PANEL_MIN
    assert texts_cut(w) == []


def test_a_moved_divider_stays_and_the_fitted_one_is_not_saved(qtbot, make_demo_db, sqlite_url):
    from PySide6.QtCore import QSettings

    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1366, 768)
    w.close()
    assert QSettings().value("window/splitter") is None  # fitted again next time
    w2 = open_window(qtbot, db, 1366, 768)
    w2.splitter.moveSplitter(500, 1)
    w2.resize(1500, 800)
    qtbot.waitUntil(lambda: w2.width() == 1500, timeout=5000)
    # the person's divider is scaled with the window (as Qt does), not fitted again
    assert w2.splitter.sizes()[0] < 600 < w2.queue_width_needed(), w2.splitter.sizes()
    w2.close()
    assert QSettings().value("window/splitter") is not None


# -- the same words in the queue and the SLA line ------------------------------------


@pytest.mark.parametrize(("language", "overdue", "restore"), [
    ("zh_CN", "已超时 7小时02分", "已超时 6小时37分"),
    ("en", "Overdue 7h 02m", "Overdue 6h 37m")])
def test_queue_and_sla_line_write_overdue_the_same_way(qtbot, qtmodeltester, request, make_db,
                                                      sqlite_url, clock, language, overdue,
                                                      restore):
    if language == "en":
        request.getfixturevalue("english")
    db = make_db(sqlite_url)
    ensure_people(db)
    ticket_id = overdue_fault(db, clock)
    w = open_window(qtbot, db, 1024, 700)
    qtmodeltester.check(w.model)
    row = w.model.row_of(ticket_id)
    cell = w.model.data(w.model.index(row, KEYS.index("remaining")))
    assert cell == overdue
    colour = w.model.data(w.model.index(row, KEYS.index("remaining")),
                          Qt.ItemDataRole.ForegroundRole)
    assert colour.color().name() == "#c62828"
    w.select_ticket(ticket_id)
    qtbot.waitUntil(lambda: w.panel.detail is not None and w.panel.detail.id == ticket_id,
                    timeout=10_000)
    line = w.panel.sla.plain_text()
    assert overdue in line
    assert "over by" not in line and "已超出" not in line and ":" not in line.split()[-1]
    # the restore clock (due 25 minutes after the response) in the same words
    assert restore in line
    save(w, f"test-sla-{language}-1024.png")


def line_ends(label) -> list[str]:
    """The last character of every line but the last of each paragraph, as the label's
    text is laid out at its width."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setDocumentMargin(0)
    doc.setHtml(label.text())
    doc.setTextWidth(label.contentsRect().width())
    doc.size()  # lays the text out
    ends = []
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        text = block.text()
        for i in range(layout.lineCount() - 1):
            line = layout.lineAt(i)
            ends.append(text[line.textStart() + line.textLength() - 1])
        block = block.next()
    return ends


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_sla_line_breaks_only_between_its_pieces_at_1024(qtbot, request, make_demo_db, sqlite_url,
                                                        clock, language):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1024, 700)
    wrapped = 0
    for row in range(w.model.rowCount()):
        w.table.selectRow(row)
        ticket_id = w.model.row_at(row).id
        qtbot.waitUntil(lambda t=ticket_id: w.panel.detail is not None
                        and w.panel.detail.id == t, timeout=10_000)
        ends = line_ends(w.panel.sla)
        wrapped += bool(ends)
        # a line ends on the space between two pieces, never inside 已达成 or a date
        assert all(end == " " for end in ends), (w.panel.sla.plain_text(), ends)
        assert w.panel.sla.width() <= w.stack.width()
    assert wrapped, "the line never wrapped: nothing was checked"
    save(w, f"test-sla-wrap-{language}-1024.png")


# -- the new-fault form at 1024×700 ---------------------------------------------------


def sideways(form) -> list[str]:
    """What of the form would need scrolling sideways (empty: nothing)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    problems = []
    bar = form.scroll.horizontalScrollBar()
    if bar.maximum() > 0:
        problems.append(f"the form scrolls sideways by {bar.maximum()}px")
    body = form.scroll.widget()
    viewport = form.scroll.viewport().width()
    for section in ("sectionBasic", "sectionDescription"):
        from PySide6.QtWidgets import QGroupBox

        box = body.findChild(QGroupBox, section)
        right = box.mapTo(form.scroll.viewport(), box.rect().topRight()).x()
        if right > viewport or box.minimumSizeHint().width() > viewport:
            problems.append(f"{section} needs {box.minimumSizeHint().width()}px of {viewport}")
    if form.width() > form.parentWidget().width():
        problems.append("the form is wider than its place")
    return problems


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_new_fault_form_needs_no_sideways_scrolling_at_1024(qtbot, request, make_demo_db,
                                                            sqlite_url, monkeypatch, language):
    from sqlalchemy import select

    from models import Ticket
    from tests.conftest import click, type_into

    if language == "en":
        request.getfixturevalue("english")
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, parent, text: True))
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1024, 700)
    w.new_action.trigger()
    form = w.form
    assert form is not None
    qtbot.waitUntil(lambda: form.isVisible() and form.width() > 0, timeout=5000)
    assert form.width() >= w.FORM_WIDTH - 10  # the form takes the room while it is typed
    assert form.form_splitter.orientation() == Qt.Orientation.Horizontal
    assert sideways(form) == []
    # a long validation message takes lines, not width
    form.save()
    qtbot.waitUntil(lambda: form.errors["affected_business"].isVisible(), timeout=5000)
    assert sideways(form) == []
    save(w, f"test-form-{language}-1024.png")
    # a narrower place (the divider moved): the similar faults go under the form
    w.splitter.moveSplitter(1024 - 500, 1)
    qtbot.waitUntil(lambda: form.form_splitter.orientation() == Qt.Orientation.Vertical,
                    timeout=5000)
    assert form.width() < form.WIDE
    assert sideways(form) == []
    save(w, f"test-form-narrow-{language}-1024.png")
    # and the form still files the fault as typed
    type_into(qtbot, form.business, "办公网络 – 五楼")
    type_into(qtbot, form.phenomenon, "五楼有线网络全部断开。")
    form.interrupted.setChecked(True)
    with qtbot.waitSignal(w.ticket_saved, timeout=10_000) as saved:
        click(qtbot, form.save_button)
    with db.read() as s:
        t = s.scalar(select(Ticket).where(Ticket.number == saved.args[0].number))
        assert t.affected_business == "办公网络 – 五楼" and t.business_interrupted


# -- names for screen readers ---------------------------------------------------------


def describe(widgets) -> list[str]:
    return [f"{type(w).__name__} {w.objectName()!r} in {w.parentWidget().objectName()!r}"
            for w in widgets]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_input_and_button_has_a_name_for_screen_readers(qtbot, request, make_demo_db,
                                                             sqlite_url, monkeypatch,
                                                             language):
    from PySide6.QtWidgets import QLabel, QPushButton, QWidget

    from ui.accessibility import INPUTS, is_part_of_another, unnamed

    if language == "en":
        request.getfixturevalue("english")
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, parent, text: True))
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1366, 768)
    # a ticket the person can act on: its record table, attachments and action buttons
    row = next(r for r in range(w.model.rowCount())
               if w.model.row_at(r).status.value == "reported")
    w.table.selectRow(row)
    qtbot.waitUntil(lambda: w.panel.detail is not None and bool(w.panel.action_bar.current),
                    timeout=10_000)
    qtbot.waitUntil(lambda: w.panel.attachment_panel is not None, timeout=10_000)
    walked = [x for x in w.findChildren(QWidget)
              if isinstance(x, INPUTS) and not is_part_of_another(x, w)]
    assert len(walked) > 60  # the walk reaches the panel's fields, not only the tool bar
    assert describe(unnamed(w)) == []
    for button in w.panel.action_bar.current:
        assert button.accessibleName() == button.text().replace("&", "")
    assert w.table.accessibleName() == ("Fault queue" if language == "en" else "故障队列")
    # the record table's fields are named by their labels
    section = w.panel.record_sections[0]
    business = section.inputs["affected_business"]
    assert business.accessibleName() == ("Affected business" if language == "en"
                                         else "受影响业务")

    w.new_action.trigger()
    form = w.form
    assert form is not None
    assert describe(unnamed(form)) == []
    assert form.business.accessibleName() == ("Affected business" if language == "en"
                                              else "受影响业务")
    # the field's label is its buddy: its mnemonic and a screen reader's "label for"
    labels = [lb for lb in form.findChildren(QLabel) if lb.buddy() is form.business]
    assert labels and labels[0].text() == form.business.accessibleName()
    save_button = form.findChild(QPushButton, "saveButton")
    assert save_button.accessibleName() == ("Save" if language == "en" else "保存")


def test_the_walk_finds_an_unnamed_field(qapp):
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

    from ui.accessibility import name_widgets, unnamed

    root = QWidget()
    layout = QVBoxLayout(root)
    bare, button = QLineEdit(), QPushButton("&OK")
    layout.addWidget(bare)
    layout.addWidget(button)
    assert set(unnamed(root)) == {bare, button}
    name_widgets(root)
    assert unnamed(root) == [bare] and button.accessibleName() == "OK"
    root.deleteLater()


# -- the dashboard ---------------------------------------------------------------------


def open_dashboard(qtbot, db, width: int, height: int):
    from ui.dashboard import DashboardWindow

    d = DashboardWindow(db)
    qtbot.addWidget(d)
    d.resize(width, height)
    with qtbot.waitSignal(d.computed, timeout=20_000):
        d.show()
    qtbot.waitUntil(lambda: not d.is_busy(), timeout=20_000)
    return d


def clipped_cells(d) -> list[str]:
    """Cells and headers of the dashboard's tables wider than their column."""
    cut = []
    for pane in d.panes.values():
        for _box, view in pane.tables:
            model, header = view.model(), view.horizontalHeader()
            for column in range(model.columnCount()):
                size = header.sectionSize(column)
                texts = [(header.fontMetrics(), model.headerData(column,
                                                                 Qt.Orientation.Horizontal))]
                texts += [(view.fontMetrics(), model.data(model.index(r, column)))
                          for r in range(model.rowCount())]
                for metrics, text in texts:
                    if metrics.horizontalAdvance(str(text)) + 8 > size:
                        cut.append(f"{view.objectName()} {text!r} in {size}px")
            rows = sum(view.verticalHeader().sectionSize(r) for r in range(model.rowCount()))
            if pane.chart_view is not None and view.viewport().height() < rows:
                cut.append(f"{view.objectName()} shows {view.viewport().height()}px of {rows}")
    return cut


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_dashboard_tables_whole_and_charts_take_the_room(qtbot, request, make_demo_db, sqlite_url,
                                                         language):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    d = open_dashboard(qtbot, db, 1024, 700)
    heights = {}
    for index in range(d.tabs.count()):
        d.tabs.setCurrentIndex(index)
        pane = d.tabs.currentWidget()
        qtbot.waitUntil(lambda p=pane: p.isVisible() and p.height() > 0, timeout=5000)
        if pane.chart_view is not None:
            tables = sum(box.height() for box, _view in pane.tables)
            # the chart has the room the table's few rows leave
            assert pane.chart_view.height() > tables, pane.objectName()
            heights[pane.objectName()] = pane.chart_view.height()
        save(d, f"test-dash-{language}-1024-{index}.png")
    assert clipped_cells(d) == []
    durations = d.panes["durations"].model
    labels = {durations.data(durations.index(r, 0)) for r in range(durations.rowCount())}
    assert labels == ({"Respond", "Restore", "Resolve"} if language == "en"
                      else {"响应", "恢复", "解决"})
    d.resize(1920, 1080)
    d.tabs.setCurrentIndex(0)
    pane = d.tabs.currentWidget()
    qtbot.waitUntil(lambda: pane.chart_view.height() > heights[pane.objectName()] + 200,
                    timeout=5000)
    save(d, f"test-dash-{language}-1920.png")


def test_dashboard_in_english_translates_titles_headers_and_the_period(qtbot, english,
                                                                       make_demo_db, sqlite_url):
    db, _ = make_demo_db(sqlite_url)
    d = open_dashboard(qtbot, db, 1024, 700)
    assert d.summary.text().startswith("Period 2026-11-01 to 2026-11-30")
    assert "至" not in d.summary.text()
    level = d.panes["by_level"]
    assert level.title.text() == "By level"
    headers = [level.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(level.model.columnCount())]
    assert headers == ["Level", "Faults", "Share %"]
    assert level.model.data(level.model.index(0, 0)) == "1 Urgent"
    assert d.panes["top_businesses"].title.text().startswith("Affected business (top ")
    pie = level.chart_view.chart().series()[0]
    assert pie.slices()[0].label() == "1 Urgent: " + str(level.model.rows[0][1])
    # the data the exports write stays the same (Chinese labels, numbers untouched)
    assert d.dashboard.by_level.rows[0][0] == "一级 紧急"
    # nothing in Chinese is left in a table's title, headers or row labels
    import re

    cjk = re.compile(r"[\u4e00-\u9fff]")
    for pane in d.panes.values():
        for _box, view in pane.tables:
            model = view.model()
            texts = [model.headerData(c, Qt.Orientation.Horizontal)
                     for c in range(model.columnCount())]
            if pane.objectName() != "pane_top_businesses":  # business names are data
                texts += [model.data(model.index(r, 0)) for r in range(model.rowCount())]
            assert not [t for t in texts if cjk.search(str(t))], pane.objectName()


# -- light and dark: the meaning colours stay readable ------------------------------------


def dark_palette():
    """A dark palette as a system's dark scheme gives one (dark Window and Base)."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    role = QPalette.ColorRole
    for r, colour in ((role.Window, "#2b2b2b"), (role.WindowText, "#e6e6e6"),
                      (role.Base, "#1e1e1e"), (role.AlternateBase, "#2a2a2a"),
                      (role.Text, "#e6e6e6"), (role.Button, "#353535"),
                      (role.ButtonText, "#e6e6e6"), (role.Highlight, "#2f65ca"),
                      (role.HighlightedText, "#ffffff"), (role.ToolTipBase, "#353535"),
                      (role.ToolTipText, "#e6e6e6"), (role.PlaceholderText, "#9a9a9a"),
                      (role.Light, "#4a4a4a"), (role.Midlight, "#3d3d3d"),
                      (role.Mid, "#3a3a3a"), (role.Dark, "#202020"), (role.Shadow, "#141414"),
                      (role.BrightText, "#ff5252"), (role.Link, "#8ab4f8")):
        palette.setColor(r, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#7a7a7a"))
    return palette


@pytest.fixture
def dark(qapp) -> Iterator[None]:
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield
    qapp.setPalette(before)


def meaning_colours(w: MainWindow) -> tuple[list[str], list[str]]:
    """The queue's coloured texts (level, time left) and marks (the dots and squares,
    read from the middle of the icon the model hands the view)."""
    texts, marks = [], []
    for row in range(w.model.rowCount()):
        for key in ("level", "remaining"):
            brush = w.model.data(w.model.index(row, KEYS.index(key)),
                                 Qt.ItemDataRole.ForegroundRole)
            if brush is not None:
                texts.append(brush.color().name())
        for key in ("level", "status"):
            icon = w.model.data(w.model.index(row, KEYS.index(key)),
                                Qt.ItemDataRole.DecorationRole)
            marks.append(icon.pixmap(32, 32).toImage().pixelColor(16, 16).name())
    return texts, marks


def assert_readable(w: MainWindow, texts: list[str], marks: list[str]) -> None:
    from PySide6.QtGui import QPalette

    palette = w.table.viewport().palette()
    grounds = [palette.color(QPalette.ColorRole.Base).name(),
               palette.color(QPalette.ColorRole.AlternateBase).name()]
    low = [(t, g, round(scheme.contrast(t, g), 2)) for t in texts for g in grounds
           if scheme.contrast(t, g) < 4.5]
    assert not low, low  # text: WCAG AA
    low = [(m, g, round(scheme.contrast(m, g), 2)) for m in marks for g in grounds
           if scheme.contrast(m, g) < 3]
    assert not low, low  # marks: WCAG non-text contrast
    # every state's square, not only those in this queue
    for status, colour in scheme.colours(palette).states.items():
        assert all(scheme.contrast(colour, g) >= 3 for g in grounds), (status, colour)


def faults_of_every_colour(db, clock) -> None:
    ids = ensure_people(db)
    overdue_fault(db, clock)  # level 1, overdue
    for level, business in ((FaultLevel.URGENT, "邮件系统"), (FaultLevel.IMPORTANT, "财务系统"),
                            (FaultLevel.GENERAL, "打印机")):
        report_fault(db, FaultReport(fault_type=FaultType.SYSTEM, level=level,
                                     affected_business=business, phenomenon="无法使用。"),
                     ids["SALES005"])


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_level_and_deadline_colours_readable_in_light_and_dark(qtbot, request, make_db,
                                                               sqlite_url, clock, language):
    if language == "en":
        request.getfixturevalue("english")
    db = make_db(sqlite_url)
    faults_of_every_colour(db, clock)
    w = open_window(qtbot, db, 1024, 700)
    w.select_ticket(w.model.rows[0].id)
    qtbot.waitUntil(lambda: w.panel.detail is not None, timeout=10_000)
    light_texts, light_marks = meaning_colours(w)
    light = scheme.LIGHT  # three levels; overdue, soon and in time all on screen
    assert set(light_texts) == {*light.levels.values(), light.overdue, light.soon,
                                light.in_time}
    assert_readable(w, light_texts, light_marks)
    light_line = w.panel.sla.text()
    save(w, f"queue-light-{language}-1024.png")

    qapp = QCoreApplication.instance()
    before = qapp.palette()
    try:
        with qtbot.waitSignal(w.model.dataChanged, timeout=5_000):  # repainted at once
            qapp.setPalette(dark_palette())
        dark_texts, dark_marks = meaning_colours(w)
        assert set(dark_texts) == {*scheme.DARK.levels.values(), scheme.DARK.overdue,
                                   scheme.DARK.soon, scheme.DARK.in_time}
        assert set(dark_texts).isdisjoint(light_texts)  # the dark scheme's own colours
        assert_readable(w, dark_texts, dark_marks)
        # the SLA line repainted as well (Qt hands widgets the new palette a moment later)
        qtbot.waitUntil(lambda: w.panel.sla.text() != light_line, timeout=5_000)
        assert any(c in w.panel.sla.text() for c in set(dark_texts))
        save(w, f"queue-dark-{language}-1024.png")
    finally:
        qapp.setPalette(before)
    assert meaning_colours(w)[0] == light_texts  # and back in the light one


def test_a_change_of_the_system_scheme_repaints_the_queue(qtbot, make_db, sqlite_url, clock):
    from PySide6.QtGui import QGuiApplication

    db = make_db(sqlite_url)
    faults_of_every_colour(db, clock)
    w = open_window(qtbot, db, 1024, 700)
    hints = QGuiApplication.styleHints()
    with qtbot.waitSignal(w.model.dataChanged, timeout=5_000) as repainted:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # what the platform sends
    assert Qt.ItemDataRole.ForegroundRole in repainted.args[2]


def test_style_sheet_colours_follow_the_scheme(qtbot, make_db, sqlite_url, clock):
    """The notes and messages coloured by a style sheet (an error, a success, the
    calendar's banner) take the dark scheme's colours when the palette turns dark, and
    the light ones back."""
    from PySide6.QtGui import QPalette

    db = make_db(sqlite_url)
    faults_of_every_colour(db, clock)
    w = open_window(qtbot, db, 1024, 700)
    error, done = w.panel.message, w.panel.status_line
    assert scheme.LIGHT.bad in error.styleSheet() and scheme.LIGHT.good in done.styleSheet()
    qapp = QCoreApplication.instance()
    before = qapp.palette()
    try:
        qapp.setPalette(dark_palette())
        qtbot.waitUntil(lambda: scheme.DARK.bad in error.styleSheet(), timeout=5_000)
        assert scheme.DARK.good in done.styleSheet()
        assert scheme.LIGHT.bad not in error.styleSheet()
        # and the text is painted in it
        error.ensurePolished()
        assert error.palette().color(QPalette.ColorRole.WindowText).name() == scheme.DARK.bad
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: scheme.LIGHT.bad in error.styleSheet(), timeout=5_000)


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_ticket_panel_needs_no_sideways_scrolling_at_1024(qtbot, request, make_demo_db,
                                                              sqlite_url, clock, language):
    """The record table beside the queue at 1024×700: the long check box text wraps
    beside its box, the attachment rows wrap, so every field's right edge is in view."""
    from PySide6.QtWidgets import QCheckBox, QScrollArea

    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1024, 700)
    w.select_ticket(w.model.rows[0].id)
    qtbot.waitUntil(lambda: w.panel.detail is not None, timeout=10_000)
    scroll = w.panel.findChild(QScrollArea, "recordScroll")
    qtbot.waitUntil(lambda: scroll.widget().width() <= scroll.viewport().width(),
                    timeout=5_000)
    save(w, f"test-panel-{language}-1024.png")
    assert scroll.horizontalScrollBar().maximum() == 0
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    check = w.panel.findChild(QCheckBox, "edit_business_interrupted")
    assert check is not None and check.isVisible()
    assert check.text() == ("Yes" if language == "en" else "是")
