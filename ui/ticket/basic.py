"""一、基本信息: the fault's number, state, level, times, reporter and business impact."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desk.read import tickets
from desk.rules.timeutil import format_local
from ui.labels import label as tr_label
from ui.ticket.form import RecordSection, Row, make_row


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class BasicInfoSection(RecordSection):
    """Section 一 of the record table (``sectionBasic``)."""

    TITLE = "一、基本信息"
    OBJECT_NAME = "sectionBasic"
    ROWS: list[Row] = [
        make_row("number", "故障编号"), make_row("status", "当前状态", "display"),
        make_row("level", "故障等级", "level"), make_row("occurred_at", "发生时间", "datetime"),
        make_row("restored_at", "恢复时间", "display"), make_row("reported_at", "报告时间", "display"),
        make_row("reporter_name", "发觉人"), make_row("reporter_employee_no", "工号"),
        make_row("reporter_contact", "联系方式"), make_row("affected_business", "受影响业务"),
        make_row("impact_scope", "影响范围", "text", 52),
        make_row("business_interrupted", "业务中断", "bool"),
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
