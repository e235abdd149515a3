"""《故障处理启动通知》: the handling start notice sent after dispatch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reports.layout import (
    DocumentHeader,
    Spacer,
    build_pdf,
    field_table,
    grid_table,
    mm,
    para,
    section,
)

TITLE = "故障处理启动通知"


@dataclass(frozen=True)
class TeamLine:
    duty: str  # already a label, e.g. "主责工程师"
    name: str
    contact: str = ""


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


def build(notice: StartNotice, out: str | Path | BinaryIO | None = None) -> bytes:
    story = [
        para(f"各相关部门：故障 {notice.number} 已完成分级派单，现启动处理，具体如下。"),
        Spacer(1, 3 * mm),
        *section("一、故障概况", field_table([
            ("故障编号", notice.number),
            ("故障等级", notice.level),
            ("故障类型", notice.fault_type),
            ("发生时间", notice.occurred_at),
            ("发觉人", notice.reporter),
            ("受影响业务", notice.affected_business),
            ("影响范围", notice.impact_scope),
            ("故障现象", notice.phenomenon),
        ])),
        *section("二、处理小组", grid_table(
            ["职责", "姓名", "联系方式"],
            [[t.duty, t.name, t.contact] for t in notice.team],
            [40 * mm, 60 * mm, 74 * mm],
        )),
        *section("三、时限要求", field_table([
            ("响应时限", notice.respond_due),
            ("恢复时限", notice.restore_due),
            ("预计完成时间", notice.expected_done),
        ])),
        *section("四、配合要求", para(notice.cooperation_required)),
        *section("五、发送范围", para("、".join(notice.recipients) if notice.recipients else None)),
        Spacer(1, 8 * mm),
        field_table([("签发人", notice.issued_by), ("签发日期", notice.issued_on)]),
    ]
    header = DocumentHeader(notice.organisation, TITLE, notice.number, notice.generated_at)
    return build_pdf(header, story, out)
