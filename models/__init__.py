"""Persistence for Desk: the ORM tables, the engine set-up and the schema migrations.

Nothing here imports the rest of Desk; ``desk`` and ``reports`` build on it.
"""

from models.base import Base
from models.entities import (
    Attachment,
    AttachmentChunk,
    CalendarDay,
    CalendarYear,
    Department,
    Event,
    ImplementationStep,
    KnowledgeEntry,
    KnowledgeRevision,
    NotificationRule,
    NumberCounter,
    OutboxMessage,
    Person,
    PersonRole,
    Presence,
    Setting,
    TeamMember,
    Ticket,
    TicketPause,
    VerificationItem,
)
from models.vocabulary import (
    DayKind,
    EvidenceKind,
    FaultLevel,
    FaultType,
    Role,
    Status,
    TeamDuty,
)

__all__ = [
    "Attachment",
    "AttachmentChunk",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "DayKind",
    "Department",
    "Event",
    "EvidenceKind",
    "FaultLevel",
    "FaultType",
    "ImplementationStep",
    "KnowledgeEntry",
    "KnowledgeRevision",
    "NotificationRule",
    "OutboxMessage",
    "NumberCounter",
    "Person",
    "PersonRole",
    "Presence",
    "Role",
    "Setting",
    "Status",
    "TeamDuty",
    "TeamMember",
    "TicketPause",
    "Ticket",
    "VerificationItem",
]
