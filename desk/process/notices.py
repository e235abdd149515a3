"""Recording that a start or completion notice went out, and to whom: one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desk.db import Database
from desk.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.process import audit
from desk.read import settings
from desk.read.documents import AFTER_DISPATCH, KIND_LABELS_ZH, VERIFIED
from desk.read.tickets import TicketDetail, detail_of, load_ticket
from desk.rules.transitions import MAX_TEXT
from models import Person, Role

NOTICE_ACTIONS = {
    "start-notice": ("issue_start_notice", frozenset({Role.SUPPORT_LEAD, Role.DIRECTOR}),
                     AFTER_DISPATCH),
    "completion-notice": ("issue_completion_notice",
                          frozenset({Role.SUPPORT, Role.SUPPORT_LEAD, Role.DIRECTOR}), VERIFIED),
}
# the ticket fields each notice sets (the database allows these and no others)
NOTICE_FIELDS: dict[str, tuple[str, ...]] = {
    "start-notice": ("start_notice_issued_at",),
    "completion-notice": ("completion_notice_sent_at", "completion_notice_sent_to"),
}


SUMMARY_MISSING = ("请填写处理总结：完成通知须写明故障如何处理、结果如何。",
                   "Write the summary: the completion notice must say how the fault was "
                   "handled and with what result.")


def already_issued(kind: str, values: dict[str, Any], tz: Any = None) -> tuple[str, str] | None:
    """Why a notice may not go out again (zh, en), or None. A notice goes out once."""
    from desk.rules.timeutil import format_local

    column = "start_notice_issued_at" if kind == "start-notice" else "completion_notice_sent_at"
    at = values.get(column)
    if at is None:
        return None
    when = format_local(at, tz) if tz is not None else at.strftime("%Y-%m-%d %H:%M")
    if kind == "start-notice":
        return (f"启动通知已于 {when} 签发，不能重复签发。",
                f"The start notice was issued at {when}; it is issued once.")
    return (f"完成通知已于 {when} 发送，不能重复发送。",
            f"The completion notice was sent at {when}; it is sent once.")


def issue_notice(db: Database, kind: str, key: str | int, actor_id: int,
                 recipients: Sequence[str],
                 expected_version: int | None = None,
                 summary: str | None = None) -> TicketDetail:
    """Record that a start or completion notice went out, to whom; one unit of work.

    Sets the ticket's issued/sent fields, bumps its version and appends one event
    (``issue_start_notice`` / ``issue_completion_notice``, details: the recipients).
    A notice goes out once. The completion notice needs the 处理总结 (the ticket's
    summary): ``summary`` gives it here when the ticket has none yet.
    """
    if kind not in NOTICE_ACTIONS:
        raise NotFoundError(f"没有这种通知：{kind}", f"There is no notice kind {kind}.")
    action, roles, states = NOTICE_ACTIONS[kind]
    names = [str(x).strip() for x in recipients if str(x).strip()]
    if not names:
        raise ValidationError({"recipients": ("请填写发送对象。", "Say who the notice goes to.")})
    label_zh = KIND_LABELS_ZH[kind]
    label_en = "start notice" if kind == "start-notice" else "completion notice"

    def work(session: Session) -> TicketDetail:
        actor = session.get(Person, actor_id)
        if actor is None or not actor.active:
            raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
        ticket = load_ticket(session, key)
        if expected_version is not None and ticket.version != expected_version:
            raise ConflictError(ticket.id, expected_version, ticket.version)
        if not (actor.roles & roles):
            raise PermissionDeniedError(f"{actor.name} 无权发送《{label_zh}》。",
                                        f"{actor.name} may not issue the {label_en}.")
        if ticket.status not in states:
            raise InvalidTransitionError(
                f"故障 {ticket.number} 当前为“{ticket.status.label_zh}”，不能发送《{label_zh}》。",
                f"Fault {ticket.number} is “{ticket.status.label_en}”; the {label_en} "
                "cannot be issued now.",
            )
        why = already_issued(kind, {"start_notice_issued_at": ticket.start_notice_issued_at,
                                    "completion_notice_sent_at":
                                        ticket.completion_notice_sent_at},
                             settings.timezone(session))
        if why is not None:
            raise InvalidTransitionError(*why)
        now = db.now()
        if kind == "start-notice":
            values: dict[str, Any] = {"start_notice_issued_at": now}
        else:
            given = (summary or "").strip()
            if not given and not (ticket.summary or "").strip():
                raise ValidationError({"summary": SUMMARY_MISSING})
            if len(given) > MAX_TEXT:
                raise ValidationError({"summary": (f"处理总结过长（最多 {MAX_TEXT} 字）。",
                                                   f"The summary is too long (at most "
                                                   f"{MAX_TEXT}).")})
            values = {"completion_notice_sent_at": now,
                      "completion_notice_sent_to": "、".join(names)}
            if given:
                values["summary"] = given
        changes = audit.changes_of(ticket, values)
        if not session.is_modified(ticket, include_collections=False):
            flag_modified(ticket, "status")  # issued again within the same second
        session.flush()  # the version goes up here (a stale copy raises StaleDataError)
        audit.record(session, at=now, action=action, ticket_id=ticket.id, actor_id=actor.id,
                     changes=changes, details={"recipients": names})
        return detail_of(session, ticket)

    return db.write(work)
