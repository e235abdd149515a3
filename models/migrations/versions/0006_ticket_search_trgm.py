"""ticket search: trigram indexes for the queue's free-text search on PostgreSQL

The queue searches number, affected business and phenomenon with ``ILIKE '%text%'``;
``pg_trgm`` GIN indexes (the extension came with 0004) serve that without reading every
ticket. SQLite has no equivalent for a plain LIKE and is left as it is.

These indexes are not in the ORM (autogenerate cannot describe operator classes); the
schema comparison skips names containing ``_trgm``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

"""
from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("number", "affected_business", "phenomenon")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_tickets_trgm_{column} ON tickets "
                   f"USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_tickets_trgm_{column}")
