"""group robots as notification channels; the intake log and alert links of the service

``channels`` holds the group robots (WeCom, DingTalk, Feishu, a generic webhook);
``outbox.channel_id`` marks a robot's message (None: an e-mail). ``intake_log`` records
every mail and alert the service received (a mail's Message-ID is unique in it), and
``alert_links`` ties an alert's fingerprint to the fault it was filed as. The default
rules for a level-1 report and the breach warnings also go to every channel.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01

"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL_TRIGGERS = ("report_urgent", "sla_breached")
TOKEN = "channels"


def _rules(add: bool) -> None:
    bind = op.get_bind()
    rules = sa.table("notification_rules", sa.column("id", sa.Integer),
                     sa.column("trigger", sa.String), sa.column("recipients", sa.Text))
    for rid, recipients in bind.execute(sa.select(rules.c.id, rules.c.recipients)
                                        .where(rules.c.trigger.in_(CHANNEL_TRIGGERS))).all():
        try:
            tokens = [str(t) for t in json.loads(recipients or "[]")]
        except ValueError:
            continue
        if add and TOKEN not in tokens:
            tokens.append(TOKEN)
        elif not add and TOKEN in tokens:
            tokens.remove(TOKEN)
        else:
            continue
        bind.execute(rules.update().where(rules.c.id == rid)
                     .values(recipients=json.dumps(tokens, ensure_ascii=False)))


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("per_minute", sa.Integer(), nullable=False),
        sa.Column("per_second", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
        sa.UniqueConstraint("name", name=op.f("uq_channels_name")),
    )
    op.create_table(
        "intake_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("dedupe_key", sa.String(length=400), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_intake_log_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_log")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_intake_log_dedupe_key")),
    )
    with op.batch_alter_table("intake_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_log_ticket_id"), ["ticket_id"],
                              unique=False)
    op.create_table(
        "alert_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("firings", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"],
                                name=op.f("fk_alert_links_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_links")),
    )
    with op.batch_alter_table("alert_links", schema=None) as batch_op:
        batch_op.create_index("ix_alert_links_key", ["key"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_channel_id"), ["channel_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_outbox_channel_id_channels"), "channels",
                                    ["channel_id"], ["id"], ondelete="SET NULL")
    _rules(add=True)


def downgrade() -> None:
    _rules(add=False)
    op.execute("DELETE FROM outbox WHERE channel_id IS NOT NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_channel_id_channels"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_channel_id"))
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("alert_links", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_links_key")
    op.drop_table("alert_links")
    with op.batch_alter_table("intake_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_log_ticket_id"))
    op.drop_table("intake_log")
    op.drop_table("channels")
