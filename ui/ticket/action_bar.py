"""The action bar: one button per transition the person may fire in the ticket's state.

Which ones is ``desk.rules.transitions.allowed_for``; a button (``action_<name>``) asks the
panel to open the transition's dialog. A step the person's roles allow but the ticket
does not allow them now (already confirmed, another verifier named, their own proposal)
stays in its place, greyed, with the reason as its tooltip (``desk.rules.may``, the
same the service refuses with).

Signals:
    action_requested(object): the ``transitions.Transition`` whose button was clicked.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from desk.errors import LANGUAGE
from desk.process.people import PersonView
from desk.rules import may, transitions
from models import Status
from ui.flow_layout import FlowLayout, fixed_width
from ui.labels import label as tr_label

# offered inside another step's dialog, not as a button of its own (驳回 in 业务确认 and
# 技术审批, beside the proposal it sends back)
IN_DIALOGS = frozenset({"reject"})


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class ActionBar(QWidget):
    """The transitions' buttons (``actionBar``), left to right, then a stretch."""

    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionBar")
        # buttons keep their text whole and wrap onto a second line at a narrow width
        self.buttons = FlowLayout()
        self.setLayout(self.buttons)
        self.current: list[QPushButton] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def offers_something(self, besides: frozenset[str] = frozenset()) -> bool:
        """Is any step open to the person now (an enabled button), ``besides`` those?"""
        return any(b.isEnabled() for b in self.current
                   if b.objectName().removeprefix("action_") not in besides)

    def rebuild(self, person: PersonView | None, status: Status | None,
                values: dict[str, Any] | None = None,
                names: dict[int, str] | None = None) -> None:
        """Offer what ``person`` may do in ``status`` (nothing when either is None).

        ``values`` (the ticket's columns) grey the steps the ticket does not allow this
        person now; ``names`` (person id → name) say whom such a step waits for.
        """
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget():
                if isinstance(item.widget(), QPushButton):
                    item.widget().setShortcut(QKeySequence())  # its Alt+n is the new one's
                item.widget().hide()  # gone from sight now, deleted when control returns
                item.widget().deleteLater()
        self.current = []
        if status is None or person is None:
            return
        for spec in transitions.allowed_for(person.roles, status):
            if spec.name in IN_DIALOGS:
                continue
            button = QPushButton(tr_label(spec.label_zh))
            button.setObjectName(f"action_{spec.name}")
            button.setAccessibleName(tr_label(spec.label_zh))
            position = len(self.current) + 1
            if position <= 9:  # Alt+1 … Alt+9, left to right (帮助 → 快捷键)
                button.setShortcut(QKeySequence(f"Alt+{position}"))
            button.setToolTip(f"{tr(spec.label_en)}  (Alt+{position})" if position <= 9
                              else tr(spec.label_en))
            why = (may.refusal(spec, person.id, person.roles, values, names)
                   if values is not None else None)
            if why is not None:
                text = why.en if LANGUAGE["current"].startswith("en") else why.zh
                button.setEnabled(False)
                button.setToolTip(text)
                button.setAccessibleDescription(text)
            button.clicked.connect(lambda _=False, s=spec: self.action_requested.emit(s))
            self.buttons.addWidget(fixed_width(button))
            self.current.append(button)
        self.updateGeometry()
