"""Presence: who else has a ticket open, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desk.errors import NotFoundError
from desk.process import presence
from desk.process.reporting import FaultReport, report_fault
from models import FaultType, Presence


def _ticket(db, phenomenon: str = "打印机卡纸。") -> int:
    detail = report_fault(
        db,
        FaultReport(fault_type=FaultType.HARDWARE, affected_business="打印 – 二楼",
                    phenomenon=phenomenon, reporter_name="孙丽"),
        None,
    )
    return int(detail.id)


def _rows(db) -> list[tuple[str, int, int, bool]]:
    with db.read() as s:
        return sorted((p.desk_id, p.ticket_id, p.person_id, p.editing)
                      for p in s.scalars(select(Presence)))


def test_others_see_viewers_and_editors_but_not_themselves(db, demo_people, clock):
    ticket = _ticket(db)
    boss, lead = demo_people["CTO01"], demo_people["LEAD01"]
    presence.heartbeat(db, "desk-a", boss, ticket, False)
    presence.heartbeat(db, "desk-b", lead, ticket, True)
    assert presence.others_on(db, ticket, "desk-c") == [("张经理", True), ("李总", False)]
    assert presence.others_on(db, ticket, "desk-a") == [("张经理", True)]
    assert presence.others_on(db, ticket, "desk-b") == [("李总", False)]
    # the boss starts editing: the same row is updated, not a second one added
    presence.heartbeat(db, "desk-a", boss, ticket, True)
    assert presence.others_on(db, ticket, "desk-b") == [("李总", True)]
    assert _rows(db) == [("desk-a", ticket, boss, True), ("desk-b", ticket, lead, True)]


def test_switching_ticket_removes_the_desks_other_rows(db, demo_people):
    first, second = _ticket(db), _ticket(db, "扫描仪无法连接。")
    boss = demo_people["CTO01"]
    presence.heartbeat(db, "desk-a", boss, first, False)
    presence.heartbeat(db, "desk-a", boss, second, False)
    assert _rows(db) == [("desk-a", second, boss, False)]
    assert presence.others_on(db, first, "desk-z") == []
    assert presence.others_on(db, second, "desk-z") == [("李总", False)]
    presence.heartbeat(db, "desk-a", boss, None, False)
    assert _rows(db) == []


def test_rows_older_than_thirty_seconds_count_as_gone(db, demo_people, clock):
    ticket = _ticket(db)
    presence.heartbeat(db, "desk-a", demo_people["CTO01"], ticket, False)
    clock.advance(seconds=30)
    assert presence.others_on(db, ticket, "desk-z") == [("李总", False)]
    clock.advance(seconds=1)
    assert presence.others_on(db, ticket, "desk-z") == []
    # an explicit moment wins over the clock
    from datetime import timedelta

    earlier = clock.now - timedelta(seconds=10)
    assert presence.others_on(db, ticket, "desk-z", now=earlier) == [("李总", False)]


def test_leave_forgets_only_that_desk(db, demo_people):
    ticket = _ticket(db)
    presence.heartbeat(db, "desk-a", demo_people["CTO01"], ticket, False)
    presence.heartbeat(db, "desk-b", demo_people["LEAD01"], ticket, False)
    presence.leave(db, "desk-a")
    assert _rows(db) == [("desk-b", ticket, demo_people["LEAD01"], False)]


def test_one_person_at_two_desks_is_listed_once(db, demo_people):
    ticket = _ticket(db)
    boss = demo_people["CTO01"]
    presence.heartbeat(db, "desk-a", boss, ticket, False)
    presence.heartbeat(db, "desk-b", boss, ticket, True)
    assert presence.others_on(db, ticket, "desk-z") == [("李总", True)]


def test_unknown_ticket_or_person_is_refused_and_nothing_written(db, demo_people):
    ticket = _ticket(db)
    with pytest.raises(NotFoundError):
        presence.heartbeat(db, "desk-a", demo_people["CTO01"], ticket + 1000, False)
    with pytest.raises(NotFoundError):
        presence.heartbeat(db, "desk-a", 999_999, ticket, False)
    with pytest.raises(ValueError):
        presence.heartbeat(db, "", demo_people["CTO01"], ticket, False)
    assert _rows(db) == []
