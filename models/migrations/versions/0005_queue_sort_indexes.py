"""queue sort indexes: one per sortable column, ending in the id that breaks ties

The queue shows the first page of a sort (``ORDER BY column, id LIMIT 200``); with an
index on (column, id) that page is read in order instead of sorting every ticket.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

"""
from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("level", "status", "fault_type", "affected_business", "reporter_name",
           "respond_due_at", "restore_due_at")


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(f"ix_tickets_sort_{column}", "tickets", [column, "id"])


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_tickets_sort_{column}", table_name="tickets")
