"""Shared fixtures: a fresh database per test, on SQLite and on PostgreSQL.

Every path points into pytest's temporary folder; ``DESK_HOME`` keeps settings and
data out of the real user folders. PostgreSQL tests use the server on 127.0.0.1:5432
(trust auth, user ``postgres``) and create their own databases; with
``DESK_REQUIRE_PG=1`` a missing server fails instead of skipping.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

# the password the test people get (demo data never has a known password of its own)
TEST_PASSWORD = "test-pass-4821"

PG_ADMIN_URL = os.environ.get("DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_libpq(PG_ADMIN_URL), connect_timeout=3):
            return None
    except Exception as exc:  # any failure means "not here"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


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


@pytest.fixture
def sqlite_url(tmp_path: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path}/desk.sqlite3"  # type: ignore[operator]


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """The URL of a fresh database, once for SQLite and once for PostgreSQL."""
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
def make_db(clock: FakeClock) -> Iterator[Callable[[str], object]]:
    """Open (and migrate) a Database for a URL with the fake clock; disposed afterwards."""
    from desk.bootstrap import open_database

    opened = []

    def factory(url: str) -> object:
        db = open_database(url, clock=clock)
        opened.append(db)
        return db

    yield factory
    for db in opened:
        db.dispose()


@pytest.fixture
def db(db_url: str, make_db: Callable[[str], object]) -> object:
    """A migrated Database on each backend, with the fake clock."""
    return make_db(db_url)


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
def demo_window(qtbot: object, sqlite_url: str, make_db: Callable[[str], object]) -> object:
    """The main window on a SQLite database with the demo faults, signed in as IT001,
    shown, with its queue loaded."""
    from zoneinfo import ZoneInfo

    from desk.admin.demo import add_demo_data
    from desk.process import people
    from ui.main_window import MainWindow

    db = make_db(sqlite_url)
    add_demo_data(db)  # type: ignore[arg-type]
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
