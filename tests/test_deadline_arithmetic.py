"""The duty-hour and working-day arithmetic of ``desk.rules.sla`` against a reference that
walks minute by minute, written here without reusing anything of ``desk.rules.sla``: for
each minute it asks "is this a working day? is this minute inside a duty period? is the
clock paused?" and counts until the limit is used up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desk.rules import sla
from desk.rules.limits import ClockKind, ClockLimit, DutyHours
from desk.rules.workdays import WorkCalendar

MINUTE = timedelta(minutes=1)
ZONES = [ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin")]  # Berlin: 25-hour Oct 25
FIRST, LAST = date(2026, 10, 20), date(2026, 12, 10)


def reference_working(day: date, holidays: set[date], workdays: set[date]) -> bool:
    if day in workdays:
        return True
    return day not in holidays and day.isoweekday() <= 5


def reference_counts(moment: datetime, kind: str, holidays: set[date], workdays: set[date],
                     periods: list[tuple[int, int]], pauses: list[tuple[datetime, datetime]],
                     tz: ZoneInfo) -> bool:
    """Whether the minute starting at ``moment`` (UTC) counts."""
    if any(p0 <= moment < p1 for p0, p1 in pauses):
        return False
    if kind == "clock":
        return True
    local = moment.astimezone(tz)
    if not reference_working(local.date(), holidays, workdays):
        return False
    if kind == "workdays":
        return True
    minute_of_day = local.hour * 60 + local.minute
    return any(a <= minute_of_day < b for a, b in periods)


def reference_due(start: datetime, minutes: int, kind: str, holidays: set[date],
                  workdays: set[date], periods: list[tuple[int, int]],
                  pauses: list[tuple[datetime, datetime]], tz: ZoneInfo) -> datetime:
    t = start.astimezone(UTC)
    counted = 0
    while counted < minutes:
        if reference_counts(t, kind, holidays, workdays, periods, pauses, tz):
            counted += 1
        t += MINUTE
    return t


@st.composite
def duty_periods(draw: st.DrawFn) -> list[tuple[int, int]]:
    cuts = sorted(draw(st.sets(st.integers(0, 1440), min_size=2, max_size=6)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return [(a, b) for a, b in pairs if b > a] or [(510, 720)]


days = st.dates(min_value=FIRST, max_value=LAST)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    tz = draw(st.sampled_from(ZONES))
    day = draw(st.dates(min_value=date(2026, 10, 22), max_value=date(2026, 11, 25)))
    minute = draw(st.integers(0, 1439))
    start = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    start = start.astimezone(UTC).astimezone(tz)  # a real moment, even in a DST gap
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        offset = draw(st.integers(0, 6 * 1440))
        length = draw(st.integers(1, 2 * 1440))
        p0 = start.astimezone(UTC) + timedelta(minutes=offset - 600)
        pauses.append((p0, p0 + timedelta(minutes=length)))
    return {
        "tz": tz, "start": start,
        "kind": draw(st.sampled_from(["clock", "workdays", "duty"])),
        "minutes": draw(st.integers(1, 1500)),
        "holidays": draw(st.sets(days, max_size=12)),
        "workdays": {d for d in draw(st.sets(days, max_size=4)) if d.isoweekday() >= 6},
        "periods": draw(duty_periods()),
        "pauses": pauses,
        "covered": draw(st.sets(st.sampled_from([2026]), max_size=1)),
    }


def _run(case: dict[str, object]) -> None:
    tz, start, kind = case["tz"], case["start"], case["kind"]
    holidays, workdays = case["holidays"], case["workdays"]
    periods, pauses, minutes = case["periods"], case["pauses"], case["minutes"]
    assert isinstance(tz, ZoneInfo) and isinstance(start, datetime) and isinstance(kind, str)
    assert isinstance(holidays, set) and isinstance(workdays, set)
    assert isinstance(periods, list) and isinstance(pauses, list) and isinstance(minutes, int)
    assert isinstance(case["covered"], set)
    cal = WorkCalendar(frozenset(holidays - workdays), frozenset(workdays),
                       frozenset(case["covered"]))
    duty = DutyHours(tuple(periods))
    expected = reference_due(start, minutes, kind, holidays - workdays, workdays, periods,
                             pauses, tz)
    limit = ClockLimit(minutes, ClockKind(kind))
    got = sla.add_limit(start, limit, cal, tz, duty, pauses)
    assert got.due_at == expected
    # the explanation's periods hold exactly the counted time, inside [start, due]
    explained = sla.explain(start, limit, cal, tz, duty, pauses)
    assert explained.deadline == got
    assert sum(p.minutes for p in explained.periods) == (minutes if explained.periods else 0)
    assert all(start <= p.start < p.end <= expected for p in explained.periods)
    # counting back over the same stretch gives the limit
    assert sla.counted_between(start, expected, ClockKind(kind), cal, tz, duty,
                               pauses) == timedelta(minutes=minutes)
    # estimated exactly when a day from the start to the deadline lies outside the years
    spanned = {start.date() + timedelta(days=i) for i in range(
        ((expected - MINUTE).astimezone(tz).date() - start.date()).days + 1)}
    assert got.estimated == (kind != "clock" and any(d.year not in cal.years for d in spanned))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
@example({"tz": ZONES[0], "start": datetime(2026, 11, 27, 17, 20, tzinfo=ZONES[0]),
          "kind": "duty", "minutes": 30, "holidays": set(), "workdays": set(),
          "periods": [(510, 720), (810, 1050)], "pauses": [], "covered": {2026}})
@example({"tz": ZONES[1], "start": datetime(2026, 10, 24, 23, 0, tzinfo=ZONES[1]),
          "kind": "workdays", "minutes": 1440, "holidays": set(),
          "workdays": {date(2026, 10, 25)}, "periods": [(0, 1440)], "pauses": [],
          "covered": {2026}})
def test_deadlines_match_a_minute_by_minute_count(case: dict[str, object]) -> None:
    _run(case)


def test_the_reference_itself_on_a_known_case() -> None:
    # Friday 17:20, 30 duty minutes: 10 on Friday, 20 on Monday from 08:30
    tz = ZONES[0]
    due = reference_due(datetime(2026, 11, 27, 17, 20, tzinfo=tz), 30, "duty", set(), set(),
                        [(510, 720), (810, 1050)], [], tz)
    assert due == datetime(2026, 11, 30, 8, 50, tzinfo=tz)


def test_in_counted_time() -> None:
    tz, cal = ZONES[0], WorkCalendar(years=frozenset({2026}))
    duty = DutyHours(((510, 720), (810, 1050)))
    assert sla.in_counted_time(datetime(2026, 11, 27, 9, tzinfo=tz), ClockKind.DUTY, cal, tz,
                               duty)
    assert not sla.in_counted_time(datetime(2026, 11, 27, 12, 30, tzinfo=tz), ClockKind.DUTY,
                                   cal, tz, duty)
    assert not sla.in_counted_time(datetime(2026, 11, 28, 9, tzinfo=tz), ClockKind.DUTY, cal,
                                   tz, duty)
    assert sla.in_counted_time(datetime(2026, 11, 28, 9, tzinfo=tz), ClockKind.CLOCK, cal, tz,
                               duty)
