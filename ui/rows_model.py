"""A read-only table of plain rows, for the small lists of the lessons dialogs (links,
problems, action items): headers, rows of display values, and the item each row shows.

Signals: none (``set_rows`` resets the model).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from ui import scheme

ItemRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[list[str]] = []
        self.items: list[Any] = []
        self.alerts: list[bool] = []  # rows shown in red (overdue, late)

    def set_rows(self, rows: Sequence[tuple[Sequence[Any], Any, bool]]) -> None:
        """``rows``: (display values, the row's item, shown as an alert)."""
        self.beginResetModel()
        self.rows = [["" if v is None else str(v) for v in values] for values, _, _ in rows]
        self.items = [item for _, item, _ in rows]
        self.alerts = [alert for _, _, alert in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) \
                or not 0 <= index.column() < len(self.headers):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and self.alerts[index.row()]:
            return QColor(scheme.colours().overdue)
        if role == ItemRole:
            return self.items[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.headers)):
            return self.headers[section]
        return None

    def item(self, row: int) -> Any:
        return self.items[row] if 0 <= row < len(self.items) else None
