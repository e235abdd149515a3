"""The draft bar: a draft left behind (a crash, a window closed) is offered back.

Signals:
    restore_clicked: the person chose "恢复".
    discard_clicked: the person chose "丢弃".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui import scheme


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class DraftBar(QWidget):
    """"发现未保存的草稿（…）  恢复  丢弃" (``draftBar``), hidden until a draft is offered."""

    restore_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBar")
        # a subclass of QWidget paints a style sheet's background only when asked to
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(scheme.banner_css("#draftBar"))
        bar = QHBoxLayout(self)
        bar.setContentsMargins(6, 3, 6, 3)
        self.label = QLabel()
        self.label.setObjectName("draftLabel")
        self.restore_button = QPushButton(tr("恢复"))
        self.restore_button.setObjectName("draftRestore")
        self.restore_button.clicked.connect(lambda _=False: self.restore_clicked.emit())
        self.discard_button = QPushButton(tr("丢弃"))
        self.discard_button.setObjectName("draftDiscard")
        self.discard_button.clicked.connect(lambda _=False: self.discard_clicked.emit())
        bar.addWidget(self.label, 1)
        bar.addWidget(self.restore_button)
        bar.addWidget(self.discard_button)
        self.hide()

    def offer(self, saved_at: str) -> None:
        self.label.setText(tr("发现未保存的草稿（{0}）").format(saved_at))
        self.show()
