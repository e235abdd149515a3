"""The tables of what Desk learns from faults: links between faults, problems (问题),
and the action items that carry prevention measures to done.

A link is stored once, from the fault that names the relation (``ticket_id``) to the
other (``other_id``): "A caused by B", "A duplicate of B" (B the master). A problem is
the shared root cause of several faults (``tickets.problem_id``); its changes are events
with no ticket and ``details.problem_id``. An action item belongs to a fault, a problem,
or both, and is reminded once when overdue (``reminded_at``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum
from models.vocabulary import ActionState, FaultType, LinkKind, ProblemState


class TicketLink(Base):
    __tablename__ = "ticket_links"
    __table_args__ = (UniqueConstraint("ticket_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(str_enum(LinkKind, 16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Problem(Base):
    """A problem record (问题): root cause, workaround, permanent fix, owner, state."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    symptom: Mapped[str] = mapped_column(Text, default="")
    affected_business: Mapped[str] = mapped_column(String(200), default="")
    fault_type: Mapped[FaultType] = mapped_column(str_enum(FaultType, 8))
    state: Mapped[ProblemState] = mapped_column(str_enum(ProblemState, 16),
                                                default=ProblemState.ANALYSING)
    root_cause: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[str] = mapped_column(Text, default="")
    permanent_fix: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    known_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": version}


class ActionItem(Base):
    """A prevention measure or review action: owner, due date, tracked to done."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_state_due", "state", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[ActionState] = mapped_column(str_enum(ActionState, 16),
                                               default=ActionState.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    done_note: Mapped[str] = mapped_column(Text, default="")
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
