"""The queue loads off the GUI thread: the window keeps working while a query runs, and
an answer to a query that has been replaced since never reaches the screen."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from desk.process import people, reporting
from desk.read import queue
from tests.conftest import settle
from ui.main_window import MainWindow

SLOW = "慢查询"


@pytest.fixture
def gate(monkeypatch):
    """Searches for SLOW wait in the worker until the test opens the gate."""
    opened = threading.Event()
    started = threading.Event()
    real = queue.list_tickets

    def list_tickets(db, query, offset=0, limit=200):
        if query.text == SLOW:
            started.set()
            assert opened.wait(30), "the gate was never opened"
        return real(db, query, offset, limit)

    monkeypatch.setattr(queue, "list_tickets", list_tickets)
    yield started, opened
    opened.set()  # never leave a worker waiting


@pytest.fixture
def window(demo_window):
    return demo_window


def test_the_window_keeps_working_while_a_search_runs(qtbot, window, gate):
    started, opened = gate
    before = [r.number for r in window.model.rows]
    assert len(before) == 12
    window.search.setText(SLOW)
    window.apply_query()
    assert started.wait(10)
    # the query is stuck in the worker; the GUI thread goes on: timers fire, the old rows
    # stay on screen, the status bar says a query is running
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=2_000)
    assert window.model.busy and window.busy_label.isVisible()
    assert [r.number for r in window.model.rows] == before
    with qtbot.waitSignal(window.model.loaded, timeout=10_000):
        opened.set()
    settle(qtbot, window)
    assert window.model.rows == [] and not window.busy_label.isVisible()


def test_an_answer_to_a_replaced_search_never_reaches_the_screen(qtbot, window, gate):
    started, opened = gate
    wanted = next(r for r in window.model.rows if "销售订单" in r.affected_business)
    window.search.setText(SLOW)
    window.apply_query()
    assert started.wait(10)
    window.search.setText("销售订单")  # typed on while the first search still runs
    window.apply_query()
    qtbot.waitUntil(lambda: window.model.row_of(wanted.id) >= 0
                    and len(window.model.rows) < 12, timeout=10_000)
    shown = [r.id for r in window.model.rows]
    assert window.model.busy  # the first search has not come back yet
    opened.set()
    settle(qtbot, window)
    assert [r.id for r in window.model.rows] == shown  # its answer was dropped


def test_the_selected_ticket_stays_selected_across_a_reload(qtbot, window):
    row = 3
    window.table.selectRow(row)
    chosen = window.selected_ticket_id()
    assert chosen is not None and window.panel.detail.id == chosen
    # a new fault on top shifts every row down by one; the selection follows the ticket
    reporting.report_fault(window.db, reporting.FaultReport(
        fault_type=window.model.rows[0].fault_type, affected_business="新业务",
        phenomenon="新故障"), people.person_id(window.db, "IT001"))
    window.apply_query()
    settle(qtbot, window)
    assert len(window.model.rows) == 13
    assert window.selected_ticket_id() == chosen
    assert window.model.row_of(chosen) == row + 1


def test_a_failed_load_keeps_the_rows_and_says_so(qtbot, window, monkeypatch):
    from desk.errors import DatabaseError

    def broken(*_args, **_kwargs):
        raise DatabaseError("数据库暂时不可用", "the database is unavailable")

    before = list(window.model.rows)
    monkeypatch.setattr(queue, "count_tickets", broken)
    with qtbot.waitSignal(window.model.failed, timeout=10_000):
        window.apply_query()
    settle(qtbot, window)
    assert window.model.rows == before
    assert "数据库暂时不可用" in window.statusBar().currentMessage()


def test_view_counts_never_hold_up_the_queue_and_run_one_at_a_time(qtbot, window, monkeypatch):
    """A slow count beside the views (a search over a million tickets) must not keep the
    queue's rows waiting; requests made meanwhile are counted once, with the last query."""
    gate = threading.Event()
    batches: list[str] = []
    real = queue.count_tickets

    def count_tickets(db, query, at_most=None):
        if at_most == MainWindow.VIEW_COUNT_CAP:
            if not batches or batches[-1] != query.text:  # a batch counts every view
                batches.append(query.text)
            assert gate.wait(30), "the gate was never opened"
        return real(db, query, at_most)

    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window._counts.busy, timeout=10_000)
    monkeypatch.setattr(queue, "count_tickets", count_tickets)
    try:
        for text in ["销", "销售", "销售订", "销售订单"]:  # typed key by key
            window.search.setText(text)
            window.apply_query()
            settle(qtbot, window)  # the rows come although the count is stuck
            assert all(text in r.affected_business or text in r.phenomenon
                       for r in window.model.rows) or not window.model.rows
        assert batches == ["销"]
        with qtbot.waitSignal(window.view_counts_updated, timeout=10_000) as counted:
            gate.set()
    finally:
        gate.set()
    assert batches == ["销", "销售订单"]  # the first, then once more with the last query
    expected = queue.count_tickets(window.db, window.build_query("all"))
    assert counted.args[0]["all"] == expected


@pytest.mark.gc_freeze
def test_start_up_objects_are_kept_out_of_the_collectors_way_while_the_window_is_open(
        qtbot, window, monkeypatch):
    """Once the first page is on screen, what start-up made is frozen out of the garbage
    collector's walk (a full collection stops every thread: walking start-up's objects
    stalled the window ~90 ms at a million faults); closing the window gives it back."""
    import gc

    assert window.model.rows and MainWindow._frozen
    assert gc.get_freeze_count() > 10_000  # the modules, widgets and their wrappers
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, p, t: True))
    window.close()
    assert not MainWindow._frozen and gc.get_freeze_count() == 0
