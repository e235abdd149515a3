"""Domain events: what a unit of work did, and the subscribers that react to it.

A service records what happened on its session (``record``); before the transaction
commits, ``Database.write`` hands each recorded event to the handlers subscribed to its
type (``Bus``), in the same transaction. A refused change raises before anything is
dispatched, so no handler runs; a handler that raises rolls the whole change back. The
handlers are subscribed in one place, the composition root (``desk.bootstrap``): the
outbox, the knowledge base and the live notices react to the process without the
process modules importing them (Cosmic Python's message bus, kept small).

Events carry the ORM objects of the session they were recorded on: a handler works
inside that unit of work and must not keep them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from models import ActionItem, Person, Problem, Ticket

PENDING = "desk.events.pending"  # the key of ``Session.info`` holding recorded events
# PostgreSQL's channel on which committed ticket changes are announced to the other
# desks (``desk.notify.live``; a report announces itself, ``desk.process.reporting``)
LIVE_CHANNEL = "desk_tickets"


@dataclass(frozen=True)
class DomainEvent:
    """Something a unit of work did; subclasses say what."""


@dataclass(frozen=True)
class FaultReported(DomainEvent):
    """A new fault was stored with its number. ``announced``: the database already
    queued its live notice in this transaction (PostgreSQL's ``desk_report``)."""

    ticket: Ticket
    at: datetime
    announced: bool = False


@dataclass(frozen=True)
class TransitionPerformed(DomainEvent):
    """A step of the process (``desk.rules.transitions``) was recorded on a ticket."""

    ticket: Ticket
    name: str
    actor: Person
    at: datetime


@dataclass(frozen=True)
class FaultArchived(DomainEvent):
    """A resolved fault was archived with its summary and prevention measures."""

    ticket: Ticket
    actor: Person
    at: datetime


@dataclass(frozen=True)
class TicketChanged(DomainEvent):
    """A ticket's fields (or what hangs on it, such as its knowledge entry) changed."""

    ticket_id: int


@dataclass(frozen=True)
class IntakeAcknowledged(DomainEvent):
    """A mail was filed (or added to a fault): its sender is to get the fault's number."""

    ticket: Ticket
    address: str
    name: str
    subject: str
    message_id: str
    new_fault: bool
    at: datetime


@dataclass(frozen=True)
class DuplicateMerged(DomainEvent):
    """A duplicate fault was closed into its master (its reporter is told)."""

    duplicate: Ticket
    master: Ticket
    actor: Person
    at: datetime


@dataclass(frozen=True)
class ProblemResolved(DomainEvent):
    """A problem got its permanent fix; ``open_faults`` are the faults still open on it."""

    problem: Problem
    open_faults: tuple[Ticket, ...]
    actor: Person
    at: datetime


@dataclass(frozen=True)
class ActionItemOverdue(DomainEvent):
    """An open action item passed its due date (recorded once, when first seen)."""

    item: ActionItem
    at: datetime


@dataclass(frozen=True)
class IncidentBroadcast(DomainEvent):
    """A status update of a major incident, to send to those involved."""

    ticket: Ticket
    actor: Person
    message: str
    addresses: tuple[str, ...]
    at: datetime


Handler = Callable[[Session, Any], None]
# whether a handler may write anything for an event (None: it may, always)
Writes = Callable[[Any], bool]


def record(session: Session, event: DomainEvent) -> None:
    """Record ``event`` on the unit of work; it is dispatched before the commit."""
    session.info.setdefault(PENDING, []).append(event)


@dataclass
class Bus:
    """The handlers of each event type, in the order they were subscribed."""

    handlers: dict[type[DomainEvent], list[Handler]] = field(
        default_factory=lambda: defaultdict(list))
    writes: dict[Handler, Writes] = field(default_factory=dict)

    def subscribe(self, event_type: type[DomainEvent], handler: Handler,
                  writes: Writes | None = None) -> None:
        """``writes(event)``, when given, says beforehand whether ``handler`` may write
        anything for ``event``: a unit of work whose events no handler writes for may
        commit with its last statement (``desk.db.execute_and_commit``)."""
        self.handlers[event_type].append(handler)
        if writes is not None:
            self.writes[handler] = writes

    def may_write(self, event: DomainEvent) -> bool:
        """True when a handler of ``event`` may write something for it (a handler that
        did not say beforehand counts as one that may)."""
        for handler in self.handlers.get(type(event), ()):
            writes = self.writes.get(handler)
            if writes is None or writes(event):
                return True
        return False

    def dispatch(self, session: Session) -> None:
        """Run the handlers of every event recorded on ``session``, oldest first.

        A handler may record further events; they are dispatched in the same pass.
        """
        pending: list[DomainEvent] = session.info.get(PENDING, [])
        while pending:
            event = pending.pop(0)
            for handler in self.handlers.get(type(event), ()):
                handler(session, event)
