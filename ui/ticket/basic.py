"""一、基本信息: the fault's number, state, level, times, reporter and business impact."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desk.read import tickets
from desk.rules.timeutil import format_local
from ui.labels import label as tr_label
from ui.ticket.form import RecordSection, Row, row_spec


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class BasicInfoSection(RecordSection):
    """Section 一 of the record table (``sectionBasic``)."""

    TITLE = "一、基本信息"
    OBJECT_NAME = "sectionBasic"
    ROWS: list[Row] = [
        row_spec("number", "故障编号"), row_spec("status", "当前状态", "display"),
        row_spec("level", "故障等级", "level"), row_spec("occurred_at", "发生时间", "datetime"),
        row_spec("restored_at", "恢复时间", "display"), row_spec("reported_at", "报告时间", "display"),
        row_spec("reporter_name", "发觉人"), row_spec("reporter_employee_no", "工号"),
        row_spec("reporter_contact", "联系方式"), row_spec("affected_business", "受影响业务"),
        row_spec("impact_scope", "影响范围", "text", 52),
        row_spec("business_interrupted", "业务中断", "bool"),
    ]

    def display(self, d: tickets.TicketDetail) -> dict[str, str]:
        v = d.values
        return {
            "status": tr_label(v["status"].label_zh),
            "restored_at": format_local(v.get("restored_at"), self.tz)
            or (tr("临时方案 ") + format_local(v["workaround_at"], self.tz)
                if v.get("workaround_at") else ""),
            "reported_at": format_local(v.get("reported_at"), self.tz),
        }
