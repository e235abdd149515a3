"""The process as data: states, transitions, who may fire them, what they require.

``TRANSITIONS`` is the one table everything else reads: the workflow service
(``desk.process.workflow``, which holds what each step records), the CLI's commands, the
window's action bar and the tests' role × transition matrix. Each entry names the states
it leaves from, the state it reaches, the roles that may fire it and the fields it
requires. No database here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desk.errors import NotFoundError
from models.vocabulary import FaultLevel, FaultType, Role, Status

S = Status
R = Role

MAX_SHORT = 200  # characters of a one-line field
MAX_TEXT = 20_000  # characters of a text field

OPEN_AFTER_DISPATCH = frozenset(
    {S.DISPATCHED, S.DIAGNOSING, S.SOLUTION_PROPOSED, S.IMPLEMENTING, S.VERIFYING}
)
NOT_CLOSED = frozenset(s for s in Status if not s.is_closed)
# the states in which a fault's clocks may be paused (awaiting the reporter, a vendor, a
# change window): after someone responded and before verification. Not at 待受理
# (nobody has answered yet: a pause would hide an unanswered report) nor at 待验证
# (the restore clock has stopped). Leaving these states ends a pause in force.
PAUSABLE = frozenset({S.TRIAGE, S.DISPATCHED, S.DIAGNOSING, S.SOLUTION_PROPOSED,
                      S.IMPLEMENTING})
HANDLERS_OF_FAULT = frozenset({R.SUPPORT, R.SUPPORT_LEAD, R.ENGINEER, R.DIRECTOR})

# A pause that waits for the reporter ends by itself when the reporter answers through a
# channel (today the mail intake: a reply naming the fault's number). Which pauses those
# are is read from the reason people give (the pause dialog suggests 等待报告人): one that
# names the reporter. A pause for a vendor or a change window is not ended by the
# reporter's mail; a person resumes it.
AWAITING_REPORTER = ("报告人", "reporter")


def resumes_on_reply(pause_reason: str) -> bool:
    """Does the reporter's answer end a pause given for this reason?"""
    reason = pause_reason.casefold()
    return any(word in reason for word in AWAITING_REPORTER)


def is_reporter(address: str, sender_employee_no: str, reporter_employee_no: str,
                reporter_contact: str) -> bool:
    """Is the sender of an answer the fault's reporter? Their person (matched by e-mail)
    is the reporter by employee number, or the address is the reporter's contact."""
    if sender_employee_no and sender_employee_no == reporter_employee_no:
        return True
    address = address.strip().casefold()
    return bool(address) and address == reporter_contact.strip().casefold()
@dataclass(frozen=True)
class FieldSpec:
    """One input a transition asks for."""

    name: str
    label_zh: str
    label_en: str
    # text, level, type, bool, tristate (yes / no / not known), person, team, datetime,
    # items, choice
    kind: str = "text"
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


def _f(name: str, zh: str, en: str, kind: str = "text", required: bool = True) -> FieldSpec:
    return FieldSpec(name, zh, en, kind, required)


LEVEL = _f("level", "故障等级", "Level", "level")
REASON = _f("reason", "原因", "Reason")
COMMENT = _f("comment", "意见", "Comment", required=False)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition(
        "triage", "受理研判", "Acknowledge and triage", frozenset({S.REPORTED}), S.TRIAGE,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}),
        (_f("first_contact", "首次联系情况", "First contact"),
         _f("fault_type", "故障类型", "Fault type", "type"), LEVEL,
         _f("confirmed_details", "确认的细节", "Confirmed details", required=False),
         _f("reproducible", "能否复现", "Reproducible", "tristate", required=False),
         _f("first_investigation", "初步排查结果", "First investigation", required=False)),
        "the response: stops the respond clock"),
    Transition(
        "solve_on_spot", "现场解决", "Solved on the spot", frozenset({S.TRIAGE}), S.VERIFYING,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}),
        (_f("temporary_solution", "指导或远程处理措施", "Guidance or remote fix"),),
        "the fix as the solution; service restored"),
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
        "level, team, assignee; a start notice is due"),
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
        "root cause, impact, reproduction, evidence"),
    Transition(
        "propose", "提交方案", "Propose solution", frozenset({S.DIAGNOSING}),
        S.SOLUTION_PROPOSED, frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("long_term_solution", "长期解决方案", "Long-term solution"),
         _f("temporary_solution", "临时解决方案", "Temporary solution", required=False)),
        "temporary and long-term solution; confirmation and approval reset"),
    Transition(
        "confirm", "业务确认", "Business confirmation", frozenset({S.SOLUTION_PROPOSED}), None,
        frozenset({R.BUSINESS_CONFIRMER}), (COMMENT,), "who confirmed, when, their comment",
        outcomes=frozenset({S.IMPLEMENTING})),
    Transition(
        "approve", "技术审批", "Technical approval", frozenset({S.SOLUTION_PROPOSED}), None,
        frozenset({R.SUPPORT_LEAD, R.DIRECTOR}), (COMMENT,), "who approved, when, their comment",
        outcomes=frozenset({S.IMPLEMENTING})),
    Transition(
        "reject", "驳回", "Send back", frozenset({S.SOLUTION_PROPOSED}), S.DIAGNOSING,
        frozenset({R.BUSINESS_CONFIRMER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("reason", "驳回理由", "Reason for sending back"),),
        "the reason; the proposal goes back to its proposer, sign-offs reset"),
    Transition(
        "step", "记录实施步骤", "Record implementation step", frozenset({S.IMPLEMENTING}), None,
        frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("action", "实施内容", "What was done"),
         _f("state_after", "实施后状态", "State after")),
        "what, who, when, state after"),
    Transition(
        "restore", "记录恢复/临时方案", "Record restore / workaround", OPEN_AFTER_DISPATCH, None,
        frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("kind", "类型", "Kind", "choice"),
         _f("description", "说明", "Description")),
        "stops the restore clock"),
    Transition(
        "submit_verification", "提交验证", "Request verification", frozenset({S.IMPLEMENTING}),
        S.VERIFYING, frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR}),
        (_f("verifier_id", "验证人", "Verifier", "person"),),
        "who verifies"),
    Transition(
        "verify", "验证", "Verify", frozenset({S.VERIFYING}), None, frozenset({R.VERIFIER}),
        (_f("passed", "验证结论", "Result", "bool"),
         _f("environment", "验证环境", "Environment"),
         _f("checked", "验证内容", "What was checked"),
         _f("items", "验证项", "Checked items", "items", False),
         _f("remarks", "备注", "Remarks", required=False),
         _f("satisfaction", "满意度（1–5）", "Satisfaction (1–5)", "rating", False),
         _f("satisfaction_comment", "评价意见", "Comment on the handling", required=False)),
        "pass: resolved, completion notice due; fail: back to diagnosis; the reporter's "
        "rating",
        outcomes=frozenset({S.RESOLVED, S.DIAGNOSING, S.TRIAGE})),
    Transition(
        "archive", "归档", "Archive", frozenset({S.RESOLVED}), S.ARCHIVED,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}),
        (_f("summary", "故障总结", "Summary"),
         _f("prevention_measures", "预防措施", "Prevention measures")),
        "summary and prevention; knowledge base entry"),
    Transition(
        "cancel", "撤销", "Cancel", frozenset({S.REPORTED, S.TRIAGE}), S.CANCELLED,
        frozenset({R.SUPPORT, R.SUPPORT_LEAD}), (REASON,), "the reason"),
    Transition(
        "pause", "暂停计时", "Pause the clocks", PAUSABLE, None, HANDLERS_OF_FAULT,
        (_f("reason", "暂停原因（如等待报告人、等待厂商、等待变更窗口）",
            "Reason (e.g. awaiting the reporter, a vendor, a change window)"),),
        "both clocks stop; the reason, who, when"),
    Transition(
        "resume", "恢复计时", "Resume the clocks", PAUSABLE, None, HANDLERS_OF_FAULT, (),
        "both clocks run again; the deadlines move by the paused time"),
    Transition(
        "change_level", "调整等级", "Change level", NOT_CLOSED, None,
        frozenset({R.SUPPORT_LEAD}), (LEVEL, REASON),
        "the new level; deadlines recomputed from the report time"),
)}


# field name -> (zh, en) label, for messages raised inside handlers
FIELD_LABELS: dict[str, tuple[str, str]] = {
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


def missing_fields(spec: Transition, data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    errors: dict[str, tuple[str, str]] = {}
    for f in spec.fields:
        value = data.get(f.name)
        if f.required and (value is None or (isinstance(value, str) and not value.strip())):
            errors[f.name] = (f"请填写{f.label_zh}。", f"{f.label_en} is required.")
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            errors[f.name] = (f"{f.label_zh}过长（最多 {MAX_TEXT} 字）。",
                              f"{f.label_en} is too long (at most {MAX_TEXT}).")
        elif isinstance(value, str) and "\x00" in value:
            # PostgreSQL refuses NUL in text: say so instead of failing in the driver
            errors[f.name] = (f"{f.label_zh}含有无效字符。",
                              f"{f.label_en} holds an invalid character.")
    for f in spec.fields:
        value = data.get(f.name)
        if f.kind in ("bool", "tristate") and value is not None and not isinstance(value, bool):
            errors[f.name] = (f"{f.label_zh}须为是或否。", f"{f.label_en} must be yes or no.")
    for f in spec.fields:
        if (f.kind == "rating" and data.get(f.name) not in (None, "")
                and rating(data[f.name]) is None):
            errors[f.name] = (f"{f.label_zh}须为 1 到 5 的整数。",
                              f"{f.label_en} must be a whole number from 1 to 5.")
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


def rating(value: Any) -> int | None:
    """A satisfaction rating 1–5 from a number or its text ("4", "４"); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 5 else None
    text = str(value).strip()
    if len(text) == 1 and text.isdigit():  # a full-width digit too: int() reads it
        number = int(text)
        return number if 1 <= number <= 5 else None
    return None
