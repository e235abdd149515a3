"""The major-incident view opening by itself: when a level-1 fault appears — reported at
any desk, or raised to level 1 — the desks of the people who handle faults open its
重大故障看板 (``ui.incident.IncidentWindow``) without being asked.

``IncidentWatch`` keeps the ids of the open level-1 faults it has seen
(``desk.read.incident.open_major``, off the GUI thread). It looks again when another desk
changes something (``ui.live.LiveUpdates``: a ticket's notice or a resync) and after this
window's own report or step; a fault new to that list gets its view. The 问题 menu's
checkable action 一级故障时自动打开看板 turns it off for this computer (``QSettings``
key ``incident/auto_open``, on by default).

Signals:
    opened(int): the view of this ticket id was opened (or raised) by itself.
    checked(object): a look at the open level-1 faults came back (their ids, sorted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal

from desk.db import Database
from desk.read import incident as read_incident
from models import Role
from ui import tasks

if TYPE_CHECKING:
    from ui.live import LiveUpdates

SETTING = "incident/auto_open"
# whose desk opens the view by itself: the people who handle faults
WATCHERS = frozenset({Role.SUPPORT, Role.SUPPORT_LEAD, Role.DIRECTOR, Role.ENGINEER})


def auto_open_enabled() -> bool:
    value = QSettings().value(SETTING, True)
    return value not in (False, "false", "0", 0)


def set_auto_open(enabled: bool) -> None:
    QSettings().setValue(SETTING, bool(enabled))


class IncidentWatch(QObject):
    opened = Signal(int)
    checked = Signal(object)

    def __init__(self, window: Any, db: Database, show: Any) -> None:
        """``show(ticket_id)`` opens (or raises) the view of a fault in ``window``."""
        super().__init__(window)
        self.window, self.db, self.show = window, db, show
        self.known: set[int] | None = None  # None until the first look came back
        self.latest = tasks.Latest(self)
        window.ticket_saved.connect(lambda _d: self.check())
        window.panel.changed.connect(lambda *_a: self.check())
        self.check()

    def follow(self, live: LiveUpdates) -> None:
        """Look again whenever another desk changes something."""
        live.ticket_changed.connect(lambda _id, _version: self.check())
        live.resync.connect(self.check)

    def check(self) -> None:
        db = self.db
        self.latest.run(lambda: read_incident.open_major(db), self._seen, lambda _e: None)

    def _seen(self, ids: list[int]) -> None:
        now = set(ids)
        new = sorted(now - self.known) if self.known is not None else []
        self.known = now
        person = self.window.person
        if new and auto_open_enabled() and person is not None and person.roles & WATCHERS:
            for ticket_id in new:
                self.show(ticket_id)
                self.opened.emit(ticket_id)
        self.checked.emit(sorted(now))
