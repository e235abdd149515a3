"""Group robots as notification channels, delivered to a local server that checks each
platform's signature, payload shape and rate as the platforms document them
(``tests/robot_server.py``, written from their documentation, not from Desk's code)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from desk.admin.demo import ensure_people
from desk.errors import PermissionDeniedError, ValidationError
from desk.notify import channels
from desk.notify import outbox as notify
from desk.process.reporting import FaultReport, report_fault
from desk.read import timeline
from models import Channel, FaultLevel, FaultType, NotificationRule, OutboxMessage, Ticket
from tests.conftest import cli_main_as
from tests.robot_server import RobotServer


@pytest.fixture
def robots(clock: object) -> Iterator[RobotServer]:
    # the robots' clock is the desk's (fake) clock: signatures carry its time, and the
    # rate is checked over it
    server = RobotServer(clock=lambda: clock.now.timestamp()).start()  # type: ignore[attr-defined]
    yield server
    server.stop()


@pytest.fixture
def sdb(sqlite_url: str, make_db: object) -> object:
    return make_db(sqlite_url)  # type: ignore[operator]


def add_all(db: object, robots: RobotServer, admin: int) -> None:
    channels.add_channel(db, admin, "wecom", "企业微信运维群", robots.wecom_url)  # type: ignore[arg-type]
    channels.add_channel(db, admin, "dingtalk", "钉钉应急群", robots.dingtalk_url,  # type: ignore[arg-type]
                         robots.dingtalk_secret)
    channels.add_channel(db, admin, "feishu", "飞书值班群", robots.feishu_url,  # type: ignore[arg-type]
                         robots.feishu_secret)
    channels.add_channel(db, admin, "webhook", "自建平台", robots.webhook_url,  # type: ignore[arg-type]
                         robots.webhook_secret)


def run_cli(capsys: pytest.CaptureFixture[str], url: str, *args: str,
            stdin: str = "") -> tuple[int, str, str]:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli_main_as(["--db", url, *args])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def test_the_channel_commands_add_list_test_and_remove(
        sdb: object, sqlite_url: str, robots: RobotServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    import time

    robots.clock = time.time  # the command line runs on the real clock
    ensure_people(sdb)  # type: ignore[arg-type]
    for kind, name, url, secret in (
            ("wecom", "wx", robots.wecom_url, ""),
            ("dingtalk", "dd", robots.dingtalk_url, robots.dingtalk_secret),
            ("feishu", "fs", robots.feishu_url, robots.feishu_secret),
            ("webhook", "hook", robots.webhook_url, robots.webhook_secret)):
        extra = ["--secret-stdin"] if secret else []
        code, out, err = run_cli(capsys, sqlite_url, "channel", "add", kind, name, "--url", url,
                                 *extra, "--as", "ADMIN", stdin=secret + "\n")
        assert code == 0, err
    code, out, _ = run_cli(capsys, sqlite_url, "channel", "list", "--json")
    listed = json.loads(out)
    assert [c["name"] for c in listed] == sorted(["wx", "dd", "fs", "hook"])
    # the secrets never show: not the WeCom key, nor the signing secrets
    for secret in (robots.wecom_key, robots.dingtalk_token, robots.dingtalk_secret,
                   robots.feishu_secret, robots.webhook_secret):
        assert secret not in out
    assert {c["kind"]: c["has_secret"] for c in listed} == {
        "wecom": False, "dingtalk": True, "feishu": True, "webhook": True}
    for name in ("wx", "dd", "fs", "hook"):
        code, out, err = run_cli(capsys, sqlite_url, "channel", "test", name)
        assert code == 0, err
    assert robots.refused == []
    assert [len(robots.of(r)) for r in ("wecom", "dingtalk", "feishu", "webhook")] == [1, 1, 1, 1]
    assert "测试消息" in robots.of("dingtalk")[0].payload["markdown"]["text"]
    # a non-administrator is refused, nothing changes
    code, _, err = run_cli(capsys, sqlite_url, "channel", "remove", "wx", "--as", "IT001")
    assert code == 1 and "管理员" in err
    code, _, err = run_cli(capsys, sqlite_url, "--lang", "en", "channel", "add", "dingtalk",
                           "nosecret", "--url", robots.dingtalk_url, "--as", "ADMIN")
    assert code == 1 and "secret" in err
    code, out, _ = run_cli(capsys, sqlite_url, "channel", "remove", "wx", "--as", "ADMIN")
    assert code == 0
    assert [c.name for c in channels.list_channels(sdb)] == ["dd", "fs", "hook"]  # type: ignore[arg-type]


def test_bad_channels_are_refused_with_a_clear_message(sdb: object, robots: RobotServer) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError):
        channels.add_channel(sdb, ids["IT001"], "wecom", "x", robots.wecom_url)  # type: ignore[arg-type]
    for kind, name, url, secret, field in (
            ("slack", "x", robots.wecom_url, "", "kind"),
            ("wecom", "", robots.wecom_url, "", "name"),
            ("wecom", "a,b", robots.wecom_url, "", "name"),
            ("wecom", "x", "ftp://example.com/?key=1", "", "url"),
            ("wecom", "x", f"{robots.base}/cgi-bin/webhook/send", "", "url"),
            ("dingtalk", "x", robots.dingtalk_url, "", "secret")):
        with pytest.raises(ValidationError) as err:
            channels.add_channel(sdb, ids["ADMIN"], kind, name, url, secret)  # type: ignore[arg-type]
        assert field in err.value.fields
    channels.add_channel(sdb, ids["ADMIN"], "wecom", "x", robots.wecom_url)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        channels.add_channel(sdb, ids["ADMIN"], "wecom", "x", robots.wecom_url)  # type: ignore[arg-type]


def test_a_level_one_report_reaches_every_channel_signed_with_mentions(
        sdb: object, robots: RobotServer) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    add_all(sdb, robots, ids["ADMIN"])
    detail = report_fault(sdb, FaultReport(  # type: ignore[arg-type]
        fault_type=FaultType.SYSTEM, affected_business="网上银行", phenomenon="登录页 502，全部用户无法登录",
        level=FaultLevel.URGENT, business_interrupted=True), ids["IT001"])
    with sdb.read() as s:  # type: ignore[attr-defined]
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.channel_id.is_not(None))).all()
        assert len(rows) == 4 and {r.trigger for r in rows} == {"report_urgent"}
    report = channels.Sender(sdb).send_due()  # type: ignore[arg-type]
    assert len(report.sent) == 4 and report.errors == []
    assert robots.refused == []
    wecom = robots.of("wecom")
    assert wecom[0].payload["msgtype"] == "markdown"
    content = wecom[0].payload["markdown"]["content"]
    assert detail.number in content and "网上银行" in content and "一级" in content
    assert "响应时限" in content and "负责人" in content
    # the department head of the reporter (张经理, 138-0000-0010) is @-mentioned
    assert "13800000010" in wecom[1].payload["text"]["mentioned_mobile_list"]
    ding = robots.of("dingtalk")[0].payload
    assert "13800000010" in ding["at"]["atMobiles"] and "@13800000010" in ding["markdown"]["text"]
    card = robots.of("feishu")[0].payload["card"]
    assert detail.number in card["header"]["title"]["content"]
    assert "登录页 502" in card["elements"][0]["text"]["content"]
    hook = robots.of("webhook")[0].payload
    assert hook["ticket_number"] == detail.number and hook["trigger"] == "report_urgent"
    actions = [e["action"] for e in timeline.events(sdb, detail.number)]  # type: ignore[arg-type]
    assert actions.count("chat_sent") == 4
    # sent once: a second round sends nothing
    assert channels.Sender(sdb).send_due().sent == []  # type: ignore[arg-type]


def queue(db: object, channel: str, n: int, now: object) -> list[int]:
    def work(session: object) -> list[int]:
        cid = session.scalar(select(Channel.id).where(Channel.name == channel))  # type: ignore[attr-defined]
        rows = [OutboxMessage(created_at=now, ticket_id=None, trigger="test",
                              recipients=[{"channel": channel, "mobiles": []}],
                              subject=f"消息 {i}", body=f"**消息 {i}**\n> 第 {i} 条", document=None,
                              status="pending", attempts=0, next_attempt_at=now, last_error="",
                              channel_id=cid) for i in range(n)]
        session.add_all(rows)  # type: ignore[attr-defined]
        session.flush()  # type: ignore[attr-defined]
        return [r.id for r in rows]

    return db.write(work)  # type: ignore[attr-defined,no-any-return]


def test_rate_limits_hold_messages_back_and_never_drop_one(
        sdb: object, robots: RobotServer, clock: object) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    add_all(sdb, robots, ids["ADMIN"])
    queue(sdb, "企业微信运维群", 25, clock.now)  # type: ignore[attr-defined]
    queue(sdb, "飞书值班群", 12, clock.now)  # type: ignore[attr-defined]
    queue(sdb, "钉钉应急群", 21, clock.now)  # type: ignore[attr-defined]
    sender = channels.Sender(sdb)  # type: ignore[arg-type]
    first = sender.send_due()
    assert len(first.sent) == 20 + 5 + 20  # a minute's worth; Feishu a second's worth
    assert first.wait is not None and 0 < first.wait <= 1.0  # Feishu frees up first
    for _ in range(3):
        clock.advance(seconds=1)  # type: ignore[attr-defined]
        sender.send_due()
    assert len(robots.of("feishu")) == 12
    assert len(robots.of("wecom")) == 20 and len(robots.of("dingtalk")) == 20
    clock.advance(seconds=55)  # type: ignore[attr-defined]
    assert sender.send_due().sent == []  # 58 s: still within the minute of the first 20
    clock.advance(seconds=2.5)  # type: ignore[attr-defined]
    sender.send_due()
    assert (len(robots.of("wecom")), len(robots.of("dingtalk"))) == (25, 21)
    # never over a platform's limit, never refused for the rate, each message once
    assert robots.refused == []
    assert robots.max_in_window("wecom", 60) <= 20
    assert robots.max_in_window("dingtalk", 60) <= 20
    assert robots.max_in_window("feishu", 1) <= 5
    with sdb.read() as s:  # type: ignore[attr-defined]
        statuses = s.scalars(select(OutboxMessage.status)).all()
    assert statuses.count("sent") == 58 and len(statuses) == 58
    texts = [r.payload["markdown"]["content"] for r in robots.of("wecom")]
    assert len(set(texts)) == 25


def test_a_refusal_keeps_the_platform_code_and_retries_with_back_off(
        sdb: object, robots: RobotServer, clock: object, caplog: pytest.LogCaptureFixture) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    wrong = "SECwrongwrongwrongwrong0123456789"
    channels.add_channel(sdb, ids["ADMIN"], "dingtalk", "dd", robots.dingtalk_url, wrong)  # type: ignore[arg-type]
    channels.add_channel(sdb, ids["ADMIN"], "wecom", "wx",  # type: ignore[arg-type]
                         robots.wecom_url.replace(robots.wecom_key, "ffffffff-0000-1111-2222-333333333333"))
    [dd] = queue(sdb, "dd", 1, clock.now)  # type: ignore[attr-defined]
    [wx] = queue(sdb, "wx", 1, clock.now)  # type: ignore[attr-defined]
    with caplog.at_level(logging.WARNING):
        report = channels.Sender(sdb).send_due()  # type: ignore[arg-type]
    assert sorted(report.failed) == sorted([dd, wx]) and report.sent == []
    entries = {e.id: e for e in notify.outbox_status(sdb)}  # type: ignore[arg-type]
    assert entries[dd].last_error.startswith("[310000]") and entries[dd].status == "pending"
    assert entries[wx].last_error.startswith("[93000]")
    assert entries[dd].attempts == 1
    assert entries[dd].next_attempt_at == clock.now + notify.backoff(1)  # type: ignore[attr-defined]
    assert entries[dd].recipients == ["群 dd"]
    for text in [caplog.text, entries[dd].last_error, entries[wx].last_error]:
        assert wrong not in text and "ffffffff-0000-1111-2222-333333333333" not in text
        assert robots.dingtalk_token not in text
    # nothing is retried before its time
    assert channels.Sender(sdb).send_due().failed == []  # type: ignore[arg-type]


def test_a_robot_that_does_not_answer_is_a_failed_attempt(
        sdb: object, robots: RobotServer, clock: object) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    channels.add_channel(sdb, ids["ADMIN"], "feishu", "fs", robots.feishu_url, robots.feishu_secret)  # type: ignore[arg-type]
    [row] = queue(sdb, "fs", 1, clock.now)  # type: ignore[attr-defined]
    robots.stall = 1.0
    report = channels.Sender(sdb, timeout=0.3).send_due()  # type: ignore[arg-type]
    assert report.failed == [row]
    [entry] = notify.outbox_status(sdb)  # type: ignore[arg-type]
    assert entry.last_error.startswith("[network]") and entry.status == "pending"
    robots.stall = 0
    clock.advance(seconds=31)  # type: ignore[attr-defined]
    assert channels.Sender(sdb).send_due().sent == [row]  # type: ignore[arg-type]


def test_masking() -> None:
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=633a31f6-7f9c-4bc4-97a0-0ec1eefa5898"
    masked = channels.masked_url(url)
    assert "633a31f6" not in masked and masked.endswith("key=****5898")
    hook = "https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef"
    assert "0123456789ab" not in channels.masked_url(hook)
    text = f"POST {url} failed; key 633a31f6-7f9c-4bc4-97a0-0ec1eefa5898"
    assert "633a31f6" not in channels.mask(text, url)


def test_the_sla_breach_goes_to_every_channel(sdb: object, robots: RobotServer,
                                              clock: object) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    channels.add_channel(sdb, ids["ADMIN"], "wecom", "wx", robots.wecom_url)  # type: ignore[arg-type]
    detail = report_fault(sdb, FaultReport(  # type: ignore[arg-type]
        fault_type=FaultType.NETWORK, affected_business="考勤", phenomenon="打卡机离线",
        level=FaultLevel.GENERAL), ids["IT001"])
    clock.advance(days=10)  # type: ignore[attr-defined]
    notify.check_clocks(sdb)  # type: ignore[arg-type]
    channels.Sender(sdb).send_due()  # type: ignore[arg-type]
    got = [r.payload["markdown"]["content"] for r in robots.of("wecom")
           if r.payload["msgtype"] == "markdown"]
    assert any("响应已超时" in t and detail.number in t for t in got)
    assert any("恢复已超时" in t and detail.number in t for t in got)


def test_a_channel_is_routed_into_a_rule_and_a_major_update_is_announced(
        sdb: object, robots: RobotServer, clock: object, sqlite_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    ids = ensure_people(sdb)  # type: ignore[arg-type]
    channels.add_channel(sdb, ids["ADMIN"], "feishu", "fs", robots.feishu_url,  # type: ignore[arg-type]
                         robots.feishu_secret)
    code, _, err = run_cli(capsys, sqlite_url, "channel", "route", "fs", "--trigger",
                           "sla_warning", "--as", "ADMIN")
    assert code == 0, err
    detail = report_fault(sdb, FaultReport(  # type: ignore[arg-type]
        fault_type=FaultType.APPLICATION, affected_business="OA", phenomenon="审批流卡住",
        level=FaultLevel.IMPORTANT), ids["IT001"])
    with sdb.read() as s:  # type: ignore[attr-defined]
        deadline = s.scalar(select(Ticket.respond_due_at).where(Ticket.number == detail.number))
    clock.now = deadline - timedelta(minutes=1)  # type: ignore[attr-defined]
    notify.check_clocks(sdb)  # type: ignore[arg-type]
    with pytest.raises(PermissionDeniedError):
        channels.announce(sdb, ids["IT001"], detail.number, "进展")  # type: ignore[arg-type]
    [update] = channels.announce(sdb, ids["LEAD01"], detail.number,  # type: ignore[arg-type]
                                 "已定位为数据库锁等待，预计 30 分钟内恢复")
    channels.Sender(sdb).send_due()  # type: ignore[arg-type]
    texts = [r.payload["card"]["elements"][0]["text"]["content"] for r in robots.of("feishu")]
    titles = [r.payload["card"]["header"]["title"]["content"] for r in robots.of("feishu")]
    assert any("响应即将超时" in t for t in titles)
    assert any("张经理：已定位为数据库锁等待" in t for t in texts)
    assert any("重大故障进展" in t and detail.number in t for t in titles)
    assert robots.refused == [] and update
    code, _, _ = run_cli(capsys, sqlite_url, "channel", "route", "fs", "--trigger", "sla_warning",
                         "--remove", "--as", "ADMIN")
    with sdb.read() as s:  # type: ignore[attr-defined]
        [rule] = s.scalars(select(NotificationRule).where(
            NotificationRule.trigger == "sla_warning")).all()
        assert "channel:fs" not in rule.recipients
