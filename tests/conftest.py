"""Shared fixtures: a fresh database per test (new or reset), on SQLite and on PostgreSQL.

Every path points into pytest's temporary folder; ``DESK_HOME`` keeps settings and
data out of the real user folders. PostgreSQL tests use the server on 127.0.0.1:5432
(trust auth, user ``postgres``) and create their own databases; with
``DESK_REQUIRE_PG=1`` a missing server fails instead of skipping. ``DESK_NIGHTLY=1``
runs the heavy cases at full size (``nightly``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest

# the password the test people get (demo data never has a known password of its own)
TEST_PASSWORD = "test-pass-4821"

PG_ADMIN_URL = os.environ.get("DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NIGHTLY = os.environ.get("DESK_NIGHTLY") == "1"


def nightly(full: int, everyday: int) -> int:
    """The size of a heavy case: ``full`` in the nightly run (``DESK_NIGHTLY=1``), the
    smaller but still telling ``everyday`` otherwise."""
    return full if NIGHTLY else everyday


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_libpq(PG_ADMIN_URL), connect_timeout=3):
            return None
    except Exception as exc:  # any failure means "not here"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def terminate_backends(url: str) -> int:
    """Cut every connection to ``url``'s database (what a server restart does to them):
    how many were cut."""
    import psycopg

    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        return len(conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid()", (url.rsplit("/", 1)[1],)).fetchall())


_PG_PROBLEM: list[str | None] = []


def require_pg() -> None:
    """Skip (or fail, under DESK_REQUIRE_PG=1) when PostgreSQL is not reachable."""
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_available())
    problem = _PG_PROBLEM[0]
    if problem is None:
        return
    if os.environ.get("DESK_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL required (DESK_REQUIRE_PG=1) but not reachable: {problem}")
    pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {problem}")


@pytest.fixture(autouse=True)
def no_gc_freeze(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window freezes start-up's objects out of the collector's walk. In a suite of
    windows that come and go this would also freeze earlier tests' garbage and hand it
    back, to be collected (and its unclosed connections warned of) in an unrelated
    later test; only tests marked ``gc_freeze`` keep it."""
    if "gc_freeze" in request.keywords:
        return
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "freeze_start_up", False)


@pytest.fixture(autouse=True)
def _language_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """``desk --lang en`` sets the process-wide language of messages: never for the next
    test."""
    from desk import errors

    monkeypatch.setitem(errors.LANGUAGE, "current", errors.LANGUAGE["current"])


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("desk-home")
    monkeypatch.setenv("DESK_HOME", str(home))
    monkeypatch.delenv("DESK_DB_URL", raising=False)
    # window state (geometry, splitters, columns) goes to this test's folder, never to
    # the user's real settings, and never leaks from one test or run to the next
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test; dropped afterwards."""
    require_pg()
    import psycopg

    name = f"desk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # the roles `desk db init` made for it: its group roles and its people's logins
        for (role,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                (f"{name}\\_%", f"desk\\_{name}%")).fetchall():
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


# -- migrated databases, reused -------------------------------------------------------------
#
# Creating a PostgreSQL database and running every migration costs about a second; most
# tests only need a database as ``open_database`` leaves a new one. A few such databases
# are kept for the whole run and handed out one test at a time. Before a database is
# handed out again it is checked and reset: no session may still be connected, its
# structure, privileges and roles must be what they were right after it was migrated
# (a test that ran ``desk db init``, changed a table or a trigger leaves a database that
# is dropped, never reused), and then every table is emptied and the rows the migrations
# and the first start wrote (the calendar, the default notification rules, the settings)
# are put back, with each sequence where it stood, so ids start at 1 again.

_FINGERPRINT = (
    # roles named after the database, and what the database grants to whom
    "SELECT rolname FROM pg_roles WHERE starts_with(rolname, current_database()) "
    "OR starts_with(rolname, 'desk_' || current_database()) ORDER BY 1",
    "SELECT datallowconn, datacl::text, has_database_privilege('public', datname, 'CONNECT'), "
    "datconnlimit FROM pg_database WHERE datname = current_database()",
    "SELECT setrole, setconfig::text FROM pg_db_role_setting s JOIN pg_database d "
    "ON d.oid = s.setdatabase WHERE d.datname = current_database() ORDER BY 1",
    "SELECT count(*) FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid "
    "WHERE d.datname = current_database()",
    "SELECT nspname, nspacl::text FROM pg_namespace ORDER BY 1",
    "SELECT defaclrole::regrole::text, defaclnamespace, defaclobjtype, defaclacl::text "
    "FROM pg_default_acl ORDER BY 1, 2, 3",
    "SELECT extname, extversion FROM pg_extension ORDER BY 1",
    # tables, columns, indexes, constraints, triggers, functions, rules, policies
    "SELECT c.relname, c.relkind, c.relpersistence, c.relacl::text, c.reloptions::text, "
    "c.relrowsecurity, c.relowner::regrole::text FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1",
    "SELECT table_name, column_name, data_type, column_default, is_nullable "
    "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger ORDER BY 1, 2",
    "SELECT count(*) FROM pg_event_trigger",
    "SELECT p.oid::regprocedure::text, md5(p.prosrc), p.proacl::text FROM pg_proc p "
    "WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1",
    "SELECT tablename, rulename, definition FROM pg_rules WHERE schemaname = 'public' "
    "ORDER BY 1, 2",
    "SELECT tablename, policyname, qual FROM pg_policies ORDER BY 1, 2",
    "SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace ORDER BY 1",
    "SELECT version_num FROM alembic_version ORDER BY 1",
)


class _Pristine(NamedTuple):
    """A pooled database as it was right after its migration and first start."""

    fingerprint: str
    rows: list[tuple[str, bytes]]  # (table, COPY BINARY data) of every table with rows
    sequences: list[tuple[str, int | None, int]]  # (name, last_value, start_value)
    any_rows: str  # a query naming the tables that hold rows


class _PgPool:
    """Migrated PostgreSQL databases of this run, reused from test to test."""

    def __init__(self) -> None:
        self.idle: list[str] = []
        self.made: dict[str, _Pristine | None] = {}
        # a database as a test that asks for ``demo_people`` starts with it: pristine,
        # then the sample people added by ``ensure_people`` (made the first time a test
        # asks for them on that database, and copied back in from then on)
        self.with_people: dict[str, tuple[list[tuple[str, bytes]],
                                          list[tuple[str, int | None, int]]]] = {}

    def url(self, name: str) -> str:
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"

    def take(self, *, people: bool = False) -> str:
        """A database as it was right after its migration, or with ``people`` as
        ``ensure_people(db, shared_passwords(TEST_PASSWORD))`` leaves such a one."""
        while self.idle:
            name = self.idle.pop()
            if self._reset(name, people=people):
                return name
            self._drop(name)
        name = self._create()
        if people and not self._reset(name, people=True):
            raise AssertionError(f"a new database could not be given its people: {name}")
        return name

    def give_back(self, name: str) -> None:
        """Checked and reset when it is taken again: by then every fixture of the test
        that used it has closed its connections."""
        self.idle.append(name)

    def close(self) -> None:
        for name in list(self.made):
            self._drop(name)

    def _create(self) -> str:
        import psycopg

        from desk.bootstrap import open_database

        name = f"desk_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made[name] = None
        open_database(self.url(name)).dispose()  # migrated and seeded, as on first start
        with psycopg.connect(_libpq(self.url(name))) as conn:
            tables = [t for (t,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version' ORDER BY 1").fetchall()]
            any_rows = "SELECT array_remove(ARRAY[" + ", ".join(
                f"CASE WHEN EXISTS (SELECT FROM \"{t}\") THEN '{t}' END" for t in tables
            ) + "], NULL)"
            rows, sequences = _dump(conn, any_rows)
            self.made[name] = _Pristine(_fingerprint(conn), rows, sequences, any_rows)
        return name

    def _add_people(self, name: str) -> None:
        """The sample people added to a database just reset, and kept as its
        ``with_people`` rows."""
        import psycopg

        from desk.admin.demo import ensure_people, shared_passwords
        from desk.bootstrap import open_database

        pristine = self.made[name]
        assert pristine is not None
        db = open_database(self.url(name))
        try:
            ensure_people(db, shared_passwords(TEST_PASSWORD))
        finally:
            db.dispose()
        with psycopg.connect(_libpq(self.url(name))) as conn:
            self.with_people[name] = _dump(conn, pristine.any_rows)

    def _reset(self, name: str, *, people: bool = False) -> bool:
        """Empty the database and put back what its migration wrote (and the sample
        people with ``people``); False when it cannot be reused as it is."""
        import time

        import psycopg

        pristine = self.made[name]
        if pristine is None:
            return False
        try:
            with psycopg.connect(_libpq(self.url(name))) as conn:
                deadline = time.monotonic() + 2
                while conn.execute(  # a connection just closed may linger for a moment
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                        ).fetchone()[0]:
                    if time.monotonic() > deadline:
                        return False
                    conn.rollback()  # the next look is at the server's present
                    time.sleep(0.02)
                conn.execute("SET LOCAL lock_timeout = '2s'")
                if conn.execute("SELECT count(*) FROM pg_prepared_xacts "
                                "WHERE database = current_database()").fetchone()[0]:
                    return False
                if _fingerprint(conn) != pristine.fingerprint:
                    return False
                # events and tickets have triggers that refuse DELETE and TRUNCATE to
                # everyone, and foreign keys would want an order: a replica session fires
                # neither. DELETE, not TRUNCATE: a test leaves a few rows in a few tables,
                # and TRUNCATE makes every table's files anew (a quarter of a second).
                conn.execute("SET LOCAL session_replication_role = replica")
                for table in conn.execute(pristine.any_rows).fetchone()[0]:
                    conn.execute(f'DELETE FROM "{table}"')
                rows, sequences = (self.with_people[name] if people and name in self.with_people
                                   else (pristine.rows, pristine.sequences))
                for table, data in rows:
                    with conn.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                        copy.write(data)
                for sequence, last_value, start in sequences:  # ids from 1 again
                    conn.execute("SELECT setval(%s, %s, %s)",
                                 (sequence, start if last_value is None else last_value,
                                  last_value is not None))
                # a new database has a calendar revision of its own: the process-wide
                # calendar cache never takes this database's days for the last test's
                conn.execute("UPDATE settings SET value = %s WHERE key = 'calendar.revision'",
                             (json.dumps(uuid.uuid4().hex),))
                # nor does the planner keep the statistics of the last test's rows
                conn.execute("DELETE FROM pg_statistic WHERE starelid IN (SELECT c.oid FROM "
                             "pg_class c WHERE c.relnamespace = 'public'::regnamespace)")
                conn.commit()
            if people and name not in self.with_people:
                self._add_people(name)
            return True
        except psycopg.Error:
            return False

    def _drop(self, name: str) -> None:
        import psycopg

        self.made.pop(name, None)
        self.with_people.pop(name, None)
        with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dump(conn: object, any_rows: str) -> tuple[list[tuple[str, bytes]],
                                               list[tuple[str, int | None, int]]]:
    """(table, COPY BINARY data) of every table with rows, and (sequence, last_value,
    start_value) of every sequence."""
    rows = []
    for table in conn.execute(any_rows).fetchone()[0]:  # type: ignore[attr-defined]
        data = bytearray()
        with conn.cursor().copy(  # type: ignore[attr-defined]
                f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
            for chunk in copy:
                data += chunk
        rows.append((table, bytes(data)))
    sequences = conn.execute(  # type: ignore[attr-defined]
        "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
        "FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1").fetchall()
    return rows, sequences


def _fingerprint(conn: object) -> str:
    """What a reset does not undo: structure, privileges, roles, schema version."""
    return repr([conn.execute(q).fetchall() for q in _FINGERPRINT])  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def _pg_pool() -> Iterator[_PgPool]:
    pool = _PgPool()
    yield pool
    pool.close()


@pytest.fixture
def pg_db_url(request: pytest.FixtureRequest, _pg_pool: _PgPool) -> Iterator[str]:
    """A migrated PostgreSQL database, as ``open_database`` leaves a new one (calendar,
    default rules, settings; every id starts at 1), for this test alone. For a test
    that asks for ``demo_people`` it holds them already, as ``ensure_people`` writes
    them (``demo_people`` then finds them all)."""
    require_pg()
    name = _pg_pool.take(people="demo_people" in request.fixturenames)
    yield _pg_pool.url(name)
    _pg_pool.give_back(name)


class _SqliteTemplate:
    """One SQLite file migrated and seeded once per run; a test's new file is a copy."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path: Path | None = None
        self.with_people: Path | None = None  # the template and the sample people
        # the demo data added at a clock reading: a file and the fault numbers it holds
        self.demos: dict[datetime, tuple[Path, list[str]]] = {}

    def copy_to(self, path: Path, *, people: bool = False) -> None:
        """A copy of the template; with ``people``, of the template after
        ``ensure_people(db, shared_passwords(TEST_PASSWORD))``."""
        if people:
            if self.with_people is None:
                from desk.admin.demo import ensure_people, shared_passwords
                from desk.bootstrap import open_database

                made = self.folder / "people" / "desk.sqlite3"
                self.copy_to(made)
                db = open_database(f"sqlite:///{made}")
                try:
                    ensure_people(db, shared_passwords(TEST_PASSWORD))
                finally:
                    db.dispose()
                leftovers = [p for p in made.parent.iterdir() if p != made]
                assert not leftovers, f"the people file is not one closed file: {leftovers}"
                self.with_people = made
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.with_people, path)
            return
        if self.path is None:
            from desk.bootstrap import open_database

            template = self.folder / "desk.sqlite3"
            open_database(f"sqlite:///{template}").dispose()
            leftovers = [p for p in self.folder.iterdir() if p != template]
            assert not leftovers, f"the template is not one closed file: {leftovers}"
            self.path = template
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path)

    def copy_demo_to(self, path: Path, now: datetime) -> list[str]:
        """A new file with the demo data added at ``now``, as ``add_demo_data`` with a
        clock reading ``now`` leaves it; returns its fault numbers. The data is added
        once per run and clock reading; each test gets a copy of its own."""
        if now not in self.demos:
            from desk.admin.demo import add_demo_data
            from desk.bootstrap import open_database

            folder = self.folder / f"demo-{len(self.demos)}"
            demo = folder / "desk.sqlite3"
            self.copy_to(demo)  # makes the template first, then this folder
            db = open_database(f"sqlite:///{demo}", clock=FakeClock(now))
            try:
                numbers = add_demo_data(db)
            finally:
                db.dispose()
            leftovers = [p for p in folder.iterdir() if p != demo]
            assert not leftovers, f"the demo file is not one closed file: {leftovers}"
            self.demos[now] = (demo, numbers)
        demo, numbers = self.demos[now]
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo, path)
        return list(numbers)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> _SqliteTemplate:
    return _SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture
def sqlite_url(tmp_path: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path}/desk.sqlite3"  # type: ignore[operator]


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """The URL of a database, once for SQLite and once for PostgreSQL: a file not made
    yet, and a migrated PostgreSQL database as ``open_database`` leaves a new one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/desk.sqlite3"
    else:
        yield request.getfixturevalue("pg_db_url")


@pytest.fixture(params=["sqlite", "pg"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """The URL of a database nobody has migrated: a file not made yet, an empty
    PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/desk.sqlite3"
    else:
        yield request.getfixturevalue("pg_url")


class FakeClock:
    """A settable clock for the services (``Database.clock``)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        from datetime import timedelta

        self.now = self.now + timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    # Friday 2026-11-27 10:00 in Beijing
    return FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))


@pytest.fixture
def make_db(clock: FakeClock,
            _sqlite_template: _SqliteTemplate) -> Iterator[Callable[[str], object]]:
    """Open (and migrate) a Database for a URL with the fake clock; disposed afterwards.

    A new SQLite file starts as a copy of one migrated once per run: the same file
    ``open_database`` makes, without running every migration again."""
    from desk.admin.backup import sqlite_path
    from desk.bootstrap import open_database

    opened = []

    def factory(url: str, *, people: bool = False) -> object:
        """``people``: a new SQLite file holds the sample people already, as
        ``ensure_people(db, shared_passwords(TEST_PASSWORD))`` leaves it."""
        path = sqlite_path(url) if url.startswith("sqlite:///") and "?" not in url else None
        if path is not None and not any(
                p.exists() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal"))):
            _sqlite_template.copy_to(path, people=people)
        db = open_database(url, clock=clock)
        opened.append(db)
        return db

    yield factory
    for db in opened:
        db.dispose()


@pytest.fixture
def make_demo_db(clock: FakeClock, make_db: Callable[[str], object],
                 _sqlite_template: _SqliteTemplate
                 ) -> Callable[[str], tuple[object, list[str]]]:
    """``make_db`` with the demo data added at the clock's present: (database, the demo
    fault numbers), as ``add_demo_data(make_db(url))`` leaves them. A new SQLite file
    starts as a copy of one that had the data added once per run; any other database
    has it added now."""
    from desk.admin.backup import sqlite_path
    from desk.admin.demo import add_demo_data

    def factory(url: str) -> tuple[object, list[str]]:
        path = sqlite_path(url) if url.startswith("sqlite:///") and "?" not in url else None
        if path is not None and not any(
                p.exists() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal"))):
            numbers = _sqlite_template.copy_demo_to(path, clock.now)
            return make_db(url), numbers
        db = make_db(url)
        return db, add_demo_data(db)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def db(request: pytest.FixtureRequest, db_url: str, make_db: Callable[..., object]) -> object:
    """A migrated Database on each backend, with the fake clock. For a test that asks
    for ``demo_people`` a new SQLite file holds them already (as on PostgreSQL, see
    ``pg_db_url``)."""
    return make_db(db_url, people="demo_people" in request.fixturenames)


@pytest.fixture
def demo_people(db: object) -> dict[str, int]:
    """SPEC.md's sample people in ``db``: employee number → person id."""
    from desk.admin.demo import ensure_people, shared_passwords

    return ensure_people(db, shared_passwords(TEST_PASSWORD))  # type: ignore[arg-type]


def type_into(qtbot: object, widget: object, text: str) -> None:
    """Type ``text`` into a widget the way a person does: ASCII as key presses, Chinese
    as the input method's committed text (QTest cannot press keys for CJK characters)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    # a person types into a running event loop: let pending layout and paint happen first,
    # so that clicks that follow land where the widgets really are
    QApplication.processEvents()
    widget.setFocus()  # type: ignore[attr-defined]
    chunk = ""
    for ch in text + "\0":
        if ch != "\0" and not ch.isascii():
            chunk += ch
            continue
        if chunk:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)  # type: ignore[arg-type]
            chunk = ""
        if ch != "\0":
            if ch == "\n":
                from PySide6.QtCore import Qt

                qtbot.keyClick(widget, Qt.Key.Key_Return)  # type: ignore[attr-defined]
            else:
                qtbot.keyClicks(widget, ch)  # type: ignore[attr-defined]


def settle(qtbot: object, window: object) -> None:
    """Wait until the queue (a window's, or the model itself) holds the answer to its
    last load: the queue loads off the GUI thread, as a person sees it fill in."""
    model = getattr(window, "model", window)
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)  # type: ignore[attr-defined]


@pytest.fixture
def demo_window(qtbot: object, sqlite_url: str,
                make_demo_db: Callable[[str], tuple[object, list[str]]]) -> object:
    """The main window on a SQLite database with the demo faults, signed in as IT001,
    shown, with its queue loaded."""
    from zoneinfo import ZoneInfo

    from desk.process import people
    from ui.main_window import MainWindow

    db, _ = make_demo_db(sqlite_url)
    person = people.get_person(db, people.person_id(db, "IT001"))  # type: ignore[arg-type]
    w = MainWindow(db, ZoneInfo("Asia/Shanghai"), "SQLite (test)", person)  # type: ignore[arg-type]
    qtbot.addWidget(w)  # type: ignore[attr-defined]
    w.show()
    qtbot.waitExposed(w)  # type: ignore[attr-defined]
    settle(qtbot, w)
    return w


@pytest.fixture(autouse=True)
def _background_work_done() -> Iterator[None]:
    """No background load of one test lands in the next one."""
    yield
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication

        from ui import tasks

        if QCoreApplication.instance() is not None:
            tasks.wait_all(30_000)
            QCoreApplication.processEvents()


def click(qtbot: object, widget: object) -> None:
    """Click a widget after pending layout has run (as it has for a person's click)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    def reachable() -> bool:
        QApplication.processEvents()
        window = widget.window()  # type: ignore[attr-defined]
        centre = widget.mapTo(window, widget.rect().center())  # type: ignore[attr-defined]
        return window.childAt(centre) is widget

    qtbot.waitUntil(reachable, timeout=5000)  # type: ignore[attr-defined]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]


def memory_keyring_class() -> type:
    """A keyring backend that keeps passwords in a dict (``.passwords``), for tests."""
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class _MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.passwords: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.passwords.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.passwords[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.passwords.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    return _MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """The keyring replaced by one in memory; yields its {(service, user): password}."""
    import keyring

    previous = keyring.get_keyring()
    ring = memory_keyring_class()()
    keyring.set_keyring(ring)
    yield ring.passwords
    keyring.set_keyring(previous)


def cli_main_as(argv: list[str]) -> int:
    """``desk.cli.main.main`` as a script run by the person named with ``--as`` after
    ``desk login`` (SQLite: their session is started first, as the login command does
    after checking the password; PostgreSQL tests connect as the owner, who may act as
    anybody). The login command itself is tested in test_cli_identity.py."""
    from desk.cli.main import main

    if "--as" in argv and "--db" in argv:
        url = argv[argv.index("--db") + 1]
        who = argv[argv.index("--as") + 1]
        if url.startswith("sqlite"):
            from desk.bootstrap import open_database
            from desk.cli import identity
            from desk.config import load_config
            from desk.errors import DeskError
            from desk.process import people

            db = open_database(url)
            try:
                pid = people.person_id(db, who)
            except DeskError:
                pid = None  # nobody of that number: no session, the command says so
            finally:
                db.dispose()
            config = load_config(url)
            if pid is None:
                identity.end_session(config)
            else:
                identity.start_session(config, who, pid)
    return main(argv)
