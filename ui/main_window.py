"""The desk window: queue views on the left, the queue, and the selected ticket.

Signals:
    ticket_saved(object): a new ticket was reported from this window.
    person_changed(object): who works at this desk changed (``PersonView`` or None).
"""

from __future__ import annotations

import contextlib
import gc
import logging
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.process import people
from desk.process.people import PersonView
from desk.read import documents
from desk.read import queue as tickets
from desk.read.queue import TicketQuery
from desk.read.tickets import TicketDetail
from desk.rules import transitions
from models import FaultLevel, FaultType, Role, Status
from ui import scheme, tasks
from ui.flow_layout import FlowLayout, fixed_width
from ui.labels import label as tr_label
from ui.queue_model import COLUMNS, DEADLINES, KEYS, TicketTableModel
from ui.record_form import NewFaultForm
from ui.ticket.panel import TicketPanel

if TYPE_CHECKING:
    from ui.live import LiveBinding

log = logging.getLogger(__name__)

VIEWS = [
    ("all", "全部"),
    ("mine", "我的待办"),
    ("reported", "待受理"),
    ("due", "超时/即将超时"),
    ("resolved", "已解决"),
]


class MainWindow(QMainWindow):
    ticket_saved = Signal(object)
    view_counts_updated = Signal(object)
    person_changed = Signal(object)

    def __init__(self, db: Database, tz: ZoneInfo, db_label: str,
                 person: PersonView | None = None, live: bool = False) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.db = db
        self.tz = tz
        self.person = person
        self.setWindowTitle(self.tr("Desk — 技术故障反馈与处理"))
        self.resize(1360, 820)

        self.model = TicketTableModel(db, tz, self)
        # the queue loads off the GUI thread; when its rows arrive, the ticket asked for
        # (a new one) or else the one selected before is selected (see apply_query)
        self._select_after_load: int | None = None
        self._selected_before_reset: int | None = None
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.loaded.connect(self._queue_loaded)
        self.model.loaded.connect(self._freeze_start_up)
        self.model.failed.connect(self._queue_failed)
        # levels, states and time left in the colours of the system's light or dark scheme
        self.scheme_watcher = scheme.SchemeWatcher(self)
        self.scheme_watcher.changed.connect(self.repaint_colours)
        self._counts = tasks.Latest(self, self._counts_idle)  # see _update_view_counts
        self._counts_stale = False
        self.view_list = QListWidget()
        self.view_list.setObjectName("viewList")
        self.view_list.setAccessibleName(self.tr("队列视图"))
        for key, label in VIEWS:
            item = QListWidgetItem(self.tr(label))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.view_list.addItem(item)
        # as wide as the longest view with its count, in the language shown
        widest = max(self.view_list.fontMetrics().horizontalAdvance(f"{self.tr(label)} (999)")
                     for _key, label in VIEWS)
        self.view_list_width = widest + 2 * self.view_list.frameWidth() + 12
        self.view_list.setFixedWidth(self.view_list_width)
        self.view_list.setCurrentRow(0)
        self.view_list.currentRowChanged.connect(lambda _row: self.apply_query())

        self.table = QTableView()
        self.table.setObjectName("queueTable")
        self.table.setAccessibleName(self.tr("故障队列"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COLUMNS.index(("reported_at", "报告时间")),
                                Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setWordWrap(False)  # one line a row; a long business is elided
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._fit_columns()
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.panel = TicketPanel(db, tz)
        self.panel.set_person(person)
        self.panel.changed.connect(self._ticket_changed)
        self.panel.announced.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        self.stack = QStackedWidget()
        self.stack.setObjectName("rightStack")
        self.stack.addWidget(self.panel)
        self.form: NewFaultForm | None = None

        left = QSplitter(Qt.Orientation.Horizontal)
        left.addWidget(self.view_list)
        queue_box = QWidget()
        queue_layout = QVBoxLayout(queue_box)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addWidget(self._build_filter_bar())
        queue_layout.addWidget(self.table, 1)
        left.addWidget(queue_box)
        left.setStretchFactor(1, 1)
        left.setSizes([self.view_list_width, 640])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.stack)
        self.splitter.setSizes([760, 600])
        # on a small screen the queue scrolls sideways; the record form never collapses away
        self.stack.setMinimumWidth(self.PANEL_MIN)
        self.splitter.setCollapsible(1, False)
        left.setMinimumWidth(240)
        self.left_splitter = left
        # until somebody moves the divider (or a saved one is restored), the queue gets the
        # width its deadline columns need, the ticket panel the rest (see _fit_splitter)
        self._splitter_fitted = True
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self.stack.currentChanged.connect(self._stack_changed)
        self.setCentralWidget(self.splitter)

        self._build_actions()
        self.db_label = QLabel(db_label)
        self.db_label.setObjectName("dbLabel")
        self.person_label = QLabel()
        self.person_label.setObjectName("personLabel")
        self.statusBar().addWidget(self.db_label, 1)
        self.busy_label = QLabel(self.tr("正在查询…"))
        self.busy_label.setObjectName("queueBusy")
        self.busy_label.setVisible(False)
        self.model.busy_changed.connect(self.busy_label.setVisible)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.person_label)
        self._update_person_label()
        self.service_label = QLabel()  # whether the team's service (desk serve) runs
        self.service_label.setObjectName("serviceStatus")
        self.statusBar().addPermanentWidget(self.service_label)

        self.clock = QTimer(self)
        self.clock.setInterval(60_000)
        self.clock.timeout.connect(self.model.tick)
        self.clock.timeout.connect(self.refresh_service_status)
        self.clock.start()
        self.refresh_service_status()
        self._restore_geometry()
        self.apply_query()
        self.live: LiveBinding | None = None
        self._reselecting = False  # a reload selects the shown ticket's row again
        if live:
            self.start_live()
        from ui.document_menu import install_documents  # the 文档 menu, batch export, Ctrl+P

        self.document_actions = install_documents(self, db)
        from ui.notifications import install_notifications  # the 通知 menu, dock, mail

        self.notifications = install_notifications(self, db, self.person)
        from ui.calendar_banner import install_calendar_banner  # next year's calendar

        self.calendar_banner = install_calendar_banner(self, db, self.person)
        # the 统计 and 知识库 menus: the dashboard and the knowledge base load on first use
        from ui.menus import install_dashboard, install_kb_menu

        self.dashboard_action = install_dashboard(self, db)
        self.kb_action = install_kb_menu(self, db, self.person)
        from ui.lessons_menu import install_lessons  # the 问题 menu: links, problems, reports

        self.lessons_actions = install_lessons(self, db)
        self.table.setDragEnabled(True)  # a row dropped on the links form gives its number
        from ui.accessibility import name_widgets  # the rest from their labels and texts

        name_widgets(self)

    # -- sizes ----------------------------------------------------------------------------

    PANEL_MIN = 440  # the ticket panel and the record form are never narrower
    PANEL_ROOM = 640  # ... and get this much before the queue gets all its columns
    FORM_WIDTH = 720  # what the new-fault form gets when the window has it

    def _fit_columns(self) -> None:
        """Each column as wide as its header and its longest possible text, in the
        language shown (so English headers are not cut and Chinese is not padded)."""
        header = self.table.horizontalHeader()
        cells = self.table.fontMetrics()
        icon = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        for section, (key, _label) in enumerate(COLUMNS):
            if key == "affected_business":
                width = max(170, cells.horizontalAdvance("销售订单系统 – 客户档案") + 16)
            else:
                texts = [cells.horizontalAdvance(t) for t in self.model.widest_texts(key)]
                width = max(texts, default=0) + 14
                if key in ("level", "status"):
                    width += icon + 6  # the coloured mark before the text
            header.resizeSection(section, max(width, self.header_width_needed(section)))

    def header_width_needed(self, section: int) -> int:
        """The width a queue column needs for its header text in the interface language,
        not elided: as Qt measures a section (the bold font of a highlighted section, the
        style's margins and the sort arrow), and at least the text in bold plus both
        margins and the arrow."""
        header = self.table.horizontalHeader()
        text = str(self.model.headerData(section, Qt.Orientation.Horizontal))
        bold = QFont(header.font())
        bold.setBold(True)
        style = header.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        measured = QFontMetrics(bold).horizontalAdvance(text) + 4 * margin + arrow + 8
        return max(measured, header.sectionSizeFromContents(section).width())

    def _header_texts(self) -> str:
        return "|".join(str(self.model.headerData(i, Qt.Orientation.Horizontal))
                        for i in range(len(COLUMNS)))

    def _widen_cut_headers(self) -> None:
        """Widths restored from a session in the other language (or narrowed then) are
        widened where they would cut the header text shown now."""
        header = self.table.horizontalHeader()
        for section in range(header.count()):
            need = self.header_width_needed(section)
            if header.sectionSize(section) < need:
                header.resizeSection(section, need)

    def queue_width_needed(self, through: str | None = None) -> int:
        """The width the left side needs to show the views and the queue up to column
        ``through`` (by default its last deadline column; "" for every column) without
        scrolling sideways."""
        header = self.table.horizontalHeader()
        if through is None:
            last = max(KEYS.index(key) for key in DEADLINES)
        elif through:
            last = KEYS.index(through)
        else:
            last = len(KEYS) - 1
        columns = sum(header.sectionSize(i) for i in range(last + 1))
        table = (columns + 2 * self.table.frameWidth()
                 + self.table.verticalScrollBar().sizeHint().width())
        return self.view_list_width + self.left_splitter.handleWidth() + table

    def fitted_queue_width(self, total: int) -> int:
        """The queue's share of ``total`` pixels (both sides of the divider).

        The ticket panel never gets less than PANEL_MIN. Within that the queue gets its
        deadline columns, then every column up to what leaves the panel PANEL_ROOM, so
        on a wide screen it does not scroll sideways beside a mostly empty panel. The
        split is the same with and without a fault selected: choosing one does not move
        the divider. At 1024 px the columns up to 剩余时间 (ESSENTIAL) fit beside the
        panel's minimum in either language."""
        if self.form is not None and self.stack.currentWidget() is self.form:
            # a new fault is typed: the form and its similar faults get the room
            form = max(self.FORM_WIDTH, total // 2)
            return max(total - form, self.left_splitter.minimumWidth())
        wanted = max(self.queue_width_needed(),
                     min(self.queue_width_needed(""), total - self.PANEL_ROOM))
        return max(min(wanted, total - self.PANEL_MIN), self.left_splitter.minimumWidth())

    def _fit_splitter(self) -> None:
        total = self.splitter.width() - self.splitter.handleWidth()
        if total <= 0:
            return
        queue = self.fitted_queue_width(total)
        self.splitter.setSizes([queue, total - queue])
        self.left_splitter.setSizes([self.view_list_width, queue - self.view_list_width])

    def _stack_changed(self, _index: int) -> None:
        if self._splitter_fitted:
            self._fit_splitter()

    def _splitter_moved(self, _pos: int, _index: int) -> None:
        self._splitter_fitted = False  # the person's choice stays (and is saved)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._splitter_fitted:
            self._fit_splitter()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._splitter_fitted:
            self._fit_splitter()

    def refresh_service_status(self) -> None:
        from desk.read.service import service_status

        tasks.run(lambda: service_status(self.db).text(), self._service_status_shown,
                  lambda exc: self._service_status_shown(""), pool=tasks.side_pool())

    def _service_status_shown(self, text: str) -> None:
        with contextlib.suppress(RuntimeError):  # the window may have closed meanwhile
            self.service_label.setText(text)

    # -- construction -------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = QToolBar(self.tr("工具栏"))
        bar.setObjectName("mainToolbar")
        self.addToolBar(bar)
        self.new_action = QAction(self.tr("新建故障"), self)
        self.new_action.setObjectName("actionNew")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_fault)
        self.refresh_action = QAction(self.tr("刷新"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.notice_action = QAction(self.tr("打印启动通知…"), self)
        self.notice_action.setObjectName("actionStartNotice")
        self.notice_action.setToolTip(self.tr("Start notice PDF…"))
        self.notice_action.triggered.connect(self.start_notice_pdf)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setAccessibleName(self.tr("搜索故障"))
        self.search.setPlaceholderText(self.tr("搜索编号、业务、现象（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(280)
        self.search.returnPressed.connect(self.apply_query)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.apply_query)
        find = QAction(self.tr("搜索故障"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.search.setFocus())
        self.addAction(find)
        self.person_box = QComboBox()
        self.person_box.setObjectName("personChooser")
        self.person_box.setAccessibleName(self.tr("当前人员"))
        self.person_box.setMinimumWidth(180)
        for p in people.list_people(self.db):
            self.person_box.addItem(f"{p.name}（{p.employee_no}）", p.id)
        if self.person is not None:
            self.person_box.setCurrentIndex(max(0, self.person_box.findData(self.person.id)))
        elif self.person_box.count():
            self.person = people.get_person(self.db, self.person_box.currentData())
        self.person_box.currentIndexChanged.connect(self._person_changed)
        # who works here is decided by signing in (文件 → 注销/切换用户), not by a list
        self.person_box.setEnabled(False)
        self.person_box.setToolTip(self.tr("切换用户：文件 → 注销/切换用户"))

        bar.addAction(self.new_action)
        bar.addAction(self.refresh_action)
        bar.addAction(self.notice_action)
        bar.addSeparator()
        bar.addWidget(self.search)
        bar.addSeparator()
        bar.addWidget(QLabel(self.tr(" 当前人员：")))
        bar.addWidget(self.person_box)

        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.notice_action)
        file_menu.addSeparator()
        self.switch_user_action = file_menu.addAction(self.tr("注销/切换用户…"))
        self.switch_user_action.setObjectName("actionSwitchUser")
        self.switch_user_action.triggered.connect(self.switch_user)
        quit_action = file_menu.addAction(self.tr("退出"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu(self.tr("查看(&V)"))
        view_menu.addAction(self.refresh_action)
        from ui.dialogs.shortcuts import install_help_menu

        self.shortcuts_action = install_help_menu(self)

    # -- queue ---------------------------------------------------------------------------

    def current_view(self) -> str:
        item = self.view_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else "all"

    def build_query(self, view: str | None = None) -> TicketQuery:
        """The view's query narrowed by the filter bar (status, level, type, assignee)."""
        query = self._view_query(view)
        status, level = self.filter_status.currentData(), self.filter_level.currentData()
        fault_type, assignee = self.filter_type.currentData(), self.filter_assignee.currentData()
        changes: dict[str, object] = {}
        nothing = -1  # no person has this id: the view and the filter exclude each other
        if status is not None:
            wanted = Status(status)
            changes["statuses"] = (wanted,)
            if query.statuses and wanted not in query.statuses:
                changes["assignee_id"] = nothing
        if level is not None:
            changes["levels"] = (FaultLevel(level),)
        if fault_type is not None:
            changes["fault_types"] = (FaultType(fault_type),)
        if assignee is not None and changes.get("assignee_id") != nothing:
            mismatch = query.assignee_id not in (None, assignee)
            changes["assignee_id"] = nothing if mismatch else assignee
        return TicketQuery(**{**query.as_dict(), **changes}) if changes else query

    def _build_filter_bar(self) -> QWidget:
        # each filter as wide as its longest entry in the language shown ("All assignees"
        # is not cut in English); when the queue is narrower they wrap onto a second line
        bar = QWidget()
        bar.setObjectName("filterBar")
        row = FlowLayout(bar)

        def combo(name: str, everything: str, items: list[tuple[str, object]],
                  spoken: str) -> QComboBox:
            box = QComboBox()
            box.setObjectName(name)
            box.setAccessibleName(spoken)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            fixed_width(box)
            box.addItem(everything, None)
            for text, value in items:
                box.addItem(text, value)
            box.currentIndexChanged.connect(lambda _i: self.apply_query())
            row.addWidget(box)
            return box

        self.filter_status = combo("filterStatus", self.tr("全部状态"),
                                   [(tr_label(s.label_zh), s.value) for s in Status],
                                   self.tr("按状态筛选"))
        self.filter_level = combo("filterLevel", self.tr("全部等级"),
                                  [(tr_label(lv.label_zh), int(lv)) for lv in FaultLevel],
                                  self.tr("按等级筛选"))
        self.filter_type = combo("filterType", self.tr("全部类型"),
                                 [(tr_label(t.label_zh), t.value) for t in FaultType],
                                 self.tr("按类型筛选"))
        engineers = [p for p in people.list_people(self.db)
                     if p.roles & {Role.ENGINEER, Role.DIRECTOR}]
        self.filter_assignee = combo("filterAssignee", self.tr("全部处理人"),
                                     [(p.display, p.id) for p in engineers],
                                     self.tr("按处理人筛选"))
        return bar

    def _view_query(self, view: str | None = None) -> TicketQuery:
        view = view or self.current_view()
        sort_key = COLUMNS[self.table.horizontalHeader().sortIndicatorSection()][0]
        descending = self.table.horizontalHeader().sortIndicatorOrder() == \
            Qt.SortOrder.DescendingOrder
        base = TicketQuery(text=self.search.text(), sort=sort_key, descending=descending)
        if view == "reported":
            return TicketQuery(**{**base.as_dict(), "statuses": (Status.REPORTED,)})
        if view == "resolved":
            return TicketQuery(**{**base.as_dict(),
                                  "statuses": (Status.RESOLVED, Status.ARCHIVED)})
        if view == "due":
            return TicketQuery(**{**base.as_dict(),
                                  "due_before": self.db.now() + timedelta(minutes=30)})
        if view == "mine" and self.person is not None:
            # what this person can act on: the states where one of their roles has a step;
            # an engineer (not a lead) only on the faults assigned to them
            roles = self.person.roles
            statuses = tuple(s for s in Status if transitions.allowed_for(roles, s))
            if not statuses:  # a reporter only: nothing to act on in the process
                return TicketQuery(**{**base.as_dict(), "statuses": (), "assignee_id": -1})
            mine = TicketQuery(**{**base.as_dict(), "statuses": statuses})
            if not roles & {Role.SUPPORT, Role.SUPPORT_LEAD, Role.DIRECTOR,
                            Role.BUSINESS_CONFIRMER, Role.VERIFIER}:
                return TicketQuery(**{**mine.as_dict(), "assignee_id": self.person.id})
            return mine
        return base

    def apply_query(self, select: int | None = None) -> None:
        """Load the queue for the view, filters, search and sort, off the GUI thread.

        The rows on screen stay until the new ones arrive. Then ``select`` is selected,
        or else the ticket that was selected stays so.
        """
        if select is not None:
            self._select_after_load = select
        query = self.build_query()
        if query == self.model.query and self.model.rows:
            self.model.reload()  # the same rows again: no reset when nothing changed
        else:
            self.model.set_query(query)
        self._update_view_counts()

    _frozen = False
    freeze_start_up = True  # the test suite turns it off: its windows come and go

    def _freeze_start_up(self, _total: int) -> None:
        """Once the first queue page is on screen: what start-up made (modules, widgets,
        their wrappers) lives as long as the window, so it is moved out of the garbage
        collector's way (``gc.freeze``). A full collection stops every thread while it
        walks the objects, and walking all of these stalled the window some 90 ms now and
        then, whichever thread's allocation set it off; now it walks what came since.
        Closing the window gives them back (``gc.unfreeze``)."""
        self.model.loaded.disconnect(self._freeze_start_up)
        if MainWindow.freeze_start_up and not MainWindow._frozen:
            MainWindow._frozen = True
            gc.freeze()

    def _remember_selection(self) -> None:
        self._selected_before_reset = self.selected_ticket_id()

    def _queue_loaded(self, _total: int) -> None:
        wanted = [t for t in (self._select_after_load, self._selected_before_reset)
                  if t is not None]
        self._select_after_load = self._selected_before_reset = None
        for ticket_id in wanted:
            if ticket_id == self.selected_ticket_id():
                return
            shown = self.panel.detail.id if self.panel.detail is not None else None
            # the record form already shows this ticket: selecting its row again must not
            # reload the form (it may hold typed text; whoever changed the ticket does)
            self._reselecting = ticket_id == shown
            try:
                if self.select_ticket(ticket_id):
                    return
            finally:
                self._reselecting = False

    def _queue_failed(self, exc: BaseException) -> None:
        from desk.errors import DeskError

        self._select_after_load = self._selected_before_reset = None
        if not isinstance(exc, DeskError):
            self.show_error(exc)
            return
        # the rows on screen stay; the status bar says why they are not fresh
        log.info("loading the queue failed: %s", exc.en)
        self.statusBar().showMessage(self.tr("队列未能刷新：") + str(exc), 15_000)

    VIEW_COUNT_CAP = 100_000

    def _update_view_counts(self) -> None:
        """Counts per view beside their names, counted off the GUI thread (capped).

        One count at a time, on the side pool: over a million tickets a count with a
        search can take a second, and the queue's own loads must not wait behind it.
        A request made while a count runs is remembered and counted once it is done
        (typing a search starts one count, not one per key).
        """
        if self._counts.busy:
            self._counts_stale = True
            return
        self._counts_stale = False
        queries = {key: self.build_query(key) for key, _label in VIEWS}
        db, cap = self.db, self.VIEW_COUNT_CAP
        self._counts.run(lambda: {key: tickets.count_tickets(db, q, at_most=cap)
                                  for key, q in queries.items()},
                         self._counts_done, lambda exc: None, pool=tasks.side_pool())

    def _counts_done(self, counts: dict[str, int]) -> None:
        if not self._counts_stale:  # else they are counted again at once
            self._show_view_counts(counts)

    def _counts_idle(self) -> None:
        if self._counts_stale:
            self._update_view_counts()

    def _show_view_counts(self, counts: dict[str, int]) -> None:
        for row in range(self.view_list.count()):
            item = self.view_list.item(row)
            key = str(item.data(Qt.ItemDataRole.UserRole))
            count = counts.get(key)
            label = self.tr(dict(VIEWS)[key])
            if count is None:
                item.setText(label)
            else:
                shown = f"{count}+" if count >= self.VIEW_COUNT_CAP else str(count)
                item.setText(f"{label} ({shown})")
        self.view_counts_updated.emit(counts)

    def _sort_changed(self, _section: int, _order: Qt.SortOrder) -> None:
        self.apply_query()

    def refresh(self) -> None:
        self.apply_query()
        if self.panel.detail is not None:
            self.panel.show_ticket(self.panel.detail.id)

    def selected_ticket_id(self) -> int | None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.id if row else None

    def open_number(self, number: str) -> bool:
        """Show the fault with this number (``desk open``); False when there is none."""
        from desk.errors import DeskError
        from desk.read import tickets as ticket_views

        try:
            detail = ticket_views.get_ticket(self.db, number)
        except DeskError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return False
        if self.form is not None and self.stack.currentWidget() is self.form:
            return False  # a new fault is being typed: it is not thrown away
        if not self.select_ticket(detail.id):  # not in the view shown: show it anyway
            self.stack.setCurrentWidget(self.panel)
            self.panel.show_ticket(detail.id)
        self.statusBar().showMessage(self.tr("已打开：") + detail.number, 8000)
        return True

    def open_ticket(self, ticket_id: int) -> bool:
        """Show this ticket (a notification, a tray message): selected in the queue when
        the view holds it; else in the panel at once, and selected once reloaded rows
        hold it (reported on another desk). False while a new fault is being typed."""
        if self.form is not None and self.stack.currentWidget() is self.form:
            self.statusBar().showMessage(
                self.tr("正在填写新故障：请先保存或取消，再打开其他故障。"), 10_000)
            return False
        if self.select_ticket(ticket_id):
            self.stack.setCurrentWidget(self.panel)
            return True
        shown = self.panel.detail.id if self.panel.detail is not None else None
        if shown != ticket_id and self.panel.has_unsaved_changes() and \
                not self.panel.confirm_leave(lambda: self.open_ticket(ticket_id)):
            return False  # the edit is kept; "save" opens the ticket once saved
        self.stack.setCurrentWidget(self.panel)
        self.panel.show_ticket(ticket_id)
        self.apply_query(select=ticket_id)
        return True

    def select_ticket(self, ticket_id: int) -> bool:
        row = self.model.row_of(ticket_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        return True

    def _row_changed(self, current: object, _previous: object) -> None:
        if getattr(self, "_reselecting", False):
            return
        ticket_id = self.selected_ticket_id()
        shown = self.panel.detail.id if self.panel.detail is not None else None
        # the record being edited is kept on screen until the person decides
        if ticket_id != shown and self.panel.has_unsaved_changes() and (
                ticket_id is None
                or not self.panel.confirm_leave(lambda: self.select_ticket(ticket_id))):
            if shown is not None and ticket_id is not None:
                # back to the shown ticket once this selection change has finished
                QTimer.singleShot(0, lambda: self.select_ticket(shown))
            return
        self.stack.setCurrentWidget(self.panel)
        try:
            self.panel.show_ticket(ticket_id)
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)

    def _ticket_changed(self, _ticket_id: int) -> None:
        self.apply_query()  # the changed ticket's row, still selected, shows its new state

    # -- people ---------------------------------------------------------------------------

    def _person_changed(self, _index: int) -> None:
        pid = self.person_box.currentData()
        self.person = people.get_person(self.db, int(pid)) if pid is not None else None
        self.panel.set_person(self.person)
        self._update_person_label()
        if self.current_view() == "mine":
            self.apply_query()
        self.person_changed.emit(self.person)

    def set_person(self, person: PersonView | None) -> None:
        """Work as ``person`` from now on (after signing in again)."""
        if person is not None and self.person_box.findData(person.id) < 0:
            self.person_box.addItem(person.display, person.id)
        index = self.person_box.findData(person.id) if person is not None else -1
        if index == self.person_box.currentIndex():
            self._person_changed(index)  # the same person: roles may have changed
        else:
            self.person_box.setCurrentIndex(index)  # → _person_changed

    def switch_user(self) -> QWidget:
        """Sign in again, as oneself or somebody else; cancelling keeps who it was."""
        from ui.dialogs.sign_in import SignInDialog

        dialog = SignInDialog(self.db, self)
        dialog.signed_in.connect(self.set_person)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sign_in_dialog = dialog
        dialog.open()
        return dialog

    def _update_person_label(self) -> None:
        if self.person is None:
            self.person_label.setText(self.tr("未选择人员"))
        else:
            roles = self.tr("、").join(tr_label(r.label_zh) for r in sorted(self.person.roles))
            self.person_label.setText(f"{self.person.name}（{self.person.employee_no}） {roles}")

    # -- new fault ------------------------------------------------------------------------

    def new_fault(self) -> NewFaultForm:
        if self.form is not None and self.stack.currentWidget() is self.form:
            self.form.business.setFocus()
            return self.form
        first = not getattr(self, "_new_draft_checked", False)
        self._new_draft_checked = True
        self.form = NewFaultForm(self.db, self.tz, self.person)
        # only a draft left by an earlier run (a crash) is offered, once per window
        draft = self.form.pending_draft() if first else None
        if draft is not None and self.ask_restore_draft(self, draft.saved_at):
            self.form.restore_draft(draft)
        elif draft is not None:
            self.form.discard_draft()
        self.form.saved.connect(self._fault_saved)
        self.form.buttons.rejected.connect(self._close_form)
        self.stack.addWidget(self.form)
        self.stack.setCurrentWidget(self.form)
        self.form.business.setFocus()
        return self.form

    @classmethod
    def ask_discard(cls, parent: QWidget, text: str) -> bool:
        """Ask before unsaved input is thrown away (tests replace this)."""
        answer = QMessageBox.question(parent, parent.tr("未保存的内容"), text)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def ask_restore_draft(cls, parent: QWidget, saved_at: object) -> bool:
        """Offer a new-fault draft left by a crash (tests replace this)."""
        when = saved_at.astimezone().strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
        answer = QMessageBox.question(
            parent, parent.tr("未保存的草稿"),
            parent.tr("发现未保存的新故障草稿（{0}）。要恢复吗？").format(when))
        return answer == QMessageBox.StandardButton.Yes

    def _close_form(self) -> None:
        if self.form is not None and self.form.has_input() and not self.ask_discard(
                self, self.tr("新故障尚未保存，确定放弃已输入的内容吗？")):
            return
        if self.form is not None:
            self.form.discard_draft()
        self._drop_form()

    def _drop_form(self) -> None:
        if self.form is not None:
            self.stack.removeWidget(self.form)
            self.form.deleteLater()
            self.form = None
        self.stack.setCurrentWidget(self.panel)

    def _fault_saved(self, detail: TicketDetail) -> None:
        self._drop_form()
        self.view_list.setCurrentRow(0)
        self.search.clear()
        self.table.horizontalHeader().setSortIndicator(
            COLUMNS.index(("reported_at", "报告时间")), Qt.SortOrder.DescendingOrder)
        self.apply_query(select=detail.id)
        self.statusBar().showMessage(self.tr("已保存：") + detail.number, 8000)
        self.ticket_saved.emit(detail)

    # -- documents ------------------------------------------------------------------------

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str) -> str:
        """The file a document goes to (tests replace this)."""
        path, _ = QFileDialog.getSaveFileName(parent, parent.tr("保存 PDF"), suggested,
                                              "PDF (*.pdf)")
        return path

    @classmethod
    def open_file(cls, path: Path) -> bool:
        """Open a written document with the system viewer; False when there is none
        (tests replace this)."""
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    def start_notice_pdf(self) -> None:
        ticket_id = self.selected_ticket_id()
        if ticket_id is None:
            self.statusBar().showMessage(self.tr("请先在列表中选择一个故障。"), 5000)
            return
        number = self.model.rows[self.model.row_of(ticket_id)].number
        suggested = str(Path.home() / f"故障处理启动通知-{number}.pdf")
        path = self.ask_save_path(self, suggested)
        if not path:
            return
        target = Path(path)
        tasks.run(lambda: documents.render(self.db, "start-notice", ticket_id, target),
                  lambda _bytes: self._document_written(target), self.show_error)

    def _document_written(self, path: Path) -> None:
        self.statusBar().showMessage(self.tr("已生成：") + str(path), 8000)
        if self.open_file(path) is False:
            # no system viewer: Desk's own preview shows it (and prints it)
            self.statusBar().showMessage(
                self.tr("已生成：") + str(path) + self.tr("（没有可用的 PDF 阅读器，已在 Desk 中打开预览）"),
                15_000)
            actions = getattr(self, "document_actions", None)
            if actions is not None:
                actions.open_preview("start-notice")

    # -- errors and state -------------------------------------------------------------

    def show_error(self, exc: BaseException) -> None:
        from desk.errors import DeskError

        if not isinstance(exc, DeskError):
            log.error("unexpected error", exc_info=exc)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Desk"), str(exc),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.open()

    # the queue's columns were reordered (剩余时间 before the state): widths saved under
    # an old key belong to other columns and are not read back
    COLUMNS_KEY = "window/queue-columns-2"
    # the header texts the widths were set for: another language's need other widths
    COLUMNS_TEXTS_KEY = "window/queue-columns-texts"
    OLD_COLUMNS_KEYS = ("window/queue-columns",)

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("window/splitter")
        if state is not None and self.splitter.restoreState(state):
            self._splitter_fitted = False
        columns = settings.value(self.COLUMNS_KEY)
        if columns is not None:
            self.table.horizontalHeader().restoreState(columns)
            if settings.value(self.COLUMNS_TEXTS_KEY) != self._header_texts():
                # widths from a session in the other language cut cells ("2 Impor…"):
                # the order and the sort are kept, the widths fitted to this language
                self._fit_columns()
            self._widen_cut_headers()

    # -- live updates -------------------------------------------------------------------

    def start_live(self, **options: Any) -> LiveBinding:
        """Follow other desks' changes, presence and the connection (see ui.live)."""
        from ui.live import LiveBinding

        if self.live is None:
            self.live = LiveBinding(self, **options)
            watch = getattr(self, "incident_watch", None)
            if watch is not None:  # a level-1 fault at another desk opens its view here
                watch.follow(self.live.live)
            self.live.start()
        return self.live

    def stop_live(self) -> None:
        """Stop following the database: this window's listener, and the major-incident
        views it opened (each follows on its own thread) are closed."""
        from shiboken6 import isValid

        for view in list(getattr(self, "incident_windows", {}).values()):
            if isValid(view):
                view.close()
        if getattr(self, "live", None) is not None:
            self.live.stop()  # type: ignore[union-attr]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in scheme.PALETTE_EVENTS:
            self.repaint_colours()
        super().changeEvent(event)

    def repaint_colours(self) -> None:
        """The palette or the system's scheme changed: the coloured cells and the SLA
        line again, and the widgets under a style sheet take the new palette (Qt does
        not hand it on below a style sheet by itself) and the new scheme's colours: this
        window's, its dialogs', and those of the other open windows and dialogs that
        have no parent (a major-incident view, a dialog opened before this window)."""
        if getattr(self, "_repainting", False) or not hasattr(self, "panel"):
            return  # a change while building, or caused by this repaint
        self._repainting = True
        try:
            self.model.repaint_colours()
            self.panel.sla.repaint_colours()
            scheme.restyle_tree(self)
            for top in QApplication.topLevelWidgets():
                if top.parent() is None and top is not self \
                        and not isinstance(top, MainWindow):  # another window does its own
                    scheme.restyle_tree(top)
        finally:
            self._repainting = False

    def closeEvent(self, event: object) -> None:  # noqa: N802
        if self.form is not None and self.form.has_input() and not self.ask_discard(
                self, self.tr("新故障尚未保存，确定退出吗？")):
            event.ignore()  # type: ignore[attr-defined]
            return
        if self.form is not None:
            self.form.discard_draft()
        if not self.panel.confirm_leave(self.close):  # "save" closes once it is saved
            event.ignore()  # type: ignore[attr-defined]
            return
        self.panel.shutdown()
        self.stop_live()
        if MainWindow._frozen:  # the window's objects may be collected again once closed
            MainWindow._frozen = False
            gc.unfreeze()
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        if self._splitter_fitted:  # fitted to the window again at the next start
            settings.remove("window/splitter")
        else:
            settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue(self.COLUMNS_KEY, self.table.horizontalHeader().saveState())
        settings.setValue(self.COLUMNS_TEXTS_KEY, self._header_texts())
        for key in self.OLD_COLUMNS_KEYS:
            settings.remove(key)
        super().closeEvent(event)  # type: ignore[arg-type]


__all__ = ["MainWindow"]
