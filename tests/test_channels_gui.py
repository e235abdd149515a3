"""The group robots' channels in the window (管理 → 群机器人通知渠道…), offscreen, against
the local stand-in robots (``tests/robot_server.py``): add with a refusal first, test
messages taken and refused, a route into a rule, a removal; each checked in the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QMainWindow
from sqlalchemy import select

from desk import errors
from desk.admin.demo import ensure_people
from desk.notify import channels, outbox
from desk.process import people
from desk.process.reporting import FaultReport, report_fault
from models import Channel, FaultLevel, FaultType, NotificationRule, OutboxMessage
from tests.conftest import click, type_into
from tests.robot_server import RobotServer
from ui.dialogs.admin import install_admin_menu
from ui.dialogs.channels import AddChannelDialog, ChannelsDialog, ChannelTableModel


@pytest.fixture
def robots(clock: Any) -> Iterator[RobotServer]:
    server = RobotServer(clock=lambda: clock.now.timestamp()).start()
    yield server
    server.stop()


@pytest.fixture
def sdb(sqlite_url: str, make_db: Any) -> Any:
    db = make_db(sqlite_url)
    ensure_people(db)
    return db


def _cells(model: ChannelTableModel) -> list[list[str]]:
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def _open(qtbot: Any, db: Any) -> ChannelsDialog:
    window = QMainWindow()
    qtbot.addWidget(window)
    lead = people.get_person(db, people.person_id(db, "LEAD01"))
    menu = install_admin_menu(window, db, lead)
    assert not menu.actions["channels"].isEnabled()  # administrators only
    menu.set_person(people.get_person(db, people.person_id(db, "ADMIN")))
    menu.actions["channels"].trigger()
    dialog = menu.dialog
    assert isinstance(dialog, ChannelsDialog)
    qtbot.waitUntil(lambda: dialog.busy == 0, timeout=10_000)
    return dialog


def _add(qtbot: Any, dialog: ChannelsDialog, kind: str, name: str, url: str,
         secret: str = "") -> AddChannelDialog:
    click(qtbot, dialog.add_button)
    form = dialog.child
    assert isinstance(form, AddChannelDialog)
    form.kind.setCurrentIndex(form.kind.findData(kind))
    type_into(qtbot, form.name, name)
    type_into(qtbot, form.url, url)
    if secret:
        type_into(qtbot, form.secret, secret)
    return form


def test_model_passes_the_model_tester(qtmodeltester: Any, sdb: Any, robots: RobotServer) -> None:
    model = ChannelTableModel()
    qtmodeltester.check(model)
    admin = people.person_id(sdb, "ADMIN")
    channels.add_channel(sdb, admin, "wecom", "wx", robots.wecom_url)
    channels.add_channel(sdb, admin, "feishu", "fs", robots.feishu_url, robots.feishu_secret)
    model.set_rows(channels.list_channels(sdb))
    qtmodeltester.check(model)


def test_an_administrator_adds_tests_routes_and_removes_channels(
        qtbot: Any, sdb: Any, robots: RobotServer, monkeypatch: Any) -> None:
    dialog = _open(qtbot, sdb)
    assert dialog.model.rowCount() == 0 and dialog.empty.isVisible()
    assert not dialog.test_button.isEnabled()
    # a DingTalk robot without its signing secret: refused beside the field, nothing stored,
    # what was typed kept
    form = _add(qtbot, dialog, "dingtalk", "钉钉应急群", robots.dingtalk_url)
    click(qtbot, form.save_button)
    qtbot.waitUntil(lambda: form.errors["secret"].isVisible(), timeout=10_000)
    assert "加签" in form.errors["secret"].text()
    assert form.isVisible() and form.name.text() == "钉钉应急群"
    assert form.url.text() == robots.dingtalk_url
    assert channels.list_channels(sdb) == []
    assert form.secret.echoMode() == form.secret.EchoMode.Password
    type_into(qtbot, form.secret, robots.dingtalk_secret)
    with qtbot.waitSignal(form.added, timeout=10_000), \
            qtbot.waitSignal(dialog.loaded, timeout=10_000):
        click(qtbot, form.save_button)
    with sdb.read() as s:
        stored = s.scalar(select(Channel).where(Channel.name == "钉钉应急群"))
        assert (stored.kind, stored.url, stored.secret) == (
            "dingtalk", robots.dingtalk_url, robots.dingtalk_secret)
    # the list masks the URL exactly as `desk channel list` does; no secret on screen
    [row] = _cells(dialog.model)
    assert row[2] == channels.masked_url(robots.dingtalk_url)
    assert robots.dingtalk_token not in " ".join(row) and robots.dingtalk_secret not in \
        " ".join(row)
    assert row[3] == "已加签" and row[4] == "启用" and row[5] == "20 条/分钟"
    # a WeCom robot with a wrong key: the test message is refused with the platform's code
    form = _add(qtbot, dialog, "wecom", "企业微信运维群",
                robots.wecom_url.replace(robots.wecom_key, "ffffffff-0000-0000-0000-000000000000"))
    assert not form.secret.isEnabled()
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        click(qtbot, form.save_button)
    assert dialog.selected().name == "企业微信运维群"
    with qtbot.waitSignal(dialog.failed, timeout=15_000) as refused:
        click(qtbot, dialog.test_button)
    assert "93000" in refused.args[0] and "ffffffff-0000" not in refused.args[0]
    assert dialog.message.isVisible() and "93000" in dialog.message.text()
    assert robots.of("wecom") == []
    # the DingTalk robot takes its test message, signed
    dialog.select_channel("钉钉应急群")
    with qtbot.waitSignal(dialog.tested, timeout=15_000):
        click(qtbot, dialog.test_button)
    [got] = robots.of("dingtalk")
    assert "测试消息" in got.payload["markdown"]["text"] and robots.refused[0][0] == "wecom"
    assert "钉钉应急群" in dialog.info.text() and not dialog.message.isVisible()
    # into the rules of 时限即将到期
    dialog.trigger.setCurrentIndex(dialog.trigger.findData("sla_warning"))
    with qtbot.waitSignal(dialog.routed, timeout=10_000) as routed:
        click(qtbot, dialog.route_button)
    assert routed.args == [1] and "1 条通知规则" in dialog.info.text()
    with sdb.read() as s:
        [rule] = s.scalars(select(NotificationRule).where(
            NotificationRule.trigger == "sla_warning")).all()
        assert "channel:钉钉应急群" in rule.recipients
    # removing asks first; declined, nothing changes
    asked: list[str] = []
    monkeypatch.setattr(ChannelsDialog, "ask_remove",
                        classmethod(lambda cls, parent, view: asked.append(view.name) or False))
    click(qtbot, dialog.remove_button)
    assert asked == ["钉钉应急群"] and len(channels.list_channels(sdb)) == 2
    # a major-incident update waits for both channels; removing one marks its message failed
    lead = people.person_id(sdb, "LEAD01")
    detail = report_fault(sdb, FaultReport(
        fault_type=FaultType.SYSTEM, affected_business="OA", phenomenon="无法登录",
        level=FaultLevel.URGENT), people.person_id(sdb, "IT001"))
    channels.announce(sdb, lead, detail.number, "正在排查")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.reload()
    dingtalk = next(r for r in dialog.model.rows if r.name == "钉钉应急群")
    assert dingtalk.pending >= 1
    monkeypatch.setattr(ChannelsDialog, "ask_remove", classmethod(lambda cls, p, v: True))
    dialog.select_channel("钉钉应急群")
    with qtbot.waitSignal(dialog.removed, timeout=10_000) as removed:
        click(qtbot, dialog.remove_button)
    assert removed.args == [dingtalk.pending]
    assert f"{dingtalk.pending} 条未发送的消息标为发送失败" in dialog.info.text()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert [c.name for c in channels.list_channels(sdb)] == ["企业微信运维群"]
    with sdb.read() as s:
        assert s.scalar(select(Channel).where(Channel.name == "钉钉应急群")) is None
        failed = s.scalars(select(OutboxMessage).where(
            OutboxMessage.status == outbox.FAILED)).all()
        assert len(failed) == dingtalk.pending
        assert {m.trigger for m in failed} == {"report_urgent", "major_update"}
        assert all("渠道已删除" in m.last_error for m in failed)


def test_a_refusal_speaks_the_desk_language_and_keeps_the_form(
        qtbot: Any, sdb: Any, robots: RobotServer) -> None:
    errors.set_language("en")  # restored after the test (conftest)
    dialog = _open(qtbot, sdb)
    form = _add(qtbot, dialog, "wecom", "ops,night", "ftp://example.com/?key=1")
    click(qtbot, form.save_button)
    qtbot.waitUntil(lambda: form.errors["url"].isVisible(), timeout=10_000)
    assert form.errors["url"].text().startswith("The webhook URL must start with http")
    assert "comma" in form.errors["name"].text()
    assert (form.name.text(), form.url.text()) == ("ops,night", "ftp://example.com/?key=1")
    assert channels.list_channels(sdb) == [] and form.isVisible()


def test_an_administrator_switches_a_channel_off_and_sets_its_limits(
        qtbot: Any, sdb: Any, robots: RobotServer) -> None:
    admin = people.person_id(sdb, "ADMIN")
    channels.add_channel(sdb, admin, "feishu", "飞书群", robots.feishu_url, robots.feishu_secret)
    channels.add_channel(sdb, admin, "wecom", "企业微信群", robots.wecom_url)
    dialog = _open(qtbot, sdb)
    dialog.select_channel("飞书群")
    # the row shows what is stored: on, 100 a minute, 5 a second
    assert dialog.enabled_box.isChecked() and dialog.enabled_box.isEnabled()
    assert (dialog.minute_spin.value(), dialog.second_spin.value()) == (100, 5)
    # a per-second limit above the per-minute one: refused, shown, nothing stored
    dialog.minute_spin.setValue(4)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as refused:
        click(qtbot, dialog.settings_button)
    assert "每秒上限（5）不能大于每分钟上限（4）" in refused.args[0]
    assert dialog.message.isVisible()
    with sdb.read() as s:
        assert s.scalar(select(Channel.per_minute).where(Channel.name == "飞书群")) == 100
    # switched off, 30 a minute, no per-second limit
    click(qtbot, dialog.enabled_box)
    assert not dialog.enabled_box.isChecked()
    dialog.minute_spin.setValue(30)
    dialog.second_spin.setValue(0)
    assert dialog.second_spin.text() == "每秒不限"
    with qtbot.waitSignal(dialog.configured, timeout=10_000) as saved, \
            qtbot.waitSignal(dialog.loaded, timeout=10_000):
        click(qtbot, dialog.settings_button)
    assert set(saved.args[0].changed) == {"enabled", "per_minute", "per_second"}
    assert "已停用“飞书群”" in dialog.info.text()
    with sdb.read() as s:
        stored = s.scalar(select(Channel).where(Channel.name == "飞书群"))
        assert (stored.enabled, stored.per_minute, stored.per_second) == (False, 30, None)
    row = next(r for r in _cells(dialog.model) if r[0] == "飞书群")
    assert row[4] == "停用" and row[5] == "30 条/分钟"
    assert dialog.selected().name == "飞书群" and not dialog.enabled_box.isChecked()
    # the other channel's row shows its own values, untouched
    dialog.select_channel("企业微信群")
    assert dialog.enabled_box.isChecked() and dialog.minute_spin.value() == 20
    assert dialog.second_spin.value() == 0
    # a level-1 report is queued for the channel that is on only
    report_fault(sdb, FaultReport(fault_type=FaultType.SYSTEM, affected_business="OA",
                                  phenomenon="无法登录", level=FaultLevel.URGENT),
                 people.person_id(sdb, "IT001"))
    with sdb.read() as s:
        targets = set(s.scalars(select(Channel.name).join(
            OutboxMessage, OutboxMessage.channel_id == Channel.id)))
    assert targets == {"企业微信群"}


def test_the_settings_are_refused_to_anyone_but_an_administrator(
        qtbot: Any, sdb: Any, robots: RobotServer) -> None:
    channels.add_channel(sdb, people.person_id(sdb, "ADMIN"), "wecom", "企业微信群",
                         robots.wecom_url)
    lead = people.get_person(sdb, people.person_id(sdb, "LEAD01"))
    dialog = ChannelsDialog(sdb, lead)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.busy == 0 and dialog.model.rowCount() == 1, timeout=10_000)
    click(qtbot, dialog.enabled_box)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as refused:
        click(qtbot, dialog.settings_button)
    assert "只有管理员" in refused.args[0]
    with sdb.read() as s:
        assert s.scalar(select(Channel.enabled).where(Channel.name == "企业微信群")) is True
