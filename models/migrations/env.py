"""Alembic environment: run with the connection that ``models.schema`` hands over."""

from __future__ import annotations

from alembic import context

from models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - Desk always passes its connection
    raise RuntimeError("run migrations through models.schema (desk db upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
