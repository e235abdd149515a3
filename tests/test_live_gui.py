"""Two desks on one database: a change at one shows at the other within a second.

The other desk is a real second process (``tests/live_peer.py``) that reports faults,
fires transitions and sends presence heartbeats when told on stdin; this test's
window runs with live updates on. Connection faults are made on the server itself:
``pg_terminate_backend`` on every connection of the database, and
``ALLOW_CONNECTIONS false`` for a server that stays unreachable for a while.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.process import people, presence
from desk.read import tickets
from desk.rules import transitions
from models import FaultType, Status, Ticket
from tests.conftest import PG_ADMIN_URL, _libpq, settle, terminate_backends, type_into
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
LOST = "数据库连接中断，正在重连…"
TZ = ZoneInfo("Asia/Shanghai")


class Peer:
    """The other desk: one JSON command per line, one JSON answer per line."""

    def __init__(self, url: str, log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.live_peer", url], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, encoding="utf-8")
        assert self.answer()["ok"] == "ready"

    def send(self, **cmd: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()

    def answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"the peer desk died: {self.log.name}"
        return json.loads(line)

    def do(self, **cmd: Any) -> Any:
        self.send(**cmd)
        reply = self.answer()
        assert "ok" in reply, reply
        return reply["ok"]

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.send(do="quit")
                self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.log.close()


def _window(qtbot: Any, monkeypatch: pytest.MonkeyPatch, db: Any, label: str) -> MainWindow:
    monkeypatch.setattr(MainWindow, "ask_discard", classmethod(lambda cls, parent, text: True))
    person = people.get_person(db, people.person_id(db, "IT001"))
    w = MainWindow(db, TZ, label, person)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    settle(qtbot, w)
    return w


@pytest.fixture
def pg_desk(pg_db_url: str) -> Iterator[Any]:
    from ui import tasks

    db = open_database(pg_db_url)  # the real clock: two processes must agree on "now"
    ensure_people(db)
    yield db
    # the window's loads still running hold connections of this engine: they end first,
    # so that dispose closes every connection (none is left to the garbage collector)
    assert tasks.wait_all(15_000)
    db.dispose()


@pytest.fixture
def window(qtbot: Any, monkeypatch: pytest.MonkeyPatch, pg_desk: Any) -> Iterator[MainWindow]:
    w = _window(qtbot, monkeypatch, pg_desk, "PostgreSQL (test)")
    binding = w.start_live(heartbeat_ms=300)
    with qtbot.waitSignal(binding.live.listening, timeout=10_000):
        pass
    yield w
    w.stop_live()
    assert not binding.live.running


@pytest.fixture
def peer(pg_db_url: str, pg_desk: Any, tmp_path: Path) -> Iterator[Peer]:
    other = Peer(pg_db_url, tmp_path / "peer.log")
    yield other
    other.close()


def _count(db: Any, phenomenon: str) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(Ticket.id)).where(Ticket.phenomenon == phenomenon)))


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _admin(sql: str, *params: Any) -> None:
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(sql, params)  # type: ignore[arg-type]


def _fill_form(qtbot: Any, window: MainWindow, phenomenon: str) -> Any:
    form = window.new_fault()
    type_into(qtbot, form.business, "办公网络 – 三楼")
    type_into(qtbot, form.phenomenon, phenomenon)
    return form


def test_new_ticket_at_another_desk_shows_in_the_queue_within_a_second(qtbot, window, peer):
    form = _fill_form(qtbot, window, "三楼无线网络频繁掉线。")  # typing, not yet saved
    received: list[float] = []
    window.live.live.ticket_changed.connect(lambda *_: received.append(time.time()))
    with qtbot.waitSignal(window.live.live.ticket_changed, timeout=15_000) as changed:
        peer.send(do="report", phenomenon="销售订单提交后显示错误 500。", person="SALES005")
    reply = peer.answer()
    ticket_id = reply["ok"]["id"]
    assert changed.args == [ticket_id, 1]
    latency = received[0] - reply["at"]
    assert latency < 1.0, f"took {latency:.3f} s"
    # the queue reloads off the GUI thread: the row follows the signal at once
    qtbot.waitUntil(lambda: window.model.row_of(ticket_id) >= 0, timeout=15_000)
    row = window.model.row_of(ticket_id)
    assert row >= 0 and window.model.row_at(row).number == reply["ok"]["number"]
    # the form being typed stays on screen with its text
    assert window.stack.currentWidget() is form
    assert form.phenomenon.toPlainText() == "三楼无线网络频繁掉线。"
    assert form.business.text() == "办公网络 – 三楼"


def test_change_at_another_desk_reloads_the_open_ticket_and_keeps_the_selection(
        qtbot, window, peer):
    first = peer.do(do="report", phenomenon="报表导出按钮无响应。", person="SALES005")
    second = peer.do(do="report", phenomenon="打印机卡纸。", person="SALES005")
    qtbot.waitUntil(lambda: window.model.row_of(second["id"]) >= 0, timeout=15_000)
    assert window.select_ticket(first["id"])
    assert window.panel.detail.id == first["id"] and window.panel.detail.version == 1
    with qtbot.waitSignal(window.live.live.ticket_changed, timeout=15_000):
        peer.send(do="transition", name="triage", ticket=first["id"], person="LEAD01",
                  data={"first_contact": "已电话联系", "fault_type": "APP", "level": 2})
    assert peer.answer()["ok"]["version"] == 2
    qtbot.waitUntil(lambda: window.panel.detail.version == 2, timeout=15_000)
    assert window.panel.detail.status == Status.TRIAGE
    assert window.selected_ticket_id() == first["id"]
    # a resync that finds nothing new leaves the model (and its scroll position) alone
    settle(qtbot, window)
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    window.live.on_resync()
    assert window.model.busy
    settle(qtbot, window)
    assert resets == []
    peer.do(do="transition", name="change_level", ticket=second["id"], person="LEAD01",
            data={"level": 1, "reason": "影响扩大"})
    window.live.on_resync()
    settle(qtbot, window)
    assert resets == [1]
    assert window.selected_ticket_id() == first["id"]


def test_ticket_changed_while_an_action_dialog_is_open_shows_the_bar(qtbot, window, peer):
    ticket = peer.do(do="report", phenomenon="邮件发送失败。", person="SALES005")
    qtbot.waitUntil(lambda: window.model.row_of(ticket["id"]) >= 0, timeout=15_000)
    window.select_ticket(ticket["id"])
    dialog = window.panel.open_action(transitions.TRANSITIONS["triage"])
    assert dialog is not None and dialog.isVisible()
    bar = window.live.stale_bar
    assert not bar.isVisible()
    with qtbot.waitSignal(window.live.live.ticket_changed, timeout=15_000):
        peer.send(do="transition", name="triage", ticket=ticket["id"], person="LEAD01",
                  data={"first_contact": "已联系", "fault_type": "APP", "level": 3})
    assert peer.answer()["ok"]["version"] == 2
    qtbot.waitUntil(bar.isVisible, timeout=15_000)
    assert window.live.stale_label.text() == "此故障已被他人更新"
    assert window.panel.detail.version == 1  # not reloaded under the open dialog
    assert dialog.isVisible()
    dialog.reject()
    window.live.stale_reload.click()  # (the modal dialog's input block ends with the loop)
    assert window.panel.detail.version == 2 and not bar.isVisible()


def test_presence_of_the_other_desk_shows_above_the_ticket(qtbot, window, peer, pg_desk):
    ticket = peer.do(do="report", phenomenon="财务系统登录缓慢。", person="SALES005")
    qtbot.waitUntil(lambda: window.model.row_of(ticket["id"]) >= 0, timeout=15_000)
    window.select_ticket(ticket["id"])
    label = window.live.presence_label
    assert label.objectName() == "presenceLabel"
    peer.do(do="presence", ticket=ticket["id"], person="CTO01", editing=False)
    qtbot.waitUntil(lambda: label.text() == "李总 正在查看", timeout=15_000)
    peer.do(do="presence", ticket=ticket["id"], person="CTO01", editing=True)
    qtbot.waitUntil(lambda: label.text() == "李总 正在编辑", timeout=15_000)
    # and this desk is seen from the other side
    qtbot.waitUntil(lambda: presence.others_on(pg_desk, ticket["id"], "peer-desk")
                    == [("刘洋", False)], timeout=15_000)
    peer.do(do="leave")
    qtbot.waitUntil(lambda: label.text() == "", timeout=15_000)
    # closing the window removes its presence row
    window.stop_live()
    assert presence.others_on(pg_desk, ticket["id"], "peer-desk") == []


# The server kills this desk's connections: the pool's dead ones are dropped and collected
# here (psycopg says each was "deleted while still open"), not in whichever test runs next.
DEAD_CONNECTIONS = pytest.mark.filterwarnings(
    "ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")


def _collect_the_dead(window: Any) -> None:
    """Let go of the killed connections here: the live thread and the background
    operations may still hold one (an error on its way), so both end first."""
    from ui import tasks

    window.stop_live()
    assert tasks.wait_all(15_000)
    window.db.engine.dispose()
    gc.collect()


@DEAD_CONNECTIONS
def test_terminated_connections_show_the_message_and_the_next_save_succeeds(
        qtbot, window, pg_db_url, pg_desk):
    phenomenon = "数据中心交换机端口告警。"
    form = _fill_form(qtbot, window, phenomenon)
    status = window.live.connection_label
    assert status.objectName() == "connectionStatus" and status.text() == ""
    shown: list[str] = []
    window.live.live.connection_lost.connect(lambda: shown.append(status.text()))
    with qtbot.waitSignals([window.live.live.connection_lost,
                            window.live.live.connection_restored], timeout=10_000,
                           order="strict"):
        terminate_backends(pg_db_url)
    assert shown == [LOST]
    qtbot.waitUntil(lambda: status.text() == "", timeout=15_000)
    assert form.phenomenon.toPlainText() == phenomenon
    with qtbot.waitSignal(window.ticket_saved, timeout=10_000) as saved:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].phenomenon == phenomenon
    assert _count(pg_desk, phenomenon) == 1
    _collect_the_dead(window)


@DEAD_CONNECTIONS
def test_server_down_refuses_the_save_keeps_the_form_and_recovers(
        qtbot, window, pg_db_url, pg_desk):
    phenomenon = "核心数据库主机宕机。"
    form = _fill_form(qtbot, window, phenomenon)
    status = window.live.connection_label
    name = _database_name(pg_db_url)
    try:
        _admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        terminate_backends(pg_db_url)
        qtbot.waitUntil(lambda: status.text() == LOST, timeout=15_000)
        with qtbot.waitSignal(form.failed, timeout=20_000):
            qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        assert "数据库连接中断" in form.general_error.text()
        assert window.stack.currentWidget() is form
        assert form.phenomenon.toPlainText() == phenomenon
        assert form.business.text() == "办公网络 – 三楼"
        assert status.text() == LOST
    finally:
        _admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    qtbot.waitUntil(lambda: status.text() == "", timeout=15_000)
    with qtbot.waitSignal(window.ticket_saved, timeout=10_000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert _count(pg_desk, phenomenon) == 1
    _collect_the_dead(window)


def test_sqlite_change_from_another_process_is_noticed(qtbot, monkeypatch, sqlite_url,
                                                       tmp_path):
    db = open_database(sqlite_url)
    try:
        ensure_people(db)
        w = _window(qtbot, monkeypatch, db, "SQLite (test)")
        binding = w.start_live(heartbeat_ms=300)
        with qtbot.waitSignal(binding.live.listening, timeout=10_000):
            pass
        other = Peer(sqlite_url, tmp_path / "peer.log")
        try:
            with qtbot.waitSignal(binding.live.resync, timeout=15_000):
                other.send(do="report", phenomenon="共享盘无法访问。", person="SALES005")
            ticket = other.answer()["ok"]
            qtbot.waitUntil(lambda: w.model.row_of(ticket["id"]) >= 0, timeout=15_000)
        finally:
            other.close()
        w.stop_live()
        assert not binding.live.running
        assert tickets.get_ticket(db, ticket["id"]).fault_type == FaultType.APPLICATION
    finally:
        db.dispose()


def test_worker_emits_do_not_wear_down_the_bools(qapp):
    import sys as _sys

    from PySide6.QtCore import QObject, Signal

    from ui.live import emit

    class Source(QObject):
        ping = Signal(int)

    source = Source()
    before = _sys.getrefcount(True) + _sys.getrefcount(False)
    for i in range(5_000):  # more than a fresh interpreter's references to True
        emit(source.ping, i)
    assert _sys.getrefcount(True) + _sys.getrefcount(False) >= before


def _own_triage_with_the_notice_first(qtbot: Any, w: MainWindow, ticket_id: int,
                                      notice: Any) -> None:
    """Fire 受理研判 through its dialog, OK pressed at once (twice, as in the field), with
    this desk's own notice reaching the window before the dialog's answer: the race."""
    from ui.ticket.action_dialog import ActionDialog

    arrived: list[int] = []
    notice.connect(lambda *_a: arrived.append(1))
    held: list[Any] = []
    real_ok = ActionDialog._ok

    def late_ok(self: ActionDialog, detail: Any) -> None:
        held.append((self, detail))

    ActionDialog._ok = late_ok  # type: ignore[method-assign]
    try:
        dialog = w.panel.open_action(transitions.TRANSITIONS["triage"])
        assert dialog is not None
        type_into(qtbot, dialog.inputs["first_contact"], "已电话联系报告人")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # disabled: ignored
        qtbot.waitUntil(lambda: bool(held) and bool(arrived), timeout=15_000)
        assert w.panel.own_write_pending()
    finally:
        ActionDialog._ok = real_ok  # type: ignore[method-assign]
    for d, detail in held:
        real_ok(d, detail)
    assert len(held) == 1  # the second press sent nothing
    qtbot.waitUntil(lambda: w.panel.detail.version == 2, timeout=15_000)


def test_own_action_never_shows_the_bar_and_another_desks_does(qtbot, window, peer, pg_desk):
    shown: list[bool] = []
    binding = window.live
    real_set = binding._set_stale
    binding._set_stale = lambda stale: (shown.append(stale), real_set(stale))  # type: ignore[method-assign]
    ticket = peer.do(do="report", phenomenon="库存查询超时。", person="SALES005")
    qtbot.waitUntil(lambda: window.model.row_of(ticket["id"]) >= 0, timeout=15_000)
    assert window.select_ticket(ticket["id"])
    _own_triage_with_the_notice_first(qtbot, window, ticket["id"], binding.live.ticket_changed)
    settle(qtbot, window)
    assert True not in shown and not binding.stale_bar.isVisible()
    t = tickets.get_ticket(pg_desk, ticket["id"])
    assert t.status == Status.TRIAGE and t.version == 2
    assert t.values["first_contact"] == "已电话联系报告人"
    # another desk's change while a dialog is open here: the bar appears
    dialog = window.panel.open_action(transitions.TRANSITIONS["cancel"])
    assert dialog is not None
    with qtbot.waitSignal(binding.live.ticket_changed, timeout=15_000):
        peer.send(do="transition", name="change_level", ticket=ticket["id"], person="LEAD01",
                  data={"level": 2, "reason": "影响扩大"})
    assert peer.answer()["ok"]["version"] == 3
    qtbot.waitUntil(binding.stale_bar.isVisible, timeout=15_000)
    # the new-fault form does not carry the ticket's bar
    dialog.reject()
    form = window.new_fault()
    assert window.stack.currentWidget() is form and not binding.stale_bar.isVisible()


def test_own_action_on_sqlite_never_shows_the_bar(qtbot, monkeypatch, sqlite_url, tmp_path):
    db = open_database(sqlite_url)
    try:
        ensure_people(db)
        w = _window(qtbot, monkeypatch, db, "SQLite (test)")
        binding = w.start_live(heartbeat_ms=300)
        with qtbot.waitSignal(binding.live.listening, timeout=10_000):
            pass
        shown: list[bool] = []
        real_set = binding._set_stale
        binding._set_stale = lambda s: (shown.append(s), real_set(s))  # type: ignore[method-assign]
        from desk.process import reporting

        detail = reporting.report_fault(db, reporting.FaultReport(
            fault_type=FaultType.APPLICATION, affected_business="仓储系统",
            phenomenon="入库单无法保存。"), people.person_id(db, "SALES005"))
        qtbot.waitUntil(lambda: w.model.row_of(detail.id) >= 0, timeout=15_000)
        assert w.select_ticket(detail.id)
        _own_triage_with_the_notice_first(qtbot, w, detail.id, binding.live.resync)
        settle(qtbot, w)
        assert True not in shown and not binding.stale_bar.isVisible()
        assert tickets.get_ticket(db, detail.id).status == Status.TRIAGE
        w.stop_live()
    finally:
        db.dispose()
