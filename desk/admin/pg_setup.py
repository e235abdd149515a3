"""``desk db init``: set up a database for a team, where the database is the boundary.

What the database owner runs once (and may run again: every step is idempotent):

1. the schema, through the Alembic migrations (``models.schema``);
2. the rule tables the database checks every write against, written from the tables
   the application uses (``desk.rules.transitions.TRANSITIONS``, the editing table and
   the notices), so the two can never disagree;
3. PostgreSQL: the group roles of *this* database, named after it
   (``desk_<db>`` for everybody, ``desk_<db>_r_<role>`` per Desk role), so two Desk
   databases on one server stay apart. ``CONNECT`` is revoked from ``PUBLIC`` and granted
   to the group; the group may read the tables and write only where the triggers of
   migration 0013 check each write; people, roles and passwords change only through
   ``desk_save_person`` / ``desk_set_password``;
4. the first administrator: on PostgreSQL a login role of their own
   (``<db>_<employee no>``, SCRAM-SHA-256, its verifier computed here so the clear
   password never reaches the server or its log); on SQLite a person with an argon2id
   password hash.

Each person is their own PostgreSQL login, so whatever ``pg_hba.conf`` configures
(password, LDAP, Kerberos, certificates) is how they sign in; Desk keeps no password
of its own there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import DeskError, PermissionDeniedError, ValidationError
from desk.process import audit, auth, editing, links, notices, people, problems
from desk.process.intake import SERVICE_NO
from desk.rules.transitions import TRANSITIONS
from models import Person, PersonRole, Role, RuleEdit, RuleTransition, Status, schema

# what every person's login may write; the triggers of migration 0013 check each row.
# Tables not named here (people, person_roles, departments, the rule tables,
# alembic_version) are read only: they change through the admin functions.
WRITABLE: dict[str, str] = {
    "tickets": "INSERT, UPDATE",
    "team_members": "INSERT, UPDATE, DELETE",
    "implementation_steps": "INSERT, UPDATE, DELETE",
    "verification_items": "INSERT, UPDATE, DELETE",
    "attachments": "INSERT, UPDATE",
    "attachment_chunks": "INSERT",
    "number_counters": "INSERT, UPDATE",
    "settings": "INSERT, UPDATE, DELETE",
    "notification_rules": "INSERT, UPDATE, DELETE",
    "calendar_days": "INSERT, UPDATE, DELETE",
    "calendar_years": "INSERT, UPDATE, DELETE",
    "outbox": "INSERT, UPDATE, DELETE",
    "kb_entries": "INSERT, UPDATE",
    "kb_revisions": "INSERT, UPDATE",
    "presence": "INSERT, UPDATE, DELETE",
    "ticket_pauses": "INSERT, UPDATE",
    "channels": "INSERT, UPDATE, DELETE",
    "intake_log": "INSERT, UPDATE",
    "alert_links": "INSERT, UPDATE",
    "ticket_links": "INSERT, UPDATE, DELETE",
    "problems": "INSERT, UPDATE",
    "action_items": "INSERT, UPDATE",
}
# what every login may read of a group robot (its URL and secret are for administrators)
CHANNEL_PUBLIC_COLUMNS = "id, name, kind, per_minute, per_second, enabled, created_at"
# events: appended, never with an id of the client's choosing
EVENT_COLUMNS = "ticket_id, actor_id, at, action, changes, details, reason"
ADMIN_FUNCTIONS = (
    "desk_save_person(integer, text, text, text, text, text, text[], boolean, boolean, text)",
    "desk_set_password(integer, text)",
)
OLD_SHARED_GROUP = "desk_app"  # the one shared group role of earlier versions
SERVICE_GROUP = "service"  # desk_<db>_r_service: the service's login (migration 0014)


def transition_rows() -> list[dict[str, str]]:
    """``TRANSITIONS`` as rows: (transition, source, every state it may lead to, role)."""
    rows = []
    for t in TRANSITIONS.values():
        for source in sorted(t.sources, key=lambda s: s.value):
            for target in sorted(t.reachable(source), key=lambda s: s.value):
                for role in sorted(t.roles, key=lambda r: r.value):
                    rows.append({"name": t.name, "source": source.value,
                                 "target": target.value, "role": role.value})
    # merging a duplicate cancels it: a change of state outside the step table
    for source in sorted(links.MERGE_SOURCES, key=lambda s: s.value):
        for role in sorted(links.MERGERS, key=lambda r: r.value):
            rows.append({"name": "merge", "source": source.value,
                         "target": Status.CANCELLED.value, "role": role.value})
    return rows


def edit_rows() -> list[dict[str, str]]:
    """The editing table and the notices as rows: (action, state, field, role)."""
    rows: set[tuple[str, str, str, str]] = set()
    for rule in editing.EDIT_RULES:
        holders = [r.value for r in rule.roles] + (["reporter"] if rule.reporter else [])
        for status in rule.states:
            for field in rule.fields:
                for holder in holders:
                    rows.add(("edit", status.value, field, holder))
    for kind, (action, roles, states) in notices.NOTICE_ACTIONS.items():
        fields = notices.NOTICE_FIELDS[kind]
        for status in states:
            for field in fields:
                for role in roles:
                    rows.add((action, status.value, field, role.value))
    # a fault is put under a problem in any state (problems are mostly about closed ones)
    for status in Status:
        for role in problems.OPENERS | problems.MANAGERS:
            rows.add(("problem_link", status.value, "problem_id", role.value))
    return [{"action": a, "status": s, "field": f, "role": r} for a, s, f, r in sorted(rows)]


def sync_rules(session: Session) -> None:
    """Write the rule tables from the application's tables (replacing what was there)."""
    session.execute(delete(RuleTransition))
    session.execute(delete(RuleEdit))
    session.execute(insert(RuleTransition), transition_rows())
    session.execute(insert(RuleEdit), edit_rows())


def init_database(
    url: str,
    *,
    open_db: Callable[..., Database],
    admin_no: str | None = None,
    admin_name: str | None = None,
    admin_password: str | None = None,
    say: Callable[[str], None] = print,
) -> str | None:
    """Create or update everything a team needs in the database at ``url``; return the
    login name the administrator connects with (PostgreSQL) or their employee number.

    ``open_db`` is the composition root's ``open_database`` (it upgrades the schema and
    seeds the calendar), passed in so that administration does not import it.
    """
    if admin_name is not None and not admin_no:
        raise ValidationError({"admin_no": (
            "指定管理员姓名时必须同时指定 --admin-no（工号）。",
            "--admin-name needs --admin-no (the employee number).")})
    if admin_password is not None:
        auth.check_password_rules(admin_password)
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
        db.write(sync_rules)
        say(f"rules: {len(transition_rows())} transition rows, {len(edit_rows())} field rows")
        if db.backend == "postgresql":
            with db.engine.begin() as conn:
                _ensure_group_roles(conn, say)
                _grant(conn, say)
        else:
            say("roles: none on SQLite (the file's permissions decide who may open it)")
        if admin_no:
            return _ensure_admin(db, admin_no.strip(), (admin_name or "").strip(),
                                 admin_password, say)
        return None
    finally:
        db.dispose()


def _raw(conn: Connection) -> Any:
    """The psycopg connection under SQLAlchemy's, for statements built with psycopg.sql."""
    return conn.connection.driver_connection


def group_role(conn: Connection, role: Role | None = None) -> str:
    """The name of this database's group role (for everybody, or for one Desk role)."""
    name = conn.execute(text("SELECT desk_group_role(:r)"),
                        {"r": role.value if role else None}).scalar_one()
    return str(name)


def group_role_named(conn: Connection, name: str) -> str:
    """The name of one of this database's group roles that is not a Desk role."""
    return str(conn.execute(text("SELECT desk_group_role(:r)"), {"r": name}).scalar_one())


def _role_exists(raw: Any, name: str) -> bool:
    return raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _ensure_group_roles(conn: Connection, say: Callable[[str], None]) -> None:
    from psycopg import sql

    raw = _raw(conn)
    for role in [None, *Role]:
        name = group_role(conn, role)
        if not _role_exists(raw, name):
            # a DO block catches a racing init inside the server (no aborted transaction)
            raw.execute(sql.SQL(
                "DO $do$ BEGIN CREATE ROLE {} NOLOGIN; EXCEPTION WHEN duplicate_object OR "
                "unique_violation THEN NULL; END $do$").format(sql.Identifier(name)))
        # a group role that somebody turned into a login role would be a shared password
        raw.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(name)))
    say(f"roles: {group_role(conn)} and one group role per Desk role (NOLOGIN)")


def _grant(conn: Connection, say: Callable[[str], None]) -> None:
    from psycopg import sql

    raw = _raw(conn)
    group = sql.Identifier(group_role(conn))
    database = sql.Identifier(raw.execute("SELECT current_database()").fetchone()[0])
    owner = sql.Identifier(raw.execute("SELECT current_user").fetchone()[0])
    tables = [r[0] for r in raw.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    statements = [
        # nobody connects unless Desk made them a person of this database
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, group),
        # PostgreSQL before 15 let every role create tables in public: take that away
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(group),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(group),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(group),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(group),
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(group),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT SELECT ON TABLES TO {}").format(owner, group),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
                "GRANT USAGE ON SEQUENCES TO {}").format(owner, group),
        sql.SQL("GRANT INSERT ({}) ON events TO {}").format(
            sql.SQL(EVENT_COLUMNS), group),
        # every function is callable by PUBLIC unless said otherwise
        sql.SQL("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC"),
        sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(group),
    ]
    for table, rights in WRITABLE.items():
        if table in tables:
            statements.append(sql.SQL("GRANT " + rights + " ON {} TO {}")
                              .format(sql.Identifier(table), group))
    if "channels" in tables:
        # a group robot's URL and signing secret are the team's secrets: a desk that
        # queues a message needs only the channel's name, its administrators the rest
        statements += [
            sql.SQL("REVOKE SELECT ON channels FROM {}").format(group),
            sql.SQL("GRANT SELECT ({}) ON channels TO {}").format(
                sql.SQL(CHANNEL_PUBLIC_COLUMNS), group),
            sql.SQL("GRANT SELECT ON channels TO {}").format(
                sql.Identifier(group_role(conn, Role.ADMIN))),
        ]
    if _role_exists(raw, OLD_SHARED_GROUP):  # an earlier Desk's one shared group role
        old = sql.Identifier(OLD_SHARED_GROUP)
        statements += [
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(old),
            sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(old),
            sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(database, old),
        ]
    for statement in statements:
        raw.execute(statement)
    if _role_exists(raw, group_role_named(conn, SERVICE_GROUP)):
        # the service's own login: exactly what the service does (migration 0014)
        raw.execute("SELECT desk_service_grants()")
        say(f"privileges of {group_role_named(conn, SERVICE_GROUP)}: what the service does")
    # Desk keeps no password of its own on PostgreSQL: PostgreSQL does
    raw.execute("UPDATE people SET password_hash = NULL WHERE password_hash IS NOT NULL")
    say(f"privileges of {group_role(conn)}: connect; read all tables; write "
        f"{len(WRITABLE)} tables through the checks of the database; events append only; "
        "people and roles through the admin functions; no CREATE on schema public")


def _ensure_admin(db: Database, employee_no: str, name: str, password: str | None,
                  say: Callable[[str], None]) -> str:
    if db.backend == "postgresql":
        return _ensure_pg_admin(db, employee_no, name, password, say)

    def work(session: Session) -> str:
        person = session.scalar(select(Person).where(Person.employee_no == employee_no))
        if person is None:
            if not name:
                raise _name_needed(employee_no)
            person = people.add_person(session, employee_no, name, "", {Role.ADMIN})
            outcome = "created"
        elif Role.ADMIN in person.roles:
            outcome = "exists"
        else:
            person.role_rows.append(PersonRole(role=Role.ADMIN))
            outcome = "given the admin role"
        if password is not None:
            person.password_hash = auth.hash_password(password)
            person.failed_logins = 0
            person.locked_until = None
            outcome += "; password set"
        session.flush()
        audit.record(session, at=db.now(), action="admin_init", ticket_id=None,
                     actor_id=None, details={"employee_no": employee_no, "outcome": outcome})
        return outcome

    outcome = db.write(work)
    say(f"administrator {employee_no}: {outcome}")
    return employee_no


def _name_needed(employee_no: str) -> ValidationError:
    return ValidationError({"admin_name": (
        f"没有工号为 {employee_no} 的人员，请用 --admin-name 给出姓名。",
        f"There is no person {employee_no}; give the name with --admin-name.")})


def scram_verifier(conn: Any, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on this machine."""
    return str(conn.pgconn.encrypt_password(
        password.encode(), login.encode(), b"scram-sha-256").decode())


def _ensure_pg_admin(db: Database, employee_no: str, name: str, password: str | None,
                     say: Callable[[str], None]) -> str:
    with db.engine.begin() as conn:
        row = conn.execute(text(
            "SELECT p.id, p.name, p.department_id, p.contact, p.email, p.active, p.service, "
            "(SELECT d.name FROM departments d WHERE d.id = p.department_id) "
            "FROM people p WHERE p.employee_no = :no"), {"no": employee_no}).first()
        roles: set[str] = {Role.ADMIN.value}
        if row is None:
            if not name:
                raise _name_needed(employee_no)
            pid, department, contact, email = None, "", "", ""
            outcome = "created"
        else:
            pid, department, contact, email = row[0], row[7] or "", row[3], row[4]
            name = name or row[1]
            held = {r[0] for r in conn.execute(
                text("SELECT role FROM person_roles WHERE person_id = :p"), {"p": pid})}
            outcome = "exists" if Role.ADMIN.value in held else "given the admin role"
            roles |= held
        login_guess = conn.execute(text("SELECT coalesce((SELECT db_login FROM people WHERE "
                                        "employee_no = :no), desk_login_name(:no))"),
                                   {"no": employee_no}).scalar_one()
        verifier = (scram_verifier(_raw(conn), login_guess, password)
                    if password is not None else None)
        pid = conn.execute(text(
            "SELECT desk_save_person(:id, :no, :name, :dept, :contact, :email, "
            "CAST(:roles AS text[]), true, false, :verifier)"),
            {"id": pid, "no": employee_no, "name": name, "dept": department,
             "contact": contact, "email": email, "roles": sorted(roles),
             "verifier": verifier}).scalar_one()
        login = str(conn.execute(text("SELECT db_login FROM people WHERE id = :p"),
                                 {"p": pid}).scalar_one())
    if password is not None:
        outcome += "; password set"
    say(f"administrator {employee_no}: {outcome}; connects as {login}")
    return login


def service_login(db: Database, password: str | None) -> str:
    """``desk db service-login``: the database owner makes (or repairs) the login the
    team's service connects with, and sets its password when one is given; returns the
    login's name. The login may do what ``desk serve`` does and nothing more (migration
    0014, ``desk_service_login``); the service's person ``DESK-SVC`` stays without roles.
    """
    if db.backend != "postgresql":
        raise DeskError(
            "SQLite 没有数据库登录名：在保存数据库文件的电脑上以文件所有者运行 desk serve 即可。",
            "SQLite has no database logins: run `desk serve` as the user who owns the "
            "database file, on the computer that holds it.")
    if password is not None:
        auth.check_password_rules(password)
    with db.engine.begin() as conn:
        if not conn.execute(text("SELECT desk_is_owner()")).scalar_one():
            raise PermissionDeniedError(
                "设置服务登录名须使用数据库所有者的连接地址。",
                "Setting up the service's login needs the database owner's URL.")
        guess = conn.execute(text(
            "SELECT coalesce((SELECT db_login FROM people WHERE employee_no = :no), "
            "desk_login_name(:no))"), {"no": SERVICE_NO}).scalar_one()
        verifier = (scram_verifier(_raw(conn), str(guess), password)
                    if password is not None else None)
        login = conn.execute(text("SELECT desk_service_login(:v)"),
                             {"v": verifier}).scalar_one()
    return str(login)
