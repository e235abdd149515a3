"""SLA clocks: when a fault must be responded to and restored, and how each clock stands.

Both clocks start at the report time (when the fault was entered in Desk, not when it
happened) and use the level in force; a level change recomputes both from the report
time, never from the moment of the change. The limits are the ``sla.limits`` setting
(defaults in ``desk.rules.limits.DEFAULT_LIMITS``: respond 5 / 15 / 30 minutes, restore
30 minutes / 2 hours / 4 working days).

How time is counted: each limit has a clock kind (``desk.rules.limits.ClockKind``).

* **On the clock** (``clock``, levels 1 and 2 by default): plain elapsed time, day and
  night, weekends and holidays included. Never estimated.
* **On working days** (``workdays``): only time that falls on working days of the
  Chinese calendar (``desk.read.calendar``) counts: the whole of a working day counts
  as 24 hours, weekends and public holidays do not, make-up working days (调休) do. A
  fault reported on a Saturday starts counting at 00:00 of the next working day.
* **In duty hours** (``duty``, level 3 by default): only the desk's service periods
  (``sla.duty_hours``, default 08:30–12:00 and 13:30–17:30) on working days count.
  "4 working days" is four full duty days (4 × 7.5 hours by default): reported on
  Monday 10:00, due on Friday 10:00; reported on a Saturday, due on Thursday 17:30. A
  30-minute response for a fault reported on Friday at 17:20 is due on Monday at 08:50.
* Days are the desk's local days (time zone setting). A deadline that passes over a day
  of a year the calendar does not cover is computed with Monday to Friday and marked
  **estimated**; completing that year recomputes it.
* **Pauses** stop both clocks: the time between a pause and its resume does not count,
  in whatever way the clock counts. While paused the deadline is the one the clock
  would reach if it resumed now.

``explain`` lists the periods that counted, so a person can see why a deadline is what
it is.

How a clock stands (``clock_status``): *running*; *warning* once the first of the
``sla.warning_fractions`` (default 50 % and 80 %) has elapsed, counted the same way as
the limit; *breached* once the deadline has passed; *paused*; and, once stopped, *met*
or *met late*, or *cancelled* when the fault was cancelled before the clock stopped
(never overdue). The respond clock stops at triage; the restore clock at the first
workaround or restore (a failed verification reopens it). The remaining time is
negative once late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from desk.rules.limits import DEFAULT_DUTY_HOURS, ClockKind, ClockLimit, DutyHours, LevelLimits
from desk.rules.workdays import WorkCalendar

MAX_DAYS = 3660  # a limit larger than ten years of working days is a typing error


class ClockState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"
    PAUSED = "paused"
    CANCELLED = "cancelled"

    @property
    def label_zh(self) -> str:
        return {"running": "计时中", "warning": "即将超时", "breached": "已超时",
                "met": "已达成", "met_late": "超时完成", "paused": "已暂停",
                "cancelled": "已撤销"}[self.value]

    @property
    def label_en(self) -> str:
        return {"running": "running", "warning": "due soon", "breached": "overdue",
                "met": "met", "met_late": "met late", "paused": "paused",
                "cancelled": "cancelled"}[self.value]


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    estimated: bool


@dataclass(frozen=True)
class Period:
    """A stretch of time that counted towards a limit."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


@dataclass(frozen=True)
class Explained:
    """A deadline and why: the clock kind and the periods that counted."""

    deadline: Deadline
    clock: ClockKind
    counted_minutes: int
    periods: tuple[Period, ...]


Pause = tuple[datetime, datetime | None]  # an open pause (None) ends at ``now``


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def _at_minute(day: date, minute: int, tz: ZoneInfo) -> datetime:
    if minute >= 1440:
        return _day_start(day + timedelta(days=1), tz)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)


Windows = tuple[tuple[datetime, datetime], ...]
# the windows of each day, per (calendar, duty hours, zone, kind): a recompute of every
# open fault asks for the same few hundred days again and again. The key holds the
# objects themselves (a snapshot of the calendar is immutable), so an entry never
# outlives what it was computed from; a few snapshots are kept.
_DAY_WINDOWS: dict[tuple[WorkCalendar, DutyHours, ZoneInfo, ClockKind], dict[date, Windows]] = {}


def _day_windows(cal: WorkCalendar, duty: DutyHours, tz: ZoneInfo,
                 kind: ClockKind) -> dict[date, Windows]:
    key = (cal, duty, tz, kind)
    found = _DAY_WINDOWS.get(key)
    if found is None:
        if len(_DAY_WINDOWS) >= 12:
            _DAY_WINDOWS.clear()
        found = _DAY_WINDOWS[key] = {}
    return found


def _windows(day: date, kind: ClockKind, cal: WorkCalendar, duty: DutyHours,
             tz: ZoneInfo) -> Windows:
    """The stretches of ``day`` (local) during which a clock of ``kind`` runs, in UTC
    (so that a day of 23 or 25 hours, where the zone has summer time, counts as long as
    it lasts)."""
    if kind == ClockKind.CLOCK or (kind == ClockKind.WORKDAYS and cal.is_working_day(day)):
        return ((_day_start(day, tz).astimezone(UTC),
                 _day_start(day + timedelta(days=1), tz).astimezone(UTC)),)
    if kind == ClockKind.WORKDAYS or not cal.is_working_day(day):
        return ()
    return tuple((_at_minute(day, a, tz).astimezone(UTC), _at_minute(day, b, tz).astimezone(UTC))
                 for a, b in duty.periods)


def _minus_pauses(lo: datetime, hi: datetime,
                  pauses: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    pieces = [(lo, hi)]
    for p0, p1 in pauses:
        if p1 <= lo or p0 >= hi:
            continue
        out = []
        for a, b in pieces:
            if p1 <= a or p0 >= b:
                out.append((a, b))
                continue
            if a < p0:
                out.append((a, p0))
            if p1 < b:
                out.append((p1, b))
        pieces = out
    return pieces


def _run(start: datetime, total: int, kind: ClockKind, cal: WorkCalendar, tz: ZoneInfo,
         duty: DutyHours, pauses: Sequence[Pause], now: datetime | None,
         keep: bool) -> tuple[Deadline, list[Period]]:
    if start.tzinfo is None:
        raise ValueError("start must be time-zone aware")
    closed: list[tuple[datetime, datetime]] = []
    if pauses:
        ended = sorted((p0, p1 if p1 is not None else (now or p0)) for p0, p1 in pauses)
        closed = [(p0, p1) for p0, p1 in ended if p1 > p0]
    if kind == ClockKind.CLOCK and not closed and not keep:
        return Deadline(start.astimezone(UTC) + timedelta(minutes=total), False), []
    if kind == ClockKind.DUTY and duty.minutes_per_day <= 0:
        raise ValueError("no duty hours")
    remaining = timedelta(minutes=total)
    day = start.astimezone(tz).date()
    start = start.astimezone(UTC)
    estimated = False
    periods: list[Period] = []
    one = timedelta(days=1)
    cache = _day_windows(cal, duty, tz, kind)
    years = cal.years
    for _ in range(MAX_DAYS * 2):
        if kind != ClockKind.CLOCK and day.year not in years:
            estimated = True
        windows = cache.get(day)
        if windows is None:
            windows = cache[day] = _windows(day, kind, cal, duty, tz)
        for lo, hi in windows:
            if hi <= start:
                continue
            if lo < start:
                lo = start
            if not closed and not keep:  # the common case: no pause, no explanation
                if remaining <= hi - lo:
                    return Deadline(lo + remaining, estimated), periods
                remaining -= hi - lo
                continue
            for a, b in _minus_pauses(lo, hi, closed):
                available = b - a
                if remaining <= available:
                    if keep and remaining > timedelta(0):
                        periods.append(Period(a, a + remaining))
                    return Deadline(a + remaining, estimated), periods
                remaining -= available
                if keep:
                    periods.append(Period(a, b))
        day += one
    raise ValueError("limit too long")


def add_limit(start: datetime, limit: ClockLimit, cal: WorkCalendar, tz: ZoneInfo,
              duty: DutyHours = DEFAULT_DUTY_HOURS, pauses: Sequence[Pause] = (),
              now: datetime | None = None) -> Deadline:
    """The moment ``limit`` has elapsed after ``start`` (aware datetimes), not counting
    ``pauses`` (an open one ends at ``now``)."""
    return _run(start, limit.total_minutes(duty), limit.clock, cal, tz, duty, pauses, now,
                keep=False)[0]


def explain(start: datetime, limit: ClockLimit, cal: WorkCalendar, tz: ZoneInfo,
            duty: DutyHours = DEFAULT_DUTY_HOURS, pauses: Sequence[Pause] = (),
            now: datetime | None = None) -> Explained:
    """The deadline of ``limit`` and the periods that counted towards it."""
    total = limit.total_minutes(duty)
    deadline, periods = _run(start, total, limit.clock, cal, tz, duty, pauses, now, keep=True)
    return Explained(deadline, limit.clock, total, tuple(periods))


def deadlines(
    reported_at: datetime, limits: LevelLimits, cal: WorkCalendar, tz: ZoneInfo,
    duty: DutyHours = DEFAULT_DUTY_HOURS, pauses: Sequence[Pause] = (),
    now: datetime | None = None,
) -> tuple[Deadline, Deadline]:
    """(respond, restore) deadlines for a fault reported at ``reported_at``."""
    return (
        add_limit(reported_at, limits.respond, cal, tz, duty, pauses, now),
        add_limit(reported_at, limits.restore, cal, tz, duty, pauses, now),
    )


def counted_between(start: datetime, end: datetime, kind: ClockKind, cal: WorkCalendar,
                    tz: ZoneInfo, duty: DutyHours = DEFAULT_DUTY_HOURS,
                    pauses: Sequence[Pause] = ()) -> timedelta:
    """How much counted time of a clock of ``kind`` lies between ``start`` and ``end``."""
    if end <= start:
        return timedelta(0)
    closed = [(p0, p1 if p1 is not None else end) for p0, p1 in pauses]
    total = timedelta(0)
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    while day <= last:
        for lo, hi in _windows(day, kind, cal, duty, tz):
            lo, hi = max(lo, start), min(hi, end)
            if hi > lo:
                total += sum((b - a for a, b in _minus_pauses(lo, hi, closed)), timedelta(0))
        day += timedelta(days=1)
    return total


def in_counted_time(moment: datetime, kind: ClockKind, cal: WorkCalendar, tz: ZoneInfo,
                    duty: DutyHours = DEFAULT_DUTY_HOURS) -> bool:
    """Whether a clock of ``kind`` runs at ``moment`` (warnings of duty-hour clocks wait
    for duty time)."""
    return any(lo <= moment < hi for lo, hi in
               _windows(moment.astimezone(tz).date(), kind, cal, duty, tz))


@dataclass(frozen=True)
class ClockStatus:
    """How one clock stands at ``now``."""

    name: str  # "respond" or "restore"
    due_at: datetime
    estimated: bool
    met_at: datetime | None
    state: ClockState
    remaining: timedelta  # negative once breached; from met_at when met
    clock: ClockKind = ClockKind.CLOCK
    paused: timedelta = timedelta(0)  # time the clock stood still (pauses)

    def to_json(self) -> dict[str, object]:
        return {
            "due_at": self.due_at.isoformat(),
            "estimated": self.estimated,
            "met_at": self.met_at.isoformat() if self.met_at else None,
            "state": self.state.value,
            "remaining_seconds": int(self.remaining.total_seconds()),
            "clock": self.clock.value,
            "paused_seconds": int(self.paused.total_seconds()),
        }


def clock_status(
    name: str,
    started_at: datetime,
    deadline: Deadline,
    warn_at: datetime,
    met_at: datetime | None,
    now: datetime,
    *,
    clock: ClockKind = ClockKind.CLOCK,
    paused: bool = False,
    paused_for: timedelta = timedelta(0),
    cancelled_at: datetime | None = None,
) -> ClockStatus:
    """Classify a clock: met / met late once stopped; cancelled when the fault was
    cancelled first (never overdue); paused; else running, warning, breached."""
    if met_at is not None:
        state = ClockState.MET if met_at <= deadline.due_at else ClockState.MET_LATE
        return ClockStatus(name, deadline.due_at, deadline.estimated, met_at, state,
                           deadline.due_at - met_at, clock, paused_for)
    if cancelled_at is not None:
        return ClockStatus(name, deadline.due_at, deadline.estimated, None,
                           ClockState.CANCELLED, deadline.due_at - cancelled_at, clock,
                           paused_for)
    if paused:
        return ClockStatus(name, deadline.due_at, deadline.estimated, None, ClockState.PAUSED,
                           deadline.due_at - now, clock, paused_for)
    if now > deadline.due_at:
        state = ClockState.BREACHED
    elif now >= warn_at:
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return ClockStatus(name, deadline.due_at, deadline.estimated, None, state,
                       deadline.due_at - now, clock, paused_for)


def warning_limit(limit: ClockLimit, fraction: float,
                  duty: DutyHours = DEFAULT_DUTY_HOURS) -> ClockLimit:
    """The share ``fraction`` of ``limit``, counted the same way (at least a minute)."""
    return ClockLimit(max(1, int(limit.total_minutes(duty) * fraction)), limit.clock)


def working_elapsed(start: datetime, end: datetime, cal: WorkCalendar, tz: ZoneInfo,
                    working: dict[date, bool] | None = None) -> timedelta:
    """The time between ``start`` and ``end`` that falls on working days (local days of
    ``tz``), the way a working-day clock counts it; ``working`` caches day answers when
    many spans are summed."""
    if end <= start:
        return timedelta(0)
    cache = working if working is not None else {}
    local = start.astimezone(tz)
    day = local.date()
    last = end.astimezone(tz).date()
    total = timedelta(0)
    cursor = start
    while True:
        is_working = cache.get(day)
        if is_working is None:
            is_working = cache[day] = cal.is_working_day(day)
        if day == last:
            if is_working:
                total += end - cursor
            return total
        next_start = _day_start(day + timedelta(days=1), tz)
        if is_working:
            total += next_start - cursor
        cursor = next_start
        day += timedelta(days=1)


class WorkingTime:
    """Working-day time as a running total from the local midnight of ``first``, so that
    the working time between two moments is a subtraction (``between``): for summing the
    spans of thousands of faults, where ``working_elapsed`` would walk their days."""

    def __init__(self, first: date, last: date, cal: WorkCalendar, tz: ZoneInfo) -> None:
        self.first, self.last, self.cal, self.tz = first, last, cal, tz
        self.working: list[bool] = []
        self.before: list[float] = []  # working seconds from ``first`` to each day's start
        total = 0.0
        day = first
        while day <= last:
            self.before.append(total)
            is_working = cal.is_working_day(day)
            self.working.append(is_working)
            if is_working:
                total += (_day_start(day + timedelta(days=1), tz)
                          - _day_start(day, tz)).total_seconds()
            day += timedelta(days=1)

    def _at(self, moment: datetime) -> float | None:
        local = moment.astimezone(self.tz)
        index = (local.date() - self.first).days
        if not 0 <= index < len(self.before):
            return None
        total = self.before[index]
        if self.working[index]:
            midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
            total += (local - midnight).total_seconds()
        return total

    def hour_total(self, hour: datetime, count: int, seconds: float) -> float | None:
        """The sum of the running totals (seconds) at ``count`` moments inside the UTC hour
        that starts at ``hour``, whose seconds past ``hour`` add up to ``seconds``.

        Summing ``between`` over thousands of faults is then a sum over the hours their
        moments fall in (grouped in SQL): inside one hour the local day and its offset do
        not change, so each moment's total is the hour's plus its seconds past the hour
        on a working day. None when the hour is not uniform (a local midnight or a change
        of offset inside it, in a zone with offsets that are not whole hours) or lies
        outside the prepared days: sum ``between`` of each fault then."""
        first = self._at(hour)
        if first is None:
            return None
        start = hour.astimezone(self.tz)
        end = (hour + timedelta(hours=1) - timedelta(microseconds=1)).astimezone(self.tz)
        if start.date() != end.date() or start.utcoffset() != end.utcoffset():
            return None
        working = self.working[(start.date() - self.first).days]
        return count * first + (seconds if working else 0.0)

    def between(self, start: datetime, end: datetime) -> float:
        """Seconds of working-day time from ``start`` to ``end``."""
        if end <= start:
            return 0.0
        a, b = self._at(start), self._at(end)
        if a is None or b is None:  # outside the prepared days: walk them
            return working_elapsed(start, end, self.cal, self.tz).total_seconds()
        return b - a
