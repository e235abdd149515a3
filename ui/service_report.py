"""The service report (运维服务报告) from the window: a month or a quarter, written as
PDF or XLSX off the GUI thread (``desk.read.service_report``).

Signals:
    ServiceReportDialog.written(str): the path of a report just written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.read import service_report, service_report_export
from ui import tasks


class ServiceReportDialog(QDialog):
    written = Signal(str)

    def __init__(self, db: Database, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceReportDialog")
        self.setWindowTitle(self.tr("运维服务报告"))
        self.db = db
        form = QFormLayout(self)
        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        self.kind.addItem(self.tr("月报"), "month")
        self.kind.addItem(self.tr("季报"), "quarter")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow(self.tr("报告类型"), self.kind)
        last = date(today.year, today.month, 1)
        last = date(last.year - 1, 12, 1) if last.month == 1 else date(last.year, last.month - 1, 1)
        self.year = QSpinBox()
        self.year.setObjectName("reportYear")
        self.year.setRange(2000, 2200)
        self.year.setValue(last.year)
        self.number = QSpinBox()
        self.number.setObjectName("reportNumber")
        self.number.setRange(1, 12)
        self.number.setValue(last.month)
        row = QHBoxLayout()
        row.addWidget(self.year)
        row.addWidget(self.number)
        form.addRow(self.tr("年 / 月（季）"), row)
        self.format = QComboBox()
        self.format.setObjectName("reportFormat")
        self.format.addItem("PDF", "pdf")
        self.format.addItem("Excel (XLSX)", "xlsx")
        form.addRow(self.tr("格式"), self.format)
        self.busy = QProgressBar()
        self.busy.setObjectName("reportBusy")
        self.busy.setRange(0, 0)
        self.busy.hide()
        form.addRow(self.busy)
        self.write_button = QPushButton(self.tr("生成…"))
        self.write_button.setObjectName("reportWrite")
        self.write_button.clicked.connect(self.write)
        form.addRow(self.write_button)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        form.addRow(self.status)

    def _kind_changed(self, _index: int) -> None:
        quarter = self.kind.currentData() == "quarter"
        self.number.setRange(1, 4 if quarter else 12)

    def period(self) -> service_report.Period:
        year, number = self.year.value(), self.number.value()
        if self.kind.currentData() == "quarter":
            return service_report.quarter(f"{year}Q{number}")
        return service_report.month(f"{year}-{number:02d}")

    def ask_path(self, suggested: str) -> str:
        """The file the report goes to (tests replace this)."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存报告"), suggested,
                                              "PDF (*.pdf);;Excel (*.xlsx)")
        return path

    def write(self) -> None:
        period = self.period()
        kind = str(self.format.currentData())
        path = self.ask_path(str(Path.home() / f"运维服务报告-{period.code}.{kind}"))
        if not path:
            return
        db, target = self.db, Path(path)
        self.write_button.setEnabled(False)
        self.busy.show()
        self.status.clear()

        def work() -> str:
            report = service_report.compute(db, period)
            return str(service_report_export.write(report, target))

        def done(written: str) -> None:
            self.busy.hide()
            self.write_button.setEnabled(True)
            self.status.setText(self.tr("已生成：") + written)
            self.written.emit(written)

        def failed(exc: BaseException) -> None:
            self.busy.hide()
            self.write_button.setEnabled(True)
            self.status.setText(str(exc) if isinstance(exc, DeskError) else
                                self.tr("出现了意外错误，详情已写入日志。"))

        tasks.run(work, done, failed)
