"""Schema versions: apply the Alembic migrations, and refuse a database newer than Desk.

A window starting on a database that is already at head only reads ``alembic_version``
with a plain SELECT and compares it with the newest migration's file name: Alembic
(about a fifth of a second of imports) is loaded only when there is something to apply
or to check more deeply (an empty database, an older or unknown revision).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


class SchemaTooNewError(Exception):
    """The database was migrated by a newer Desk than this one."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration's revision, from the file names in ``migrations/versions``.

    Each migration is named ``NNNN_what.py`` after its revision id, one after the other
    (``tests/test_cold_start.py`` holds this to Alembic's own view of the head), so the
    head is known without importing Alembic.
    """
    names = sorted(p.name.split("_", 1)[0]
                   for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert names, f"no migrations in {MIGRATIONS / 'versions'}"
    return names[-1]


def stored_revision(engine: Engine) -> str | None:
    """The one revision in ``alembic_version``, read with a plain SELECT.

    None when there is no such table yet or it does not hold exactly one row: Alembic
    (``current_revision``) then has the last word.
    """
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(engine: Engine) -> str | None:
    """Return the database's revision; raise if this Desk does not know it."""
    head = head_revision()
    if stored_revision(engine) == head:  # the usual start: nothing for Alembic to do
        return head
    rev = current_revision(engine)
    if rev is None:
        return None
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    known = {s.revision for s in script.walk_revisions()}
    if rev not in known:
        raise SchemaTooNewError(rev)
    return rev


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the newest revision; return True if anything was applied."""
    before = check_not_newer(engine)
    if before == head_revision():
        return False
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
