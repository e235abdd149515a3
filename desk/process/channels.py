"""A group robot's switch and its rate limits, changed by an administrator.

``configure_channel`` is one unit of work: it checks that the person is an
administrator (on a team database the database checks it again: ``channels`` is for
administrators, migration 0013), changes what was asked, and records one
``channel_change`` event with the values before and after, like the other changes of a
channel (``desk.notify.channels``: add, remove, route).

What a switched-off channel means is decided where messages are made and sent: no new
message is queued for it (``desk.notify.chat.channels_for``) and the service sends none
of those already waiting (``desk.notify.channels.Sender``). The waiting ones stay in the
outbox, neither dropped nor failed, and go out within the rate limit once it is switched
on again. A changed limit holds from the service's next round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import NotFoundError, PermissionDeniedError, ValidationError
from desk.process import audit
from models import Channel, OutboxMessage, Person, Role

LIMIT_MIN, LIMIT_MAX = 1, 10_000
WAITING = ("pending", "sending")  # desk.notify.outbox.PENDING, SENDING


@dataclass(frozen=True)
class ChannelState:
    """A channel's switch and limits after a change, and how many messages wait."""

    name: str
    kind: str
    enabled: bool
    per_minute: int
    per_second: int | None
    waiting: int
    changed: tuple[str, ...]  # what this call changed (empty: it was so already)


def limit_errors(per_minute: int | None, per_second: int | None) -> dict[str, tuple[str, str]]:
    """Refusals of a rate limit (``None``: not given)."""
    errors: dict[str, tuple[str, str]] = {}
    for key, value in (("per_minute", per_minute), ("per_second", per_second)):
        if value is not None and not LIMIT_MIN <= value <= LIMIT_MAX:
            errors[key] = (f"频率上限须在 {LIMIT_MIN} 到 {LIMIT_MAX} 之间。",
                           f"A rate limit lies between {LIMIT_MIN} and {LIMIT_MAX}.")
    return errors


def configure_channel(db: Database, actor_id: int | None, name: str, *,
                      enabled: bool | None = None, per_minute: int | None = None,
                      per_second: int | None = None,
                      no_per_second: bool = False) -> ChannelState:
    """Switch a channel on or off and set its limits (administrators only).

    ``None`` leaves a value as it is; ``no_per_second`` removes the per-second limit.
    A per-second limit may not exceed the per-minute one.
    """
    if per_second is not None and no_per_second:
        raise ValidationError({"per_second": ("不能同时设置并取消每秒上限。",
                                              "Set the per-second limit or remove it, not both.")})
    errors = limit_errors(per_minute, per_second)
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> ChannelState:
        actor = session.get(Person, actor_id) if actor_id is not None else None
        if actor is None or not actor.active or Role.ADMIN not in actor.roles:
            raise PermissionDeniedError("只有管理员可以设置通知渠道。",
                                        "Only an administrator may set notification channels.")
        c = session.scalar(select(Channel).where(Channel.name == name.strip()))
        if c is None:
            raise NotFoundError(f"没有名为“{name}”的渠道。", f"No channel named “{name}”.")
        wanted: dict[str, Any] = {}
        if enabled is not None:
            wanted["enabled"] = enabled
        if per_minute is not None:
            wanted["per_minute"] = per_minute
        if per_second is not None:
            wanted["per_second"] = per_second
        elif no_per_second:
            wanted["per_second"] = None
        minute = wanted.get("per_minute", c.per_minute)
        second = wanted.get("per_second", c.per_second)
        if second is not None and second > minute:
            raise ValidationError({"per_second": (
                f"每秒上限（{second}）不能大于每分钟上限（{minute}）。",
                f"The per-second limit ({second}) cannot exceed the per-minute one "
                f"({minute}).")})
        changes = {key: {"before": getattr(c, key), "after": value}
                   for key, value in wanted.items() if getattr(c, key) != value}
        for key, change in changes.items():
            setattr(c, key, change["after"])
        waiting = int(session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.channel_id == c.id, OutboxMessage.status.in_(WAITING))) or 0)
        if changes:
            session.flush()
            audit.record(session, at=db.now(), action="channel_change", ticket_id=None,
                         actor_id=actor.id, changes=changes,
                         details={"name": c.name, "kind": c.kind, "waiting": waiting})
        return ChannelState(c.name, c.kind, c.enabled, c.per_minute, c.per_second, waiting,
                            tuple(changes))

    return db.write(work)
