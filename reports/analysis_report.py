"""《故障原因分析报告》: the cause analysis report written after diagnosis."""

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
    mm,
    passage,
    section,
    signature_lines,
    subsection,
)
from reports.parts import (
    AttachmentItem,
    Measure,
    TeamLine,
    TimelineEntry,
    attachments_table,
    measures_table,
    pictures,
    team_table,
    timeline_table,
)

TITLE = "故障原因分析报告"


@dataclass(frozen=True)
class AnalysisReport:
    """Everything the report prints, as plain text already in the desk's local time."""

    organisation: str
    number: str
    generated_at: datetime
    level: str = ""
    fault_type: str = ""
    occurred_at: str = ""
    restored_at: str = ""
    duration: str = ""  # from occurrence to restoration, or "尚未恢复"
    affected_business: str = ""
    impact_scope: str = ""
    phenomenon: str = ""
    root_cause: str = ""
    underlying_cause: str = ""
    impact_assessment: str = ""
    reproduce_conditions: str = ""
    reproduce_steps: str = ""
    evidence_list: str = ""
    analysed_by: str = ""
    analysed_at: str = ""
    reviewed_by: str = ""  # the technical approver
    reviewed_at: str = ""
    timeline: list[TimelineEntry] = field(default_factory=list)
    attachments: list[AttachmentItem] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    participants: list[TeamLine] = field(default_factory=list)


def story(report: AnalysisReport) -> list[Flowable]:
    return [
        *section("一、故障概述", field_grid([
            ("故障编号", report.number, "故障等级", report.level),
            ("故障类型", report.fault_type, "持续时长", report.duration),
            ("发生时间", report.occurred_at, "恢复时间", report.restored_at),
            ("受影响系统", report.affected_business, "", None),
            ("影响范围", report.impact_scope, "", None),
            ("故障现象", report.phenomenon, "", None),
        ])),
        *section("二、处理经过（时间线）", timeline_table(report.timeline)),
        *section("三、原因分析", field_table([
            ("根本原因", report.root_cause),
            ("深层原因", report.underlying_cause),
        ])),
        *section("四、影响评估", passage(report.impact_assessment)),
        *section("五、复现条件", field_table([
            ("复现条件", report.reproduce_conditions),
            ("复现步骤", report.reproduce_steps),
        ])),
        *section("六、证据清单", passage(report.evidence_list, 2)),
        *subsection("附件", attachments_table(report.attachments), Spacer(1, 2 * mm)),
        *pictures(report.attachments),
        *section("七、改进措施", measures_table(report.measures)),
        *section("八、参与人员", team_table(report.participants)),
        *section("九、分析与审核", field_grid([
            ("分析人", report.analysed_by, "分析时间", report.analysed_at),
            ("审核人", report.reviewed_by, "审核时间", report.reviewed_at),
        ])),
        Spacer(1, 4 * mm),
        signature_lines("分析人", "审核人"),
    ]


@fonts.reporting
def build(report: AnalysisReport, out: str | Path | BinaryIO | None = None) -> bytes:
    header = DocumentHeader(report.organisation, TITLE, report.number, report.generated_at)
    return build_pdf(header, story(report), out)


__all__ = ["TITLE", "AnalysisReport", "build"]
