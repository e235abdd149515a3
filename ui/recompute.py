"""The progress of recomputing open deadlines after a limit, duty-hour or calendar
change: the service runs on a worker thread and calls ``report(done, total)``; the bar
follows on the GUI thread through a queued signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QWidget


class RecomputeProgress(QObject):
    progressed = Signal(int, int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.bar = QProgressBar(parent)
        self.bar.setObjectName("recomputeProgress")
        self.bar.setFormat(self.tr("重新计算未结故障的截止时间：%v / %m"))
        self.bar.setVisible(False)
        self.progressed.connect(self._show)

    def report(self, done: int, total: int) -> None:
        """Called from the worker thread."""
        self.progressed.emit(done, total)

    def _show(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(total, 1))
        self.bar.setValue(done)
        self.bar.setVisible(True)

    def reset(self) -> None:
        self.bar.setVisible(False)
        self.bar.setValue(0)
