"""Someone else saved the ticket first: field by field, choose whose value stays.

Each row shows the value when the form was loaded, theirs (now in the database) and
mine, with a choice "保留我的 / 采用对方的". "全部保留我的" and "全部采用对方的" decide
every row; "合并" takes theirs where only they changed a field and mine where only I
did, and leaves the fields we both changed differently for the person to decide.
Nothing is saved here: the panel saves the chosen values with the new version.

Signals:
    resolved(object): ``dict[field, "mine" | "theirs"]`` when the person saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError
from ui import scheme

MINE = "mine"
THEIRS = "theirs"


class ConflictDialog(QDialog):
    """The three values of every disputed field and a choice per field.

    Signals:
        resolved(object): the choices, ``{field: "mine" | "theirs"}``, on save.
    """

    resolved = Signal(object)

    def __init__(self, error: ConflictError, rows: list[tuple[str, Any, Any, Any]],
                 labels: dict[str, str], editable: set[str],
                 show: Callable[[str, Any], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle(self.tr("保存冲突：他人已修改此故障"))
        self.rows = rows
        self.labels = labels
        self.groups: dict[str, QButtonGroup] = {}
        self.row_widgets: dict[str, list[QWidget]] = {}
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("在您编辑期间，其他人保存了此故障（版本 {0} → {1}）。"
                               "请逐项选择保留哪一方的内容；您输入的内容不会丢失。")
                       .format(error.expected, error.found))
        intro.setWordWrap(True)
        intro.setObjectName("conflictIntro")
        layout.addWidget(intro)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        for col, title in enumerate((self.tr("字段"), self.tr("我载入时"), self.tr("对方（数据库中）"),
                                     self.tr("我的"), self.tr("选择"))):
            head = QLabel(f"<b>{title}</b>")
            grid.addWidget(head, 0, col)
        for r, (name, base, theirs, mine) in enumerate(rows, start=1):
            label = QLabel(labels.get(name, name))
            label.setObjectName(f"conflictField_{name}")
            cells: list[QWidget] = [label]
            grid.addWidget(label, r, 0, Qt.AlignmentFlag.AlignTop)
            for col, (kind, value) in enumerate((("base", base), ("theirs", theirs),
                                                 ("mine", mine)), start=1):
                box = QPlainTextEdit(show(name, value))
                box.setObjectName(f"conflict_{kind}_{name}")
                box.setReadOnly(True)
                box.setFixedHeight(58)
                box.setMinimumWidth(170)
                grid.addWidget(box, r, col)
                cells.append(box)
            choice = QWidget()
            cl = QVBoxLayout(choice)
            cl.setContentsMargins(0, 0, 0, 0)
            keep = QRadioButton(self.tr("保留我的"))
            keep.setObjectName(f"keepMine_{name}")
            take = QRadioButton(self.tr("采用对方的"))
            take.setObjectName(f"takeTheirs_{name}")
            group = QButtonGroup(self)
            group.addButton(keep)
            group.addButton(take)
            group.buttonToggled.connect(lambda _b, _on, n=name: self._decided(n))
            cl.addWidget(keep)
            cl.addWidget(take)
            if mine == base or name not in editable:
                # I did not change it (or may not): only their value can stand
                take.setChecked(True)
                keep.setEnabled(name in editable)
            grid.addWidget(choice, r, 4, Qt.AlignmentFlag.AlignTop)
            cells.append(choice)
            self.groups[name] = group
            self.row_widgets[name] = cells
        grid.setRowStretch(len(rows) + 1, 1)  # spare height below the rows, not between
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)

        self.message = QLabel()
        self.message.setObjectName("conflictMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(scheme.css("bad"))
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.keep_all = self._button("keepAllMine", self.tr("全部保留我的"),
                                     lambda: self._all(MINE))
        self.take_all = self._button("takeAllTheirs", self.tr("全部采用对方的"),
                                     lambda: self._all(THEIRS))
        self.merge_button = self._button("mergeButton", self.tr("合并"), self.merge)
        self.save_button = self._button("conflictSave", self.tr("按所选保存"), self.save)
        self.cancel_button = self._button("conflictCancel", self.tr("取消"), self.reject)
        self.cancel_button.setToolTip(self.tr("不保存；您的修改仍保留在表单中"))
        for b in (self.keep_all, self.take_all, self.merge_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._update()
        self.resize(900, min(640, 170 + 86 * max(1, len(rows))))

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False: slot())
        return button

    # -- choices ------------------------------------------------------------------------

    def choice(self, name: str) -> str | None:
        checked = self.groups[name].checkedButton()
        if checked is None:
            return None
        return MINE if checked.objectName().startswith("keepMine_") else THEIRS

    def choices(self) -> dict[str, str | None]:
        return {name: self.choice(name) for name in self.groups}

    def undecided(self) -> list[str]:
        return [name for name, c in self.choices().items() if c is None]

    def _set(self, name: str, which: str) -> None:
        for button in self.groups[name].buttons():
            wanted = ("keepMine_" if which == MINE else "takeTheirs_") + name
            if button.objectName() == wanted and button.isEnabled():
                button.setChecked(True)

    def _decided(self, _name: str) -> None:
        self._update()

    def _update(self) -> None:
        if not hasattr(self, "save_button"):
            return  # rows being built: their defaults are set before the buttons exist
        waiting = self.undecided()
        for name, cells in self.row_widgets.items():
            cells[0].setStyleSheet(scheme.banner_css() if name in waiting else "")
        self.save_button.setEnabled(not waiting)
        if waiting:
            both = {name for name, base, theirs, mine in self.rows
                    if mine != base and theirs != base and mine != theirs}
            prompt = (self.tr("双方都修改了以下字段，请逐项选择：") if set(waiting) <= both
                      else self.tr("请为以下字段选择保留哪一方（或点“合并”）："))
            self.message.setText(prompt + "、".join(self.labels.get(n, n) for n in waiting))
        else:
            self.message.clear()

    def _all(self, which: str) -> None:
        for name in self.groups:
            self._set(name, which)
        self.save()

    def merge(self) -> None:
        """Theirs where only they changed it, mine where only I did; ask for the rest."""
        for name, base, theirs, mine in self.rows:
            i_changed = mine != base
            they_changed = theirs != base
            if i_changed and they_changed and mine != theirs:
                continue  # both changed it: the person decides
            self._set(name, MINE if i_changed else THEIRS)
        if not self.undecided():
            self.save()
        else:
            self._update()

    def save(self) -> None:
        if self.undecided():
            self._update()
            return
        self.resolved.emit({k: v for k, v in self.choices().items() if v is not None})
        self.accept()
