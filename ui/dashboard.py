"""The dashboard window (统计): charts and their tables for a chosen period, and exports.

- ``StatsTableModel``: a read-only ``QAbstractTableModel`` over one ``desk.read.stats.Table``
  (a handful of rows, already aggregated by the database).
- ``DashboardWindow``: period chooser (this week, this month, last 30 days, custom
  from–to), one tab per view with a QtCharts chart above the table behind it, exports
  to CSV / XLSX / PDF. The figures are computed off the GUI thread (``ui.tasks``) with a
  busy bar; a result for a period that is no longer chosen is dropped.
- ``open_dashboard(window, db)``: the main window's dashboard, opened or raised (its 统计
  menu is put in by ``ui.menus``, which imports this module on first use).

Signals of ``DashboardWindow``:
    computed(object): a ``Dashboard`` arrived and is shown.
    exported(str): an export was written to this path.
    failed(object): computing or exporting failed with this exception.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.read import stats
from ui import scheme, tasks

log = logging.getLogger(__name__)

PRESETS = ("week", "month", "last30", "custom")
_Index = QModelIndex | QPersistentModelIndex


# The Chinese labels of the tables desk.read.stats builds (titles, headers, row labels):
# listed for lupdate (resources/translations/build.py), shown through ``label``.
STATS_LABELS = tuple(stats.LABELS_EN)
_TOP = re.compile(r"受影响业务（前 (\d+) 名）")


def label(text: str) -> str:
    """A table's title, header or row label in the interface language; anything else
    (a business's name, a week) as it is."""
    if (top := _TOP.fullmatch(text)) is not None:
        return QCoreApplication.translate("Dashboard", "受影响业务（前 {0} 名）").format(
            top.group(1))
    return QCoreApplication.translate("Dashboard", text) if text in stats.LABELS_EN else text


def translated(table: stats.Table) -> stats.Table:
    """``table`` with its title, headers and the labels among its cells translated."""
    rows = [[label(v) if isinstance(v, str) else v for v in row] for row in table.rows]
    return replace(table, title=label(table.title), headers=[label(h) for h in table.headers],
                   rows=rows)


class StatsTableModel(QAbstractTableModel):
    """One dashboard table, read-only; numbers right-aligned, a missing value as "—"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[Any]] = []

    def set_table(self, table: stats.Table) -> None:
        self.beginResetModel()
        self.headers = list(table.headers)
        self.rows = [list(r) for r in table.rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) \
                or index.column() >= len(self.headers):
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "—"
            if isinstance(value, float):
                return f"{value:.1f}"
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(value, int | float) or value is None:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return str(section + 1) if 0 <= section < len(self.rows) else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class _Pane(QSplitter):
    """A chart (optional) above the table behind it."""

    def __init__(self, key: str, with_chart: bool, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName(f"pane_{key}")
        self.chart_view: QChartView | None = None
        self.tables: list[tuple[QWidget, QTableView]] = []
        if with_chart:
            self.chart_view = QChartView(self)
            self.chart_view.setObjectName(f"chart_{key}")
            self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_view.setMinimumHeight(200)
        self.model = StatsTableModel(self)
        self.title, self.view = self.add_table(key, self.model)
        if self.chart_view is not None:
            self.setStretchFactor(0, 3)
            self.setStretchFactor(1, 2)
        self._moved = False  # a person moved the divider: their sizes stay
        self.splitterMoved.connect(self._divider_moved)

    def _divider_moved(self, _pos: int, _index: int) -> None:
        self._moved = True

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._share()

    def _share(self) -> None:
        """The tables beside a chart get their rows' height, the chart all the rest."""
        if self.chart_view is None or self._moved or self.height() <= 0:
            return
        tables = [box.maximumHeight() for box, _view in self.tables]
        rest = self.height() - sum(tables) - self.handleWidth() * len(tables)
        self.setSizes([max(rest, self.chart_view.minimumHeight()), *tables])

    def add_table(self, key: str, model: StatsTableModel) -> tuple[QLabel, QTableView]:
        """A titled table below what the pane holds already."""
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        title = QLabel(box)
        title.setObjectName(f"title_{key}")
        title.setStyleSheet("font-weight: bold")
        view = QTableView(box)
        view.setObjectName(f"table_{key}")
        view.setModel(model)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        # rows as high as a line of text, not as the style's default
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(False)
        view.setWordWrap(False)
        column.addWidget(title)
        column.addWidget(view, 1)
        self.addWidget(box)
        self.setCollapsible(self.count() - 1, False)
        self.tables.append((box, view))
        return title, view

    PADDING = 16  # beside a cell's widest text, so no text touches (or loses) an edge

    def fit_tables(self) -> None:
        """Each column as wide as its widest text and header with room to spare; beside
        a chart, a table only as high as its rows, the chart takes the rest."""
        for box, view in self.tables:
            header = view.horizontalHeader()
            for column in range(view.model().columnCount()):
                header.resizeSection(column, max(view.sizeHintForColumn(column),
                                                 header.sectionSizeHint(column))
                                     + self.PADDING)
            if self.chart_view is None:
                continue
            rows = sum(view.verticalHeader().sectionSize(r)
                       for r in range(view.model().rowCount()))
            scroll = view.horizontalScrollBar().sizeHint().height()
            needed = header.height() + rows + 2 * view.frameWidth() + scroll
            margins = box.layout().contentsMargins()
            title = box.layout().itemAt(0).widget().sizeHint().height()
            box.setMaximumHeight(needed + title + margins.top() + margins.bottom()
                                 + box.layout().spacing())
        self._share()

    def set_chart(self, chart: QChart) -> None:
        assert self.chart_view is not None
        old = self.chart_view.chart()
        self.chart_view.setChart(chart)
        if old is not None:
            old.deleteLater()


class DashboardWindow(QWidget):
    """The dashboard of a chosen period (see the module docstring for its signals)."""

    computed = Signal(object)
    exported = Signal(str)
    failed = Signal(object)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window, True)
        self.setObjectName("dashboard")
        self.setWindowTitle(self.tr("统计"))
        self.db = db
        self.dashboard: stats.Dashboard | None = None
        self._generation = 0
        self._busy = 0
        self._build()
        self.resize(1000, 720)
        self.refresh()

    # -- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("统计期间：")))
        self.period_box = QComboBox()
        self.period_box.setObjectName("periodBox")
        for key, label in zip(PRESETS, [self.tr("本周"), self.tr("本月"),
                                        self.tr("最近 30 天"), self.tr("自定义")], strict=True):
            self.period_box.addItem(label, key)
        self.period_box.setCurrentIndex(1)
        self.period_box.currentIndexChanged.connect(self._period_changed)
        bar.addWidget(self.period_box)
        self.from_edit = QDateEdit()
        self.from_edit.setObjectName("fromDate")
        self.to_edit = QDateEdit()
        self.to_edit.setObjectName("toDate")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._dates_changed)
        bar.addWidget(QLabel(self.tr("从")))
        bar.addWidget(self.from_edit)
        bar.addWidget(QLabel(self.tr("到")))
        bar.addWidget(self.to_edit)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        bar.addWidget(self.refresh_button)
        self.busy = QProgressBar()
        self.busy.setObjectName("busyBar")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        bar.addWidget(self.busy)
        bar.addStretch(1)
        self.export_buttons: dict[str, QPushButton] = {}
        for kind, label in (("csv", self.tr("导出 CSV")), ("xlsx", self.tr("导出 Excel")),
                            ("pdf", self.tr("导出 PDF"))):
            button = QPushButton(label)
            button.setObjectName(f"export_{kind}")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, k=kind: self.export(k))
            self.export_buttons[kind] = button
            bar.addWidget(button)
        layout.addLayout(bar)
        self.summary = QLabel()
        self.summary.setObjectName("summaryLabel")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        self.panes: dict[str, _Pane] = {}
        for key, label, chart in [
            ("by_level", self.tr("按等级"), True),
            ("by_type", self.tr("按类型"), True),
            ("compliance", self.tr("时限达成"), True),
            ("weekly_trend", self.tr("每周趋势"), True),
            ("top_businesses", self.tr("受影响业务"), True),
            ("by_status", self.tr("按状态"), False),
            ("durations", self.tr("处理用时"), False),
            ("verification", self.tr("验证结果"), False),
        ]:
            pane = _Pane(key, chart)
            self.panes[key] = pane
            self.tabs.addTab(pane, label)
        # the compliance tab shows both clocks: respond above, restore below
        self.restore_model = StatsTableModel(self)
        self.restore_title, self.restore_view = self.panes["compliance"].add_table(
            "restore_compliance", self.restore_model)
        # the times tab shows the paused time below the handling times
        self.pauses_model = StatsTableModel(self)
        self.pauses_title, self.pauses_view = self.panes["durations"].add_table(
            "pauses", self.pauses_model)
        layout.addWidget(self.tabs, 1)

    # -- period ---------------------------------------------------------------------------

    def preset(self) -> str:
        return str(self.period_box.currentData())

    def _period_changed(self, _index: int) -> None:
        custom = self.preset() == "custom"
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        self.refresh()

    def _dates_changed(self, _date: QDate) -> None:
        if self.preset() == "custom":
            self.refresh()

    def set_custom_period(self, first: date, last: date) -> None:
        """Choose a custom period from ``first`` to ``last`` (both included)."""
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        if self.preset() == "custom":
            self.refresh()
        else:
            self.period_box.setCurrentIndex(PRESETS.index("custom"))

    def _custom_period(self) -> tuple[date, date]:
        first = self.from_edit.date().toPython()
        last = self.to_edit.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return first, last + timedelta(days=1)

    # -- computing ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the chosen period's dashboard off the GUI thread."""
        preset = self.preset()
        custom = self._custom_period() if preset == "custom" else None
        db = self.db
        self._generation += 1
        generation = self._generation

        def work() -> stats.Dashboard:
            if custom is not None:
                start, end = custom
            else:
                today = stats.local_today(db)
                start, end = {"week": stats.this_week, "month": stats.this_month,
                              "last30": stats.last_days}[preset](today)
            return stats.compute(db, start, end)

        self._set_busy(+1)
        tasks.run(work, lambda board: self._computed(generation, board),
                  lambda exc: self._failed(generation, exc))

    def is_busy(self) -> bool:
        return self._busy > 0

    def _set_busy(self, delta: int) -> None:
        self._busy += delta
        self.busy.setVisible(self._busy > 0)

    def _computed(self, generation: int, board: stats.Dashboard) -> None:
        if not shiboken6.isValid(self):
            return  # closed while the figures were computed
        self._set_busy(-1)
        if generation != self._generation:
            return  # the period changed meanwhile; a newer result is on its way
        self.show_dashboard(board)
        self.computed.emit(board)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(-1)
        if generation == self._generation:
            self.show_error(exc)
            self.failed.emit(exc)

    def show_dashboard(self, board: stats.Dashboard) -> None:
        self.dashboard = board
        if self.preset() != "custom":
            self.set_dates_quietly(board.start, board.end - timedelta(days=1))
        period = self.tr("{0} 至 {1}").format(f"{board.start:%Y-%m-%d}",
                                            f"{board.end - timedelta(days=1):%Y-%m-%d}")
        self.summary.setText(self.tr("统计期间 {0}（{1}）　故障总数 {2}").format(
            period, board.timezone, board.total))
        for key, pane in self.panes.items():
            table = board.respond_compliance if key == "compliance" else board.table(key)
            pane.model.set_table(translated(table))
            pane.title.setText(label(table.title))
        self.restore_model.set_table(translated(board.restore_compliance))
        self.restore_title.setText(label(board.restore_compliance.title))
        self.pauses_model.set_table(translated(board.pauses))
        self.pauses_title.setText(label(board.pauses.title))
        for pane in self.panes.values():
            pane.fit_tables()
        self.panes["by_level"].set_chart(self._level_chart(board))
        self.panes["by_type"].set_chart(self._type_chart(board))
        self.panes["compliance"].set_chart(self._compliance_chart(board))
        self.panes["weekly_trend"].set_chart(self._trend_chart(board))
        self.panes["top_businesses"].set_chart(self._business_chart(board))
        for button in self.export_buttons.values():
            button.setEnabled(True)

    def set_dates_quietly(self, first: date, last: date) -> None:
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    # -- charts ---------------------------------------------------------------------------

    def _chart(self, title: str) -> QChart:
        chart = QChart()
        # the scheme's own theme (titles, labels, axes) on its chart background
        chart.setTheme(QChart.ChartTheme.ChartThemeDark if scheme.is_dark()
                       else QChart.ChartTheme.ChartThemeLight)
        chart.setBackgroundBrush(QColor(scheme.colours().chart_ground))
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        return chart

    def _level_chart(self, board: stats.Dashboard) -> QChart:
        chart = self._chart(self.tr("按等级（故障数）"))
        series = QPieSeries()
        levels = scheme.colours().chart_levels
        for i, row in enumerate(r for r in board.by_level.rows if r[0] != stats.ALL):
            piece = series.append(self.tr("{0}：{1}").format(label(str(row[0])), row[1]),
                                  float(row[1]))
            piece.setColor(QColor(levels[i % len(levels)]))
            piece.setLabelVisible(row[1] > 0)
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        return chart

    def _bars(self, title: str, categories: list[str],
              sets: list[tuple[str, list[float], str]], horizontal: bool = False,
              maximum: float | None = None) -> QChart:
        chart = self._chart(title)
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        for name, values, colour in sets:
            bar_set = QBarSet(name)
            bar_set.append([float(v) for v in values])
            bar_set.setColor(QColor(colour))
            series.append(bar_set)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        categories_axis = QBarCategoryAxis()
        categories_axis.append(categories)
        values_axis = QValueAxis()
        top = max((v for _, values, _ in sets for v in values), default=0.0)
        if maximum is None:
            _count_axis(values_axis, top)
        else:
            values_axis.setRange(0, maximum)
            values_axis.setTickCount(6)
            values_axis.setLabelFormat("%d")
        if horizontal:
            chart.addAxis(categories_axis, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(categories_axis, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories_axis)
        series.attachAxis(values_axis)
        chart.legend().setVisible(len(sets) > 1)
        return chart

    def _type_chart(self, board: stats.Dashboard) -> QChart:
        rows = [r for r in board.by_type.rows if r[0] != stats.ALL]
        return self._bars(self.tr("按类型（故障数）"), [label(str(r[0])) for r in rows],
                          [(self.tr("故障数"), [r[1] for r in rows], scheme.colours().chart_series[0])])

    def _compliance_chart(self, board: stats.Dashboard) -> QChart:
        respond, restore = board.respond_compliance.rows, board.restore_compliance.rows
        return self._bars(
            self.tr("时限达成率（%）"), [label(str(r[0])) for r in respond],
            [(self.tr("响应达标%"), [r[3] or 0.0 for r in respond], scheme.colours().chart_series[0]),
             (self.tr("恢复达标%"), [r[3] or 0.0 for r in restore], scheme.colours().chart_series[1])],
            maximum=100.0)

    def _business_chart(self, board: stats.Dashboard) -> QChart:
        rows = list(reversed(board.top_businesses.rows))  # the largest on top
        return self._bars(self.tr("受影响业务（故障数）"), [str(r[0]) for r in rows],
                          [(self.tr("故障数"), [r[1] for r in rows], scheme.colours().chart_series[2])],
                          horizontal=True)

    def _trend_chart(self, board: stats.Dashboard) -> QChart:
        chart = self._chart(self.tr("每周趋势（故障数）"))
        rows = board.weekly_trend.rows
        axis_x = QBarCategoryAxis()
        axis_x.append([str(r[0]) for r in rows])
        axis_y = QValueAxis()
        top = max((r[5] for r in rows), default=0)
        _count_axis(axis_y, top)
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        headers = board.weekly_trend.headers
        shown = scheme.colours()
        colours = [*shown.chart_levels, shown.chart_series[3]]
        for column in range(2, 6):
            line = QLineSeries()
            line.setName(label(headers[column]))
            for i, row in enumerate(rows):
                line.append(float(i), float(row[column]))
            line.setColor(QColor(colours[column - 2]))
            line.setPointsVisible(True)
            chart.addSeries(line)
            line.attachAxis(axis_x)
            line.attachAxis(axis_y)
        if len(rows) > 16:  # a year of weeks: the labels would overlap
            axis_x.setLabelsAngle(-60)
        return chart

    # -- exports --------------------------------------------------------------------------

    @classmethod
    def ask_export_path(cls, parent: QWidget, kind: str, suggested: str) -> str:
        """The file an export goes to (tests replace this)."""
        filters = {"csv": "CSV (*.csv)", "xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)"}
        path, _ = QFileDialog.getSaveFileName(parent, parent.tr("导出统计"), suggested,
                                              filters[kind])
        return path

    def export(self, kind: str) -> None:
        from desk.read import stats_export

        board = self.dashboard
        if board is None:
            return
        last = board.end - timedelta(days=1)
        suggested = f"统计-{board.start:%Y%m%d}-{last:%Y%m%d}.{kind}"
        path = self.ask_export_path(self, kind, suggested)
        if not path:
            return
        self._set_busy(+1)
        for button in self.export_buttons.values():
            button.setEnabled(False)
        tasks.run(lambda: str(stats_export.write(board, kind, Path(path))),
                  self._export_done, self._export_failed)

    def _export_done(self, path: str) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(-1)
        self._enable_exports()
        self.exported.emit(path)

    def _export_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(-1)
        self._enable_exports()
        self.show_error(exc)
        self.failed.emit(exc)

    def _enable_exports(self) -> None:
        for button in self.export_buttons.values():
            button.setEnabled(self.dashboard is not None)

    def show_error(self, exc: BaseException) -> None:
        if not isinstance(exc, DeskError):
            log.error("dashboard failed", exc_info=exc)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("统计"), str(exc),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.open()


def _count_axis(axis: QValueAxis, top: float) -> None:
    """An axis of counts: whole numbers only, a little room above the highest."""
    ceiling = max(1, math.ceil(top * 1.1))
    if ceiling <= 10:
        axis.setRange(0, ceiling)
        axis.setTickCount(ceiling + 1)
    else:
        axis.setRange(0, ceiling)
        axis.applyNiceNumbers()
    axis.setLabelFormat("%d")


def open_dashboard(window: QMainWindow, db: Database) -> DashboardWindow:
    """Open the main window's dashboard, or raise the one already open."""
    current = getattr(window, "dashboard_window", None)
    if not isinstance(current, DashboardWindow) or not shiboken6.isValid(current):
        current = DashboardWindow(db, window)
        current.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        window.dashboard_window = current  # type: ignore[attr-defined]
    current.show()
    current.raise_()
    current.activateWindow()
    return current
