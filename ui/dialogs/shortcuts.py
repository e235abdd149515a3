"""帮助 → 快捷键 (F1): every keyboard shortcut of the window, in one table.

Read from the window itself (its actions with a shortcut) plus the few that live on
widgets (保存 in the ticket panel, the action bar's Alt+1…9, paste in the attachments),
so the list cannot drift from what the keys do.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def tr(text: str) -> str:
    return QCoreApplication.translate("ShortcutsDialog", text)


def widget_shortcuts() -> list[tuple[str, str]]:
    return [
        (QKeySequence(QKeySequence.StandardKey.Save).toString(
            QKeySequence.SequenceFormat.NativeText), tr("保存对故障记录的修改")),
        ("Alt+1 … Alt+9", tr("故障的操作按钮，从左到右（受理研判、分级派单……）")),
        (QKeySequence(QKeySequence.StandardKey.Paste).toString(
            QKeySequence.SequenceFormat.NativeText), tr("在附件区粘贴截图或文件")),
        ("Tab / Shift+Tab", tr("在输入项之间移动")),
        ("Esc", tr("关闭对话框（不保存）")),
    ]


def window_shortcuts(window: QWidget) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for action in window.findChildren(QAction):
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        text = action.text().replace("&", "").rstrip("…").strip()
        if not keys or not text:
            continue
        key = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)
        if (key, text) not in seen:
            seen.add((key, text))
            rows.append((key, text))
    return sorted(rows, key=lambda r: r[0])


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(tr("快捷键"))
        rows = window_shortcuts(window) + widget_shortcuts()
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(tr("快捷键"))
        self.table.setHorizontalHeaderLabels([tr("按键"), tr("作用")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for i, (key, what) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(key))
            self.table.setItem(i, 1, QTableWidgetItem(what))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(520, 420)


def install_help_menu(window: QMainWindow) -> QAction:
    """帮助(&H) → 快捷键… (F1), added last so it sits at the right of the menu bar."""
    action = QAction(tr("快捷键…"), window)
    action.setObjectName("actionShortcuts")
    action.setShortcut(QKeySequence(Qt.Key.Key_F1))

    def show() -> None:
        dialog = ShortcutsDialog(window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    action.triggered.connect(show)

    def add() -> None:
        menu = window.menuBar().addMenu(tr("帮助(&H)"))
        menu.setObjectName("helpMenu")
        menu.addAction(action)

    QTimer.singleShot(0, add)  # after the menus installed right after the window is made
    window.addAction(action)  # F1 works before the menu is there
    return action
