"""``desk db init``: set up a shared PostgreSQL database for a team of desks.

What the administrator runs once (and may run again: every step is idempotent):

1. the schema, through the Alembic migrations (``models.schema``);
2. the group role ``desk_app`` (NOLOGIN) holding exactly what Desk needs:
   SELECT/INSERT/UPDATE/DELETE on the tables, but only SELECT/INSERT on ``events``
   (the audit trail is append-only) and only SELECT on ``alembic_version`` (only the
   administrator migrates); USAGE on the sequences; no CREATE on the schema, so no
   DDL. The tables stay owned by the administrator's role, so ``desk_app`` can neither
   alter nor drop them;
3. optionally a login role for the desks (``--app-user``), a member of ``desk_app``;
   its password is sent as a SCRAM-SHA-256 verifier computed here, so the clear
   password never reaches the server or its statement log;
4. optionally the first administrator of Desk itself (a person with the admin role).

On SQLite, which has no roles, steps 1 and 4 are done and step 2-3 are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import DeskError, ValidationError
from desk.process import audit, people
from models import Person, PersonRole, Role, schema

GROUP_ROLE = "desk_app"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
RESERVED_ROLES = {GROUP_ROLE, "postgres", "public"}

# Tables the desks may only read and append to, or only read.
APPEND_ONLY_TABLES = ("events",)
READ_ONLY_TABLES = ("alembic_version",)


def init_database(
    url: str,
    *,
    open_db: Callable[..., Database],
    app_user: str | None = None,
    app_password: str | None = None,
    admin_no: str | None = None,
    admin_name: str | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Create or update everything a team needs in the database at ``url``.

    ``open_db`` is the composition root's ``open_database`` (it upgrades the schema and
    seeds the calendar), passed in so that administration does not import it.
    """
    if app_user is not None:
        _check_role_name(app_user)
    if app_password is not None and app_user is None:
        raise ValidationError({"app_password": (
            "设置密码时必须同时指定 --app-user。", "--app-password needs --app-user.")})
    if admin_name is not None and not admin_no:
        raise ValidationError({"admin_no": (
            "指定管理员姓名时必须同时指定 --admin-no（工号）。",
            "--admin-name needs --admin-no (the employee number).")})
    before_db = open_db(url, upgrade=False)
    try:
        before = schema.current_revision(before_db.engine)
    finally:
        before_db.dispose()
    db = open_db(url)
    try:
        head = schema.head_revision()
        if before == head:
            say(f"schema: already at {head}")
        else:
            say(f"schema: upgraded from {before or '(empty)'} to {head}")
        if db.backend == "postgresql":
            with db.engine.begin() as conn:
                _ensure_group_role(conn, say)
                _grant(conn, say)
                if app_user is not None:
                    _ensure_login_role(conn, app_user, app_password, say)
        else:
            if app_user is not None:
                raise DeskError(
                    "SQLite 数据库没有数据库角色，--app-user 只适用于 PostgreSQL。",
                    "An SQLite database has no roles; --app-user is for PostgreSQL only.",
                )
            say("roles: none on SQLite (the file's permissions decide who may open it)")
        if admin_no:
            _ensure_admin(db, admin_no.strip(), (admin_name or "").strip(), say)
    finally:
        db.dispose()


def _check_role_name(name: str) -> None:
    if not ROLE_NAME.match(name) or name in RESERVED_ROLES or name.startswith("pg_"):
        raise ValidationError({"app_user": (
            f"数据库用户名无效：{name}（小写字母、数字和下划线，以字母开头，不能用 "
            f"{GROUP_ROLE}、postgres 或 pg_ 开头的名字）",
            f"Not a usable database user name: {name} (lower-case letters, digits and "
            f"underscores, starting with a letter; not {GROUP_ROLE}, postgres or pg_…)")})


def _raw(conn: Connection) -> Any:
    """The psycopg connection under SQLAlchemy's, for statements built with psycopg.sql."""
    return conn.connection.driver_connection


def _role_exists(conn: Connection, name: str) -> bool:
    cur = _raw(conn).execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cur.fetchone() is not None


def _create_role_if_missing(conn: Connection, create: Any) -> None:
    """Run a CREATE ROLE, treating "already exists" (another init racing us) as done."""
    from psycopg import sql

    # A DO block catches the duplicate inside the server, so the surrounding
    # transaction is not aborted when two administrators run init at once.
    _raw(conn).execute(sql.SQL(
        "DO $do$ BEGIN {}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
        "END $do$"
    ).format(create))


def _ensure_group_role(conn: Connection, say: Callable[[str], None]) -> None:
    from psycopg import sql

    group = sql.Identifier(GROUP_ROLE)
    if _role_exists(conn, GROUP_ROLE):
        say(f"role {GROUP_ROLE}: exists")
    else:
        _create_role_if_missing(conn, sql.SQL("CREATE ROLE {} NOLOGIN").format(group))
        say(f"role {GROUP_ROLE}: created (NOLOGIN)")
    # a group role that somebody turned into a login role would be a shared password
    _raw(conn).execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(group))


def _grant(conn: Connection, say: Callable[[str], None]) -> None:
    from psycopg import sql

    raw = _raw(conn)
    group = sql.Identifier(GROUP_ROLE)
    database = raw.execute("SELECT current_database()").fetchone()[0]
    owner = raw.execute("SELECT current_user").fetchone()[0]
    tables = [r[0] for r in raw.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    statements = [
        # PostgreSQL before 15 let every role create tables in public: take that away
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(group),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), group),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(group),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}")
        .format(group),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(group),
        # tables a later migration adds (run by this same administrator) get the same
        # rights; a table that must be append-only revokes them in its migration
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}")
        .format(sql.Identifier(owner), group),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO {}").format(sql.Identifier(owner), group),
    ]
    for table in APPEND_ONLY_TABLES:
        if table in tables:
            statements.append(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}")
                              .format(sql.Identifier(table), group))
    for table in READ_ONLY_TABLES:
        if table in tables:
            statements.append(sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}")
                              .format(sql.Identifier(table), group))
    for statement in statements:
        raw.execute(statement)
    say(f"privileges of {GROUP_ROLE}: read and write on {len(tables)} tables; append only on "
        f"{', '.join(APPEND_ONLY_TABLES)}; read only on {', '.join(READ_ONLY_TABLES)}; "
        "no CREATE on schema public")


def _ensure_login_role(conn: Connection, name: str, password: str | None,
                       say: Callable[[str], None]) -> None:
    from psycopg import sql

    raw = _raw(conn)
    role = sql.Identifier(name)
    verifier = None
    if password:
        verifier = raw.pgconn.encrypt_password(
            password.encode(), name.encode(), b"scram-sha-256").decode()
    existed = _role_exists(conn, name)
    if not existed:
        _create_role_if_missing(conn, sql.SQL("CREATE ROLE {} LOGIN").format(role))
    raw.execute(sql.SQL("ALTER ROLE {} LOGIN").format(role))
    if verifier is not None:
        raw.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(verifier)))
    raw.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP_ROLE), role))
    what = "exists" if existed else "created (LOGIN)"
    pw = "; password set" if verifier is not None else ""
    say(f"role {name}: {what}, member of {GROUP_ROLE}{pw}")


def _ensure_admin(db: Database, employee_no: str, name: str,
                  say: Callable[[str], None]) -> None:
    def work(session: Session) -> str:
        person = session.scalar(select(Person).where(Person.employee_no == employee_no))
        if person is None:
            if not name:
                raise ValidationError({"admin_name": (
                    f"没有工号为 {employee_no} 的人员，请用 --admin-name 给出姓名。",
                    f"There is no person {employee_no}; give the name with --admin-name.")})
            person = people.add_person(session, employee_no, name, "", {Role.ADMIN})
            outcome = "created"
        elif Role.ADMIN in person.roles:
            return "exists"
        else:
            person.role_rows.append(PersonRole(role=Role.ADMIN))
            outcome = "given the admin role"
        session.flush()
        # no password is stored here: signing in is set up separately
        audit.record(session, at=db.now(), action="admin_init", ticket_id=None,
                     actor_id=None, details={"employee_no": employee_no, "outcome": outcome})
        return outcome

    outcome = db.write(work)
    say(f"administrator {employee_no}: {outcome}")
