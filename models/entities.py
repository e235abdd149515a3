"""The tables: people, the ticket (the whole record table), its parts, events, calendar.

Field names follow the record table (技术故障反馈与处理记录表) of SPEC.md, section by
section, in English snake_case; the JSON output of the CLI uses the same names.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, IntEnumType, JSONText, UTCDateTime, str_enum
from models.vocabulary import (
    DayKind,
    EvidenceKind,
    FaultLevel,
    FaultType,
    Role,
    Status,
    TeamDuty,
)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", use_alter=True, name="fk_departments_head_id_people")
    )


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (Index("ix_people_db_login", "db_login", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    contact: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # PostgreSQL: the login role this person connects as (None on SQLite)
    db_login: Mapped[str | None] = mapped_column(String(63))
    # an account for scripts (monitoring): may only report and attach
    service: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    role_rows: Mapped[list[PersonRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)


# The dashboard's and the service report's scans of a period read this index alone: the
# date first, then every column they group, count or sum (no long texts; migration 0016)
PERIOD_INDEX_COLUMNS = (
    "reported_at", "level", "status", "fault_type", "merged_into_id", "responded_at",
    "respond_due_at", "workaround_at", "restored_at", "restore_due_at", "paused_at",
    "resolved_at", "verification_rounds", "verification_passed", "satisfaction",
    "problem_id", "reporter_employee_no", "affected_business")


class Ticket(Base):
    """One technical fault, carrying every field of the paper record table."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_reported_at", "status", "reported_at"),
        Index("ix_tickets_reported_at", "reported_at"),
        Index("ix_tickets_period", *PERIOD_INDEX_COLUMNS),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_level_status", "level", "status"),
        # one per column the queue sorts by, ending in the id it breaks ties with, so the
        # first page of a million tickets is read from an index, not sorted
        *(Index(f"ix_tickets_sort_{c}", c, "id") for c in (
            "level", "status", "fault_type", "affected_business", "reporter_name",
            "respond_due_at", "restore_due_at")),
        # partial on SQLite: only the few tickets that have one, and never chosen for an
        # "IS NULL" filter (which would read a million index entries instead of a period).
        # PostgreSQL's planner does not make that mistake; no postgresql_where here, whose
        # mere mention loads SQLAlchemy's PostgreSQL dialect at every start.
        *(Index(f"ix_tickets_{c}", c, sqlite_where=text(f"{c} IS NOT NULL"))
          for c in ("merged_into_id", "problem_id")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.REPORTED)

    # -- 基本信息 (basic information)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    fault_type: Mapped[FaultType] = mapped_column(str_enum(FaultType, 8))
    level: Mapped[FaultLevel] = mapped_column(IntEnumType(FaultLevel))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reporter_name: Mapped[str] = mapped_column(String(100))
    reporter_employee_no: Mapped[str] = mapped_column(String(32), default="")
    reporter_contact: Mapped[str] = mapped_column(String(100), default="")
    affected_business: Mapped[str] = mapped_column(String(200))
    impact_scope: Mapped[str] = mapped_column(Text, default="")
    business_interrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    # -- 故障详细描述 (detailed description)
    phenomenon: Mapped[str] = mapped_column(Text)
    reproduce_steps: Mapped[str] = mapped_column(Text, default="")

    # -- 处理过程记录 (handling record): triage
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    first_contact: Mapped[str] = mapped_column(Text, default="")
    confirmed_details: Mapped[str] = mapped_column(Text, default="")
    reproducible: Mapped[bool | None] = mapped_column(Boolean)
    first_investigation: Mapped[str] = mapped_column(Text, default="")
    initial_level: Mapped[FaultLevel | None] = mapped_column(IntEnumType(FaultLevel))
    level_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    level_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # -- handling team
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expected_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cooperation_required: Mapped[str] = mapped_column(Text, default="")
    start_notice_due: Mapped[bool] = mapped_column(Boolean, default=False)
    start_notice_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # -- cause analysis
    root_cause: Mapped[str] = mapped_column(Text, default="")
    underlying_cause: Mapped[str] = mapped_column(Text, default="")
    impact_assessment: Mapped[str] = mapped_column(Text, default="")
    reproduce_conditions: Mapped[str] = mapped_column(Text, default="")
    evidence_list: Mapped[str] = mapped_column(Text, default="")
    analysis_report_required: Mapped[bool] = mapped_column(Boolean, default=False)
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # -- solutions, confirmation and approval
    temporary_solution: Mapped[str] = mapped_column(Text, default="")
    long_term_solution: Mapped[str] = mapped_column(Text, default="")
    solution_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    solution_proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    business_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    business_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    technical_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    technical_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    workaround_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # -- 验证结果 (verification)
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verification_environment: Mapped[str] = mapped_column(Text, default="")
    verification_checked: Mapped[str] = mapped_column(Text, default="")
    verification_passed: Mapped[bool | None] = mapped_column(Boolean)
    verification_remarks: Mapped[str] = mapped_column(Text, default="")
    verification_rounds: Mapped[int] = mapped_column(Integer, default=0)

    # -- 闭环 (closing)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")
    prevention_measures: Mapped[str] = mapped_column(Text, default="")
    completion_notice_sent_to: Mapped[str] = mapped_column(Text, default="")
    completion_notice_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # a duplicate merged into its master (closed, counted once); models.lessons owns links
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"))
    # the reporter's rating at verification (满意度, 1–5) and what they said
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str] = mapped_column(Text, default="")

    # -- SLA deadlines, computed by desk.sla and stored so the queue can sort on them
    respond_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    restore_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    respond_due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    restore_due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    # -- pauses (暂停): both clocks stand still while paused; the periods are in ``pauses``
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pause_reason: Mapped[str] = mapped_column(Text, default="")

    team: Mapped[list[TeamMember]] = relationship(
        cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    steps: Mapped[list[ImplementationStep]] = relationship(
        cascade="all, delete-orphan", order_by="ImplementationStep.seq"
    )
    verification_items: Mapped[list[VerificationItem]] = relationship(
        cascade="all, delete-orphan", order_by="VerificationItem.id"
    )
    pauses: Mapped[list[TicketPause]] = relationship(
        cascade="all, delete-orphan", order_by="TicketPause.started_at"
    )

    __mapper_args__ = {"version_id_col": version}


class TicketPause(Base):
    """One pause of a ticket's clocks (暂停): from when, until when (None: still paused),
    why, and who paused and resumed it."""

    __tablename__ = "ticket_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    started_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class TeamMember(Base):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("ticket_id", "person_id", "duty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    duty: Mapped[TeamDuty] = mapped_column(str_enum(TeamDuty))

    person: Mapped[Person] = relationship(lazy="joined")


class ImplementationStep(Base):
    """One step carried out (实施记录): what, who, when, and the state after it."""

    __tablename__ = "implementation_steps"
    __table_args__ = (UniqueConstraint("ticket_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    done_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state_after: Mapped[str] = mapped_column(Text, default="")

    done_by: Mapped[Person] = relationship(lazy="joined")


class VerificationItem(Base):
    """One thing checked during a verification round."""

    __tablename__ = "verification_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(Text)
    expected: Mapped[str] = mapped_column(Text, default="")
    actual: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool] = mapped_column(Boolean)


class Attachment(Base):
    """Evidence attached to a ticket; the bytes live in ``attachment_chunks``."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind))
    note: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer)
    mime_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class AttachmentChunk(Base):
    __tablename__ = "attachment_chunks"

    attachment_id: Mapped[int] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Event(Base):
    """An append-only audit record: who did what, when, with the values before and after.

    ``changes`` maps a field name to ``{"before": ..., "after": ...}``; ``details`` holds
    what the action recorded beyond fields (a team, an implementation step, recipients).
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_ticket_at", "ticket_id", "id"),
                      Index("ix_events_actor_at", "actor_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[Person | None] = relationship(lazy="joined")


class NumberCounter(Base):
    """The last sequence number given per fault type and local day."""

    __tablename__ = "number_counters"

    fault_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class CalendarDay(Base):
    """A day that breaks the Monday-to-Friday rule: a holiday, or a make-up working day."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(str_enum(DayKind, 16))
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(100), default="")


class CalendarYear(Base):
    """A year whose holidays and make-up days are known to be complete."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(100), default="")
    # who confirmed the year complete after its preview, and when (None: the package seed)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Setting(Base):
    """An administrator's setting shared by every desk on this database (JSON value)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText)


class KnowledgeEntry(Base):
    """A knowledge-base entry (知识库) made when a resolved fault is archived."""

    __tablename__ = "kb_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    symptom: Mapped[str] = mapped_column(Text, default="")
    affected_business: Mapped[str] = mapped_column(String(200), default="")
    fault_type: Mapped[FaultType] = mapped_column(str_enum(FaultType, 8))
    root_cause: Mapped[str] = mapped_column(Text, default="")
    temporary_solution: Mapped[str] = mapped_column(Text, default="")
    long_term_solution: Mapped[str] = mapped_column(Text, default="")
    prevention: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))

    __mapper_args__ = {"version_id_col": version}


class KnowledgeRevision(Base):
    """The wording of an entry before a lead edited it (history kept, never changed)."""

    __tablename__ = "kb_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("kb_entries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    before: Mapped[dict[str, Any]] = mapped_column(JSONText)
    after: Mapped[dict[str, Any]] = mapped_column(JSONText)


class OutboxMessage(Base):
    """An e-mail to send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(40))
    recipients: Mapped[list[Any]] = mapped_column(JSONText)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    document: Mapped[str | None] = mapped_column(String(40))  # a desk.documents kind
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    # a group robot's message (desk.notify.channels); None for an e-mail
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channels.id", ondelete="SET NULL"), index=True)


class NotificationRule(Base):
    """Who is told what, and when; administrators can see and change the rules."""

    __tablename__ = "notification_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(40), index=True)
    recipients: Mapped[list[Any]] = mapped_column(JSONText)  # e.g. ["role:support_lead"]
    document: Mapped[str | None] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str] = mapped_column(Text, default="")


class Presence(Base):
    """Which desk has which ticket open, refreshed by a heartbeat ("李总 正在查看")."""

    __tablename__ = "presence"

    desk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    editing: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Channel(Base):
    """A group robot (WeCom, DingTalk, Feishu) or a generic JSON webhook that notices go to.

    ``url`` and ``secret`` are secrets (a WeCom robot's key is part of its URL): they are
    shown masked everywhere (``desk.notify.channels.masked_url``).
    """

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # wecom, dingtalk, feishu, webhook
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text, default="")
    per_minute: Mapped[int] = mapped_column(Integer)
    per_second: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IntakeItem(Base):
    """One thing the service received (a mail, an alert) and what became of it.

    ``dedupe_key`` (``mail:<Message-ID>``) is unique: a mail filed before a crash is
    recognised when it is read again and never filed twice.
    """

    __tablename__ = "intake_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(20))  # mail, alertmanager, generic
    dedupe_key: Mapped[str | None] = mapped_column(String(400), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # filed, noted, refused
    detail: Mapped[str] = mapped_column(Text, default="")


class AlertLink(Base):
    """An alert's fingerprint (or group key) and the fault it was filed as."""

    __tablename__ = "alert_links"
    __table_args__ = (Index("ix_alert_links_key", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    firings: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RuleTransition(Base):
    """The transition table as the database enforces it (PostgreSQL), one row per
    (transition, source state, reachable state, role); written by ``desk db init`` from
    ``desk.rules.transitions.TRANSITIONS``."""

    __tablename__ = "rule_transitions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(30), primary_key=True)
    target: Mapped[str] = mapped_column(String(30), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class RuleEdit(Base):
    """The ticket fields an action (``edit``, a notice) may change in a state, by role
    (``reporter``: the person who filed the fault); written from the editing table."""

    __tablename__ = "rule_edits"

    action: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
