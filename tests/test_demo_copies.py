"""The databases a test gets as copies are the ones it would have made itself: the
demo faults (``make_demo_db``) as ``add_demo_data`` writes them, the sample people
(``demo_people``) as ``ensure_people`` writes them, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desk.admin.demo import add_demo_data, ensure_people, shared_passwords
from models.base import Base
from tests.conftest import TEST_PASSWORD


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    conn.close()
    return rows


def test_a_demo_copy_holds_what_add_demo_data_writes(
        tmp_path: Path, make_db: Callable[[str], Any],
        make_demo_db: Callable[[str], tuple[Any, list[str]]]) -> None:
    made = make_db(f"sqlite:///{tmp_path}/made.sqlite3")
    numbers = add_demo_data(made)
    made.dispose()
    copied, copied_numbers = make_demo_db(f"sqlite:///{tmp_path}/copied.sqlite3")
    copied.dispose()
    assert copied_numbers == numbers and len(numbers) == 12
    made_rows, copied_rows = _rows(tmp_path / "made.sqlite3"), _rows(tmp_path / "copied.sqlite3")
    assert sum(map(len, made_rows.values())) > 100
    assert {t: r for t, r in copied_rows.items() if r != made_rows.get(t)} == {}
    assert made_rows.keys() == copied_rows.keys()


def _all_rows(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, but the calendar's revision (a new one for every database,
    so that the calendar cache never mixes two databases)."""
    with db.read() as session:
        rows = {t.name: sorted((tuple(r) for r in session.execute(select(t))), key=repr)
                for t in Base.metadata.sorted_tables}
    rows["settings"] = [r for r in rows["settings"] if "calendar.revision" not in r]
    return rows


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database of the same kind as ``db_url`` that nobody has migrated."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/fresh.sqlite3"
    return str(request.getfixturevalue("pg_url"))


def test_the_people_a_test_starts_with_are_what_ensure_people_writes(
        db: Any, demo_people: dict[str, int], fresh_url: str,
        make_db: Callable[[str], Any]) -> None:
    fresh = make_db(fresh_url)
    assert _all_rows(fresh)["people"] == []
    assert ensure_people(fresh, shared_passwords(TEST_PASSWORD)) == demo_people
    made, given = _all_rows(fresh), _all_rows(db)
    assert len(made["people"]) == len(demo_people) == 10
    assert {t: r for t, r in given.items() if r != made[t]} == {}
