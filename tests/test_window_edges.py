"""The main window's edges at the sizes people use, in Chinese and English: the queue's
first columns up to 剩余时间 beside the ticket panel at 1024×700, the divider that favours
the queue on a wide screen and does not move when a fault is chosen, the filters whole,
and windows without a parent that follow a change of the colour scheme. Real widgets
offscreen, measured as they are laid out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox

from tests.test_window_layout_gui import (  # noqa: F401  (fixtures)
    chinese_font,
    dark_palette,
    english,
    open_window,
    save,
)
from ui import scheme
from ui.main_window import MainWindow
from ui.queue_model import DEADLINES, ESSENTIAL, KEYS


def columns_cut(w: MainWindow, keys: tuple[str, ...] | list[str]) -> list[str]:
    """The columns of ``keys`` whose rect does not lie wholly within the viewport."""
    header = w.table.horizontalHeader()
    visible = w.table.viewport().rect()
    cut = []
    for key in keys:
        section = KEYS.index(key)
        left = header.sectionViewportPosition(section)
        rect = w.table.visualRect(w.model.index(0, section))
        if left < 0 or left + header.sectionSize(section) > visible.width() \
                or not visible.contains(rect):
            cut.append(key)
    return cut


def choose_first(qtbot, w: MainWindow) -> None:
    w.select_ticket(w.model.rows[0].id)
    qtbot.waitUntil(lambda: w.panel.detail is not None, timeout=10_000)


# -- 1024×700: number, level and 剩余时间 beside the ticket ---------------------------


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_time_left_in_view_beside_the_ticket_at_1024(qtbot, request, make_demo_db, sqlite_url,
                                                     language):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1024, 700)
    assert columns_cut(w, ESSENTIAL) == []  # nothing chosen yet
    choose_first(qtbot, w)
    save(w, f"edges-{language}-1024.png")
    assert ESSENTIAL == ("number", "level", "remaining")
    assert columns_cut(w, ESSENTIAL) == [], w.splitter.sizes()
    assert w.table.horizontalScrollBar().value() == 0
    assert w.stack.width() >= w.PANEL_MIN  # the record form keeps its width
    # and the same after the window went wide and came back
    w.resize(1366, 768)
    qtbot.waitUntil(lambda: columns_cut(w, DEADLINES) == [], timeout=5000)
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024, timeout=5000)
    assert columns_cut(w, ESSENTIAL) == []
    assert w.stack.width() >= w.PANEL_MIN


# -- 1920×1080: the queue gets the room, and keeps it when a fault is chosen ----------


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_queue_gets_the_room_on_a_wide_screen(qtbot, request, make_demo_db, sqlite_url,
                                                  language):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1920, 1080)
    assert w.panel.detail is None
    empty = w.splitter.sizes()
    save(w, f"edges-{language}-1920-empty.png")
    queue, panel = empty
    assert queue > panel  # the empty panel does not take most of the width
    assert panel >= w.PANEL_MIN
    # every column that fits beside the panel's room is in view
    shown = [key for key in KEYS
             if w.queue_width_needed(key) <= 1920 - w.splitter.handleWidth() - w.PANEL_ROOM]
    assert set(KEYS[:7]) <= set(shown)  # up to the affected business, in either language
    assert columns_cut(w, shown) == []
    if language == "zh_CN":  # in Chinese the whole queue fits
        assert w.table.horizontalScrollBar().maximum() == 0
    choose_first(qtbot, w)
    save(w, f"edges-{language}-1920-chosen.png")
    assert w.splitter.sizes() == empty  # choosing a fault does not move the divider
    assert w.stack.width() >= w.PANEL_MIN


def test_a_restored_divider_is_kept_when_a_fault_is_chosen(qtbot, make_demo_db, sqlite_url):
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1920, 1080)
    w.splitter.moveSplitter(700, 1)
    moved = w.splitter.sizes()
    assert moved[0] < w.fitted_queue_width(sum(moved))
    w.close()
    assert QSettings().value("window/splitter") is not None
    w2 = open_window(qtbot, db, 1920, 1080)
    assert w2.splitter.sizes() == moved  # the remembered layout, not the fitted one
    choose_first(qtbot, w2)
    assert w2.splitter.sizes() == moved


# -- the filters -----------------------------------------------------------------------


def filters(w: MainWindow) -> list[QComboBox]:
    return [w.filter_status, w.filter_level, w.filter_type, w.filter_assignee]


def filters_cut(w: MainWindow) -> list[str]:
    """Filters narrower than their own size hint or their longest entry, or not wholly
    inside the filter bar."""
    bar = w.findChild(type(w.filter_status.parentWidget()), "filterBar")
    cut = []
    for box in filters(w):
        metrics = box.fontMetrics()
        longest = max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count()))
        if box.width() < box.sizeHint().width() or box.width() < longest + 20:
            cut.append(f"{box.objectName()} {box.width()} px")
        if not bar.rect().contains(box.geometry()):
            cut.append(f"{box.objectName()} outside the bar")
    return cut


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(1024, 700), (1366, 768), (1920, 1080)])
def test_the_filters_are_as_wide_as_their_texts(qtbot, request, make_demo_db, sqlite_url,
                                                language, size):
    if language == "en":
        request.getfixturevalue("english")
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, *size)
    choose_first(qtbot, w)
    assignee = w.filter_assignee
    assert assignee.itemText(0) == ("All assignees" if language == "en" else "全部处理人")
    text = assignee.fontMetrics().horizontalAdvance(assignee.itemText(0))
    assert assignee.width() >= text + 20  # the text and the arrow
    assert filters_cut(w) == []
    # narrowed by hand, the filters wrap onto another line rather than being cut
    w.splitter.moveSplitter(w.view_list_width + 300, 1)
    qtbot.waitUntil(lambda: w.table.width() < 300, timeout=5000)
    assert filters_cut(w) == []
    assert len({box.y() for box in filters(w)}) > 1


# -- the colour scheme reaches windows without a parent -----------------------------------


def test_a_dialog_without_a_parent_follows_the_scheme(qtbot, make_demo_db, sqlite_url):
    """A dialog opened on its own (the sign-in dialog the desk shows before or beside
    the window) takes the dark scheme's colours when the palette turns dark, and the
    light ones back; one owned by the window does too."""
    from ui.dialogs.sign_in import SignInDialog

    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1024, 700)
    alone = SignInDialog(db)
    qtbot.addWidget(alone)
    alone.show()
    qtbot.waitExposed(alone)
    owned = w.switch_user()
    assert alone.parent() is None and owned.parent() is w
    alone.message.setStyleSheet(scheme.css("bad"))  # as when signing in failed
    owned.message.setStyleSheet(scheme.css("bad"))
    assert scheme.LIGHT.muted in alone.hint.styleSheet()

    def painted(label) -> str:
        label.ensurePolished()
        return label.palette().color(QPalette.ColorRole.WindowText).name()

    assert painted(alone.message) == scheme.LIGHT.bad
    qapp = QCoreApplication.instance()
    before = qapp.palette()
    try:
        qapp.setPalette(dark_palette())
        qtbot.waitUntil(lambda: scheme.DARK.bad in alone.message.styleSheet(), timeout=5000)
        assert scheme.DARK.muted in alone.hint.styleSheet()
        assert scheme.DARK.bad in owned.message.styleSheet()
        assert painted(alone.message) == scheme.DARK.bad
        assert painted(owned.message) == scheme.DARK.bad
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: scheme.LIGHT.bad in alone.message.styleSheet(), timeout=5000)
    assert painted(alone.message) == scheme.LIGHT.bad


# -- widths saved in one language, the window opened in the other ------------------------


def test_widths_saved_in_chinese_are_fitted_again_in_english(qtbot, request, make_demo_db,
                                                             sqlite_url):
    db, _ = make_demo_db(sqlite_url)
    w = open_window(qtbot, db, 1366, 768)
    header = w.table.horizontalHeader()
    level, status = KEYS.index("level"), KEYS.index("status")
    header.moveSection(header.visualIndex(status), 0)  # the person's own order is kept
    zh_width = header.sectionSize(level)
    w.close()  # saves the layout
    assert QSettings().value(w.COLUMNS_KEY) is not None
    request.getfixturevalue("english")
    again = open_window(qtbot, db, 1366, 768)
    header = again.table.horizontalHeader()
    assert header.visualIndex(status) == 0
    cells = again.table.fontMetrics()
    widest = max(cells.horizontalAdvance(t) for t in again.model.widest_texts("level"))
    # "2 Important" with its mark: wider than the Chinese "二级 重要" was
    assert header.sectionSize(level) >= widest + again.table.iconSize().width()
    assert header.sectionSize(level) > zh_width
    # the same language next time: the widths as left, not fitted again
    header.resizeSection(level, header.sectionSize(level) + 40)
    chosen = header.sectionSize(level)
    again.close()
    third = open_window(qtbot, db, 1366, 768)
    assert third.table.horizontalHeader().sectionSize(level) == chosen


# -- background work yields the cores to the GUI thread -------------------------------------


@pytest.mark.skipif(not hasattr(__import__("os"), "getpriority"), reason="no thread niceness")
def test_background_operations_run_below_the_gui_thread(qtbot):
    import os
    import threading

    from ui import tasks

    gui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []
    with qtbot.waitCallback(timeout=10_000) as answered:
        tasks.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                  on_done=lambda value: (seen.append(value), answered(value)))
    assert seen == [min(19, gui + tasks.BACKGROUND_NICE)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == gui  # GUI unchanged
