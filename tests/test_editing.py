"""Direct field edits: who may edit what in which state, validation, versions, conflicts."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from desk.errors import ConflictError, PermissionDeniedError, ValidationError
from desk.process import editing, people, reporting, workflow
from desk.read import tickets, timeline
from models import Event, FaultType, Status, Ticket

S = Status
STATES = (S.REPORTED, S.TRIAGE, S.DISPATCHED, S.DIAGNOSING, S.SOLUTION_PROPOSED,
          S.IMPLEMENTING, S.VERIFYING, S.RESOLVED, S.ARCHIVED, S.CANCELLED)


def ticket_in(db: Any, ids: dict[str, int], state: Status, reporter: str = "SALES005") -> int:
    """A new ticket walked through the real services until it is in ``state``."""
    detail = reporting.report_fault(db, reporting.FaultReport(
        fault_type=FaultType.SYSTEM, affected_business="销售订单系统 – 下单",
        phenomenon="点击提交后页面显示错误 500", impact_scope="销售部",
        reproduce_steps="1. 登录；2. 提交订单"), ids[reporter])
    tid = detail.id

    def do(name: str, who: str, **data: Any) -> None:
        workflow.perform(db, name, tid, ids[who], data)

    if state == S.REPORTED:
        return tid
    if state == S.CANCELLED:
        do("cancel", "IT001", reason="重复")
        return tid
    do("triage", "IT001", first_contact="已联系", fault_type="SYS", level=3)
    if state == S.TRIAGE:
        return tid
    do("dispatch", "LEAD01", level=3, module_engineer_id=ids["OP003"])
    if state == S.DISPATCHED:
        return tid
    do("analyse", "OP003", root_cause="连接池耗尽", impact_assessment="下单失败")
    if state == S.DIAGNOSING:
        return tid
    do("propose", "OP003", long_term_solution="修复连接释放")
    if state == S.SOLUTION_PROPOSED:
        return tid
    do("confirm", "BIZ006")
    do("approve", "LEAD01")
    if state == S.IMPLEMENTING:
        return tid
    do("step", "OP003", action="发布修复版本", state_after="正常")
    do("submit_verification", "OP003", verifier_id=ids["SALES005"])
    if state == S.VERIFYING:
        return tid
    do("verify", "SALES005", passed=True, environment="生产", checked="下单")
    if state == S.RESOLVED:
        return tid
    do("archive", "LEAD01", summary="已修复", prevention_measures="加监控")
    assert state == S.ARCHIVED
    return tid


# The expected matrix, written out by hand (not read from desk.process.editing.EDIT_RULES):
# person -> state -> which of the representative fields they may edit.
F_DESC, F_NAME, F_TRIAGE, F_CAUSE, F_SOL, F_SUM = (
    "phenomenon", "reporter_name", "first_investigation", "root_cause",
    "long_term_solution", "summary")
REPRESENTATIVE = (F_DESC, F_NAME, F_TRIAGE, F_CAUSE, F_SOL, F_SUM)
EXPECTED: dict[str, dict[Status, set[str]]] = {
    "IT001": {S.REPORTED: {F_DESC, F_NAME}, S.TRIAGE: {F_DESC, F_NAME, F_TRIAGE}},
    "LEAD01": {S.REPORTED: {F_DESC, F_NAME}, S.TRIAGE: {F_DESC, F_NAME, F_TRIAGE},
               S.DISPATCHED: {F_CAUSE}, S.DIAGNOSING: {F_CAUSE}, S.RESOLVED: {F_SUM}},
    "CTO01": {S.DISPATCHED: {F_CAUSE}, S.DIAGNOSING: {F_CAUSE}},
    "OP003": {S.DISPATCHED: {F_CAUSE}, S.DIAGNOSING: {F_CAUSE, F_SOL}},
    # the reporter may correct their description while nobody has picked it up yet
    "SALES005": {S.REPORTED: {F_DESC}},
    "BIZ006": {},
    "ADMIN": {},
}


@pytest.fixture
def walked(db, demo_people) -> dict[Status, int]:
    return {state: ticket_in(db, demo_people, state) for state in STATES}


def test_editability_matrix_roles_by_states(db, demo_people, walked):
    for no, by_state in EXPECTED.items():
        person = people.get_person(db, demo_people[no])
        for state in STATES:
            detail = tickets.get_ticket(db, walked[state])
            assert detail.status == state
            allowed = editing.editable_fields(detail, person) & set(REPRESENTATIVE)
            assert allowed == by_state.get(state, set()), (no, state)
            assert "number" not in editing.editable_fields(detail, person)


def test_service_enforces_the_same_matrix(db, demo_people, walked):
    for no in ("IT001", "OP003", "SALES005", "LEAD01"):
        for state in (S.REPORTED, S.DIAGNOSING, S.RESOLVED, S.ARCHIVED):
            for field in (F_DESC, F_CAUSE, F_SUM):
                tid = walked[state]
                before = tickets.get_ticket(db, tid)
                args = (db, tid, demo_people[no], {field: f"{no} 改写 {field}"},
                        before.version)
                if field in EXPECTED[no].get(state, set()):
                    after = editing.update_fields(*args)
                    assert after.values[field] == f"{no} 改写 {field}"
                    assert after.version == before.version + 1
                else:
                    with pytest.raises(PermissionDeniedError) as refused:
                        editing.update_fields(*args)
                    assert field in refused.value.en and field in refused.value.zh
                    assert tickets.get_ticket(db, tid).values == before.values


def test_edit_records_one_event_with_before_and_after(db, demo_people):
    tid = ticket_in(db, demo_people, S.TRIAGE)
    before = tickets.get_ticket(db, tid)
    after = editing.update_fields(db, tid, demo_people["IT001"], {
        "phenomenon": "  提交后报错 500，仅限 Chrome  ", "first_investigation": "前端脚本异常",
        "impact_scope": before.impact_scope}, before.version)
    assert after.phenomenon == "提交后报错 500，仅限 Chrome"
    assert after.version == before.version + 1
    events = timeline.events(db, tid)
    last = events[-1]
    assert last["action"] == "edit" and last["actor"] == "刘洋"
    assert last["changes"] == {
        "phenomenon": {"before": "点击提交后页面显示错误 500", "after": "提交后报错 500，仅限 Chrome"},
        "first_investigation": {"before": "", "after": "前端脚本异常"},
    }  # the unchanged impact scope is not recorded as a change
    # saving the same values again changes nothing: no event, no new version
    same = editing.update_fields(db, tid, demo_people["IT001"],
                                 {"phenomenon": after.phenomenon}, after.version)
    assert same.version == after.version and len(timeline.events(db, tid)) == len(events)


def test_refused_field_changes_nothing_even_with_allowed_ones(db, demo_people):
    tid = ticket_in(db, demo_people, S.TRIAGE)
    before = tickets.get_ticket(db, tid)
    with pytest.raises(PermissionDeniedError) as refused:
        editing.update_fields(db, tid, demo_people["IT001"],
                              {"phenomenon": "新现象", "root_cause": "不该由我写"}, before.version)
    assert "root_cause" in str(refused.value) or "根本原因" in str(refused.value)
    after = tickets.get_ticket(db, tid)
    assert after.values == before.values
    with pytest.raises(PermissionDeniedError):
        editing.update_fields(db, tid, demo_people["IT001"], {"number": "SYS-1"},
                              before.version)
    assert len(timeline.events(db, tid)) == 2  # report, triage


def test_validation_lengths_required_and_times(db, demo_people, clock):
    tid = ticket_in(db, demo_people, S.REPORTED)
    v = tickets.get_ticket(db, tid).version
    cases: list[tuple[dict[str, Any], str]] = [
        ({"affected_business": "长" * 201}, "affected_business"),
        ({"phenomenon": "   "}, "phenomenon"),
        ({"reporter_contact": "x\x00y"}, "reporter_contact"),
        ({"occurred_at": clock.now + timedelta(hours=1)}, "occurred_at"),
        ({"occurred_at": "2026-11-27 09:00"}, "occurred_at"),  # services take moments
        ({"business_interrupted": "yes"}, "business_interrupted"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as bad:
            editing.update_fields(db, tid, demo_people["IT001"], change, v)
        assert field in bad.value.fields, change
    assert tickets.get_ticket(db, tid).version == v
    ok = editing.update_fields(db, tid, demo_people["IT001"],
                               {"occurred_at": clock.now - timedelta(hours=3)}, v)
    assert ok.occurred_at == clock.now - timedelta(hours=3)


def test_stale_version_is_a_conflict_with_its_numbers(db, demo_people):
    tid = ticket_in(db, demo_people, S.REPORTED)
    v = tickets.get_ticket(db, tid).version
    editing.update_fields(db, tid, demo_people["IT001"], {"impact_scope": "全公司"}, v)
    with pytest.raises(ConflictError) as stale:
        editing.update_fields(db, tid, demo_people["LEAD01"], {"phenomenon": "别的"}, v)
    assert (stale.value.ticket_id, stale.value.expected, stale.value.found) == (tid, v, v + 1)
    assert tickets.get_ticket(db, tid).phenomenon == "点击提交后页面显示错误 500"


def test_two_desks_saving_one_ticket_never_lose_an_update(db, demo_people):
    tid = ticket_in(db, demo_people, S.REPORTED)
    a, b = demo_people["IT001"], demo_people["LEAD01"]
    for i in range(100):
        v = tickets.get_ticket(db, tid).version
        first, second = (a, b) if i % 2 == 0 else (b, a)
        editing.update_fields(db, tid, first, {"impact_scope": f"第 {i} 轮 先"}, v)
        with pytest.raises(ConflictError):
            editing.update_fields(db, tid, second, {"impact_scope": f"第 {i} 轮 后"}, v)
        assert tickets.get_ticket(db, tid).impact_scope == f"第 {i} 轮 先"
    with db.read() as s:
        edits = s.scalar(select(func.count(Event.id)).where(
            Event.ticket_id == tid, Event.action == "edit"))
        assert edits == 100
        assert s.get(Ticket, tid).version == v + 1


def test_two_threads_at_once_exactly_one_wins(db, demo_people):
    tid = ticket_in(db, demo_people, S.REPORTED)
    for i in range(20):
        v = tickets.get_ticket(db, tid).version
        barrier = threading.Barrier(2)
        results: dict[str, Any] = {}

        def save(who: str, text: str, v: int = v, barrier: threading.Barrier = barrier,
                 results: dict[str, Any] = results) -> None:
            barrier.wait()
            try:
                results[who] = editing.update_fields(db, tid, demo_people[who],
                                                     {"impact_scope": text}, v)
            except ConflictError as exc:
                results[who] = exc

        threads = [threading.Thread(target=save, args=(who, f"{who} {i}"))
                   for who in ("IT001", "LEAD01")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        won = [w for w, r in results.items() if not isinstance(r, ConflictError)]
        assert len(won) == 1, results
        assert tickets.get_ticket(db, tid).impact_scope == f"{won[0]} {i}"
        assert tickets.get_ticket(db, tid).version == v + 1


def test_diff_for_conflict_tells_theirs_from_mine(db, demo_people):
    tid = ticket_in(db, demo_people, S.TRIAGE)
    loaded = tickets.get_ticket(db, tid)
    # the other desk changes the scope and the phenomenon
    editing.update_fields(db, tid, demo_people["LEAD01"],
                          {"impact_scope": "全公司", "phenomenon": "对方的现象"}, loaded.version)
    mine = {"phenomenon": "我的现象", "reproduce_steps": "我的步骤",
            "impact_scope": loaded.impact_scope}
    diff = {row[0]: row[1:] for row in editing.diff_for_conflict(db, tid, loaded.version, mine)}
    assert diff["impact_scope"] == ("销售部", "全公司", "销售部")
    assert diff["phenomenon"] == ("点击提交后页面显示错误 500", "对方的现象", "我的现象")
    assert diff["reproduce_steps"] == ("1. 登录；2. 提交订单", "1. 登录；2. 提交订单", "我的步骤")
    assert "affected_business" not in diff
    keep, undecided = editing.merge(list((k, *v) for k, v in diff.items()))
    assert keep == {"reproduce_steps": "我的步骤"} and undecided == ["phenomenon"]
    # the base can also be given by the form; the answer is the same
    with_base = editing.diff_for_conflict(db, tid, loaded.version, mine, base=loaded.values)
    assert {r[0]: r[1:] for r in with_base} == diff


def test_diff_ignores_events_that_leave_the_ticket_alone(db, demo_people):
    from desk.process import audit

    tid = ticket_in(db, demo_people, S.TRIAGE)
    loaded = tickets.get_ticket(db, tid)

    def mail_sent(session) -> None:  # another service's event: the ticket row is untouched
        audit.record(session, at=db.now(), action="mail_sent", ticket_id=tid, actor_id=None,
                     changes={"phenomenon": {"before": "不相干", "after": "也不相干"}})

    db.write(mail_sent)
    editing.update_fields(db, tid, demo_people["LEAD01"], {"phenomenon": "对方的现象"},
                          loaded.version)
    db.write(mail_sent)
    diff = {r[0]: r[1:] for r in editing.diff_for_conflict(
        db, tid, loaded.version, {"reproduce_steps": "我的步骤"})}
    assert diff == {
        "phenomenon": ("点击提交后页面显示错误 500", "对方的现象", "点击提交后页面显示错误 500"),
        "reproduce_steps": ("1. 登录；2. 提交订单", "1. 登录；2. 提交订单", "我的步骤"),
    }
