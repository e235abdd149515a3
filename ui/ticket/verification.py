"""四、验证结果: who verified, when, where, what was checked, the verdict and remarks, the
reporter's satisfaction rating as the record table prints it (满意度 | 评价意见); then every
round of verification with its checked items (项 | 预期 | 实际 | 结果)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from desk.errors import DeskError
from desk.read import tickets, timeline
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
        row_spec("satisfaction", "满意度", "display"),
        row_spec("satisfaction_comment", "评价意见", "text"),
        row_spec("verification_history", "各轮验证", "display", 110),
    ]

    def rounds(self, ticket_id: int) -> list[str]:
        """Every round of verification, oldest first, as lines of text."""
        try:
            found = [e for e in timeline.events(self.db, ticket_id) if e["action"] == "verify"]
        except DeskError:
            return []
        state: dict[str, Any] = {}
        lines: list[str] = []
        for number, e in enumerate(found, 1):
            for key, change in (e.get("changes") or {}).items():
                state[key] = change.get("after") if isinstance(change, dict) else change
            passed = state.get("verification_passed")
            verdict = tr("通过") if passed else tr("不通过")
            lines.append(tr("第 {0} 轮").format(number) + f"  {format_local(e['at'], self.tz)}  "
                         + f"{e['actor']}  {verdict}")
            env, checked = state.get("verification_environment"), state.get("verification_checked")
            if env or checked:
                lines.append("    " + tr("环境：") + str(env or "—") + "；"
                             + tr("内容：") + str(checked or "—"))
            for item in (e.get("details") or {}).get("items") or []:
                if isinstance(item, dict):
                    lines.append("    · " + " | ".join(str(item.get(k) or "—") for k in
                                                      ("item", "expected", "actual"))
                                 + " | " + (tr("通过") if item.get("passed") else tr("不通过")))
        return lines

    def display(self, d: tickets.TicketDetail) -> dict[str, str]:
        v = d.values
        return {
            "verification_history": "\n".join(self.rounds(d.id))
            if v.get("verification_rounds") else "",
            "verifier": person_name(d, v.get("verifier_id")),
            "verified_at": format_local(v.get("verified_at"), self.tz),
            "satisfaction": tr("{0} 分（满分 5 分）").format(v["satisfaction"])
            if v.get("satisfaction") else "",
            "verification_passed": "" if v.get("verification_passed") is None
            else (tr("通过") if v["verification_passed"] else tr("不通过"))
            + (tr("（第 {0} 轮）").format(v["verification_rounds"])
               if v.get("verification_rounds") else ""),
        }
