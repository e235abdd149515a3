"""Schema versions: migrations from empty to head, ORM = schema, newer schemas refused.

Also the layering rule of DESIGN.md: the core imports without PySide6.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from desk.bootstrap import open_database
from desk.cli.main import main
from desk.errors import DeskError, SchemaTooNewError
from models import Base, schema
from models.database import make_engine

ROOT = Path(__file__).resolve().parents[1]


def test_upgrade_from_empty_to_head(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        assert schema.current_revision(engine) is None
        assert schema.upgrade(engine) is True
        assert schema.current_revision(engine) == schema.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert schema.upgrade(engine) is False  # a second run has nothing to do
    finally:
        engine.dispose()


def _not_search_index(obj: object, name: str | None, type_: str, reflected: bool,
                      compare_to: object) -> bool:
    """The search objects (FTS5 tables, trigram and character-pair indexes) are not in the ORM."""
    return not ((name or "").startswith(("kb_fts", "tickets_fts"))
                or "_trgm" in (name or "") or "_grams" in (name or ""))


def test_the_orm_matches_the_migrated_schema(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        schema.upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": _not_search_index})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_downgrade_to_the_first_revision_and_back(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        schema.upgrade(engine)
        cfg = schema.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert schema.current_revision(engine) == "0001"
        with engine.begin() as conn:  # without the 0002 triggers an event can be changed
            conn.execute(text("INSERT INTO events (at, action, changes, details, reason) "
                              "VALUES (CURRENT_TIMESTAMP, 'note', '{}', '{}', '')"))
            conn.execute(text("UPDATE events SET reason = 'changed'"))
        assert schema.upgrade(engine) is True
        assert schema.current_revision(engine) == schema.head_revision()
    finally:
        engine.dispose()


def test_a_database_from_a_newer_desk_is_refused(empty_db_url: str) -> None:
    db = open_database(empty_db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.dispose()
    for upgrade in (True, False):
        with pytest.raises(SchemaTooNewError) as info:
            open_database(empty_db_url, upgrade=upgrade)
        assert "9999_from_the_future" in info.value.zh
        assert "newer Desk" in info.value.en
        assert "Upgrade Desk" in info.value.en


def test_a_newer_schema_is_refused_by_the_cli_without_a_traceback(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(sqlite_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.dispose()
    assert main(["--lang", "en", "db", "upgrade", "--db", sqlite_url]) == 1
    err = capsys.readouterr().err
    assert "newer Desk" in err
    assert "Traceback" not in err


def test_desk_db_upgrade_through_the_cli(empty_db_url: str,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from desk import errors

    monkeypatch.setitem(errors.LANGUAGE, "current", errors.LANGUAGE["current"])
    if empty_db_url.startswith("postgresql"):  # an empty database exists: no revision yet
        assert main(["--db", empty_db_url, "db", "revision"]) == 0
        assert capsys.readouterr().out.strip() == "(empty)"
    else:  # a missing file is named, not created (only upgrade and init create one)
        assert main(["--db", empty_db_url, "db", "revision"]) == 1
        assert "desk db upgrade" in capsys.readouterr().err
    assert main(["--lang", "en", "--db", empty_db_url, "db", "upgrade"]) == 0
    head = schema.head_revision()
    assert f"schema at {head} (head {head})" in capsys.readouterr().out
    assert main(["db", "revision", "--db", empty_db_url]) == 0
    assert capsys.readouterr().out.strip() == head


def test_an_unknown_url_is_a_known_error() -> None:
    with pytest.raises(DeskError):
        open_database("no-such-scheme://nowhere")


def test_the_core_imports_without_pyside6() -> None:
    code = (
        "import sys\n"
        "import desk, desk.cli, desk.process.workflow, desk.read.queue, desk.notify.live, desk.admin.pg_setup\n"
        "import models, reports, reports.start_notice\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'ui'))\n"
        "assert not loaded, loaded\n"
        "print('clean')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"
