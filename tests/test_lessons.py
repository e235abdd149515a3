"""Links, duplicate merges, problems, action items and satisfaction (desk.process.links,
problems, actions; the verify step's rating).

The merge and the problem's life run on both backends; the refusals and the reminders,
which are about the rules, on one SQLite file.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from desk.admin.demo import ensure_people
from desk.db import Database
from desk.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.notify import outbox
from desk.process import actions, knowledge, links, problems, workflow
from desk.process.reporting import FaultReport, report_fault
from desk.read import actions as read_actions
from desk.read import links as read_links
from desk.read import problems as read_problems
from desk.read import queue, stats
from desk.read.tickets import get_ticket
from models import (
    ActionItem,
    Event,
    FaultLevel,
    FaultType,
    LinkKind,
    OutboxMessage,
    ProblemState,
    Status,
)
from tests.test_workflow import ANALYSE, PROPOSE, STEP, TRIAGE, VERIFY_PASS, dispatch_data


def report(db: Database, ids: dict[str, int], who: str = "SALES005",
           phenomenon: str = "点击提交后页面显示错误 500。",
           business: str = "销售订单系统 – 下单", level: FaultLevel = FaultLevel.GENERAL) -> str:
    return report_fault(db, FaultReport(
        fault_type=FaultType.SYSTEM, level=level, affected_business=business,
        phenomenon=phenomenon), ids[who]).number


def outbox_rows(db: Database, trigger: str) -> list[OutboxMessage]:
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.trigger == trigger)
                               .order_by(OutboxMessage.id)).all()
        session.expunge_all()
        return list(rows)


@pytest.fixture
def lite(sqlite_url: str, make_db: Any) -> Database:
    db: Database = make_db(sqlite_url)
    return db


@pytest.fixture
def lite_ids(lite: Database) -> dict[str, int]:
    return ensure_people(lite)


# -- merging a duplicate, both backends -------------------------------------------------


def test_a_merged_duplicate_is_closed_into_its_master_and_counted_once(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    ids = demo_people
    master = report(db, ids, "SALES005")
    clock.advance(minutes=3)
    dup = report(db, ids, "FIN007", phenomenon="下单提交报 500 错误")
    before = stats.compute(db, date(2026, 11, 1), date(2026, 12, 1))
    assert before.total == 2
    version = get_ticket(db, master).version

    links.link(db, dup, master, "duplicate", ids["IT001"])

    d, m = get_ticket(db, dup), get_ticket(db, master)
    assert d.number == dup and m.number == master  # numbers never change
    assert d.status == Status.CANCELLED and d.merged_into_id == m.id
    assert m.version == version + 1
    # the statistics and the open queue count the incident once
    after = stats.compute(db, date(2026, 11, 1), date(2026, 12, 1))
    assert after.total == 1
    assert queue.count_tickets(db, queue.TicketQuery(open_only=True)) == 1
    # the duplicate's reporter, evidence and events stay readable from the master
    [view] = read_links.duplicates_of(db, master)
    assert view.number == dup and view.reporter_name == "吴会计"
    assert [e["action"] for e in view.events] == ["report", "merge"]
    [seen] = read_links.links_of(db, master)
    assert seen.kind == LinkKind.DUPLICATE and not seen.outgoing and seen.number == dup
    # its reporter is told, in the same unit of work
    [told] = outbox_rows(db, "merged")
    assert told.ticket_id == d.id and master in told.body
    assert [r["person_id"] for r in told.recipients] == [ids["FIN007"]]
    with db.read() as session:
        actions_on_master = session.scalars(select(Event.action).where(
            Event.ticket_id == m.id)).all()
    assert "merged_in" in actions_on_master


def test_a_problem_goes_to_known_error_and_resolved_telling_open_faults(
        db: Database, demo_people: dict[str, int], clock: Any) -> None:
    ids = demo_people
    first = report(db, ids, "SALES005")
    p = problems.open_problem(db, ids["DEV002"], {"title": "订单服务连接池耗尽"},
                              faults=[first])
    assert p.state == ProblemState.ANALYSING and p.number.startswith("PRB-")
    assert [f.number for f in p.faults] == [first] and not p.faults[0].repeat
    with pytest.raises(ValidationError) as refused:
        problems.advance(db, p.number, ids["DEV002"], "known_error")
    assert set(refused.value.fields) == {"root_cause", "workaround"}
    problems.advance(db, p.number, ids["DEV002"], "known_error",
                     {"root_cause": "连接池上限 20 过小", "workaround": "重启订单服务"})
    clock.advance(hours=1)
    again = report(db, ids, "FIN007")
    problems.attach_faults(db, p.number, [again], ids["IT001"])
    view = read_problems.get_problem(db, p.number)
    assert [(f.number, f.repeat) for f in view.faults] == [(first, False), (again, True)]
    # a known error is offered while a new fault is typed
    similar = knowledge.similar_faults(db, "提交订单页面错误 500", "销售订单系统")
    known = [s for s in similar if s.problem_id == p.id]
    assert known and known[0].title == "已知问题：订单服务连接池耗尽"
    assert "临时方案：重启订单服务" in known[0].solution
    resolved = problems.advance(db, p.number, ids["CTO01"], "resolved",
                                {"permanent_fix": "连接池上限调至 200，增加监控"})
    assert resolved.state == ProblemState.RESOLVED and resolved.resolved_at is not None
    told = outbox_rows(db, "problem_resolved")
    assert sorted(r.ticket_id for r in told) == sorted(
        get_ticket(db, n).id for n in (first, again))
    assert [h["action"] for h in resolved.history] == [
        "problem_open", "problem_fault", "problem_state", "problem_fault", "problem_state"]
    with pytest.raises(InvalidTransitionError):
        problems.advance(db, p.number, ids["CTO01"], "known_error")


# -- refusals and details, SQLite ------------------------------------------------------


def test_links_refuse_what_makes_no_sense(lite: Database, lite_ids: dict[str, int]) -> None:
    ids = lite_ids
    a, b, c = (report(lite, ids) for _ in range(3))
    links.link(lite, a, b, "caused-by", ids["DEV002"])
    with pytest.raises(InvalidTransitionError):
        links.link(lite, b, a, "related", ids["DEV002"])  # one link per pair
    with pytest.raises(ValidationError):
        links.link(lite, a, a, "related", ids["DEV002"])
    with pytest.raises(ValidationError):
        links.link(lite, a, b, "blocks", ids["DEV002"])
    with pytest.raises(PermissionDeniedError):
        links.link(lite, a, c, "related", ids["SALES005"])
    with pytest.raises(PermissionDeniedError):
        links.merge_duplicate(lite, c, a, ids["DEV002"])  # engineers link, leads merge
    [on_a] = read_links.links_of(lite, a)
    [on_b] = read_links.links_of(lite, b)
    assert (on_a.label_zh, on_a.number) == ("由其引起", b)
    assert (on_b.label_zh, on_b.number) == ("引起", a)
    links.merge_duplicate(lite, c, a, ids["IT001"])
    with pytest.raises(InvalidTransitionError):
        links.merge_duplicate(lite, c, b, ids["IT001"])  # already merged
    with pytest.raises(ValidationError):
        links.merge_duplicate(lite, b, c, ids["IT001"])  # c is merged: merge into a
    with pytest.raises(InvalidTransitionError):
        links.merge_duplicate(lite, a, b, ids["IT001"])  # a has duplicates: other way
    with pytest.raises(InvalidTransitionError):
        links.unlink(lite, c, a, ids["IT001"])
    links.unlink(lite, a, b, ids["IT001"])
    assert [v.kind for v in read_links.links_of(lite, a)] == [LinkKind.DUPLICATE]
    with pytest.raises(NotFoundError):
        links.link(lite, a, "SYS-20991231-001", "related", ids["IT001"])


def test_action_items_are_reminded_once_when_overdue(lite: Database, lite_ids: dict[str, int],
                                                      clock: Any) -> None:
    ids = lite_ids
    number = report(lite, ids)
    today = date(2026, 11, 27)
    late = actions.add_item(lite, ids["LEAD01"], "连接池监控告警", ids["OP003"],
                            today + timedelta(days=2), ticket_key=number)
    actions.add_item(lite, ids["LEAD01"], "压测订单服务", ids["DEV002"],
                     today + timedelta(days=10), ticket_key=number)
    with pytest.raises(ValidationError):
        actions.add_item(lite, ids["LEAD01"], "", ids["OP003"], None, ticket_key=number)
    with pytest.raises(PermissionDeniedError):
        actions.add_item(lite, ids["SALES005"], "x", ids["OP003"], today, ticket_key=number)
    assert [v.title for v in read_actions.my_items(lite, ids["OP003"])] == ["连接池监控告警"]
    assert outbox.remind_overdue_actions(lite) == []  # not due yet
    clock.advance(days=3)  # Monday 30 November: due on the 29th, overdue
    assert read_actions.my_items(lite, ids["OP003"])[0].overdue
    first = outbox.remind_overdue_actions(lite)
    assert len(first) == 1
    assert outbox.remind_overdue_actions(lite) == []  # once
    clock.advance(days=1)
    assert outbox.remind_overdue_actions(lite) == []
    [row] = outbox_rows(lite, "action_overdue")
    assert row.recipients[0]["person_id"] == ids["OP003"] and "连接池监控告警" in row.body
    with pytest.raises(PermissionDeniedError):
        actions.complete_item(lite, late.id, ids["DEV002"])
    done = actions.complete_item(lite, late.id, ids["OP003"], "已配置告警")
    assert done.state.value == "done" and not done.overdue
    with pytest.raises(InvalidTransitionError):
        actions.complete_item(lite, late.id, ids["OP003"])
    assert read_actions.my_items(lite, ids["OP003"]) == []
    with lite.read() as session:
        assert session.scalar(select(func.count(ActionItem.id))) == 2


def test_verification_takes_a_rating_and_a_comment(lite: Database, lite_ids: dict[str, int]
                                                   ) -> None:
    ids = lite_ids
    number = report(lite, ids)
    for name, who, data in (
            ("triage", "IT001", dict(TRIAGE, level=3)),
            ("dispatch", "LEAD01", dispatch_data(ids, FaultLevel.GENERAL)),
            ("analyse", "OP003", ANALYSE), ("propose", "OP003", PROPOSE),
            ("confirm", "BIZ006", {}), ("approve", "LEAD01", {}), ("step", "OP003", STEP),
            ("submit_verification", "OP003", {"verifier_id": ids["SALES005"]})):
        workflow.perform(lite, name, number, ids[who], data)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(lite, "verify", number, ids["SALES005"],
                         dict(VERIFY_PASS, satisfaction=6))
    assert "satisfaction" in refused.value.fields
    assert get_ticket(lite, number).status == Status.VERIFYING  # nothing changed
    detail = workflow.perform(lite, "verify", number, ids["SALES005"],
                              dict(VERIFY_PASS, satisfaction="4",
                                   satisfaction_comment="响应很快"))
    assert (detail.satisfaction, detail.satisfaction_comment) == (4, "响应很快")


def test_archived_prevention_measures_become_action_items(lite: Database,
                                                          lite_ids: dict[str, int],
                                                          clock: Any) -> None:
    from desk.read import documents
    from desk.rules.measures import measures_of
    from tests.test_workflow import Walker, advance

    assert measures_of("1. 连接池监控告警；2．压测订单服务\n（3）复核发布流程。") == [
        "连接池监控告警", "压测订单服务", "复核发布流程"]
    number = report(lite, lite_ids)
    walk = Walker(lite, lite_ids, number, clock)
    advance(walk, FaultLevel.GENERAL, Status.VERIFYING)
    walk("verify", "SALES005", **dict(VERIFY_PASS, satisfaction=2, satisfaction_comment="太慢"))
    walk("archive", "LEAD01", summary="已修复", prevention_measures="1. 连接池监控告警\n2. 压测")
    items = read_actions.items(lite, ticket_key=number)
    assert [(i.title, i.owner_name, i.state.value) for i in items] == [
        ("连接池监控告警", "赵敏", "open"), ("压测", "赵敏", "open")]
    assert items[0].due_on == date(2026, 11, 27) + timedelta(days=actions.DEFAULT_DAYS)
    record = documents.record_data(lite, number)
    assert (record.satisfaction, record.satisfaction_comment) == ("2 分（满分 5 分）", "太慢")


def test_a_major_incident_update_is_recorded_and_sent(lite: Database, lite_ids: dict[str, int],
                                                      clock: Any) -> None:
    from desk.process import incident
    from desk.read import incident as read_incident
    from tests.test_workflow import Walker, advance

    ids = lite_ids
    urgent = report(lite, ids, level=FaultLevel.URGENT)
    advance(Walker(lite, ids, urgent, clock), FaultLevel.URGENT, Status.DISPATCHED)
    version = get_ticket(lite, urgent).version
    with pytest.raises(ValidationError) as bad:
        incident.broadcast(lite, urgent, ids["CTO01"], "  ", ["not an address"])
    assert set(bad.value.fields) == {"message", "addresses"}
    with pytest.raises(PermissionDeniedError):
        incident.broadcast(lite, urgent, ids["FIN007"], "进展")  # not handling it
    general = report(lite, ids)
    with pytest.raises(InvalidTransitionError):
        incident.broadcast(lite, general, ids["CTO01"], "进展")
    assert get_ticket(lite, urgent).version == version  # nothing changed
    # a member of the emergency team may broadcast
    incident.broadcast(lite, urgent, ids["OP003"], "已切换备用库，下单恢复，继续观察。",
                       ["it-group@example.com"])
    assert get_ticket(lite, urgent).version == version + 1
    [sent] = outbox_rows(lite, "incident_update")
    emails = {r["email"] for r in sent.recipients}
    people_told = {r["person_id"] for r in sent.recipients}
    assert "it-group@example.com" in emails
    assert ids["OP003"] in people_told and ids["SALES005"] in people_told  # team, reporter
    assert "已切换备用库" in sent.body and sent.subject.startswith("【一级 紧急】")
    view = read_incident.incident(lite, urgent)
    assert view.timeline[-1]["action"] == "发布进展通报"
    assert view.timeline[-1]["note"] == "已切换备用库，下单恢复，继续观察。"
    assert {m.duty for m in view.team} >= {"总协调人", "运维"}
    assert view.next_deadline is not None and view.next_deadline.name == "restore"


# -- the database's own guards, as a psql user would try -------------------------------


def test_a_merge_is_final_and_a_problem_keeps_its_number_in_the_database(
        db: Database, demo_people: dict[str, int]) -> None:
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import text

    ids = demo_people
    master, dup = report(db, ids), report(db, ids, "FIN007")
    links.merge_duplicate(db, dup, master, ids["IT001"])
    problem = problems.open_problem(db, ids["DEV002"], {"title": "连接池耗尽"}, faults=[master])
    for statement in (f"UPDATE tickets SET merged_into_id = NULL WHERE number = '{dup}'",
                      f"UPDATE problems SET number = 'PRB-999999' WHERE id = {problem.id}",
                      "DELETE FROM events WHERE action = 'problem_open'"):
        with pytest.raises(sa_exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert get_ticket(db, dup).merged_into_id == get_ticket(db, master).id


@pytest.mark.pg
def test_a_persons_login_cannot_undo_a_merge(pg_url: str) -> None:
    import psycopg
    from psycopg import errors as pg_errors
    from sqlalchemy.engine import make_url

    from desk.admin import pg_setup
    from desk.bootstrap import open_database
    from desk.process import auth
    from models import Role
    from tests.test_pg_protection import _drop_roles_of

    libpq = pg_url.replace("postgresql+psycopg://", "postgresql://")

    def as_login(login: str) -> str:
        return make_url(libpq).set(username=login).render_as_string(hide_password=False)

    try:
        login = pg_setup.init_database(pg_url, open_db=open_database, admin_no="ADMIN",
                                       admin_name="系统管理员", admin_password="admin-pass-1",
                                       say=lambda _line: None)
        assert login is not None
        admin = open_database(as_login(login), upgrade=False)
        try:
            admin_id = auth.current_person_id(admin)
            assert admin_id is not None
            it = auth.save_person(admin, admin_id, None, "IT001", "刘洋", "", "", "",
                                  [Role.SUPPORT], True)
        finally:
            admin.dispose()
        assert it.db_login
        db = open_database(as_login(it.db_login), upgrade=False)
        try:
            ids = {"IT001": it.id}
            master, dup = report(db, ids, "IT001"), report(db, ids, "IT001")
            links.link(db, dup, master, "duplicate", it.id)  # the desk works as this login
            with psycopg.connect(as_login(it.db_login)) as conn:
                with pytest.raises(pg_errors.RestrictViolation):
                    conn.execute("UPDATE tickets SET merged_into_id = NULL, status = 'triage' "
                                 "WHERE number = %s", (dup,))
                conn.rollback()
                with pytest.raises(pg_errors.InsufficientPrivilege):  # no DELETE at all
                    conn.execute("DELETE FROM events WHERE action = 'merge'")
            assert get_ticket(db, dup).status == Status.CANCELLED
        finally:
            db.dispose()
    finally:
        _drop_roles_of(pg_url)
