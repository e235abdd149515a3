"""Faults that come in by themselves: monitoring alerts and mails read by the service.

Each item is one unit of work: the fault (or the note on an existing fault), its
evidence, the link that recognises the item next time and the intake log row commit
together, so a crash never leaves half of it, and an item seen again is never filed
twice.

- An **alert** (``file_alert``) is keyed by its fingerprint (or the group key). While a
  fault filed for that key is open, further firings and repeats add to it (a note for a
  new firing, a count for a repeat); a resolved alert adds a note, and the restore time
  where the mapping says so; it never closes a fault. Type, level and business come from
  the labels by the administrator's mapping (``desk.admin.intake``).
- A **mail** (``file_mail``) is keyed by its Message-ID. A subject carrying a fault's
  number adds a note and the attachments to that fault; anything else is a new fault in
  待受理: subject → affected business, body → phenomenon, attachments → evidence, the
  sender matched to a person by address (else recorded as the reporter with the address
  as contact). A note from the fault's reporter on a fault paused awaiting them also
  resumes its clocks (``workflow.resume_on_reply``: the ``resume`` step, by the service's
  person, in the same unit of work). ``IntakeAcknowledged`` asks the outbox to answer the sender with the number.

What the service files is attributed to the service's own person (``SERVICE_NO``), a
person without roles who cannot sign in.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desk import events
from desk.db import Database
from desk.events import IntakeAcknowledged, TicketChanged
from desk.process import attachments, audit, workflow
from desk.process.reporting import FaultReport, insert_report
from desk.rules.transitions import is_reporter
from models import (
    AlertLink,
    EvidenceKind,
    FaultLevel,
    FaultType,
    IntakeItem,
    Person,
    Status,
    Ticket,
)

log = logging.getLogger(__name__)

SERVICE_NO = "DESK-SVC"
SERVICE_NAME = "Desk 服务"
FILED, NOTED, REPEAT, DUPLICATE, IGNORED, REFUSED = (
    "filed", "noted", "repeat", "duplicate", "ignored", "refused")
MAX_BUSINESS = 200
MAX_TEXT = 20_000
CLOSED = tuple(s for s in Status if s.is_closed)


def service_person(session: Session) -> Person:
    """The person the service's own records are attributed to (made when first needed)."""
    person = session.scalar(select(Person).where(Person.employee_no == SERVICE_NO))
    if person is not None:
        return person
    try:
        with session.begin_nested():  # two first alerts at once: one insert wins
            person = Person(employee_no=SERVICE_NO, name=SERVICE_NAME, contact="", email="",
                            active=False)
            session.add(person)
            session.flush()
    except sa_exc.IntegrityError:
        person = session.scalar(select(Person).where(Person.employee_no == SERVICE_NO))
        if person is None:
            raise
    return person


def _short(value: str, limit: int) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


def log_item(session: Session, at: datetime, source: str, outcome: str, detail: str,
             ticket_id: int | None = None, dedupe_key: str | None = None) -> None:
    session.add(IntakeItem(at=at, source=source, outcome=outcome, detail=detail[:4000],
                           ticket_id=ticket_id, dedupe_key=dedupe_key))


def record_refused(db: Database, source: str, detail: str,
                   dedupe_key: str | None = None) -> None:
    """An item that could not be taken (bad token, malformed payload, a mail too large)."""

    def work(session: Session) -> None:
        if dedupe_key and session.scalar(select(IntakeItem.id).where(
                IntakeItem.dedupe_key == dedupe_key)) is not None:
            return
        log_item(session, db.now(), source, REFUSED, detail, dedupe_key=dedupe_key)

    db.write(work)


def _note(session: Session, ticket: Ticket, at: datetime, actor_id: int, source: str,
          text_: str, details: dict[str, Any]) -> None:
    audit.record(session, at=at, action="intake_note", ticket_id=ticket.id, actor_id=actor_id,
                 details={"source": source, "text": text_[:MAX_TEXT], **details})
    events.record(session, TicketChanged(ticket.id))


# -- alerts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertMapping:
    """How an alert's labels become a fault (the setting ``intake.alert_mapping``).

    ``rules`` are tried in order; a rule's ``match`` maps a label to the value it must
    have (``*``: any value, the label present). The first that matches gives
    ``level``, ``fault_type``, ``business`` (a template over the labels, e.g.
    ``{service}``) and ``interrupted``; else ``default`` does.
    """

    rules: tuple[dict[str, Any], ...] = ()
    default: dict[str, Any] = field(default_factory=lambda: {
        "level": 3, "fault_type": "SYS", "business": "{alertname}", "interrupted": False})
    restore_on_resolved: bool = False

    @classmethod
    def from_json(cls, data: Any) -> AlertMapping:
        if not isinstance(data, dict):
            return cls()
        default = cls().default | dict(data.get("default") or {})
        return cls(tuple(r for r in data.get("rules") or () if isinstance(r, dict)), default,
                   bool(data.get("restore_on_resolved", False)))

    def to_json(self) -> dict[str, Any]:
        return {"rules": list(self.rules), "default": self.default,
                "restore_on_resolved": self.restore_on_resolved}

    def apply(self, labels: dict[str, str]) -> tuple[FaultLevel, FaultType, str, bool, bool]:
        """(level, type, business, interrupted, matched a rule) for the labels."""
        chosen, matched = self.default, False
        for rule in self.rules:
            match = rule.get("match") or {}
            if isinstance(match, dict) and all(
                    (k in labels) if v == "*" else labels.get(k) == str(v)
                    for k, v in match.items()):
                chosen, matched = self.default | rule, True
                break
        try:
            level = FaultLevel(int(chosen.get("level", 3)))
        except (TypeError, ValueError):
            level = FaultLevel.GENERAL
        try:
            fault_type = FaultType(str(chosen.get("fault_type", "SYS")).upper())
        except ValueError:
            fault_type = FaultType.SYSTEM
        template = str(chosen.get("business") or "{alertname}")
        business = re.sub(r"\{([^{}]+)\}", lambda m: labels.get(m.group(1), "") or "", template)
        business = business.strip() or labels.get("alertname", "") or "监控告警"
        return level, fault_type, business, bool(chosen.get("interrupted", False)), matched


@dataclass(frozen=True)
class AlertIn:
    """One alert as received (Alertmanager v4 or the generic shape)."""

    source: str  # alertmanager, generic
    key: str  # fingerprint, else the group key
    status: str  # firing, resolved
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: datetime | None
    ends_at: datetime | None
    generator_url: str
    sender: str  # receiver / externalURL: who sent it


@dataclass(frozen=True)
class AlertOutcome:
    outcome: str
    number: str
    unmapped: bool = False


def _phenomenon(alert: AlertIn) -> str:
    a = alert.annotations
    lines = [a.get("summary", ""), a.get("description", ""), a.get("message", "")]
    lines += [f"{k}: {v}" for k, v in sorted(a.items())
              if k not in ("summary", "description", "message")]
    text_ = "\n".join(line for line in lines if line.strip())
    if not text_:
        text_ = "监控告警：" + ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
    return _short(text_, MAX_TEXT)


def _evidence(alert: AlertIn) -> bytes:
    return json.dumps({
        "source": alert.source, "status": alert.status, "fingerprint": alert.key,
        "labels": alert.labels, "annotations": alert.annotations,
        "startsAt": alert.starts_at.isoformat() if alert.starts_at else None,
        "endsAt": alert.ends_at.isoformat() if alert.ends_at else None,
        "generatorURL": alert.generator_url,
    }, ensure_ascii=False, indent=2).encode("utf-8")


def _open_link(session: Session, key: str) -> tuple[AlertLink, Ticket] | None:
    row = session.execute(
        select(AlertLink, Ticket).join(Ticket, Ticket.id == AlertLink.ticket_id)
        .where(AlertLink.key == key, Ticket.status.not_in(CLOSED))
        .order_by(AlertLink.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


def file_alert(db: Database, alert: AlertIn, mapping: AlertMapping) -> AlertOutcome:
    """File one alert: a new fault, a note on the open one, or a count of a repeat."""
    key = alert.key[:300]
    stamp = alert.starts_at.isoformat() if alert.starts_at else ""
    dedupe = f"alert:{key}:{stamp}:{alert.status}"[:400]

    def work(session: Session) -> AlertOutcome:
        if session.get_bind().dialect.name == "postgresql":
            # one alert key at a time: two firings of it never both find "no open fault"
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                            {"k": f"desk.alert:{key}"})
        now = db.now()
        svc = service_person(session)
        seen = session.scalar(select(IntakeItem.id).where(IntakeItem.dedupe_key == dedupe))
        found = _open_link(session, key)
        level, fault_type, business, interrupted, matched = mapping.apply(alert.labels)
        if alert.status != "firing":
            if found is None:
                if seen is None:
                    log_item(session, now, alert.source, IGNORED,
                             f"resolved alert without an open fault: {key}", dedupe_key=dedupe)
                return AlertOutcome(IGNORED, "")
            link, ticket = found
            if seen is not None:
                return AlertOutcome(REPEAT, ticket.number)
            ended = alert.ends_at or now
            ended = min(max(ended, ticket.occurred_at), now)
            link.resolved_at = ended
            details: dict[str, Any] = {"fingerprint": key, "ends_at": ended.isoformat()}
            if mapping.restore_on_resolved and ticket.restored_at is None:
                details["restored_at"] = ended.isoformat()
                audit.record(session, at=now, action="intake_restore", ticket_id=ticket.id,
                             actor_id=svc.id, changes={"restored_at": {
                                 "before": None, "after": ended.isoformat()}})
                ticket.restored_at = ended
            _note(session, ticket, now, svc.id, alert.source,
                  f"告警已恢复：{alert.labels.get('alertname', key)}", details)
            log_item(session, now, alert.source, NOTED, f"resolved {key}", ticket.id, dedupe)
            return AlertOutcome(NOTED, ticket.number)
        if found is not None:
            link, ticket = found
            link.firings += 1
            if seen is not None:
                return AlertOutcome(REPEAT, ticket.number)
            _note(session, ticket, now, svc.id, alert.source,
                  f"告警再次触发：{_short(_phenomenon(alert), 500)}",
                  {"fingerprint": key, "starts_at": stamp})
            log_item(session, now, alert.source, NOTED, f"firing again {key}", ticket.id, dedupe)
            return AlertOutcome(NOTED, ticket.number)
        if seen is not None:
            # this very firing was filed before and its fault is closed since: people
            # closed it, a repeat of the same firing does not open it again
            earlier = session.scalar(select(Ticket.number).join(
                IntakeItem, IntakeItem.ticket_id == Ticket.id).where(IntakeItem.id == seen))
            return AlertOutcome(REPEAT, earlier or "")
        occurred = alert.starts_at if alert.starts_at and alert.starts_at <= now else now
        report = FaultReport(
            fault_type=fault_type, affected_business=_short(business, MAX_BUSINESS),
            phenomenon=_phenomenon(alert), occurred_at=occurred, level=level,
            reporter_name=_short(f"监控告警（{alert.source}）", 100),
            reporter_contact=_short(alert.sender or alert.generator_url, 100),
            impact_scope=_short(", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items())),
                                MAX_TEXT),
            business_interrupted=interrupted,
        )
        ticket = insert_report(session, report, None, now)
        attachments.attach_bytes(session, ticket, svc.id, f"alert-{key[:40]}.json",
                                 _evidence(alert), EvidenceKind.MONITORING,
                                 "监控告警的标签与来源（generatorURL）", now)
        session.add(AlertLink(key=key, ticket_id=ticket.id, created_at=now, firings=1))
        log_item(session, now, alert.source, FILED,
                 f"{key} → {ticket.number}" + ("" if matched else " (no mapping rule matched)"),
                 ticket.id, dedupe)
        return AlertOutcome(FILED, ticket.number, not matched)

    return db.write(work)


# -- mails -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailAttachment:
    name: str
    data: bytes


@dataclass(frozen=True)
class MailIn:
    """A mail as the mailbox reader decoded it (clean text, attachments as bytes)."""

    message_id: str
    subject: str
    sender_name: str
    sender_address: str
    text: str
    attachments: tuple[MailAttachment, ...] = ()
    auto_reply_allowed: bool = True


@dataclass(frozen=True)
class MailOutcome:
    outcome: str
    number: str
    resumed: bool = False  # a note from the reporter that resumed the fault's clocks


NUMBER_IN_TEXT = re.compile(r"(?<![A-Z0-9])(?:" + "|".join(t.value for t in FaultType)
                            + r")-\d{8}-\d{3,}(?![0-9])")
REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|回复|答复|转发)\s*[:：]\s*)+", re.IGNORECASE)


def _find_number(subject: str) -> str | None:
    m = NUMBER_IN_TEXT.search(subject.upper())
    return m.group(0) if m else None


def _attach_all(session: Session, ticket: Ticket, actor_id: int, mail: MailIn, address: str,
                now: datetime) -> str:
    """Store the mail's attachments; one over the team's size limit is left out with a
    note on the fault (the mail itself is never lost for it). Returns what was left out."""
    left_out: list[str] = []
    for a in mail.attachments:
        try:
            attachments.attach_bytes(session, ticket, actor_id, a.name, a.data,
                                     note=f"邮件附件（{address}）", at=now)
        except attachments.AttachmentRefused as exc:
            left_out.append(f"{a.name} ({len(a.data)} bytes)")
            _note(session, ticket, now, actor_id, "mail", f"邮件附件未保存：{exc.zh}",
                  {"message_id": mail.message_id, "attachment": a.name, "size": len(a.data)})
    return f" [attachments left out: {', '.join(left_out)}]" if left_out else ""


def file_mail(db: Database, mail: MailIn) -> MailOutcome:
    """File one mail (once per Message-ID): a note on the fault its subject names, or a
    new fault."""
    dedupe = f"mail:{mail.message_id}"[:400]

    def work(session: Session) -> MailOutcome:
        now = db.now()
        earlier = session.execute(select(IntakeItem.outcome, Ticket.number).outerjoin(
            Ticket, Ticket.id == IntakeItem.ticket_id).where(IntakeItem.dedupe_key == dedupe)
        ).first()
        if earlier is not None:
            return MailOutcome(DUPLICATE, earlier[1] or "")
        svc = service_person(session)
        address = mail.sender_address.strip()
        person = session.scalar(select(Person).where(
            func.lower(Person.email) == address.lower(), Person.active.is_(True))
            .order_by(Person.id).limit(1)) if address else None
        actor_id = person.id if person is not None else svc.id
        number = _find_number(mail.subject)
        ticket = session.scalar(select(Ticket).where(Ticket.number == number)) if number else None
        if ticket is not None and ticket.status not in (Status.ARCHIVED, Status.CANCELLED):
            who = person.name if person is not None else (mail.sender_name or address)
            _note(session, ticket, now, actor_id, "mail",
                  f"{who} <{address}> 来信：{mail.subject}\n\n{mail.text}",
                  {"message_id": mail.message_id, "from": address})
            skipped = _attach_all(session, ticket, actor_id, mail, address, now)
            # the reporter answered: a pause awaiting them ends here, as a resume would
            resumed = is_reporter(address, person.employee_no if person is not None else "",
                                  ticket.reporter_employee_no, ticket.reporter_contact) \
                and workflow.resume_on_reply(session, ticket, svc, now, address)
            log_item(session, now, "mail", NOTED,
                     f"{address}: {mail.subject}{skipped}"
                     f"{' [clocks resumed]' if resumed else ''}"[:400], ticket.id, dedupe)
            if mail.auto_reply_allowed and address:
                events.record(session, IntakeAcknowledged(ticket, address, who, mail.subject,
                                                          mail.message_id, False, now))
            return MailOutcome(NOTED, ticket.number, resumed)
        subject = REPLY_PREFIX.sub("", mail.subject).strip() or "（无主题）"
        report = FaultReport(
            fault_type=FaultType.OTHER, affected_business=_short(subject, MAX_BUSINESS),
            phenomenon=_short(mail.text.strip() or subject, MAX_TEXT),
            reporter_name=_short(person.name if person is not None else
                                 (mail.sender_name or address or "邮件报告人"), 100),
            reporter_employee_no=person.employee_no if person is not None else "",
            reporter_contact=_short(address, 100),
        )
        ticket = insert_report(session, report, person, now)
        skipped = _attach_all(session, ticket, actor_id, mail, address, now)
        log_item(session, now, "mail", FILED, f"{address}: {mail.subject}{skipped}"[:400],
                 ticket.id, dedupe)
        if mail.auto_reply_allowed and address:
            events.record(session, IntakeAcknowledged(ticket, address, report.reporter_name,
                                                      mail.subject, mail.message_id, True, now))
        return MailOutcome(FILED, ticket.number)

    return db.write(work)


def recent_items(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    """The intake log, newest first, for ``desk intake log``."""
    with db.read() as session:
        rows = session.execute(select(IntakeItem, Ticket.number).outerjoin(
            Ticket, Ticket.id == IntakeItem.ticket_id).order_by(IntakeItem.id.desc())
            .limit(limit)).all()
        return [{"id": i.id, "at": i.at.isoformat(), "source": i.source, "outcome": i.outcome,
                 "ticket_number": number or "", "detail": i.detail} for i, number in rows]

