"""《故障处理完成通知》: the completion notice sent once verification has passed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.platypus import Flowable, KeepTogether

from reports import fonts
from reports.layout import (
    DocumentHeader,
    Spacer,
    build_pdf,
    field_grid,
    field_table,
    grid_table,
    mm,
    para,
    section,
)
from reports.parts import Measure, measures_table


@dataclass(frozen=True)
class ClockLine:
    """One SLA clock as printed: its limit, deadline, when met and the verdict."""

    name: str  # 响应 / 恢复
    limit: str
    due_at: str
    met_at: str
    verdict: str  # "按时完成" / "超时 1小时5分钟" / "未完成"


TITLE = "故障处理完成通知"


@dataclass(frozen=True)
class CompletionNotice:
    """Everything the notice prints, as plain text already in the desk's local time."""

    organisation: str
    number: str
    generated_at: datetime
    level: str = ""
    fault_type: str = ""
    affected_business: str = ""
    impact_scope: str = ""
    phenomenon: str = ""
    occurred_at: str = ""
    restored_at: str = ""
    resolved_at: str = ""
    duration: str = ""
    summary: str = ""
    root_cause: str = ""
    underlying_cause: str = ""
    temporary_solution: str = ""
    long_term_solution: str = ""
    verification: str = ""  # e.g. "通过（孙丽，2026-11-27 10:30，生产环境）"
    verification_remarks: str = ""
    handled_by: str = ""
    clocks: list[ClockLine] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    sent_by: str = ""
    sent_on: str = ""


def story(notice: CompletionNotice) -> list[Flowable]:
    recipients = "、".join(notice.recipients) if notice.recipients else ""
    return [
        para(f"{recipients or '各相关部门'}："),
        para(f"故障 {notice.number}（{notice.affected_business or '—'}）已处理完毕，"
             "经验证恢复正常，现将处理结果通知如下。", "body"),
        *section("一、故障概要", field_grid([
            ("故障编号", notice.number, "故障等级", notice.level),
            ("故障类型", notice.fault_type, "处理负责人", notice.handled_by),
            ("发生时间", notice.occurred_at, "恢复时间", notice.restored_at),
            ("解决时间", notice.resolved_at, "持续时长", notice.duration),
            ("受影响业务", notice.affected_business, "", None),
            ("影响范围", notice.impact_scope, "", None),
            ("故障现象", notice.phenomenon, "", None),
            ("处理总结", notice.summary, "", None),
        ])),
        *section("二、处理时效", grid_table(
            ["时限", "要求", "截止时间", "完成时间", "结果"],
            [[c.name, c.limit, c.due_at, c.met_at, c.verdict] for c in notice.clocks],
            [20 * mm, 30 * mm, 35 * mm, 35 * mm, 54 * mm], empty_rows=2,
        )),
        *section("三、故障原因", field_table([
            ("根本原因", notice.root_cause),
            ("深层原因", notice.underlying_cause),
        ])),
        *section("四、解决方案与验证", field_table([
            ("临时方案", notice.temporary_solution),
            ("长期方案", notice.long_term_solution),
            ("验证结论", notice.verification),
            ("验证备注", notice.verification_remarks),
        ])),
        *section("五、预防措施", measures_table(notice.measures)),
        Spacer(1, 4 * mm),
        KeepTogether(field_grid([
            ("发送范围", recipients, "", None),
            ("发送人", notice.sent_by, "发送日期", notice.sent_on),
        ])),
    ]


@fonts.reporting
def build(notice: CompletionNotice, out: str | Path | BinaryIO | None = None) -> bytes:
    header = DocumentHeader(notice.organisation, TITLE, notice.number, notice.generated_at)
    return build_pdf(header, story(notice), out)


__all__ = ["TITLE", "ClockLine", "CompletionNotice", "build"]
