"""Notifications by e-mail through an outbox: who is told what, queued and delivered.

A change that must be told to someone (an urgent report, a dispatch, a resolved fault, a
verification request) writes an ``OutboxMessage`` row **in the same transaction** as the
change itself (``enqueue_for``, called by ``desk.process.workflow.perform`` and
``desk.process.reporting.report_fault``): a refused change enqueues nothing, a committed change is
never forgotten. ``check_clocks`` adds the SLA warnings and breaches, once per clock state
and ticket (the outbox row's ``trigger`` says which, e.g. ``sla_warning:respond``).

``send_due`` is the sender: it claims due rows (PostgreSQL ``FOR UPDATE SKIP LOCKED``;
SQLite one ``UPDATE`` inside a ``BEGIN IMMEDIATE`` write unit), so two desks running it
at the same time never send one message twice; builds each message (Chinese subject,
UTF-8 body, the PDF rendered at send time when the rule names a document), sends it with
``smtplib`` and marks it sent (appending a ``mail_sent`` event to the ticket's timeline)
or records a failed attempt with a growing back-off (30 s, 1 min, 2 min … at most 1 h;
given up after ``MAX_ATTEMPTS``).

Who receives what is data (``NotificationRule`` rows, seeded by ``seed_default_rules``).
A rule's recipients are tokens: ``role:support_lead``, ``department_head`` (the heads of
the reporter's and the handling team's departments), ``it_emergency`` (the team setting
``notify.it_emergency``; by default the support leads), ``assignee``, ``reporter``,
``team``, ``business_contact``, ``verifier`` and ``email:someone@example.com``; and the
group chats ``channels`` (every channel) or ``channel:NAME`` (``desk.notify.chat``), which
get one outbox row each, delivered by ``desk.notify.channels``. ``send_due`` sends only
the e-mails (rows without a channel).

The SMTP server is a team setting (``notify.smtp``: host, port, security, user, from
address); the password is never stored in the database: it lives in this computer's
system keyring (service ``Desk SMTP``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Text, func, or_, select, text, type_coerce, update
from sqlalchemy.orm import Session, selectinload

from desk import events
from desk.db import Database
from desk.errors import DeskError, PermissionDeniedError, ValidationError
from desk.events import (
    ActionItemOverdue,
    DuplicateMerged,
    FaultReported,
    IncidentBroadcast,
    IntakeAcknowledged,
    ProblemResolved,
    TransitionPerformed,
)
from desk.notify import chat
from desk.process import audit
from desk.read import settings
from desk.rules.timeutil import format_local
from models import (
    Department,
    FaultLevel,
    NotificationRule,
    OutboxMessage,
    Person,
    PersonRole,
    Role,
    Status,
    TeamDuty,
    Ticket,
)

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Desk SMTP"
SMTP_SETTING = "notify.smtp"
EMERGENCY_SETTING = "notify.it_emergency"
SECURITY_CHOICES = ("none", "starttls", "ssl")
MAX_ATTEMPTS = 10
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
LEASE = timedelta(minutes=10)  # a claim older than this is a crashed sender's: taken over
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


@dataclass(frozen=True)
class DefaultRule:
    trigger: str
    recipients: tuple[str, ...]
    document: str | None
    description: str


DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule("report_urgent", ("department_head", "it_emergency", "channels"), None,
                "业务中断或一级故障上报：立即通知报告人所在部门负责人与 IT 应急联系人，并发到各群"),
    DefaultRule("dispatch", ("department_head", "team"), "start-notice",
                "分级派单：向相关部门负责人与处理小组发送《故障处理启动通知》"),
    DefaultRule("verification_requested", ("verifier",), "verification-form-blank",
                "提交验证：通知验证人（附空白《故障验证结果表》）"),
    DefaultRule("resolved", ("reporter", "team", "business_contact", "department_head"),
                "completion-notice",
                "验证通过、故障解决：向所有相关人员发送《故障处理完成通知》"),
    DefaultRule("sla_warning", ("assignee", "role:support_lead"), None,
                "响应/恢复时限即将到期：通知负责人与技术支持主管"),
    DefaultRule("sla_breached", ("assignee", "role:support_lead", "channels"), None,
                "响应/恢复已超时：通知负责人与技术支持主管，并发到各群"),
    DefaultRule("sla_escalated_1", ("role:director",), None,
                "一级故障超时未处理：升级通知技术总监"),
    DefaultRule("sla_escalated_2", ("role:support_lead",), None,
                "二级故障超时未处理：升级通知技术支持主管"),
    DefaultRule("merged", ("reporter",), None,
                "重复故障已合并：告知该故障的报告人，处理进展请看主故障"),
    DefaultRule("problem_resolved", ("reporter",), None,
                "问题已解决（永久方案已实施）：告知其未关闭故障的报告人"),
    DefaultRule("incident_update", ("department_head", "team", "reporter"), None,
                "重大故障进展通报：发给相关部门负责人、处理小组和报告人（及发布时选择的地址）"),
)
# rules added after a desk's rules were seeded: with no row of their own (enabled or
# not), the default applies, so an existing desk escalates too
LATER_DEFAULTS = frozenset({"sla_escalated_1", "sla_escalated_2", "merged",
                            "problem_resolved", "incident_update"})

TRIGGER_TITLES = {
    "report_urgent": "紧急故障上报",
    "dispatch": "故障处理启动通知",
    "verification_requested": "故障处理结果待验证",
    "resolved": "故障处理完成通知",
    "intake_ack": "故障报告回执",
    "sla_warning:respond": "响应即将超时",
    "sla_warning:restore": "恢复即将超时",
    "sla_breached:respond": "响应已超时",
    "sla_breached:restore": "恢复已超时",
    "merged": "重复故障已合并",
    "problem_resolved": "问题已解决",
    "action_overdue": "整改措施已逾期",
    "incident_update": "重大故障进展通报",
}
STATUS_LABELS_ZH = {PENDING: "待发送", SENDING: "发送中", SENT: "已发送", FAILED: "发送失败"}


# -- rules -------------------------------------------------------------------------------


def seed_default_rules(session: Session) -> int:
    """Add the default rules when the rules table is empty; return how many were added."""
    if session.scalar(select(func.count(NotificationRule.id))):
        return 0
    for rule in DEFAULT_RULES:
        session.add(NotificationRule(trigger=rule.trigger, recipients=list(rule.recipients),
                                     document=rule.document, enabled=True,
                                     description=rule.description))
    return len(DEFAULT_RULES)


def _rules(session: Session, trigger: str) -> list[tuple[list[str], str | None]]:
    """(recipients, document) of the enabled rules for a trigger (defaults if no rules)."""
    if not session.scalar(select(func.count(NotificationRule.id))) or (
            trigger in LATER_DEFAULTS and not session.scalar(
                select(func.count(NotificationRule.id)).where(
                    NotificationRule.trigger == trigger))):
        return [(list(r.recipients), r.document) for r in DEFAULT_RULES if r.trigger == trigger]
    rows = session.scalars(select(NotificationRule).where(
        NotificationRule.trigger == trigger, NotificationRule.enabled.is_(True))
        .order_by(NotificationRule.id)).all()
    return [([str(x) for x in (r.recipients or [])], r.document) for r in rows]


# -- recipients --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One addressee: a person of the desk (``person_id``) or a bare address."""

    name: str
    email: str
    person_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        # "key" is a quoted token that SQL can find inside the JSON text (notifications_for)
        return {"key": _person_key(self.person_id) if self.person_id else f"e:{self.email}",
                "person_id": self.person_id, "name": self.name, "email": self.email}


def _person_key(person_id: int | None) -> str:
    return f"p:{person_id}"


def valid_address(address: str) -> bool:
    return bool(_EMAIL.match(address.strip()))


class _Resolver:
    """Turns a rule's recipient tokens into people and addresses for one ticket."""

    def __init__(self, session: Session, ticket: Ticket) -> None:
        self.session = session
        self.ticket = ticket

    def person(self, pid: int | None) -> Person | None:
        if pid is None:
            return None
        person = self.session.get(Person, pid)
        return person if person is not None and person.active else None

    def reporter(self) -> Person | None:
        t = self.ticket
        if t.reporter_employee_no:
            found = self.session.scalar(
                select(Person).where(Person.employee_no == t.reporter_employee_no))
            if found is not None and found.active:
                return found
        return self.person(t.reported_by_id)

    def with_role(self, role: Role) -> list[Person]:
        return list(self.session.scalars(
            select(Person).join(PersonRole).where(PersonRole.role == role,
                                                  Person.active.is_(True))
            .order_by(Person.employee_no)))

    def team(self, duty: TeamDuty | None = None) -> list[Person]:
        return [m.person for m in self.ticket.team
                if (duty is None or m.duty == duty) and m.person.active]

    def department_heads(self) -> list[Person]:
        involved = [self.reporter(), *self.team()]
        dept_ids: list[int] = []
        for p in involved:
            if p is not None and p.department_id is not None and p.department_id not in dept_ids:
                dept_ids.append(p.department_id)
        heads: list[Person] = []
        for dept_id in dept_ids:
            dept = self.session.get(Department, dept_id)
            head = self.person(dept.head_id) if dept is not None else None
            if head is not None:
                heads.append(head)
        return heads

    def emergency(self) -> list[Person | Recipient]:
        configured = _address_list(_setting(self.session, EMERGENCY_SETTING))
        if configured:
            return [Recipient("IT 应急联系人", a) for a in configured]
        return list(self.with_role(Role.SUPPORT_LEAD))

    def resolve(self, tokens: Iterable[str]) -> list[Recipient]:
        found: list[Person | Recipient | None] = []
        for raw in tokens:
            token = raw.strip()
            if chat.is_channel_token(token):
                continue  # a group chat: its own outbox row (desk.notify.chat)
            if token.startswith("role:"):
                try:
                    found += self.with_role(Role(token[5:]))
                except ValueError:
                    log.warning("notification rule names an unknown role: %s", token)
            elif token.startswith("email:"):
                address = token[6:].strip()
                found.append(Recipient(address, address))
            elif token == "department_head":
                found += self.department_heads()
            elif token == "it_emergency":
                found += self.emergency()
            elif token == "assignee":
                found.append(self.person(self.ticket.assignee_id))
            elif token == "reporter":
                found.append(self.reporter())
            elif token == "team":
                found += self.team()
            elif token == "business_contact":
                found += self.team(TeamDuty.BUSINESS_CONTACT)
            elif token == "verifier":
                found.append(self.person(self.ticket.verifier_id))
            else:
                log.warning("notification rule names an unknown recipient: %s", token)
        out: list[Recipient] = []
        seen: set[str] = set()
        for item in found:
            if item is None:
                continue
            r = item if isinstance(item, Recipient) else Recipient(item.name, item.email.strip(),
                                                                   item.id)
            key = f"p:{r.person_id}" if r.person_id else f"e:{r.email.lower()}"
            if r.email and not valid_address(r.email):
                r = replace(r, email="")  # told in the desk, not by e-mail
            if key in seen or (r.person_id is None and not r.email):
                continue
            # one address for two people (a shared mailbox) still gets one copy per message
            seen.add(key)
            out.append(r)
        return out


def _setting(session: Session, key: str) -> Any:
    try:
        return settings.get(session, key)
    except KeyError:
        return None


def _address_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = re.split(r"[,;，；\s]+", value) if isinstance(value, str) else list(value)
    return [str(a).strip() for a in items if str(a).strip() and valid_address(str(a))]


# -- enqueueing --------------------------------------------------------------------------


def _triggers_for(ticket: Ticket, action: str) -> list[str]:
    if action == "report":
        if ticket.business_interrupted or ticket.level == FaultLevel.URGENT:
            return ["report_urgent"]
        return []
    if action == "dispatch":
        return ["dispatch"]
    if action == "submit_verification":
        return ["verification_requested"]
    if action == "verify" and ticket.status == Status.RESOLVED:
        return ["resolved"]
    return []


def enqueue_for(session: Session, ticket: Ticket, action: str, now: datetime) -> list[int]:
    """Queue the messages that ``action`` (just applied to ``ticket``) calls for.

    Runs inside the caller's unit of work: the rows commit or roll back with the change.
    Returns the new outbox ids.
    """
    ids: list[int] = []
    for trigger in _triggers_for(ticket, action):
        ids += _enqueue(session, ticket, trigger, trigger, now)
    return ids


def reported_writes(event: FaultReported) -> bool:
    """Whether ``on_reported`` queues anything for this report (decided by the ticket's
    level and interruption alone, known before it is stored)."""
    return bool(_triggers_for(event.ticket, "report"))


def on_reported(session: Session, event: FaultReported) -> None:
    """Subscriber: the notices of a new fault are queued with the report."""
    enqueue_for(session, event.ticket, "report", event.at)


def on_transition(session: Session, event: TransitionPerformed) -> None:
    """Subscriber: the notices of a step are queued with it (sent only if it commits)."""
    enqueue_for(session, event.ticket, event.name, event.at)


def on_intake_acknowledged(session: Session, event: IntakeAcknowledged) -> None:
    """Subscriber: the sender of a filed mail is answered with the fault's number."""
    if not valid_address(event.address):
        return
    t = event.ticket
    tz = settings.timezone(session)
    if event.new_fault:
        subject = f"[{t.number}] 已收到您的故障报告：{t.affected_business}"
        lead = (f"您好，您报告的故障已登记，编号 {t.number}，当前状态：{t.status.label_zh}。"
                "技术支持将尽快受理。")
    else:
        subject = f"[{t.number}] 已收到您的补充信息"
        lead = f"您好，您的来信已作为补充信息记入故障 {t.number}（当前状态：{t.status.label_zh}）。"
    body = "\n".join([
        lead, "", f"故障编号：{t.number}", f"受影响业务：{t.affected_business}",
        f"报告时间：{format_local(t.reported_at, tz)}",
        f"响应时限：{format_local(t.respond_due_at, tz) if t.respond_due_at else '—'}",
        "", "如需补充情况或附件，请直接回复本邮件，并保留主题中的故障编号。",
        f"原邮件主题：{event.subject}",
        "", "—— 本邮件由 Desk 技术故障反馈与处理系统自动发送。"])
    session.add(OutboxMessage(
        created_at=event.at, ticket_id=t.id, trigger="intake_ack",
        recipients=[Recipient(event.name or event.address, event.address).to_json()],
        subject=subject[:300], body=body, document=None, status=PENDING, attempts=0,
        next_attempt_at=event.at, last_error=""))


def on_merged(session: Session, event: DuplicateMerged) -> None:
    """Subscriber: the reporter of a merged duplicate is told where it went."""
    master = event.master
    _enqueue(session, event.duplicate, "merged", "merged", event.at,
             f"您报告的故障与 {master.number}（{master.affected_business}）为同一故障，已合并至"
             f" {master.number} 一并处理，编号 {event.duplicate.number} 仍可查询。处理进展请关注 "
             f"{master.number}。")


def on_broadcast(session: Session, event: IncidentBroadcast) -> None:
    """Subscriber: a major incident's update goes to those involved and the chosen
    addresses, in one message per rule."""
    extra = [f"email:{a}" for a in event.addresses]
    rules = _rules(session, "incident_update") or [([], None)]
    for tokens, document in rules:
        _enqueue_tokens(session, event.ticket, [*tokens, *extra], document,
                        "incident_update", event.at, event.message)


def on_problem_resolved(session: Session, event: ProblemResolved) -> None:
    """Subscriber: the reporters of a resolved problem's open faults are told."""
    p = event.problem
    for ticket in event.open_faults:
        _enqueue(session, ticket, "problem_resolved", "problem_resolved", event.at,
                 f"您报告的故障 {ticket.number} 所属的问题 {p.number}（{p.title}）已解决。"
                 f"根本原因：{p.root_cause or '—'}。永久解决方案：{p.permanent_fix or '—'}。"
                 "请确认故障是否已消除。")


def remind_overdue_actions(db: Database, now: datetime | None = None) -> list[int]:
    """Tell the owner of each open action item past its due date, once per item.

    The item's ``reminded_at`` is set by a conditional UPDATE in the unit of work that
    queues the message, so two desks reminding at once queue one message.
    """
    from desk.read.actions import local_today
    from models import ActionItem, ActionState

    moment = now or db.now()
    with db.read() as session:
        today = (now.astimezone(settings.timezone(session)).date() if now is not None
                 else local_today(db, session))
        due = list(session.scalars(select(ActionItem.id).where(
            ActionItem.state == ActionState.OPEN, ActionItem.due_on < today,
            ActionItem.reminded_at.is_(None)).order_by(ActionItem.id)))
    if not due:
        return []

    def work(session: Session) -> list[int]:
        ids: list[int] = []
        for item_id in due:
            claimed = session.execute(update(ActionItem).where(
                ActionItem.id == item_id, ActionItem.reminded_at.is_(None),
                ActionItem.state == ActionState.OPEN).values(reminded_at=moment))
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue  # reminded by another desk meanwhile, or done
            item = session.get(ActionItem, item_id)
            assert item is not None
            ids += _enqueue_action(session, item, moment)
            events.record(session, ActionItemOverdue(item, moment))
        return ids

    return db.write(work)


REPORT_SETTING = "notify.service_report"  # who gets the monthly service report
REPORT_DOCUMENT = "service-report:"  # + the period code: rendered when the mail is sent


def set_report_recipients(db: Database, actor_id: int, addresses: Sequence[str]) -> list[str]:
    """Set who receives the monthly service report by e-mail (administrators only)."""
    from desk.admin import team as admin

    cleaned = list(dict.fromkeys(a.strip() for a in addresses if a.strip()))
    bad = [a for a in cleaned if not valid_address(a)]
    if bad:
        raise ValidationError({REPORT_SETTING: (f"无效的电子邮件地址：{'、'.join(bad)}",
                                                f"Not an e-mail address: {', '.join(bad)}")})
    admin.set_setting(db, actor_id, REPORT_SETTING, cleaned)
    return cleaned


def report_recipients(db: Database) -> list[str]:
    with db.read() as session:
        return _address_list(_setting(session, REPORT_SETTING))


def queue_service_report(db: Database, now: datetime | None = None) -> list[int]:
    """On the first working day of a month (or the first check after it, if the service
    was down), queue last month's service report to the addresses an administrator
    named; once per month (the outbox row's trigger ``service_report:YYYY-MM``)."""
    from desk.read import calendar as workcal

    moment = now or db.now()
    with db.read() as session:
        tz = settings.timezone(session)
        addresses = _address_list(_setting(session, REPORT_SETTING))
        cal = workcal.load(session)
    if not addresses:
        return []
    today = moment.astimezone(tz).date()
    first = today.replace(day=1)
    while not cal.is_working_day(first):
        first += timedelta(days=1)
    if today < first:
        return []
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    code = f"{last_month:%Y-%m}"
    trigger = f"service_report:{code}"

    def work(session: Session) -> list[int]:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext('desk.report'))"))
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.trigger == trigger)):
            return []
        label = f"{last_month.year}年{last_month.month}月"
        row = OutboxMessage(
            created_at=moment, ticket_id=None, trigger=trigger,
            recipients=[Recipient(a, a).to_json() for a in addresses],
            subject=f"【运维服务报告】{label}",
            body="\n".join([f"附件为 {label} 的运维服务报告（PDF）：SLA 达成率、MTTA/MTTR、"
                            "故障分布、重复故障发生率、问题与整改措施、满意度，并与上月对比。",
                            "", "—— 本邮件由 Desk 技术故障反馈与处理系统自动发送，请勿直接回复。"]),
            document=f"{REPORT_DOCUMENT}{code}", status=PENDING, attempts=0,
            next_attempt_at=moment, last_error="")
        session.add(row)
        session.flush()
        return [row.id]

    return db.write(work)


def _enqueue_action(session: Session, item: Any, now: datetime) -> list[int]:
    from models import Problem

    owner = session.get(Person, item.owner_id)
    if owner is None:
        return []
    ticket = session.get(Ticket, item.ticket_id) if item.ticket_id else None
    problem = session.get(Problem, item.problem_id) if item.problem_id else None
    where = "、".join(x for x in (ticket.number if ticket else "",
                                  problem.number if problem else "") if x)
    body = "\n".join([
        f"{owner.name}，您负责的整改措施已过完成期限，请尽快完成并在 Desk 中标记完成。", "",
        f"措施：{item.title}", f"完成期限：{item.due_on:%Y-%m-%d}", f"所属：{where or '—'}", "",
        "—— 本邮件由 Desk 技术故障反馈与处理系统自动发送，请勿直接回复。"])
    recipient = Recipient(owner.name, owner.email.strip() if valid_address(owner.email) else "",
                          owner.id)
    row = OutboxMessage(
        created_at=now, ticket_id=ticket.id if ticket else None, trigger="action_overdue",
        recipients=[recipient.to_json()],
        subject=f"【整改措施逾期】{item.title}"[:300], body=body, document=None,
        status=PENDING, attempts=0, next_attempt_at=now, last_error="")
    session.add(row)
    session.flush()
    return [row.id]


def _enqueue(session: Session, ticket: Ticket, rule_trigger: str, trigger: str,
             now: datetime, extra: str = "") -> list[int]:
    ids: list[int] = []
    for tokens, document in _rules(session, rule_trigger):
        ids += _enqueue_tokens(session, ticket, tokens, document, trigger, now, extra)
    return ids


def _enqueue_tokens(session: Session, ticket: Ticket, tokens: Sequence[str],
                    document: str | None, trigger: str, now: datetime,
                    extra: str = "") -> list[int]:
    """The outbox rows of one rule: the group chats it names, one each, and one e-mail to
    the people and addresses it resolves to."""
    ids: list[int] = []
    recipients = _Resolver(session, ticket).resolve(tokens)
    tz = settings.timezone(session)
    if any(chat.is_channel_token(t) for t in tokens):
        people = [session.get(Person, r.person_id) for r in recipients if r.person_id]
        ids += chat.channel_rows(session, ticket, trigger, tokens, people, now, tz, extra)
    if not recipients:
        log.info("no recipients for %s on %s", trigger, ticket.number)
        return ids
    row = OutboxMessage(
        created_at=now, ticket_id=ticket.id, trigger=trigger,
        recipients=[r.to_json() for r in recipients],
        subject=subject_for(ticket, trigger),
        body=body_for(session, ticket, trigger, tz, document, extra),
        document=document, status=PENDING, attempts=0, next_attempt_at=now,
        last_error="",
    )
    session.add(row)
    session.flush()
    ids.append(row.id)
    return ids


def trigger_title(trigger: str) -> str:
    """``sla_warning:respond:80`` → 响应即将超时（已用 80%）; the others from the table."""
    if trigger in TRIGGER_TITLES:
        return TRIGGER_TITLES[trigger]
    parts = trigger.split(":")
    if len(parts) == 3 and parts[0] == "sla_warning":
        return f"{TRIGGER_TITLES[f'sla_warning:{parts[1]}']}（已用 {parts[2]}%）"
    if len(parts) == 2 and parts[0] == "sla_escalated":
        return f"{'响应' if parts[1] == 'respond' else '恢复'}超时升级"
    return trigger


def subject_for(ticket: Ticket, trigger: str) -> str:
    """One line, whatever the fields hold: a line break in a subject would stop the mail
    (and the level-1 alert) from being built at all, so line breaks are folded."""
    title = trigger_title(trigger)
    subject = f"【{ticket.level.label_zh}】{title} {ticket.number} {ticket.affected_business}"
    return " ".join(subject.split())[:300]


def body_for(session: Session, ticket: Ticket, trigger: str, tz: ZoneInfo,
             document: str | None, extra: str = "") -> str:
    """The plain-text body: what happened and the key fields of the record."""
    t = ticket

    def at(moment: datetime | None) -> str:
        return format_local(moment, tz) if moment is not None else "—"

    def name(pid: int | None) -> str:
        person = session.get(Person, pid) if pid is not None else None
        return f"{person.name}（{person.employee_no}，{person.contact}）" if person else "—"

    lead = {
        "report_urgent": "以下故障已上报，" + ("业务已中断，" if t.business_interrupted else "")
        + "请立即关注并优先处理。",
        "dispatch": "故障已分级派单，处理工作已启动。请相关部门按配合要求予以协助。",
        "verification_requested": "故障处理已实施完毕，请您在真实环境中验证处理结果，并在 Desk "
        "中填写验证结论。",
        "resolved": "故障已验证通过、处理完成。感谢各部门的配合。",
    }.get(trigger, "")
    if trigger.startswith("sla_"):
        lead = f"{TRIGGER_TITLES.get(trigger, trigger)}，请尽快处理。{extra}"
    elif trigger in ("merged", "problem_resolved"):
        lead = extra
    elif trigger == "incident_update":
        lead = f"重大故障进展通报：{extra}"
    lines = [lead, "", f"故障编号：{t.number}", f"故障等级：{t.level.label_zh}",
             f"故障类型：{t.fault_type.label_zh}", f"当前状态：{t.status.label_zh}",
             f"受影响业务：{t.affected_business}", f"影响范围：{t.impact_scope or '—'}",
             f"业务中断：{'是' if t.business_interrupted else '否'}",
             f"发生时间：{at(t.occurred_at)}", f"报告时间：{at(t.reported_at)}",
             f"发觉人：{t.reporter_name}"
             + (f"（工号 {t.reporter_employee_no}）" if t.reporter_employee_no else "")
             + (f"，联系方式 {t.reporter_contact}" if t.reporter_contact else ""),
             f"响应时限：{at(t.respond_due_at)}", f"恢复时限：{at(t.restore_due_at)}",
             "", "故障现象：", t.phenomenon]
    if trigger in ("dispatch", "resolved", "verification_requested", "incident_update") or \
            trigger.startswith("sla_"):
        lines += ["", f"负责人：{name(t.assignee_id)}"]
        if t.team:
            lines.append("处理小组：" + "；".join(
                f"{m.duty.label_zh} {m.person.name}" for m in t.team))
    if trigger == "dispatch":
        lines += [f"预计完成时间：{at(t.expected_done_at or t.restore_due_at)}",
                  f"配合要求：{t.cooperation_required or '—'}"]
    if trigger in ("verification_requested", "resolved"):
        lines += [f"临时解决方案：{t.temporary_solution or '—'}",
                  f"长期解决方案：{t.long_term_solution or '—'}"]
    if trigger == "resolved":
        lines += [f"根本原因：{t.root_cause or '—'}",
                  f"验证：{'通过' if t.verification_passed else '—'}，验证人 {name(t.verifier_id)}，"
                  f"{at(t.verified_at)}", f"解决时间：{at(t.resolved_at)}"]
    if document:
        from desk.read.documents import KIND_LABELS_ZH

        lines += ["", f"附件：《{KIND_LABELS_ZH.get(document, document)}》（PDF）"]
    lines += ["", "—— 本邮件由 Desk 技术故障反馈与处理系统自动发送，请勿直接回复。"]
    return "\n".join(lines)


# -- SLA clocks ----------------------------------------------------------------------------


def check_clocks(db: Database, now: datetime | None = None) -> list[int]:
    """Enqueue a warning or breach message for each running clock that reached one.

    Each (ticket, clock, state) is told once: the outbox row's trigger records it. The
    scan is a read; only when something is due does a short write follow, in which two
    desks checking at the same moment are serialised (PostgreSQL: an advisory lock;
    SQLite: the write lock taken by ``BEGIN IMMEDIATE``) and the outbox is looked at
    again, so nothing is queued twice.
    """
    moment = now or db.now()
    with db.read() as session:
        due = _due_clocks(session, moment)
    if not due:
        return []

    def work(session: Session) -> list[int]:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext('desk.check_clocks'))"))
        told = _told(session, {ticket_id for ticket_id, *_rest in due})
        tz = settings.timezone(session)
        ids: list[int] = []
        for ticket_id, rule, trigger, due_at in due:
            ticket = session.get(Ticket, ticket_id)
            if ticket is None or ticket.status.is_closed or (ticket_id, trigger) in told:
                continue
            clock = trigger.split(":")[1]
            if ticket.paused_at is not None or (
                    ticket.responded_at if clock == "respond" else _restore_met(ticket)
            ) is not None:
                continue  # stopped or paused since the scan
            told.add((ticket_id, trigger))
            extra = f"{'响应' if clock == 'respond' else '恢复'}时限为 {format_local(due_at, tz)}。"
            ids += _enqueue(session, ticket, rule, trigger, moment, extra)
        return ids

    return db.write(work)


def _restore_met(ticket: Ticket) -> datetime | None:
    moments = [m for m in (ticket.workaround_at, ticket.restored_at) if m is not None]
    return min(moments) if moments else None


def _told(session: Session, ticket_ids: set[int]) -> set[tuple[int, str]]:
    if not ticket_ids:
        return set()
    rows = session.execute(select(OutboxMessage.ticket_id, OutboxMessage.trigger).where(
        OutboxMessage.trigger.like("sla\\_%", escape="\\"),
        OutboxMessage.ticket_id.in_(ticket_ids)))
    return {(int(tid), str(trig)) for tid, trig in rows if tid is not None}


def _due_clocks(session: Session, moment: datetime) -> list[tuple[int, str, str, datetime]]:
    """(ticket id, rule, trigger, due at) for each running clock that reached a warning
    fraction, its breach, or (levels 1 and 2) its escalation, and was not told yet; the
    rules (calendar, limits, duty hours, time zone) are read once for all tickets.

    A paused or stopped clock warns of nothing. When a scan finds several fractions
    passed at once, only the highest is told (the lower ones are not sent late). A clock
    counted in duty hours (level 3 by default) warns only in duty hours.
    """
    from desk.read import calendar as workcal
    from desk.rules import sla
    from desk.rules.limits import ClockKind

    closed = [s for s in Status if s.is_closed]
    tickets = session.scalars(select(Ticket).where(
        Ticket.status.not_in(closed), Ticket.paused_at.is_(None),
        or_(Ticket.responded_at.is_(None),
            Ticket.workaround_at.is_(None) & Ticket.restored_at.is_(None)),
    ).options(selectinload(Ticket.pauses)).order_by(Ticket.id)).all()
    if not tickets:
        return []
    told = _told(session, {t.id for t in tickets})
    tz = settings.timezone(session)
    cal = workcal.load(session)
    duty = settings.duty_hours(session)
    all_limits = settings.limits(session)
    escalate_after = timedelta(minutes=settings.escalate_after_minutes(session))
    out: list[tuple[int, str, str, datetime]] = []
    for t in tickets:
        limits = all_limits[t.level]
        fractions = settings.warning_fractions(session, t.level)
        pauses = [(p.started_at, p.ended_at) for p in t.pauses]
        for name, limit, met, due, estimated in (
            ("respond", limits.respond, t.responded_at, t.respond_due_at,
             t.respond_due_estimated),
            ("restore", limits.restore, _restore_met(t), t.restore_due_at,
             t.restore_due_estimated),
        ):
            if met is not None:
                continue
            if limit.clock == ClockKind.DUTY and not sla.in_counted_time(
                    moment, ClockKind.DUTY, cal, tz, duty):
                continue
            deadline = (sla.Deadline(due, bool(estimated)) if due is not None
                        else sla.add_limit(t.reported_at, limit, cal, tz, duty, pauses))
            breached = f"sla_breached:{name}"
            if moment > deadline.due_at:
                if (t.id, breached) not in told:
                    out.append((t.id, "sla_breached", breached, deadline.due_at))
                escalated = f"sla_escalated:{name}"
                if (t.level in (FaultLevel.URGENT, FaultLevel.IMPORTANT)
                        and moment >= deadline.due_at + escalate_after
                        and (t.id, escalated) not in told):
                    out.append((t.id, f"sla_escalated_{int(t.level)}", escalated,
                                deadline.due_at))
                continue
            if (t.id, breached) in told:
                continue
            reached = [f for f in fractions if moment >= sla.add_limit(
                t.reported_at, sla.warning_limit(limit, f, duty), cal, tz, duty,
                pauses).due_at]
            if not reached:
                continue
            pct = round(max(reached) * 100)
            if _told_pct(told, t.id, name) >= pct:
                continue
            out.append((t.id, "sla_warning", f"sla_warning:{name}:{pct}", deadline.due_at))
    return out


def _told_pct(told: set[tuple[int, str]], ticket_id: int, clock: str) -> int:
    """The highest warning fraction (percent) already told for a clock (the older
    ``sla_warning:clock`` without a fraction counts as 80 %)."""
    best = 0
    for tid, trigger in told:
        if tid != ticket_id or not trigger.startswith(f"sla_warning:{clock}"):
            continue
        parts = trigger.split(":")
        best = max(best, int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 80)
    return best


# -- next year's calendar ----------------------------------------------------------------

CALENDAR_ROLES = (Role.ADMIN, Role.SUPPORT_LEAD, Role.DIRECTOR)


def check_calendar(db: Database, now: datetime | None = None) -> tuple[str, str] | None:
    """From 1 November, while next year is missing, tell administrators and leads once
    every working day (a notification through the outbox, trigger
    ``calendar_missing:YYYY-MM-DD``). Return the message (zh, en) while the year is
    missing, for whatever runs this (the window's rounds, ``desk serve``'s log), else
    None. Safe to call often: a day's notice is queued once."""
    from desk.read import calendar as workcal

    moment = now or db.now()
    with db.read() as session:
        tz = settings.timezone(session)
        today = moment.astimezone(tz).date()
        year = workcal.missing_next_year(session, today)
        if year is None:
            return None
        working = workcal.load(session).is_working_day(today)
    message = workcal.reminder_text(year)
    if not working:
        return message
    trigger = f"calendar_missing:{today.isoformat()}"

    def work(session: Session) -> None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext('desk.check_calendar'))"))
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.trigger == trigger)):
            return
        people = session.scalars(
            select(Person).join(PersonRole).where(PersonRole.role.in_(CALENDAR_ROLES),
                                                  Person.active.is_(True))
            .order_by(Person.employee_no)).unique().all()
        recipients = []
        for person in people:
            email = person.email.strip()
            recipients.append(Recipient(person.name, email if valid_address(email) else "",
                                        person.id).to_json())
        if not recipients:
            return
        session.add(OutboxMessage(
            created_at=moment, ticket_id=None, trigger=trigger, recipients=recipients,
            subject=f"【提醒】{year} 年工作日历尚未导入", body=f"{message[0]}\n\n{message[1]}",
            document=None, status=PENDING, attempts=0, next_attempt_at=moment, last_error=""))

    db.write(work)
    return message


# -- SMTP settings and the password in the keyring -----------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """How this team reaches its mail server; ``password`` is never stored in the database."""

    host: str
    port: int = 587
    security: str = "starttls"  # none, starttls, ssl
    user: str = ""
    from_address: str = ""
    timeout: float = 30.0
    password: str | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "security": self.security,
                "user": self.user, "from_address": self.from_address, "timeout": self.timeout}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SmtpSettings:
        return cls(host=str(data.get("host") or ""), port=int(data.get("port") or 587),
                   security=str(data.get("security") or "starttls"),
                   user=str(data.get("user") or ""),
                   from_address=str(data.get("from_address") or ""),
                   timeout=float(data.get("timeout") or 30.0))

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}"


def validate_smtp(s: SmtpSettings) -> SmtpSettings:
    errors: dict[str, tuple[str, str]] = {}
    if not s.host.strip():
        errors["host"] = ("请填写邮件服务器地址。", "The mail server host is required.")
    if not 0 < s.port < 65536:
        errors["port"] = ("端口须在 1 到 65535 之间。", "The port must lie between 1 and 65535.")
    if s.security not in SECURITY_CHOICES:
        errors["security"] = ("加密方式须为 none、starttls 或 ssl。",
                              "Security must be none, starttls or ssl.")
    if not valid_address(s.from_address):
        errors["from_address"] = ("发件地址不是有效的电子邮件地址。",
                                  "The from address is not a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    return replace(s, host=s.host.strip(), user=s.user.strip(),
                   from_address=s.from_address.strip())


def smtp_settings(db: Database) -> SmtpSettings | None:
    """The team's SMTP settings (None until an administrator set a server)."""
    with db.read() as session:
        value = _setting(session, SMTP_SETTING)
    if not isinstance(value, dict) or not value.get("host"):
        return None
    return SmtpSettings.from_json(value)


def _keyring_error(exc: Exception) -> DeskError:
    return DeskError(f"无法使用系统密钥环保存或读取 SMTP 密码：{exc}",
                     f"The system keyring cannot store or read the SMTP password: {exc}")


def load_password(s: SmtpSettings) -> str | None:
    """The SMTP password from this computer's keyring (None when none is stored)."""
    if not s.user:
        return None
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, s.keyring_user)
    except KeyringError as exc:
        raise _keyring_error(exc) from exc


def with_password(s: SmtpSettings) -> SmtpSettings:
    return s if s.password is not None or not s.user else replace(s, password=load_password(s))


def save_smtp_settings(db: Database, actor_id: int, s: SmtpSettings,
                       password: str | None = None) -> SmtpSettings:
    """Store the server settings (administrators only); the password goes to the keyring.

    ``password`` None keeps the stored one; an empty string removes it.
    """
    from desk.admin import team as admin

    s = validate_smtp(s)
    if password and not password.isascii():
        # smtplib sends the login as ASCII: such a password could never log in
        raise ValidationError({"password": (
            "SMTP 密码只能包含 ASCII 字符（英文字母、数字与符号）。",
            "The SMTP password can only hold ASCII characters (letters, digits, symbols).")})
    with db.read() as session:
        actor = session.get(Person, actor_id)
        if actor is None or Role.ADMIN not in actor.roles:
            raise PermissionDeniedError("只有管理员可以修改邮件服务器设置。",
                                        "Only an administrator may change the mail server.")
    if password is not None and s.user:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            if password:
                keyring.set_password(KEYRING_SERVICE, s.keyring_user, password)
            else:
                with contextlib.suppress(PasswordDeleteError):
                    keyring.delete_password(KEYRING_SERVICE, s.keyring_user)
        except KeyringError as exc:
            raise _keyring_error(exc) from exc
    admin.set_setting(db, actor_id, SMTP_SETTING, s.to_json())
    return s


def set_emergency_contacts(db: Database, actor_id: int, addresses: Sequence[str]) -> list[str]:
    """Set the IT emergency contact address(es) (administrators only)."""
    from desk.admin import team as admin

    cleaned = [a.strip() for a in addresses if a.strip()]
    bad = [a for a in cleaned if not valid_address(a)]
    if bad:
        raise ValidationError({EMERGENCY_SETTING: (f"无效的电子邮件地址：{'、'.join(bad)}",
                                                   f"Not an e-mail address: {', '.join(bad)}")})
    admin.set_setting(db, actor_id, EMERGENCY_SETTING, cleaned)
    return cleaned


# -- sending ---------------------------------------------------------------------------------


def _connection_error(exc: BaseException) -> DeskError:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeskError("SMTP 登录失败：用户名或密码不正确。",
                         "The SMTP login failed: wrong user name or password.")
    if isinstance(exc, ssl.SSLError):
        return DeskError(f"与邮件服务器的加密连接失败：{exc}",
                         f"The encrypted connection to the mail server failed: {exc}")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeskError(f"邮件服务器不支持所选的加密或登录方式：{exc}",
                         f"The mail server does not support the chosen security or login: {exc}")
    return DeskError(f"无法连接邮件服务器：{exc or type(exc).__name__}",
                     f"Cannot reach the mail server: {exc or type(exc).__name__}")


def connect(s: SmtpSettings) -> smtplib.SMTP:
    """An open, logged-in SMTP connection for the settings (the caller quits it)."""
    try:
        client: smtplib.SMTP
        if s.security == "ssl":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.user:
                if not s.password:
                    raise DeskError(
                        "此电脑的系统密钥环中没有 SMTP 密码，请在“邮件服务器设置”中重新输入。",
                        "This computer's keyring holds no SMTP password; enter it again in "
                        "the mail server settings.")
                client.login(s.user, s.password)
        except BaseException:
            client.close()
            raise
        return client
    except DeskError:
        raise
    except UnicodeEncodeError as exc:
        raise DeskError("SMTP 用户名或密码含有非 ASCII 字符，邮件服务器登录无法发送。",
                        "The SMTP user name or password holds non-ASCII characters, which "
                        "the login cannot send.") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise _connection_error(exc) from exc


def send_test_mail(s: SmtpSettings, to: str) -> str:
    """Send a short test message with the given settings; return the address it went to."""
    s = validate_smtp(with_password(s))
    if not valid_address(to):
        raise ValidationError({"to": ("收件地址不是有效的电子邮件地址。",
                                      "The recipient is not a valid e-mail address.")})
    msg = EmailMessage()
    msg["Subject"] = "Desk 测试邮件"
    msg["From"] = Address("Desk", addr_spec=s.from_address)
    msg["To"] = Address(addr_spec=to.strip())
    msg["Message-ID"] = make_msgid(domain=s.from_address.split("@")[-1])
    msg.set_content("这是一封来自 Desk 技术故障反馈与处理系统的测试邮件。收到此邮件说明邮件服务器设置正确。\n",
                    charset="utf-8")
    client = connect(s)
    try:
        client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeskError(f"测试邮件发送失败：{exc}", f"The test mail could not be sent: {exc}") \
            from exc
    finally:
        _quit(client)
    return to.strip()


def _quit(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()


@dataclass
class SendReport:
    """What one ``send_due`` run did."""

    claimed: int = 0
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # a failed attempt, retried later
    given_up: list[int] = field(default_factory=list)  # status failed, not retried
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Claimed:
    id: int
    ticket_id: int | None
    trigger: str
    recipients: list[dict[str, Any]]
    subject: str
    body: str
    document: str | None
    attempts: int


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, … at most 1 h."""
    delay: timedelta = FIRST_BACKOFF * (2 ** max(0, attempts - 1))
    return min(delay, MAX_BACKOFF)


def _claim(db: Database, token: str, now: datetime, batch: int) -> list[_Claimed]:
    due = or_(
        (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_until < now),
    ) & OutboxMessage.channel_id.is_(None)  # the group robots' rows: desk.notify.channels

    def work(session: Session) -> list[_Claimed]:
        if session.get_bind().dialect.name == "postgresql":
            ids = list(session.scalars(
                select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(batch)
                .with_for_update(skip_locked=True)))
            if not ids:
                return []
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
                status=SENDING, claimed_by=token, claimed_until=now + LEASE))
        else:
            # the write unit began with BEGIN IMMEDIATE: no other desk writes in between
            chosen = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(batch)
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(chosen.scalar_subquery()))
                            .values(status=SENDING, claimed_by=token,
                                    claimed_until=now + LEASE)
                            .execution_options(synchronize_session=False))
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.claimed_by == token, OutboxMessage.status == SENDING)
            .order_by(OutboxMessage.id)).all()
        return [_Claimed(r.id, r.ticket_id, r.trigger, list(r.recipients or []), r.subject,
                         r.body, r.document, r.attempts) for r in rows]

    return db.write(work)


def _build(db: Database, s: SmtpSettings, m: _Claimed,
           number: str | None) -> tuple[EmailMessage, list[str]]:
    addresses = [str(r.get("email") or "") for r in m.recipients]
    addresses = [a for a in addresses if a and valid_address(a)]
    msg = EmailMessage()
    msg["Subject"] = m.subject
    msg["From"] = Address("Desk 技术故障通知", addr_spec=s.from_address)
    msg["To"] = [Address(str(r.get("name") or ""), addr_spec=str(r["email"]))
                 for r in m.recipients if str(r.get("email") or "") in addresses]
    msg["Date"] = format_datetime(db.now())
    msg["Message-ID"] = make_msgid(idstring=f"desk-outbox-{m.id}",
                                   domain=s.from_address.split("@")[-1])
    msg["X-Desk-Outbox-Id"] = str(m.id)
    # every notice is automatic (RFC 3834): mail robots, and another desk's intake, never
    # answer it, so two desks cannot reply to each other for ever
    msg["Auto-Submitted"] = "auto-replied" if m.trigger == "intake_ack" else "auto-generated"
    msg.set_content(m.body, charset="utf-8")
    if m.document and m.document.startswith(REPORT_DOCUMENT):
        from desk.read import service_report, service_report_export

        code = m.document[len(REPORT_DOCUMENT):]
        report = service_report.compute(db, service_report.month(code))
        msg.add_attachment(service_report_export.pdf_bytes(report), maintype="application",
                           subtype="pdf", filename=f"运维服务报告-{code}.pdf")
    elif m.document and m.ticket_id is not None:
        from desk.read import documents

        pdf = documents.render(db, m.document, m.ticket_id)
        label = documents.KIND_LABELS_ZH.get(m.document, m.document)
        msg.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=f"{label}-{number or m.ticket_id}.pdf")
    return msg, addresses


def _mark_sent(db: Database, m: _Claimed, token: str, addresses: list[str],
               refused: dict[str, Any]) -> None:
    def work(session: Session) -> None:
        row = session.get(OutboxMessage, m.id)
        if row is None:
            return
        now = db.now()
        row.status, row.sent_at, row.attempts = SENT, now, m.attempts + 1
        row.claimed_by, row.claimed_until = None, None
        row.last_error = ("部分收件人被拒收：" + "、".join(refused)) if refused else ""
        if row.ticket_id is not None:
            audit.record(session, at=now, action="mail_sent", ticket_id=row.ticket_id,
                         actor_id=None, details={
                             "outbox_id": row.id, "trigger": row.trigger,
                             "subject": row.subject, "document": row.document,
                             "recipients": [f"{r.get('name')} <{r.get('email')}>"
                                            for r in m.recipients if r.get("email")
                                            in addresses and r.get("email") not in refused],
                         })
            from desk.notify import live

            live.notify(session, row.ticket_id)

    db.write(work)


def _mark_failed(db: Database, m: _Claimed, token: str, error: str,
                 report: SendReport, final: bool = False) -> None:
    def work(session: Session) -> None:
        row = session.get(OutboxMessage, m.id)
        if row is None or row.claimed_by != token:
            return  # another sender took it over after our lease ran out
        now = db.now()
        row.attempts = m.attempts + 1
        row.last_error = error[:2000]
        row.claimed_by, row.claimed_until = None, None
        if final or row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
            report.given_up.append(row.id)
            if row.ticket_id is not None:
                audit.record(session, at=now, action="mail_failed", ticket_id=row.ticket_id,
                             actor_id=None, details={"outbox_id": row.id, "subject": row.subject,
                                                     "attempts": row.attempts, "error": error})
        else:
            row.status = PENDING
            row.next_attempt_at = now + backoff(row.attempts)
            report.failed.append(row.id)

    db.write(work)


def _numbers(db: Database, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    with db.read() as session:
        return dict(session.execute(select(Ticket.id, Ticket.number)
                                    .where(Ticket.id.in_(wanted))).all())


def send_due(db: Database, smtp: SmtpSettings, sender_id: str, now: datetime | None = None,
             batch: int = 20) -> SendReport:
    """Claim up to ``batch`` due messages and deliver them; safe with several senders."""
    report = SendReport()
    smtp = validate_smtp(with_password(smtp))
    moment = now or db.now()
    token = f"{sender_id}:{uuid.uuid4().hex[:12]}"[:100]
    claimed = _claim(db, token, moment, batch)
    report.claimed = len(claimed)
    if not claimed:
        return report
    numbers = _numbers(db, (m.ticket_id for m in claimed))
    client: smtplib.SMTP | None = None
    try:
        try:
            client = connect(smtp)
        except DeskError as exc:
            report.errors.append(str(exc))
            for m in claimed:
                _mark_failed(db, m, token, str(exc), report)
            return report
        for m in claimed:
            try:
                msg, addresses = _build(db, smtp, m, numbers.get(m.ticket_id or -1))
            except Exception as exc:  # noqa: BLE001 - a message that cannot be built waits
                log.exception("cannot build outbox message %s", m.id)
                _mark_failed(db, m, token, f"邮件无法生成：{exc}", report)
                report.errors.append(str(exc))
                continue
            if not addresses:
                _mark_failed(db, m, token, "没有收件人的电子邮件地址。", report, final=True)
                continue
            try:
                refused = client.send_message(msg, to_addrs=addresses)
            except smtplib.SMTPRecipientsRefused as exc:
                _mark_failed(db, m, token, f"收件人被拒收：{exc.recipients}", report)
                report.errors.append(str(exc))
                continue
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                _mark_failed(db, m, token, f"邮件服务器拒绝了此邮件：{exc}", report)
                report.errors.append(str(exc))
                continue
            except (OSError, smtplib.SMTPException) as exc:
                # the connection broke: this and the rest wait for the next run
                error = str(_connection_error(exc))
                report.errors.append(error)
                rest = claimed[claimed.index(m):]
                for other in rest:
                    _mark_failed(db, other, token, error, report)
                break
            _mark_sent(db, m, token, addresses, dict(refused))
            report.sent.append(m.id)
    finally:
        if client is not None:
            _quit(client)
    return report


# -- reading the outbox -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as the administrator's view and ``desk mail outbox`` show it."""

    id: int
    created_at: datetime
    ticket_number: str
    trigger: str
    recipients: list[str]
    subject: str
    document: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str

    def to_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items()}


def _require_viewer(session: Session, actor_id: int | None) -> None:
    if actor_id is None:
        return
    actor = session.get(Person, actor_id)
    if actor is None or not (actor.roles & {Role.ADMIN, Role.SUPPORT_LEAD}):
        raise PermissionDeniedError("只有管理员或技术支持主管可以查看发件箱。",
                                    "Only an administrator or a support lead may see the outbox.")


def outbox_status(db: Database, include_sent: bool = False, limit: int = 500,
                  actor_id: int | None = None) -> list[OutboxEntry]:
    """What waits in the outbox (and, with ``include_sent``, what went out), newest first."""
    with db.read() as session:
        _require_viewer(session, actor_id)
        stmt = (select(OutboxMessage, Ticket.number)
                .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
                .order_by(OutboxMessage.id.desc()).limit(limit))
        if not include_sent:
            stmt = stmt.where(OutboxMessage.status != SENT)
        return [OutboxEntry(
            id=m.id, created_at=m.created_at, ticket_number=number or "", trigger=m.trigger,
            recipients=[f"群 {r['channel']}" if r.get("channel") else
                        f"{r.get('name')} <{r.get('email') or '—'}>" for r in m.recipients or []],
            subject=m.subject, document=m.document, status=m.status, attempts=m.attempts,
            next_attempt_at=m.next_attempt_at, sent_at=m.sent_at, last_error=m.last_error,
        ) for m, number in session.execute(stmt)]


@dataclass(frozen=True)
class Notification:
    """A message addressed to one person, for the window's notification list."""

    id: int
    created_at: datetime
    ticket_id: int | None
    ticket_number: str
    trigger: str
    subject: str
    body: str
    status: str
    sent_at: datetime | None


def notifications_for(db: Database, person_id: int, since_id: int | None = None,
                      limit: int = 200) -> list[Notification]:
    """Messages addressed to ``person_id`` (newer than ``since_id``), newest first."""
    token = f'%"{_person_key(person_id)}"%'
    stmt = (select(OutboxMessage, Ticket.number)
            .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
            .where(type_coerce(OutboxMessage.recipients, Text).like(token))
            .order_by(OutboxMessage.id.desc()).limit(limit))
    if since_id is not None:
        stmt = stmt.where(OutboxMessage.id > since_id)
    with db.read() as session:
        return [Notification(m.id, m.created_at, m.ticket_id, number or "", m.trigger,
                             m.subject, m.body, m.status, m.sent_at)
                for m, number in session.execute(stmt)
                if any(r.get("person_id") == person_id for r in m.recipients or [])]
