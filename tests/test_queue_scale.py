"""The queue over many tickets: it opens and filters by fetching pages, never all rows.

20,000 tickets, twice the count cap; ``DESK_NIGHTLY=1`` fills in 100,000.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bench.generate import generate_tickets
from desk.bootstrap import open_database
from desk.read.queue import TicketQuery, count_tickets
from models import FaultLevel, Status
from tests.conftest import nightly, settle
from ui.queue_model import COUNT_CAP, PAGE, TicketTableModel

N = nightly(100_000, 20_000)


@pytest.fixture(scope="module")
def big_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('big')}/desk.sqlite3"
    generate_tickets(url, N)
    return url


def test_a_queue_over_many_tickets_fetches_only_what_it_shows(qtbot, qtmodeltester, big_url):
    assert N > COUNT_CAP
    db = open_database(big_url)
    try:
        model = TicketTableModel(db, ZoneInfo("Asia/Shanghai"))
        model.reload()
        settle(qtbot, model)
        assert model.total == COUNT_CAP and model.capped  # counting stopped early
        assert model.rowCount() == PAGE and model.fetched_pages == 1
        model.fetchMore()
        settle(qtbot, model)
        assert model.rowCount() == 2 * PAGE and model.fetched_pages == 2

        query = TicketQuery(levels=(FaultLevel.URGENT,), statuses=(Status.REPORTED,
                                                                  Status.TRIAGE,
                                                                  Status.DISPATCHED))
        model.set_query(query)
        settle(qtbot, model)
        expected = count_tickets(db, query)
        assert model.total == min(expected, COUNT_CAP)
        assert model.rowCount() == min(PAGE, expected) and model.fetched_pages == 1
        assert all(r.level == FaultLevel.URGENT for r in model.rows)

        model.set_query(TicketQuery(text="考勤"))
        settle(qtbot, model)
        assert 0 < model.rowCount() <= PAGE < model.total
        assert all("考勤" in r.affected_business for r in model.rows[:50])
        qtmodeltester.check(model, force_py=True)
        settle(qtbot, model)
    finally:
        db.dispose()


def test_the_count_stops_at_its_cap_and_paging_goes_on_past_it(qtbot, big_url, monkeypatch):
    import ui.queue_model as queue_model

    monkeypatch.setattr(queue_model, "COUNT_CAP", 500)
    db = open_database(big_url)
    try:
        model = TicketTableModel(db, ZoneInfo("Asia/Shanghai"))
        model.reload()
        settle(qtbot, model)
        assert model.total == 500 and model.capped
        for _ in range(3):
            model.fetchMore()
            settle(qtbot, model)
        assert model.rowCount() == 4 * PAGE and model.canFetchMore()
        assert model.total >= model.rowCount()
    finally:
        db.dispose()
