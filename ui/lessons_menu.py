"""The 问题(&P) menu of the main window: links of the selected fault, problems, my action
items, the post-incident review PDF and the service report. Each dialog's module is
imported when its action is first triggered. The major-incident view also opens by itself
for a new level-1 fault (``ui.incident_watch``), unless 一级故障时自动打开看板 is unticked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from desk.db import Database
from ui import tasks


def _selected_number(window: Any) -> str | None:
    ticket_id = window.selected_ticket_id()
    if ticket_id is None:
        return None
    row = window.model.row_at(window.model.row_of(ticket_id))
    return row.number if row is not None else None


def _keep(window: Any, name: str, dialog: Any) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    setattr(window, name, dialog)
    dialog.show()


def install_lessons(window: QMainWindow, db: Database) -> dict[str, QAction]:
    """Add the 问题 menu; returns its actions by name (for tests)."""
    w: Any = window
    menu = window.menuBar().addMenu(window.tr("问题(&P)"))
    menu.setObjectName("menuLessons")
    actions: dict[str, QAction] = {}

    def add(name: str, text: str, slot: Any) -> None:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
        actions[name] = action

    def need_selection() -> str | None:
        number = _selected_number(w)
        if number is None:
            window.statusBar().showMessage(window.tr("请先在列表中选择一个故障。"), 5000)
        return number

    def open_links() -> None:
        number = need_selection()
        if number is None or w.person is None:
            return
        from ui.links import LinksDialog

        dialog = LinksDialog(db, w.person, number, window)
        dialog.linked.connect(lambda _kind: w.refresh())
        _keep(window, "links_dialog", dialog)

    def open_problems() -> None:
        if w.person is None:
            return
        from ui.problems import ProblemsDialog

        _keep(window, "problems_dialog", ProblemsDialog(db, w.person, _selected_number(w),
                                                        window))

    def open_actions() -> None:
        if w.person is None:
            return
        from ui.action_items import ActionItemsDialog

        _keep(window, "action_items_dialog", ActionItemsDialog(db, w.person, window))

    def review_pdf() -> None:
        number = need_selection()
        if number is None:
            return
        from desk.read import review

        path = w.ask_save_path(window, str(Path.home() / f"故障复盘报告-{number}.pdf"))
        if not path:
            return
        target = Path(path)
        def written(_bytes: bytes) -> None:
            window.statusBar().showMessage(window.tr("已生成：") + str(target), 8000)
            w.open_file(target)

        tasks.run(lambda: review.render(db, number, target), written, w.show_error)

    def open_incident() -> None:
        number = need_selection()
        if number is None or w.person is None:
            return
        row = w.model.row_at(w.model.row_of(w.selected_ticket_id()))
        if row is None or int(row.level) != 1:
            window.statusBar().showMessage(window.tr("重大故障看板只用于一级（紧急）故障。"), 5000)
            return
        show_incident(row.id)

    def show_incident(ticket_id: int) -> None:
        """Open the view of a fault, or raise the one already open."""
        from shiboken6 import isValid

        from ui.incident import IncidentWindow

        views: dict[int, Any] = w.incident_windows
        view = views.get(ticket_id)
        if view is not None and isValid(view):
            w.incident_window = view
            view.raise_()  # already open: brought forward
            view.activateWindow()
            return
        if w.person is None:
            return
        view = IncidentWindow(db, w.person, ticket_id)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.destroyed.connect(lambda _o=None, t=ticket_id: views.pop(t, None))
        views[ticket_id] = view
        w.incident_window = view
        view.show()

    def open_report() -> None:
        from desk.read.stats import local_today
        from ui.service_report import ServiceReportDialog

        _keep(window, "service_report_dialog", ServiceReportDialog(db, local_today(db), window))

    add("actionIncident", window.tr("重大故障看板…"), open_incident)
    from ui.incident_watch import IncidentWatch, auto_open_enabled, set_auto_open

    auto = menu.addAction(window.tr("一级故障时自动打开看板"))
    auto.setObjectName("actionIncidentAutoOpen")
    auto.setCheckable(True)
    auto.setChecked(auto_open_enabled())
    auto.setToolTip(window.tr("一级故障上报或升为一级时，在本机自动打开其重大故障看板"))
    auto.toggled.connect(set_auto_open)
    actions["actionIncidentAutoOpen"] = auto
    w.incident_windows = {}  # ticket id -> its open view (closed with the window)
    w.incident_watch = IncidentWatch(window, db, show_incident)
    menu.addSeparator()
    add("actionLinks", window.tr("关联故障…"), open_links)
    add("actionProblems", window.tr("问题管理…"), open_problems)
    add("actionMyActionItems", window.tr("我的整改措施…"), open_actions)
    menu.addSeparator()
    add("actionReviewPdf", window.tr("故障复盘报告（PDF）…"), review_pdf)
    add("actionServiceReport", window.tr("运维服务报告…"), open_report)
    return actions
