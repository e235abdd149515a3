"""Signing in on PostgreSQL is connecting as one's own login, with a real password.

The shared test server trusts every local connection, so these tests start a cluster
of their own once per session: ``initdb`` into a temporary folder (as the ``postgres``
OS user when the tests run as root, which initdb refuses), ``scram-sha-256`` for every
TCP connection in its ``pg_hba.conf``, its own port, stopped and removed at the end.
"""

from __future__ import annotations

import glob
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from desk import errors
from desk.cli import main as cli


def _binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


@dataclass
class Cluster:
    port: int
    socket_dir: str
    superuser: str

    def owner_url(self, database: str) -> str:
        return (f"postgresql://{self.superuser}@/{database}?host={self.socket_dir}"
                f"&port={self.port}")

    def url(self, login: str, database: str) -> str:
        return f"postgresql://{login}@127.0.0.1:{self.port}/{database}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    bindir = _binaries()
    if bindir is None:
        if os.environ.get("DESK_REQUIRE_PG") == "1":
            pytest.fail("initdb not found (DESK_REQUIRE_PG=1)")
        pytest.skip("initdb not found")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    superuser = "postgres" if as_root else os.environ.get("USER", "postgres")
    top = tempfile.mkdtemp(prefix="desk-pg-")
    data, sockets = os.path.join(top, "data"), os.path.join(top, "sock")
    os.makedirs(sockets)
    if as_root:
        shutil.chown(top, "postgres")
        shutil.chown(sockets, "postgres")
        os.chmod(top, 0o700)
    port = _free_port()
    run: Any = subprocess.run
    run([*prefix, f"{bindir}/initdb", "-D", data, "-U", superuser, "--auth-local=trust",
         "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"], check=True,
        capture_output=True)
    with open(os.path.join(data, "postgresql.conf"), "a", encoding="utf-8") as conf:
        conf.write(f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                   f"unix_socket_directories = '{sockets}'\nfsync = off\n"
                   "log_statement = 'all'\npassword_encryption = 'scram-sha-256'\n")
    log = os.path.join(top, "server.log")
    run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-l", log, "-w", "start"], check=True,
        capture_output=True)
    try:
        yield Cluster(port, sockets, superuser)
    finally:
        run([*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            capture_output=True)
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def team(cluster: Cluster) -> Iterator[tuple[Cluster, str, str]]:
    """A database set up with ``desk db init`` on the cluster; (cluster, db, admin login)."""
    name = "desk_signin"
    with psycopg.connect(host=cluster.socket_dir, port=cluster.port, user=cluster.superuser,
                         dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    code, out, err = desk(cluster.owner_url(name), "db", "init", "--admin-no", "ADMIN",
                          "--admin-name", "系统管理员", "--password-stdin",
                          stdin="admin-pass-77\n")
    assert code == 0, err
    login = out.strip().splitlines()[-1].removeprefix("login: ")
    yield cluster, name, login


def desk(url: str, *argv: str, stdin: str = "", password: str | None = None
         ) -> tuple[int, str, str]:
    """Run ``desk --db URL ...`` in this process; PGPASSWORD as a script would set it."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    saved_pw = os.environ.get("PGPASSWORD")
    saved_lang = errors.LANGUAGE["current"]
    if password is not None:
        os.environ["PGPASSWORD"] = password
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = cli.main(["--db", url, *argv])
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        errors.LANGUAGE["current"] = saved_lang
        if saved_pw is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = saved_pw
    return code, out.getvalue(), err.getvalue()


def test_the_administrator_connects_with_the_password_and_nothing_else(
        team: tuple[Cluster, str, str]) -> None:
    cluster, name, login = team
    url = cluster.url(login, name)
    code, out, err = desk(url, "whoami", password="admin-pass-77")
    assert code == 0, err
    assert out.startswith("ADMIN\t系统管理员\tadmin")
    code, out, err = desk(url, "whoami", password="wrong-pass-77")
    assert code == 1 and out == "" and "Traceback" not in err
    assert "password authentication failed" in err
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, password="", connect_timeout=5).close()


def test_a_new_person_signs_in_changes_the_password_and_is_disabled(
        team: tuple[Cluster, str, str]) -> None:
    cluster, name, login = team
    admin = cluster.url(login, name)
    code, out, err = desk(admin, "person", "add", "IT001", "刘洋", "--role", "support",
                          "--password-stdin", stdin="it-pass-0001\n", password="admin-pass-77")
    assert code == 0, err
    it_login = out.strip().splitlines()[-1].removeprefix("login: ")
    it = cluster.url(it_login, name)
    code, out, err = desk(it, "whoami", password="it-pass-0001")
    assert code == 0 and out.startswith("IT001\t刘洋\tsupport"), err
    code, _, err = desk(it, "passwd", "IT001", "--password-stdin", stdin="it-pass-0002\n",
                        password="it-pass-0001")
    assert code == 0, err
    assert desk(it, "whoami", password="it-pass-0001")[0] == 1
    assert desk(it, "whoami", password="it-pass-0002")[0] == 0
    # IT001 cannot set the administrator's password, nor add anybody
    code, _, err = desk(it, "passwd", "ADMIN", "--password-stdin", stdin="taken-over-9\n",
                        password="it-pass-0002")
    assert code == 1
    assert desk(admin, "whoami", password="taken-over-9")[0] == 1
    # disabled: the login may no longer connect
    with psycopg.connect(cluster.owner_url(name).replace("postgresql://", "postgresql://", 1),
                         autocommit=True) as conn:
        conn.execute("SELECT desk_save_person(id, employee_no, name, '', '', '', "
                     "ARRAY['support'], false, false, NULL) FROM people "
                     "WHERE employee_no = 'IT001'")
    code, _, err = desk(it, "whoami", password="it-pass-0002")
    assert code == 1 and "not permitted to log in" in err


def test_an_unknown_login_answers_like_a_wrong_password_in_the_same_time(
        team: tuple[Cluster, str, str]) -> None:
    cluster, name, login = team

    def attempt(user: str) -> tuple[float, str]:
        start = time.perf_counter()
        try:
            psycopg.connect(cluster.url(user, name), password="not-the-password",
                            connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            text = str(exc).replace(user, "USER")
        else:  # pragma: no cover - would be a failed test
            text = "connected"
        return time.perf_counter() - start, text

    known, unknown = [], []
    texts = set()
    for _ in range(15):
        for user, times in ((login, known), (f"{name}_nobody", unknown)):
            took, text = attempt(user)
            times.append(took)
            texts.add(text)
    assert len(texts) == 1 and "password authentication failed" in texts.pop()
    known.sort()
    unknown.sort()
    ratio = known[len(known) // 2] / unknown[len(unknown) // 2]
    assert 0.8 <= ratio <= 1.25, (ratio, known, unknown)


def test_the_clear_password_never_reaches_the_server_log(team: tuple[Cluster, str, str]
                                                         ) -> None:
    cluster, name, login = team
    with psycopg.connect(host=cluster.socket_dir, port=cluster.port, user=cluster.superuser,
                         dbname=name, autocommit=True) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                              (login,)).fetchone()
        log_dir = conn.execute("SHOW data_directory").fetchone()
    assert stored is not None and stored[0].startswith("SCRAM-SHA-256$")
    assert "admin-pass-77" not in stored[0]
    assert log_dir is not None
    server_log = os.path.join(os.path.dirname(log_dir[0]), "server.log")
    with open(server_log, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    assert "ALTER ROLE" in text or "desk_save_person" in text  # the log is really written
    for secret in ("admin-pass-77", "it-pass-0001", "it-pass-0002"):
        assert secret not in text
