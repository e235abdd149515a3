"""The service on SQLite, in process: the heartbeat and the window's status bar, the
``--listen`` address, the intake token, alert filing against closed faults."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from desk.admin.demo import ensure_people
from desk.process import people
from desk.read.service import service_status
from desk.serve.service import Service


def test_the_heartbeat_says_running_then_stopped(sqlite_url: str, make_db: Any,
                                                 clock: Any) -> None:
    db = make_db(sqlite_url)
    assert not service_status(db).running
    assert service_status(db).text("zh_CN") == "未运行后台服务"
    service = Service(db, interval=15)
    service.last_delivery = clock.now.isoformat()
    service.heartbeat()
    status = service_status(db)
    assert status.running and status.name == service.name
    assert status.text("zh_CN") == "后台服务运行中，最近投递 2026-11-27 10:00"
    assert status.text("en") == "Service running, last delivery 2026-11-27 10:00"
    clock.advance(seconds=30)
    service.heartbeat()  # within the minute and nothing delivered: not written again
    assert service_status(db).seen_at == status.seen_at
    clock.advance(seconds=90)
    assert service_status(db).running  # once a minute, three minutes of grace
    clock.advance(minutes=2)
    later = service_status(db)
    assert not later.running and "已停止" in later.text("zh_CN")
    assert later.text("en").startswith("Service stopped (last seen 2026-11-27 10:00")
    assert clock.now - timedelta(minutes=4) == status.seen_at


def test_the_status_bar_shows_it(qtbot: Any, sqlite_url: str, make_db: Any) -> None:
    from ui.main_window import MainWindow

    db = make_db(sqlite_url)
    ensure_people(db)
    Service(db, interval=15).heartbeat()
    person = people.get_person(db, people.person_id(db, "IT001"))
    w = MainWindow(db, ZoneInfo("Asia/Shanghai"), "SQLite (test)", person)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.service_label.text().startswith("后台服务运行中"), timeout=10_000)
    w.grab().save("/tmp/service-status.png")


def test_serve_refuses_a_bad_or_taken_listen_address(sqlite_url: str, make_db: Any,
                                                      capsys: Any) -> None:
    import socket

    from desk.cli import main as cli

    make_db(sqlite_url)
    assert cli.main(["--db", sqlite_url, "serve", "--once", "--listen", "nonsense"]) == 1
    assert "主机:端口" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["--db", sqlite_url, "--lang", "en", "serve", "--once", "--listen",
                         f"127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 1 and f"Cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err


def test_a_new_token_retires_the_old_one_and_only_its_hash_is_stored(
        sqlite_url: str, make_db: Any) -> None:
    import json

    from sqlalchemy import select

    from desk.admin import intake as intake_settings
    from desk.serve import alerts
    from models import Setting

    db = make_db(sqlite_url)
    ids = ensure_people(db)
    body = json.dumps({"key": "probe-1", "status": "ok", "title": "探测"}).encode()
    first = intake_settings.new_token(db, ids["ADMIN"])
    assert alerts.handle(db, "generic", f"Bearer {first}", body)[0] == 200
    second = intake_settings.new_token(db, ids["ADMIN"])
    assert alerts.handle(db, "generic", f"Bearer {first}", body)[0] == 401
    status, answer = alerts.handle(db, "generic", f"Bearer {second}", body)
    assert status == 200 and answer["results"][0]["outcome"] == "ignored"  # resolved, no fault
    assert alerts.handle(db, "generic", "Basic " + second, body)[0] == 401
    with db.read() as s:
        stored = json.dumps(s.scalar(select(Setting.value).where(Setting.key == "intake.token")))
    assert first not in stored and second not in stored
    import pytest

    from desk.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        intake_settings.new_token(db, ids["IT001"])


def test_a_closed_alert_fault_is_not_reopened_by_a_repeat_only_by_a_new_firing(
        sqlite_url: str, make_db: Any) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import func, select, update

    from desk.process import intake
    from models import Status, Ticket

    db = make_db(sqlite_url)

    def alert(status: str, starts: datetime) -> intake.AlertIn:
        return intake.AlertIn("alertmanager", "fp-1", status, {"alertname": "DiskFull"},
                              {"summary": "磁盘将满"}, starts, None, "http://prom/graph", "am")

    t1 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    first = intake.file_alert(db, alert("firing", t1), intake.AlertMapping())
    assert first.outcome == "filed"
    assert intake.file_alert(db, alert("firing", t1), intake.AlertMapping()).outcome == "repeat"
    db.write(lambda s: s.execute(update(Ticket).values(status=Status.RESOLVED)))
    again = intake.file_alert(db, alert("firing", t1), intake.AlertMapping())
    assert (again.outcome, again.number) == ("repeat", first.number)
    later = intake.file_alert(db, alert("firing", datetime(2026, 11, 27, 1, 40, tzinfo=UTC)),
                              intake.AlertMapping())
    assert later.outcome == "filed" and later.number != first.number
    with db.read() as s:
        assert s.scalar(select(func.count(Ticket.id))) == 2


def test_the_upgrade_sends_the_existing_default_rules_to_every_channel(sqlite_url: str) -> None:
    import json

    from alembic import command
    from sqlalchemy import text

    from models import schema
    from models.database import make_engine

    engine = make_engine(sqlite_url)
    try:
        cfg = schema.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0008")
            for trigger, tokens in (("report_urgent", ["department_head", "it_emergency"]),
                                    ("sla_breached", ["assignee", "role:support_lead"]),
                                    ("dispatch", ["department_head", "team"])):
                conn.execute(text("INSERT INTO notification_rules (trigger, recipients, enabled, "
                                  "description) VALUES (:t, :r, 1, '')"),
                             {"t": trigger, "r": json.dumps(tokens)})
        schema.upgrade(engine)

        def rules() -> dict[str, list[str]]:
            with engine.connect() as conn:
                return {t: json.loads(r) for t, r in conn.execute(
                    text("SELECT trigger, recipients FROM notification_rules"))}

        after = rules()
        assert after["report_urgent"][-1] == "channels" and after["sla_breached"][-1] == "channels"
        assert "channels" not in after["dispatch"]
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0008")
        assert all("channels" not in v for v in rules().values())
    finally:
        engine.dispose()
