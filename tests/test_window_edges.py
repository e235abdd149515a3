"""The main window's edges at the sizes people use, in Chinese and English: the queue's
first columns up to 剩余时间 beside the ticket panel at 1024×700, the divider that favours
the queue on a wide screen and does not move when a fault is chosen, the filters whole,
and windows without a parent that follow a change of the colour scheme. Real widgets
offscreen, measured as they are laid out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from desk.admin.demo import add_demo_data
from tests.test_window_layout_gui import (  # noqa: F401  (fixtures)
    chinese_font,
    english,
    open_window,
    save,
)
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
def test_time_left_in_view_beside_the_ticket_at_1024(qtbot, request, make_db, sqlite_url,
                                                     language):
    if language == "en":
        request.getfixturevalue("english")
    db = make_db(sqlite_url)
    add_demo_data(db)
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
def test_the_queue_gets_the_room_on_a_wide_screen(qtbot, request, make_db, sqlite_url,
                                                  language):
    if language == "en":
        request.getfixturevalue("english")
    db = make_db(sqlite_url)
    add_demo_data(db)
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


def test_a_restored_divider_is_kept_when_a_fault_is_chosen(qtbot, make_db, sqlite_url):
    db = make_db(sqlite_url)
    add_demo_data(db)
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
