"""Benchmark: the team's service taking alerts in and draining group-robot messages.

1. **Alerts**: 1,000 firing Alertmanager alerts for 100 fingerprints, POSTed by 8
   concurrent senders to the service's listener (``desk.serve.alerts``, on 127.0.0.1)
   within a minute; exactly 100 faults must result. Prints the wall time, the time per
   alert and the p50/p99 of a POST.
2. **Robots**: 500 queued messages for one WeCom robot (20 a minute) and 500 for one
   Feishu bot (100 a minute, 5 a second), delivered by ``desk.notify.channels.Sender``
   to the signature-checking server of the tests (``tests/robot_server.py``). The
   database and the robots share a **fast fake clock** (advanced by the time the sender
   says the next message may go), so the 25 simulated minutes take seconds; the checker
   refuses anything over a platform's limit, and the figures show none was refused and
   the drain took no less than the limits allow.

    .venv/bin/python bench/bench_serve.py            # PostgreSQL (DESK_BENCH_PG or the test server)
    .venv/bin/python bench/bench_serve.py --sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from desk.admin import intake as intake_settings  # noqa: E402
from desk.admin.demo import ensure_people  # noqa: E402
from desk.bootstrap import open_database  # noqa: E402
from desk.notify import channels  # noqa: E402
from desk.serve.alerts import AlertServer  # noqa: E402
from models import Channel, OutboxMessage, Ticket  # noqa: E402
from tests.robot_server import RobotServer  # noqa: E402

PG_ADMIN = os.environ.get("DESK_BENCH_PG", os.environ.get(
    "DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def payload(fingerprint: str, starts: str) -> bytes:
    labels = {"alertname": "HighLatency", "instance": f"app-{fingerprint}:9100",
              "job": "node", "severity": "critical", "service": "网上银行"}
    return json.dumps({
        "receiver": "desk", "status": "firing", "version": "4",
        "groupKey": '{}:{alertname="HighLatency"}', "truncatedAlerts": 0,
        "groupLabels": {"alertname": "HighLatency"}, "commonLabels": labels,
        "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
        "alerts": [{"status": "firing", "labels": labels,
                    "annotations": {"summary": f"p99 latency high on {labels['instance']}"},
                    "startsAt": starts, "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus:9090/graph?g0.expr=latency",
                    "fingerprint": fingerprint}]}, ensure_ascii=False).encode()


def bench_alerts(db: Any, alerts: int, fingerprints: int, senders: int) -> dict[str, Any]:
    ids = ensure_people(db)
    token = intake_settings.new_token(db, ids["ADMIN"])
    server = AlertServer(db, "127.0.0.1", 0).start()
    port = server.address[1]
    # each fingerprint fires, repeats, and fires again later (a second startsAt)
    work = [(f"{i % fingerprints:016x}", "2026-11-27T01:00:00Z" if (i // fingerprints) % 2 == 0
             else "2026-11-27T01:30:00Z") for i in range(alerts)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def send(chunk: list[tuple[str, str]]) -> None:
        for fp, starts in chunk:
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/alerts/alertmanager", data=payload(fp, starts),
                headers={"Authorization": f"Bearer {token}",
                         "Content-Type": "application/json"}, method="POST")
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    resp.read()
            except Exception as exc:  # noqa: BLE001 - counted and printed
                with lock:
                    errors.append(str(exc))
            with lock:
                latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=send, args=(work[i::senders],)) for i in range(senders)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    server.stop()
    with db.read() as s:
        faults = s.scalar(select(func.count(Ticket.id)))
    latencies.sort()
    return {"alerts": alerts, "fingerprints": fingerprints, "senders": senders,
            "faults": faults, "errors": len(errors), "wall_s": wall,
            "per_alert_ms": wall / alerts * 1000,
            "post_p50_ms": statistics.median(latencies) * 1000,
            "post_p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def bench_robots(db: Any, clock: Clock, messages: int) -> list[dict[str, Any]]:
    ids = ensure_people(db)
    robots = RobotServer(clock=lambda: clock.now.timestamp()).start()
    channels.add_channel(db, ids["ADMIN"], "wecom", "wx", robots.wecom_url)
    channels.add_channel(db, ids["ADMIN"], "feishu", "fs", robots.feishu_url, robots.feishu_secret)

    def work(session: Any) -> None:
        for name in ("wx", "fs"):
            cid = session.scalar(select(Channel.id).where(Channel.name == name))
            session.add_all([OutboxMessage(
                created_at=clock.now, ticket_id=None, trigger="test",
                recipients=[{"channel": name, "mobiles": []}], subject=f"消息 {i}",
                body=f"**消息 {i}**\n> 基准测试第 {i} 条", document=None, status="pending",
                attempts=0, next_attempt_at=clock.now, last_error="", channel_id=cid)
                for i in range(messages)])

    db.write(work)
    sender = channels.Sender(db)
    start, t0 = clock.now, time.perf_counter()
    finished: dict[str, datetime] = {}
    rounds = 0
    while len(finished) < 2 and rounds < 100_000:
        report = sender.send_due(batch=100)
        rounds += 1
        for robot, name in (("wecom", "wx"), ("feishu", "fs")):
            if name not in finished and len(robots.of(robot)) >= messages:
                finished[name] = clock.now
        clock.now += timedelta(seconds=report.wait if report.wait else 1.0)
    wall = time.perf_counter() - t0
    out = []
    for robot, name, per_minute, per_second in (("wecom", "wx", 20, None),
                                                ("feishu", "fs", 100, 5)):
        simulated = (finished.get(name, clock.now) - start).total_seconds()
        out.append({
            "robot": robot, "messages": messages, "delivered": len(robots.of(robot)),
            "refused": len([r for r in robots.refused if r[0] == robot]),
            "max_per_minute": robots.max_in_window(robot, 60),
            "max_per_second": robots.max_in_window(robot, 1),
            "limit_per_minute": per_minute, "limit_per_second": per_second,
            "simulated_s": simulated,
            "floor_s": (messages / per_minute - 1) * 60,  # the least the limit allows
            "rounds": rounds, "wall_s": wall})
    robots.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlite", action="store_true")
    ap.add_argument("--alerts", type=int, default=1000)
    ap.add_argument("--fingerprints", type=int, default=100)
    ap.add_argument("--senders", type=int, default=8)
    ap.add_argument("--messages", type=int, default=500)
    args = ap.parse_args()
    clock = Clock()
    name = None
    if args.sqlite:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    else:
        import psycopg

        name = f"desk_bench_serve_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    try:
        db = open_database(url)
        a = bench_alerts(db, args.alerts, args.fingerprints, args.senders)
        db.dispose()
        ok = a["faults"] == args.fingerprints and a["errors"] == 0 and a["wall_s"] < 60
        print(f"alerts   {a['alerts']} firing for {a['fingerprints']} fingerprints, "
              f"{a['senders']} senders: {a['faults']} faults (exactly {args.fingerprints} "
              f"wanted), {a['errors']} errors, {a['wall_s']:.1f} s (within 60 s wanted), "
              f"{a['per_alert_ms']:.1f} ms per alert, POST p50 {a['post_p50_ms']:.0f} ms "
              f"p99 {a['post_p99_ms']:.0f} ms  {'OK' if ok else 'FAIL'}")
        db = open_database(url, clock=clock)
        for r in bench_robots(db, clock, args.messages):
            good = (r["delivered"] == r["messages"] and r["refused"] == 0
                    and r["max_per_minute"] <= r["limit_per_minute"]
                    and (r["limit_per_second"] is None
                         or r["max_per_second"] <= r["limit_per_second"])
                    and r["simulated_s"] >= r["floor_s"])
            per_second = (f", at most {r['max_per_second']}/s (limit {r['limit_per_second']})"
                          if r["limit_per_second"] else "")
            print(f"robots   {r['robot']:<7} {r['delivered']}/{r['messages']} delivered, "
                  f"{r['refused']} refused, at most {r['max_per_minute']}/min (limit "
                  f"{r['limit_per_minute']}){per_second}, drained in {r['simulated_s'] / 60:.1f} "
                  f"simulated min (floor {r['floor_s'] / 60:.1f}), {r['wall_s']:.1f} s wall "
                  f"(fake clock)  {'OK' if good else 'FAIL'}")
        db.dispose()
    finally:
        if name is not None:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
