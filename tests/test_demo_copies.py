"""The demo database a test gets as a copy (``make_demo_db``) is the one
``add_demo_data`` makes for it: the same rows in every table, the same fault numbers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desk.admin.demo import add_demo_data


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
