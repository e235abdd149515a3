"""deadlines as a desk works them: pauses of a ticket's clocks, a year confirmed complete

- ``ticket_pauses``: each pause (暂停) of a ticket's clocks, from when to when, why, who;
  ``tickets.paused_at`` / ``tickets.pause_reason``: the pause in force, if any.
- ``calendar_years.confirmed_by_id`` / ``confirmed_at``: who confirmed a year complete.
- The holiday names seeded from the chinesecalendar package become Chinese (the
  package names them in English).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# desk.admin.calendar.HOLIDAY_NAMES_ZH, kept here as it was when this migration was written
NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


def upgrade() -> None:
    op.create_table(
        "ticket_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ended_by_id"], ["people.id"],
                                name=op.f("fk_ticket_pauses_ended_by_id_people")),
        sa.ForeignKeyConstraint(["started_by_id"], ["people.id"],
                                name=op.f("fk_ticket_pauses_started_by_id_people")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_pauses_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_pauses")),
    )
    with op.batch_alter_table("ticket_pauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_pauses_ticket_id"), ["ticket_id"],
                              unique=False)
    # plain ALTER TABLE ADD COLUMN: a batch copy of ``tickets`` would drop its SQLite
    # triggers and search index triggers (0002, 0007)
    op.add_column("tickets", sa.Column("paused_at", UTCDateTime(), nullable=True))
    op.add_column("tickets", sa.Column("pause_reason", sa.Text(), nullable=False,
                                       server_default=""))
    with op.batch_alter_table("calendar_years", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_calendar_years_confirmed_by_id_people"),
                                    "people", ["confirmed_by_id"], ["id"])
    days = sa.table("calendar_days", sa.column("name", sa.String), sa.column("source", sa.String))
    for english, chinese in NAMES.items():
        op.execute(days.update().where(days.c.source == "chinesecalendar",
                                       days.c.name == english).values(name=chinese))


def downgrade() -> None:
    days = sa.table("calendar_days", sa.column("name", sa.String), sa.column("source", sa.String))
    for english, chinese in NAMES.items():
        op.execute(days.update().where(days.c.source == "chinesecalendar",
                                       days.c.name == chinese).values(name=english))
    with op.batch_alter_table("calendar_years", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_calendar_years_confirmed_by_id_people"),
                                 type_="foreignkey")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("confirmed_by_id")
    op.drop_column("tickets", "pause_reason")  # ALTER TABLE DROP COLUMN (SQLite 3.35+)
    op.drop_column("tickets", "paused_at")
    with op.batch_alter_table("ticket_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_pauses_ticket_id"))
    op.drop_table("ticket_pauses")
