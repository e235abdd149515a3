"""Persistence for Desk: the ORM tables, the engine set-up and the schema migrations.

Nothing here imports the rest of Desk; ``desk`` and ``reports`` build on it.

The names below are imported on first use (PEP 562), so that ``models.vocabulary``
(plain enums) costs nothing: the window's sign-in starts before SQLAlchemy is loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.base import (
        Base,
    )
    from models.entities import (
        AlertLink,
        Attachment,
        AttachmentChunk,
        CalendarDay,
        CalendarYear,
        Channel,
        Department,
        Event,
        ImplementationStep,
        IntakeItem,
        KnowledgeEntry,
        KnowledgeRevision,
        NotificationRule,
        NumberCounter,
        OutboxMessage,
        Person,
        PersonRole,
        Presence,
        RuleEdit,
        RuleTransition,
        Setting,
        TeamMember,
        Ticket,
        TicketPause,
        VerificationItem,
    )
    from models.lessons import (
        ActionItem,
        Problem,
        TicketLink,
    )
    from models.vocabulary import (
        ActionState,
        DayKind,
        EvidenceKind,
        FaultLevel,
        FaultType,
        LinkKind,
        ProblemState,
        Role,
        Status,
        TeamDuty,
    )

_WHERE: dict[str, str] = {
    "ActionItem": "models.lessons",
    "Problem": "models.lessons",
    "TicketLink": "models.lessons",
    "ActionState": "models.vocabulary",
    "AlertLink": "models.entities",
    "Attachment": "models.entities",
    "AttachmentChunk": "models.entities",
    "Base": "models.base",
    "CalendarDay": "models.entities",
    "CalendarYear": "models.entities",
    "Channel": "models.entities",
    "DayKind": "models.vocabulary",
    "Department": "models.entities",
    "Event": "models.entities",
    "EvidenceKind": "models.vocabulary",
    "FaultLevel": "models.vocabulary",
    "FaultType": "models.vocabulary",
    "ImplementationStep": "models.entities",
    "IntakeItem": "models.entities",
    "KnowledgeEntry": "models.entities",
    "KnowledgeRevision": "models.entities",
    "LinkKind": "models.vocabulary",
    "NotificationRule": "models.entities",
    "NumberCounter": "models.entities",
    "OutboxMessage": "models.entities",
    "Person": "models.entities",
    "PersonRole": "models.entities",
    "Presence": "models.entities",
    "ProblemState": "models.vocabulary",
    "Role": "models.vocabulary",
    "RuleEdit": "models.entities",
    "RuleTransition": "models.entities",
    "Setting": "models.entities",
    "Status": "models.vocabulary",
    "TeamDuty": "models.vocabulary",
    "TeamMember": "models.entities",
    "Ticket": "models.entities",
    "TicketPause": "models.entities",
    "VerificationItem": "models.entities",
}

__all__ = [
    "ActionItem",
    "Problem",
    "TicketLink",
    "ActionState",
    "AlertLink",
    "Attachment",
    "AttachmentChunk",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "Channel",
    "DayKind",
    "Department",
    "Event",
    "EvidenceKind",
    "FaultLevel",
    "FaultType",
    "ImplementationStep",
    "IntakeItem",
    "KnowledgeEntry",
    "KnowledgeRevision",
    "LinkKind",
    "NotificationRule",
    "NumberCounter",
    "OutboxMessage",
    "Person",
    "PersonRole",
    "Presence",
    "ProblemState",
    "Role",
    "RuleEdit",
    "RuleTransition",
    "Setting",
    "Status",
    "TeamDuty",
    "TeamMember",
    "Ticket",
    "TicketPause",
    "VerificationItem",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value  # once found, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
