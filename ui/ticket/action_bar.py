"""The action bar: one button per transition the person may fire in the ticket's state.

Which ones is ``desk.rules.transitions.allowed_for``; a button (``action_<name>``) asks the
panel to open the transition's dialog.

Signals:
    action_requested(object): the ``transitions.Transition`` whose button was clicked.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from desk.process.people import PersonView
from desk.rules import transitions
from models import Status
from ui.labels import label as tr_label


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class ActionBar(QWidget):
    """The transitions' buttons (``actionBar``), left to right, then a stretch."""

    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionBar")
        self.buttons = QHBoxLayout()
        self.setLayout(self.buttons)
        self.buttons.setContentsMargins(0, 0, 0, 0)

    def rebuild(self, person: PersonView | None, status: Status | None) -> None:
        """Offer what ``person`` may do in ``status`` (nothing when either is None)."""
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone from sight now, deleted when control returns
                item.widget().deleteLater()
        if status is None or person is None:
            return
        for spec in transitions.allowed_for(person.roles, status):
            button = QPushButton(tr_label(spec.label_zh))
            button.setObjectName(f"action_{spec.name}")
            button.setToolTip(tr(spec.label_en))
            button.clicked.connect(lambda _=False, s=spec: self.action_requested.emit(s))
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
