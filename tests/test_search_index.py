"""The queue's search through its indexes (schema 0008): one-, two- and longer terms find
exactly the tickets whose number, business or phenomenon holds the term, ignoring case,
as a plain Python substring filter does — on SQLite and PostgreSQL, for terms read
through the index and for common terms read by walking the sort order."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from desk.db import Database
from desk.process import editing, reporting
from desk.process.reporting import FaultReport
from desk.read import queue, tickets
from desk.read.queue import TicketQuery, count_tickets, list_tickets
from models import FaultType, Status, Ticket

# few characters, so that terms often occur: CJK, ASCII of both cases, digits,
# punctuation (LIKE's own characters and quotes) and letters with two cases outside ASCII
# (U+FFFF, appended to the values indexed on SQLite, has its own test below)
ALPHABET = "网络考勤报表系统故障aAbBxXpP019%_\\'\"- ：（）éÉＶｖ"
VALUE = st.text(alphabet=ALPHABET, min_size=1, max_size=24).filter(lambda v: v.strip())
TICKET = st.tuples(VALUE, VALUE)


def _rows(db: Database) -> list[tuple[int, str, str, str]]:
    with db.read() as s:
        return [(r[0], r[1], r[2], r[3]) for r in s.execute(select(
            Ticket.id, Ticket.number, Ticket.affected_business, Ticket.phenomenon))]


def _expected(db: Database, term: str) -> set[int]:
    needle = term.strip().lower()
    return {i for i, *values in _rows(db) if any(needle in v.lower() for v in values)}


def _found(db: Database, query: TicketQuery) -> list[int]:
    return [r.id for r in list_tickets(db, query, 0, 100_000)]


@st.composite
def terms(draw: st.DrawFn, texts: list[tuple[str, str]]) -> str:
    """A term of 1, 2 or 3-6 characters: cut from a saved value (case changed at
    random) or drawn from the alphabet."""
    size = draw(st.sampled_from([1, 2, 3, 4, 6]))
    values = [v for pair in texts for v in pair if len(v) >= size]
    if values and draw(st.booleans()):
        value = draw(st.sampled_from(values))
        start = draw(st.integers(0, len(value) - size))
        cut = value[start:start + size]
        return "".join(c.swapcase() if draw(st.booleans()) else c for c in cut)
    return draw(st.text(alphabet=ALPHABET, min_size=size, max_size=size))


@pytest.fixture(params=["index", "walk"])
def paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``walk``: every term counts as common, so a page walks the sort order."""
    if request.param == "walk":
        monkeypatch.setattr(queue, "SELECTIVE", 0)
    return str(request.param)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), new=st.lists(TICKET, min_size=1, max_size=4))
def test_search_matches_a_python_substring_filter(
        db: Database, demo_people: dict[str, int], paths: str, data: st.DataObject,
        new: list[tuple[str, str]]) -> None:
    # the database keeps the tickets of earlier examples (the expectation reads them all
    # back); what is drawn depends on this example's tickets only
    who = demo_people["IT001"]
    ids = [_report(db, who, business, phenomenon) for business, phenomenon in new]
    saved = list(new)
    if data.draw(st.booleans(), label="edit one"):  # the index follows an edit
        detail = tickets.get_ticket(db, ids[data.draw(st.integers(0, len(ids) - 1))])
        phenomenon = data.draw(VALUE, label="new phenomenon")
        editing.update_fields(db, detail.id, who, {"phenomenon": phenomenon}, detail.version)
        saved.append((detail.affected_business, phenomenon))
    for _ in range(6):
        term = data.draw(terms(saved), label="term")
        if not term.strip():
            continue
        expected = _expected(db, term)
        found = _found(db, TicketQuery(text=term))
        assert sorted(found) == sorted(expected), term
        assert len(found) == len(set(found))
        assert count_tickets(db, TicketQuery(text=term)) == len(expected), term
        assert count_tickets(db, TicketQuery(text=term), at_most=2) == min(2, len(expected))
        # with another filter the count takes the path of a page
        reported = TicketQuery(text=term, statuses=(Status.REPORTED,))
        assert count_tickets(db, reported) == len(expected), term
        assert set(_found(db, reported)) == expected, term


def _report(db: Database, who: int, business: str, phenomenon: str) -> int:
    return reporting.report_fault(db, FaultReport(
        fault_type=FaultType.NETWORK, affected_business=business, phenomenon=phenomenon),
        who).id


SHORT_TERMS = ["网", "网络", "络", "d", "D", "AB", "%", "_", "\\", "'", "\"", "%_", "_\\",
               "\uffff", "a\uffff", "ＶＰ", "ｖ"]


def test_short_terms_at_the_end_of_a_value_and_in_short_values(
        db: Database, demo_people: dict[str, int], paths: str) -> None:
    """The last one or two characters of a value and values of one or two characters are
    found too (on SQLite through the characters appended to every indexed value)."""
    who = demo_people["IT001"]
    for business, phenomenon in [("办公网络", "d"), ("网", "ab%_\\'\"D"), ("x", "a\uffffd"),
                                 ("ＶＰＮ 接入", "xy"), ("考勤", "报表")]:
        _report(db, who, business, phenomenon)
    for term in SHORT_TERMS:  # one database for all the terms: they only read
        expected = _expected(db, term)
        assert expected, term
        assert set(_found(db, TicketQuery(text=term))) == expected, term
        assert count_tickets(db, TicketQuery(text=term)) == len(expected), term


def test_a_term_nobody_wrote_finds_nothing_and_nul_finds_nothing(
        db: Database, demo_people: dict[str, int]) -> None:
    _report(db, demo_people["IT001"], "办公网络", "网络时断时续d")
    # the characters appended to the indexed values (SQLite) are not in the values
    for term in ["犬", "火山", "网\x00", "\x00", "不存在的", "d\uffff", "\uffff", "续d\uffff"]:
        assert _found(db, TicketQuery(text=term)) == [], term
        assert count_tickets(db, TicketQuery(text=term)) == 0, term


def test_tickets_loaded_in_bulk_are_searchable(db: Database, db_url: str,
                                               demo_people: dict[str, int]) -> None:
    """bench.generate bulk-loads (executemany on SQLite, COPY on PostgreSQL); the index
    holds those tickets as well."""
    from bench.generate import generate_tickets

    _report(db, demo_people["IT001"], "办公网络", "网络时断时续")
    db.engine.dispose()  # the generator changes SQLite's journal mode: no other connection
    generate_tickets(db_url, 300, seed=7)
    with db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM tickets")) == 301
    for term in ["网", "考勤", "报表", "v", "Pn", "-2", "导出的"]:
        expected = _expected(db, term)
        assert set(_found(db, TicketQuery(text=term))) == expected, term
        assert count_tickets(db, TicketQuery(text=term)) == len(expected), term
