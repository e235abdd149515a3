"""One small read-only list model for the lists of plain items the window shows.

``ItemListModel`` holds a list of plain values (dataclasses from ``desk``), best
first, and answers ``ItemRole`` with the item itself; a subclass says what the other
roles show (``item_data``): the display text, a tooltip, ``HtmlRole`` (the item as
rich text, for ``ui.kb_dialog.RichTextDelegate``). The knowledge base's search
results and the similar faults beside a new fault are such lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

ItemRole = Qt.ItemDataRole.UserRole + 1  # the item itself
HtmlRole = Qt.ItemDataRole.UserRole + 2  # the item as rich text

_Index = QModelIndex | QPersistentModelIndex


class ItemListModel(QAbstractListModel):
    """A flat list of plain items; ``set_items`` replaces them all at once."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[Any] = []

    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == ItemRole:
            return item
        return self.item_data(item, role)

    def item_data(self, item: Any, role: int) -> Any:
        """What ``role`` shows of ``item`` (None: nothing); a subclass says."""
        return None
