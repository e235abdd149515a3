"""Two desks at once: the workflow with two concurrent actors on one real database.

Two ``Database`` objects (two engines, as two computers would have) on one PostgreSQL
database — and on one SQLite file — each driven by its own thread, fire random
transitions and direct edits at a few shared tickets, each call carrying the version
the desk last read. Afterwards, for every ticket:

* replaying its events' status changes from the report ends in the ticket's status,
  and each change starts where the previous one ended;
* the versions the accepted calls returned are exactly 2, 3, …, version — strictly
  increasing, none handed out twice (no lost update);
* its events are one report plus one per accepted call.

Small in the suite (10 examples × 30 steps per actor); ``DESK_NIGHTLY=1`` runs
200 × 50.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.db import Database
from desk.errors import DeskError
from desk.process import editing, people, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.rules import transitions
from models import Event, FaultLevel, FaultType, Role, Status, Ticket
from tests.conftest import nightly

EXAMPLES = nightly(200, 10)
STEPS = nightly(50, 30)
TICKETS = 3
VERIFIERS = ("SALES005", "BIZ006", "FIN007")
WEIGHTS = {"cancel": 0.1, "change_level": 0.3, "solve_on_spot": 0.3, "archive": 0.5}


def _data(name: str, ids: dict[str, int], rng: random.Random) -> dict[str, Any]:
    """Valid data for a transition, free choices drawn at random."""
    level = rng.choice([1, 2, 3])
    table: dict[str, Callable[[], dict[str, Any]]] = {
        "triage": lambda: {"first_contact": "已电话联系。", "level": level,
                           "fault_type": rng.choice([t.value for t in FaultType])},
        "solve_on_spot": lambda: {"temporary_solution": "远程指导。"},
        "dispatch": lambda: (
            {"level": 1, "coordinator_id": ids["CTO01"],
             "team": [(ids["OP003"], "ops"), (ids["DBA004"], "database")]} if level == 1 else
            {"level": 2, "lead_engineer_id": ids["DEV002"], "business_contact_id": ids["BIZ006"]}
            if level == 2 else {"level": 3, "module_engineer_id": ids["OP003"]}),
        "analyse": lambda: {"root_cause": "配置错误。", "impact_assessment": "一个部门。"},
        "propose": lambda: {"long_term_solution": "修正配置。"},
        "step": lambda: {"action": "修改配置", "state_after": "正常"},
        "restore": lambda: {"kind": rng.choice(["workaround", "restored"]), "description": "已恢复"},
        "submit_verification": lambda: {"verifier_id": ids[rng.choice(VERIFIERS)]},
        "verify": lambda: {"passed": rng.random() < 0.7, "environment": "生产", "checked": "复测"},
        "archive": lambda: {"summary": "总结", "prevention_measures": "预防"},
        "cancel": lambda: {"reason": "重复报障"},
        "change_level": lambda: {"level": level, "reason": "影响变化"},
    }
    return table.get(name, dict)()


@dataclass
class Actor:
    """One desk: its own engine, and what it was told was accepted."""

    db: Database
    ids: dict[str, int]
    people: list[tuple[int, frozenset[Role], bool]]  # id, roles, may edit as reporter
    rng: random.Random
    accepted: list[tuple[int, str, int]] = field(default_factory=list)  # ticket, action, version
    refused: int = 0
    bug: BaseException | None = None

    def step(self, ticket_ids: list[int]) -> bool:
        """One call at a ticket still open; False when every ticket is closed."""
        with self.db.read() as s:
            rows = s.execute(select(Ticket.id, Ticket.version, Ticket.status, Ticket.verifier_id,
                                    Ticket.reported_by_id).where(Ticket.id.in_(ticket_ids))
                             ).all()
        open_rows = [r for r in rows if any(r[2] in t.sources
                                            for t in transitions.TRANSITIONS.values())]
        if not open_rows:
            return False
        tid, version, status, verifier, reporter = self.rng.choice(open_rows)
        if self.rng.random() < 0.25:
            self._edit(tid, version, status, reporter)
            return True
        names = [n for n, t in transitions.TRANSITIONS.items() if status in t.sources]
        # closing a ticket early ends its walk: cancel and level changes come rarely
        weights = [WEIGHTS.get(n, 1.0) for n in names]
        name = self.rng.choices(names, weights)[0]
        spec = transitions.TRANSITIONS[name]
        able = [p for p in self.people if p[1] & spec.roles]
        if name == "verify" and verifier is not None:
            able = [p for p in able if p[0] == verifier] or able
        pid = self.rng.choice(able)[0]
        # mostly the version this desk read; sometimes "whatever is there now"
        expected = version if self.rng.random() < 0.8 else None
        try:
            detail = workflow.perform(self.db, name, tid, pid, _data(name, self.ids, self.rng),
                                      expected)
        except DeskError:
            self.refused += 1
            return True
        self.accepted.append((tid, name, detail.version))
        return True

    def _edit(self, tid: int, version: int, status: Status, reporter: int | None) -> None:
        choices = []
        for pid, roles, _ in self.people:
            fields = [f for f in editing.editable_for(status, roles, reporter == pid)
                      if editing.FIELDS[f][0] == "text"]
            if fields:
                choices.append((pid, fields))
        if not choices:
            return
        pid, fields = self.rng.choice(choices)
        name = self.rng.choice(fields)
        try:
            detail = editing.update_fields(self.db, tid, pid,
                                           {name: f"改写 {self.rng.randrange(10**6)}"}, version)
        except DeskError:
            self.refused += 1
            return
        self.accepted.append((tid, "edit", detail.version))

    def run(self, ticket_ids: list[int], steps: int, start: threading.Barrier) -> None:
        try:
            start.wait()
            for _ in range(steps):
                if not self.step(ticket_ids):
                    break
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            self.bug = exc


def _people(db: Database) -> list[tuple[int, frozenset[Role], bool]]:
    return [(p.id, frozenset(p.roles), True) for p in people.list_people(db) if p.roles]


def _check(db: Database, ticket_ids: list[int], actors: list[Actor]) -> None:
    accepted = [a for actor in actors for a in actor.accepted]
    with db.read() as s:
        for tid in ticket_ids:
            ticket = s.get(Ticket, tid)
            assert ticket is not None
            events = s.scalars(select(Event).where(Event.ticket_id == tid)
                               .order_by(Event.id)).all()
            mine = [a for a in accepted if a[0] == tid]
            assert events[0].action == "report"
            assert len(events) == 1 + len(mine), (ticket.number, len(events), len(mine))
            assert sorted(a[2] for a in mine) == list(range(2, ticket.version + 1)), \
                f"{ticket.number}: versions {sorted(a[2] for a in mine)} vs {ticket.version}"
            assert sorted(e.action for e in events[1:]) == sorted(a[1] for a in mine)
            status: str | None = None
            for e in events:
                change = (e.changes or {}).get("status")
                if change is None:
                    continue
                assert change["before"] == status, (ticket.number, e.action, change, status)
                status = change["after"]
            assert status == ticket.status.value, (ticket.number, status, ticket.status)


@pytest.mark.parametrize("backend", ["pg", "sqlite"])
def test_two_desks_at_once_keep_every_ticket_consistent(
        backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> None:
    url = (request.getfixturevalue("pg_db_url") if backend == "pg"
           else f"sqlite:///{tmp_path}/desk.sqlite3")
    dbs = [open_database(url), open_database(url)]
    try:
        ids = ensure_people(dbs[0])
        everyone = _people(dbs[0])
        rng = random.Random(20261127)
        total_accepted = 0
        for example in range(EXAMPLES if backend == "pg" else max(3, EXAMPLES // 3)):
            ticket_ids = [report_fault(dbs[0], FaultReport(
                fault_type=FaultType.SYSTEM, level=FaultLevel(rng.choice([1, 2, 3])),
                affected_business="并发业务", phenomenon=f"第 {example} 组"), ids["SALES005"]).id
                for _ in range(TICKETS)]
            actors = [Actor(db, ids, everyone, random.Random(rng.randrange(1 << 30)))
                      for db in dbs]
            start = threading.Barrier(len(actors))
            threads = [threading.Thread(target=a.run, args=(ticket_ids, STEPS, start))
                       for a in actors]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for a in actors:
                if a.bug is not None:
                    raise a.bug
            _check(dbs[0], ticket_ids, actors)
            total_accepted += sum(len(a.accepted) for a in actors)
        assert total_accepted > 0
    finally:
        for db in dbs:
            db.dispose()
