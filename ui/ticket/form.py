"""What the record table's sections share: a row, a section's group box, widget values.

A ``RecordSection`` is one section of the paper table as a ``QGroupBox`` holding a
form: each ``Row`` becomes an input widget (``edit_<name>``), a sub-heading or, in
section 二, the attachments' place. Every input starts read-only; ``apply_editable``
opens the ones ``desk.process.editing`` allows. The section emits ``edited`` when a person
types; ``display`` gives the read-only texts it computes from the ticket.

Texts are looked up in the translation context "TicketPanel" (the panel's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from desk.db import Database
from desk.read import tickets
from desk.rules.timeutil import format_local
from models import FaultLevel, FaultType
from ui import scheme
from ui.labels import label as tr_label
from ui.record_form import to_qdatetime

# stored fields a person may type in (when desk.process.editing allows): their widget kinds
INPUT_KINDS = ("line", "text", "datetime", "bool", "tristate")


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


@dataclass(frozen=True)
class Row:
    """One line of the form: a stored field (``kind`` says which widget) or a display.

    Kinds: ``line`` and ``text`` (one line / several), ``datetime``, ``bool``
    (a check box), ``tristate`` (yes / no / unknown), ``level``, ``type``, ``display``
    (read-only text computed from several values), ``sub`` (a sub-heading),
    ``attachments``.
    """

    name: str
    label: str
    kind: str = "line"
    height: int = 0  # for ``text``: a fixed height in pixels (0: the default)


def row_spec(name: str, label: str, kind: str = "line", height: int = 0) -> Row:
    return Row(name, label, kind, height)


def full_height(row: Row) -> int:
    """The height of a text row when it may be typed in."""
    return row.height or (70 if row.kind == "display" else 58)


def person_name(d: tickets.TicketDetail, pid: Any) -> str:
    if not pid:
        return ""
    return str(d.people.get(int(pid), str(pid)))


def stamp(d: tickets.TicketDetail, pid: Any, at: datetime | None, tz: ZoneInfo) -> str:
    return f"{person_name(d, pid)}  {format_local(at, tz)}".strip() if pid else ""


def widget_value(w: QWidget) -> Any:
    """What an input widget holds, as a plain JSON value."""
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QDateTimeEdit):
        return w.dateTime().toString("yyyy-MM-dd HH:mm")
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QComboBox):
        return w.currentData()
    raise TypeError(w.objectName())  # pragma: no cover


def set_widget_value(w: QWidget, value: Any, tz: ZoneInfo) -> None:
    """Put a plain value (as ``widget_value`` returns it) into an input widget."""
    if isinstance(w, QLineEdit):
        w.setText("" if value is None else str(value))
        w.setCursorPosition(0)
    elif isinstance(w, QPlainTextEdit):
        if w.toPlainText() != ("" if value is None else str(value)):
            w.setPlainText("" if value is None else str(value))
    elif isinstance(w, QDateTimeEdit):
        if isinstance(value, datetime):
            w.setDateTime(to_qdatetime(value, tz))
        elif value:
            w.setDateTime(QDateTime.fromString(str(value), "yyyy-MM-dd HH:mm"))
    elif isinstance(w, QCheckBox):
        w.setChecked(bool(value))
    elif isinstance(w, QComboBox):
        index = w.findData(value)
        w.setCurrentIndex(index if index >= 0 else 0)


class RecordSection(QGroupBox):
    """One section of the record table: its rows as input widgets in a form.

    A subclass names its ``TITLE``, ``OBJECT_NAME`` and ``ROWS`` and computes the
    read-only texts of its ``display`` rows.

    Signals:
        edited: a person changed one of the section's inputs.
    """

    TITLE = ""
    OBJECT_NAME = ""
    ROWS: list[Row] = []

    edited = Signal()

    def __init__(self, db: Database, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(tr(self.TITLE), parent)
        self.db = db
        self.tz = tz
        self.inputs: dict[str, QWidget] = {}
        self.setObjectName(self.OBJECT_NAME)
        self.setStyleSheet("QGroupBox { font-weight: bold; } "
                           "QGroupBox * { font-weight: normal; }")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for row in self.ROWS:
            self._add_row(form, row)

    def display(self, d: tickets.TicketDetail) -> dict[str, str]:
        """The texts of this section's ``display`` rows for a ticket."""
        return {}

    # -- building ------------------------------------------------------------------------

    def _add_row(self, form: QFormLayout, row: Row) -> None:
        if row.kind == "sub":
            head = QLabel(f"<b>{tr(row.label)}</b>")
            head.setObjectName(f"sub{row.name}")
            head.setStyleSheet(scheme.css("heading", "margin-top: 6px;"))
            form.addRow(head)
            return
        widget: QWidget
        shown: QWidget | None = None  # what the row holds, when more than the input
        if row.kind in ("line", "display") and row.name not in (
                "team", "steps", "verification_history"):
            line = QLineEdit()
            line.setReadOnly(True)
            line.textEdited.connect(self._edited)
            widget = line
        elif row.kind in ("text", "display"):
            text = QPlainTextEdit()
            text.setReadOnly(True)
            text.setTabChangesFocus(True)
            text.setFixedHeight(full_height(row))
            text.textChanged.connect(self._edited)
            widget = text
        elif row.kind == "datetime":
            when = QDateTimeEdit()
            when.setDisplayFormat("yyyy-MM-dd HH:mm")
            when.setCalendarPopup(True)
            when.dateTimeChanged.connect(self._edited)
            widget = when
        elif row.kind == "bool":
            check = QCheckBox(tr("是"))
            check.toggled.connect(self._edited)
            widget = check
            # what a tick means, wrapped beside it: a check box's own text never wraps
            # and would make the panel scroll sideways in a narrow window
            note = QLabel(tr("（已通知部门负责人与 IT 应急联系人）"))
            note.setObjectName(f"note_{row.name}")
            note.setWordWrap(True)
            note.setStyleSheet(scheme.css("muted"))
            note.setBuddy(check)
            shown = QWidget()
            beside = QHBoxLayout(shown)
            beside.setContentsMargins(0, 0, 0, 0)
            beside.addWidget(check)
            beside.addWidget(note, 1)
        elif row.kind == "tristate":
            box = QComboBox()
            box.addItem(tr("未确定"), None)
            box.addItem(tr("能复现"), True)
            box.addItem(tr("不能复现"), False)
            box.currentIndexChanged.connect(self._edited)
            widget = box
        elif row.kind == "level":
            box = QComboBox()
            for lv in FaultLevel:
                box.addItem(tr_label(lv.label_zh), int(lv))
            box.setToolTip(tr("等级通过“受理研判”“分级派单”“调整等级”修改"))
            widget = box
        elif row.kind == "type":
            box = QComboBox()
            for t in FaultType:
                box.addItem(f"{t.value}  {tr_label(t.label_zh)}", t.value)
            box.setToolTip(tr("类型在“受理研判”时确定"))
            widget = box
        else:  # pragma: no cover - a row kind nobody handles is a programming error
            raise ValueError(row.kind)
        widget.setObjectName(f"edit_{row.name}")
        widget.setAccessibleName(tr(row.label))  # its form label is its buddy too
        self.inputs[row.name] = widget
        form.addRow(tr(row.label), shown or widget)
        if shown is not None:  # the label points at the input, not its row
            label = form.labelForField(shown)
            if isinstance(label, QLabel):
                label.setBuddy(widget)

    def _edited(self, *_args: Any) -> None:
        self.edited.emit()

    # -- editability ---------------------------------------------------------------------

    def apply_editable(self, editable: set[str]) -> None:
        """Open the inputs named in ``editable``; grey the others (they stay visible)."""
        for name, w in self.inputs.items():
            allowed = name in editable
            if isinstance(w, QLineEdit | QPlainTextEdit):
                if w.isReadOnly() == allowed:
                    w.setReadOnly(not allowed)
                    w.style().unpolish(w)
                    w.style().polish(w)
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus if allowed
                                 else Qt.FocusPolicy.ClickFocus)
            else:
                w.setEnabled(allowed)
            if isinstance(w, QPlainTextEdit):
                self._fit_height(name, w)
            w.setToolTip("" if allowed else tr("当前状态或角色下不可修改"))

    def fit_heights(self) -> None:
        """Wrapped read-only text needs a new height when the width changes."""
        for name, w in self.inputs.items():
            if isinstance(w, QPlainTextEdit) and w.isReadOnly():
                self._fit_height(name, w)

    def _fit_height(self, name: str, w: QPlainTextEdit) -> None:
        """Editable text gets room to type; read-only text only the lines it holds."""
        full = full_height(next(r for r in self.ROWS if r.name == name))
        if not w.isReadOnly():
            w.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            w.setFixedHeight(full)
            return
        metrics = w.fontMetrics()
        width = max(200, w.viewport().width() - 8)
        lines = 0
        for paragraph in (w.toPlainText() or " ").split("\n"):
            lines += max(1, -(-metrics.horizontalAdvance(paragraph) // width))
        needed = lines * metrics.lineSpacing() + 14
        # text that fits shows no scroll bar: a one-line field must not look like a spin box
        w.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff
                                     if needed <= full + 60 else
                                     Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        w.setFixedHeight(min(full + 60, max(28, needed)))
