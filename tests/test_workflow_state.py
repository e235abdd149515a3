"""Random walks through the process: people fire random transitions at a few tickets.

A hypothesis state machine draws who acts, which transition, on which ticket, with
complete or incomplete data, and checks after every call that

* an accepted call reached a state the table allows (its target, or for a
  handler-decided transition one of ``Transition.reachable``), raised the version by
  one and left exactly one event;
* a refused call raised the error its cause calls for (role → PermissionDeniedError,
  state → InvalidTransitionError, missing field → ValidationError naming it), changed
  nothing and left no event;
* no deadline precedes the report.

Small by default (runs in seconds); ``DESK_NIGHTLY=1`` runs 200 examples of 50 steps.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.db import Database
from desk.errors import (
    DeskError,
    InvalidTransitionError,
    PermissionDeniedError,
    ValidationError,
)
from desk.process import people, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.rules import transitions
from models import Event, FaultLevel, FaultType, PersonRole, Role, Ticket
from tests.conftest import NIGHTLY, nightly

MACHINE_SETTINGS = settings(
    max_examples=nightly(200, 15),
    stateful_step_count=nightly(50, 30),
    deadline=None,
    derandomize=not NIGHTLY,  # the quick run is the same on every machine; nightly explores
    database=None,  # no example files in the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

TICKETS_PER_EXAMPLE = 3
VISITED: set[Any] = set()  # states an accepted transition left from, over the whole run
VERIFIERS = ("SALES005", "BIZ006", "FIN007")


def sample_data(name: str, ids: dict[str, int], draw: Callable[[st.SearchStrategy[Any]], Any]
                ) -> dict[str, Any]:
    """Valid data for a transition, with the free choices drawn at random."""
    if name == "triage":
        return {"first_contact": "已电话联系。", "fault_type": draw(st.sampled_from(
            [t.value for t in FaultType])), "level": draw(st.sampled_from([1, 2, 3])),
            "reproducible": draw(st.booleans())}
    if name == "solve_on_spot":
        return {"temporary_solution": "远程指导。"}
    if name == "dispatch":
        level = draw(st.sampled_from([1, 2, 3]))
        if level == 1:
            return {"level": 1, "coordinator_id": ids["CTO01"],
                    "team": [(ids["OP003"], "ops"), (ids["DBA004"], "database")]}
        if level == 2:
            return {"level": 2, "lead_engineer_id": ids["DEV002"],
                    "business_contact_id": ids["BIZ006"]}
        return {"level": 3, "module_engineer_id": ids["OP003"]}
    if name == "analyse":
        return {"root_cause": "配置错误。", "impact_assessment": "一个部门。",
                "analysis_report_required": draw(st.booleans())}
    if name == "propose":
        return {"long_term_solution": "修正配置并加监控。"}
    if name == "step":
        return {"action": "修改配置", "state_after": "正常"}
    if name == "restore":
        return {"kind": draw(st.sampled_from(["workaround", "restored"])), "description": "已恢复"}
    if name == "submit_verification":
        return {"verifier_id": ids[draw(st.sampled_from(VERIFIERS))]}
    if name == "verify":
        return {"passed": draw(st.booleans()), "environment": "生产", "checked": "复测"}
    if name == "archive":
        return {"summary": "总结", "prevention_measures": "预防"}
    if name == "cancel":
        return {"reason": "重复报障"}
    if name == "change_level":
        return {"level": draw(st.sampled_from([1, 2, 3])), "reason": "影响变化"}
    return {}


class ProcessMachine(RuleBasedStateMachine):
    """Set ``db``, ``clock``, ``ids`` and ``actors`` on the class before running."""

    db: Database
    clock: Any
    ids: dict[str, int]
    actors: list[tuple[str, int, frozenset[Role]]]

    def __init__(self) -> None:
        super().__init__()
        self.numbers = [
            report_fault(self.db, FaultReport(
                fault_type=FaultType.SYSTEM, level=level, affected_business="随机业务",
                phenomenon="随机现象"), self.ids["SALES005"]).number
            for level in (FaultLevel.URGENT, FaultLevel.IMPORTANT, FaultLevel.GENERAL)
        ][:TICKETS_PER_EXAMPLE]
        self.accepted = 0
        self.refused = 0

    def snapshot(self, number: str) -> tuple[int, Any, int, int]:
        """(version, status, events of the ticket, all events)."""
        with self.db.read() as session:
            ticket = session.scalar(select(Ticket).where(Ticket.number == number))
            assert ticket is not None
            mine = session.scalar(select(func.count(Event.id)).where(
                Event.ticket_id == ticket.id))
            total = session.scalar(select(func.count(Event.id)))
            return ticket.version, ticket.status, int(mine or 0), int(total or 0)

    @rule(minutes=st.integers(min_value=0, max_value=600))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule(which=st.integers(min_value=0, max_value=TICKETS_PER_EXAMPLE - 1),
          name=st.sampled_from(sorted(transitions.TRANSITIONS)),
          actor=st.integers(min_value=0, max_value=1000),
          complete=st.booleans(),
          data=st.data())
    def fire(self, which: int, name: str, actor: int, complete: bool,
             data: st.DataObject) -> None:
        """Anyone fires anything: mostly refusals."""
        self.attempt(self.numbers[which], name, self.actors[actor % len(self.actors)],
                     complete, data)

    @rule(which=st.integers(min_value=0, max_value=TICKETS_PER_EXAMPLE - 1),
          pick=st.integers(min_value=0, max_value=1000),
          complete=st.integers(min_value=0, max_value=9),
          data=st.data())
    def progress(self, which: int, pick: int, complete: int, data: st.DataObject) -> None:
        """A person who may fires a transition the ticket's state allows, so that the
        walks get deep into the process (mostly with complete data)."""
        number = self.numbers[which]
        with self.db.read() as session:
            ticket = session.scalar(select(Ticket).where(Ticket.number == number))
            assert ticket is not None
            status, verifier = ticket.status, ticket.verifier_id
        names = [n for n, t in sorted(transitions.TRANSITIONS.items()) if status in t.sources]
        if not names:
            return
        name = names[pick % len(names)]
        spec = transitions.TRANSITIONS[name]
        able = [a for a in self.actors if a[2] & spec.roles]
        if name == "verify" and verifier is not None and pick % 4:
            able = [a for a in able if a[1] == verifier] or able
        actor = able[(pick // len(names)) % len(able)]
        self.attempt(number, name, actor, complete > 0, data)

    @rule(which=st.integers(min_value=0, max_value=TICKETS_PER_EXAMPLE - 1),
          pick=st.integers(min_value=0, max_value=1000),
          data=st.data())
    def progress_with_complete_data(self, which: int, pick: int, data: st.DataObject) -> None:
        """The same, always complete: rules are drawn evenly, so this doubles the odds
        of a walk reaching implementation, verification and closing."""
        self.progress(which, pick, 1, data)

    @rule(which=st.integers(min_value=0, max_value=TICKETS_PER_EXAMPLE - 1),
          pick=st.integers(min_value=0, max_value=1000),
          data=st.data())
    def progress_again(self, which: int, pick: int, data: st.DataObject) -> None:
        self.progress(which, pick, 1, data)

    def attempt(self, number: str, name: str, actor: tuple[str, int, frozenset[Role]],
                complete: bool, data: st.DataObject) -> None:
        spec = transitions.TRANSITIONS[name]
        who, pid, roles = actor
        payload = sample_data(name, self.ids, data.draw)
        dropped: str | None = None
        if not complete and spec.required:
            dropped = data.draw(st.sampled_from(spec.required))
            if data.draw(st.booleans()):
                payload.pop(dropped, None)
            else:
                payload[dropped] = "  "
        version, status, mine, total = self.snapshot(number)
        try:
            detail = workflow.perform(self.db, name, number, pid, payload)
        except DeskError as exc:
            self.refused += 1
            assert self.snapshot(number) == (version, status, mine, total), (name, who)
            assert exc.zh and exc.en
            if not roles & spec.roles:
                assert isinstance(exc, PermissionDeniedError), (name, who, exc.en)
            elif status not in spec.sources:
                assert isinstance(exc, InvalidTransitionError), (name, who, exc.en)
            elif dropped is not None:
                assert isinstance(exc, ValidationError) and dropped in exc.fields, exc.en
            return
        self.accepted += 1
        VISITED.add(status)
        assert roles & spec.roles, f"{who} may not {name}"
        assert status in spec.sources, f"{name} from {status}"
        assert dropped is None, f"{name} accepted without {dropped}"
        after = self.snapshot(number)
        assert after[1] in spec.reachable(status), f"{name}: {status} -> {after[1]}"
        assert detail.status == after[1]
        assert after[0] == version + 1
        assert after[2] == mine + 1 and after[3] == total + 1

    @invariant()
    def deadlines_never_precede_the_report(self) -> None:
        with self.db.read() as session:
            for number in self.numbers:
                t = session.scalar(select(Ticket).where(Ticket.number == number))
                assert t is not None
                assert t.respond_due_at is not None and t.restore_due_at is not None
                assert t.respond_due_at > t.reported_at
                assert t.restore_due_at >= t.respond_due_at
                if t.responded_at is not None:
                    assert t.responded_at >= t.reported_at


@pytest.fixture
def machine_db(sqlite_url: str, make_db: Callable[[str], object], clock: Any
               ) -> tuple[Database, Any, dict[str, int], list[tuple[str, int, frozenset[Role]]]]:
    db = make_db(sqlite_url)
    assert isinstance(db, Database)
    ids = ensure_people(db)

    def add_single_role_people(session: Any) -> None:
        for role in Role:
            p = people.add_person(session, f"ONE-{role.value}", f"单一{role.label_zh}",
                                  "测试部", {role})
            p.role_rows = [PersonRole(role=role)]  # add_person also makes them a reporter
            session.flush()
            ids[p.employee_no] = p.id

    db.write(add_single_role_people)
    actors = []
    with db.read() as session:
        from models import Person

        for no, pid in sorted(ids.items()):
            person = session.get(Person, pid)
            assert person is not None
            actors.append((no, pid, person.roles))
    return db, clock, ids, actors


def test_random_walks_stay_inside_the_table(
        machine_db: tuple[Database, Any, dict[str, int], list[tuple[str, int, frozenset[Role]]]]
) -> None:
    db, clock, ids, actors = machine_db
    ProcessMachine.db, ProcessMachine.clock = db, clock
    ProcessMachine.ids, ProcessMachine.actors = ids, actors
    totals = {"accepted": 0, "refused": 0}

    class Counting(ProcessMachine):
        def teardown(self) -> None:
            totals["accepted"] += self.accepted
            totals["refused"] += self.refused

    VISITED.clear()
    run_state_machine_as_test(Counting, settings=MACHINE_SETTINGS)
    # the walk must have done something in both directions to prove anything
    assert totals["accepted"] > 0 and totals["refused"] > 0
    with db.read() as session:
        statuses = set(session.scalars(select(Ticket.status)))
    assert len(statuses) >= 3
    # the walks went deep: accepted transitions left from most of the states
    assert len(VISITED) >= int(os.environ.get("DESK_STATE_MIN_VISITED", "5")), sorted(VISITED)
