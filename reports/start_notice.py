"""《故障处理启动通知》: the handling start notice sent after dispatch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reports import fonts
from reports.layout import (
    DocumentHeader,
    Spacer,
    build_pdf,
    field_grid,
    mm,
    para,
    passage,
    section,
)
from reports.parts import TeamLine, team_table

TITLE = "故障处理启动通知"


@dataclass(frozen=True)
class StartNotice:
    """Everything the notice prints, as plain text already in the desk's local time."""

    organisation: str
    number: str
    level: str
    occurred_at: str
    affected_business: str
    impact_scope: str
    phenomenon: str
    respond_due: str
    restore_due: str
    expected_done: str
    cooperation_required: str
    issued_by: str
    issued_on: str
    generated_at: datetime
    team: list[TeamLine] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    fault_type: str = ""
    reporter: str = ""
    reporter_contact: str = ""
    reported_at: str = ""
    business_interrupted: bool = False
    coordinator: str = ""  # the person who answers questions about the handling
    coordinator_contact: str = ""


@fonts.reporting
def build(notice: StartNotice, out: str | Path | BinaryIO | None = None) -> bytes:
    recipients = "、".join(notice.recipients) if notice.recipients else ""
    interrupted = "是" if notice.business_interrupted else "否"
    story = [
        para(f"{recipients or '各相关部门'}："),
        para(f"故障 {notice.number}（{notice.level}）已完成分级派单，现启动处理。"
             "处理小组、时限要求及需要各部门配合的事项如下，请遵照执行。", "body"),
        *section("一、故障概况", field_grid([
            ("故障编号", notice.number, "故障等级", notice.level),
            ("故障类型", notice.fault_type, "业务中断", interrupted),
            ("发生时间", notice.occurred_at, "上报时间", notice.reported_at),
            ("发觉人", notice.reporter, "联系方式", notice.reporter_contact),
            ("受影响业务", notice.affected_business, "", None),
            ("影响范围", notice.impact_scope, "", None),
            ("故障现象", notice.phenomenon, "", None),
        ])),
        *section("二、处理小组", team_table(notice.team)),
        *section("三、时限要求与联系人", field_grid([
            ("响应时限", notice.respond_due, "恢复时限", notice.restore_due),
            ("预计完成", notice.expected_done, "处理负责人", notice.coordinator),
            ("负责人电话", notice.coordinator_contact, "", None),
        ])),
        *section("四、配合要求", passage(notice.cooperation_required, 2)),
        *section("五、发送范围", para(recipients)),
        Spacer(1, 6 * mm),
        field_grid([("签发人", notice.issued_by, "签发日期", notice.issued_on)]),
        Spacer(1, 1.5 * mm),
        para("本通知由系统生成，签发后生效；如有疑问请联系处理负责人。", "small"),
    ]
    header = DocumentHeader(notice.organisation, TITLE, notice.number, notice.generated_at)
    return build_pdf(header, story, out)


__all__ = ["TITLE", "StartNotice", "TeamLine", "build"]
