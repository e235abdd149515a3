"""database protection: append-only events, ticket versions and numbers never go back

The services already never change an event and always raise a ticket's version; these
triggers make the database itself refuse anything else, whoever is connected (a
script, a psql session, a desk with a bug). On PostgreSQL they are PL/pgSQL trigger
functions; on SQLite the same rules are ``RAISE(ABORT, ...)`` triggers.

Triggers are not compared by autogenerate, so the ORM and this schema stay equal.
A later SQLite batch migration that recreates ``events`` or ``tickets`` drops their
triggers with the old table and must create them again (see ``SQLITE_TRIGGERS``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS_MESSAGE = "events are append-only (事件记录只能追加，不能修改或删除)"
VERSION_MESSAGE = "the version of a ticket cannot go back (故障版本号不能回退)"
NUMBER_MESSAGE = "the number of a ticket never changes (故障编号不能修改)"

PG_UP = [
    f"""
    CREATE OR REPLACE FUNCTION desk_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{EVENTS_MESSAGE}: % refused', TG_OP
            USING ERRCODE = 'restrict_violation',
                  HINT = 'Record a new event instead of changing an old one.';
    END
    $$
    """,
    """
    CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION desk_events_append_only()
    """,
    """
    CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION desk_events_append_only()
    """,
    f"""
    CREATE OR REPLACE FUNCTION desk_tickets_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.version < OLD.version THEN
            RAISE EXCEPTION '{VERSION_MESSAGE}: % from % to %',
                OLD.number, OLD.version, NEW.version
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.number <> OLD.number THEN
            RAISE EXCEPTION '{NUMBER_MESSAGE}: % to %', OLD.number, NEW.number
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER tickets_guard
    BEFORE UPDATE OF version, number ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_tickets_guard()
    """,
]

PG_DOWN = [
    "DROP TRIGGER IF EXISTS tickets_guard ON tickets",
    "DROP FUNCTION IF EXISTS desk_tickets_guard()",
    "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    "DROP TRIGGER IF EXISTS events_append_only ON events",
    "DROP FUNCTION IF EXISTS desk_events_append_only()",
]

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, '{EVENTS_MESSAGE}: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, '{EVENTS_MESSAGE}: DELETE refused'); END
    """,
    f"""
    CREATE TRIGGER tickets_version_forward BEFORE UPDATE OF version ON tickets
    WHEN NEW.version < OLD.version
    BEGIN SELECT RAISE(ABORT, '{VERSION_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER tickets_number_fixed BEFORE UPDATE OF number ON tickets
    WHEN NEW.number <> OLD.number
    BEGIN SELECT RAISE(ABORT, '{NUMBER_MESSAGE}'); END
    """,
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS tickets_number_fixed",
    "DROP TRIGGER IF EXISTS tickets_version_forward",
    "DROP TRIGGER IF EXISTS events_no_delete",
    "DROP TRIGGER IF EXISTS events_no_update",
]


def _statements(pg: list[str], sqlite: list[str]) -> list[str]:
    name = op.get_bind().dialect.name
    if name == "postgresql":
        return pg
    if name == "sqlite":
        return sqlite
    return []


def upgrade() -> None:
    for statement in _statements(PG_UP, SQLITE_TRIGGERS):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(PG_DOWN, SQLITE_DOWN):
        op.execute(statement)
