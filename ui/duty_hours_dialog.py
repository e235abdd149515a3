"""The desk's duty hours (值班时间): the service periods of each working day that clocks
counted in duty hours use (level 3 by default)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk.admin import team as admin
from desk.db import Database
from desk.errors import DeskError
from desk.process.people import PersonView
from desk.read import settings
from ui import scheme, tasks
from ui.recompute import RecomputeProgress


def message_of(exc: BaseException) -> str:
    if isinstance(exc, DeskError):
        return str(exc)
    return QCoreApplication.translate("DutyHoursDialog", "出现了意外错误，详情已写入日志。")


class DutyHoursDialog(QDialog):
    saved = Signal()

    def __init__(self, db: Database, actor: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dutyHoursDialog")
        self.setWindowTitle(self.tr("值班时间"))
        self.db, self.actor = db, actor
        with db.read() as session:
            current = settings.duty_hours(session)
        self.periods = QLineEdit(current.describe())
        self.periods.setObjectName("dutyPeriods")
        self.periods.setPlaceholderText("08:30-12:00 13:30-17:30")
        note = QLabel(self.tr("工作日的值班时段，以空格分隔，例如 08:30-12:00 13:30-17:30。"
                              "按值班时间计时的时限只计算这些时段；“4 个工作日”即 4 个完整的值班日。"
                              "保存后所有未关闭故障的截止时间将重新计算。"))
        note.setWordWrap(True)
        note.setStyleSheet(scheme.css("muted"))
        self.message = QLabel()
        self.message.setObjectName("dutyMessage")
        self.message.setStyleSheet(scheme.css("bad"))
        self.message.setWordWrap(True)
        self.message.hide()
        self.progress = RecomputeProgress(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveDutyButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("值班时段")))
        layout.addWidget(self.periods)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.progress.bar)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        periods = self.periods.text().split()
        db, actor_id, report = self.db, self.actor.id, self.progress.report
        self.save_button.setEnabled(False)
        tasks.run(lambda: admin.set_duty_hours(db, actor_id, periods, report), self._done,
                  self._failed)

    def _done(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.progress.reset()
        self.message.setText(message_of(exc))
        self.message.show()
