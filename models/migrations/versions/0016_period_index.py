"""the period index: the figures of a month read from one index, not from the table

The dashboard and the service report (运维服务报告) read the faults reported in a period
by ``reported_at`` and a dozen of their columns. With the date index alone each of their
scans fetches every fault of the period from the table, and over a million faults the
faults of one month lie on most of the table's pages (a fault is stored when reported,
its row grows as it is handled): a month's report read the table a dozen times over.
``ix_tickets_period`` holds the date and every column those scans group, count or sum
(not the long texts), so that they read the index alone (on PostgreSQL an index-only
scan once autovacuum has marked the pages visible).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03

"""
from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# as in models.entities.PERIOD_INDEX_COLUMNS
COLUMNS = ["reported_at", "level", "status", "fault_type", "merged_into_id", "responded_at",
           "respond_due_at", "workaround_at", "restored_at", "restore_due_at", "paused_at",
           "resolved_at", "verification_rounds", "verification_passed", "satisfaction",
           "problem_id", "reporter_employee_no", "affected_business"]


def upgrade() -> None:
    op.create_index("ix_tickets_period", "tickets", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_tickets_period", table_name="tickets")
