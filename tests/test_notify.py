"""E-mail notifications through the outbox, delivered to a real SMTP server on 127.0.0.1.

The server is aiosmtpd's ``Controller`` on a free port with a handler that keeps every
envelope; messages are parsed back with the ``email`` package. Both backends run through
the ``db`` fixture; the two-sender test runs two ``Database`` objects on one database.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from desk.admin.demo import ensure_people
from desk.cli import main as cli
from desk.errors import PermissionDeniedError, ValidationError
from desk.notify import live
from desk.notify import outbox as notify
from desk.process import workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read import timeline
from models import (
    FaultLevel,
    FaultType,
    NotificationRule,
    OutboxMessage,
    Person,
    Setting,
)

# -- a real SMTP server ---------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Collector:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.collector = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.collector.received

    @property
    def settings(self) -> notify.SmtpSettings:
        return notify.SmtpSettings(host="127.0.0.1", port=self.port, security="none",
                                   from_address="desk@example.com", timeout=5)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


# -- helpers ------------------------------------------------------------------------------------


def report(db: Any, who_id: int, level: FaultLevel = FaultLevel.IMPORTANT,
           interrupted: bool = False, business: str = "仓储管理系统 – 出库") -> Any:
    return report_fault(db, FaultReport(
        fault_type=FaultType.SYSTEM, level=level, affected_business=business,
        phenomenon="出库单无法保存，数据库连接池耗尽。", impact_scope="仓库全部出库作业",
        business_interrupted=interrupted), who_id)


def fire(db: Any, ids: dict[str, int], name: str, number: str, who: str, **data: Any) -> Any:
    return workflow.perform(db, name, number, ids[who], data)


def walk_to_dispatch(db: Any, ids: dict[str, int], number: str) -> None:
    fire(db, ids, "triage", number, "IT001", first_contact="已电话联系报告人", fault_type="SYS",
         level=2)
    fire(db, ids, "dispatch", number, "LEAD01", level=2, lead_engineer_id=ids["DEV002"],
         business_contact_id=ids["BIZ006"], cooperation_required="销售部暂停出库")


def walk_to_verification(db: Any, ids: dict[str, int], number: str) -> None:
    fire(db, ids, "analyse", number, "DEV002", root_cause="连接池上限过低",
         impact_assessment="仓库出库停止两小时")
    fire(db, ids, "propose", number, "DEV002", long_term_solution="调整连接池并加监控")
    fire(db, ids, "confirm", number, "BIZ006")
    fire(db, ids, "approve", number, "LEAD01")
    fire(db, ids, "step", number, "DEV002", action="调大连接池", state_after="出库恢复")
    fire(db, ids, "submit_verification", number, "DEV002", verifier_id=ids["SALES005"])


def outbox_rows(db: Any) -> list[SimpleNamespace]:
    """The outbox as plain values (read inside the session)."""
    with db.read() as s:
        return [SimpleNamespace(**{c.key: getattr(m, c.key) for c in OutboxMessage.__table__.c})
                for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def outbox_count(db: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count(OutboxMessage.id))) or 0)


def by_subject(server: SmtpServer, needle: str) -> list[Received]:
    return [r for r in server.received if needle in str(r.message["Subject"])]


def pdfs(msg: EmailMessage) -> list[tuple[str, bytes]]:
    out = []
    for part in msg.iter_attachments():
        if part.get_content_type() == "application/pdf":
            out.append((str(part.get_filename()), part.get_content()))
    return out


def send(db: Any, server: SmtpServer, sender: str = "test") -> notify.SendReport:
    return notify.send_due(db, server.settings, sender)


# -- the rules ----------------------------------------------------------------------------------


def test_default_rules_are_seeded_once(db: Any, make_db: Any) -> None:
    with db.read() as s:
        triggers = sorted(s.scalars(select(NotificationRule.trigger)))
    assert triggers == sorted(r.trigger for r in notify.DEFAULT_RULES)
    again = make_db(str(db.engine.url.render_as_string(hide_password=False)))
    with again.read() as s:
        assert s.scalar(select(func.count(NotificationRule.id))) == len(notify.DEFAULT_RULES)


# -- who receives what ----------------------------------------------------------------------------


def test_interrupted_report_tells_department_head_and_it_emergency(db: Any, demo_people: Any,
                                                                   smtp: SmtpServer) -> None:
    ids = demo_people
    quiet = report(db, ids["SALES005"], FaultLevel.GENERAL, interrupted=False)
    assert outbox_count(db) == 0, "an ordinary level 3 report tells no one by mail"
    detail = report(db, ids["SALES005"], FaultLevel.IMPORTANT, interrupted=True)
    assert detail.number != quiet.number
    result = send(db, smtp)
    assert result.sent and not result.failed
    assert len(smtp.received) == 1
    got = smtp.received[0]
    # 销售部's head (BIZ006) and, by default, the support lead (LEAD01) as IT emergency
    assert sorted(got.rcpt_tos) == ["biz006@example.com", "lead01@example.com"]
    subject = str(got.message["Subject"])
    assert subject == f"【二级 重要】紧急故障上报 {detail.number} 仓储管理系统 – 出库"
    body = got.message.get_body().get_content()  # type: ignore[union-attr]
    assert "业务已中断" in body and detail.number in body and "出库单无法保存" in body
    assert pdfs(got.message) == []
    assert got.mail_from == "desk@example.com"


def test_level_one_report_goes_to_the_configured_emergency_contact(db: Any, demo_people: Any,
                                                                   smtp: SmtpServer) -> None:
    ids = demo_people
    notify.set_emergency_contacts(db, ids["ADMIN"], ["oncall@example.com", "noc@example.com"])
    with pytest.raises(PermissionDeniedError):
        notify.set_emergency_contacts(db, ids["IT001"], ["x@example.com"])
    detail = report(db, ids["FIN007"], FaultLevel.URGENT, interrupted=False,
                    business="财务报表 – 数据导出")
    send(db, smtp)
    assert len(smtp.received) == 1
    # 财务部's head in the demo is FIN007 (the reporter) plus the two emergency addresses
    assert sorted(smtp.received[0].rcpt_tos) == ["fin007@example.com", "noc@example.com",
                                                 "oncall@example.com"]
    assert str(smtp.received[0].message["Subject"]).startswith(
        f"【一级 紧急】紧急故障上报 {detail.number}")


def test_dispatch_sends_the_start_notice_pdf_to_the_departments_involved(
        db: Any, demo_people: Any, smtp: SmtpServer) -> None:
    ids = demo_people
    detail = report(db, ids["SALES005"])
    walk_to_dispatch(db, ids, detail.number)
    send(db, smtp)
    got = by_subject(smtp, "故障处理启动通知")
    assert len(got) == 1
    # team: lead engineer DEV002 (研发部, no head) and business contact BIZ006 (head of 销售部)
    assert sorted(got[0].rcpt_tos) == ["biz006@example.com", "dev002@example.com"]
    assert str(got[0].message["Subject"]) == \
        f"【二级 重要】故障处理启动通知 {detail.number} 仓储管理系统 – 出库"
    attached = pdfs(got[0].message)
    assert len(attached) == 1
    name, data = attached[0]
    assert name == f"故障处理启动通知-{detail.number}.pdf"
    assert data.startswith(b"%PDF")
    body = got[0].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "王强" in body and "销售部暂停出库" in body


def test_verification_request_and_resolution(db: Any, demo_people: Any,
                                             smtp: SmtpServer) -> None:
    ids = demo_people
    detail = report(db, ids["SALES005"])
    walk_to_dispatch(db, ids, detail.number)
    walk_to_verification(db, ids, detail.number)
    send(db, smtp)
    asked = by_subject(smtp, "故障处理结果待验证")
    assert len(asked) == 1 and asked[0].rcpt_tos == ["sales005@example.com"]
    assert [d[:4] for _n, d in pdfs(asked[0].message)] == [b"%PDF"]

    fire(db, ids, "verify", detail.number, "SALES005", passed=True, environment="生产环境",
         checked="出库单保存正常")
    send(db, smtp)
    done = by_subject(smtp, "故障处理完成通知")
    assert len(done) == 1
    # reporter, team (lead engineer, business contact), department heads; each once
    assert sorted(done[0].rcpt_tos) == ["biz006@example.com", "dev002@example.com",
                                        "sales005@example.com"]
    attached = pdfs(done[0].message)
    assert [n for n, _d in attached] == [f"故障处理完成通知-{detail.number}.pdf"]
    assert attached[0][1].startswith(b"%PDF")


def test_failed_verification_sends_no_completion_notice(db: Any, demo_people: Any,
                                                         smtp: SmtpServer) -> None:
    ids = demo_people
    detail = report(db, ids["SALES005"])
    walk_to_dispatch(db, ids, detail.number)
    walk_to_verification(db, ids, detail.number)
    fire(db, ids, "verify", detail.number, "SALES005", passed=False, environment="生产环境",
         checked="仍然报错")
    assert [r.trigger for r in outbox_rows(db)] == ["dispatch", "verification_requested"]


def test_clock_warning_and_breach_are_told_once_each(db: Any, demo_people: Any, clock: Any,
                                                     smtp: SmtpServer) -> None:
    ids = demo_people
    detail = report(db, ids["SALES005"], FaultLevel.URGENT)  # respond 5 min, restore 30 min
    assert notify.check_clocks(db) == []
    clock.advance(minutes=4, seconds=1)  # 80 % of the respond limit
    first = notify.check_clocks(db)
    assert len(first) == 1
    assert notify.check_clocks(db) == [], "the same clock state is told only once"
    clock.advance(minutes=2)
    assert len(notify.check_clocks(db)) == 1
    triggers = [r.trigger for r in outbox_rows(db)]
    # 80 % is the highest fraction passed: the 50 % warning is not sent late beside it
    assert triggers == ["report_urgent", "sla_warning:respond:80", "sla_breached:respond"]
    send(db, smtp)
    warned = by_subject(smtp, "响应即将超时")
    assert len(warned) == 1 and warned[0].rcpt_tos == ["lead01@example.com"]  # no assignee yet
    assert len(by_subject(smtp, "响应已超时")) == 1

    fire(db, ids, "triage", detail.number, "IT001", first_contact="已联系", fault_type="SYS",
         level=1)
    fire(db, ids, "dispatch", detail.number, "LEAD01", level=1, coordinator_id=ids["CTO01"],
         team=[(ids["OP003"], "ops"), (ids["DBA004"], "database")])
    clock.advance(minutes=20)  # 26 minutes after the report: restore warning
    assert len(notify.check_clocks(db)) == 1
    clock.advance(minutes=5)
    assert len(notify.check_clocks(db)) == 1
    assert notify.check_clocks(db) == []
    send(db, smtp)
    restore_warned = by_subject(smtp, "恢复即将超时")
    assert len(restore_warned) == 1
    # the assignee (the coordinator 李总) and the support lead
    assert sorted(restore_warned[0].rcpt_tos) == ["cto01@example.com", "lead01@example.com"]
    assert len(by_subject(smtp, "恢复已超时")) == 1


# -- delivery -----------------------------------------------------------------------------------------


def test_messages_wait_while_the_server_is_down_and_go_out_once_it_is_back(
        db: Any, demo_people: Any, clock: Any) -> None:
    ids = demo_people
    server = SmtpServer()  # not started: nothing listens on its port
    report(db, ids["SALES005"], interrupted=True)
    report(db, ids["SALES005"], interrupted=True)
    first = send(db, server)
    assert first.claimed == 2 and first.sent == [] and len(first.failed) == 2
    rows = outbox_rows(db)
    assert [(r.status, r.attempts) for r in rows] == [("pending", 1), ("pending", 1)]
    assert all("无法连接邮件服务器" in r.last_error for r in rows)
    assert all(r.next_attempt_at == clock.now + timedelta(seconds=30) for r in rows)
    assert all(r.claimed_by is None for r in rows)
    assert send(db, server).claimed == 0, "nothing is retried before its back-off"

    clock.advance(seconds=31)
    second = send(db, server)
    assert len(second.failed) == 2
    assert all(r.next_attempt_at == clock.now + timedelta(minutes=1) for r in outbox_rows(db))

    server.start()
    try:
        clock.advance(seconds=61)
        third = send(db, server)
        assert len(third.sent) == 2
        assert len(server.received) == 2
        assert [(r.status, r.attempts, r.last_error) for r in outbox_rows(db)] == \
            [("sent", 3, ""), ("sent", 3, "")]
        assert all(r.sent_at == clock.now for r in outbox_rows(db))
        assert send(db, server).claimed == 0
    finally:
        server.stop()


def test_a_message_is_given_up_after_the_last_attempt(db: Any, demo_people: Any,
                                                       clock: Any) -> None:
    server = SmtpServer()
    detail = report(db, demo_people["SALES005"], interrupted=True)
    for attempt in range(1, notify.MAX_ATTEMPTS + 1):
        result = send(db, server)
        assert result.claimed == 1, attempt
        clock.advance(hours=2)
    assert result.given_up and not result.failed
    row = outbox_rows(db)[0]
    assert (row.status, row.attempts) == ("failed", notify.MAX_ATTEMPTS)
    assert send(db, server).claimed == 0
    assert [e["action"] for e in timeline.events(db, detail.number)][-1] == "mail_failed"
    assert notify.backoff(1) == timedelta(seconds=30)
    assert notify.backoff(3) == timedelta(minutes=2)
    assert notify.backoff(20) == timedelta(hours=1)


def drain(db: Any, name: str, smtp: SmtpServer, barrier: threading.Barrier,
          reports: list[notify.SendReport], errors: list[BaseException]) -> None:
    """Send until nothing is due, starting together with the other sender."""
    try:
        barrier.wait(timeout=10)
        while True:
            result = notify.send_due(db, smtp.settings, name, batch=3)
            reports.append(result)
            if not result.claimed:
                return
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_two_senders_never_send_one_message_twice(db_url: str, make_db: Any,
                                                  smtp: SmtpServer) -> None:
    first, second = make_db(db_url), make_db(db_url)
    ids = ensure_people(first)
    detail = report(first, ids["SALES005"], FaultLevel.GENERAL)
    total = 0
    for _round in range(3):
        def fill(session: Any) -> None:
            for i in range(24):
                session.add(OutboxMessage(
                    created_at=first.now(), ticket_id=detail.id, trigger="test",
                    recipients=[notify.Recipient("孙丽", "sales005@example.com",
                                                 ids["SALES005"]).to_json()],
                    subject=f"并发测试 {i}", body="正文", document=None, status="pending",
                    attempts=0, next_attempt_at=first.now(), last_error=""))

        first.write(fill)
        total += 24
        barrier = threading.Barrier(2)
        reports: list[notify.SendReport] = []
        errors: list[BaseException] = []
        threads = [threading.Thread(target=drain, args=(d, n, smtp, barrier, reports, errors))
                   for d, n in ((first, "desk-a"), (second, "desk-b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert not any(t.is_alive() for t in threads)
    outbox_ids = [int(r.message["X-Desk-Outbox-Id"]) for r in smtp.received]
    assert len(outbox_ids) == total
    assert len(set(outbox_ids)) == total, "a message went out twice"
    assert {r.status for r in outbox_rows(first)} == {"sent"}


def test_a_crashed_senders_claim_is_taken_over_after_its_lease(db: Any, demo_people: Any,
                                                               clock: Any,
                                                               smtp: SmtpServer) -> None:
    report(db, demo_people["SALES005"], interrupted=True)

    def crash(session: Any) -> None:
        session.execute(update(OutboxMessage).values(
            status="sending", claimed_by="dead-desk", claimed_until=clock.now + notify.LEASE))

    db.write(crash)
    assert send(db, smtp).claimed == 0
    clock.advance(minutes=11)
    assert len(send(db, smtp).sent) == 1
    assert len(smtp.received) == 1


def broken_on_report(session: Any, event: Any) -> None:
    raise RuntimeError("the report fails after enqueueing")


def test_enqueue_is_atomic_with_the_change(db: Any, demo_people: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    ids = demo_people
    detail = report(db, ids["SALES005"])
    fire(db, ids, "triage", detail.number, "IT001", first_contact="已联系", fault_type="SYS",
         level=2)
    with pytest.raises(PermissionDeniedError):
        fire(db, ids, "dispatch", detail.number, "IT001", level=2,
             lead_engineer_id=ids["DEV002"], business_contact_id=ids["BIZ006"])
    with pytest.raises(ValidationError):  # level 1 needs an emergency team
        fire(db, ids, "dispatch", detail.number, "LEAD01", level=1,
             coordinator_id=ids["CTO01"])
    assert outbox_count(db) == 0

    # a failure after the message was queued, inside the same unit of work
    def broken(session: Any, ticket_id: int) -> None:
        raise RuntimeError("the change fails after enqueueing")

    monkeypatch.setattr(live, "notify", broken)
    with pytest.raises(RuntimeError):
        fire(db, ids, "dispatch", detail.number, "LEAD01", level=2,
             lead_engineer_id=ids["DEV002"], business_contact_id=ids["BIZ006"])
    # a report's live notice is sent by the database on PostgreSQL (desk_report): a
    # handler of its own, after the outbox's, fails instead on both backends
    from desk.events import FaultReported

    handlers = db.bus.handlers[FaultReported]
    monkeypatch.setattr(db.bus, "handlers", {**db.bus.handlers,
                                             FaultReported: [*handlers, broken_on_report]})
    with pytest.raises(RuntimeError):
        report(db, ids["SALES005"], FaultLevel.URGENT, interrupted=True)
    assert outbox_count(db) == 0
    monkeypatch.undo()
    fire(db, ids, "dispatch", detail.number, "LEAD01", level=2,
         lead_engineer_id=ids["DEV002"], business_contact_id=ids["BIZ006"])
    assert [r.trigger for r in outbox_rows(db)] == ["dispatch"]


def test_a_disabled_rule_sends_nothing(db: Any, demo_people: Any) -> None:
    def disable(session: Any) -> None:
        session.execute(update(NotificationRule).where(
            NotificationRule.trigger == "report_urgent").values(enabled=False))

    db.write(disable)
    report(db, demo_people["SALES005"], FaultLevel.URGENT, interrupted=True)
    assert outbox_count(db) == 0


def test_the_timeline_shows_what_was_sent_to_whom(db: Any, demo_people: Any,
                                                  smtp: SmtpServer, clock: Any) -> None:
    ids = demo_people
    detail = report(db, ids["SALES005"])
    walk_to_dispatch(db, ids, detail.number)
    clock.advance(minutes=1)
    send(db, smtp)
    sent = [e for e in timeline.events(db, detail.number) if e["action"] == "mail_sent"]
    assert len(sent) == 1
    assert sent[0]["at"] == clock.now
    assert sent[0]["details"]["subject"].startswith("【二级 重要】故障处理启动通知")
    assert sorted(sent[0]["details"]["recipients"]) == ["王强 <dev002@example.com>",
                                                        "钱主管 <biz006@example.com>"]
    assert sent[0]["details"]["document"] == "start-notice"


def test_a_person_without_an_address_is_told_in_the_desk_only(db: Any, demo_people: Any,
                                                              smtp: SmtpServer) -> None:
    ids = demo_people

    def no_mail(session: Any) -> None:
        session.execute(update(Person).where(Person.id == ids["BIZ006"]).values(email=""))

    db.write(no_mail)
    report(db, ids["SALES005"], interrupted=True)
    send(db, smtp)
    assert smtp.received[0].rcpt_tos == ["lead01@example.com"]
    assert [n.trigger for n in notify.notifications_for(db, ids["BIZ006"])] == ["report_urgent"]


def test_notifications_for_a_person_newest_first(db: Any, demo_people: Any) -> None:
    ids = demo_people
    first = report(db, ids["SALES005"], interrupted=True)
    walk_to_dispatch(db, ids, first.number)
    mine = notify.notifications_for(db, ids["BIZ006"])
    assert [n.trigger for n in mine] == ["dispatch", "report_urgent"]
    assert all(n.ticket_number == first.number for n in mine)
    assert notify.notifications_for(db, ids["BIZ006"], since_id=mine[0].id) == []
    assert [n.trigger for n in notify.notifications_for(db, ids["BIZ006"],
                                                        since_id=mine[1].id)] == ["dispatch"]
    assert notify.notifications_for(db, ids["FIN007"]) == []
    report(db, ids["FIN007"], interrupted=True)  # FIN007 heads 财务部 in the demo
    assert len(notify.notifications_for(db, ids["FIN007"])) == 1
    # person 1 must not match person 10, 11…: the search is on a quoted token
    assert str(ids["FIN007"]).startswith(str(ids["ADMIN"]))
    assert notify.notifications_for(db, ids["ADMIN"]) == []


def test_outbox_status_shows_what_waits(db: Any, demo_people: Any) -> None:
    ids = demo_people
    report(db, ids["SALES005"], interrupted=True)
    send(db, SmtpServer())
    entries = notify.outbox_status(db)
    assert len(entries) == 1
    assert entries[0].attempts == 1 and "无法连接邮件服务器" in entries[0].last_error
    assert "钱主管 <biz006@example.com>" in entries[0].recipients
    assert notify.outbox_status(db, actor_id=ids["ADMIN"])
    with pytest.raises(PermissionDeniedError):
        notify.outbox_status(db, actor_id=ids["SALES005"])


def test_smtp_settings_keep_the_password_out_of_the_database(db: Any, demo_people: Any,
                                                              memory_keyring: dict) -> None:
    ids = demo_people
    s = notify.SmtpSettings(host="smtp.example.com", port=465, security="ssl",
                            user="desk", from_address="desk@example.com")
    with pytest.raises(PermissionDeniedError):
        notify.save_smtp_settings(db, ids["LEAD01"], s, "s3cret-pass")
    assert memory_keyring == {}
    notify.save_smtp_settings(db, ids["ADMIN"], s, "s3cret-pass")
    assert memory_keyring == {("Desk SMTP", "desk@smtp.example.com"): "s3cret-pass"}
    with db.read() as session:
        stored = [json.dumps(v, ensure_ascii=False) for v in session.scalars(select(Setting.value))]
    assert not any("s3cret" in v for v in stored)
    loaded = notify.smtp_settings(db)
    assert loaded == s and loaded is not None and loaded.password is None
    assert notify.with_password(loaded).password == "s3cret-pass"
    with pytest.raises(ValidationError):
        notify.save_smtp_settings(db, ids["ADMIN"], notify.SmtpSettings(host="", port=0),
                                  None)
    with pytest.raises(ValidationError, match="ASCII"):  # smtplib could never send it
        notify.save_smtp_settings(db, ids["ADMIN"], s, "密码")
    assert memory_keyring == {("Desk SMTP", "desk@smtp.example.com"): "s3cret-pass"}


def test_test_mail_and_login_failures(smtp: SmtpServer) -> None:
    assert notify.send_test_mail(smtp.settings, "admin@example.com") == "admin@example.com"
    assert smtp.received[0].rcpt_tos == ["admin@example.com"]
    assert str(smtp.received[0].message["Subject"]) == "Desk 测试邮件"
    with pytest.raises(ValidationError):
        notify.send_test_mail(smtp.settings, "not an address")
    down = SmtpServer()
    with pytest.raises(notify.DeskError, match="无法连接邮件服务器"):
        notify.send_test_mail(down.settings, "admin@example.com")


# -- the command line --------------------------------------------------------------------------------


def test_cli_mail_commands(sqlite_url: str, make_db: Any, smtp: SmtpServer,
                           capsys: pytest.CaptureFixture[str]) -> None:
    db = make_db(sqlite_url)
    ids = ensure_people(db)
    assert cli.main(["--db", sqlite_url, "mail", "send"]) == 1  # no server set yet
    assert "尚未设置邮件服务器" in capsys.readouterr().err
    notify.save_smtp_settings(db, ids["ADMIN"], smtp.settings)
    report(db, ids["SALES005"], interrupted=True)
    assert cli.main(["--db", sqlite_url, "mail", "outbox", "--json"]) == 0
    waiting = json.loads(capsys.readouterr().out)
    assert [w["status"] for w in waiting] == ["pending"]
    assert cli.main(["--lang", "en", "--db", sqlite_url, "mail", "send"]) == 0
    assert "sent 1" in capsys.readouterr().out
    assert len(smtp.received) == 1
    assert cli.main(["--db", sqlite_url, "mail", "outbox"]) == 0
    assert "发件箱为空" in capsys.readouterr().out
    assert cli.main(["--db", sqlite_url, "mail", "test", "root@example.com"]) == 0
    assert smtp.received[-1].rcpt_tos == ["root@example.com"]
    assert cli.main(["--lang", "en", "--db", sqlite_url, "mail", "check-clocks"]) == 0
    assert "Queued" in capsys.readouterr().out


def test_login_with_the_keyring_password(db: Any, demo_people: Any,
                                         memory_keyring: dict[tuple[str, str], str]) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"desk" \
            and auth_data.password == b"s3cret-pass"
        return AuthResult(success=ok, handled=False)

    server = SmtpServer()
    server.controller = Controller(server.collector, hostname="127.0.0.1", port=server.port,
                                   authenticator=authenticator, auth_require_tls=False)
    server.controller.start()
    try:
        ids = demo_people
        settings = notify.SmtpSettings(host="127.0.0.1", port=server.port, security="none",
                                       user="desk", from_address="desk@example.com", timeout=5)
        notify.save_smtp_settings(db, ids["ADMIN"], settings, "wrong")
        report(db, ids["SALES005"], interrupted=True)
        stored = notify.smtp_settings(db)
        assert stored is not None
        refused = notify.send_due(db, stored, "test")
        assert refused.failed and "SMTP 登录失败" in outbox_rows(db)[0].last_error
        notify.save_smtp_settings(db, ids["ADMIN"], settings, "s3cret-pass")
        db.clock.advance(minutes=1)  # past the back-off
        sent = notify.send_due(db, stored, "test")
        assert len(sent.sent) == 1 and len(server.received) == 1
    finally:
        server.stop()


@pytest.fixture
def certificate(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 that this test process trusts."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # read by create_default_context
    return str(cert_file), str(key_file)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_starttls_and_ssl(security: str, certificate: tuple[str, str]) -> None:
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = SmtpServer()
    if security == "ssl":
        server.controller = Controller(server.collector, hostname="127.0.0.1",
                                       port=server.port, ssl_context=context)
    else:
        server.controller = Controller(server.collector, hostname="127.0.0.1",
                                       port=server.port, tls_context=context,
                                       require_starttls=True)
    server.controller.start()
    try:
        settings = notify.SmtpSettings(host="127.0.0.1", port=server.port, security=security,
                                       from_address="desk@example.com", timeout=5)
        assert notify.send_test_mail(settings, "admin@example.com") == "admin@example.com"
        assert [r.rcpt_tos for r in server.received] == [["admin@example.com"]]
        plain = notify.SmtpSettings(host="127.0.0.1", port=server.port, security="none",
                                    from_address="desk@example.com", timeout=1)
        with pytest.raises(notify.DeskError):  # the server insists on encryption
            notify.send_test_mail(plain, "admin@example.com")
    finally:
        server.stop()
