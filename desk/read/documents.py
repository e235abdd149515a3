"""Fill the printable documents from a ticket: plain data in, PDF bytes out.

Each ``*_data`` function reads one ticket in one short session and returns the plain
data class of ``reports`` (text in the desk's time zone, screenshots as bytes), so the
same builder serves preview, print, e-mail and batch export. ``available_documents`` says
which documents make sense when; recording that a notice went out is
``desk.process.notices``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import (
    NotFoundError,
)
from desk.read import settings, tickets, timeline
from desk.read.clocks import clocks_of
from desk.rules import spans, transitions
from desk.rules.sla import ClockState, ClockStatus
from desk.rules.timeutil import format_local
from models import (
    Attachment,
    AttachmentChunk,
    Department,
    Event,
    EvidenceKind,
    FaultLevel,
    Person,
    Status,
    Ticket,
)

if TYPE_CHECKING:
    from reports import analysis_report, completion_notice, record_table, start_notice
    from reports import verification_form as vform
    from reports.parts import AttachmentItem, Measure, TeamLine, TimelineEntry

# ``reports`` (ReportLab, qrcode, Pillow: a tenth of a second of imports) is imported in
# the functions that fill or build a document, so the window starts without it.

KINDS = ("start-notice", "analysis-report", "verification-form", "completion-notice", "record")
KIND_LABELS_ZH = {
    "start-notice": "故障处理启动通知",
    "analysis-report": "故障原因分析报告",
    "verification-form": "故障验证结果表",
    "verification-form-blank": "故障验证结果表（空白）",
    "completion-notice": "故障处理完成通知",
    "record": "技术故障反馈与处理记录表",
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})

# Actions recorded outside the transition table, with their labels for the timeline.
EXTRA_ACTIONS_ZH = {
    "report": "故障上报",
    "issue_start_notice": "签发启动通知",
    "issue_completion_notice": "发送完成通知",
    "edit": "修改记录",
    "attach": "添加附件",
    "detach": "移除附件",
    "team": "调整处理小组",
    "link": "关联故障",
    "linked": "被关联",
    "unlink": "取消关联",
    "merge": "合并为重复故障",
    "merged_in": "合并重复故障",
    "problem_link": "关联问题",
    "action_add": "安排整改措施",
    "action_done": "完成整改措施",
    "broadcast": "发布进展通报",
}
LINK_LABELS_ZH = {"related": "相关", "caused_by": "由其引起", "duplicate": "重复"}

S = Status
_Doc = TypeVar("_Doc", "analysis_report.AnalysisReport", "record_table.RecordTable")
AFTER_DISPATCH = frozenset({S.DISPATCHED, S.DIAGNOSING, S.SOLUTION_PROPOSED, S.IMPLEMENTING,
                            S.VERIFYING, S.RESOLVED, S.ARCHIVED})
AFTER_DIAGNOSIS = frozenset({S.DIAGNOSING, S.SOLUTION_PROPOSED, S.IMPLEMENTING, S.VERIFYING,
                             S.RESOLVED, S.ARCHIVED})
VERIFIED = frozenset({S.RESOLVED, S.ARCHIVED})


class _Reader:
    """Formatting helpers bound to one session and the desk's time zone."""

    def __init__(self, db: Database, session: Session) -> None:
        self.db = db
        self.session = session
        self.tz: ZoneInfo = settings.timezone(session)
        self.now = db.now()

    def at(self, moment: datetime | None) -> str:
        return format_local(moment, self.tz)

    def day(self, moment: datetime | None) -> str:
        return format_local(moment, self.tz)[:10]

    def person(self, pid: int | None) -> Person | None:
        return self.session.get(Person, pid) if pid is not None else None

    def name(self, pid: int | None) -> str:
        person = self.person(pid)
        return person.name if person else ""

    def organisation(self) -> str:
        return str(settings.get(self.session, "organisation"))

    def generated_at(self) -> datetime:
        return self.now.astimezone(self.tz)


def _paused_total(t: Ticket, now: datetime) -> str:
    """The time the fault's clocks stood still, all pauses together (one still in
    force counted until now), as the pause lines write a duration; empty without any."""
    if not t.pauses:
        return ""
    total = sum(((p.ended_at or now) - p.started_at for p in t.pauses), timedelta(0))
    return spans.span(total)


def _duration(delta: timedelta) -> str:
    """How long something took, the way the window writes it (``1小时05分``)."""
    return spans.span(max(delta, timedelta(0)))


def _restored(t: Ticket) -> datetime | None:
    moments = [m for m in (t.workaround_at, t.restored_at) if m is not None]
    return min(moments) if moments else None


def _outage(t: Ticket) -> str:
    restored = _restored(t)
    return _duration(restored - t.occurred_at) if restored else "尚未恢复"


def _team(t: Ticket) -> list[TeamLine]:
    from reports.parts import TeamLine

    return [
        TeamLine(m.duty.label_zh, m.person.name, m.person.contact,
                 m.person.department.name if m.person.department else "")
        for m in t.team
    ]


def _default_recipients(r: _Reader, t: Ticket) -> list[str]:
    """The departments involved: the team's and the reporter's."""
    names = {m.person.department.name for m in t.team if m.person.department is not None}
    reporter = r.person(t.reported_by_id)
    if reporter is not None and reporter.department is not None:
        names.add(reporter.department.name)
    return sorted(names)


def _last_event(r: _Reader, t: Ticket, action: str) -> Event | None:
    return r.session.scalar(
        select(Event).where(Event.ticket_id == t.id, Event.action == action)
        .order_by(Event.id.desc()).limit(1)
    )


def _start_notice_issued(r: _Reader, t: Ticket) -> datetime | None:
    """When the start notice went out: issued by hand (``issue_notice``) or, as the
    dispatch rule does, sent by e-mail with the notice attached (a ``mail_sent`` event)."""
    if t.start_notice_issued_at is not None:
        return t.start_notice_issued_at
    sent = r.session.scalars(
        select(Event).where(Event.ticket_id == t.id, Event.action == "mail_sent")
        .order_by(Event.id.desc())
    )
    return next((e.at for e in sent if (e.details or {}).get("document") == "start-notice"),
                None)


def _reporter(t: Ticket) -> str:
    return f"{t.reporter_name}（工号 {t.reporter_employee_no}）" if t.reporter_employee_no \
        else t.reporter_name


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _text_lines(value: str) -> list[str]:
    return [line.strip(" \t；;") for line in (value or "").splitlines() if line.strip(" \t；;")]


# -- timeline and attachments ------------------------------------------------------------


def action_label(action: str) -> str:
    """The Chinese name of an event's action, for the timeline."""
    spec = transitions.TRANSITIONS.get(action)
    if spec is not None:
        return spec.label_zh
    return EXTRA_ACTIONS_ZH.get(action, action)


def _after(event: dict[str, Any], key: str) -> str:
    change = event["changes"].get(key)
    value = change.get("after") if isinstance(change, dict) else None
    return "" if value is None else str(value)


def _note(event: dict[str, Any]) -> str:
    """A short line saying what the event recorded."""
    action, details = event["action"], event["details"] or {}
    note = ""
    if action == "report":
        note = _after(event, "phenomenon")
    elif action == "triage":
        note = _after(event, "first_contact")
    elif action == "dispatch":
        level = _after(event, "level")
        note = f"定级为{FaultLevel(int(level)).label_zh}" if level.isdigit() else ""
    elif action == "analyse":
        note = _after(event, "root_cause")
    elif action in ("propose", "solve_on_spot"):
        note = _after(event, "long_term_solution") or _after(event, "temporary_solution")
    elif action == "step" and isinstance(details.get("step"), dict):
        step = details["step"]
        note = f"{step.get('action', '')} → {step.get('state_after', '')}"
    elif action == "restore":
        note = str(details.get("description", ""))
    elif action == "verify":
        passed = _after(event, "verification_passed")
        note = {"True": "验证通过", "False": "验证不通过"}.get(passed, "")
    elif action == "archive":
        note = _after(event, "summary")
    elif action in ("link", "linked", "unlink"):
        note = f"{LINK_LABELS_ZH.get(str(details.get('kind')), '')} {details.get('other', '')}"
    elif action == "broadcast":
        note = str(details.get("message", ""))
    elif action == "merge":
        note = f"合并至 {details.get('master', '')}"
    elif action == "merged_in":
        note = f"{details.get('duplicate', '')}（{details.get('reporter', '')}）"
    elif action == "problem_link":
        note = str(details.get("problem", ""))
    elif action in ("action_add", "action_done"):
        note = str(details.get("title", ""))
        if action == "action_add":
            note += f"（{details.get('owner', '')}，{details.get('due_on', '')}）"
    elif action == "resume" and details.get("auto") == "reporter_answered":
        note = f"报告人来信（{details.get('by', '')}），自动恢复计时"
    elif action in ("issue_start_notice", "issue_completion_notice"):
        note = "发送：" + "、".join(str(x) for x in details.get("recipients", []))
    if event.get("reason"):
        note = f"{note}（{event['reason']}）" if note else str(event["reason"])
    return note


def _timeline(db: Database, ticket_id: int, tz: ZoneInfo) -> list[TimelineEntry]:
    from reports.parts import TimelineEntry

    return [
        TimelineEntry(format_local(e["at"], tz), e["actor"] or "系统", action_label(e["action"]),
                      _note(e))
        for e in timeline.events(db, ticket_id)
    ]


def _image_bytes(session: Session, attachment_id: int) -> bytes:
    chunks = session.scalars(
        select(AttachmentChunk.data).where(AttachmentChunk.attachment_id == attachment_id)
        .order_by(AttachmentChunk.seq)
    ).all()
    return b"".join(bytes(c) for c in chunks)


def _attachments(r: _Reader, t: Ticket) -> list[AttachmentItem]:
    from reports.parts import AttachmentItem, format_size

    rows = r.session.scalars(
        select(Attachment).where(Attachment.ticket_id == t.id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    ).all()
    items = []
    for a in rows:
        image = _image_bytes(r.session, a.id) if a.mime_type in IMAGE_TYPES else None
        kind = a.kind.label_zh if isinstance(a.kind, EvidenceKind) else str(a.kind)
        items.append(AttachmentItem(a.name, kind, format_size(a.size), r.name(a.added_by_id),
                                    r.at(a.added_at), a.note, image or None))
    return items


# -- the five documents --------------------------------------------------------------------


def start_notice_data(db: Database, key: str | int) -> start_notice.StartNotice:
    from reports import start_notice

    with db.read() as session:
        r = _Reader(db, session)
        t: Ticket = tickets.load_ticket(session, key)
        est = "（估算）"
        issued = _last_event(r, t, "issue_start_notice")
        recipients = [str(x) for x in (issued.details or {}).get("recipients", [])] \
            if issued is not None else _default_recipients(r, t)
        assignee = r.person(t.assignee_id)
        return start_notice.StartNotice(
            organisation=r.organisation(),
            number=t.number,
            level=t.level.label_zh,
            fault_type=t.fault_type.label_zh,
            occurred_at=r.at(t.occurred_at),
            reported_at=r.at(t.reported_at),
            reporter=_reporter(t),
            reporter_contact=t.reporter_contact,
            business_interrupted=t.business_interrupted,
            affected_business=t.affected_business,
            impact_scope=t.impact_scope,
            phenomenon=t.phenomenon,
            respond_due=r.at(t.respond_due_at) + (est if t.respond_due_estimated else "")
            if t.respond_due_at else "",
            restore_due=r.at(t.restore_due_at) + (est if t.restore_due_estimated else "")
            if t.restore_due_at else "",
            expected_done=r.at(t.expected_done_at or t.restore_due_at),
            cooperation_required=t.cooperation_required,
            coordinator=assignee.name if assignee else "",
            coordinator_contact=assignee.contact if assignee else "",
            issued_by=issued.actor.name if issued is not None and issued.actor
            else r.name(t.level_decided_by_id),
            issued_on=r.day(t.start_notice_issued_at or t.dispatched_at),
            generated_at=r.generated_at(),
            team=_team(t),
            recipients=recipients,
        )


def _measures(r: _Reader, t: Ticket) -> list[Measure]:
    from reports.parts import Measure

    owner = r.name(t.assignee_id)
    deadline = r.day(t.expected_done_at)
    measures = [Measure(f"长期方案：{line}", owner, deadline)
                for line in _text_lines(t.long_term_solution)]
    measures += [Measure(line, owner, "") for line in _text_lines(t.prevention_measures)]
    return measures


def analysis_report_data(db: Database, key: str | int) -> analysis_report.AnalysisReport:
    from reports import analysis_report

    with db.read() as session:
        r = _Reader(db, session)
        t: Ticket = tickets.load_ticket(session, key)
        analysed = _last_event(r, t, "analyse")
        report = analysis_report.AnalysisReport(
            organisation=r.organisation(),
            number=t.number,
            generated_at=r.generated_at(),
            level=t.level.label_zh,
            fault_type=t.fault_type.label_zh,
            occurred_at=r.at(t.occurred_at),
            restored_at=r.at(_restored(t)),
            duration=_outage(t),
            affected_business=t.affected_business,
            impact_scope=t.impact_scope,
            phenomenon=t.phenomenon,
            root_cause=t.root_cause,
            underlying_cause=t.underlying_cause,
            impact_assessment=t.impact_assessment,
            reproduce_conditions=t.reproduce_conditions,
            reproduce_steps=t.reproduce_steps,
            evidence_list=t.evidence_list,
            analysed_by=analysed.actor.name if analysed is not None and analysed.actor else "",
            analysed_at=r.at(t.analysed_at),
            reviewed_by=r.name(t.technical_approved_by_id),
            reviewed_at=r.at(t.technical_approved_at),
            attachments=_attachments(r, t),
            measures=_measures(r, t),
            participants=_team(t),
        )
        ticket_id, tz = t.id, r.tz
    return _with_timeline(report, db, ticket_id, tz)


def _with_timeline(doc: _Doc, db: Database, ticket_id: int, tz: ZoneInfo) -> _Doc:
    # read after the ticket's session closed: timeline.events opens its own
    return dataclasses.replace(doc, timeline=_timeline(db, ticket_id, tz))


def _latest_items(t: Ticket) -> list[vform.CheckedItem]:
    from reports import verification_form as vform

    return [vform.CheckedItem(i.item, i.expected, i.actual, i.passed)
            for i in t.verification_items if i.round == t.verification_rounds]


def _department_head(r: _Reader, pid: int | None) -> str:
    person = r.person(pid)
    if person is None or person.department_id is None:
        return ""
    department = r.session.get(Department, person.department_id)
    return r.name(department.head_id) if department is not None else ""


def verification_form_data(db: Database, key: str | int,
                           blank: bool = False) -> vform.VerificationForm:
    from reports import verification_form as vform

    with db.read() as session:
        r = _Reader(db, session)
        t: Ticket = tickets.load_ticket(session, key)
        doers: list[str] = []
        for step in t.steps:
            if step.done_by.name not in doers:
                doers.append(step.done_by.name)
        recorded = t.verified_at is not None
        return vform.VerificationForm(
            organisation=r.organisation(),
            number=t.number,
            generated_at=r.generated_at(),
            blank=blank,
            level=t.level.label_zh,
            affected_business=t.affected_business,
            phenomenon=t.phenomenon,
            temporary_solution=t.temporary_solution,
            long_term_solution=t.long_term_solution,
            implemented_by="、".join(doers),
            environment=t.verification_environment,
            checked=t.verification_checked,
            items=_latest_items(t),
            passed=t.verification_passed if recorded else None,
            remarks=t.verification_remarks,
            verifier=r.name(t.verifier_id) if recorded else "",
            verified_at=r.at(t.verified_at),
            round=f"第 {t.verification_rounds} 轮" if t.verification_rounds else "",
            business_head=_department_head(r, t.verifier_id) if recorded else "",
        )


def _clock_line(r: _Reader, label: str, limit: str, clock: ClockStatus) -> \
        completion_notice.ClockLine:
    from reports import completion_notice

    if clock.state == ClockState.MET:
        verdict = "按时完成"
    elif clock.state == ClockState.MET_LATE and clock.met_at is not None:
        verdict = spans.margin_or_late(clock.due_at - clock.met_at)  # 超时 1小时05分
    else:
        verdict = f"未完成（{clock.state.label_zh}）"
    due = r.at(clock.due_at) + ("（估算）" if clock.estimated else "")
    return completion_notice.ClockLine(label, limit, due, r.at(clock.met_at), verdict)


def completion_notice_data(db: Database, key: str | int) -> completion_notice.CompletionNotice:
    from reports import completion_notice
    from reports.parts import Measure

    with db.read() as session:
        r = _Reader(db, session)
        t: Ticket = tickets.load_ticket(session, key)
        respond, restore = clocks_of(session, t, r.now)
        limits = settings.limits(session)[t.level]
        sent = _last_event(r, t, "issue_completion_notice")
        if t.completion_notice_sent_to:
            recipients = [x for x in t.completion_notice_sent_to.split("、") if x]
        else:
            recipients = _default_recipients(r, t)
        verification = ""
        if t.verification_passed is not None:
            verification = "，".join(x for x in (
                "通过" if t.verification_passed else "不通过",
                r.name(t.verifier_id), r.at(t.verified_at), t.verification_environment,
            ) if x)
        measures = [Measure(line, r.name(t.assignee_id), "")
                    for line in _text_lines(t.prevention_measures)]
        return completion_notice.CompletionNotice(
            organisation=r.organisation(),
            number=t.number,
            generated_at=r.generated_at(),
            level=t.level.label_zh,
            fault_type=t.fault_type.label_zh,
            affected_business=t.affected_business,
            impact_scope=t.impact_scope,
            phenomenon=t.phenomenon,
            occurred_at=r.at(t.occurred_at),
            restored_at=r.at(_restored(t)),
            resolved_at=r.at(t.resolved_at),
            duration=_outage(t),
            summary=t.summary,
            root_cause=t.root_cause,
            underlying_cause=t.underlying_cause,
            temporary_solution=t.temporary_solution,
            long_term_solution=t.long_term_solution,
            verification=verification,
            verification_remarks=t.verification_remarks,
            handled_by=r.name(t.assignee_id),
            # a limit on the clock reads as before ("2 小时"); another says how it counts
            clocks=[_clock_line(r, "响应", limits.respond.describe_zh(
                        limits.respond.working_days), respond),
                    _clock_line(r, "恢复", limits.restore.describe_zh(
                        limits.restore.working_days), restore)],
            measures=measures,
            recipients=recipients,
            sent_by=sent.actor.name if sent is not None and sent.actor else "",
            sent_on=r.day(t.completion_notice_sent_at),
        )


def record_data(db: Database, key: str | int) -> record_table.RecordTable:
    from reports import record_table
    from reports import verification_form as vform

    with db.read() as session:
        r = _Reader(db, session)
        t: Ticket = tickets.load_ticket(session, key)
        verification = ""
        if t.verification_passed is not None:
            verification = "通过" if t.verification_passed else "不通过"
        record = record_table.RecordTable(
            organisation=r.organisation(),
            number=t.number,
            generated_at=r.generated_at(),
            status=t.status.label_zh,
            level=t.level.label_zh,
            fault_type=t.fault_type.label_zh,
            occurred_at=r.at(t.occurred_at),
            restored_at=r.at(t.restored_at),
            reported_at=r.at(t.reported_at),
            reporter=_reporter(t),
            reporter_contact=t.reporter_contact,
            affected_business=t.affected_business,
            impact_scope=t.impact_scope,
            business_interrupted=_yes_no(t.business_interrupted),
            phenomenon=t.phenomenon,
            reproduce_steps=t.reproduce_steps,
            attachments=_attachments(r, t),
            responded_at=r.at(t.responded_at),
            responded_by=r.name(t.responded_by_id),
            first_contact=t.first_contact,
            confirmed_details=t.confirmed_details,
            reproducible=_yes_no(t.reproducible),
            first_investigation=t.first_investigation,
            initial_level=t.initial_level.label_zh if t.initial_level else "",
            level_decided_by=r.name(t.level_decided_by_id),
            level_decided_at=r.at(t.level_decided_at),
            dispatched_at=r.at(t.dispatched_at),
            assignee=r.name(t.assignee_id),
            # as the start notice and the dispatch e-mail announce it
            expected_done=r.at(t.expected_done_at or t.restore_due_at),
            cooperation_required=t.cooperation_required,
            start_notice_issued_at=r.at(_start_notice_issued(r, t)),
            team=_team(t),
            root_cause=t.root_cause,
            underlying_cause=t.underlying_cause,
            impact_assessment=t.impact_assessment,
            reproduce_conditions=t.reproduce_conditions,
            evidence_list=t.evidence_list,
            analysed_at=r.at(t.analysed_at),
            temporary_solution=t.temporary_solution,
            long_term_solution=t.long_term_solution,
            solution_proposed_by=r.name(t.solution_proposed_by_id),
            solution_proposed_at=r.at(t.solution_proposed_at),
            business_confirmed_by=r.name(t.business_confirmed_by_id),
            business_confirmed_at=r.at(t.business_confirmed_at),
            technical_approved_by=r.name(t.technical_approved_by_id),
            technical_approved_at=r.at(t.technical_approved_at),
            workaround_at=r.at(t.workaround_at),
            steps=[record_table.StepLine(str(s.seq), s.action, s.done_by.name, r.at(s.done_at),
                                         s.state_after) for s in t.steps],
            pauses=[record_table.PauseLine(
                r.at(p.started_at), r.at(p.ended_at) if p.ended_at else "（暂停中）",
                spans.span(p.ended_at - p.started_at) if p.ended_at else "",
                p.reason, r.name(p.started_by_id), r.name(p.ended_by_id)) for p in t.pauses],
            paused_total=_paused_total(t, r.now),
            verifier=r.name(t.verifier_id),
            verified_at=r.at(t.verified_at),
            verification_environment=t.verification_environment,
            verification_checked=t.verification_checked,
            verification_result=verification,
            verification_remarks=t.verification_remarks,
            verification_rounds=str(t.verification_rounds) if t.verification_rounds else "",
            satisfaction=f"{t.satisfaction} 分（满分 5 分）" if t.satisfaction else "",
            satisfaction_comment=t.satisfaction_comment or "",
            verification_items=[vform.CheckedItem(i.item, i.expected, i.actual, i.passed)
                                for i in t.verification_items],
            resolved_at=r.at(t.resolved_at),
            summary=t.summary,
            prevention_measures=t.prevention_measures,
            completion_notice_sent_to=t.completion_notice_sent_to,
            completion_notice_sent_at=r.at(t.completion_notice_sent_at),
            archived_at=r.at(t.archived_at),
            archived_by=r.name(t.archived_by_id),
            cancel_reason=t.cancel_reason,
        )
        ticket_id, tz = t.id, r.tz
    return _with_timeline(record, db, ticket_id, tz)


def data_of(db: Database, kind: str, key: str | int, blank: bool = False) -> Any:
    """The plain data class of document ``kind`` for a ticket."""
    if kind == "start-notice":
        return start_notice_data(db, key)
    if kind == "analysis-report":
        return analysis_report_data(db, key)
    if kind == "verification-form":
        return verification_form_data(db, key, blank)
    if kind == "verification-form-blank":
        return verification_form_data(db, key, True)
    if kind == "completion-notice":
        return completion_notice_data(db, key)
    if kind == "record":
        return record_data(db, key)
    raise NotFoundError(f"没有这种文档：{kind}", f"There is no document kind {kind}.")


def build(data: Any, out: str | Path | BinaryIO | None = None) -> bytes:
    """Lay out a document's plain data (from ``data_of``) as PDF."""
    from reports import analysis_report, completion_notice, record_table, start_notice
    from reports import verification_form as vform

    builders: dict[type, Callable[[Any, str | Path | BinaryIO | None], bytes]] = {
        start_notice.StartNotice: start_notice.build,
        analysis_report.AnalysisReport: analysis_report.build,
        vform.VerificationForm: vform.build,
        completion_notice.CompletionNotice: completion_notice.build,
        record_table.RecordTable: record_table.build,
    }
    return builders[type(data)](data, out)


def render(db: Database, kind: str, key: str | int,
           out: str | Path | BinaryIO | None = None, blank: bool = False) -> bytes:
    """Build document ``kind`` for a ticket; write to ``out`` if given; return the bytes."""
    return build(data_of(db, kind, key, blank), out)


def numbers_in(db: Database, statuses: Iterable[Status]) -> list[str]:
    """The fault numbers in the given states, oldest report first (for batch export)."""
    wanted = list(statuses)
    with db.read() as session:
        stmt = select(Ticket.number).order_by(Ticket.reported_at, Ticket.id)
        if wanted:
            stmt = stmt.where(Ticket.status.in_(wanted))
        return list(session.scalars(stmt).all())


# -- which document when ---------------------------


def available_documents(status: Status) -> list[tuple[str, bool, str]]:
    """``(kind, enabled, reason_zh)`` for each document; the reason says why not yet.

    ``verification-form-blank`` is the blank form for signing on paper; the filled
    ``verification-form`` needs a recorded verification.
    """
    cancelled = status == S.CANCELLED
    out: list[tuple[str, bool, str]] = []

    def add(kind: str, ok: bool, why: str) -> None:
        out.append((kind, ok, "" if ok else ("故障已撤销。" if cancelled else why)))

    add("start-notice", status in AFTER_DISPATCH, "分级派单后才能出具启动通知。")
    add("analysis-report", status in AFTER_DIAGNOSIS, "进入原因分析后才能出具分析报告。")
    add("verification-form-blank", status in AFTER_DISPATCH, "分级派单后才能打印空白验证表。")
    add("verification-form", status in VERIFIED, "验证通过后才能打印填好的验证结果表。")
    add("completion-notice", status in VERIFIED, "验证通过、故障解决后才能发送完成通知。")
    add("record", True, "")
    return out


# shared with the other documents' readers (desk.read.review)
note_of = _note
duration_text = _duration
image_bytes = _image_bytes


# -- the 故障复盘报告 (its data: ``desk.read.review``) -----------------------------------

REVIEW_KIND = "review"
REVIEW_LABEL_ZH = "故障复盘报告"
# the review is held for the serious faults once they are solved (the window offers it
# then; ``desk pdf review`` writes one for any fault, e.g. a draft before the meeting)
REVIEWED_LEVELS = frozenset({FaultLevel.URGENT, FaultLevel.IMPORTANT})
REVIEWED_STATES = frozenset({Status.RESOLVED, Status.ARCHIVED})


def review_available(status: Status, level: FaultLevel | int | None) -> tuple[bool, str]:
    """Whether the window offers the review of a fault, and (if not) why, in Chinese
    (as ``available_documents`` says it of the other documents)."""
    if status == Status.CANCELLED:
        return False, "故障已撤销。"
    if level is not None and FaultLevel(int(level)) not in REVIEWED_LEVELS:
        return False, "故障复盘报告用于一级、二级故障。"
    if status not in REVIEWED_STATES:
        return False, "验证通过、故障解决后才能出具故障复盘报告。"
    return True, ""
