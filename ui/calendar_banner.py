"""The banner administrators and leads see from 1 November while next year's calendar
is missing (``desk.read.calendar.next_year_reminder``), checked off the GUI thread when
the window opens and every hour after."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar

from desk.db import Database
from desk.errors import LANGUAGE
from desk.process.people import PersonView
from desk.read.calendar import next_year_reminder
from models import Role
from ui import scheme, tasks

ROLES = frozenset({Role.ADMIN, Role.SUPPORT_LEAD, Role.DIRECTOR})


class CalendarBanner(QObject):
    """A toolbar row at the top of the window holding the reminder, hidden otherwise."""

    def __init__(self, window: QMainWindow, db: Database) -> None:
        super().__init__(window)
        self.db = db
        self.bar = QToolBar(window)
        self.bar.setObjectName("calendarBanner")
        self.bar.setMovable(False)
        self.label = QLabel()
        self.label.setObjectName("calendarBannerText")
        self.label.setWordWrap(True)
        self.label.setStyleSheet(scheme.banner_css(text="banner_warning") + " padding: 4px;")
        # the whole width of the window: a wrapped label in a tool bar is otherwise given
        # its narrowest width, and the reminder takes five lines at the top of the window
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # at most two lines of text: the tool bar keeps the height of the narrowest layout
        self.label.setMaximumHeight(self.label.fontMetrics().lineSpacing() * 2 + 12)
        self.bar.addWidget(self.label)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.setVisible(False)
        self.timer = QTimer(self)
        self.timer.setInterval(3_600_000)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self.check()

    def check(self) -> None:
        db = self.db
        tasks.run(lambda: next_year_reminder(db), self._show, lambda _exc: None)

    def _show(self, message: object) -> None:
        if not isinstance(message, tuple):
            self.bar.setVisible(False)
            return
        zh, en = message
        self.label.setText(en if LANGUAGE["current"].startswith("en") else zh)
        self.bar.setVisible(True)


def install_calendar_banner(window: QMainWindow, db: Database,
                            person: PersonView | None) -> CalendarBanner | None:
    """The banner, for the people who can act on it (administrators and leads)."""
    if person is None or not (set(person.roles) & ROLES):
        return None
    return CalendarBanner(window, db)
