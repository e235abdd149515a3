"""三、处理过程记录: triage, the handling team, the cause analysis, the solution, the steps.

``workflow_extras`` reads the two lists the ticket's values do not hold: the team
(with duties) and the implementation steps.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from desk.db import Database
from desk.read import tickets
from desk.rules.timeutil import format_local
from ui.labels import label as tr_label
from ui.ticket.form import RecordSection, Row, person_name, row_spec, stamp


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


def workflow_extras(db: Database, ticket_id: int) -> dict[str, Any]:
    """Team and implementation steps of a ticket, as plain tuples."""
    from models import Ticket

    with db.read() as session:
        t = session.get(Ticket, ticket_id)
        assert t is not None
        return {
            "team": [(m.duty.label_zh, m.person.name) for m in t.team],
            "steps": [(s.seq, s.done_at, s.done_by.name, s.action, s.state_after)
                      for s in t.steps],
        }


class HandlingSection(RecordSection):
    """Section 三 of the record table (``sectionHandling``)."""

    TITLE = "三、处理过程记录"
    OBJECT_NAME = "sectionHandling"
    ROWS: list[Row] = [
        row_spec("_triage", "初步研判", "sub"),
        row_spec("responded", "响应人/时间", "display"), row_spec("first_contact", "首次联系情况", "text"),
        row_spec("confirmed_details", "确认的细节", "text"),
        row_spec("reproducible", "能否复现", "tristate"),
        row_spec("first_investigation", "初步排查结果", "text"), row_spec("fault_type", "故障类型", "type"),
        row_spec("level_decided", "定级人/时间", "display"),
        row_spec("_team", "处理小组", "sub"),
        row_spec("assignee", "负责人", "display"), row_spec("team", "小组成员", "display"),
        row_spec("expected_done_at", "预计完成时间", "display"),
        row_spec("cooperation_required", "配合要求", "text"),
        row_spec("_analysis", "原因分析", "sub"),
        row_spec("root_cause", "根本原因", "text"), row_spec("underlying_cause", "深层原因", "text"),
        row_spec("impact_assessment", "影响评估", "text"),
        row_spec("reproduce_conditions", "复现条件", "text"), row_spec("evidence_list", "证据清单", "text"),
        row_spec("_solution", "解决方案", "sub"),
        row_spec("temporary_solution", "临时解决方案", "text"),
        row_spec("long_term_solution", "长期解决方案", "text"),
        row_spec("solution_proposed", "方案提出", "display"),
        row_spec("business_confirmed", "业务确认", "display"),
        row_spec("technical_approved", "技术审批", "display"),
        row_spec("_steps", "实施记录", "sub"),
        row_spec("steps", "实施步骤", "display"),
    ]

    def display(self, d: tickets.TicketDetail) -> dict[str, str]:
        v = d.values
        tz = self.tz
        extra = workflow_extras(self.db, d.id)
        return {
            "responded": stamp(d, v.get("responded_by_id"), v.get("responded_at"), tz),
            "level_decided": stamp(d, v.get("level_decided_by_id"), v.get("level_decided_at"),
                                   tz),
            "assignee": person_name(d, v.get("assignee_id")),
            "team": "\n".join(f"{tr_label(duty)}：{name}" for duty, name in extra["team"]),
            "expected_done_at": format_local(v.get("expected_done_at"), tz),
            "solution_proposed": stamp(d, v.get("solution_proposed_by_id"),
                                       v.get("solution_proposed_at"), tz),
            "business_confirmed": stamp(d, v.get("business_confirmed_by_id"),
                                        v.get("business_confirmed_at"), tz)
            or tr("（待业务方确认）") if v.get("solution_proposed_at") else "",
            "technical_approved": stamp(d, v.get("technical_approved_by_id"),
                                        v.get("technical_approved_at"), tz)
            or tr("（待技术审批）") if v.get("solution_proposed_at") else "",
            "steps": "\n".join(
                f"{i}. {format_local(at, tz)} {who}：{action} → {after}"
                for i, at, who, action, after in extra["steps"]),
        }
