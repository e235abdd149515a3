"""``desk serve``: real service processes against one PostgreSQL database.

Alertmanager payloads (as its documentation shows them) are POSTed to a running
``desk serve --listen``; two services share one database and deliver every message
exactly once, the second taking over when the first stops; the service outlives its
database connections being cut (what a database restart does to it); SIGTERM stops
it cleanly. One database for the module: the tests run in order on it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.notify import channels
from models import AlertLink, Attachment, Event, IntakeItem, OutboxMessage, Status, Ticket
from tests.conftest import PG_ADMIN_URL, cli_main_as, require_pg
from tests.robot_server import RobotServer

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.pg


@pytest.fixture(scope="module")
def pg_module_url() -> Iterator[str]:
    require_pg()
    name = f"desk_serve_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def sdb(pg_module_url: str) -> Iterator[Any]:
    db = open_database(pg_module_url)
    ensure_people(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def robots() -> Iterator[RobotServer]:
    server = RobotServer().start()
    yield server
    server.stop()


class Serve:
    """A ``desk serve`` process; its log lines are collected as they come."""

    def __init__(self, url: str, home: Path, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DESK_HOME": str(home),
               "QT_QPA_PLATFORM": "offscreen"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desk.cli.main", "--db", url, "serve", *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30.0, start: int = 0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines[start:]):
                m = re.search(pattern, line)
                if m:
                    return m
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no log line matching {pattern!r}:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.reader.join(timeout=5)
            if self.proc.stderr is not None:
                self.proc.stderr.close()


def post(port: int, path: str, body: bytes, token: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def alertmanager(status: str, fingerprint: str, severity: str = "critical",
                 alertname: str = "ProbeFailure", **labels: str) -> dict[str, Any]:
    """A webhook payload as Alertmanager's documentation shows it (version 4)."""
    all_labels = {"alertname": alertname, "instance": "https://bank.example.org",
                  "job": "http_checks", "severity": severity, **labels}
    return {
        "receiver": "desk", "status": status, "version": "4",
        "groupKey": '{}/{severity="critical"}:{alertname="ProbeFailure"}',
        "truncatedAlerts": 0, "externalURL": "http://alertmanager.example.org:9093",
        "groupLabels": {"alertname": alertname}, "commonLabels": all_labels,
        "commonAnnotations": {},
        "alerts": [{
            "status": status, "labels": all_labels,
            "annotations": {"summary": f"BlackBox Probe Failure: {all_labels['instance']}",
                            "description": "Instance has been down for over 5m."},
            "startsAt": "2026-11-27T01:58:45.828123456Z",
            "endsAt": "2026-11-27T02:30:00Z" if status == "resolved" else
            "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0",
            "fingerprint": fingerprint,
        }],
    }


def cli_out(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli_main_as(["--db", url, *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_alertmanager_payloads_posted_to_a_running_service(
        sdb: Any, pg_module_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    token = cli_out(pg_module_url, capsys, "intake", "token", "--as", "ADMIN").strip()
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({
        "rules": [{"match": {"severity": "critical"}, "level": 1, "fault_type": "NET",
                   "business": "{service}", "interrupted": True}],
        "default": {"level": 3, "fault_type": "SYS", "business": "{alertname}"},
        "restore_on_resolved": True}, ensure_ascii=False), encoding="utf-8")
    cli_out(pg_module_url, capsys, "intake", "mapping", "set", str(mapping), "--as", "ADMIN")
    serve = Serve(pg_module_url, tmp_path, "--listen", "127.0.0.1:0", "--interval", "0.5")
    try:
        port = int(serve.wait_for(r"listening on http://127\.0\.0\.1:(\d+)").group(1))
        firing = json.dumps(alertmanager("firing", "1a30ba71cca2921f", service="网上银行")).encode()
        # a wrong token, then none: refused, logged, nothing filed
        assert post(port, "/alerts/alertmanager", firing, "wrong")[0] == 401
        assert post(port, "/alerts/alertmanager", firing, None)[0] == 401
        serve.wait_for(r"refused: wrong or missing bearer token")
        status, answer = post(port, "/alerts/alertmanager", firing, token)
        assert status == 200 and answer["results"][0]["outcome"] == "filed"
        number = answer["results"][0]["number"]
        serve.wait_for(rf"1a30ba71cca2921f firing → filed {number}")
        # the same alert again (a repeat) and a second firing group: still one fault
        for _ in range(3):
            assert post(port, "/alerts/alertmanager", firing, token)[1]["results"][0][
                "number"] == number
        # unknown labels: the default mapping, one log line
        odd = json.dumps(alertmanager("firing", "ffff000011112222", severity="weird",
                                      alertname="DiskFull")).encode()
        assert post(port, "/alerts/alertmanager", odd, token)[0] == 200
        serve.wait_for(r"ffff000011112222 firing → filed .*no mapping rule matched")
        # bad input: malformed JSON, a wrong version, a 10 MB body; the service carries on
        assert post(port, "/alerts/alertmanager", b"{not json", token)[0] == 400
        v3 = json.dumps({**alertmanager("firing", "x"), "version": "3"}).encode()
        assert post(port, "/alerts/alertmanager", v3, token)[0] == 400
        big = b'{"alerts": "' + b"x" * (10 * 1024 * 1024) + b'"}'
        try:
            status = post(port, "/alerts/alertmanager", big, token)[0]
        except (ConnectionError, urllib.error.URLError):
            status = 413  # the server may close before the whole body is sent
        assert status == 413
        serve.wait_for(r"refused: body of \d+ bytes")
        # resolved: a note and the restore time, never closed
        resolved = json.dumps(alertmanager("resolved", "1a30ba71cca2921f",
                                           service="网上银行")).encode()
        assert post(port, "/alerts/alertmanager", resolved, token)[1]["results"][0][
            "outcome"] == "noted"
        # the generic shape
        generic = json.dumps({"source": "zabbix", "alerts": [{
            "key": "zabbix-trigger-1234", "status": "problem", "title": "数据库连接数过高",
            "labels": {"severity": "high", "service": "核心库"},
            "url": "https://zabbix.example.org/tr_events.php?triggerid=1234"}]},
            ensure_ascii=False).encode()
        status, answer = post(port, "/alerts/generic", generic, token)
        assert status == 200 and answer["results"][0]["outcome"] == "filed"
        assert serve.proc.poll() is None  # still running after all of it
    finally:
        assert serve.stop() == 0
    assert any("stopped" in line for line in serve.lines)
    with sdb.read() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.number == number))
        assert ticket.status == Status.REPORTED and ticket.level == 1
        assert ticket.affected_business == "网上银行" and ticket.business_interrupted
        assert "BlackBox Probe Failure" in ticket.phenomenon
        assert ticket.restored_at is not None and ticket.restored_at.isoformat().startswith(
            "2026-11-27T02:30")
        assert s.scalar(select(func.count(AlertLink.id)).where(
            AlertLink.key == "1a30ba71cca2921f")) == 1
        [evidence] = s.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)).all()
        assert evidence.kind.value == "monitoring" and evidence.name.endswith(".json")
        notes = s.scalars(select(Event).where(Event.ticket_id == ticket.id,
                                               Event.action == "intake_note")).all()
        assert any("恢复" in n.details["text"] for n in notes)
        refused = s.scalars(select(IntakeItem.detail).where(IntakeItem.outcome == "refused")).all()
        assert len([r for r in refused if "token" in r]) == 2
        assert any("malformed" in r for r in refused) and any("too large" in r for r in refused)
        zabbix = s.scalar(select(Ticket).where(Ticket.affected_business == "数据库连接数过高"))
        assert zabbix is not None and zabbix.reporter_name == "监控告警（zabbix）"


def test_two_services_deliver_every_message_exactly_once_and_take_over(
        sdb: Any, pg_module_url: str, robots: RobotServer, tmp_path: Path) -> None:
    ids = ensure_people(sdb)
    channels.add_channel(sdb, ids["ADMIN"], "webhook", "hook", robots.webhook_url,
                         robots.webhook_secret, per_minute=1000)

    def queue(n: int, tag: str) -> None:
        def work(session: Any) -> None:
            cid = session.scalar(select(channels.Channel.id).where(channels.Channel.name == "hook"))
            now = sdb.now()
            session.add_all([OutboxMessage(
                created_at=now, ticket_id=None, trigger="test",
                recipients=[{"channel": "hook", "mobiles": []}], subject=f"{tag} {i}",
                body=f"**{tag} {i}**", document=None, status="pending", attempts=0,
                next_attempt_at=now, last_error="", channel_id=cid) for i in range(n)])
        sdb.write(work)

    queue(30, "first")
    a = Serve(pg_module_url, tmp_path / "a", "--interval", "0.3")
    a.wait_for(r"leader: this service .* leads")
    b = Serve(pg_module_url, tmp_path / "b", "--interval", "0.3")
    try:
        b.wait_for(r"another service leads; standing by")
        deadline = time.monotonic() + 30
        while len(robots.of("webhook")) < 30 and time.monotonic() < deadline:
            time.sleep(0.1)
        # the database is cut off under the leader (a restart does this to every
        # connection): it logs, keeps going and delivers again once it reconnects
        mark = len(a.lines)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()",
                         (pg_module_url.rsplit("/", 1)[1],))
        queue(10, "after restart")
        deadline = time.monotonic() + 30
        while len(robots.of("webhook")) < 40 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(robots.of("webhook")) == 40, "\n".join(a.lines[mark:] + b.lines)
        a.wait_for(r"connection holding the lock was lost", start=mark)
        # (after the cut either service may lead: whichever reconnected first)
        # the first one stops: the other one leads and delivers what comes next
        assert a.stop() == 0
        b.wait_for(r"leader: this service .* leads")
        queue(10, "after takeover")
        deadline = time.monotonic() + 30
        while len(robots.of("webhook")) < 50 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        a.stop()
        assert b.stop() == 0
    got = [r.payload["outbox_id"] for r in robots.of("webhook")]
    assert len(got) == 50 and len(set(got)) == 50, "a message was delivered twice or lost"
    assert robots.refused == []
    with sdb.read() as s:
        assert s.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.channel_id.is_not(None), OutboxMessage.status != "sent")) == 0
    assert any("sent #" in line for line in b.lines)  # the one standing by delivered later
