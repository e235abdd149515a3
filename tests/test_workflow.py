"""The whole process through ``desk.process.workflow.perform``: every state, every level, every role.

The walks run on SQLite and PostgreSQL (the ``db`` fixture); the role × transition
matrix, the state matrix and the required-field checks run on one SQLite file with
many tickets, because they are about the rules, not the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.db import Database
from desk.errors import (
    ConflictError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationError,
)
from desk.process import people, workflow
from desk.process.audit import AuditTrailError
from desk.process.reporting import FaultReport, report_fault
from desk.read import clocks
from desk.read import timeline as timeline_mod
from desk.read.tickets import get_ticket
from desk.rules import transitions
from desk.rules.sla import ClockState
from models import (
    Event,
    FaultLevel,
    FaultType,
    Person,
    PersonRole,
    Role,
    Status,
    TeamDuty,
    Ticket,
)

S = Status
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # the conftest clock: Friday 10:00 Beijing


# -- helpers -------------------------------------------------------------------------


def report(db: Database, ids: dict[str, int], level: FaultLevel = FaultLevel.GENERAL,
           reporter: str = "SALES005") -> str:
    return report_fault(db, FaultReport(
        fault_type=FaultType.SYSTEM, level=level, affected_business="销售订单系统 – 下单",
        phenomenon="点击提交后页面显示错误 500。",
    ), ids[reporter]).number


def snapshot(db: Database, number: str) -> tuple[int, Status, int]:
    """(version, status, number of events) of a ticket."""
    with db.read() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket is not None
        count = session.scalar(select(func.count(Event.id)).where(Event.ticket_id == ticket.id))
        return ticket.version, ticket.status, int(count or 0)


def team_of(db: Database, number: str) -> set[tuple[str, TeamDuty]]:
    with db.read() as session:
        ticket = session.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket is not None
        return {(m.person.employee_no, m.duty) for m in ticket.team}


def dispatch_data(ids: dict[str, int], level: FaultLevel) -> dict[str, Any]:
    if level == FaultLevel.URGENT:
        return {"level": 1, "coordinator_id": ids["CTO01"], "business_contact_id": ids["BIZ006"],
                "team": [(ids["OP003"], "ops"), (ids["DEV002"], "development"),
                         (ids["DBA004"], "database")],
                "cooperation_required": "请业务部门保持电话畅通。",
                "expected_done_at": T0 + timedelta(hours=1)}
    if level == FaultLevel.IMPORTANT:
        return {"level": 2, "lead_engineer_id": ids["DEV002"],
                "business_contact_id": ids["BIZ006"]}
    return {"level": 3, "module_engineer_id": ids["OP003"]}


TRIAGE = {"first_contact": "已电话联系报告人。", "confirmed_details": "可稳定复现。",
          "reproducible": True, "fault_type": "SYS", "level": 3}
ANALYSE = {"root_cause": "连接池耗尽。", "impact_assessment": "下单中断 25 分钟。",
           "reproduce_conditions": "并发 200 以上。", "evidence_list": "app.log；监控截图"}
PROPOSE = {"temporary_solution": "重启服务。", "long_term_solution": "修复连接释放。"}
STEP = {"action": "发布补丁", "state_after": "服务正常"}
VERIFY_PASS = {"passed": True, "environment": "生产环境", "checked": "重新下单 5 笔",
               "items": [{"item": "提交订单", "expected": "成功", "actual": "成功",
                          "passed": True}]}
VERIFY_FAIL = {"passed": False, "environment": "生产环境", "checked": "重新下单",
               "remarks": "仍然报错 500"}
ARCHIVE = {"summary": "连接池耗尽，已修复。", "prevention_measures": "连接池监控告警。"}


class Walker:
    """Fires transitions on one ticket, checking that each left exactly one event and
    raised the version by one."""

    def __init__(self, db: Database, ids: dict[str, int], number: str, clock: Any) -> None:
        self.db, self.ids, self.number, self.clock = db, ids, number, clock

    def __call__(self, name: str, who: str, minutes: float = 1, **data: Any) -> Any:
        if self.clock is not None:
            self.clock.advance(minutes=minutes)
        version, status, events = snapshot(self.db, self.number)
        detail = workflow.perform(self.db, name, self.number, self.ids[who], data)
        after = snapshot(self.db, self.number)
        assert after[0] == version + 1, f"{name} did not raise the version"
        assert after[2] == events + 1, f"{name} did not append exactly one event"
        assert after[1] in transitions.TRANSITIONS[name].reachable(status)
        assert detail.status == after[1]
        return detail


ENGINEER = {FaultLevel.URGENT: "DEV002", FaultLevel.IMPORTANT: "DEV002",
            FaultLevel.GENERAL: "OP003"}
APPROVER = {FaultLevel.URGENT: "CTO01", FaultLevel.IMPORTANT: "LEAD01",
            FaultLevel.GENERAL: "LEAD01"}

# (stage name, status it reaches); the walk below fires them in this order
STAGES = [
    ("triage", S.TRIAGE), ("dispatch", S.DISPATCHED), ("analyse", S.DIAGNOSING),
    ("propose", S.SOLUTION_PROPOSED), ("confirm", S.SOLUTION_PROPOSED),
    ("approve", S.IMPLEMENTING), ("step", S.IMPLEMENTING),
    ("submit_verification", S.VERIFYING), ("verify", S.RESOLVED), ("archive", S.ARCHIVED),
]


def advance(walk: Walker, level: FaultLevel, upto: Status | None,
            verifier: str = "SALES005") -> None:
    """Walk a reported ticket forward until it is in ``upto`` (None: to the end)."""
    ids, eng = walk.ids, ENGINEER[level]
    fire: dict[str, Callable[[], Any]] = {
        "triage": lambda: walk("triage", "IT001", **dict(TRIAGE, level=int(level))),
        "dispatch": lambda: walk("dispatch", "LEAD01", **dispatch_data(ids, level)),
        "analyse": lambda: walk("analyse", eng, **ANALYSE),
        "propose": lambda: walk("propose", eng, **PROPOSE),
        "confirm": lambda: walk("confirm", "BIZ006"),
        "approve": lambda: walk("approve", APPROVER[level]),
        "step": lambda: walk("step", eng, **STEP),
        "submit_verification": lambda: walk("submit_verification", eng,
                                            verifier_id=ids[verifier]),
        "verify": lambda: walk("verify", verifier, **VERIFY_PASS),
        "archive": lambda: walk("archive", "LEAD01", **ARCHIVE),
    }
    if upto == S.REPORTED:
        return
    for i, (name, status) in enumerate(STAGES):
        fire[name]()
        # stop at the last stage that reaches ``upto`` (implementing: after a step), but
        # a proposed solution stops before anyone confirms it
        following = STAGES[i + 1][1] if i + 1 < len(STAGES) else None
        if status == upto and (following != upto or name == "propose"):
            return
    assert upto is None or upto == S.ARCHIVED


# -- the whole fault, each level, both backends ----------------------------------------


@pytest.mark.parametrize("level", list(FaultLevel))
def test_whole_fault_through_every_state(db: Database, demo_people: dict[str, int],
                                         clock: Any, level: FaultLevel) -> None:
    ids = demo_people
    number = report(db, ids, level)
    walk = Walker(db, ids, number, clock)
    expected_respond = {1: timedelta(minutes=5), 2: timedelta(minutes=15),
                        3: timedelta(minutes=30)}[level]
    detail = get_ticket(db, number)
    assert detail.status == S.REPORTED and detail.version == 1
    assert detail.respond_due_at == T0 + expected_respond

    d = walk("triage", "IT001", 2, **dict(TRIAGE, level=int(level)))
    assert d.status == S.TRIAGE
    assert d.responded_at == T0 + timedelta(minutes=2)
    assert d.responded_by_id == ids["IT001"]
    assert d.first_contact == TRIAGE["first_contact"]
    assert d.initial_level == level and d.fault_type == FaultType.SYSTEM
    respond, _ = clocks.ticket_clocks(db, number)
    assert respond.state == ClockState.MET

    d = walk("dispatch", "LEAD01", **dispatch_data(ids, level))
    assert d.status == S.DISPATCHED and d.start_notice_due is True
    assert d.level_decided_by_id == ids["LEAD01"] and d.dispatched_at is not None
    team = team_of(db, number)
    if level == FaultLevel.URGENT:
        assert d.assignee_id == ids["CTO01"]
        assert d.expected_done_at == T0 + timedelta(hours=1)
        assert d.cooperation_required == "请业务部门保持电话畅通。"
        assert {("CTO01", TeamDuty.COORDINATOR), ("OP003", TeamDuty.OPS),
                ("DEV002", TeamDuty.DEVELOPMENT), ("DBA004", TeamDuty.DATABASE),
                ("BIZ006", TeamDuty.BUSINESS_CONTACT)} == team
    elif level == FaultLevel.IMPORTANT:
        assert d.assignee_id == ids["DEV002"]
        assert team == {("DEV002", TeamDuty.LEAD_ENGINEER),
                        ("BIZ006", TeamDuty.BUSINESS_CONTACT)}
    else:
        assert d.assignee_id == ids["OP003"]
        assert team == {("OP003", TeamDuty.MODULE_ENGINEER)}
    dispatch_event = timeline_mod.events(db, number)[-1]
    assert dispatch_event["details"]["start_notice_due"] is True

    eng = ENGINEER[level]
    d = walk("restore", eng, 3, kind="workaround", description="切换到备用服务器。")
    assert d.status == S.DISPATCHED and d.workaround_at == clock.now
    assert d.temporary_solution == "切换到备用服务器。"
    _, restore = clocks.ticket_clocks(db, number)
    assert restore.met_at == clock.now
    assert restore.state == ClockState.MET

    d = walk("analyse", eng, **dict(ANALYSE, analysis_report_required=level == 1))
    assert d.status == S.DIAGNOSING and d.root_cause == ANALYSE["root_cause"]
    assert d.impact_assessment and d.reproduce_conditions and d.evidence_list
    assert d.analysis_report_required is (level == FaultLevel.URGENT)

    d = walk("propose", eng, **PROPOSE)
    assert d.status == S.SOLUTION_PROPOSED and d.solution_proposed_by_id == ids[eng]
    d = walk("confirm", "BIZ006")
    assert d.status == S.SOLUTION_PROPOSED and d.business_confirmed_by_id == ids["BIZ006"]
    d = walk("approve", APPROVER[level])
    assert d.status == S.IMPLEMENTING
    assert d.technical_approved_by_id == ids[APPROVER[level]]

    walk("step", eng, action="在测试环境验证补丁", state_after="测试通过")
    d = walk("step", eng, **STEP)
    with db.read() as session:
        ticket = session.get(Ticket, d.id)
        assert ticket is not None
        assert [(s.seq, s.action, s.done_by.employee_no) for s in ticket.steps] == [
            (1, "在测试环境验证补丁", eng), (2, "发布补丁", eng)]

    d = walk("submit_verification", eng, verifier_id=ids["SALES005"])
    assert d.status == S.VERIFYING and d.verifier_id == ids["SALES005"]
    d = walk("verify", "SALES005", 30, **VERIFY_PASS)
    assert d.status == S.RESOLVED and d.resolved_at == clock.now
    assert d.verification_passed is True and d.verification_rounds == 1
    verify_event = timeline_mod.events(db, number)[-1]
    assert verify_event["details"]["completion_notice_due"] is True
    assert verify_event["details"]["time_to_resolve_seconds"] == int(
        (clock.now - T0).total_seconds())
    assert clocks.ticket_sla(db, number).time_to_resolve == clock.now - T0

    d = walk("archive", "LEAD01", **ARCHIVE)
    assert d.status == S.ARCHIVED and d.archived_by_id == ids["LEAD01"]

    timeline = timeline_mod.events(db, number)
    assert [e["action"] for e in timeline] == [
        "report", "triage", "dispatch", "restore", "analyse", "propose", "confirm", "approve",
        "step", "step", "submit_verification", "verify", "archive"]
    assert all(e["at"] is not None for e in timeline)
    assert all(e["actor_no"] for e in timeline)
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)
    assert timeline[1]["changes"]["status"] == {"before": "reported", "after": "triage"}


def test_solved_on_the_spot(db: Database, demo_people: dict[str, int], clock: Any) -> None:
    ids = demo_people
    number = report(db, ids)
    walk = Walker(db, ids, number, clock)
    walk("triage", "IT001", **TRIAGE)
    d = walk("solve_on_spot", "IT001", 5, temporary_solution="远程指导用户重新设置。")
    assert d.status == S.VERIFYING
    assert d.restored_at == clock.now and d.temporary_solution == "远程指导用户重新设置。"
    assert d.dispatched_at is None
    _, restore = clocks.ticket_clocks(db, number)
    assert restore.state == ClockState.MET
    d = walk("verify", "SALES005", **VERIFY_PASS)
    assert d.status == S.RESOLVED
    d = walk("archive", "IT001", **ARCHIVE)
    assert d.status == S.ARCHIVED


def test_failed_verification_goes_back_and_counts_rounds(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    ids = demo_people
    number = report(db, ids, FaultLevel.IMPORTANT)
    walk = Walker(db, ids, number, clock)
    advance(walk, FaultLevel.IMPORTANT, S.VERIFYING)
    d = walk("verify", "SALES005", **VERIFY_FAIL)
    assert d.status == S.DIAGNOSING
    assert d.verification_passed is False and d.verification_rounds == 1
    assert d.verification_remarks == "仍然报错 500"
    failed = timeline_mod.events(db, number)[-1]
    assert failed["details"]["failed_round"] == 1
    assert failed["changes"]["status"] == {"before": "verifying", "after": "diagnosing"}

    # round two: a new analysis and solution, which must be confirmed and approved again
    walk("analyse", "DEV002", root_cause="补丁遗漏了一个分支。", impact_assessment="同上")
    d = walk("propose", "DEV002", long_term_solution="补全异常分支。")
    assert d.business_confirmed_by_id is None and d.technical_approved_by_id is None
    walk("confirm", "BIZ006")
    walk("approve", "LEAD01")
    walk("step", "DEV002", **STEP)
    walk("submit_verification", "DEV002", verifier_id=ids["SALES005"])
    d = walk("verify", "SALES005", **VERIFY_PASS)
    assert d.status == S.RESOLVED and d.verification_rounds == 2
    with db.read() as session:
        ticket = session.get(Ticket, d.id)
        assert ticket is not None
        assert [(i.round, i.passed) for i in ticket.verification_items] == [(2, True)]


def test_failed_on_the_spot_fix_goes_back_to_triage(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    ids = demo_people
    number = report(db, ids)
    walk = Walker(db, ids, number, clock)
    walk("triage", "IT001", **TRIAGE)
    walk("solve_on_spot", "IT001", temporary_solution="重启客户端。")
    d = walk("verify", "SALES005", **VERIFY_FAIL)
    assert d.status == S.TRIAGE and d.verification_rounds == 1
    d = walk("dispatch", "LEAD01", **dispatch_data(ids, FaultLevel.GENERAL))
    assert d.status == S.DISPATCHED


def test_only_the_named_verifier_verifies(db: Database, demo_people: dict[str, int],
                                          clock: Any) -> None:
    ids = demo_people
    number = report(db, ids, FaultLevel.IMPORTANT)
    walk = Walker(db, ids, number, clock)
    advance(walk, FaultLevel.IMPORTANT, S.VERIFYING, verifier="FIN007")
    before = snapshot(db, number)
    with pytest.raises(PermissionDeniedError):
        workflow.perform(db, "verify", number, ids["SALES005"], VERIFY_PASS)
    assert snapshot(db, number) == before
    assert walk("verify", "FIN007", **VERIFY_PASS).status == S.RESOLVED


def test_verifier_must_hold_the_verifier_role(db: Database, demo_people: dict[str, int],
                                              clock: Any) -> None:
    ids = demo_people
    number = report(db, ids, FaultLevel.IMPORTANT)
    walk = Walker(db, ids, number, clock)
    advance(walk, FaultLevel.IMPORTANT, S.IMPLEMENTING)
    before = snapshot(db, number)
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, "submit_verification", number, ids["DEV002"],
                         {"verifier_id": ids["OP003"]})
    assert "verifier_id" in err.value.fields
    assert snapshot(db, number) == before


# -- cancel ----------------------------------------------------------------------------


def test_cancel_only_before_dispatch_with_reason(db: Database, demo_people: dict[str, int],
                                                 clock: Any) -> None:
    ids = demo_people
    first = report(db, ids)
    d = Walker(db, ids, first, clock)("cancel", "IT001", reason="重复报障。")
    assert d.status == S.CANCELLED and d.cancel_reason == "重复报障。"
    event = timeline_mod.events(db, first)[-1]
    assert event["action"] == "cancel" and event["reason"] == "重复报障。"

    second = report(db, ids)
    walk = Walker(db, ids, second, clock)
    walk("triage", "IT001", **TRIAGE)
    before = snapshot(db, second)
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, "cancel", second, ids["IT001"], {"reason": "  "})
    assert "reason" in err.value.fields
    with pytest.raises(PermissionDeniedError):
        workflow.perform(db, "cancel", second, ids["OP003"], {"reason": "不是故障"})
    assert snapshot(db, second) == before
    assert walk("cancel", "LEAD01", reason="用户撤回。").status == S.CANCELLED

    third = report(db, ids)
    walk = Walker(db, ids, third, clock)
    advance(walk, FaultLevel.GENERAL, S.DISPATCHED)
    before = snapshot(db, third)
    with pytest.raises(InvalidTransitionError):
        workflow.perform(db, "cancel", third, ids["LEAD01"], {"reason": "太晚了"})
    assert snapshot(db, third) == before


# -- level changes ---------------------------------------------------------------------


def test_level_change_recomputes_deadlines_and_is_logged(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    ids = demo_people
    number = report(db, ids, FaultLevel.GENERAL)
    walk = Walker(db, ids, number, clock)
    advance(walk, FaultLevel.GENERAL, S.DIAGNOSING)
    d = get_ticket(db, number)
    # level 3 from Friday 10:00: four working days end on Thursday 10:00
    assert d.restore_due_at == datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    clock.advance(hours=1)
    d = walk("change_level", "LEAD01", level=2, reason="影响范围扩大到整个部门。")
    assert d.level == FaultLevel.IMPORTANT and d.status == S.DIAGNOSING
    # recomputed from the report time, not from now
    assert d.respond_due_at == T0 + timedelta(minutes=15)
    assert d.restore_due_at == T0 + timedelta(hours=2)
    event = timeline_mod.events(db, number)[-1]
    assert event["action"] == "change_level" and event["reason"] == "影响范围扩大到整个部门。"
    assert event["changes"]["level"] == {"before": 3, "after": 2}
    assert event["changes"]["restore_due_at"] == {
        "before": "2026-12-03T02:00:00+00:00", "after": (T0 + timedelta(hours=2)).isoformat()}
    assert event["changes"]["respond_due_at"]["after"] == (
        T0 + timedelta(minutes=15)).isoformat()
    _, restore = clocks.ticket_clocks(db, number)
    assert restore.due_at == T0 + timedelta(hours=2)

    before = snapshot(db, number)
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, "change_level", number, ids["LEAD01"], {"level": 2, "reason": "x"})
    assert "level" in err.value.fields  # the same level
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, "change_level", number, ids["LEAD01"], {"level": 1})
    assert "reason" in err.value.fields
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, "change_level", number, ids["LEAD01"], {"level": 7, "reason": "x"})
    assert "level" in err.value.fields
    for who in ("IT001", "CTO01", "DEV002"):
        with pytest.raises(PermissionDeniedError):
            workflow.perform(db, "change_level", number, ids[who], {"level": 1, "reason": "x"})
    assert snapshot(db, number) == before


def test_level_cannot_change_once_resolved(db: Database, demo_people: dict[str, int],
                                           clock: Any) -> None:
    ids = demo_people
    number = report(db, ids, FaultLevel.IMPORTANT)
    walk = Walker(db, ids, number, clock)
    advance(walk, FaultLevel.IMPORTANT, S.RESOLVED)
    before = snapshot(db, number)
    with pytest.raises(InvalidTransitionError):
        workflow.perform(db, "change_level", number, ids["LEAD01"], {"level": 1, "reason": "x"})
    assert snapshot(db, number) == before


def test_restore_clock_stops_at_the_first_restore(db: Database, demo_people: dict[str, int],
                                                  clock: Any) -> None:
    ids = demo_people
    number = report(db, ids, FaultLevel.URGENT)
    walk = Walker(db, ids, number, clock)
    advance(walk, FaultLevel.URGENT, S.DIAGNOSING)
    first = walk("restore", "DEV002", 5, kind="restored", description="服务已恢复。").restored_at
    later = walk("restore", "DEV002", 60, kind="restored", description="再次确认恢复。")
    assert later.restored_at == first
    before = snapshot(db, number)
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, "restore", number, ids["DEV002"],
                         {"kind": "fixed", "description": "?"})
    assert "kind" in err.value.fields
    assert snapshot(db, number) == before


def test_restore_before_dispatch_is_refused(db: Database, demo_people: dict[str, int],
                                            clock: Any) -> None:
    ids = demo_people
    number = report(db, ids)
    Walker(db, ids, number, clock)("triage", "IT001", **TRIAGE)
    with pytest.raises(InvalidTransitionError):
        workflow.perform(db, "restore", number, ids["LEAD01"],
                         {"kind": "restored", "description": "x"})


# -- dispatch rules per level ------------------------------------------------------------


@pytest.fixture
def lite(sqlite_url: str, make_db: Callable[[str], object]) -> Database:
    db = make_db(sqlite_url)
    assert isinstance(db, Database)
    return db


@pytest.fixture
def lite_ids(lite: Database) -> dict[str, int]:
    return ensure_people(lite)


@pytest.mark.parametrize(("data", "field"), [
    ({"level": 1, "team": [(0, "ops"), (0, "development")]}, "coordinator_id"),
    ({"level": 1, "coordinator_id": "LEAD01", "team": [("OP003", "ops"),
                                                       ("DEV002", "development")]},
     "coordinator_id"),
    ({"level": 1, "coordinator_id": "CTO01", "team": [("OP003", "ops")]}, "team"),
    ({"level": 1, "coordinator_id": "CTO01", "team": [("OP003", "chef"),
                                                      ("DEV002", "development")]}, "team"),
    ({"level": 1, "coordinator_id": "CTO01", "team": "OP003"}, "team"),
    ({"level": 2, "business_contact_id": "BIZ006"}, "lead_engineer_id"),
    ({"level": 2, "lead_engineer_id": "DEV002"}, "business_contact_id"),
    ({"level": 2, "lead_engineer_id": "SALES005", "business_contact_id": "BIZ006"},
     "lead_engineer_id"),
    ({"level": 3}, "module_engineer_id"),
    ({"level": 3, "module_engineer_id": "not-a-number"}, "module_engineer_id"),
    ({"level": 3, "module_engineer_id": 99999}, "module_engineer_id"),
    ({"module_engineer_id": "OP003"}, "level"),
    ({"level": 3, "module_engineer_id": "OP003", "expected_done_at": "明天"},
     "expected_done_at"),
    ({"level": 3, "module_engineer_id": "OP003", "expected_done_at": datetime(2026, 11, 28)},
     "expected_done_at"),
    ({"level": 3, "module_engineer_id": "OP003",
      "expected_done_at": T0 - timedelta(days=1)}, "expected_done_at"),
])
def test_dispatch_requires_the_team_of_its_level(lite: Database, lite_ids: dict[str, int],
                                                 data: dict[str, Any], field: str) -> None:
    number = report(lite, lite_ids)
    workflow.perform(lite, "triage", number, lite_ids["IT001"], TRIAGE)

    def resolve(value: Any) -> Any:
        return lite_ids.get(value, value) if isinstance(value, str) else value

    data = {k: resolve(v) for k, v in data.items()}
    if isinstance(data.get("team"), list):
        data["team"] = [(resolve(p) or lite_ids["OP003"], d) for p, d in data["team"]]
    before = snapshot(lite, number)
    with pytest.raises(ValidationError) as err:
        workflow.perform(lite, "dispatch", number, lite_ids["LEAD01"], data)
    assert field in err.value.fields
    assert err.value.zh and err.value.en and err.value.zh != err.value.en
    assert snapshot(lite, number) == before


# -- confirmation and approval ---------------------------------------------------------


def _person(db: Database, no: str, roles: set[Role]) -> int:
    return db.write(lambda s: people.add_person(s, no, f"测试{no}", "信息技术部", roles).id)


def test_proposer_cannot_confirm_or_approve_own_solution(lite: Database,
                                                         lite_ids: dict[str, int]) -> None:
    ids = dict(lite_ids)
    ids["ALL"] = _person(lite, "ALL", {Role.ENGINEER, Role.DIRECTOR, Role.BUSINESS_CONFIRMER})
    number = report(lite, ids, FaultLevel.IMPORTANT)
    walk = Walker(lite, ids, number, None)
    advance(walk, FaultLevel.IMPORTANT, S.DIAGNOSING)
    walk("propose", "ALL", **PROPOSE)
    before = snapshot(lite, number)
    for name in ("confirm", "approve"):
        with pytest.raises(PermissionDeniedError) as err:
            workflow.perform(lite, name, number, ids["ALL"])
        assert "proposer" in err.value.en
    assert snapshot(lite, number) == before
    walk("confirm", "BIZ006")
    assert walk("approve", "CTO01").status == S.IMPLEMENTING


def test_reject_sends_the_proposal_back_with_the_reason(lite: Database,
                                                       lite_ids: dict[str, int]) -> None:
    number = report(lite, lite_ids, FaultLevel.IMPORTANT)
    walk = Walker(lite, lite_ids, number, None)
    advance(walk, FaultLevel.IMPORTANT, S.SOLUTION_PROPOSED)
    walk("confirm", "BIZ006", comment="业务上可接受。")
    with pytest.raises(ValidationError) as err:  # a reason is required
        workflow.perform(lite, "reject", number, lite_ids["LEAD01"], {"reason": "  "})
    assert "reason" in err.value.fields
    with pytest.raises(PermissionDeniedError):  # the proposer cannot send back their own
        workflow.perform(lite, "reject", number, lite_ids["DEV002"], {"reason": "撤回"})
    detail = walk("reject", "LEAD01", reason="未考虑夜间批处理。")
    assert detail.status == S.DIAGNOSING
    assert detail.business_confirmed_by_id is None and detail.technical_approved_by_id is None
    events = timeline_mod.events(lite, detail.id)
    rejected = [e for e in events if e["action"] == "reject"]
    assert len(rejected) == 1 and rejected[0]["reason"] == "未考虑夜间批处理。"
    assert rejected[0]["details"]["back_to_id"] == lite_ids["DEV002"]
    confirmed = [e for e in events if e["action"] == "confirm"]
    assert confirmed[0]["details"]["comment"] == "业务上可接受。"
    # proposing again needs both sign-offs again
    walk("propose", "DEV002", **PROPOSE)
    walk("confirm", "BIZ006")
    assert walk("approve", "LEAD01").status == S.IMPLEMENTING


def test_the_greyed_reason_is_the_services_refusal(lite: Database,
                                                   lite_ids: dict[str, int]) -> None:
    from desk.rules import may

    number = report(lite, lite_ids, FaultLevel.IMPORTANT)
    walk = Walker(lite, lite_ids, number, None)
    advance(walk, FaultLevel.IMPORTANT, S.SOLUTION_PROPOSED)
    walk("confirm", "BIZ006")
    spec = transitions.TRANSITIONS["confirm"]
    biz = people.get_person(lite, lite_ids["BIZ006"])
    values = get_ticket(lite, number).values
    why = may.refusal(spec, biz.id, biz.roles, values)
    assert why is not None and why.done
    with pytest.raises(InvalidTransitionError) as err:
        workflow.perform(lite, "confirm", number, biz.id)
    assert (err.value.zh, err.value.en) == (why.zh, why.en)
    lead = people.get_person(lite, lite_ids["LEAD01"])
    assert may.refusal(transitions.TRANSITIONS["approve"], lead.id, lead.roles, values) is None


@pytest.mark.parametrize("first", ["confirm", "approve"])
def test_confirm_and_approve_need_two_people(lite: Database, lite_ids: dict[str, int],
                                             first: str) -> None:
    ids = dict(lite_ids)
    ids["BOTH"] = _person(lite, "BOTH", {Role.BUSINESS_CONFIRMER, Role.SUPPORT_LEAD})
    number = report(lite, ids, FaultLevel.IMPORTANT)
    walk = Walker(lite, ids, number, None)
    advance(walk, FaultLevel.IMPORTANT, S.SOLUTION_PROPOSED)
    walk(first, "BOTH")
    second = "approve" if first == "confirm" else "confirm"
    before = snapshot(lite, number)
    with pytest.raises(PermissionDeniedError) as err:
        workflow.perform(lite, second, number, ids["BOTH"])
    assert "two different people" in err.value.en
    with pytest.raises(InvalidTransitionError):  # the same step twice
        workflow.perform(lite, first, number, ids["BIZ006" if first == "confirm" else "CTO01"])
    assert snapshot(lite, number) == before
    other = "CTO01" if second == "approve" else "BIZ006"
    assert walk(second, other).status == S.IMPLEMENTING


def test_expected_version_mismatch_is_a_conflict(lite: Database,
                                                 lite_ids: dict[str, int]) -> None:
    number = report(lite, lite_ids)
    version, _, _ = snapshot(lite, number)
    workflow.perform(lite, "triage", number, lite_ids["IT001"], TRIAGE,
                     expected_version=version)
    before = snapshot(lite, number)
    with pytest.raises(ConflictError) as err:
        workflow.perform(lite, "cancel", number, lite_ids["IT001"], {"reason": "重复"},
                         expected_version=version)
    assert err.value.expected == version and err.value.found == version + 1
    assert snapshot(lite, number) == before


def test_events_cannot_be_changed_or_deleted(lite: Database, lite_ids: dict[str, int]) -> None:
    number = report(lite, lite_ids)

    def tamper(session: Any) -> None:
        event = session.scalar(select(Event).where(Event.action == "report"))
        event.reason = "改写历史"

    def remove(session: Any) -> None:
        session.delete(session.scalar(select(Event).where(Event.action == "report")))

    for fn in (tamper, remove):
        with pytest.raises(AuditTrailError):
            lite.write(fn)
    assert [e["reason"] for e in timeline_mod.events(lite, number)] == [""]


# -- role × transition matrix (SQLite) ---------------------------------------------------

# the state each transition is tried from, and the valid data an allowed person supplies
# (``me`` is the acting person's id)
SOURCE: dict[str, Status] = {
    "triage": S.REPORTED, "solve_on_spot": S.TRIAGE, "dispatch": S.TRIAGE,
    "analyse": S.DISPATCHED, "propose": S.DIAGNOSING, "confirm": S.SOLUTION_PROPOSED,
    "approve": S.SOLUTION_PROPOSED, "reject": S.SOLUTION_PROPOSED, "step": S.IMPLEMENTING, "restore": S.DIAGNOSING,
    "submit_verification": S.IMPLEMENTING, "verify": S.VERIFYING, "archive": S.RESOLVED,
    "cancel": S.TRIAGE, "change_level": S.TRIAGE, "pause": S.DIAGNOSING,
    "resume": S.DIAGNOSING,
}


def sample_data(name: str, ids: dict[str, int], me: int) -> dict[str, Any]:
    return {
        "triage": TRIAGE,
        "solve_on_spot": {"temporary_solution": "远程协助修改设置。"},
        "dispatch": dispatch_data(ids, FaultLevel.GENERAL),
        "analyse": ANALYSE,
        "propose": PROPOSE,
        "confirm": {},
        "approve": {},
        "reject": {"reason": "方案未覆盖夜间批处理。"},
        "step": STEP,
        "restore": {"kind": "workaround", "description": "切换备用线路。"},
        "submit_verification": {"verifier_id": ids["SALES005"]},
        "verify": VERIFY_PASS,
        "archive": ARCHIVE,
        "cancel": {"reason": "重复报障。"},
        "change_level": {"level": 2, "reason": "影响扩大。"},
        "pause": {"reason": "等待厂商回复。"},
        "resume": {},
    }[name]


def test_every_transition_has_sample_data() -> None:
    assert set(SOURCE) == set(transitions.TRANSITIONS)
    for name, spec in transitions.TRANSITIONS.items():
        assert SOURCE[name] in spec.sources
        data = sample_data(name, {k: 1 for k in ("SALES005", "OP003")}, 1)
        assert set(spec.required) <= set(data), name


@pytest.fixture
def matrix_people(lite: Database) -> dict[Role, int]:
    """One person per role, holding that role and no other."""

    def add(session: Any) -> dict[Role, int]:
        out = {}
        for role in Role:
            person = people.add_person(session, f"ONLY-{role.value}", f"仅{role.label_zh}",
                                       "测试部", {role})
            # add_person makes everyone a reporter as well; the matrix wants one role
            person.role_rows = [PersonRole(role=role)]
            session.flush()
            out[role] = person.id
        return out

    ids = lite.write(add)
    with lite.read() as session:
        for role, pid in ids.items():
            person = session.get(Person, pid)
            assert person is not None and person.roles == {role}
    return ids


def prepared(db: Database, ids: dict[str, int], status: Status, verifier: str,
             paused: bool = False) -> str:
    number = report(db, ids)
    advance(Walker(db, ids, number, None), FaultLevel.GENERAL, status, verifier=verifier)
    assert snapshot(db, number)[1] == status
    if paused:  # what "resume" is tried on
        workflow.perform(db, "pause", number, ids["IT001"], {"reason": "等待报告人。"})
    return number


def test_role_transition_matrix(lite: Database, lite_ids: dict[str, int],
                                matrix_people: dict[Role, int]) -> None:
    ids = dict(lite_ids)
    outcomes: dict[tuple[str, Role], str] = {}
    for name, spec in transitions.TRANSITIONS.items():
        source = SOURCE[name]
        shared = prepared(lite, ids, source, "SALES005",
                          paused=name == "resume")  # for the refused calls
        for role, pid in matrix_people.items():
            allowed = role in spec.roles
            if allowed:
                ids["ME"] = pid
                # the named verifier must be the one who verifies
                number = prepared(lite, ids, source, "ME" if role == Role.VERIFIER
                                  else "SALES005", paused=name == "resume")
            else:
                number = shared
            before = snapshot(lite, number)
            data = sample_data(name, ids, pid)
            if allowed:
                detail = workflow.perform(lite, name, number, pid, data)
                after = snapshot(lite, number)
                assert after[0] == before[0] + 1 and after[2] == before[2] + 1, (name, role)
                assert detail.status in spec.reachable(source), (name, role)
                outcomes[(name, role)] = "ok"
            else:
                with pytest.raises(PermissionDeniedError) as err:
                    workflow.perform(lite, name, number, pid, data)
                assert err.value.zh and err.value.en
                assert snapshot(lite, number) == before, (name, role)
                outcomes[(name, role)] = "refused"
    assert len(outcomes) == len(transitions.TRANSITIONS) * len(Role)
    assert sum(v == "ok" for v in outcomes.values()) == sum(
        len(t.roles) for t in transitions.TRANSITIONS.values())
    # the roles of the issue, spot-checked against the table
    assert outcomes[("cancel", Role.SUPPORT)] == "ok"
    assert outcomes[("cancel", Role.ENGINEER)] == "refused"
    assert outcomes[("change_level", Role.SUPPORT_LEAD)] == "ok"
    assert outcomes[("change_level", Role.SUPPORT)] == "refused"
    assert outcomes[("dispatch", Role.SUPPORT)] == "refused"
    assert outcomes[("confirm", Role.BUSINESS_CONFIRMER)] == "ok"
    assert outcomes[("verify", Role.VERIFIER)] == "ok"
    assert all(outcomes[(n, Role.REPORTER)] == "refused" for n in transitions.TRANSITIONS)
    assert all(outcomes[(n, Role.ADMIN)] == "refused" for n in transitions.TRANSITIONS)


@pytest.fixture
def by_status(lite: Database, lite_ids: dict[str, int]) -> dict[Status, str]:
    """One ticket in each state."""
    out = {s: prepared(lite, lite_ids, s, "SALES005") for s in (
        S.REPORTED, S.TRIAGE, S.DISPATCHED, S.DIAGNOSING, S.SOLUTION_PROPOSED,
        S.IMPLEMENTING, S.VERIFYING, S.RESOLVED, S.ARCHIVED)}
    out[S.CANCELLED] = report(lite, lite_ids)
    workflow.perform(lite, "cancel", out[S.CANCELLED], lite_ids["IT001"], {"reason": "重复"})
    return out


# a demo person allowed to fire each transition
ACTOR = {"triage": "IT001", "solve_on_spot": "IT001", "dispatch": "LEAD01",
         "analyse": "OP003", "propose": "OP003", "confirm": "BIZ006", "approve": "CTO01", "reject": "BIZ006",
         "step": "OP003", "restore": "OP003", "submit_verification": "OP003",
         "verify": "SALES005", "archive": "LEAD01", "cancel": "IT001",
         "change_level": "LEAD01", "pause": "OP003", "resume": "OP003"}


def test_state_matrix(lite: Database, lite_ids: dict[str, int],
                      by_status: dict[Status, str]) -> None:
    """Every transition from every state outside its sources is refused, changing nothing."""
    refused = 0
    for name, spec in transitions.TRANSITIONS.items():
        for status, number in by_status.items():
            if status in spec.sources:
                continue
            before = snapshot(lite, number)
            with pytest.raises(InvalidTransitionError) as err:
                workflow.perform(lite, name, number, lite_ids[ACTOR[name]],
                                 sample_data(name, lite_ids, lite_ids[ACTOR[name]]))
            assert status.label_zh in err.value.zh and status.label_en in err.value.en
            assert snapshot(lite, number) == before
            refused += 1
    assert refused == sum(len(Status) - len(t.sources) for t in transitions.TRANSITIONS.values())


def test_required_fields_are_named(lite: Database, lite_ids: dict[str, int],
                                   by_status: dict[Status, str]) -> None:
    checked = 0
    for name, spec in transitions.TRANSITIONS.items():
        number = by_status[SOURCE[name]]
        actor = lite_ids[ACTOR[name]]
        for field_name in spec.required:
            before = snapshot(lite, number)
            for blank in (None, "   "):
                data = dict(sample_data(name, lite_ids, actor))
                if blank is None:
                    data.pop(field_name)
                else:
                    data[field_name] = blank
                with pytest.raises(ValidationError) as err:
                    workflow.perform(lite, name, number, actor, data)
                assert field_name in err.value.fields, (name, field_name)
                zh, en = err.value.fields[field_name]
                assert zh and en and zh != en
            assert snapshot(lite, number) == before
            checked += 1
    assert checked == sum(len(t.required) for t in transitions.TRANSITIONS.values())


@pytest.mark.parametrize(("name", "data", "field"), [
    ("triage", dict(TRIAGE, fault_type="XYZ"), "fault_type"),
    ("triage", dict(TRIAGE, level="high"), "level"),
    ("triage", dict(TRIAGE, reproducible="no"), "reproducible"),
    ("triage", dict(TRIAGE, first_contact="长" * 20_001), "first_contact"),
    ("triage", dict(TRIAGE, confirmed_details="a\x00b"), "confirmed_details"),
])
def test_bad_values_are_named(db: Database, demo_people: dict[str, int], name: str,
                              data: dict[str, Any], field: str) -> None:
    number = report(db, demo_people)
    before = snapshot(db, number)
    with pytest.raises(ValidationError) as err:
        workflow.perform(db, name, number, demo_people["IT001"], data)
    assert field in err.value.fields
    assert snapshot(db, number) == before


def test_verify_items_must_be_records(lite: Database, lite_ids: dict[str, int]) -> None:
    number = prepared(lite, lite_ids, S.VERIFYING, "SALES005")
    before = snapshot(lite, number)
    with pytest.raises(ValidationError) as err:
        workflow.perform(lite, "verify", number, lite_ids["SALES005"],
                         dict(VERIFY_PASS, items=["just text"]))
    assert "items" in err.value.fields
    assert snapshot(lite, number) == before


def test_reachable_targets_are_documented() -> None:
    for spec in transitions.TRANSITIONS.values():
        for source in spec.sources:
            reach = spec.reachable(source)
            assert reach, spec.name
            if spec.target is not None:
                assert reach == {spec.target}
            else:
                assert source in reach


def iter_pairs() -> Iterator[tuple[str, Role]]:
    for name in transitions.TRANSITIONS:
        for role in Role:
            yield name, role


def test_allowed_for_matches_the_table() -> None:
    for name, role in iter_pairs():
        spec = transitions.TRANSITIONS[name]
        for status in Status:
            listed = spec in transitions.allowed_for({role}, status)
            assert listed == (role in spec.roles and status in spec.sources)
