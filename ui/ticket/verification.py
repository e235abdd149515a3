"""四、验证结果: who verified, when, where, what was checked, the verdict and remarks."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desk.read import tickets
from desk.rules.timeutil import format_local
from ui.ticket.form import RecordSection, Row, person_name, row_spec


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class VerificationSection(RecordSection):
    """Section 四 of the record table (``sectionVerification``)."""

    TITLE = "四、验证结果"
    OBJECT_NAME = "sectionVerification"
    ROWS: list[Row] = [
        row_spec("verifier", "验证人", "display"), row_spec("verified_at", "验证时间", "display"),
        row_spec("verification_environment", "验证环境", "text"),
        row_spec("verification_checked", "验证内容", "text"),
        row_spec("verification_passed", "验证结论", "display"),
        row_spec("verification_remarks", "备注", "text"),
    ]

    def display(self, d: tickets.TicketDetail) -> dict[str, str]:
        v = d.values
        return {
            "verifier": person_name(d, v.get("verifier_id")),
            "verified_at": format_local(v.get("verified_at"), self.tz),
            "verification_passed": "" if v.get("verification_passed") is None
            else (tr("通过") if v["verification_passed"] else tr("不通过"))
            + (tr("（第 {0} 轮）").format(v["verification_rounds"])
               if v.get("verification_rounds") else ""),
        }
