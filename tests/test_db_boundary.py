"""The database is the boundary: each person is their own PostgreSQL login, and what a
login can do in psql is no more than what the person's Desk roles allow.

Two Desk databases are set up on the shared server once for the module (``desk db
init``, the demo people with a login each, the demo faults); the attack suite connects
with psycopg as each role's login, as psql would, tries what should be refused, and
checks that every table is exactly as before. The same suite runs against both
databases, and a login of one may not even connect to the other. The server trusts
local connections, so passwords are tested in ``test_sign_in_pg.py`` on a cluster of
its own.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import ColumnDefault, text

from desk.admin import pg_setup
from desk.admin.demo import add_demo_data
from desk.bootstrap import open_database
from desk.db import Database
from desk.errors import PermissionDeniedError
from desk.process import attachments, auth, editing, reporting, workflow
from desk.process.reporting import FaultReport
from desk.rules.transitions import TRANSITIONS
from desk.rules.values import plain
from models import FaultType, Role, Status, Ticket
from tests.conftest import PG_ADMIN_URL, require_pg

pytestmark = pytest.mark.pg


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@dataclass
class Team:
    """One Desk database: its owner URL, its people's logins, some ticket ids."""

    name: str
    owner_url: str
    logins: dict[str, str]  # employee number -> login
    ids: dict[str, int]  # employee number -> person id
    tickets: dict[str, int]  # status -> a ticket id in that status
    attachment_id: int
    group: str

    def url(self, login: str) -> str:
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgres@", f"{login}@", 1)
        return f"{base}/{self.name}"

    def connect(self, no: str) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq(self.url(self.logins[no])))

    def owner(self) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq(self.owner_url), autocommit=True)


# one person per Desk role holding only that role, for the role x transition matrix
SINGLE_ROLE = {role: f"ONLY_{role.value.upper()}"[:32] for role in Role}


def _make_team() -> Team:
    name = f"desk_bnd_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    owner_url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    pg_setup.init_database(owner_url, open_db=open_database, admin_no="ADMIN",
                           admin_name="系统管理员", admin_password="admin-pass-1",
                           say=lambda _line: None)
    owner = open_database(owner_url)
    try:
        add_demo_data(owner)
        with owner.engine.begin() as conn:  # every demo person gets a login of their own
            rows = conn.execute(text(
                "SELECT p.id, p.employee_no, p.name, array_agg(r.role) FROM people p "
                "JOIN person_roles r ON r.person_id = p.id WHERE p.db_login IS NULL "
                "GROUP BY p.id")).all()
            for pid, no, pname, roles in rows:
                conn.execute(text("SELECT desk_save_person(:i, :n, :m, '', '', '', "
                                  "CAST(:r AS text[]), true, false, NULL)"),
                             {"i": pid, "n": no, "m": pname, "r": roles})
            for role, no in SINGLE_ROLE.items():
                conn.execute(text("SELECT desk_save_person(NULL, :n, :m, '', '', '', "
                                  "CAST(:r AS text[]), true, false, NULL)"),
                             {"n": no, "m": f"只有{role.value}", "r": [role.value]})
            conn.execute(text("SELECT desk_save_person(NULL, 'MON01', '监控脚本', '', '', '', "
                              "ARRAY['reporter'], true, true, NULL)"))
            logins = dict(conn.execute(text("SELECT employee_no, db_login FROM people")).all())
            ids = dict(conn.execute(text("SELECT employee_no, id FROM people")).all())
            tickets = dict(conn.execute(text(
                "SELECT status, max(id) FROM tickets GROUP BY status")).all())
            group = str(conn.execute(text("SELECT desk_group_role()")).scalar_one())
        # a fault in each state the demo has not got, made by the owner (no checks)
        for status in Status:
            if status.value not in tickets:
                detail = reporting.report_fault(owner, FaultReport(
                    fault_type=FaultType.OTHER, affected_business="测试", phenomenon="状态",
                    reporter_name="孙丽"), ids["SALES005"])
                with owner.engine.begin() as conn:
                    conn.execute(text("UPDATE tickets SET status = :s, version = version + 1 "
                                      "WHERE id = :i"), {"s": status.value, "i": detail.id})
                tickets[status.value] = detail.id
    finally:
        owner.dispose()
    # an attachment added by IT001 through Desk, connected as IT001
    it = open_database(Team(name, owner_url, logins, ids, tickets, 0, group)
                       .url(logins["IT001"]), upgrade=False)
    try:
        view = attachments.add_attachment(it, tickets["diagnosing"], ids["IT001"],
                                          io.BytesIO(b"log line 1\nlog line 2\n"),
                                          name="app.log")
    finally:
        it.dispose()
    return Team(name, owner_url, logins, ids, tickets, view.id, group)


def _drop_team(team: Team) -> None:
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{team.name}" WITH (FORCE)')
        tag = team.group.removeprefix("desk_")
        roles = [r[0] for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname = %s "
            "ORDER BY length(rolname) DESC", (f"{tag}\\_%", team.group)).fetchall()]
        roles += [r[0] for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{team.group}\\_r\\_%",))]
        for role in dict.fromkeys(roles):
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture(scope="module")
def teams() -> Iterator[tuple[Team, Team]]:
    require_pg()
    made: list[Team] = []
    try:
        made.append(_make_team())
        made.append(_make_team())
        yield made[0], made[1]
    finally:
        for team in made:
            _drop_team(team)


@pytest.fixture(scope="module", params=["first", "second"])
def team(request: pytest.FixtureRequest, teams: tuple[Team, Team]) -> Team:
    return teams[0] if request.param == "first" else teams[1]


def fingerprint(team: Team) -> dict[str, str]:
    """Every table's content (and the roles and their members), as the owner sees it."""
    with team.owner() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        out = {t: conn.execute(f'SELECT md5(coalesce(string_agg(x::text, \'|\' ORDER BY '
                               f'x::text), \'\')) FROM "{t}" x').fetchone()[0]  # type: ignore[index]
               for t in tables}
        out["roles"] = str(conn.execute(
            "SELECT string_agg(r.rolname || ':' || r.rolcanlogin || ':' || "
            "coalesce(r.rolpassword, ''), ',' ORDER BY r.rolname) FROM pg_authid r "
            "WHERE r.rolname LIKE %s", (f"%{team.group.removeprefix('desk_')}%",)).fetchone())
        out["members"] = str(conn.execute(
            "SELECT string_agg(g.rolname || '>' || m.rolname, ',' "
            "ORDER BY g.rolname || '>' || m.rolname) "
            "FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname LIKE %s",
            (f"{team.group}%",)).fetchone())
    return out


# -- the attack suite ---------------------------------------------------------------
# (who, what they try). ``{t:STATUS}`` is a ticket in that state, ``{p:NO}`` a person's
# id, ``{l:NO}`` a person's login, ``{a}`` the stored attachment, ``{g}`` the group
# role, ``{g:ROLE}`` a Desk role's group role.

EVENT = ("INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason) "
         "VALUES ({t}, {p}, now(), '{action}', '{{}}', '{{}}', '')")


def ev(ticket: str, action: str, person: str = "IT001") -> str:
    return EVENT.format(t="{t:" + ticket + "}", p="{p:" + person + "}", action=action)


TODAY = "(now() AT TIME ZONE 'UTC')::date"


def _new_fault() -> tuple[str, str]:
    """A new fault as ``desk_report`` takes it (every column, the defaults of the model)
    and the changes of its event, as SQL literals."""
    now = datetime.now(UTC).isoformat()
    row: dict[str, Any] = {c.key: plain(c.default.arg) if isinstance(c.default, ColumnDefault)
                           else None for c in Ticket.__table__.columns if not c.primary_key}
    row.update(fault_type="SYS", level=3, occurred_at=now, reported_at=now,
               reporter_name="孙丽", affected_business="OA", phenomenon="页面 500")
    changes = {f: {"before": None, "after": row[f]} for f in (
        "status", "fault_type", "level", "occurred_at", "reported_at", "reporter_name",
        "affected_business", "phenomenon")}
    return (f"'{json.dumps(row, ensure_ascii=False)}'::jsonb",
            f"'{json.dumps(changes, ensure_ascii=False)}'::jsonb")


ATTACKS: list[tuple[str, str, list[str]]] = [
    # credentials and people
    ("read password verifiers", "IT001", ["SELECT rolpassword FROM pg_authid"]),
    ("read pg_shadow", "LEAD01", ["SELECT passwd FROM pg_shadow"]),
    ("add oneself as admin", "IT001",
     ["INSERT INTO person_roles (person_id, role) VALUES ({p:IT001}, 'admin')"]),
    ("replace the admin's password hash", "LEAD01",
     ["UPDATE people SET password_hash = 'x' WHERE employee_no = 'ADMIN'"]),
    ("remove the admin's role", "LEAD01", ["DELETE FROM person_roles WHERE role = 'admin'"]),
    ("take over the admin's login name", "IT001",
     ["UPDATE people SET db_login = NULL WHERE employee_no = 'ADMIN'"]),
    ("disable the admin", "CTO01", ["UPDATE people SET active = false WHERE employee_no = 'ADMIN'"]),
    ("add a person with the admin function", "IT001",
     ["SELECT desk_save_person(NULL, 'EVIL', '黑客', '', '', '', ARRAY['admin'], true, false, "
      "NULL)"]),
    ("set the admin's password with the function", "LEAD01",
     ["SELECT desk_set_password({p:ADMIN}, 'SCRAM-SHA-256$4096:c2FsdA==$eA==:eQ==')"]),
    ("ALTER ROLE another's password", "IT001", ["ALTER ROLE {l:ADMIN} PASSWORD 'x12345678'"]),
    ("grant oneself the admin group role", "IT001", ["GRANT {g:admin} TO {l:IT001}"]),
    ("create a login role", "LEAD01", ["CREATE ROLE desk_evil_login LOGIN"]),
    ("become the owner", "IT001", ["SET ROLE postgres"]),
    ("admin sends a clear password", "ADMIN",
     ["SELECT desk_set_password({p:IT001}, 'clear-password')"]),
    ("admin makes the service account an admin", "ADMIN",
     ["SELECT desk_save_person({p:MON01}, 'MON01', '监控脚本', '', '', '', ARRAY['admin'], "
      "true, true, NULL)"]),
    ("admin gives an unknown role", "ADMIN",
     ["SELECT desk_save_person({p:IT001}, 'IT001', '刘洋', '', '', '', ARRAY['superuser'], "
      "true, false, NULL)"]),
    ("add a department", "LEAD01", ["INSERT INTO departments (name) VALUES ('黑客部')"]),
    # status and fields of a ticket
    ("archive without event or version", "LEAD01",
     ["UPDATE tickets SET status = 'archived' WHERE id = {t:resolved}"]),
    ("resolve with version but no event", "LEAD01",
     ["UPDATE tickets SET status = 'resolved', version = version + 1 WHERE id = {t:verifying}"]),
    ("verify without the verifier role", "LEAD01",
     ["UPDATE tickets SET status = 'resolved', version = version + 1 WHERE id = {t:verifying}",
      ev("verifying", "verify", "LEAD01")]),
    ("verify from the wrong state", "SALES005",
     ["UPDATE tickets SET status = 'resolved', version = version + 1 WHERE id = {t:triage}",
      ev("triage", "verify", "SALES005")]),
    ("approve as support", "IT001",
     ["UPDATE tickets SET status = 'implementing', version = version + 1 "
      "WHERE id = {t:solution_proposed}", ev("solution_proposed", "approve")]),
    ("dispatch twice in one change", "LEAD01",
     ["UPDATE tickets SET status = 'dispatched', version = version + 1 WHERE id = {t:triage}",
      ev("triage", "dispatch", "LEAD01"), ev("triage", "dispatch", "LEAD01")]),
    ("cancel with a dispatch event", "LEAD01",
     ["UPDATE tickets SET status = 'cancelled', version = version + 1 WHERE id = {t:triage}",
      ev("triage", "dispatch", "LEAD01")]),
    ("rewrite the phenomenon without version", "LEAD01",
     ["UPDATE tickets SET phenomenon = '改写' WHERE id = {t:reported}"]),
    ("rewrite the phenomenon without event", "LEAD01",
     ["UPDATE tickets SET phenomenon = '改写', version = version + 1 WHERE id = {t:reported}"]),
    ("edit a field the role may not edit", "DEV002",
     ["UPDATE tickets SET phenomenon = '改写', version = version + 1 WHERE id = {t:triage}",
      ev("triage", "edit", "DEV002")]),
    ("edit the summary before it is resolved", "LEAD01",
     ["UPDATE tickets SET summary = '总结', version = version + 1 WHERE id = {t:diagnosing}",
      ev("diagnosing", "edit", "LEAD01")]),
    ("freeze a ticket at the top version", "LEAD01",
     ["UPDATE tickets SET version = 2147483647 WHERE id = {t:triage}"]),
    ("lower a version", "LEAD01", ["UPDATE tickets SET version = 1 WHERE id = {t:archived}"]),
    ("change a number", "LEAD01",
     ["UPDATE tickets SET number = 'SYS-20000101-001', version = version + 1 "
      "WHERE id = {t:triage}", ev("triage", "edit", "LEAD01")]),
    ("delete a ticket", "LEAD01", ["DELETE FROM tickets WHERE id = {t:cancelled}"]),
    ("insert an archived ticket", "LEAD01",
     ["INSERT INTO tickets (number, status, version, fault_type, level, initial_level, "
      "affected_business, phenomenon, reporter_name, occurred_at, reported_at) "
      "SELECT 'OTH-20000101-001', 'archived', 1, fault_type, level, initial_level, "
      "affected_business, phenomenon, reporter_name, occurred_at, reported_at "
      "FROM tickets WHERE id = {t:reported}"]),
    ("add a team member without a step", "LEAD01",
     ["INSERT INTO team_members (ticket_id, person_id, duty) VALUES ({t:diagnosing}, "
      "{p:LEAD01}, 'member')"]),
    ("add an implementation step without the step", "DEV002",
     ["INSERT INTO implementation_steps (ticket_id, seq, action, state_after, done_by_id, "
      "done_at) VALUES ({t:implementing}, 99, '做了', '好了', {p:DEV002}, now())"]),
    # events
    ("insert an event with an id", "IT001",
     ["INSERT INTO events (id, ticket_id, actor_id, at, action, changes, details, reason) "
      "VALUES (999999, NULL, {p:CTO01}, now(), 'approve', '{{}}', '{{}}', '')"]),
    ("record an approval one may not give", "IT001", [ev("solution_proposed", "approve")]),
    ("rewrite an event's actor", "IT001", ["UPDATE events SET actor_id = {p:CTO01}"]),
    ("delete events", "ADMIN", ["DELETE FROM events"]),
    ("truncate events", "ADMIN", ["TRUNCATE events"]),
    # attachments
    ("replace an attachment's bytes", "IT001",
     ["UPDATE attachment_chunks SET data = 'evil' WHERE attachment_id = {a}"]),
    ("replace an attachment's sha256", "IT001",
     ["UPDATE attachments SET sha256 = repeat('0', 64) WHERE id = {a}"]),
    ("append bytes to a stored attachment", "IT001",
     ["INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ({a}, 99, 'more')"]),
    ("delete an attachment", "LEAD01", ["DELETE FROM attachments WHERE id = {a}"]),
    ("delete an attachment's bytes", "LEAD01",
     ["DELETE FROM attachment_chunks WHERE attachment_id = {a}"]),
    ("remove an attachment without its event", "IT001",
     ["UPDATE attachments SET removed_at = now(), removed_by_id = {p:IT001} WHERE id = {a}"]),
    ("remove another's attachment without the role", "SALES005",
     ["UPDATE attachments SET removed_at = now(), removed_by_id = {p:SALES005} WHERE id = {a}",
      ev("diagnosing", "remove_attachment", "SALES005")]),
    # counters
    ("reset a number counter", "IT001", ["UPDATE number_counters SET last_seq = 0"]),
    ("exhaust a number counter", "IT001", ["UPDATE number_counters SET last_seq = 2147483647"]),
    ("delete the counters", "LEAD01", ["DELETE FROM number_counters"]),
    ("burn numbers without reporting", "IT001",
     ["UPDATE number_counters SET last_seq = last_seq + 1"]),
    ("take a new day's first number without reporting", "IT001",
     ["INSERT INTO number_counters (fault_type, day, last_seq) VALUES ('NET', '2099-01-03', 1)"]),
    ("pre-take a day's numbers", "IT001",
     ["INSERT INTO number_counters (fault_type, day, last_seq) VALUES ('SYS', '2099-01-01', "
      "999)"]),
    ("take sequence values at will", "IT001", ["SELECT setval('tickets_id_seq', 1)"]),
    # settings, rules, calendar, outbox, knowledge base
    ("change a setting", "LEAD01",
     ["INSERT INTO settings (key, value) VALUES ('organisation', '\"黑客\"') "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value"]),
    ("add a notification rule", "LEAD01",
     ["INSERT INTO notification_rules (trigger, document, recipients, enabled, description) "
      "VALUES ('reported', 'report', 'evil@example.com', true, '')"]),
    ("declare a holiday", "LEAD01",
     ["INSERT INTO calendar_days (day, kind, name, source) VALUES ('2099-01-02', 'holiday', "
      "'假', 'manual')"]),
    ("queue mail without an event", "LEAD01",
     ["INSERT INTO outbox (ticket_id, trigger, document, recipients, subject, body, status, "
      "attempts, created_at, next_attempt_at, last_error) VALUES (NULL, 'reported', 'report', "
      "'evil@example.com', 's', 'b', 'queued', 0, now(), now(), '')"]),
    ("mark the outbox sent", "LEAD01", ["UPDATE outbox SET status = 'sent'"]),
    ("rewrite the transition table", "LEAD01",
     ["INSERT INTO rule_transitions (name, source, target, role) VALUES ('archive', "
      "'reported', 'archived', 'reporter')"]),
    ("empty the editing table", "ADMIN", ["DELETE FROM rule_edits"]),
    ("write a knowledge entry without an event", "LEAD01",
     ["UPDATE kb_entries SET symptom = '改写', version = version + 1"]),
    # pauses, lessons, group robots and the intake
    ("pause the clocks without the step", "IT001",
     ["INSERT INTO ticket_pauses (ticket_id, started_at, reason, started_by_id) VALUES "
      "({t:diagnosing}, now(), '拖延', {p:IT001})", ev("diagnosing", "note")]),
    ("remove the record of a pause", "LEAD01", ["DELETE FROM ticket_pauses"]),
    ("move a deadline without an event", "LEAD01",
     ["UPDATE tickets SET restore_due_at = restore_due_at + interval '30 days', "
      "version = version + 1 WHERE id = {t:diagnosing}"]),
    ("move a deadline behind a setting's event, not an administrator", "LEAD01",
     [EVENT.format(t="NULL", p="{p:LEAD01}", action="setting"),
      "UPDATE tickets SET restore_due_at = restore_due_at + interval '30 days', "
      "version = version + 1 WHERE id = {t:diagnosing}"]),
    ("rewrite a fault behind a setting's event", "ADMIN",
     [EVENT.format(t="NULL", p="{p:ADMIN}", action="setting"),
      "UPDATE tickets SET phenomenon = '改写', version = version + 1 "
      "WHERE id = {t:diagnosing}"]),
    ("rate a fault behind a note", "SALES005",
     ["UPDATE tickets SET satisfaction = 1, version = version + 1 WHERE id = {t:archived}",
      ev("archived", "note", "SALES005")]),
    ("cancel a fault by calling it a merge, as a verifier", "ONLY_VERIFIER",
     ["UPDATE tickets SET status = 'cancelled', version = version + 1 "
      "WHERE id = {t:triage}", ev("triage", "merge", "ONLY_VERIFIER")]),
    ("open a problem without an event", "LEAD01",
     ["INSERT INTO problems (version, number, title, symptom, affected_business, "
      "fault_type, state, root_cause, workaround, permanent_fix, created_at) VALUES "
      "(1, 'PRB-EVIL', '假', '', '', 'SYS', 'analysing', '', '', '', now())"]),
    ("add an action item without an event", "LEAD01",
     ["INSERT INTO action_items (title, owner_id, due_on, state, created_at, done_note) "
      "VALUES ('假', {p:IT001}, '2099-01-01', 'open', now(), '')"]),
    ("link two faults without an event", "IT001",
     ["INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES "
      "({t:triage}, {t:diagnosing}, 'related', now())"]),
    ("add a group robot", "LEAD01",
     ["INSERT INTO channels (name, kind, url, secret, per_minute, enabled, created_at) "
      "VALUES ('黑', 'webhook', 'https://evil.example.com/', '', 60, true, now())"]),
    ("read a group robot's secret", "IT001", ["SELECT url, secret FROM channels"]),
    ("write the intake log", "LEAD01",
     ["INSERT INTO intake_log (at, source, outcome, detail) VALUES (now(), 'mail', "
      "'filed', '假')"]),
    ("tie an alert to a fault", "IT001",
     ["INSERT INTO alert_links (key, ticket_id, created_at, firings) VALUES "
      "('evil', {t:triage}, now(), 1)"]),
    # reporting through desk_report (migration 0015): {r} a valid new fault, {c} its changes
    ("report as another person through the function", "IT001",
     [f"SELECT desk_report({{r}}, {{c}}, {TODAY}, {{p:CTO01}})"]),
    ("report a fault that comes with an assignee", "LEAD01",
     [f"SELECT desk_report(jsonb_set({{r}}, '{{assignee_id}}', '{{p:LEAD01}}'), {{c}}, {TODAY}, "
      "NULL)"]),
    ("report a fault already resolved", "SALES005",
     [f"SELECT desk_report(jsonb_set({{r}}, '{{resolved_at}}', to_jsonb(now())), {{c}}, {TODAY}, "
      "NULL)"]),
    ("take a number of another day by reporting", "IT001",
     ["SELECT desk_report({r}, {c}, '2099-01-01', NULL)"]),
    ("report with an event that says something else", "IT001",
     [f"SELECT desk_report({{r}}, jsonb_set({{c}}, '{{phenomenon,after}}', '\"别的\"'), {TODAY}, "
      "NULL)"]),
    ("report with a number of one's choosing", "IT001",
     [f"SELECT desk_report({{r}}, {{c}} || jsonb_build_object('number', jsonb_build_object("
      f"'before', NULL, 'after', 'SYS-20000101-001')), {TODAY}, NULL)"]),
    # the service account and the schema
    ("a service account triages", "MON01",
     ["UPDATE tickets SET status = 'triage', version = version + 1 WHERE id = {t:reported}",
      ev("reported", "triage", "MON01")]),
    ("a service account edits", "MON01",
     ["UPDATE tickets SET phenomenon = '改写', version = version + 1 WHERE id = {t:reported}",
      ev("reported", "edit", "MON01")]),
    ("create a table", "ADMIN", ["CREATE TABLE evil (id int)"]),
    ("drop the triggers", "ADMIN", ["ALTER TABLE tickets DISABLE TRIGGER ALL"]),
    ("switch triggers off for the session", "ADMIN",
     ["SET session_replication_role = replica"]),
    ("replace a check function", "ADMIN",
     ["CREATE OR REPLACE FUNCTION desk_is_owner() RETURNS boolean LANGUAGE sql AS "
      "'SELECT true'"]),
]


REFUSALS = {"42501", "23001"}  # insufficient_privilege (and Desk's checks), restrict_violation


def _fill(team: Team, statement: str) -> str:
    import re

    fault = _new_fault()

    def sub(match: re.Match[str]) -> str:
        kind, _, arg = match.group(1).partition(":")
        if kind == "t":
            return str(team.tickets[arg])
        if kind == "p":
            return str(team.ids[arg])
        if kind == "l":
            return f'"{team.logins[arg]}"'
        if kind == "a":
            return str(team.attachment_id)
        if kind == "g":
            return f'"{team.group}_r_{arg}"' if arg else f'"{team.group}"'
        if kind in ("r", "c"):
            return fault[0 if kind == "r" else 1]
        raise AssertionError(match.group(0))

    return re.sub(r"\{([a-z](?::[A-Za-z0-9_]+)?)\}", sub, statement).replace(
        "{{}}", "{}")


def test_the_attack_suite_has_at_least_forty_cases() -> None:
    assert len(ATTACKS) >= 40
    assert len({name for name, *_ in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize("name,who,statements", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_is_refused_and_nothing_changes(team: Team, name: str, who: str,
                                               statements: list[str]) -> None:
    before = fingerprint(team)
    refused: BaseException | None = None
    with team.connect(who) as conn:
        try:
            for statement in statements:
                conn.execute(_fill(team, statement).encode())
            conn.commit()  # the deferred checks run here
        except psycopg.Error as exc:
            refused = exc
            conn.rollback()
    assert refused is not None, f"{name}: accepted"
    # refused for being what it is (no privilege, a check of Desk, a protection trigger),
    # not for a typo in the attack
    assert refused.sqlstate in REFUSALS, (name, refused.sqlstate, str(refused))
    after = fingerprint(team)
    assert after == before, (f"{name}: something changed",
                             sorted(k for k in after if after[k] != before.get(k)))


def test_a_person_reports_through_the_function_as_themselves(team: Team) -> None:
    """The attacks above are refused for what they try: the same call, as oneself, is
    taken, and the database records the login's person and its own time."""
    for actor in ("NULL", "{p:IT001}"):
        with team.connect("IT001") as conn:
            row = conn.execute(_fill(team, (
                f"SELECT o_reported_by, o_number LIKE 'SYS-%' FROM desk_report({{r}}, {{c}}, "
                f"{TODAY}, {actor})")).encode()).fetchone()
            event = conn.execute(
                "SELECT actor_id, at = now(), changes::jsonb -> 'number' ->> 'after' "
                "FROM events WHERE action = 'report' ORDER BY id DESC LIMIT 1").fetchone()
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred checks of 0013
            conn.rollback()
        assert row == (team.ids["IT001"], True)
        assert event is not None and event[:2] == (team.ids["IT001"], True)


def test_a_login_of_one_desk_database_cannot_connect_to_the_other(
        teams: tuple[Team, Team]) -> None:
    first, second = teams
    for no in ("ADMIN", "LEAD01", "IT001"):
        wrong = second.url(first.logins[no])
        with pytest.raises(psycopg.OperationalError, match="permission denied|not permitted"):
            psycopg.connect(_libpq(wrong)).close()
    assert first.group != second.group
    assert first.logins["IT001"] != second.logins["IT001"]


def test_the_server_sets_an_events_actor_and_time(team: Team) -> None:
    with team.connect("IT001") as conn:
        row = conn.execute(_fill(team, (
            "INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason) "
            "VALUES (NULL, {p:CTO01}, '2000-01-01T00:00:00Z', 'note', '{}', '{}', '') "
            "RETURNING actor_id, at = now()")).encode()).fetchone()
        conn.rollback()
    assert row == (team.ids["IT001"], True)


def test_the_rule_tables_are_the_applications_tables(team: Team) -> None:
    with team.owner() as conn:
        transitions = {tuple(r) for r in conn.execute(
            "SELECT name, source, target, role FROM rule_transitions")}
        edits = {tuple(r) for r in conn.execute(
            "SELECT action, status, field, role FROM rule_edits")}
    assert transitions == {(r["name"], r["source"], r["target"], r["role"])
                           for r in pg_setup.transition_rows()}
    assert edits == {(r["action"], r["status"], r["field"], r["role"])
                     for r in pg_setup.edit_rows()}
    # and what they say is the transition table, read independently
    for t in TRANSITIONS.values():
        for source in t.sources:
            for role in Role:
                allowed = {(n, s, tg, r) for n, s, tg, r in transitions
                           if n == t.name and s == source.value and r == role.value}
                assert bool(allowed) == (role in t.roles)


def _fire_raw(team: Team, name: str, source: Status, role: Role) -> bool:
    """Try a transition by hand, as its login would in psql; True if the database takes it
    (checked without committing: the deferred checks are run, then rolled back)."""
    spec = TRANSITIONS[name]
    target = spec.target or sorted(spec.reachable(source), key=lambda s: s.value)[0]
    no = SINGLE_ROLE[role]
    ticket = team.tickets[source.value]
    with team.connect(no) as conn:
        try:
            conn.execute("UPDATE tickets SET status = %s, version = version + 1 WHERE id = %s",
                         (target.value, ticket))
            conn.execute("INSERT INTO events (ticket_id, actor_id, at, action, changes, "
                         "details, reason) VALUES (%s, NULL, now(), %s, '{}', '{}', '')",
                         (ticket, name))
            conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            return True
        except psycopg.Error:
            return False
        finally:
            conn.rollback()


def test_role_by_transition_matrix_through_the_database(teams: tuple[Team, Team]) -> None:
    team = teams[0]
    wrong = []
    for name, spec in TRANSITIONS.items():
        source = sorted(spec.sources, key=lambda s: s.value)[0]
        for role in Role:
            if _fire_raw(team, name, source, role) != (role in spec.roles):
                wrong.append((name, source.value, role.value))
    assert wrong == []


def test_the_process_works_through_each_persons_login(teams: tuple[Team, Team]) -> None:
    team = teams[1]
    dbs: dict[str, Database] = {}

    def as_(no: str) -> tuple[Database, int]:
        if no not in dbs:
            dbs[no] = open_database(team.url(team.logins[no]), upgrade=False)
        pid = auth.current_person_id(dbs[no])
        assert pid == team.ids[no]
        return dbs[no], pid

    try:
        db, me = as_("SALES005")
        d = reporting.report_fault(db, FaultReport(
            fault_type=FaultType.SYSTEM, affected_business="OA", phenomenon="页面 500",
            reporter_name="孙丽"), me)
        d = editing.update_fields(db, d.number, me, {"phenomenon": "页面 502"}, d.version)
        db, me = as_("IT001")
        d = workflow.perform(db, "triage", d.number, me,
                             {"first_contact": "电话", "fault_type": "SYS", "level": 2})
        with pytest.raises(PermissionDeniedError):
            workflow.perform(db, "dispatch", d.number, me, {"level": 2})
        db, me = as_("LEAD01")
        d = workflow.perform(db, "dispatch", d.number, me, {
            "level": 2, "lead_engineer_id": team.ids["DEV002"],
            "business_contact_id": team.ids["BIZ006"],
            "team": [(team.ids["OP003"], "ops")]})
        db, me = as_("DEV002")
        d = workflow.perform(db, "analyse", d.number, me,
                             {"root_cause": "连接池", "impact_assessment": "全员"})
        d = editing.update_fields(db, d.number, me, {"evidence_list": "日志"}, d.version)
        d = workflow.perform(db, "propose", d.number, me, {"long_term_solution": "扩容"})
        db, me = as_("BIZ006")
        d = workflow.perform(db, "confirm", d.number, me, {})
        db, me = as_("CTO01")
        d = workflow.perform(db, "approve", d.number, me, {})
        assert d.status is Status.IMPLEMENTING
        db, me = as_("DEV002")
        d = workflow.perform(db, "step", d.number, me, {"action": "扩容", "state_after": "正常"})
        view = attachments.add_attachment(db, d.number, me, io.BytesIO(b"after the fix"),
                                          name="fix.txt")
        d = workflow.perform(db, "submit_verification", d.number, me,
                             {"verifier_id": team.ids["SALES005"]})
        db, me = as_("SALES005")
        with pytest.raises(PermissionDeniedError):  # not hers, no role to remove it
            attachments.remove_attachment(db, view.id, me)
        d = workflow.perform(db, "verify", d.number, me, {
            "passed": True, "environment": "生产", "checked": "下单"})
        db, me = as_("IT001")
        d = workflow.perform(db, "archive", d.number, me,
                             {"summary": "扩容", "prevention_measures": "监控"})
        assert d.status is Status.ARCHIVED
        with team.owner() as conn:
            actors = conn.execute(
                "SELECT e.action, p.employee_no, e.at = max(e.at) OVER () OR true "
                "FROM events e JOIN people p ON p.id = e.actor_id WHERE e.ticket_id = %s "
                "ORDER BY e.id", (d.id,)).fetchall()
        by_action = {a: no for a, no, _ in actors}
        assert by_action["approve"] == "CTO01" and by_action["verify"] == "SALES005"
        assert by_action["report"] == "SALES005" and by_action["archive"] == "IT001"
    finally:
        for db in dbs.values():
            db.dispose()


def test_the_owner_lists_people_with_their_logins(team: Team) -> None:
    db = open_database(team.owner_url, upgrade=False)
    try:
        people_rows = auth.list_people_admin(db, None)
    finally:
        db.dispose()
    logins = {p.employee_no: p.db_login for p in people_rows}
    assert logins["ADMIN"] == team.logins["ADMIN"] and logins["CTO01"] == team.logins["CTO01"]
    with team.owner() as conn:
        assert conn.execute("SELECT count(*) FROM people WHERE password_hash IS NOT NULL"
                            ).fetchone() == (0,)
