"""SLA clocks: when a fault must be responded to and restored, and how each clock stands.

Both clocks start at the report time (when the fault was entered in Desk, not when it
happened) and use the level in force; a level change recomputes both from the report
time, never from the moment of the change. The limits are the ``sla.limits`` setting
(defaults in ``desk.rules.limits.DEFAULT_LIMITS``: respond 5 / 15 / 30 minutes, restore
30 minutes / 2 hours / 4 working days).

How time is counted:

* A limit "on the clock" (levels 1 and 2) is plain elapsed time, day and night.
* A limit "in working days" (level 3) counts only time that falls on working days of
  the Chinese calendar (``desk.read.calendar``): the whole of a working day counts, weekends
  and public holidays do not, make-up working days (调休) do. "Within 4 working days"
  is therefore 4 × 24 hours of working-day time. A fault reported on Monday 10:00 is
  due on Friday 10:00; one reported during a weekend or holiday starts counting at
  00:00 of the next working day, so one reported on Saturday is due at the end of
  Thursday (shown as Friday 00:00). Days are the desk's local days (time zone setting).
* Level 3's 30-minute respond limit counts working-day time too: a fault reported on
  Friday at 23:45 must be answered by Monday 00:15.
* A deadline that passes over a day of a year the calendar does not cover is computed
  with Monday to Friday and marked **estimated**; importing that year recomputes it.
  Limits on the clock never depend on the calendar and are never estimated.

How a clock stands (``clock_status``): *running*; *warning* once the share of the limit
given by the ``sla.warning_fraction`` setting (default 0.8) has elapsed, counted the
same way as the limit; *breached* once the deadline has passed; and, once stopped,
*met* or *met late*. The respond clock stops at triage; the restore clock at the first
workaround or restore. The remaining time is negative once late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from desk.rules.limits import ClockLimit, LevelLimits
from desk.rules.workdays import WorkCalendar

MAX_DAYS = 3660  # a limit larger than ten years of working days is a typing error


class ClockState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"
    MET_LATE = "met_late"

    @property
    def label_zh(self) -> str:
        return {"running": "计时中", "warning": "即将超时", "breached": "已超时",
                "met": "已达成", "met_late": "超时完成"}[self.value]


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    estimated: bool


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def add_limit(start: datetime, limit: ClockLimit, cal: WorkCalendar, tz: ZoneInfo) -> Deadline:
    """The moment ``limit`` has elapsed after ``start`` (aware datetimes)."""
    if start.tzinfo is None:
        raise ValueError("start must be time-zone aware")
    if not limit.working_days:
        return Deadline(start + timedelta(minutes=limit.minutes), False)
    remaining = timedelta(minutes=limit.minutes)
    local = start.astimezone(tz)
    day = local.date()
    cursor = start
    estimated = False
    for _ in range(MAX_DAYS * 2):
        next_start = _day_start(day + timedelta(days=1), tz)
        if not cal.covers(day):
            estimated = True
        if cal.is_working_day(day):
            available = next_start - cursor
            if remaining <= available:
                return Deadline(cursor + remaining, estimated)
            remaining -= available
        cursor = next_start
        day += timedelta(days=1)
    raise ValueError("limit too long")


def deadlines(
    reported_at: datetime, limits: LevelLimits, cal: WorkCalendar, tz: ZoneInfo
) -> tuple[Deadline, Deadline]:
    """(respond, restore) deadlines for a fault reported at ``reported_at``."""
    return (
        add_limit(reported_at, limits.respond, cal, tz),
        add_limit(reported_at, limits.restore, cal, tz),
    )


@dataclass(frozen=True)
class ClockStatus:
    """How one clock stands at ``now``."""

    name: str  # "respond" or "restore"
    due_at: datetime
    estimated: bool
    met_at: datetime | None
    state: ClockState
    remaining: timedelta  # negative once breached; from met_at when met

    def to_json(self) -> dict[str, object]:
        return {
            "due_at": self.due_at.isoformat(),
            "estimated": self.estimated,
            "met_at": self.met_at.isoformat() if self.met_at else None,
            "state": self.state.value,
            "remaining_seconds": int(self.remaining.total_seconds()),
        }


def clock_status(
    name: str,
    started_at: datetime,
    deadline: Deadline,
    warn_at: datetime,
    met_at: datetime | None,
    now: datetime,
) -> ClockStatus:
    """Classify a clock: met / met late once stopped; else running, warning, breached."""
    if met_at is not None:
        state = ClockState.MET if met_at <= deadline.due_at else ClockState.MET_LATE
        return ClockStatus(name, deadline.due_at, deadline.estimated, met_at, state,
                           deadline.due_at - met_at)
    if now > deadline.due_at:
        state = ClockState.BREACHED
    elif now >= warn_at:
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING
    return ClockStatus(name, deadline.due_at, deadline.estimated, None, state,
                       deadline.due_at - now)


def warning_limit(limit: ClockLimit, fraction: float) -> ClockLimit:
    return ClockLimit(max(0, int(limit.minutes * fraction)), limit.working_days)


def format_remaining(delta: timedelta) -> str:
    """``2天3小时`` / ``-0:15`` style text for the queue and the CLI."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{sign}{days}天{hours}小时"
    return f"{sign}{hours}:{minutes:02d}"


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

    def between(self, start: datetime, end: datetime) -> float:
        """Seconds of working-day time from ``start`` to ``end``."""
        if end <= start:
            return 0.0
        a, b = self._at(start), self._at(end)
        if a is None or b is None:  # outside the prepared days: walk them
            return working_elapsed(start, end, self.cal, self.tz).total_seconds()
        return b - a
