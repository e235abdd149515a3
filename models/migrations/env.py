"""Alembic environment: run with the connection that ``models.schema`` hands over."""

from __future__ import annotations

from alembic import context

from models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - Desk always passes its connection
    raise RuntimeError("run migrations through models.schema (desk db upgrade)")


def _include_object(obj: object, name: str | None, type_: str, reflected: bool,
                    compare_to: object) -> bool:
    # the search objects (0004, 0006-0008: FTS5 tables and their view, trigram and
    # character-pair indexes) are not in the ORM; autogenerate must not offer to drop them
    return not ((name or "").startswith(("kb_fts", "tickets_fts"))
                or "_trgm" in (name or "") or "_grams" in (name or ""))


context.configure(
    connection=connection,
    include_object=_include_object,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
