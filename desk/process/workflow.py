"""The process as data: states, transitions, who may fire them, what they require.

``TRANSITIONS`` is the one table everything else reads: the services below, the CLI's
commands, the window's action bar and the tests' role × transition matrix. Each entry
names the states it leaves from, the state it reaches, the roles that may fire it and
the fields it requires; its handler records what the step records.

``perform`` is one unit of work: load, check role, state, version and fields, apply,
append exactly one event, commit. A refused call raises a ``DeskError`` subclass and,
because the transaction is rolled back, changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from desk import events
from desk.db import Database
from desk.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.events import FaultArchived, TransitionPerformed
from desk.process import audit, reporting
from desk.read import tickets
from desk.rules import may
from desk.rules.transitions import (
    FIELD_LABELS,
    MAX_SHORT,
    PAUSABLE,
    R,
    S,
    missing_fields,
    rating,
    resumes_on_reply,
    transition,
)
from desk.rules.values import plain
from models import (
    FaultLevel,
    FaultType,
    ImplementationStep,
    Person,
    Role,
    TeamDuty,
    TeamMember,
    Ticket,
    TicketPause,
    VerificationItem,
)

EMERGENCY_DUTIES = frozenset({TeamDuty.OPS, TeamDuty.DEVELOPMENT, TeamDuty.DATABASE,
                              TeamDuty.NETWORK})


@dataclass
class Context:
    """What a handler works with inside the unit of work."""

    session: Session
    ticket: Ticket
    actor: Person
    data: Mapping[str, Any]
    now: datetime
    values: dict[str, Any] = field(default_factory=dict)  # fields to set on the ticket
    details: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


# -- handlers ----------------------------------------------------------------------------


def _person(ctx: Context, pid: Any, field_name: str, role: Role | None = None) -> Person:
    if pid is None or pid == "":
        label = FIELD_LABELS.get(field_name, (field_name, field_name))
        raise ValidationError({field_name: (f"请选择{label[0]}。", f"Choose the {label[1]}.")})
    try:
        person = ctx.session.get(Person, int(pid))
    except (TypeError, ValueError):
        person = None
    if person is None or not person.active:
        raise ValidationError({field_name: ("所选人员不存在。", "The chosen person does not exist.")})
    if role is not None and role not in person.roles:
        raise ValidationError({field_name: (
            f"{person.name} 不具备“{role.label_zh}”角色。",
            f"{person.name} does not hold the role “{role.label_en}”.",
        )})
    return person


def _triage(ctx: Context) -> None:
    ctx.values.update(
        responded_at=ctx.now,
        responded_by_id=ctx.actor.id,
        first_contact=str(ctx.data["first_contact"]),
        confirmed_details=str(ctx.data.get("confirmed_details") or ""),
        reproducible=ctx.data.get("reproducible"),
        first_investigation=str(ctx.data.get("first_investigation") or ""),
        fault_type=FaultType(ctx.data["fault_type"]),
        level=FaultLevel(int(ctx.data["level"])),
        initial_level=FaultLevel(int(ctx.data["level"])),
    )


def _solve_on_spot(ctx: Context) -> None:
    if ctx.ticket.responded_at is None:
        ctx.values.update(responded_at=ctx.now, responded_by_id=ctx.actor.id)
    ctx.values.update(
        temporary_solution=str(ctx.data["temporary_solution"]),
        solution_proposed_by_id=ctx.actor.id,
        solution_proposed_at=ctx.now,
        restored_at=ctx.ticket.restored_at or ctx.now,
    )


def _team_entries(ctx: Context) -> list[tuple[int, TeamDuty]]:
    team: list[tuple[int, TeamDuty]] = []
    raw = ctx.data.get("team") or []
    bad = ValidationError({"team": ("处理小组成员须为（人员，职责）的列表。",
                                    "Team members must be a list of (person, duty) pairs.")})
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise bad
    for entry in raw:
        try:
            pid, duty = entry
            team_duty = TeamDuty(duty)
        except (TypeError, ValueError):
            raise bad from None
        team.append((_person(ctx, pid, "team").id, team_duty))
    return team


def _dispatch(ctx: Context) -> None:
    level = FaultLevel(int(ctx.data["level"]))
    team = _team_entries(ctx)
    assignee: Person
    if level == FaultLevel.URGENT:
        coordinator = _person(ctx, ctx.data.get("coordinator_id"), "coordinator_id", R.DIRECTOR)
        duties = {d for _, d in team if d in EMERGENCY_DUTIES}
        if len(duties) < 2:
            raise ValidationError({"team": (
                "一级故障须组建应急小组：至少包括运维、开发、数据库、网络中的两类人员。",
                "A level 1 fault needs an emergency team with at least two of: operations, "
                "development, database, network.",
            )})
        team.insert(0, (coordinator.id, TeamDuty.COORDINATOR))
        assignee = coordinator
    elif level == FaultLevel.IMPORTANT:
        lead = _person(ctx, ctx.data.get("lead_engineer_id"), "lead_engineer_id", R.ENGINEER)
        contact = _person(ctx, ctx.data.get("business_contact_id"), "business_contact_id")
        team[:0] = [(lead.id, TeamDuty.LEAD_ENGINEER), (contact.id, TeamDuty.BUSINESS_CONTACT)]
        assignee = lead
    else:
        engineer = _person(ctx, ctx.data.get("module_engineer_id"), "module_engineer_id",
                           R.ENGINEER)
        team.insert(0, (engineer.id, TeamDuty.MODULE_ENGINEER))
        assignee = engineer
    if level == FaultLevel.URGENT and ctx.data.get("business_contact_id"):
        contact = _person(ctx, ctx.data["business_contact_id"], "business_contact_id")
        team.append((contact.id, TeamDuty.BUSINESS_CONTACT))
    seen: set[tuple[int, TeamDuty]] = set()
    ctx.ticket.team.clear()
    ctx.session.flush()
    for pid, duty in team:
        if (pid, duty) not in seen:
            seen.add((pid, duty))
            ctx.ticket.team.append(TeamMember(person_id=pid, duty=duty))
    expected = ctx.data.get("expected_done_at")
    if expected is not None and (not isinstance(expected, datetime) or expected.tzinfo is None
                                 or expected < ctx.ticket.reported_at):
        raise ValidationError({"expected_done_at": (
            "预计完成时间须为报告时间之后的具体时刻。",
            "The expected completion must be a moment after the report time.",
        )})
    ctx.values.update(
        level=level,
        level_decided_by_id=ctx.actor.id,
        level_decided_at=ctx.now,
        assignee_id=assignee.id,
        dispatched_at=ctx.now,
        start_notice_due=True,
        cooperation_required=str(ctx.data.get("cooperation_required") or ""),
        expected_done_at=expected if isinstance(expected, datetime) else None,
    )
    ctx.details["team"] = [{"person_id": p, "duty": d.value} for p, d in sorted(seen)]
    ctx.details["start_notice_due"] = True


def _analyse(ctx: Context) -> None:
    ctx.values.update(
        root_cause=str(ctx.data["root_cause"]),
        impact_assessment=str(ctx.data["impact_assessment"]),
        underlying_cause=str(ctx.data.get("underlying_cause") or ""),
        reproduce_conditions=str(ctx.data.get("reproduce_conditions") or ""),
        evidence_list=str(ctx.data.get("evidence_list") or ""),
        analysis_report_required=bool(ctx.data.get("analysis_report_required") or False),
        analysed_at=ctx.now,
    )


def _propose(ctx: Context) -> None:
    ctx.values.update(
        # a workaround already recorded (restore) stays unless the proposal replaces it
        temporary_solution=str(ctx.data.get("temporary_solution")
                               or ctx.ticket.temporary_solution or ""),
        long_term_solution=str(ctx.data["long_term_solution"]),
        solution_proposed_by_id=ctx.actor.id,
        solution_proposed_at=ctx.now,
        business_confirmed_by_id=None,
        business_confirmed_at=None,
        technical_approved_by_id=None,
        technical_approved_at=None,
    )


def _may(ctx: Context, name: str) -> None:
    """The ticket's own conditions on a step (``desk.rules.may``), as the window greys it."""
    values = {"status": ctx.ticket.status,
              "solution_proposed_by_id": ctx.ticket.solution_proposed_by_id,
              "business_confirmed_by_id": ctx.ticket.business_confirmed_by_id,
              "technical_approved_by_id": ctx.ticket.technical_approved_by_id,
              "verifier_id": ctx.ticket.verifier_id}
    why = may.refusal(transition(name), ctx.actor.id, ctx.actor.roles, values)
    if why is not None:
        error = InvalidTransitionError if why.done else PermissionDeniedError
        raise error(why.zh, why.en)


def _advance_if_complete(ctx: Context) -> None:
    confirmed = ctx.values.get("business_confirmed_by_id", ctx.ticket.business_confirmed_by_id)
    approved = ctx.values.get("technical_approved_by_id", ctx.ticket.technical_approved_by_id)
    if confirmed is not None and approved is not None:
        ctx.values["status"] = S.IMPLEMENTING


def _comment(ctx: Context) -> None:
    comment = str(ctx.data.get("comment") or "").strip()
    if comment:
        ctx.details["comment"] = comment


def _confirm(ctx: Context) -> None:
    _may(ctx, "confirm")
    ctx.values.update(business_confirmed_by_id=ctx.actor.id, business_confirmed_at=ctx.now)
    _comment(ctx)
    _advance_if_complete(ctx)


def _approve(ctx: Context) -> None:
    _may(ctx, "approve")
    ctx.values.update(technical_approved_by_id=ctx.actor.id, technical_approved_at=ctx.now)
    _comment(ctx)
    _advance_if_complete(ctx)


def _reject(ctx: Context) -> None:
    """The proposal goes back to its proposer: diagnosis again, both sign-offs reset."""
    _may(ctx, "reject")
    ctx.values.update(business_confirmed_by_id=None, business_confirmed_at=None,
                      technical_approved_by_id=None, technical_approved_at=None)
    ctx.reason = str(ctx.data["reason"]).strip()
    ctx.details["back_to_id"] = ctx.ticket.solution_proposed_by_id


def _step(ctx: Context) -> None:
    seq = len(ctx.ticket.steps) + 1
    ctx.ticket.steps.append(ImplementationStep(
        seq=seq, action=str(ctx.data["action"]), done_by_id=ctx.actor.id, done_at=ctx.now,
        state_after=str(ctx.data["state_after"]),
    ))
    ctx.details["step"] = {"seq": seq, "action": str(ctx.data["action"]),
                           "state_after": str(ctx.data["state_after"])}


def _restore(ctx: Context) -> None:
    kind = str(ctx.data["kind"])
    if kind not in ("workaround", "restored"):
        raise ValidationError({"kind": ("请选择“临时方案”或“已恢复”。",
                                        "Choose “workaround” or “restored”.")})
    description = str(ctx.data["description"])
    if kind == "workaround":
        ctx.values["workaround_at"] = ctx.ticket.workaround_at or ctx.now
        if not ctx.ticket.temporary_solution:
            ctx.values["temporary_solution"] = description
    else:
        # the restore clock stops at the first restore; a later one is only recorded
        ctx.values["restored_at"] = ctx.ticket.restored_at or ctx.now
    ctx.details.update(kind=kind, description=description)


def _submit_verification(ctx: Context) -> None:
    if not ctx.ticket.steps:
        raise ValidationError({"steps": ("请先记录至少一个实施步骤。",
                                         "Record at least one implementation step first.")})
    # only a person holding the verifier role can fire "verify": naming anyone else
    # (even the reporter) would leave the ticket stuck in verification
    verifier = _person(ctx, ctx.data["verifier_id"], "verifier_id", R.VERIFIER)
    ctx.values["verifier_id"] = verifier.id
    if ctx.ticket.restored_at is None and ctx.ticket.workaround_at is None:
        ctx.values["restored_at"] = ctx.now


def _verify(ctx: Context) -> None:
    _may(ctx, "verify")
    passed = bool(ctx.data["passed"])
    rounds = ctx.ticket.verification_rounds + 1
    raw_items = ctx.data.get("items") or []
    if isinstance(raw_items, str | bytes | Mapping) or not isinstance(raw_items, Iterable):
        raw_items = [raw_items]
    items = list(raw_items)
    if not all(isinstance(i, Mapping) for i in items):
        raise ValidationError({"items": ("验证项格式不正确。",
                                         "Each checked item needs item, expected, actual.")})
    for item in items:
        ctx.ticket.verification_items.append(VerificationItem(
            round=rounds, item=str(item.get("item", "")), expected=str(item.get("expected", "")),
            actual=str(item.get("actual", "")), passed=bool(item.get("passed", passed)),
        ))
    ctx.values.update(
        verifier_id=ctx.actor.id,
        verified_at=ctx.now,
        verification_environment=str(ctx.data["environment"]),
        verification_checked=str(ctx.data["checked"]),
        verification_passed=passed,
        verification_remarks=str(ctx.data.get("remarks") or ""),
        verification_rounds=rounds,
    )
    score = rating(ctx.data.get("satisfaction"))
    if score is not None:  # the latest round's rating is the one that counts
        ctx.values.update(satisfaction=score, satisfaction_comment=str(
            ctx.data.get("satisfaction_comment") or "").strip())
    if passed:
        ctx.values.update(status=S.RESOLVED, resolved_at=ctx.now)
        if ctx.ticket.restored_at is None:
            ctx.values["restored_at"] = ctx.ticket.workaround_at or ctx.now
        ctx.details["completion_notice_due"] = True
        # the time-to-resolve metric: elapsed time from the report to the passed check
        ctx.details["time_to_resolve_seconds"] = int(
            (ctx.now - ctx.ticket.reported_at).total_seconds())
    else:
        ctx.values["status"] = S.DIAGNOSING if ctx.ticket.dispatched_at else S.TRIAGE
        ctx.details["failed_round"] = rounds
        # the fix did not hold: the restore clock runs again from where it stood, and what
        # was recorded as the restore moves into this round's history (this event)
        reopened = {"restored_at": plain(ctx.ticket.restored_at),
                    "workaround_at": plain(ctx.ticket.workaround_at)}
        if ctx.ticket.restored_at is not None or ctx.ticket.workaround_at is not None:
            ctx.details["reopened_restore"] = reopened
        ctx.values.update(restored_at=None, workaround_at=None)
    if items:
        ctx.details["items"] = items


def _archive(ctx: Context) -> None:
    ctx.values.update(
        summary=str(ctx.data["summary"]),
        prevention_measures=str(ctx.data["prevention_measures"]),
        archived_at=ctx.now,
        archived_by_id=ctx.actor.id,
    )


def _cancel(ctx: Context) -> None:
    ctx.values.update(cancelled_at=ctx.now, cancel_reason=str(ctx.data["reason"]))
    ctx.reason = str(ctx.data["reason"])


def _pause(ctx: Context) -> None:
    if ctx.ticket.paused_at is not None:
        raise InvalidTransitionError("此故障的计时已暂停。", "The clocks of this fault are already paused.")
    if ctx.ticket.responded_at is not None and (ctx.ticket.restored_at is not None
                                                or ctx.ticket.workaround_at is not None):
        raise InvalidTransitionError("响应与恢复计时均已停止，无需暂停。",
                                     "Both clocks have stopped already: nothing to pause.")
    reason = str(ctx.data["reason"]).strip()
    if len(reason) > MAX_SHORT:
        raise ValidationError({"reason": (f"暂停原因过长（最多 {MAX_SHORT} 字）。",
                                          f"The reason is too long (at most {MAX_SHORT}).")})
    ctx.ticket.pauses.append(TicketPause(started_at=ctx.now, reason=reason,
                                         started_by_id=ctx.actor.id))
    ctx.values.update(paused_at=ctx.now, pause_reason=reason)
    ctx.reason = reason


def _close_pause(ctx: Context) -> int:
    """End the pause in force at now; return how many seconds it lasted."""
    open_pause = next(p for p in ctx.ticket.pauses if p.ended_at is None)
    open_pause.ended_at, open_pause.ended_by_id = ctx.now, ctx.actor.id
    ctx.values.update(paused_at=None, pause_reason="")
    return int((ctx.now - open_pause.started_at).total_seconds())


def _resume(ctx: Context) -> None:
    if ctx.ticket.paused_at is None:
        raise InvalidTransitionError("此故障的计时没有暂停。", "The clocks of this fault are not paused.")
    ctx.details["paused_seconds"] = _close_pause(ctx)


def _change_level(ctx: Context) -> None:
    level = FaultLevel(int(ctx.data["level"]))
    if level == ctx.ticket.level:
        raise ValidationError({"level": ("新等级与当前等级相同。", "The new level is the current level.")})
    ctx.values["level"] = level
    ctx.reason = str(ctx.data["reason"])


# what each transition records, by name (the table itself is desk.rules.transitions)
HANDLERS: dict[str, Callable[[Context], None]] = {
    "triage": _triage,
    "solve_on_spot": _solve_on_spot,
    "dispatch": _dispatch,
    "analyse": _analyse,
    "propose": _propose,
    "confirm": _confirm,
    "approve": _approve,
    "reject": _reject,
    "step": _step,
    "restore": _restore,
    "submit_verification": _submit_verification,
    "verify": _verify,
    "archive": _archive,
    "cancel": _cancel,
    "change_level": _change_level,
    "pause": _pause,
    "resume": _resume,
}


def apply(session: Session, name: str, ticket: Ticket, actor: Person,
          data: Mapping[str, Any], now: datetime,
          details: Mapping[str, Any] | None = None) -> None:
    """Transition ``name`` applied inside a unit of work already open: the handler, the
    deadlines, exactly one event and the domain events. The caller has checked the
    person, the state and the fields (``perform`` does; ``resume_on_reply`` fires the
    one step the service takes by itself). ``details`` are added to the event's."""
    spec = transition(name)
    ctx = Context(session=session, ticket=ticket, actor=actor, data=data, now=now)
    if spec.target is not None:
        ctx.values["status"] = spec.target
    HANDLERS[name](ctx)
    ctx.details.update(details or {})
    retime = name in ("pause", "resume")
    if (ticket.paused_at is not None and name != "pause"
            and ctx.values.get("status", ticket.status) not in PAUSABLE):
        # the fault moves on (or is cancelled): the pause ends with the state
        ctx.details["resumed_paused_seconds"] = _close_pause(ctx)
        retime = True
    level_before = ticket.level
    # no autoflush while the ticket is half changed: reading the limits and the
    # calendar would otherwise write the ticket early and raise its version twice
    with session.no_autoflush:
        changes = audit.changes_of(ticket, ctx.values)
        if ticket.level != level_before or retime:
            keys = ("respond_due_at", "restore_due_at", "respond_due_estimated",
                    "restore_due_estimated")
            before = tuple(getattr(ticket, key) for key in keys)
            reporting.apply_deadlines(session, ticket, now=now)
            for key, old in zip(keys, before, strict=True):
                new = getattr(ticket, key)
                if new != old:
                    changes[key] = {"before": plain(old), "after": plain(new)}
    if not changes and not ctx.details:
        ctx.details["noop"] = True
    if not session.is_modified(ticket, include_collections=False):
        # only child rows changed (a step, the team): the ticket's version must still
        # go up, so that a desk holding the old version sees the conflict
        flag_modified(ticket, "status")
    session.flush()
    audit.record(session, at=now, action=name, ticket_id=ticket.id, actor_id=actor.id,
                 changes=changes, details=ctx.details, reason=ctx.reason)
    # the subscribers (mail, the knowledge-base entry, live notices) run in this unit
    # of work: mail goes out only if it commits
    events.record(session, TransitionPerformed(ticket, name, actor, now))
    if name == "archive":
        events.record(session, FaultArchived(ticket, actor, now))


def resume_on_reply(session: Session, ticket: Ticket, service: Person, now: datetime,
                    sender: str) -> bool:
    """The reporter answered (through a channel) while the fault's clocks were paused
    for them: resume them as a person's ``resume`` does, attributed to the service's
    own person. Whether a pause ends so is ``desk.rules.transitions.resumes_on_reply``;
    this only checks the state, as ``perform`` would. Returns whether it resumed."""
    if (ticket.paused_at is None or ticket.status not in transition("resume").sources
            or not resumes_on_reply(ticket.pause_reason)):
        return False
    apply(session, "resume", ticket, service, {}, now,
          {"auto": "reporter_answered", "by": sender})
    return True


def perform(
    db: Database,
    name: str,
    ticket_key: str | int,
    actor_id: int,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> tickets.TicketDetail:
    """Fire transition ``name`` on a ticket as a person; return the ticket after it."""
    spec = transition(name)
    data = dict(data or {})

    def work(session: Session) -> tickets.TicketDetail:
        actor = session.get(Person, actor_id)
        if actor is None or not actor.active:
            raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
        ticket = tickets.load_ticket(session, ticket_key)
        if expected_version is not None and ticket.version != expected_version:
            raise ConflictError(ticket.id, expected_version, ticket.version)
        if not (actor.roles & spec.roles):
            roles_zh = "、".join(r.label_zh for r in sorted(spec.roles, key=lambda r: r.value))
            roles_en = ", ".join(r.label_en for r in sorted(spec.roles, key=lambda r: r.value))
            raise PermissionDeniedError(
                f"{actor.name} 无权执行“{spec.label_zh}”（需要：{roles_zh}）。",
                f"{actor.name} may not “{spec.label_en}” (needs: {roles_en}).",
            )
        if ticket.status not in spec.sources:
            raise InvalidTransitionError(
                f"故障 {ticket.number} 当前为“{ticket.status.label_zh}”，不能“{spec.label_zh}”。",
                f"Fault {ticket.number} is “{ticket.status.label_en}”; it cannot "
                f"“{spec.label_en}” now.",
            )
        errors = missing_fields(spec, data)
        if errors:
            raise ValidationError(errors)
        apply(session, name, ticket, actor, data, db.now())
        return tickets.detail_of(session, ticket)

    attempts = 1 if expected_version is not None else 3
    for attempt in range(attempts):
        try:
            return db.write(work)
        except StaleDataError:
            if attempt + 1 >= attempts:
                with db.read() as s:
                    t = tickets.load_ticket(s, ticket_key)
                    raise ConflictError(t.id, expected_version or t.version - 1,
                                        t.version) from None
    raise AssertionError("unreachable")  # pragma: no cover
