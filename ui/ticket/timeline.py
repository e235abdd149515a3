"""处理时间线: every event of the ticket, oldest first, one line each.

A line reads: when, who (or 系统), what (the transition or ``ACTION_LABELS``), the
file or name concerned, the fields it changed (their labels: a row of the form or
``TIMELINE_FIELDS``) and the reason given.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGroupBox, QListWidget, QVBoxLayout, QWidget

from desk.db import Database
from desk.read import timeline
from desk.rules import transitions
from desk.rules.timeutil import format_local
from models import Status
from ui.labels import label as tr_label
from ui.ticket.sections import LABELS

ACTION_LABELS = {
    "report": "故障上报",
    "edit": "修改记录",
    "attach": "添加附件",
    "remove_attachment": "移除附件",
    "issue_start_notice": "发出启动通知",
    "issue_completion_notice": "发出完成通知",
}

# fields the timeline names that are not rows of the form
TIMELINE_FIELDS = {
    "status": "状态", "fault_type": "故障类型", "initial_level": "初定等级",
    "responded_at": "响应时间", "responded_by_id": "响应人", "level_decided_by_id": "定级人",
    "level_decided_at": "定级时间", "assignee_id": "负责人", "dispatched_at": "派单时间",
    "start_notice_due": "待发启动通知", "start_notice_issued_at": "启动通知发出时间",
    "analysed_at": "分析时间", "analysis_report_required": "需要原因分析报告",
    "solution_proposed_by_id": "方案提出人", "solution_proposed_at": "方案提出时间",
    "business_confirmed_by_id": "业务确认人", "business_confirmed_at": "业务确认时间",
    "technical_approved_by_id": "技术审批人", "technical_approved_at": "技术审批时间",
    "workaround_at": "临时方案时间", "verifier_id": "验证人", "verification_passed": "验证结论",
    "verification_rounds": "验证轮次", "resolved_at": "解决时间", "archived_at": "归档时间",
    "archived_by_id": "归档人", "cancelled_at": "撤销时间", "cancel_reason": "撤销原因",
    "completion_notice_sent_to": "完成通知发送对象",
    "completion_notice_sent_at": "完成通知发送时间",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("TicketPanel", text)


class TimelineSection(QGroupBox):
    """The ticket's events under the record table (``sectionTimeline``).

    ``timeline`` is the list itself (``QListWidget`` named ``timeline``).
    """

    def __init__(self, db: Database, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(tr("处理时间线"), parent)
        self.db = db
        self.tz = tz
        self.setObjectName("sectionTimeline")
        tl = QVBoxLayout(self)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setAccessibleName(tr("处理时间线"))
        self.timeline.setMinimumHeight(140)
        self.timeline.setWordWrap(True)
        tl.addWidget(self.timeline)

    def clear(self) -> None:
        self.timeline.clear()

    def fill(self, ticket_id: int) -> None:
        self.timeline.clear()
        for e in timeline.events(self.db, ticket_id):
            spec = transitions.TRANSITIONS.get(e["action"])
            what = spec.label_zh if spec else ACTION_LABELS.get(e["action"], e["action"])
            changes = e["changes"] or {}
            if e["action"] == "report":
                fields = ""
            else:
                fields = "、".join(
                    tr(LABELS.get(k) or TIMELINE_FIELDS.get(k) or k) for k in changes
                    if k != "status" and not k.endswith(("_due_at", "_estimated")))
            status = changes.get("status", {}).get("after") if e["action"] != "report" \
                else None
            if status in {s.value for s in Status}:
                fields = "→ " + tr_label(Status(status).label_zh) + (
                    "  " + fields if fields else "")
            name = (e.get("details") or {}).get("name") or (e.get("details") or {}).get(
                "file_name") or ""
            if (e.get("details") or {}).get("auto") == "reporter_answered":
                # the service resumed the clocks: the reporter's mail answered
                name = tr("报告人来信 {0}，自动恢复").format(e["details"].get("by", ""))
            self.timeline.addItem(
                "  ".join(x for x in (format_local(e["at"], self.tz),
                                      e["actor"] or tr("系统"), tr_label(what),
                                      str(name), fields, e["reason"]) if x))
