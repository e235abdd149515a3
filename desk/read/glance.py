"""A first look at a local SQLite file, before the database is opened.

The window's start shows the sign-in at once when the file is a Desk database with
people in it, and opens the database (SQLAlchemy, the migrations, the daily backup)
while the password is typed. This glance uses only the standard library's ``sqlite3``,
read-only, and says nothing when it is unsure: the start then takes its ordinary way
(open first, then the first administrator or the sign-in), which also gives the proper
message for a file that is not a Desk database.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

DEFAULT_ORGANISATION = "某某科技有限公司"  # the team settings' default (desk.read.settings)


@dataclass(frozen=True)
class Glance:
    """What the sign-in can show before the database is open."""

    organisation: str


def sqlite_file(url: str) -> Path | None:
    """The file behind a plain ``sqlite:///FILE`` URL; None for anything else (another
    backend, memory, a URL with options), which is left to the ordinary start."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix):]
    if not rest or rest == ":memory:" or "?" in rest or rest.startswith("file:"):
        return None
    return Path(rest)


def glance(url: str) -> Glance | None:
    """The organisation's name when ``url`` is an existing local Desk database that has
    people (so that the sign-in is the next step); None when that is not certain."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                                     timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        if connection.execute("SELECT 1 FROM people LIMIT 1").fetchone() is None:
            return None
        row = connection.execute(
            "SELECT value FROM settings WHERE key = 'organisation'").fetchone()
        if row is None:  # never set: the default, as the opened database will say
            return Glance(organisation=DEFAULT_ORGANISATION)
        organisation = json.loads(row[0]) if row[0] else ""
        return Glance(organisation=organisation if isinstance(organisation, str) else "")
    except (sqlite3.Error, ValueError):
        return None
    finally:
        connection.close()
