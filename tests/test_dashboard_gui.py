"""The dashboard window offscreen, over the demo data: charts, tables, period, exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCharts import QBarSeries, QHorizontalBarSeries, QLineSeries, QPieSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from sqlalchemy import select

from desk.process import people
from desk.read import stats
from models import Ticket
from ui.dashboard import DashboardWindow
from ui.main_window import MainWindow


@pytest.fixture
def demo_db(sqlite_url, make_demo_db):
    db, _ = make_demo_db(sqlite_url)
    return db


@pytest.fixture
def dashboard(qtbot, demo_db):
    w = DashboardWindow(demo_db)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.computed, timeout=20_000):
        w.show()
    qtbot.waitUntil(lambda: not w.is_busy())
    return w


def _series(pane):
    return pane.chart_view.chart().series()


def test_opens_on_this_month_with_the_demo_faults(dashboard, demo_db):
    board = dashboard.dashboard
    assert board is not None
    assert (board.start, board.end) == (date(2026, 11, 1), date(2026, 12, 1))
    with demo_db.read() as s:
        demo_count = len(s.scalars(select(Ticket.id)).all())
    assert board.total == demo_count == 12
    assert "12" in dashboard.summary.text()
    assert not dashboard.busy.isVisible()
    assert all(b.isEnabled() for b in dashboard.export_buttons.values())


def test_charts_have_a_bar_or_slice_per_row(dashboard):
    board = dashboard.dashboard
    pie = _series(dashboard.panes["by_level"])
    assert len(pie) == 1 and isinstance(pie[0], QPieSeries)
    assert pie[0].count() == 3
    assert [s.value() for s in pie[0].slices()] == [
        r[1] for r in board.by_level.rows if r[0] != stats.ALL]
    bars = _series(dashboard.panes["by_type"])
    assert isinstance(bars[0], QBarSeries)
    assert bars[0].count() == 1 and bars[0].barSets()[0].count() == 8
    assert sum(bars[0].barSets()[0].at(i) for i in range(8)) == board.total
    compliance = _series(dashboard.panes["compliance"])[0]
    assert compliance.count() == 2  # respond and restore
    assert all(s.count() == 4 for s in compliance.barSets())  # three levels and all
    assert compliance.barSets()[0].at(3) == pytest.approx(
        board.respond_compliance.rows[3][3])
    lines = _series(dashboard.panes["weekly_trend"])
    assert len(lines) == 4 and all(isinstance(x, QLineSeries) for x in lines)
    assert all(x.count() == len(board.weekly_trend.rows) for x in lines)
    assert sum(p.y() for p in lines[3].points()) == board.total
    business = _series(dashboard.panes["top_businesses"])[0]
    assert isinstance(business, QHorizontalBarSeries)
    assert business.barSets()[0].count() == len(board.top_businesses.rows) == 10


def test_table_models_pass_the_model_tester(qtmodeltester, dashboard):
    for pane in dashboard.panes.values():
        assert pane.model.rowCount() > 0
        qtmodeltester.check(pane.model)
    qtmodeltester.check(dashboard.restore_model)
    level_model = dashboard.panes["by_level"].model
    assert level_model.index(3, 1).data() == "12"
    assert level_model.index(3, 1).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight)


def test_custom_period_recomputes(qtbot, dashboard):
    with qtbot.waitSignal(dashboard.computed, timeout=20_000) as got:
        dashboard.set_custom_period(date(2026, 10, 1), date(2026, 10, 31))
    board = got.args[0]
    assert (board.start, board.end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert board.total == 0
    assert dashboard.from_edit.isEnabled() and dashboard.to_edit.isEnabled()
    assert dashboard.panes["by_level"].model.index(3, 1).data() == "0"
    with qtbot.waitSignal(dashboard.computed, timeout=20_000) as got:
        dashboard.period_box.setCurrentIndex(0)  # this week
    assert got.args[0].start == date(2026, 11, 23)
    assert not dashboard.from_edit.isEnabled()
    assert dashboard.from_edit.date().toPython() == date(2026, 11, 23)


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_export_buttons_write_files(qtbot, monkeypatch, tmp_path: Path, dashboard, kind):
    target = tmp_path / f"统计.{kind}"
    asked = []
    monkeypatch.setattr(DashboardWindow, "ask_export_path", classmethod(
        lambda cls, parent, k, suggested: asked.append((k, suggested)) or str(target)))
    with qtbot.waitSignal(dashboard.exported, timeout=30_000) as done:
        qtbot.mouseClick(dashboard.export_buttons[kind], Qt.MouseButton.LeftButton)
    assert done.args[0] == str(target)
    assert asked == [(kind, f"统计-20261101-20261130.{kind}")]
    board = dashboard.dashboard
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
        at = rows.index(["按等级"])
        assert rows[at + 5] == [stats.ALL, str(board.total), "100.0"]
    elif kind == "xlsx":
        book = load_workbook(target)
        try:
            assert book["按等级"]["B5"].value == board.total
        finally:
            book.close()
    else:
        reader = PdfReader(target)
        assert len(reader.pages) == 1
        assert "故障统计报表" in reader.pages[0].extract_text()


def test_cancelled_export_writes_nothing(qtbot, monkeypatch, tmp_path, dashboard):
    monkeypatch.setattr(DashboardWindow, "ask_export_path",
                        classmethod(lambda cls, parent, k, suggested: ""))
    qtbot.mouseClick(dashboard.export_buttons["csv"], Qt.MouseButton.LeftButton)
    assert not dashboard.is_busy()
    assert list(tmp_path.glob("*.csv")) == []


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no raise
def test_menu_of_the_main_window_opens_the_dashboard(qtbot, monkeypatch, demo_db):
    monkeypatch.setattr(MainWindow, "ask_discard",
                        classmethod(lambda cls, parent, text: True))
    person = people.get_person(demo_db, people.person_id(demo_db, "IT001"))
    window = MainWindow(demo_db, ZoneInfo("Asia/Shanghai"), "SQLite (test)", person)
    qtbot.addWidget(window)
    action = next((a for a in window.findChildren(QAction)
                   if a.objectName() == "actionDashboard"), None)
    assert action is not None and action is window.dashboard_action
    menus = [a.text() for a in window.menuBar().actions()]
    assert "统计(&S)" in menus
    action.trigger()
    board_window = window.findChild(DashboardWindow, "dashboard")
    assert board_window is not None and board_window.isVisible()
    qtbot.waitUntil(lambda: board_window.dashboard is not None, timeout=20_000)
    assert board_window.dashboard.total == 12
    action.trigger()  # a second time: the same window, raised
    assert window.findChildren(DashboardWindow) == [board_window]
    board_window.close()


def test_the_times_tab_shows_the_paused_time(qtbot, dashboard, demo_db, clock):
    from desk.process import workflow
    from desk.rules.transitions import PAUSABLE
    from models import Person

    assert dashboard.pauses_model.rowCount() == 4
    assert dashboard.pauses_model.index(0, 1).data() == "0"  # the demo has no pause
    assert dashboard.pauses_model.index(3, 1).data() == "—"
    with demo_db.read() as s:
        actor = s.scalar(select(Person.id).where(Person.employee_no == "IT001"))
        number = s.scalar(select(Ticket.number).where(
            Ticket.status.in_(PAUSABLE), Ticket.restored_at.is_(None),
            Ticket.workaround_at.is_(None)).order_by(Ticket.id).limit(1))
    workflow.perform(demo_db, "pause", number, actor, {"reason": "等待报告人"})
    clock.advance(minutes=30)
    workflow.perform(demo_db, "resume", number, actor, {})
    with qtbot.waitSignal(dashboard.computed, timeout=20_000):
        dashboard.refresh()
    model = dashboard.pauses_model
    assert [model.index(r, 1).data() for r in range(4)] == ["1", "1", "30.0", "30.0"]
    assert dashboard.pauses_title.text() in ("计时暂停", "Paused clocks")
    assert dashboard.pauses_view.isVisibleTo(dashboard.panes["durations"])
