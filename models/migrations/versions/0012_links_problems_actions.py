"""links between faults, problems, action items, satisfaction

``tickets`` gains four nullable columns (a duplicate's master, its problem, the
reporter's rating and comment). They are added with ``ALTER TABLE … ADD COLUMN`` on both
backends, never by recreating the table: a million tickets keep their rows, and SQLite
keeps the triggers of 0002 and the search triggers of 0006-0008. Two guards in the manner
of 0002: a problem's number never changes, and a merged duplicate stays merged.

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-01

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAULT_TYPES = ("SYS", "APP", "DATA", "NET", "HW", "CFG", "OPS", "OTH")
PROBLEM_NUMBER_MESSAGE = "the number of a problem never changes (问题编号不能修改)"
MERGE_MESSAGE = "a merged duplicate stays merged (重复故障合并后不能撤销)"

# Like 0002's guards: whoever is connected (a desk, a script, psql), the database refuses
# to renumber a problem or to take a merged duplicate out of its master.
PG_UP = [
    f"""
    CREATE OR REPLACE FUNCTION desk_problems_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- a problem is numbered from its id in the transaction that stores it: only that
        -- first placeholder may be replaced
        IF NEW.number <> OLD.number AND OLD.number NOT LIKE 'PRB-TMP-%' THEN
            RAISE EXCEPTION '{PROBLEM_NUMBER_MESSAGE}: % to %', OLD.number, NEW.number
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER problems_guard BEFORE UPDATE OF number ON problems
    FOR EACH ROW EXECUTE FUNCTION desk_problems_guard()
    """,
    f"""
    CREATE OR REPLACE FUNCTION desk_merge_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.merged_into_id IS NOT NULL
           AND NEW.merged_into_id IS DISTINCT FROM OLD.merged_into_id THEN
            RAISE EXCEPTION '{MERGE_MESSAGE}: %', OLD.number
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER tickets_merge_guard BEFORE UPDATE OF merged_into_id ON tickets
    FOR EACH ROW EXECUTE FUNCTION desk_merge_guard()
    """,
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS tickets_merge_guard ON tickets",
    "DROP FUNCTION IF EXISTS desk_merge_guard()",
    "DROP TRIGGER IF EXISTS problems_guard ON problems",
    "DROP FUNCTION IF EXISTS desk_problems_guard()",
]
SQLITE_UP = [
    f"""
    CREATE TRIGGER problems_number_fixed BEFORE UPDATE OF number ON problems
    WHEN NEW.number <> OLD.number AND OLD.number NOT LIKE 'PRB-TMP-%'
    BEGIN SELECT RAISE(ABORT, '{PROBLEM_NUMBER_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER tickets_merge_final BEFORE UPDATE OF merged_into_id ON tickets
    WHEN OLD.merged_into_id IS NOT NULL AND NEW.merged_into_id IS NOT OLD.merged_into_id
    BEGIN SELECT RAISE(ABORT, '{MERGE_MESSAGE}'); END
    """,
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS tickets_merge_final",
               "DROP TRIGGER IF EXISTS problems_number_fixed"]


def upgrade() -> None:
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("symptom", sa.Text(), nullable=False),
        sa.Column("affected_business", sa.String(length=200), nullable=False),
        sa.Column("fault_type", sa.Enum(*FAULT_TYPES, name="faulttype", native_enum=False,
                                        length=8), nullable=False),
        sa.Column("state", sa.Enum("analysing", "known_error", "resolved",
                                   name="problemstate", native_enum=False, length=16),
                  nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("permanent_fix", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("known_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"],
                                name=op.f("fk_problems_owner_id_people")),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_problems_created_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problems")),
        sa.UniqueConstraint("number", name=op.f("uq_problems_number")),
    )
    op.create_table(
        "ticket_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("related", "caused_by", "duplicate", name="linkkind",
                                  native_enum=False, length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_ticket_links_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["other_id"], ["tickets.id"],
                                name=op.f("fk_ticket_links_other_id_tickets")),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_ticket_links_created_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_links")),
        sa.UniqueConstraint("ticket_id", "other_id", name=op.f("uq_ticket_links_ticket_id")),
    )
    op.create_index(op.f("ix_ticket_links_other_id"), "ticket_links", ["other_id"])
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.Enum("open", "done", name="actionstate", native_enum=False,
                                   length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_action_items_ticket_id_tickets")),
        sa.ForeignKeyConstraint(["problem_id"], ["problems.id"],
                                name=op.f("fk_action_items_problem_id_problems")),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"],
                                name=op.f("fk_action_items_owner_id_people")),
        sa.ForeignKeyConstraint(["created_by_id"], ["people.id"],
                                name=op.f("fk_action_items_created_by_id_people")),
        sa.ForeignKeyConstraint(["done_by_id"], ["people.id"],
                                name=op.f("fk_action_items_done_by_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_ticket_id"), "action_items", ["ticket_id"])
    op.create_index(op.f("ix_action_items_problem_id"), "action_items", ["problem_id"])
    op.create_index(op.f("ix_action_items_owner_id"), "action_items", ["owner_id"])
    op.create_index("ix_action_items_state_due", "action_items", ["state", "due_on"])

    # ADD COLUMN on both backends (see the docstring); on SQLite the foreign keys are
    # written inline, as ALTER TABLE allows, and have no constraint name
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE tickets ADD COLUMN merged_into_id INTEGER "
                   "REFERENCES tickets (id)")
        op.execute("ALTER TABLE tickets ADD COLUMN problem_id INTEGER "
                   "REFERENCES problems (id)")
    else:
        op.add_column("tickets", sa.Column("merged_into_id", sa.Integer(), nullable=True))
        op.add_column("tickets", sa.Column("problem_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_tickets_merged_into_id_tickets", "tickets", "tickets",
                              ["merged_into_id"], ["id"])
        op.create_foreign_key("fk_tickets_problem_id_problems", "tickets", "problems",
                              ["problem_id"], ["id"])
    op.add_column("tickets", sa.Column("satisfaction", sa.Integer(), nullable=True))
    op.add_column("tickets", sa.Column("satisfaction_comment", sa.Text(), nullable=False,
                                       server_default=""))
    for column in ("merged_into_id", "problem_id"):
        # partial on SQLite, whose planner would read it for "IS NULL" (see the model)
        op.create_index(f"ix_tickets_{column}", "tickets", [column],
                        sqlite_where=sa.text(f"{column} IS NOT NULL"))
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_UP if postgres else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DOWN if postgres else SQLITE_DOWN:
        op.execute(statement)
    op.drop_index("ix_tickets_problem_id", table_name="tickets")
    op.drop_index("ix_tickets_merged_into_id", table_name="tickets")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_tickets_problem_id_problems", "tickets", type_="foreignkey")
        op.drop_constraint("fk_tickets_merged_into_id_tickets", "tickets", type_="foreignkey")
    # SQLite (3.35+) drops a column that no index or named constraint uses, in place
    for column in ("satisfaction_comment", "satisfaction", "problem_id", "merged_into_id"):
        op.drop_column("tickets", column)
    op.drop_table("action_items")
    op.drop_table("ticket_links")
    op.drop_table("problems")
