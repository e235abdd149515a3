"""ticket search on SQLite: an FTS5 trigram index of number, business and phenomenon

The queue's free-text search is a substring search (``%text%``), which SQLite can only
answer by reading every ticket. An FTS5 table with the trigram tokenizer answers the
same question for three characters or more from an index (``desk.tickets``); triggers
keep it in step with ``tickets``. PostgreSQL has its trigram indexes (0006).

The table and its shadow tables are not in the ORM; the schema comparison skips names
starting with ``tickets_fts``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27

"""
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLS = "number, affected_business, phenomenon"
NEW = "new.number, new.affected_business, new.phenomenon"
OLD = "old.number, old.affected_business, old.phenomenon"

UP = [
    f"CREATE VIRTUAL TABLE tickets_fts USING fts5({COLS}, content='tickets', "
    "content_rowid='id', tokenize='trigram')",
    "INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild')",
    f"CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN "
    f"INSERT INTO tickets_fts(rowid, {COLS}) VALUES (new.id, {NEW}); END",
    f"CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN "
    f"INSERT INTO tickets_fts(tickets_fts, rowid, {COLS}) VALUES ('delete', old.id, {OLD}); "
    "END",
    f"CREATE TRIGGER tickets_fts_update AFTER UPDATE OF {COLS} ON tickets BEGIN "
    f"INSERT INTO tickets_fts(tickets_fts, rowid, {COLS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO tickets_fts(rowid, {COLS}) VALUES (new.id, {NEW}); END",
]

DOWN = [
    "DROP TRIGGER IF EXISTS tickets_fts_update",
    "DROP TRIGGER IF EXISTS tickets_fts_delete",
    "DROP TRIGGER IF EXISTS tickets_fts_insert",
    "DROP TABLE IF EXISTS tickets_fts",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DOWN:
            op.execute(statement)
