"""The post-incident review (故障复盘) of one fault, as the plain data its PDF is built
from (``reports.review``), in the manner of ``desk.read.documents``.

The timeline is the fault's audit trail (and its merged duplicates' reports) with the SLA
marks: each deadline as a line at its moment, the response and the restore with their
verdicts, every verification round. What went well and what did not is read from the
same facts (clocks met or missed, failed verification rounds, duplicates, a known problem
repeating); a reviewer's own lines can be added (``went_well`` / ``went_badly``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import or_, select

from desk.db import Database
from desk.read import documents, settings, tickets, timeline
from desk.read.clocks import clocks_of, restore_met
from desk.read.documents import action_label, duration_text, image_bytes, note_of
from desk.rules import spans
from desk.rules.measures import measures_of
from desk.rules.sla import ClockState, ClockStatus
from desk.rules.timeutil import format_local
from models import (
    ActionItem,
    Attachment,
    EvidenceKind,
    Person,
    Problem,
    Ticket,
    TicketLink,
)

if TYPE_CHECKING:
    from reports.review import PostIncidentReview

# which faults the window offers the review for lives with the other documents' rules
# (the window's 文档 menu reads it at start, without this module)
KIND = documents.REVIEW_KIND
LABEL_ZH = documents.REVIEW_LABEL_ZH
available = documents.review_available
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
def _verdict(clock: ClockStatus) -> tuple[str, bool]:
    if clock.state == ClockState.MET:
        return "按时", False
    if clock.state == ClockState.MET_LATE and clock.met_at is not None:
        return spans.margin_or_late(clock.due_at - clock.met_at), True
    return clock.state.label_zh, clock.state == ClockState.BREACHED


def review_data(db: Database, key: str | int, went_well: Sequence[str] = (),
                went_badly: Sequence[str] = ()) -> PostIncidentReview:
    from reports.parts import AttachmentItem, format_size
    from reports.review import ActionLine, PostIncidentReview, ReviewEvent

    with db.read() as session:
        tz = settings.timezone(session)
        now = db.now()
        t: Ticket = tickets.load_ticket(session, key)
        respond, restore = clocks_of(session, t, now)
        limits = settings.limits(session)[t.level]

        def at(moment: datetime | None) -> str:
            return format_local(moment, tz) if moment is not None else ""

        def name(pid: int | None) -> str:
            person = session.get(Person, pid) if pid is not None else None
            return person.name if person else ""

        duplicates = session.scalars(select(Ticket).where(Ticket.merged_into_id == t.id)
                                     .order_by(Ticket.id)).all()
        problem = session.get(Problem, t.problem_id) if t.problem_id else None
        links = session.execute(select(TicketLink, Ticket).join(Ticket, or_(
            (TicketLink.ticket_id == t.id) & (Ticket.id == TicketLink.other_id),
            (TicketLink.other_id == t.id) & (Ticket.id == TicketLink.ticket_id)))
            .where(or_(TicketLink.ticket_id == t.id, TicketLink.other_id == t.id))
            .order_by(TicketLink.id)).all()
        item_filter = [ActionItem.ticket_id == t.id]
        if problem is not None:
            item_filter.append(ActionItem.problem_id == problem.id)
        items = session.scalars(select(ActionItem).where(or_(*item_filter))
                                .order_by(ActionItem.due_on, ActionItem.id)).all()
        actions = [ActionLine(i.title, name(i.owner_id), f"{i.due_on:%Y-%m-%d}",
                              i.state.label_zh + ("（已逾期）" if i.state.value == "open"
                                                  and i.due_on < now.astimezone(tz).date()
                                                  else ""))
                   for i in items]
        tracked = {i.title.strip() for i in items}
        for line in measures_of(t.prevention_measures):
            if line not in tracked:
                actions.append(ActionLine(line, name(t.assignee_id), "", "未跟踪"))
        files = session.scalars(select(Attachment).where(
            Attachment.ticket_id.in_([t.id, *(d.id for d in duplicates)]),
            Attachment.removed_at.is_(None)).order_by(Attachment.id)).all()
        attachments = [AttachmentItem(
            a.name, a.kind.label_zh if isinstance(a.kind, EvidenceKind) else str(a.kind),
            format_size(a.size), name(a.added_by_id), at(a.added_at), a.note,
            image_bytes(session, a.id) if a.mime_type in IMAGE_TYPES else None) for a in files]
        team = [m for m in t.team]
        restored = restore_met(t)
        facts = [
            ("发生时间", at(t.occurred_at)), ("上报时间", at(t.reported_at)),
            ("响应时间", at(t.responded_at)), ("恢复时间", at(restored)),
            ("解决时间", at(t.resolved_at)),
            ("影响时长", duration_text(restored - t.occurred_at) if restored else "尚未恢复"),
            ("响应时限", f"{limits.respond.describe_zh()}，{_verdict(respond)[0]}"),
            ("恢复时限", f"{limits.restore.describe_zh()}，{_verdict(restore)[0]}"),
            ("验证轮次", str(t.verification_rounds)),
            ("满意度", f"{t.satisfaction} 分" + (f"（{t.satisfaction_comment}）"
                                               if t.satisfaction_comment else "")
             if t.satisfaction else ""),
            ("负责人", name(t.assignee_id)),
            ("所属问题", f"{problem.number} {problem.title}（{problem.state.label_zh}）"
             if problem else ""),
        ]
        related = [f"{other.number} {other.affected_business}：{other.phenomenon[:40]}"
                   f"（{link.kind.label_zh if link.ticket_id == t.id else '被关联'}，"
                   f"{other.status.label_zh}）" for link, other in links]
        for d in duplicates:
            related.append(f"重复上报 {d.number}：{d.reporter_name}，{at(d.reported_at)}")
        well: list[str] = []
        badly: list[str] = []
        for label, clock in (("响应", respond), ("恢复", restore)):
            verdict, late = _verdict(clock)
            if clock.state == ClockState.MET and clock.met_at is not None:
                well.append(f"{label}及时：用时 {duration_text(clock.met_at - t.reported_at)}，"
                            f"在时限内")
            elif late:
                badly.append(f"{label}未达时限：{verdict}")
        if t.verification_rounds > 1 or (t.verification_rounds == 1
                                         and t.verification_passed is False):
            failed = t.verification_rounds - (1 if t.verification_passed else 0)
            badly.append(f"验证未通过 {failed} 次，返回分析处理")
        elif t.verification_passed:
            well.append("一次验证通过")
        if t.level.value == 1 and len(team) > 1:
            well.append(f"应急小组 {len(team)} 人到位，由{name(t.assignee_id) or '总协调人'}统一协调")
        if duplicates:
            badly.append(f"同一故障被重复上报 {len(duplicates)} 次：影响面通报不及时")
        if problem is not None and t.reported_at > problem.created_at:
            badly.append(f"重复故障：问题 {problem.number} 在本次故障前已存在")
        ticket_id = t.id
        doc = PostIncidentReview(
            organisation=str(settings.get(session, "organisation")), number=t.number,
            generated_at=now.astimezone(tz), level=t.level.label_zh,
            fault_type=t.fault_type.label_zh, affected_business=t.affected_business,
            impact_scope=t.impact_scope, phenomenon=t.phenomenon, facts=facts,
            root_cause=t.root_cause, underlying_cause=t.underlying_cause,
            impact=t.impact_assessment or t.impact_scope,
            went_well=[*well, *(x.strip() for x in went_well if x.strip())],
            went_badly=[*badly, *(x.strip() for x in went_badly if x.strip())],
            actions=actions, related=related, attachments=attachments)
        dup_reports = [(d.reported_at, d.reporter_name, d.number) for d in duplicates]
    entries: list[tuple[datetime, int, Any]] = []
    marks_done: set[str] = set()
    for e in timeline.events(db, ticket_id):
        mark, late = "", False
        changes = e["changes"] or {}
        if e["action"] == "report":
            mark = f"响应时限 {at(respond.due_at)[11:]}；恢复时限 {at(restore.due_at)[5:]}"
        if (isinstance(changes.get("responded_at"), dict) and changes["responded_at"].get("after")
                and "respond" not in marks_done):
            marks_done.add("respond")
            verdict, late = _verdict(respond)
            mark = f"响应：{verdict}"
        stopped = [k for k in ("restored_at", "workaround_at")
                   if isinstance(changes.get(k), dict) and changes[k].get("after")]
        if stopped and "restore" not in marks_done:
            marks_done.add("restore")
            verdict, late_restore = _verdict(restore)
            mark = (mark + "；" if mark else "") + f"恢复：{verdict}"
            late = late or late_restore
        if e["action"] == "verify":
            rounds = (changes.get("verification_rounds") or {}).get("after")
            passed = (changes.get("verification_passed") or {}).get("after")
            if passed is None:
                passed = (e["details"] or {}).get("failed_round") is None
            mark = f"第 {rounds or '?'} 轮验证：{'通过' if passed else '未通过'}"
            late = not passed
        entries.append((e["at"], 1, ReviewEvent(at(e["at"]), e["actor"] or "系统",
                                                action_label(e["action"]), note_of(e), mark,
                                                late)))
    for moment, who, number in dup_reports:
        entries.append((moment, 1, ReviewEvent(at(moment), who, "重复上报",
                                               f"{number}（已合并）")))
    for label, clock in (("响应", respond), ("恢复", restore)):
        missed = clock.met_at is None or clock.met_at > clock.due_at
        if missed and clock.due_at <= now:
            entries.append((clock.due_at, 0, ReviewEvent(
                at(clock.due_at), "", f"{label}时限到期",
                "此时尚未完成", f"{label}超时", True)))
    entries.sort(key=lambda x: (x[0], x[1]))
    return dataclasses.replace(doc, timeline=[e for _, _, e in entries])


def render(db: Database, key: str | int, out: str | Path | BinaryIO | None = None,
           went_well: Sequence[str] = (), went_badly: Sequence[str] = ()) -> bytes:
    """Build the review PDF of a fault; write to ``out`` if given; return the bytes."""
    from reports import review

    return review.build(review_data(db, key, went_well, went_badly), out)
