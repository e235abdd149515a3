"""The team's service connects with a login of its own (``desk db service-login``), which
may do what ``desk serve`` does and nothing more.

One Desk database for the module (``desk db init``, the sample people, the service's
login made through the command line). The service's round runs connected as that
login: it delivers to a group robot (a local server that checks the robot's rules),
queues an SLA breach, files alerts and mails, and resumes a fault whose reporter
answered. Then an attacker holding the service's password connects with psycopg, as
psql would, and tries what the service never does: each is refused and every table is
exactly as before. A second Desk database on the server refuses the login outright.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, update

from desk.admin import pg_setup
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.db import Database
from desk.notify import channels
from desk.process import intake, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read.service import HEARTBEAT_SETTING
from desk.serve.service import Service
from models import (
    AlertLink,
    Event,
    FaultLevel,
    FaultType,
    OutboxMessage,
    Person,
    Setting,
    Ticket,
)
from tests.conftest import PG_ADMIN_URL, require_pg
from tests.robot_server import RobotServer

pytestmark = pytest.mark.pg


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _base() -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0]


def _as(login: str, name: str) -> str:
    return f"{_base().replace('postgres@', f'{login}@', 1)}/{name}"


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """``desk`` in this process, with its standard streams captured."""
    import sys

    from desk.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


@dataclass
class Team:
    name: str
    owner_url: str
    service_login: str
    group: str
    ids: dict[str, int]
    tickets: dict[str, int]  # a few faults by what they are for

    @property
    def service_url(self) -> str:
        return _as(self.service_login, self.name)

    def owner(self) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq(self.owner_url), autocommit=True)

    def attacker(self) -> psycopg.Connection[Any]:
        return psycopg.connect(_libpq(self.service_url))


def _create_db(prefix: str) -> tuple[str, str]:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"{_base()}/{name}"


def _drop(name: str, group: str) -> None:
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        tag = group.removeprefix("desk_")
        roles = [r[0] for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s "
            "OR rolname = %s ORDER BY length(rolname) DESC",
            (f"{tag}\\_%", f"{group}\\_r\\_%", group)).fetchall()]
        for role in roles:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _group(url: str) -> str:
    db = open_database(url, upgrade=False)
    try:
        with db.engine.connect() as conn:
            return pg_setup.group_role(conn)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def team() -> Iterator[Team]:
    require_pg()
    name, owner_url = _create_db("desk_svc")
    group = ""
    try:
        pg_setup.init_database(owner_url, open_db=open_database, admin_no="ADMIN",
                               admin_name="系统管理员", admin_password="admin-pass-1",
                               say=lambda _line: None)
        group = _group(owner_url)
        code, out, err = run_cli("db", "service-login", "--db", owner_url,
                                 "--password-stdin", stdin="service-pass-1\n")
        assert code == 0, err
        login = re.search(r"^login: (\S+)$", out, re.M)
        assert login is not None, out
        owner = open_database(owner_url)
        try:
            ids = ensure_people(owner)
            ids["ADMIN"] = _person_id(owner, "ADMIN")
            ids["DESK-SVC"] = _person_id(owner, intake.SERVICE_NO)

            def mail(session: Any) -> None:  # the reporter has an e-mail address
                session.execute(update(Person).where(Person.id == ids["SALES005"])
                                .values(email="sunli@example.com"))
            owner.write(mail)
            with owner.engine.begin() as conn:  # settings the attacks go for
                conn.exec_driver_sql(
                    "INSERT INTO settings (key, value) VALUES ('timezone', '\"Asia/Shanghai\"'), "
                    "('service.heartbeat', '{}') ON CONFLICT DO NOTHING")
            tickets = {"plain": _fault(owner, ids), "paused": _fault(owner, ids)}
            workflow.perform(owner, "triage", tickets["paused"], ids["IT001"],
                             {"first_contact": "已联系", "fault_type": "NET", "level": 3})
            workflow.perform(owner, "pause", tickets["paused"], ids["IT001"],
                             {"reason": "等待报告人"})
            tickets["target"] = _fault(owner, ids)  # what the attacker goes for
        finally:
            owner.dispose()
        yield Team(name, owner_url, login.group(1), group, ids, tickets)
    finally:
        _drop(name, group or "desk_none")


def _person_id(db: Database, no: str) -> int:
    with db.read() as s:
        return int(s.scalar(select(Person.id).where(Person.employee_no == no)) or 0)


def _fault(db: Database, ids: dict[str, int]) -> int:
    return report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, level=FaultLevel.GENERAL, affected_business="办公网络",
        phenomenon="无线网络频繁掉线。", reporter_name="孙丽", reporter_employee_no="SALES005",
        reporter_contact="sunli@example.com"), ids["SALES005"]).id


# -- the login and the command -------------------------------------------------------------


def test_the_service_login_holds_only_the_service_group(team: Team) -> None:
    with team.owner() as conn:
        row = conn.execute(
            "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, "
            "rolpassword LIKE 'SCRAM-SHA-256$%%' FROM pg_authid WHERE rolname = %s",
            (team.service_login,)).fetchone()
        groups = {r[0] for r in conn.execute(
            "SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
            "JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = %s",
            (team.service_login,))}
        person = conn.execute(
            "SELECT employee_no, active, service, (SELECT count(*) FROM person_roles r "
            "WHERE r.person_id = p.id) FROM people p WHERE db_login = %s",
            (team.service_login,)).fetchone()
    assert row == (True, False, False, False, False, True)
    assert groups == {f"{team.group}_r_service"}  # not desk_<db>, no Desk role
    # the service's person: no roles, cannot sign in to the window
    assert person == (intake.SERVICE_NO, False, False, 0)


def test_service_login_is_safe_to_run_again_and_prints_a_generated_password(
        team: Team) -> None:
    code, out, err = run_cli("db", "service-login", "--db", team.owner_url)
    assert code == 0, err
    assert f"login: {team.service_login}" in out
    password = out.strip().splitlines()[-1]
    assert password.startswith("password: ") and len(password) > 30
    code, out, err = run_cli("db", "service-login", "--db", team.owner_url,
                             "--password-stdin", stdin="service-pass-1\n")
    assert code == 0 and "password:" not in out
    with team.owner() as conn:
        made = conn.execute("SELECT count(*) FROM events WHERE action = 'service_login'"
                            ).fetchone()
    assert made is not None and made[0] >= 3


def test_service_login_is_for_the_database_owner_only(team: Team, tmp_path: Any) -> None:
    with team.owner() as conn:
        admin_login = conn.execute("SELECT db_login FROM people WHERE employee_no = 'ADMIN'"
                                   ).fetchone()
    assert admin_login is not None
    code, _out, err = run_cli("--lang", "en", "db", "service-login",
                              "--db", _as(admin_login[0], team.name), "--password-stdin",
                              stdin="service-pass-2\n")
    assert code == 1 and "database owner" in err
    code, _out, err = run_cli("--lang", "en", "db", "service-login", "--db",
                              f"sqlite:///{tmp_path / 'one.sqlite3'}")
    assert code == 1 and "SQLite has no database logins" in err
    code, _out, err = run_cli("--lang", "en", "db", "service-login", "--db", team.owner_url,
                              "--password-stdin", stdin="short\n")
    assert code == 1


def test_an_administrator_cannot_give_the_service_a_role(team: Team) -> None:
    with team.owner() as conn:
        admin_login = conn.execute("SELECT db_login FROM people WHERE employee_no = 'ADMIN'"
                                   ).fetchone()
    assert admin_login is not None
    with psycopg.connect(_libpq(_as(admin_login[0], team.name))) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege, match="service"):
        conn.execute("SELECT desk_save_person(%s, 'DESK-SVC', 'Desk 服务', '', '', '', "
                         "ARRAY['admin'], true, false, NULL)", (team.ids["DESK-SVC"],))


# -- what the service does, connected as its own login ---------------------------------------


@pytest.fixture(scope="module")
def robots() -> Iterator[RobotServer]:
    server = RobotServer().start()
    yield server
    server.stop()


def test_the_service_does_its_rounds_as_its_own_login(team: Team, robots: RobotServer) -> None:
    owner = open_database(team.owner_url)
    svc = open_database(team.service_url, upgrade=False)
    try:
        channels.add_channel(owner, team.ids["ADMIN"], "wecom", "值班群", robots.wecom_url)
        # a level-1 fault queues its report to every channel, and is two hours overdue
        urgent = report_fault(owner, FaultReport(
            fault_type=FaultType.SYSTEM, level=FaultLevel.URGENT, affected_business="核心交易",
            phenomenon="交易全部失败。", business_interrupted=True), team.ids["SALES005"])
        with owner.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE tickets SET reported_at = reported_at - interval '2 hours', "
                "occurred_at = occurred_at - interval '2 hours', respond_due_at = "
                "respond_due_at - interval '2 hours', restore_due_at = restore_due_at - "
                "interval '2 hours', version = version + 1 WHERE id = %(i)s", {"i": urgent.id})
        report = Service(svc, name="svc-test").run_once()
        assert report is not None and report.errors == []
        assert report.queued >= 1 and report.chats >= 2
        with owner.read() as s:
            sent = s.scalars(select(OutboxMessage).where(
                OutboxMessage.channel_id.is_not(None))).all()
            assert {m.status for m in sent} == {"sent"}
            assert any(m.ticket_id == urgent.id for m in sent)
            assert any(m.ticket_id == urgent.id and m.trigger.startswith("sla_")
                       for m in sent)
            beat = s.get(Setting, HEARTBEAT_SETTING)
            assert beat is not None and beat.value["name"] == "svc-test"
            actors = set(s.scalars(select(Event.actor_id).where(Event.action == "chat_sent")))
            assert actors == {team.ids["DESK-SVC"]}  # the server says who delivered
        assert robots.of("wecom") and not robots.refused
    finally:
        svc.dispose()
        owner.dispose()


def test_desk_serve_once_runs_as_the_service_login_also_after_db_init_again(
        team: Team) -> None:
    pg_setup.init_database(team.owner_url, open_db=open_database, say=lambda _line: None)
    code, _out, err = run_cli("--db", team.service_url, "serve", "--once", "--interval", "1")
    assert code == 0, err
    assert "this service" in err and "leads" in err and "error" not in err.lower()
    with team.owner() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = 'service.heartbeat'"
                           ).fetchone()
    assert row is not None and '"name"' in str(row[0])


def _alert(status: str, key: str) -> intake.AlertIn:
    return intake.AlertIn("alertmanager", key, status,
                          {"alertname": "DiskFull", "severity": "critical", "service": "存储"},
                          {"summary": "磁盘将满"}, None, None, "http://prom/graph", "am")


def test_the_service_files_alerts_and_mails_as_its_own_login(team: Team) -> None:
    svc = open_database(team.service_url, upgrade=False)
    owner = open_database(team.owner_url)
    try:
        mapping = intake.AlertMapping.from_json({"restore_on_resolved": True})
        filed = intake.file_alert(svc, _alert("firing", "fp-1"), mapping)
        assert filed.outcome == intake.FILED
        assert intake.file_alert(svc, _alert("firing", "fp-1"), mapping).outcome in (
            intake.REPEAT, intake.NOTED)
        assert intake.file_alert(svc, _alert("resolved", "fp-1"), mapping).outcome == \
            intake.NOTED
        new = intake.file_mail(svc, intake.MailIn(
            "<new-1@example.com>", "打印机卡纸", "孙丽", "sunli@example.com", "三楼打印机卡纸。",
            (intake.MailAttachment("photo.txt", b"jam"),)))
        assert new.outcome == intake.FILED
        with owner.read() as s:
            paused_no = s.scalar(select(Ticket.number).where(
                Ticket.id == team.tickets["paused"]))
        answer = intake.file_mail(svc, intake.MailIn(
            "<answer-1@example.com>", f"Re: [{paused_no}] 已收到", "", "sunli@example.com",
            "补充：重启后仍然掉线。"))
        assert (answer.outcome, answer.resumed) == (intake.NOTED, True)
        with owner.read() as s:
            alert_fault = s.scalar(select(Ticket).where(Ticket.number == filed.number))
            assert alert_fault is not None and alert_fault.restored_at is not None
            assert alert_fault.reported_by_id == team.ids["DESK-SVC"]
            assert s.scalar(select(AlertLink.firings).where(AlertLink.key == "fp-1")) == 2
            paused = s.get(Ticket, team.tickets["paused"])
            assert paused is not None and paused.paused_at is None
            resumed = s.scalar(select(Event).where(Event.ticket_id == paused.id,
                                                   Event.action == "resume"))
            assert resumed is not None and resumed.actor_id == team.ids["DESK-SVC"]
            # the automatic answers wait in the outbox for the next round
            replies = s.scalars(select(OutboxMessage.trigger).where(
                OutboxMessage.trigger.like("intake%"))).all()
            assert len(replies) >= 2
    finally:
        owner.dispose()
        svc.dispose()


def test_the_alert_listener_takes_alerts_as_the_service_login(team: Team) -> None:
    import json
    import urllib.error
    import urllib.request

    from desk.admin import intake as intake_settings

    owner = open_database(team.owner_url)
    svc = open_database(team.service_url, upgrade=False)
    service = Service(svc, name="svc-listen", listen=("127.0.0.1", 0))
    try:
        token = intake_settings.new_token(owner, team.ids["ADMIN"])
        service.start_listener()
        assert service.listen is not None
        port = service.listen[1]
        payload = json.dumps({"version": "4", "status": "firing", "receiver": "desk",
                              "groupKey": "g", "alerts": [{
                                  "status": "firing", "fingerprint": "fp-http",
                                  "labels": {"alertname": "HostDown", "severity": "critical"},
                                  "annotations": {"summary": "主机无响应"},
                                  "startsAt": "2026-12-03T01:00:00Z",
                                  "generatorURL": "http://prom/graph"}]}).encode()

        def post(bearer: str) -> int:
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/alerts/alertmanager", data=payload, method="POST",
                headers={"Content-Type": "application/json",
                         "Authorization": f"Bearer {bearer}"})
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return int(resp.status)
            except urllib.error.HTTPError as exc:
                return int(exc.code)

        assert post("wrong-token") == 401
        assert post(token) == 200
        with owner.read() as s:
            link = s.scalar(select(AlertLink).where(AlertLink.key == "fp-http"))
            assert link is not None
        with team.owner() as conn:
            outcomes = [r[0] for r in conn.execute(
                "SELECT outcome FROM intake_log WHERE source = 'alertmanager' "
                "ORDER BY id DESC LIMIT 2")]
        assert outcomes == ["filed", "refused"]
    finally:
        service.shutdown()
        svc.dispose()
        owner.dispose()


# -- an attacker with the service's password ---------------------------------------------------

EVENT = ("INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason) "
         "VALUES ({t}, NULL, now(), '{action}', '{{}}', '{{}}', '')")


def ev(action: str, ticket: str = "{t}") -> str:
    return EVENT.format(t=ticket, action=action)


ATTACKS: list[tuple[str, list[str]]] = [
    ("archive a fault directly", [
        ev("intake_note"),
        "UPDATE tickets SET status = 'archived', version = version + 1 WHERE id = {t}"]),
    ("resolve a fault behind an archive event", [
        ev("archive"),
        "UPDATE tickets SET status = 'resolved', version = version + 1 WHERE id = {t}"]),
    ("triage a fault (a step of a person)", [
        ev("triage"),
        "UPDATE tickets SET status = 'triage', version = version + 1 WHERE id = {t}"]),
    ("rewrite a phenomenon behind a note", [
        ev("intake_note"),
        "UPDATE tickets SET phenomenon = '改写', version = version + 1 WHERE id = {t}"]),
    ("change a fault's level behind a restore", [
        ev("intake_restore"),
        "UPDATE tickets SET level = 1, restored_at = now(), version = version + 1 "
        "WHERE id = {t}"]),
    ("move a deadline behind a resume of a fault that is not paused", [
        ev("resume"),
        "UPDATE tickets SET restore_due_at = restore_due_at + interval '30 days', "
        "version = version + 1 WHERE id = {t}"]),
    ("freeze a fault's version", [
        ev("intake_note"), "UPDATE tickets SET version = 2147483647 WHERE id = {t}"]),
    ("cancel a fault by calling it a merge", [
        ev("merge"),
        "UPDATE tickets SET status = 'cancelled', version = version + 1 WHERE id = {t}"]),
    ("record a person's step", [ev("approve")]),
    ("record an edit", [ev("edit")]),
    ("record a setting change", [ev("setting", "NULL")]),
    ("rewrite a pause's reason", [
        ev("resume", "{p}"), "UPDATE ticket_pauses SET reason = '改写' WHERE ticket_id = {p}"]),
    ("add a team member", [
        ev("resume", "{p}"),
        "INSERT INTO team_members (ticket_id, person_id, duty) VALUES ({p}, {svc}, 'lead')"]),
    ("read password verifiers", ["SELECT rolpassword FROM pg_authid"]),
    ("read pg_shadow", ["SELECT passwd FROM pg_shadow"]),
    ("create a role", ["CREATE ROLE evil LOGIN PASSWORD 'evil'"]),
    ("give itself CREATEROLE", ["ALTER ROLE CURRENT_USER CREATEROLE"]),
    ("join the administrators' group", ["GRANT {g_admin} TO CURRENT_USER"]),
    ("act as the administrators' group", ["SET ROLE {g_admin}"]),
    ("act as every person's group", ["SET ROLE {g}"]),
    ("add a person", ["SELECT desk_save_person(NULL, 'EVIL', '黑客', '', '', '', "
                      "ARRAY['admin'], true, false, NULL)"]),
    ("give itself the admin role", [
        "INSERT INTO person_roles (person_id, role) VALUES ({svc}, 'admin')"]),
    ("set an administrator's password", [
        "SELECT desk_set_password({admin}, 'SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy')"]),
    ("make the service's login again", ["SELECT desk_service_login(NULL)"]),
    ("rewrite people", ["UPDATE people SET name = '黑客' WHERE employee_no = 'ADMIN'"]),
    ("change a setting", [
        "UPDATE settings SET value = '\"UTC\"' WHERE key = 'timezone'"]),
    ("add a setting", [
        "INSERT INTO settings (key, value) VALUES ('sla.limits', '{{}}')"]),
    ("rename its heartbeat into another setting", [
        "UPDATE settings SET key = 'timezone' WHERE key = 'service.heartbeat'"]),
    ("change a notification rule", ["UPDATE notification_rules SET recipients = '[]'"]),
    ("add a notification rule", [
        "INSERT INTO notification_rules (trigger, recipients, enabled, description) "
        "VALUES ('report', '[\"evil@example.com\"]', true, '')"]),
    ("redirect a group robot", ["UPDATE channels SET url = 'https://evil.example.com/'"]),
    ("add a group robot", [
        "INSERT INTO channels (name, kind, url, secret, per_minute, enabled, created_at) "
        "VALUES ('黑', 'webhook', 'https://evil.example.com/', '', 60, true, now())"]),
    ("rewrite a queued message", ["UPDATE outbox SET body = '改写', subject = '改写'"]),
    ("redirect a queued message", [
        "UPDATE outbox SET recipients = '[{{\"address\": \"evil@example.com\"}}]'"]),
    ("delete the outbox", ["DELETE FROM outbox"]),
    ("rewrite the intake log", ["UPDATE intake_log SET detail = '改写'"]),
    ("delete the intake log", ["DELETE FROM intake_log"]),
    ("move an alert to another fault", ["UPDATE alert_links SET ticket_id = {t}"]),
    ("edit the calendar", [
        "INSERT INTO calendar_days (day, kind, name, source) "
        "VALUES ('2099-01-01', 'holiday', '假', 'manual')"]),
    ("write the knowledge base", [ev("attach"), "UPDATE kb_entries SET title = '改写'"]),
    ("open a problem behind a note", [
        ev("intake_note"),
        "INSERT INTO problems (version, number, title, symptom, affected_business, "
        "fault_type, state, root_cause, workaround, permanent_fix, created_at) VALUES "
        "(1, 'PRB-EVIL', '假', '', '', 'SYS', 'analysing', '', '', '', now())"]),
    ("link two faults behind a note", [
        ev("intake_note"),
        "INSERT INTO ticket_links (ticket_id, other_id, kind, created_at) VALUES "
        "({t}, {p}, 'related', now())"]),
    ("reset a number counter", ["UPDATE number_counters SET last_seq = 0"]),
    ("replace an attachment's bytes", ["UPDATE attachment_chunks SET data = 'x'"]),
    ("replace an attachment's checksum", ["UPDATE attachments SET sha256 = repeat('0', 64)"]),
    ("delete attachments", ["DELETE FROM attachments"]),
    ("delete events", ["DELETE FROM events"]),
    ("truncate the events", ["TRUNCATE events"]),
    ("write presence", ["INSERT INTO presence (desk_id, ticket_id, person_id, editing, "
                        "seen_at) VALUES ('evil', {t}, {svc}, true, now())"]),
    ("create a table", ["CREATE TABLE evil (id int)"]),
    ("switch the triggers off", ["ALTER TABLE tickets DISABLE TRIGGER ALL"]),
    ("switch triggers off for the session", ["SET session_replication_role = replica"]),
    ("replace a check function", [
        "CREATE OR REPLACE FUNCTION desk_is_service() RETURNS boolean LANGUAGE sql AS "
        "'SELECT true'"]),
]

REFUSALS = {"42501", "23001"}  # insufficient privilege (and Desk's checks), restrict


def _fill(team: Team, statement: str) -> str:
    values = {"t": team.tickets["target"], "p": team.tickets["paused"],
              "svc": team.ids["DESK-SVC"], "admin": team.ids["ADMIN"],
              "g_admin": f'"{team.group}_r_admin"', "g": f'"{team.group}"'}
    for key, value in values.items():
        statement = statement.replace("{" + key + "}", str(value))
    return statement.replace("{{}}", "{}").replace("{{", "{").replace("}}", "}")


def fingerprint(team: Team) -> dict[str, str]:
    with team.owner() as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        out = {t: str(conn.execute(
            f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
            f'FROM "{t}" x').fetchone()) for t in tables}
        out["roles"] = str(conn.execute(
            "SELECT string_agg(rolname || rolcanlogin || rolcreaterole || "
            "coalesce(rolpassword, ''), ',' ORDER BY rolname) FROM pg_authid").fetchone())
        out["members"] = str(conn.execute(
            "SELECT string_agg(roleid::text || '>' || member::text, ',' "
            "ORDER BY roleid, member) FROM pg_auth_members").fetchone())
    return out


def test_the_attack_suite_is_long_enough() -> None:
    assert len(ATTACKS) >= 40
    assert len({name for name, _ in ATTACKS}) == len(ATTACKS)


@pytest.mark.parametrize("name,statements", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_an_attack_with_the_service_login_is_refused_and_nothing_changes(
        team: Team, name: str, statements: list[str]) -> None:
    before = fingerprint(team)
    refused: psycopg.Error | None = None
    with team.attacker() as conn:
        try:
            for statement in statements:
                conn.execute(_fill(team, statement).encode())
            conn.commit()  # the deferred checks run here
        except psycopg.Error as exc:
            refused = exc
            conn.rollback()
    assert refused is not None, f"{name}: accepted"
    assert refused.sqlstate in REFUSALS, (name, refused.sqlstate, str(refused))
    after = fingerprint(team)
    assert after == before, (name, sorted(k for k in after if after[k] != before.get(k)))


def test_the_server_says_who_the_service_is(team: Team) -> None:
    with team.attacker() as conn:
        row = conn.execute(
            "INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason) "
            "VALUES (%s, %s, '2000-01-01T00:00:00Z', 'intake_note', '{}', '{}', '') "
            "RETURNING actor_id, at = now()",
            (team.tickets["target"], team.ids["ADMIN"])).fetchone()
        conn.rollback()
    assert row == (team.ids["DESK-SVC"], True)


def test_there_are_no_password_hashes_for_the_service_to_read(team: Team) -> None:
    # PostgreSQL keeps the verifiers (pg_authid, refused above); Desk keeps none of its own
    with team.attacker() as conn:
        row = conn.execute("SELECT count(*) FROM people WHERE password_hash IS NOT NULL"
                           ).fetchone()
    assert row == (0,)


def test_the_service_login_cannot_connect_to_another_desk_database(team: Team) -> None:
    name, url = _create_db("desk_svc_other")
    try:
        pg_setup.init_database(url, open_db=open_database, say=lambda _line: None)
        with pytest.raises(psycopg.OperationalError, match="permission denied|not permitted"):
            psycopg.connect(_libpq(_as(team.service_login, name))).close()
    finally:
        _drop(name, _group_or_none(url))


def _group_or_none(url: str) -> str:
    try:
        return _group(url)
    except Exception:  # noqa: BLE001 - the database is dropped either way
        return "desk_none"


def test_the_service_may_only_deliver_what_is_queued(team: Team) -> None:
    """What it may change of a message are the delivery columns, and only those."""
    with team.owner() as conn:
        row = conn.execute("SELECT id FROM outbox ORDER BY id LIMIT 1").fetchone()
    assert row is not None
    with team.attacker() as conn:
        conn.execute("UPDATE outbox SET last_error = 'retry', next_attempt_at = now() "
                     "+ interval '1 minute' WHERE id = %s", (row[0],))
        conn.rollback()  # allowed (it is what delivery does); not kept
