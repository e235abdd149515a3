"""The database protects itself: roles and privileges (``desk db init``), triggers, retries.

PostgreSQL tests connect as the desks' login role that ``desk db init`` creates and
check what that role may and may not do; the trigger tests run on both backends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from alembic import command
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from desk.admin import pg_setup
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.cli.main import main
from desk.db import Database
from desk.errors import DatabaseError, ValidationError
from desk.process.reporting import FaultReport, report_fault
from desk.read import timeline
from models import FaultType, Person, Role, Setting, Ticket, schema
from models.database import make_engine


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _report(db: Database, fault_type: FaultType = FaultType.SYSTEM) -> Any:
    return report_fault(
        db,
        FaultReport(fault_type=fault_type, affected_business="销售订单系统 – 下单",
                    phenomenon="点击“提交订单”后页面显示错误 500。", reporter_name="孙丽"),
        None,
    )


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _as(url: str, user: str) -> str:
    """The same database, connecting as ``user`` (the server trusts local connections)."""
    return make_url(_libpq(url)).set(username=user).render_as_string(hide_password=False)


def _drop_roles_of(pg_url: str) -> None:
    """Drop the database, then the roles ``desk db init`` made for it."""
    name = make_url(pg_url).database
    assert name
    with psycopg.connect(_libpq(pg_url.rsplit("/", 1)[0] + "/postgres"),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for (role,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                (f"{name}\\_%", f"desk\\_{name}%")).fetchall():
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def team_url(pg_url: str) -> Iterator[str]:
    """A database for a team (its roles are dropped afterwards)."""
    yield pg_url
    _drop_roles_of(pg_url)


@pytest.fixture
def app_url(team_url: str) -> str:
    """``desk db init`` has run; the URL connects as the administrator's own login."""
    login = pg_setup.init_database(team_url, open_db=open_database, admin_no="ADMIN",
                                   admin_name="系统管理员", admin_password="s3cret-pass",
                                   say=lambda _line: None)
    assert login is not None
    return _as(team_url, login)


def _stdin(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(value))


# -- desk db init ----------------------------------------------------------------------


@pytest.mark.pg
def test_init_twice_sets_up_schema_roles_and_administrator(
    team_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["db", "init", "--db", team_url, "--admin-no", "ADMIN", "--admin-name", "系统管理员",
            "--password-stdin"]
    _stdin(monkeypatch, "s3cret-pass\n")
    assert main(argv) == 0
    first = capsys.readouterr().out
    assert "schema: upgraded from (empty)" in first
    assert "administrator ADMIN: created; password set" in first
    login = first.strip().splitlines()[-1].removeprefix("login: ")
    database = make_url(team_url).database
    assert login == f"{database}_admin"

    _stdin(monkeypatch, "s3cret-pass\n")
    assert main(argv) == 0
    second = capsys.readouterr().out
    assert "schema: already at" in second
    assert "administrator ADMIN: exists" in second
    assert second.strip().endswith(f"login: {login}")

    with psycopg.connect(_libpq(team_url)) as conn:
        group = conn.execute("SELECT desk_group_role()").fetchone()
        assert group == (f"desk_{database}",)
        member = conn.execute(
            "SELECT rolcanlogin, pg_has_role(rolname, %s, 'MEMBER'), "
            "pg_has_role(rolname, %s, 'MEMBER'), rolsuper, rolcreaterole "
            "FROM pg_roles WHERE rolname = %s",
            (group[0], f"{group[0]}_r_admin", login)).fetchone()
        assert member == (True, True, True, False, False)
        assert conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s",
                            (group[0],)).fetchone() == (False,)
        stored = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (login,)).fetchone()
        assert stored is not None and stored[0].startswith("SCRAM-SHA-256$")
        assert "s3cret" not in stored[0]
        # nobody else may connect: CONNECT is not PUBLIC's
        assert conn.execute("SELECT has_database_privilege('public', current_database(), "
                            "'CONNECT')").fetchone() == (False,)

    db = open_database(team_url)
    try:
        with db.read() as session:
            admins = session.scalars(select(Person).where(Person.employee_no == "ADMIN")).all()
            assert len(admins) == 1
            assert Role.ADMIN in admins[0].roles
            assert admins[0].password_hash is None and admins[0].db_login == login
    finally:
        db.dispose()


@pytest.mark.pg
def test_init_gives_an_existing_person_the_admin_role(team_url: str,
                                                      make_db: Callable[[str], object]) -> None:
    db = make_db(team_url)
    assert isinstance(db, Database)
    ensure_people(db)
    lines: list[str] = []
    login = pg_setup.init_database(team_url, open_db=open_database, admin_no="IT001",
                                   say=lines.append)
    assert any(line.startswith("administrator IT001: given the admin role") for line in lines)
    with db.read() as session:
        person = session.scalars(select(Person).where(Person.employee_no == "IT001")).one()
        assert Role.ADMIN in person.roles and Role.SUPPORT in person.roles
        assert person.db_login == login


@pytest.mark.pg
def test_init_refuses_a_short_password_and_creates_nobody(team_url: str) -> None:
    with pytest.raises(ValidationError) as info:
        pg_setup.init_database(team_url, open_db=open_database, admin_no="ADMIN",
                               admin_name="系统管理员", admin_password="short",
                               say=lambda _line: None)
    assert "password" in info.value.fields
    with psycopg.connect(_libpq(team_url)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'people'"
                            ).fetchone() == (0,)


def test_init_on_sqlite_creates_schema_and_administrator_without_roles(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from desk.admin.backup import sqlite_path
    from desk.process import auth

    _stdin(monkeypatch, "sqlite-admin-1\n")
    assert main(["db", "init", "--db", sqlite_url, "--admin-no", "ADMIN",
                 "--admin-name", "系统管理员", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "roles: none on SQLite" in out
    assert "administrator ADMIN: created; password set" in out
    assert out.strip().endswith("login: ADMIN")
    path = sqlite_path(sqlite_url)
    assert path is not None and os.stat(path).st_mode & 0o777 == 0o600
    db = open_database(sqlite_url)
    try:
        assert auth.sign_in(db, "ADMIN", "sqlite-admin-1").employee_no == "ADMIN"
    finally:
        db.dispose()


# -- what a person's login may do --------------------------------------------------------


@pytest.mark.pg
def test_desk_works_through_a_persons_login(app_url: str) -> None:
    from desk.process import auth

    db = open_database(app_url, upgrade=False)
    try:
        me = auth.current_person_id(db)
        assert me is not None
        ticket = report_fault(db, FaultReport(
            fault_type=FaultType.SYSTEM, affected_business="销售订单系统 – 下单",
            phenomenon="点击“提交订单”后页面显示错误 500。", reporter_name="孙丽"), None)
        events = timeline.events(db, ticket.id)
        assert len(events) == 1 and events[0]["action"] == "report"
        with db.read() as session:
            assert session.get(Ticket, ticket.id).reported_by_id == me  # type: ignore[union-attr]
    finally:
        db.dispose()


@pytest.mark.pg
def test_pauses_and_a_deadline_recompute_work_through_the_logins(team_url: str,
                                                                 app_url: str) -> None:
    from desk.admin import team
    from desk.process import auth, workflow

    admin = open_database(app_url, upgrade=False)
    try:
        admin_id = auth.current_person_id(admin)
        assert admin_id is not None
        it = auth.save_person(admin, admin_id, None, "IT001", "刘洋", "", "", "",
                              [Role.SUPPORT], True)
        assert it.db_login
        desk = open_database(_as(team_url, it.db_login), upgrade=False)
        try:
            ticket = _report(desk)
            workflow.perform(desk, "triage", ticket.id, it.id, {
                "first_contact": "已电话联系", "fault_type": "SYS", "level": 3})
            workflow.perform(desk, "pause", ticket.id, it.id, {"reason": "等待厂商"})
            resumed = workflow.perform(desk, "resume", ticket.id, it.id, {})
        finally:
            desk.dispose()
        # the recompute raises each moved ticket's version with the setting's event.
        # This test runs on the real clock: duty hours disjoint from the default ones
        # move the restore deadline whatever the time of day (a deadline of whole duty
        # days that starts inside both schedules would land on the same minute).
        team.set_duty_hours(admin, admin_id, ["18:00-20:00"])
        with admin.read() as session:
            row = session.get(Ticket, ticket.id)
            assert row is not None and row.version == resumed.version + 1
            assert row.restore_due_at != resumed.values["restore_due_at"]
            assert [p.reason for p in row.pauses] == ["等待厂商"]
    finally:
        admin.dispose()
    with psycopg.connect(app_url, autocommit=True) as conn, pytest.raises(
            pg_errors.InsufficientPrivilege):
        conn.execute("ALTER TABLE ticket_pauses ADD COLUMN extra integer")


@pytest.mark.pg
def test_a_login_may_append_events_but_not_change_them(team_url: str, app_url: str) -> None:
    db = open_database(team_url)
    try:
        _report(db)
    finally:
        db.dispose()
    with psycopg.connect(app_url, autocommit=True) as conn:
        before = conn.execute("SELECT count(*) FROM events").fetchone()
        assert before is not None and before[0] >= 1
        conn.execute(
            "INSERT INTO events (ticket_id, actor_id, at, action, changes, details, reason) "
            "VALUES (NULL, NULL, now(), 'note', '{}', '{}', '')")
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (before[0] + 1,)
        for statement in ("UPDATE events SET reason = 'rewritten'", "DELETE FROM events",
                          "TRUNCATE events"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM events WHERE reason = ''").fetchone() == (
            before[0] + 1,)


@pytest.mark.pg
def test_a_login_may_not_change_the_schema(app_url: str) -> None:
    with psycopg.connect(app_url, autocommit=True) as conn:
        for statement in ("CREATE TABLE mine (id integer)",
                          "ALTER TABLE tickets ADD COLUMN extra integer",
                          "DROP TABLE settings",
                          "CREATE INDEX ix_mine ON tickets (phenomenon)",
                          "UPDATE alembic_version SET version_num = '0001'"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)


@pytest.mark.pg
def test_a_login_cannot_lower_a_version_or_reuse_a_number(team_url: str, app_url: str) -> None:
    db = open_database(app_url, upgrade=False)
    try:
        first = _report(db)
        second = _report(db)
    finally:
        db.dispose()
    with psycopg.connect(_libpq(team_url), autocommit=True) as owner:
        owner.execute("UPDATE tickets SET version = version + 1 WHERE id = %s", (first.id,))
    with psycopg.connect(app_url, autocommit=True) as conn:
        with pytest.raises(pg_errors.RestrictViolation, match="cannot go back"):
            conn.execute("UPDATE tickets SET version = 1 WHERE id = %s", (first.id,))
        with pytest.raises(pg_errors.RestrictViolation, match="never changes"):
            conn.execute("UPDATE tickets SET number = %s WHERE id = %s",
                         (first.number, second.id))
    # a second row with the same number: refused by the unique constraint itself
    engine_db = Database.connect(app_url)
    try:
        with engine_db.engine.connect() as conn:
            row = dict(conn.execute(select(Ticket.__table__).where(Ticket.id == first.id))
                       .mappings().one())
            row.pop("id")
            row["version"] = 1
            with pytest.raises(sa_exc.IntegrityError) as info:
                conn.execute(insert(Ticket.__table__).values(**row))
            assert isinstance(info.value.orig, pg_errors.UniqueViolation)
            conn.rollback()
    finally:
        engine_db.dispose()


# -- the triggers, on both backends -------------------------------------------------------


@pytest.mark.parametrize("statement", ["UPDATE events SET reason = 'rewritten'",
                                       "DELETE FROM events"])
def test_events_are_append_only_for_everyone(db: Database, statement: str) -> None:
    _report(db)
    with pytest.raises(sa_exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(statement))
    with db.read() as session:
        assert session.scalar(text("SELECT count(*) FROM events WHERE reason = ''")) == 1


def test_a_ticket_version_never_goes_back_and_its_number_never_changes(db: Database) -> None:
    first = _report(db)
    second = _report(db)
    with db.engine.begin() as conn:  # going forward is what every save does
        conn.execute(text("UPDATE tickets SET version = version + 2 WHERE id = :id"),
                     {"id": first.id})
    with pytest.raises(sa_exc.DBAPIError, match="cannot go back"), db.engine.begin() as conn:
        conn.execute(text("UPDATE tickets SET version = 2 WHERE id = :id"), {"id": first.id})
    with pytest.raises(sa_exc.DBAPIError, match="never changes"), db.engine.begin() as conn:
        conn.execute(text("UPDATE tickets SET number = 'SYS-20990101-001' WHERE id = :id"),
                     {"id": second.id})
    with db.read() as session:
        assert session.scalar(select(Ticket.version).where(Ticket.id == first.id)) == 3


# -- retries -----------------------------------------------------------------------------


@pytest.mark.pg
def test_a_serialization_failure_is_retried_and_the_write_succeeds(
    pg_db_url: str, make_db: Callable[[str], object]
) -> None:
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    db.write(lambda session: session.add(Setting(key="test.counter", value=0)))
    attempts: list[int] = []

    def work(session: Session) -> int:
        # REPEATABLE READ: an update of a row someone changed after our snapshot fails
        # with SQLSTATE 40001 instead of silently building on a stale value
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        value = int(session.scalar(select(Setting.value).where(Setting.key == "test.counter")))
        attempts.append(value)
        if len(attempts) == 1:
            with psycopg.connect(_libpq(pg_db_url), autocommit=True) as other:
                other.execute("UPDATE settings SET value = '100' WHERE key = 'test.counter'")
        session.execute(update(Setting).where(Setting.key == "test.counter")
                        .values(value=value + 1))
        return value + 1

    assert db.write(work) == 101
    assert attempts == [0, 100]
    with db.read() as session:
        assert session.scalar(select(Setting.value).where(Setting.key == "test.counter")) == 101


@pytest.mark.pg
def test_a_non_retryable_error_is_not_retried(pg_db_url: str, make_db: Callable[[str], object]) -> None:
    db = make_db(pg_db_url)
    assert isinstance(db, Database)
    attempts: list[int] = []

    def work(session: Session) -> None:
        attempts.append(1)
        session.execute(text("SELECT 1 / 0"))

    with pytest.raises(sa_exc.DBAPIError):
        db.write(work)
    assert attempts == [1]


@pytest.mark.pg
def test_a_desk_behind_on_the_schema_is_told_to_ask_for_an_upgrade(
    pg_url: str, app_url: str
) -> None:
    engine = make_engine(pg_url)
    try:
        cfg = schema.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
    finally:
        engine.dispose()
    with pytest.raises(DatabaseError) as info:
        open_database(app_url)  # the app role may not run the migration itself
    assert "desk db upgrade" in info.value.en
    assert "insufficient privilege" in info.value.en
