"""Killed at any moment, a desk loses nothing it said it had saved.

A child process (``tests/crash_child.py``) files faults and moves them on through the
workflow, printing ``confirmed <number> <action>`` after each commit has returned. The
test SIGKILLs it 50–400 ms after it is ready (Python's start-up takes longer than the
window itself, so the delay is counted from the child's first line, when it is working),
again and again, on one SQLite file (WAL, ``synchronous=FULL``) and on one PostgreSQL
database. Afterwards the file passes ``PRAGMA integrity_check`` and every confirmed save
is present with its event. 8 SQLite and 4 PostgreSQL cycles; ``DESK_NIGHTLY=1`` runs 200
and 40.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.db import Database
from models import Event, Ticket
from tests.conftest import nightly

CHILD = Path(__file__).with_name("crash_child.py")


def _prepare(url: str) -> None:
    db = open_database(url)
    try:
        ensure_people(db)
    finally:
        db.dispose()


def _run_and_kill(url: str, rng: random.Random) -> list[tuple[str, str]]:
    """One cycle: start the child, kill it at a random moment, return its confirmations."""
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), url, str(rng.randrange(1 << 30))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if first.strip() != b"ready":
            proc.kill()
            _, err = proc.communicate(timeout=30)
            pytest.fail(f"the child did not start: {first!r} {err.decode(errors='replace')}")
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")
    confirmed = []
    # a line cut off by the kill has no newline: it was never complete, so not confirmed
    for line in out.decode().splitlines(keepends=True):
        if line.endswith("\n") and line.startswith("confirmed "):
            _, number, action = line.split()
            confirmed.append((number, action))
    return confirmed


def _check_all_present(db: Database, confirmed: list[tuple[str, str]]) -> None:
    with db.read() as session:
        have = set(session.execute(
            select(Ticket.number, Event.action).join(Event, Event.ticket_id == Ticket.id)).all())
        tickets_without_report = session.scalars(
            select(Ticket.number).where(~Ticket.id.in_(
                select(Event.ticket_id).where(Event.action == "report")))).all()
    missing = [c for c in confirmed if c not in have]
    assert not missing, f"confirmed but lost: {missing[:5]}"
    # no half-saved ticket: each one that exists came with its report event
    assert not tickets_without_report


def _cycles(url: str, n: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    confirmed: list[tuple[str, str]] = []
    for _ in range(n):
        confirmed += _run_and_kill(url, rng)
    return confirmed


def test_sqlite_survives_being_killed(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    url = f"sqlite:///{path}"
    _prepare(url)
    rng = random.Random(20261127)
    confirmed: list[tuple[str, str]] = []
    for _ in range(nightly(200, 8)):
        confirmed += _run_and_kill(url, rng)
        conn = sqlite3.connect(path)  # as the next desk to open it would
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    assert len({n for n, _ in confirmed}) >= 5, "the child hardly got to save anything"
    db = open_database(url)
    try:
        _check_all_present(db, confirmed)
    finally:
        db.dispose()


def test_postgresql_survives_being_killed(pg_db_url: str) -> None:
    _prepare(pg_db_url)
    confirmed = _cycles(pg_db_url, nightly(40, 4), seed=7)
    assert confirmed, "the child never got to save anything"
    db = open_database(pg_db_url)
    try:
        _check_all_present(db, confirmed)
    finally:
        db.dispose()
