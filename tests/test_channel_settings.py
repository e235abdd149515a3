"""A group robot switched on and off and its rate limits changed (``desk channel enable``,
``disable``, ``limit``; ``desk.process.channels.configure_channel``), on both backends,
with the robots' stand-in server (``tests/robot_server.py``) counting what arrives.

A switched-off channel gets no new messages and sends none of those waiting; they stay
queued and go out, within the limit, once it is on again. A lowered limit holds back
what is over it; a raised one lets it go in the same minute. Only administrators: the
service refuses anyone else, and on a team database so does the database itself.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from desk.admin import pg_setup
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.errors import PermissionDeniedError, ValidationError
from desk.notify import channels, outbox
from desk.process import channels as channel_settings
from desk.process import people
from desk.process.reporting import FaultReport, report_fault
from models import Channel, Event, FaultLevel, FaultType, OutboxMessage
from tests.conftest import PG_ADMIN_URL, cli_main_as, require_pg
from tests.robot_server import RobotServer


@pytest.fixture
def robots(clock: Any) -> Iterator[RobotServer]:
    server = RobotServer(clock=lambda: clock.now.timestamp()).start()
    yield server
    server.stop()


@pytest.fixture
def ids(db: Any) -> dict[str, int]:
    found = ensure_people(db)
    found["ADMIN"] = people.person_id(db, "ADMIN")
    return found


def _urgent(db: Any, ids: dict[str, int]) -> int:
    return report_fault(db, FaultReport(
        fault_type=FaultType.SYSTEM, affected_business="核心交易", phenomenon="交易失败",
        level=FaultLevel.URGENT), ids["IT001"]).id


def _rows(db: Any, name: str) -> list[OutboxMessage]:
    with db.read() as s:
        cid = s.scalar(select(Channel.id).where(Channel.name == name))
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.channel_id == cid)
                              .order_by(OutboxMessage.id)))
        for r in rows:
            s.expunge(r)
        return rows


def test_an_administrator_switches_a_channel_and_it_is_audited(
        db: Any, ids: dict[str, int]) -> None:
    channels.add_channel(db, ids["ADMIN"], "webhook", "值班群", "https://example.com/hook")
    state = channel_settings.configure_channel(db, ids["ADMIN"], "值班群", enabled=False)
    assert (state.enabled, state.changed) == (False, ("enabled",))
    again = channel_settings.configure_channel(db, ids["ADMIN"], "值班群", enabled=False)
    assert again.changed == ()  # so already: nothing recorded
    state = channel_settings.configure_channel(db, ids["ADMIN"], "值班群", per_minute=5,
                                               per_second=2)
    assert (state.per_minute, state.per_second, set(state.changed)) == (
        5, 2, {"per_minute", "per_second"})
    [view] = channels.list_channels(db)
    assert (view.enabled, view.per_minute, view.per_second) == (False, 5, 2)
    with db.read() as s:
        events = s.scalars(select(Event).where(Event.action == "channel_change")
                           .order_by(Event.id)).all()
        assert [e.actor_id for e in events] == [ids["ADMIN"]] * 2
        assert events[0].changes == {"enabled": {"before": True, "after": False}}
        assert events[1].changes["per_minute"] == {"before": 60, "after": 5}
        assert events[1].details["name"] == "值班群"


def test_refusals_name_what_is_wrong(db: Any, ids: dict[str, int]) -> None:
    channels.add_channel(db, ids["ADMIN"], "feishu", "飞书群", "https://example.com/hook")
    with pytest.raises(PermissionDeniedError, match="管理员"):
        channel_settings.configure_channel(db, ids["LEAD01"], "飞书群", enabled=False)
    with pytest.raises(ValidationError) as limit:
        channel_settings.configure_channel(db, ids["ADMIN"], "飞书群", per_minute=0)
    assert "1 到 10000" in limit.value.field_message("per_minute")
    with pytest.raises(ValidationError) as above:
        channel_settings.configure_channel(db, ids["ADMIN"], "飞书群", per_minute=4)
    assert "每秒上限（5）不能大于每分钟上限（4）" in above.value.field_message("per_second")
    with pytest.raises(Exception, match="没有名为"):
        channel_settings.configure_channel(db, ids["ADMIN"], "无此群", enabled=True)
    [view] = channels.list_channels(db)
    assert (view.enabled, view.per_minute, view.per_second) == (True, 100, 5)
    with db.read() as s:
        assert s.scalar(select(Event.id).where(Event.action == "channel_change")) is None


def test_a_disabled_channel_gets_nothing_new_and_its_queue_waits(
        db: Any, ids: dict[str, int], robots: RobotServer) -> None:
    admin = ids["ADMIN"]
    channels.add_channel(db, admin, "webhook", "旧群", robots.webhook_url, robots.webhook_secret)
    channels.add_channel(db, admin, "webhook", "新群", robots.webhook_url + "?to=new",
                         robots.webhook_secret)
    _urgent(db, ids)  # queued for both
    channel_settings.configure_channel(db, admin, "旧群", enabled=False)
    _urgent(db, ids)  # queued for the enabled one only
    assert len(_rows(db, "旧群")) == 1 and len(_rows(db, "新群")) == 2
    sender = channels.Sender(db, "test")
    sent = sender.send_due()
    assert len(sent.sent) == 2
    assert [m.status for m in _rows(db, "旧群")] == [outbox.PENDING]  # kept, not failed
    assert len(robots.of("webhook")) == 2
    # on again: what waited goes out
    channel_settings.configure_channel(db, admin, "旧群", enabled=True)
    assert len(sender.send_due().sent) == 1
    assert [m.status for m in _rows(db, "旧群")] == [outbox.SENT]
    assert len(robots.of("webhook")) == 3


def test_an_edited_limit_is_what_delivery_keeps(
        db: Any, ids: dict[str, int], robots: RobotServer) -> None:
    admin = ids["ADMIN"]
    channels.add_channel(db, admin, "webhook", "限速群", robots.webhook_url,
                         robots.webhook_secret)
    channel_settings.configure_channel(db, admin, "限速群", per_minute=2)
    for _ in range(5):
        _urgent(db, ids)
    sender = channels.Sender(db, "test")
    first = sender.send_due()
    assert len(first.sent) == 2 and first.waiting == 3 and first.wait is not None
    assert [m.status for m in _rows(db, "限速群")].count(outbox.PENDING) == 3
    # raised within the same minute: the same sender lets the rest go
    channel_settings.configure_channel(db, admin, "限速群", per_minute=4)
    second = sender.send_due()
    assert len(second.sent) == 2 and second.waiting == 1
    channel_settings.configure_channel(db, admin, "限速群", per_minute=10)
    assert len(sender.send_due().sent) == 1
    assert robots.max_in_window("webhook", 60) == 5
    assert {m.status for m in _rows(db, "限速群")} == {outbox.SENT}


# -- the command line ----------------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli_main_as(argv)
        except SystemExit as exc:  # argparse: a usage error
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_the_commands_switch_limit_and_list(db_url: str, db: Any, ids: dict[str, int]) -> None:
    channels.add_channel(db, ids["ADMIN"], "wecom", "企业微信群",
                         "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123456")
    base = ["--db", db_url, "channel"]
    code, out, err = _run([*base, "disable", "企业微信群", "--as", "ADMIN"])
    assert code == 0, err
    assert "已停用渠道 企业微信群" in out and "停用，20 条/分钟" in out
    code, out, _ = _run(["--lang", "en", *base, "disable", "企业微信群", "--as", "ADMIN"])
    assert code == 0 and "disabled already; nothing changed" in out
    code, out, _ = _run([*base, "list"])
    assert code == 0 and " 停用 " in out
    code, out, err = _run([*base, "limit", "企业微信群", "--per-minute", "10", "--per-second",
                           "2", "--as", "ADMIN"])
    assert code == 0, err
    assert "10 条/分钟，2 条/秒" in out and err == ""
    code, out, err = _run(["--lang", "en", *base, "limit", "企业微信群", "--per-minute", "30",
                           "--as", "ADMIN"])
    assert code == 0 and "30/minute" in out
    assert "above what the WeCom group robot allows (20/minute)" in err
    code, out, err = _run([*base, "limit", "企业微信群", "--per-minute", "10",
                           "--as", "ADMIN"])
    assert code == 0 and err == ""
    code, out, err = _run([*base, "limit", "企业微信群", "--no-per-second", "--as", "ADMIN"])
    assert code == 0 and "，2 条/秒" not in out
    code, out, _ = _run([*base, "enable", "企业微信群", "--as", "ADMIN"])
    assert code == 0 and "已启用渠道" in out
    code, out, _ = _run([*base, "list", "--json"])
    [row] = json.loads(out)
    assert (row["enabled"], row["per_minute"], row["per_second"]) == (True, 10, None)
    # refused: exit 1, in the chosen language; nothing changed
    code, _, err = _run(["--lang", "en", *base, "disable", "企业微信群", "--as", "LEAD01"])
    assert code == 1 and "Only an administrator" in err
    code, _, err = _run([*base, "limit", "企业微信群", "--per-minute", "20", "--per-second",
                         "30", "--as", "ADMIN"])
    assert code == 1 and "每秒上限（30）不能大于每分钟上限（20）" in err
    code, _, err = _run(["--lang", "en", *base, "enable", "无此群", "--as", "ADMIN"])
    assert code == 1 and "No channel named" in err
    # usage: exit 2
    code, _, err = _run(["--lang", "en", *base, "limit", "企业微信群", "--as", "ADMIN"])
    assert code == 2 and "at least one of --per-minute" in err
    code, _, _ = _run([*base, "limit", "企业微信群", "--per-minute", "0", "--as", "ADMIN"])
    assert code == 2
    code, _, _ = _run([*base, "limit", "企业微信群", "--per-second", "3", "--no-per-second",
                       "--as", "ADMIN"])
    assert code == 2
    [view] = channels.list_channels(db)
    assert (view.enabled, view.per_minute, view.per_second) == (True, 10, None)


# -- on a team database, the database refuses too -----------------------------------------


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def team_url() -> Iterator[str]:
    require_pg()
    name = f"desk_chs_{uuid.uuid4().hex[:8]}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    group = ""
    try:
        url = f"{base}/{name}"
        pg_setup.init_database(url, open_db=open_database, admin_no="ADMIN",
                               admin_name="管理员", admin_password="admin-pass-1",
                               say=lambda _line: None)
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            conn.execute("SELECT desk_save_person(NULL, 'LEAD01', '主管', '', '', '', "
                         "ARRAY['support_lead'], true, false, NULL)")
            row = conn.execute("SELECT desk_group_role()").fetchone()
            group = str(row[0]) if row else ""
        yield url
    finally:
        with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if group:
                tag = group.removeprefix("desk_")
                for (role,) in conn.execute(
                        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s "
                        "OR rolname = %s ORDER BY length(rolname) DESC",
                        (f"{tag}\\_%", f"{group}\\_r\\_%", group)).fetchall():
                    conn.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.mark.pg
def test_on_a_team_database_only_an_administrators_login_may_change_a_channel(
        team_url: str) -> None:
    def login_url(no: str) -> str:
        with psycopg.connect(_libpq(team_url)) as conn:
            row = conn.execute("SELECT db_login FROM people WHERE employee_no = %s",
                               (no,)).fetchone()
        assert row is not None
        return team_url.replace("postgres@", f"{row[0]}@", 1)

    admin_db = open_database(login_url("ADMIN"), upgrade=False)
    lead_db = open_database(login_url("LEAD01"), upgrade=False)
    try:
        admin = people.person_id(admin_db, "ADMIN")
        lead = people.person_id(admin_db, "LEAD01")
        channels.add_channel(admin_db, admin, "webhook", "值班群", "https://example.com/hook")
        # the administrator's own login: allowed by the database, with its event
        state = channel_settings.configure_channel(admin_db, admin, "值班群", enabled=False,
                                                   per_minute=7)
        assert (state.enabled, state.per_minute) == (False, 7)
        with pytest.raises(PermissionDeniedError):
            channel_settings.configure_channel(lead_db, lead, "值班群", enabled=True)
        # and past the service, straight at the table, as psql would
        with psycopg.connect(_libpq(login_url("LEAD01"))) as conn:
            for statement in ("UPDATE channels SET enabled = true",
                              "UPDATE channels SET per_minute = 10000"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
                conn.rollback()
        [view] = channels.list_channels(admin_db)
        assert (view.enabled, view.per_minute) == (False, 7)
    finally:
        lead_db.dispose()
        admin_db.dispose()
