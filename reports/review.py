"""The post-incident review (故障复盘) as a PDF: what happened, when, against which
deadline, why, what went well and what did not, and what will be done about it.

Plain data in (``PostIncidentReview``, filled by ``desk.read.review``), ReportLab out.
Screenshots are embedded as pictures; every text uses the embedded CJK font.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.platypus import Flowable, TableStyle

from reports.layout import (
    DocumentHeader,
    Spacer,
    build_pdf,
    field_grid,
    grid_table,
    mm,
    para,
    passage,
    section,
    subsection,
)
from reports.parts import AttachmentItem, attachments_table, pictures

TITLE = "故障复盘报告"


@dataclass(frozen=True)
class ReviewEvent:
    """One line of the timeline; ``mark`` is the SLA verdict the moment carries."""

    at: str
    who: str
    action: str
    note: str = ""
    mark: str = ""
    late: bool = False  # the mark is a miss (printed red)


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str
    due: str
    state: str


@dataclass(frozen=True)
class PostIncidentReview:
    organisation: str
    number: str
    generated_at: datetime  # local time of the desk
    level: str
    fault_type: str
    affected_business: str
    impact_scope: str
    phenomenon: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    timeline: list[ReviewEvent] = field(default_factory=list)
    root_cause: str = ""
    underlying_cause: str = ""
    impact: str = ""
    went_well: list[str] = field(default_factory=list)
    went_badly: list[str] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    attachments: list[AttachmentItem] = field(default_factory=list)


def _timeline(entries: list[ReviewEvent]) -> Flowable:
    table = grid_table(["时间", "操作人", "事件", "说明", "SLA"],
                       [[e.at, e.who, e.action, e.note, e.mark] for e in entries],
                       [30 * mm, 18 * mm, 28 * mm, 64 * mm, 34 * mm])
    late = [i for i, e in enumerate(entries, start=1) if e.late and e.mark]
    if late:
        table.setStyle(TableStyle([("TEXTCOLOR", (4, row), (4, row), colors.HexColor("#c0392b"))
                                   for row in late]))
    return table


def _bullets(lines: list[str], empty: str) -> list[Flowable]:
    if not lines:
        return [para(empty, "small")]
    return [para(f"{i}. {line}") for i, line in enumerate(lines, 1)]


def build(doc: PostIncidentReview, out: str | Path | BinaryIO | None = None) -> bytes:
    """Lay the review out on A4 pages; write to ``out`` and return the bytes."""
    pairs = [("故障等级", doc.level, "故障类型", doc.fault_type),
             ("受影响业务", doc.affected_business, "影响范围", doc.impact_scope)]
    facts = list(doc.facts)
    for i in range(0, len(facts), 2):
        left = facts[i]
        right = facts[i + 1] if i + 1 < len(facts) else ("", "")
        pairs.append((left[0], left[1], right[0], right[1]))
    story: list[Flowable] = []
    story += section("一、故障概况", field_grid(pairs), Spacer(1, 2 * mm),
                     para(f"故障现象：{doc.phenomenon}"))
    story += section("二、时间线（来自审计记录，含 SLA 节点）", _timeline(doc.timeline))
    story += section("三、根本原因与影响")
    story += subsection("根本原因", passage(doc.root_cause))
    if doc.underlying_cause:
        story += subsection("深层原因", passage(doc.underlying_cause))
    story += subsection("影响评估", passage(doc.impact))
    story += section("四、复盘结论")
    story += subsection("做得好的", *_bullets(doc.went_well, "（无）"))
    story += subsection("有待改进的", *_bullets(doc.went_badly, "（无）"))
    story += section("五、整改措施", grid_table(
        ["序号", "措施", "负责人", "完成期限", "状态"],
        [[str(i), a.text, a.owner, a.due, a.state] for i, a in enumerate(doc.actions, 1)],
        [12 * mm, 92 * mm, 24 * mm, 26 * mm, 20 * mm]))
    if doc.related:
        story += section("六、关联故障", *_bullets(doc.related, ""))
    if doc.attachments:
        story += section("七、证据材料", attachments_table(doc.attachments))
        story += pictures(doc.attachments)
    header = DocumentHeader(organisation=doc.organisation, title=TITLE, number=doc.number,
                            generated_at=doc.generated_at)
    return build_pdf(header, story, out)
