"""The 统计 and 知识库 menus of the main window, whose windows load on first use.

The menus and their actions are in the window from the start; the dashboard (QtCharts,
``desk.read.stats``) and the knowledge-base dialog are imported when an action is first
triggered, so the first window paints without them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from desk.db import Database
from desk.process.people import PersonView


def install_dashboard(window: QMainWindow, db: Database) -> QAction:
    """Add the 统计 menu; its action opens (or raises) the dashboard."""
    menu = window.menuBar().addMenu(window.tr("统计(&S)"))
    menu.setObjectName("statsMenu")
    action = menu.addAction(window.tr("统计报表…"))
    action.setObjectName("actionDashboard")

    def open_dashboard() -> None:
        from ui.dashboard import open_dashboard

        open_dashboard(window, db)

    action.triggered.connect(open_dashboard)
    return action


def install_kb_menu(window: QMainWindow, db: Database, person: PersonView | None) -> QAction:
    """Add the “知识库(&K)” menu; the dialog opens for the window's current person."""
    menu = window.menuBar().addMenu(window.tr("知识库(&K)"))
    menu.setObjectName("menuKnowledgeBase")
    action = menu.addAction(window.tr("搜索知识库…"))
    action.setObjectName("actionKnowledgeBase")
    action.setShortcut(QKeySequence("Ctrl+K"))

    def open_dialog() -> None:
        from ui.kb_dialog import KnowledgeBaseDialog

        current = getattr(window, "person", person)
        dialog = KnowledgeBaseDialog(db, current, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.kb_dialog = dialog  # type: ignore[attr-defined]
        dialog.show()
        dialog.query.setFocus()

    action.triggered.connect(open_dialog)
    return action
