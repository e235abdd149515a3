"""五、闭环: the summary, prevention, the completion notice, archiving or cancelling."""

from __future__ import annotations

from desk.read import tickets
from desk.rules.timeutil import format_local
from ui.ticket.form import RecordSection, Row, row_spec, stamp


class ClosingSection(RecordSection):
    """Section 五 of the record table (``sectionClosing``)."""

    TITLE = "五、闭环"
    OBJECT_NAME = "sectionClosing"
    ROWS: list[Row] = [
        row_spec("summary", "故障总结", "text", 70), row_spec("prevention_measures", "预防措施", "text", 70),
        row_spec("completion_notice", "完成通知发送", "display"),
        row_spec("archived", "归档（时间、人员）", "display"),
        row_spec("cancelled", "撤销（时间、原因）", "display"),
    ]

    def display(self, d: tickets.TicketDetail) -> dict[str, str]:
        v = d.values
        return {
            "completion_notice": " ".join(x for x in (
                v.get("completion_notice_sent_to") or "",
                format_local(v.get("completion_notice_sent_at"), self.tz)) if x),
            "archived": stamp(d, v.get("archived_by_id"), v.get("archived_at"), self.tz),
            "cancelled": (format_local(v.get("cancelled_at"), self.tz) + "  "
                          + (v.get("cancel_reason") or "")).strip(),
        }
