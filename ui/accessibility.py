"""Names for screen readers: every input and button of a window says what it is.

A field beside a form label takes the label's text (the label becomes its buddy, so
Alt+mnemonic and a click on the label reach it too); a button takes its own text or
its action's; a widget with neither is named where it is built
(``setAccessibleName``). ``name_widgets`` fills in what is left once a window is
built; ``unnamed`` lists what still has no name (the tests walk windows with it).
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTextEdit,
    QToolButton,
    QWidget,
)

# what a person types in, chooses from or presses (a scroll area's bars are named by Qt)
INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton,
          QAbstractItemView, QSlider)
_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """A label's text as a name: no markup, no mnemonic ``&``, no trailing colon."""
    text = _TAGS.sub("", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.strip().rstrip("：:").strip()


def is_part_of_another(widget: QWidget, root: QWidget) -> bool:
    """A widget Qt builds inside another input (a spin box's line, a view's header,
    a line edit's clear button, a scroll bar of a text box): it is not a field of its
    own, its owner carries the name."""
    if isinstance(widget, QHeaderView):
        return True
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, INPUTS):
            return True
        parent = parent.parentWidget()
    return widget.objectName().startswith("qt_")


def _label_of(widget: QWidget) -> str:
    """The text of the form label beside ``widget``, or beside the box that holds it
    (a field with its error line under it); the label becomes the widget's buddy."""
    child: QWidget | None = widget
    for _level in range(3):
        parent = child.parentWidget() if child is not None else None
        if parent is None or child is None:
            return ""
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(child)
            if isinstance(label, QLabel) and plain(label.text()):
                if label.buddy() is None or label.buddy() is child:
                    label.setBuddy(widget)
                return plain(label.text())
            return ""
        child = parent
    return ""


def name_widgets(root: QWidget) -> None:
    """Give every input and button under ``root`` that has no name one: its buddy
    label's text, its form label's, its own text, its action's, or its tooltip."""
    buddies = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and plain(label.text()):
            buddies.setdefault(buddy, plain(label.text()))
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or is_part_of_another(widget, root):
            continue
        if widget.accessibleName():
            continue
        name = buddies.get(widget) or _label_of(widget)
        if not name and isinstance(widget, QAbstractButton):
            name = plain(widget.text())
            action = widget.defaultAction() if isinstance(widget, QToolButton) else None
            if not name and action is not None:
                name = plain(action.text())
        if not name and isinstance(widget, QLineEdit):
            name = plain(widget.placeholderText())
        if not name:
            name = plain(widget.toolTip())
        if name:
            widget.setAccessibleName(name)


def unnamed(root: QWidget) -> list[QWidget]:
    """Inputs and buttons under ``root`` with neither a name nor a label buddy."""
    with_buddy = {label.buddy() for label in root.findChildren(QLabel)
                  if label.buddy() is not None and plain(label.text())}
    return [w for w in root.findChildren(QWidget)
            if isinstance(w, INPUTS) and not is_part_of_another(w, root)
            and not w.accessibleName().strip() and w not in with_buddy]
