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

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from desk import audit, knowledge, live, notify, tickets
from desk.db import Database
from desk.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from models import (
    Event,
    FaultLevel,
    FaultType,
    ImplementationStep,
    Person,
    Role,
    Status,
    TeamDuty,
    TeamMember,
    Ticket,
    VerificationItem,
)

S = Status
R = Role

OPEN_AFTER_DISPATCH = frozenset(
    {S.DISPATCHED, S.DIAGNOSING, S.SOLUTION_PROPOSED, S.IMPLEMENTING, S.VERIFYING}
)
NOT_CLOSED = frozenset(s for s in Status if not s.is_closed)
EMERGENCY_DUTIES = frozenset({TeamDuty.OPS, TeamDuty.DEVELOPMENT, TeamDuty.DATABASE,
                              TeamDuty.NETWORK})


@dataclass(frozen=True)
class FieldSpec:
    """One input a transition asks for."""

    name: str
    label_zh: str
    label_en: str
    kind: str = "text"  # text, level, type, bool, person, team, datetime, items, choice
    required: bool = True


@dataclass(frozen=True)
class Transition:
    name: str
    label_zh: str
    label_en: str
    sources: frozenset[Status]
    target: Status | None  # None: the state is decided by the handler (or unchanged)
    roles: frozenset[Role]
    fields: tuple[FieldSpec, ...] = ()
    records: str = ""
    handler: Callable[[Context], None] | None = field(default=None, compare=False)
    # where a handler-decided transition (``target`` None) may lead, besides staying put
    outcomes: frozenset[Status] = frozenset()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def reachable(self, source: Status) -> frozenset[Status]:
        """Every state a ticket in ``source`` may be in after this transition succeeds.

        A fixed ``target`` is the only one. Otherwise the handler decides: the ticket
        stays where it is or moves to one of ``outcomes`` (a business confirmation
        completing the pair moves on to implementation; a verification passes or
        fails; a level change or a restore never moves the ticket).
        """
        if self.target is not None:
            return frozenset({self.target})
        return self.outcomes | {source}


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


def _f(name: str, zh: str, en: str, kind: str = "text", required: bool = True) -> FieldSpec:
    return FieldSpec(name, zh, en, kind, required)


# -- handlers ----------------------------------------------------------------------------


def _person(ctx: Context, pid: Any, field_name: str, role: Role | None = None) -> Person:
    if pid is None or pid == "":
        label = _FIELD_LABELS.get(field_name, (field_name, field_name))
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


def _not_proposer(ctx: Context, what_zh: str, what_en: str) -> None:
    if ctx.ticket.solution_proposed_by_id == ctx.actor.id:
        raise PermissionDeniedError(
            f"方案提出人不能{what_zh}自己的方案。", f"The proposer cannot {what_en} their own solution."
        )


def _advance_if_complete(ctx: Context) -> None:
    confirmed = ctx.values.get("business_confirmed_by_id", ctx.ticket.business_confirmed_by_id)
    approved = ctx.values.get("technical_approved_by_id", ctx.ticket.technical_approved_by_id)
    if confirmed is not None and approved is not None:
        ctx.values["status"] = S.IMPLEMENTING


def _confirm(ctx: Context) -> None:
    _not_proposer(ctx, "确认", "confirm")
    if ctx.ticket.business_confirmed_by_id is not None:
        raise InvalidTransitionError("业务方已确认过此方案。", "The business side already confirmed.")
    if ctx.ticket.technical_approved_by_id == ctx.actor.id:
        raise PermissionDeniedError(
            "业务确认与技术审批须由两个不同的人完成。",
            "Business confirmation and technical approval need two different people.",
        )
    ctx.values.update(business_confirmed_by_id=ctx.actor.id, business_confirmed_at=ctx.now)
    _advance_if_complete(ctx)


def _approve(ctx: Context) -> None:
    _not_proposer(ctx, "审批", "approve")
    if ctx.ticket.technical_approved_by_id is not None:
        raise InvalidTransitionError("此方案已通过技术审批。", "The solution is already approved.")
    if ctx.ticket.business_confirmed_by_id == ctx.actor.id:
        raise PermissionDeniedError(
            "业务确认与技术审批须由两个不同的人完成。",
            "Business confirmation and technical approval need two different people.",
        )
    ctx.values.update(technical_approved_by_id=ctx.actor.id, technical_approved_at=ctx.now)
    _advance_if_complete(ctx)


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
    if ctx.ticket.verifier_id is not None and ctx.ticket.verifier_id != ctx.actor.id:
        raise PermissionDeniedError("只有指定的验证人可以验证。", "Only the named verifier may verify.")
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


def _change_level(ctx: Context) -> None:
    level = FaultLevel(int(ctx.data["level"]))
    if level == ctx.ticket.level:
        raise ValidationError({"level": ("新等级与当前等级相同。", "The new level is the current level.")})
    ctx.values["level"] = level
    ctx.reason = str(ctx.data["reason"])


LEVEL = _f("level", "故障等级", "Level", "level")
REASON = _f("reason", "原因", "Reason")

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition(
        "triage", "受理研判", "Acknowledge and triage", frozenset({S.REPORTED}), S.TRIAGE,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}),
        (_f("first_contact", "首次联系情况", "First contact"),
         _f("fault_type", "故障类型", "Fault type", "type"), LEVEL,
         _f("confirmed_details", "确认的细节", "Confirmed details", required=False),
         _f("reproducible", "能否复现", "Reproducible", "bool", required=False),
         _f("first_investigation", "初步排查结果", "First investigation", required=False)),
        "the response: stops the respond clock", _triage),
    Transition(
        "solve_on_spot", "现场解决", "Solved on the spot", frozenset({S.TRIAGE}), S.VERIFYING,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}),
        (_f("temporary_solution", "指导或远程处理措施", "Guidance or remote fix"),),
        "the fix as the solution; service restored", _solve_on_spot),
    Transition(
        "dispatch", "分级派单", "Grade and dispatch", frozenset({S.TRIAGE}), S.DISPATCHED,
        frozenset({R.SUPPORT_LEAD}),
        (LEVEL,
         _f("coordinator_id", "总协调人（一级）", "Coordinator (level 1)", "person", False),
         _f("lead_engineer_id", "主责工程师（二级）", "Lead engineer (level 2)", "person", False),
         _f("module_engineer_id", "模块工程师（三级）", "Module engineer (level 3)", "person",
            False),
         _f("business_contact_id", "业务对接人", "Business contact", "person", False),
         _f("team", "处理小组成员", "Team members", "team", False),
         _f("expected_done_at", "预计完成时间", "Expected completion", "datetime", False),
         _f("cooperation_required", "配合要求", "Cooperation required", required=False)),
        "level, team, assignee; a start notice is due", _dispatch),
    Transition(
        "analyse", "提交原因分析", "Submit cause analysis",
        frozenset({S.DISPATCHED, S.DIAGNOSING}), S.DIAGNOSING,
        frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("root_cause", "根本原因", "Root cause"),
         _f("impact_assessment", "影响评估", "Impact assessment"),
         _f("underlying_cause", "深层原因", "Underlying cause", required=False),
         _f("reproduce_conditions", "复现条件", "Conditions to reproduce", required=False),
         _f("evidence_list", "证据清单", "Evidence list", required=False),
         _f("analysis_report_required", "需要原因分析报告", "Analysis report required", "bool",
            False)),
        "root cause, impact, reproduction, evidence", _analyse),
    Transition(
        "propose", "提交方案", "Propose solution", frozenset({S.DIAGNOSING}),
        S.SOLUTION_PROPOSED, frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("long_term_solution", "长期解决方案", "Long-term solution"),
         _f("temporary_solution", "临时解决方案", "Temporary solution", required=False)),
        "temporary and long-term solution; confirmation and approval reset", _propose),
    Transition(
        "confirm", "业务确认", "Business confirmation", frozenset({S.SOLUTION_PROPOSED}), None,
        frozenset({R.BUSINESS_CONFIRMER}), (), "who confirmed, when", _confirm,
        outcomes=frozenset({S.IMPLEMENTING})),
    Transition(
        "approve", "技术审批", "Technical approval", frozenset({S.SOLUTION_PROPOSED}), None,
        frozenset({R.SUPPORT_LEAD, R.DIRECTOR}), (), "who approved, when", _approve,
        outcomes=frozenset({S.IMPLEMENTING})),
    Transition(
        "step", "记录实施步骤", "Record implementation step", frozenset({S.IMPLEMENTING}), None,
        frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("action", "实施内容", "What was done"),
         _f("state_after", "实施后状态", "State after")),
        "what, who, when, state after", _step),
    Transition(
        "restore", "记录恢复/临时方案", "Record restore / workaround", OPEN_AFTER_DISPATCH, None,
        frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("kind", "类型（workaround/restored）", "Kind (workaround/restored)", "choice"),
         _f("description", "说明", "Description")),
        "stops the restore clock", _restore),
    Transition(
        "submit_verification", "提交验证", "Request verification", frozenset({S.IMPLEMENTING}),
        S.VERIFYING, frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("verifier_id", "验证人", "Verifier", "person"),),
        "who verifies", _submit_verification),
    Transition(
        "verify", "验证", "Verify", frozenset({S.VERIFYING}), None, frozenset({R.VERIFIER}),
        (_f("passed", "验证结论", "Result", "bool"),
         _f("environment", "验证环境", "Environment"),
         _f("checked", "验证内容", "What was checked"),
         _f("items", "验证项", "Checked items", "items", False),
         _f("remarks", "备注", "Remarks", required=False)),
        "pass: resolved, completion notice due; fail: back to diagnosis", _verify,
        outcomes=frozenset({S.RESOLVED, S.DIAGNOSING, S.TRIAGE})),
    Transition(
        "archive", "归档", "Archive", frozenset({S.RESOLVED}), S.ARCHIVED,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}),
        (_f("summary", "故障总结", "Summary"),
         _f("prevention_measures", "预防措施", "Prevention measures")),
        "summary and prevention; knowledge base entry", _archive),
    Transition(
        "cancel", "撤销", "Cancel", frozenset({S.REPORTED, S.TRIAGE}), S.CANCELLED,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}), (REASON,), "the reason", _cancel),
    Transition(
        "change_level", "调整等级", "Change level", NOT_CLOSED, None,
        frozenset({R.SUPPORT_LEAD}), (LEVEL, REASON),
        "the new level; deadlines recomputed from the report time", _change_level),
)}


# field name -> (zh, en) label, for messages raised inside handlers
_FIELD_LABELS: dict[str, tuple[str, str]] = {
    f.name: (f.label_zh, f.label_en) for t in TRANSITIONS.values() for f in t.fields
}


def transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise NotFoundError(f"没有这个操作：{name}", f"There is no action named {name}.") from None


def allowed_for(roles: Iterable[Role], status: Status) -> list[Transition]:
    """The transitions a person with ``roles`` may fire on a ticket in ``status``."""
    held = set(roles)
    return [t for t in TRANSITIONS.values() if status in t.sources and held & t.roles]


def _missing(spec: Transition, data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    errors: dict[str, tuple[str, str]] = {}
    for f in spec.fields:
        value = data.get(f.name)
        if f.required and (value is None or (isinstance(value, str) and not value.strip())):
            errors[f.name] = (f"请填写{f.label_zh}。", f"{f.label_en} is required.")
        elif isinstance(value, str) and len(value) > tickets.MAX_TEXT:
            errors[f.name] = (f"{f.label_zh}过长（最多 {tickets.MAX_TEXT} 字）。",
                              f"{f.label_en} is too long (at most {tickets.MAX_TEXT}).")
        elif isinstance(value, str) and "\x00" in value:
            # PostgreSQL refuses NUL in text: say so instead of failing in the driver
            errors[f.name] = (f"{f.label_zh}含有无效字符。",
                              f"{f.label_en} holds an invalid character.")
    for f in spec.fields:
        value = data.get(f.name)
        if f.kind == "bool" and value is not None and not isinstance(value, bool):
            errors[f.name] = (f"{f.label_zh}须为是或否。", f"{f.label_en} must be yes or no.")
    for key in ("level",):
        if key in data and data[key] is not None and key in {f.name for f in spec.fields}:
            try:
                FaultLevel(int(data[key]))
            except (TypeError, ValueError):
                errors[key] = ("故障等级须为 1、2 或 3。", "The level must be 1, 2 or 3.")
    if "fault_type" in data and "fault_type" in {f.name for f in spec.fields}:
        try:
            FaultType(data["fault_type"])
        except ValueError:
            errors["fault_type"] = ("未知的故障类型。", "Unknown fault type.")
    return errors


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
        ticket = tickets._load(session, ticket_key)
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
        errors = _missing(spec, data)
        if errors:
            raise ValidationError(errors)
        now = db.now()
        ctx = Context(session=session, ticket=ticket, actor=actor, data=data, now=now)
        if spec.target is not None:
            ctx.values["status"] = spec.target
        assert spec.handler is not None
        spec.handler(ctx)
        level_before = ticket.level
        # no autoflush while the ticket is half changed: reading the limits and the
        # calendar would otherwise write the ticket early and raise its version twice
        with session.no_autoflush:
            changes = audit.changes_of(ticket, ctx.values)
            if ticket.level != level_before:
                keys = ("respond_due_at", "restore_due_at", "respond_due_estimated",
                        "restore_due_estimated")
                before = tuple(getattr(ticket, key) for key in keys)
                tickets.apply_deadlines(session, ticket)
                for key, old in zip(keys, before, strict=True):
                    new = getattr(ticket, key)
                    if new != old:
                        changes[key] = {"before": audit.plain(old), "after": audit.plain(new)}
        if not changes and not ctx.details:
            ctx.details["noop"] = True
        if not session.is_modified(ticket, include_collections=False):
            # only child rows changed (a step, the team): the ticket's version must still
            # go up, so that a desk holding the old version sees the conflict
            flag_modified(ticket, "status")
        session.flush()
        if name == "archive":  # the knowledge-base entry, in the same unit of work
            entry = knowledge.create_entry_for(session, ticket, actor, now)
            ctx.details["kb_entry_id"] = entry.id
        audit.record(session, at=now, action=name, ticket_id=ticket.id, actor_id=actor.id,
                     changes=changes, details=ctx.details, reason=ctx.reason)
        notify.enqueue_for(session, ticket, name, now)  # mail goes out only if this commits
        live.notify(session, ticket.id)
        return tickets.detail_of(session, ticket)

    attempts = 1 if expected_version is not None else 3
    for attempt in range(attempts):
        try:
            return db.write(work)
        except StaleDataError:
            if attempt + 1 >= attempts:
                with db.read() as s:
                    t = tickets._load(s, ticket_key)
                    raise ConflictError(t.id, expected_version or t.version - 1,
                                        t.version) from None
    raise AssertionError("unreachable")  # pragma: no cover


def events(db: Database, ticket_key: str | int) -> list[dict[str, Any]]:
    """A ticket's timeline: its events, oldest first, as plain dicts."""
    with db.read() as session:
        ticket = tickets._load(session, ticket_key)
        rows = session.scalars(
            select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)
        ).all()
        return [
            {
                "id": e.id, "at": e.at, "action": e.action,
                "actor": e.actor.name if e.actor else "", "actor_no":
                e.actor.employee_no if e.actor else "", "changes": e.changes,
                "details": e.details, "reason": e.reason,
            }
            for e in rows
        ]
