"""技术故障反馈与处理记录表: the whole record of one fault, for the archive.

The sections follow the paper form of SPEC.md in its order: 基本信息, 故障详细描述,
处理过程记录 (triage, team, cause analysis, solutions, implementation log), 验证结果,
闭环; then the attachments' pictures and the complete timeline of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable

from reports import fonts
from reports.layout import (
    DocumentHeader,
    Spacer,
    build_pdf,
    field_grid,
    field_table,
    grid_table,
    mm,
    section,
    subsection,
)
from reports.parts import (
    AttachmentItem,
    TeamLine,
    TimelineEntry,
    attachments_table,
    pictures,
    team_table,
    timeline_table,
)
from reports.verification_form import CheckedItem

TITLE = "技术故障反馈与处理记录表"


@dataclass(frozen=True)
class StepLine:
    """One implementation step: what, who, when, the state after it."""

    seq: str
    action: str
    done_by: str
    done_at: str
    state_after: str


@dataclass(frozen=True)
class PauseLine:
    """One pause of the fault's clocks (暂停): from, until, how long, why, who paused
    and who resumed it (the service's person when the reporter's answer resumed it)."""

    started_at: str
    ended_at: str
    duration: str
    reason: str
    started_by: str
    ended_by: str = ""


@dataclass(frozen=True)
class RecordTable:
    """Every field of the paper record table, as plain text in the desk's local time."""

    organisation: str
    number: str
    generated_at: datetime
    status: str = ""
    # 基本信息
    level: str = ""
    fault_type: str = ""
    occurred_at: str = ""
    restored_at: str = ""
    reported_at: str = ""
    reporter: str = ""  # name and employee number
    reporter_contact: str = ""
    affected_business: str = ""
    impact_scope: str = ""
    business_interrupted: str = ""
    # 故障详细描述
    phenomenon: str = ""
    reproduce_steps: str = ""
    attachments: list[AttachmentItem] = field(default_factory=list)
    # 处理过程记录: triage
    responded_at: str = ""
    responded_by: str = ""
    first_contact: str = ""
    confirmed_details: str = ""
    reproducible: str = ""
    first_investigation: str = ""
    initial_level: str = ""
    level_decided_by: str = ""
    level_decided_at: str = ""
    # team
    dispatched_at: str = ""
    assignee: str = ""
    expected_done: str = ""
    cooperation_required: str = ""
    start_notice_issued_at: str = ""
    team: list[TeamLine] = field(default_factory=list)
    # cause analysis
    root_cause: str = ""
    underlying_cause: str = ""
    impact_assessment: str = ""
    reproduce_conditions: str = ""
    evidence_list: str = ""
    analysed_at: str = ""
    # solutions
    temporary_solution: str = ""
    long_term_solution: str = ""
    solution_proposed_by: str = ""
    solution_proposed_at: str = ""
    business_confirmed_by: str = ""
    business_confirmed_at: str = ""
    technical_approved_by: str = ""
    technical_approved_at: str = ""
    workaround_at: str = ""
    steps: list[StepLine] = field(default_factory=list)
    pauses: list[PauseLine] = field(default_factory=list)
    paused_total: str = ""  # all pauses together, e.g. "1:35"
    # 验证结果
    verifier: str = ""
    verified_at: str = ""
    verification_environment: str = ""
    verification_checked: str = ""
    verification_result: str = ""
    verification_remarks: str = ""
    verification_rounds: str = ""
    satisfaction: str = ""  # the reporter's rating, e.g. "4 分（满分 5 分）"
    satisfaction_comment: str = ""
    verification_items: list[CheckedItem] = field(default_factory=list)
    # 闭环
    resolved_at: str = ""
    summary: str = ""
    prevention_measures: str = ""
    completion_notice_sent_to: str = ""
    completion_notice_sent_at: str = ""
    archived_at: str = ""
    archived_by: str = ""
    cancel_reason: str = ""
    timeline: list[TimelineEntry] = field(default_factory=list)


def story(r: RecordTable) -> list[Flowable]:
    items = [
        [str(i), c.item, c.expected, c.actual,
         "" if c.passed is None else ("通过" if c.passed else "不通过")]
        for i, c in enumerate(r.verification_items, 1)
    ]
    closing = [
        ("故障总结", r.summary, "", None),
        ("预防措施", r.prevention_measures, "", None),
        ("通知发送对象", r.completion_notice_sent_to, "", None),
        ("通知发送时间", r.completion_notice_sent_at, "解决时间", r.resolved_at),
        ("归档时间", r.archived_at, "归档人", r.archived_by),
    ]
    if r.cancel_reason:
        closing.append(("撤销原因", r.cancel_reason, "", None))
    return [
        field_grid([("当前状态", r.status, "处理负责人", r.assignee)]),
        *section("一、基本信息", field_grid([
            ("故障编号", r.number, "故障等级", r.level),
            ("故障类型", r.fault_type, "业务中断", r.business_interrupted),
            ("发生时间", r.occurred_at, "恢复时间", r.restored_at),
            ("上报时间", r.reported_at, "解决时间", r.resolved_at),
            ("发觉人", r.reporter, "联系方式", r.reporter_contact),
            ("受影响业务", r.affected_business, "", None),
            ("影响范围", r.impact_scope, "", None),
        ])),
        *section("二、故障详细描述", field_table([
            ("故障现象", r.phenomenon),
            ("复现操作步骤", r.reproduce_steps),
        ])),
        *subsection("附加信息（附件）", attachments_table(r.attachments)),
        *section("三、处理过程记录"),
        *subsection("（一）初步研判", field_grid([
            ("响应时间", r.responded_at, "响应人", r.responded_by),
            ("首次联系", r.first_contact, "", None),
            ("确认的细节", r.confirmed_details, "", None),
            ("能否复现", r.reproducible, "初判等级", r.initial_level),
            ("初步排查结果", r.first_investigation, "", None),
            ("故障类型", r.fault_type, "定级", r.level),
            ("定级人", r.level_decided_by, "定级时间", r.level_decided_at),
        ])),
        *subsection("（二）处理小组", field_grid([
            ("派单时间", r.dispatched_at, "处理负责人", r.assignee),
            ("预计完成", r.expected_done, "启动通知", r.start_notice_issued_at),
            ("配合要求", r.cooperation_required, "", None),
        ]), Spacer(1, 2 * mm), team_table(r.team)),
        *subsection("（三）原因分析", field_table([
            ("根本原因", r.root_cause),
            ("深层原因", r.underlying_cause),
            ("影响评估", r.impact_assessment),
            ("复现条件", r.reproduce_conditions),
            ("证据清单", r.evidence_list),
            ("分析时间", r.analysed_at),
        ])),
        *subsection("（四）解决方案", field_grid([
            ("临时方案", r.temporary_solution, "", None),
            ("长期方案", r.long_term_solution, "", None),
            ("方案提出人", r.solution_proposed_by, "提出时间", r.solution_proposed_at),
            ("业务确认人", r.business_confirmed_by, "确认时间", r.business_confirmed_at),
            ("技术审批人", r.technical_approved_by, "审批时间", r.technical_approved_at),
            ("临时恢复时间", r.workaround_at, "恢复时间", r.restored_at),
        ])),
        *subsection("（五）实施记录", grid_table(
            ["序号", "实施内容", "实施人", "时间", "实施后状态"],
            [[s.seq, s.action, s.done_by, s.done_at, s.state_after] for s in r.steps],
            [12 * mm, 61 * mm, 22 * mm, 31 * mm, 48 * mm],
        )),
        *(subsection("（六）计时暂停", grid_table(
            ["暂停时间", "恢复时间", "时长", "原因", "暂停人", "恢复人"],
            [*[[p.started_at, p.ended_at, p.duration, p.reason, p.started_by, p.ended_by]
               for p in r.pauses],
             ["暂停合计", "", r.paused_total, "", "", ""]],
            [31 * mm, 31 * mm, 24 * mm, 50 * mm, 19 * mm, 19 * mm],  # 时长: 23小时04分
        )) if r.pauses else ()),
        *section("四、验证结果", field_grid([
            ("验证人", r.verifier, "验证时间", r.verified_at),
            ("验证环境", r.verification_environment, "验证轮次", r.verification_rounds),
            ("验证内容", r.verification_checked, "", None),
            ("验证结论", r.verification_result, "", None),
            ("备注", r.verification_remarks, "", None),
            ("满意度", r.satisfaction, "评价意见", r.satisfaction_comment),
        ])),
        Spacer(1, 2 * mm),
        grid_table(["序号", "验证项", "预期结果", "实际结果", "结论"], items,
                   [12 * mm, 54 * mm, 40 * mm, 44 * mm, 24 * mm], empty_rows=2),
        *section("五、闭环", field_grid(closing)),
        *([*section("附：截图", *pictures(r.attachments))]
          if any(a.image for a in r.attachments) else []),
        *section("附：处理时间线", timeline_table(r.timeline)),
    ]


@fonts.reporting
def build(record: RecordTable, out: str | Path | BinaryIO | None = None) -> bytes:
    header = DocumentHeader(record.organisation, TITLE, record.number, record.generated_at)
    return build_pdf(header, story(record), out)


__all__ = ["TITLE", "RecordTable", "StepLine", "build"]
