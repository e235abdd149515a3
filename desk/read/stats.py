"""The dashboard (统计): what happened in a period, counted in SQL.

``compute(db, start, end)`` takes local dates in the desk's time zone (``end`` is not
included) and returns a ``Dashboard`` of plain tables, each a title, column headers and
rows of plain values, so that the window, the CSV/XLSX exports, the PDF and the CLI all
show the same figures.

A fault belongs to the period when it was *reported* in it. Everything is aggregated
by the database (GROUP BY, ``percentile_cont`` on PostgreSQL); Python
only rolls up the few grouped rows (at most levels × types × states) and, for SQLite,
interpolates the 90th percentile between the two neighbouring values the query returns.

Decisions:
- A duplicate merged into its master (``merged_into_id``) is not counted at all: the
  incident is its master.
- Cancelled faults are counted by level, type, state and business, but not in the
  deadline compliance, the times or the verification figures: their clocks stopped.
- Respond met: ``responded_at <= respond_due_at``; late: responded after it; running:
  not yet responded and the deadline still ahead; breached: not responded and the
  deadline passed (at the database clock's "now"); a paused clock counts as running.
  The restore clock is the same with the earlier of ``workaround_at`` and
  ``restored_at`` (a failed verification clears them: the restore clock runs again).
- Times are in minutes from the report (``reported_at``); the 90th percentile is the
  linear interpolation ``percentile_cont(0.9)`` uses.
- Paused time (计时暂停): the elapsed time between each pause and its resume (a pause
  still in force counts until now), summed over the period's faults that are not
  cancelled, like the other times; the mean is per fault that was paused at all (not
  over every fault), in minutes.
- Verification failure rate: failed verification rounds / all verification rounds
  (each round ends the ticket's verification with pass or fail; a pass ends the
  verifying, so failed rounds = rounds − 1 if it finally passed, else rounds).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    DateTime,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from desk.db import Database
from desk.errors import ValidationError
from desk.read import settings
from models import FaultLevel, FaultType, Status, Ticket, TicketPause

TOP_BUSINESSES = 10
LEVELS = tuple(FaultLevel)
ALL = "合计"
PERCENTILE = 0.9
PG_WORK_MEM = "64MB"
T = TypeVar("T")


@dataclass(frozen=True)
class Table:
    """One table of the dashboard: ``rows`` hold plain values (str, int, float, None)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Dashboard:
    """The dashboard of one period: [start, end) in local dates of ``timezone``."""

    start: date
    end: date
    timezone: str
    generated_at: datetime  # local time
    total: int
    by_level: Table
    by_type: Table
    by_status: Table
    top_businesses: Table
    respond_compliance: Table
    restore_compliance: Table
    durations: Table
    verification: Table
    weekly_trend: Table
    pauses: Table
    organisation: str = ""

    @property
    def tables(self) -> list[Table]:
        return [self.by_level, self.by_type, self.by_status, self.top_businesses,
                self.respond_compliance, self.restore_compliance, self.durations,
                self.pauses, self.verification, self.weekly_trend]

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def period_label(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%Y-%m-%d} 至 {last:%Y-%m-%d}"

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "timezone": self.timezone, "generated_at": self.generated_at.isoformat(),
            "total": self.total,
            "tables": [{"key": t.key, "title": t.title, "headers": t.headers,
                        "rows": t.rows} for t in self.tables],
        }


# -- periods (local dates; ``end`` excluded) -------------------------------------------

def this_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=7)


def this_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt


def last_days(today: date, days: int = 30) -> tuple[date, date]:
    return today - timedelta(days=days - 1), today + timedelta(days=1)


def local_today(db: Database) -> date:
    with db.read() as session:
        tz = settings.timezone(session)
    return db.now().astimezone(tz).date()


def utc_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of ``start`` and ``end`` as UTC moments."""
    lo = datetime(start.year, start.month, start.day, tzinfo=tz).astimezone(UTC)
    hi = datetime(end.year, end.month, end.day, tzinfo=tz).astimezone(UTC)
    return lo, hi


# -- SQL building blocks ----------------------------------------------------------------

def _minutes(later: Any, earlier: Any, backend: str) -> ColumnElement[Any]:
    if backend == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 1440.0
    return func.extract("epoch", later - earlier) / 60.0


def _restored(backend: str) -> ColumnElement[Any]:
    """The earlier of workaround_at and restored_at (either may be missing)."""
    if backend == "sqlite":
        # SQLite's scalar min() is NULL when an argument is NULL
        return func.min(func.coalesce(Ticket.workaround_at, Ticket.restored_at),
                        func.coalesce(Ticket.restored_at, Ticket.workaround_at))
    return func.least(Ticket.workaround_at, Ticket.restored_at)


# for the service report's sums in SQL (desk.read.service_report)
minutes_between = _minutes
restored_column = _restored


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _clock_counts(done: Any, due: Any, now: datetime) -> list[ColumnElement[Any]]:
    return [
        _count_if(and_(done.is_not(None), (due.is_(None)) | (done <= due))),
        _count_if(and_(done.is_not(None), due.is_not(None), done > due)),
        # a paused clock stands still: running, never breached while paused
        _count_if(and_(done.is_(None), (due.is_(None)) | (due > now)
                       | Ticket.paused_at.is_not(None))),
        _count_if(and_(done.is_(None), due.is_not(None), due <= now,
                       Ticket.paused_at.is_(None))),
    ]


def _durations(backend: str) -> dict[str, ColumnElement[Any]]:
    return {
        "respond": _minutes(Ticket.responded_at, Ticket.reported_at, backend),
        "restore": _minutes(_restored(backend), Ticket.reported_at, backend),
        "resolve": _minutes(Ticket.resolved_at, Ticket.reported_at, backend),
    }


METRIC_LABELS = {"respond": "响应", "restore": "恢复", "resolve": "解决"}


# -- the computation --------------------------------------------------------------------

@dataclass
class _Sums:
    count: int = 0
    respond: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    restore: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    dur_sum: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRIC_LABELS, 0.0))
    dur_n: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRIC_LABELS, 0))
    rounds: int = 0
    failed_rounds: int = 0
    verified: int = 0
    ever_failed: int = 0


PARTS = frozenset({"p90", "businesses", "weekly"})


def compute(db: Database, start: date, end: date, top: int = TOP_BUSINESSES,
            parts: frozenset[str] = PARTS) -> Dashboard:
    """The dashboard of faults reported from ``start`` (local midnight) to ``end``.

    ``parts`` names the scans besides the grouped one (90th percentiles, businesses,
    the weekly trend); a caller that needs only counts, clocks and means (the service
    report's previous period) leaves the others out and gets their tables empty."""
    if end <= start:
        raise ValidationError({"period": (
            f"统计期间的结束日期（{end:%Y-%m-%d}）必须晚于开始日期（{start:%Y-%m-%d}）。",
            f"The period's end ({end:%Y-%m-%d}) must come after its start ({start:%Y-%m-%d}).",
        )})
    if (end - start).days > 3700:
        raise ValidationError({"period": ("统计期间不能超过十年。",
                                          "The period cannot be longer than ten years.")})
    now = db.now()
    backend = db.backend
    with db.read() as session:
        tz = settings.timezone(session)
        organisation = str(settings.get(session, "organisation") or "")
        lo, hi = utc_bounds(start, end, tz)
        full = backend == "sqlite" and _mostly(session, lo, hi)

    def reading(fn: Callable[[Session], T]) -> Callable[[], T]:
        def run() -> T:
            with db.read() as session:
                if backend == "postgresql":
                    # the percentiles sort the period's times in memory, not on disk
                    session.execute(text(f"SET LOCAL work_mem = '{PG_WORK_MEM}'"))
                return fn(session)
        return run

    # The queries are independent scans: run them side by side on their own connections
    # (each a short read). SQLite's percentiles need the grouped counts, so wait for them.
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="stats") as pool:
        businesses_f = (pool.submit(reading(lambda s: _businesses(s, lo, hi, top, full)))
                        if "businesses" in parts else None)
        weeks_f = (pool.submit(reading(lambda s: _weekly(s, backend, start, end, tz, lo, hi,
                                                         full)))
                   if "weekly" in parts else None)
        p90_f = (pool.submit(reading(lambda s: _p90_pg(s, lo, hi)))
                 if backend == "postgresql" and "p90" in parts else None)
        grouped = reading(lambda s: _grouped(s, backend, lo, hi, now, full))()
        paused = reading(lambda s: _paused(s, backend, lo, hi, now))()
        p90 = (p90_f.result() if p90_f is not None else
               reading(lambda s: _p90_sqlite(s, lo, hi, sample_counts(grouped),
                                       full_scan=full))()
               if "p90" in parts else {})
        businesses = businesses_f.result() if businesses_f is not None else []
        weeks = weeks_f.result() if weeks_f is not None else {}
    total = sum(s.count for s in grouped.values())
    return Dashboard(
        start=start, end=end, timezone=tz.key, generated_at=now.astimezone(tz),
        total=total, organisation=organisation,
        by_level=_by_level(grouped, total), by_type=_by_type(grouped, total),
        by_status=_by_status(grouped, total),
        top_businesses=_business_table(businesses, total, top),
        respond_compliance=_compliance("respond_compliance", "响应时限达成（按等级）",
                                       grouped, "respond"),
        restore_compliance=_compliance("restore_compliance", "恢复时限达成（按等级）",
                                       grouped, "restore"),
        durations=_duration_table(grouped, p90),
        verification=_verification_table(grouped),
        weekly_trend=_trend_table(weeks, start, end, now.astimezone(tz).date()),
        pauses=_pause_table(*paused),
    )


_GroupKey = tuple[FaultLevel, FaultType, Status]


def _mostly(session: Session, lo: datetime, hi: datetime) -> bool:
    """Does the period hold more than a fifth of all tickets? (Two counts that SQLite
    answers from indexes alone.)"""
    # merged duplicates included: the date index alone answers, and a guess is enough
    inside = session.scalar(select(func.count()).where(*_in_period(lo, hi, merged=True))) or 0
    total = session.scalar(select(func.count()).select_from(Ticket)) or 0
    return inside > 0.2 * total


def _grouped(session: Session, backend: str, lo: datetime, hi: datetime,
             now: datetime, full_scan: bool = False) -> dict[_GroupKey, _Sums]:
    """One scan: counts, clocks, time sums and verification per (level, type, state)."""
    durations = _durations(backend)
    dur_cols: list[ColumnElement[Any]] = []
    for expr in durations.values():
        dur_cols += [func.sum(expr), func.count(expr)]
    passed = Ticket.verification_passed.is_(True)
    stmt = (
        select(
            Ticket.level, Ticket.fault_type, Ticket.status, func.count(),
            *_clock_counts(Ticket.responded_at, Ticket.respond_due_at, now),
            *_clock_counts(_restored(backend), Ticket.restore_due_at, now),
            *dur_cols,
            func.sum(Ticket.verification_rounds),
            _count_if(and_(Ticket.verification_rounds > 0, passed)),
            _count_if(Ticket.verification_rounds > 0),
            _count_if((Ticket.verification_rounds > 1)
                      | and_(Ticket.verification_rounds == 1, ~passed)),
        )
        .where(*_in_period(lo, hi, full_scan))
        .group_by(Ticket.level, Ticket.fault_type, Ticket.status)
    )
    result: dict[_GroupKey, _Sums] = {}
    for row in session.execute(stmt):
        values = list(row)
        s = _Sums(count=int(values[3]))
        s.respond = [int(v or 0) for v in values[4:8]]
        s.restore = [int(v or 0) for v in values[8:12]]
        for i, name in enumerate(durations):
            s.dur_sum[name] = float(values[12 + 2 * i] or 0.0)
            s.dur_n[name] = int(values[13 + 2 * i] or 0)
        rounds, passed_n, verified, ever_failed = (int(v or 0) for v in values[18:22])
        s.rounds, s.verified, s.ever_failed = rounds, verified, ever_failed
        s.failed_rounds = rounds - passed_n
        result[(FaultLevel(values[0]), FaultType(values[1]), Status(values[2]))] = s
    return result


def _paused(session: Session, backend: str, lo: datetime, hi: datetime,
            now: datetime) -> tuple[int, int, float]:
    """(faults paused, pauses, paused minutes) of the period's faults not cancelled."""
    ended = func.coalesce(TicketPause.ended_at,
                          bindparam("paused_now", now, type_=TicketPause.ended_at.type))
    row = session.execute(
        select(func.count(func.distinct(TicketPause.ticket_id)), func.count(TicketPause.id),
               func.sum(_minutes(ended, TicketPause.started_at, backend)))
        .join(Ticket, Ticket.id == TicketPause.ticket_id)
        .where(*_period_filter(lo, hi))).one()
    return int(row[0] or 0), int(row[1] or 0), float(row[2] or 0.0)


def _in_period(lo: datetime, hi: datetime, full_scan: bool = False,
               merged: bool = False) -> list[ColumnElement[bool]]:
    """Reported in [lo, hi), and not a duplicate merged into another fault (an incident
    is counted once, as its master) unless ``merged``. With ``full_scan`` (SQLite, a
    period holding much of the table) the column is written ``+reported_at`` so that
    SQLite reads the table in order instead of jumping from the date index to each row,
    which is slower when most rows are wanted anyway."""
    column: Any = (
        literal_column("+tickets.reported_at", Ticket.reported_at.type) if full_scan
        else Ticket.reported_at)
    if merged:
        return [column >= lo, column < hi]
    return [column >= lo, column < hi, Ticket.merged_into_id.is_(None)]


def _period_filter(lo: datetime, hi: datetime, full_scan: bool = False
                   ) -> list[ColumnElement[bool]]:
    return [*_in_period(lo, hi, full_scan),
            Ticket.status != Status.CANCELLED]


def _p90_pg(session: Session, lo: datetime, hi: datetime,
            full_scan: bool = False) -> dict[tuple[str, int], float]:
    durations = _durations("postgresql")
    cols = [func.percentile_cont(PERCENTILE).within_group(expr.asc())
            for expr in durations.values()]
    stmt = (select(Ticket.level, *cols).where(*_period_filter(lo, hi, full_scan))
            .group_by(func.rollup(Ticket.level)))
    out: dict[tuple[str, int], float] = {}
    for row in session.execute(stmt):
        level = 0 if row[0] is None else int(row[0])
        for i, name in enumerate(durations):
            if row[i + 1] is not None:
                out[(name, level)] = float(row[i + 1])
    return out


def sample_counts(grouped: dict[_GroupKey, _Sums]) -> dict[tuple[str, int], int]:
    """How many tickets have each time, per level (and over all levels as level 0)."""
    counts: dict[tuple[str, int], int] = {}
    for (level, _, status), sums in grouped.items():
        if status == Status.CANCELLED:
            continue
        for metric, n in sums.dur_n.items():
            for key in ((metric, int(level)), (metric, 0)):
                counts[key] = counts.get(key, 0) + n
    return counts


def _p90_sqlite(session: Session, lo: datetime, hi: datetime,
                counts: dict[tuple[str, int], int], backend: str = "sqlite",
                full_scan: bool = False) -> dict[tuple[str, int], float]:
    """SQLite has no percentile: with the number of values per level known (from the
    grouped scan), the two values around the 90th percentile's position are picked by
    ``ORDER BY d DESC LIMIT 2 OFFSET m`` — the offset counted from the top, so SQLite's
    sorter keeps only the top tenth — over one pass of the period's rows (a common
    table expression); the interpolation between the two values is done here."""
    names = list(METRIC_LABELS)
    durations = _durations(backend)
    base = (select(cast(Ticket.level, Integer).label("lv"),
                   *[cast(durations[m], Float).label(m) for m in names])
            .where(*_period_filter(lo, hi, full_scan)).cte("base"))
    parts = []
    for (metric, level), n in sorted(counts.items()):
        if n == 0:
            continue
        pos = PERCENTILE * (n - 1)
        k = math.floor(pos)
        column = base.c[metric]
        picked = (select(literal(metric).label("m"), literal(level).label("lv"),
                         column.label("d"))
                  .where(column.is_not(None), *([base.c.lv == level] if level else []))
                  .order_by(column.desc()).limit(2).offset(max(n - k - 2, 0))
                  .subquery())
        parts.append(select(picked.c.m, picked.c.lv, picked.c.d))
    out: dict[tuple[str, int], float] = {}
    if not parts:
        return out
    found: dict[tuple[str, int], list[float]] = {}
    for metric, level, d in session.execute(union_all(*parts)):
        found.setdefault((str(metric), int(level)), []).append(float(d))
    for key, values in found.items():
        n = counts[key]
        pos = PERCENTILE * (n - 1)
        k = math.floor(pos)
        ascending = sorted(values)  # ranks k and k+1 (0-based), or only k when k = n-1
        low = ascending[0] if k + 1 < n else ascending[-1]
        high = ascending[-1]
        out[key] = low + (high - low) * (pos - k)
    return out


def _businesses(session: Session, lo: datetime, hi: datetime, top: int,
                full_scan: bool = False) -> list[tuple[str, int, dict[int, int]]]:
    count = func.count().label("n")
    stmt = (
        select(Ticket.affected_business, count,
               *[_count_if(Ticket.level == lv) for lv in LEVELS])
        .where(*_in_period(lo, hi, full_scan))
        .group_by(Ticket.affected_business)
        .order_by(count.desc(), Ticket.affected_business)
        .limit(top)
    )
    return [(str(row[0]), int(row[1]), {int(lv): int(row[2 + i] or 0)
                                        for i, lv in enumerate(LEVELS)})
            for row in session.execute(stmt)]


def week_starts(start: date, end: date) -> list[date]:
    """The Monday of every ISO week that overlaps [start, end)."""
    first = start - timedelta(days=start.weekday())
    out = []
    day = first
    while day < end:
        out.append(day)
        day += timedelta(days=7)
    return out


def _weekly(session: Session, backend: str, start: date, end: date, tz: ZoneInfo,
            lo: datetime, hi: datetime, full_scan: bool = False
            ) -> dict[tuple[date, int], int]:
    """Counts per (local ISO week's Monday, level)."""
    monday = start - timedelta(days=start.weekday())
    mondays = week_starts(start, end)
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # not loaded on SQLite

        # the local Mondays as UTC moments, found by binary search: exact in any zone
        bounds = [datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)
                  for d in mondays]
        bucket: ColumnElement[Any] = func.width_bucket(
            Ticket.reported_at,
            bindparam("week_bounds", bounds, type_=ARRAY(DateTime(timezone=True)))) - 1
    else:
        # SQLite has no time zones: shift by the zone's offset at the period start
        # (exact for zones without daylight saving time, such as China's)
        t0 = datetime(monday.year, monday.month, monday.day, tzinfo=tz).astimezone(UTC)
        t0_text = t0.replace(tzinfo=None).isoformat(sep=" ")
        bucket = cast((func.julianday(Ticket.reported_at) - func.julianday(t0_text)) / 7,
                      Integer)
    stmt = (select(bucket.label("w"), Ticket.level, func.count())
            .where(*_in_period(lo, hi, full_scan))
            .group_by(text("1"), Ticket.level))
    out: dict[tuple[date, int], int] = {}
    for w, level, n in session.execute(stmt):
        week = monday + timedelta(days=7 * int(w))
        out[(week, int(level))] = out.get((week, int(level)), 0) + int(n)
    return out


# -- the tables --------------------------------------------------------------------------

def percent(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is no whole."""
    return None if not whole else round(100.0 * part / whole, 1)


_pct = percent


def _by_level(grouped: dict[_GroupKey, _Sums], total: int) -> Table:
    rows: list[list[Any]] = []
    for lv in LEVELS:
        n = sum(s.count for (level, _, _), s in grouped.items() if level == lv)
        rows.append([lv.label_zh, n, _pct(n, total)])
    rows.append([ALL, total, _pct(total, total)])
    return Table("by_level", "按等级", ["等级", "故障数", "占比%"], rows)


def _by_type(grouped: dict[_GroupKey, _Sums], total: int) -> Table:
    rows: list[list[Any]] = []
    for ft in FaultType:
        n = sum(s.count for (_, t, _), s in grouped.items() if t == ft)
        rows.append([ft.label_zh, n, _pct(n, total)])
    rows.append([ALL, total, _pct(total, total)])
    return Table("by_type", "按类型", ["类型", "故障数", "占比%"], rows)


def _by_status(grouped: dict[_GroupKey, _Sums], total: int) -> Table:
    rows: list[list[Any]] = []
    for st in Status:
        n = sum(s.count for (_, _, status), s in grouped.items() if status == st)
        rows.append([st.label_zh, n, _pct(n, total)])
    rows.append([ALL, total, _pct(total, total)])
    return Table("by_status", "按状态", ["状态", "故障数", "占比%"], rows)


def _business_table(businesses: list[tuple[str, int, dict[int, int]]], total: int,
                    top: int) -> Table:
    rows = [[name, n, *[per[int(lv)] for lv in LEVELS], _pct(n, total)]
            for name, n, per in businesses]
    return Table("top_businesses", f"受影响业务（前 {top} 名）",
                 ["受影响业务", "故障数", "一级", "二级", "三级", "占比%"], rows)


def _compliance(key: str, title: str, grouped: dict[_GroupKey, _Sums], clock: str) -> Table:
    rows: list[list[Any]] = []
    for lv in [*LEVELS, None]:
        counts = [0, 0, 0, 0]
        for (level, _, status), s in grouped.items():
            if status == Status.CANCELLED or (lv is not None and level != lv):
                continue
            values = s.respond if clock == "respond" else s.restore
            counts = [a + b for a, b in zip(counts, values, strict=True)]
        n = sum(counts)
        label = ALL if lv is None else lv.label_zh
        row: list[Any] = [label, n]
        for c in counts:
            row += [c, _pct(c, n)]
        rows.append(row)
    headers = ["等级", "计入数", "达标", "达标%", "超时完成", "超时完成%",
               "计时中", "计时中%", "已超时未完成", "已超时未完成%"]
    return Table(key, title, headers, rows)


def _duration_table(grouped: dict[_GroupKey, _Sums],
                    p90: dict[tuple[str, int], float]) -> Table:
    rows: list[list[Any]] = []
    for metric, label in METRIC_LABELS.items():
        for lv in [*LEVELS, None]:
            total = 0.0
            n = 0
            for (level, _, status), s in grouped.items():
                if status == Status.CANCELLED or (lv is not None and level != lv):
                    continue
                total += s.dur_sum[metric]
                n += s.dur_n[metric]
            key = 0 if lv is None else int(lv)
            mean = round(total / n, 1) if n else None
            p = p90.get((metric, key))
            rows.append([label, ALL if lv is None else lv.label_zh, n, mean,
                         None if p is None else round(p, 1)])
    return Table("durations", "处理用时（分钟，自上报起）",
                 ["指标", "等级", "样本数", "平均", "P90"], rows)


def _verification_table(grouped: dict[_GroupKey, _Sums]) -> Table:
    live = [s for (_, _, status), s in grouped.items() if status != Status.CANCELLED]
    verified = sum(s.verified for s in live)
    rounds = sum(s.rounds for s in live)
    failed = sum(s.failed_rounds for s in live)
    ever = sum(s.ever_failed for s in live)
    rows: list[list[Any]] = [
        ["经过验证的故障", verified],
        ["验证次数", rounds],
        ["验证未通过次数", failed],
        ["验证未通过率%", _pct(failed, rounds)],
        ["曾验证未通过的故障", ever],
        ["曾验证未通过的故障占比%", _pct(ever, verified)],
    ]
    return Table("verification", "验证结果", ["指标", "数值"], rows)


def _pause_table(faults: int, pauses: int, minutes: float) -> Table:
    rows: list[list[Any]] = [
        ["暂停过的故障", faults],
        ["暂停次数", pauses],
        ["暂停总时长（分钟）", round(minutes, 1)],
        ["平均暂停时长（分钟，每个暂停过的故障）", round(minutes / faults, 1) if faults else None],
    ]
    return Table("pauses", "计时暂停", ["指标", "数值"], rows)


def _trend_table(weeks: dict[tuple[date, int], int], start: date, end: date,
                 today: date) -> Table:
    """One row per ISO week of the period, without the empty weeks still to come (this
    month's trend ends at this week)."""
    weekly: list[tuple[date, list[Any]]] = []
    for monday in week_starts(start, end):
        year, week, _ = monday.isocalendar()
        per = [weeks.get((monday, int(lv)), 0) for lv in LEVELS]
        weekly.append((monday, [f"{year}-W{week:02d}", f"{monday:%m-%d}", *per, sum(per)]))
    while weekly and weekly[-1][0] > today and weekly[-1][1][-1] == 0:
        weekly.pop()
    rows = [row for _monday, row in weekly]
    return Table("weekly_trend", "每周趋势（ISO 周）",
                 ["周", "周一", "一级", "二级", "三级", "合计"], rows)


# The English of every label the tables carry, for ``desk stats --lang en`` (and any
# reader of a ``Dashboard`` that shows English): titles, headers and row labels.
LABELS_EN: dict[str, str] = {
    "按等级": "By level", "按类型": "By type", "按状态": "By state", "等级": "Level",
    "类型": "Type", "状态": "State", "故障数": "Faults", "占比%": "Share %",
    "受影响业务": "Affected business", "合计": "Total", "周": "Week", "周一": "Monday",
    "一级": "Level 1", "二级": "Level 2", "三级": "Level 3", "响应": "Respond",
    "恢复": "Restore", "解决": "Resolve", "响应时限达成（按等级）": "Respond deadlines met (by level)",
    "恢复时限达成（按等级）": "Restore deadlines met (by level)",
    "处理用时（分钟，自上报起）": "Handling time (minutes since the report)",
    "每周趋势（ISO 周）": "Weekly trend (ISO weeks)", "验证结果": "Verification",
    "指标": "Measure", "数值": "Value", "样本数": "Samples", "平均": "Mean",
    "计入数": "Counted", "达标": "Met", "达标%": "Met %", "超时完成": "Met late",
    "超时完成%": "Met late %", "已超时未完成": "Breached, open", "已超时未完成%": "Breached, open %",
    "计时中": "Running", "计时中%": "Running %", "经过验证的故障": "Faults verified",
    "验证次数": "Verifications", "验证未通过次数": "Verifications failed",
    "验证未通过率%": "Verifications failed %", "曾验证未通过的故障": "Faults that failed a verification",
    "曾验证未通过的故障占比%": "Faults that failed a verification %",
    "计时暂停": "Paused clocks", "暂停过的故障": "Faults paused", "暂停次数": "Pauses",
    "暂停总时长（分钟）": "Paused time in all (minutes)",
    "平均暂停时长（分钟，每个暂停过的故障）": "Mean paused time (minutes, per fault paused)",
    **{v.label_zh: v.label_en for kind in (FaultLevel, FaultType, Status) for v in kind},
}
_TOP = re.compile(r"受影响业务（前 (\d+) 名）")
_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2}) 至 (\d{4}-\d{2}-\d{2})")


def in_english(text: str) -> str:
    """The English of a label of these tables; other text (a business name) as it is."""
    if text in LABELS_EN:
        return LABELS_EN[text]
    if (top := _TOP.fullmatch(text)) is not None:
        return f"Affected business (top {top.group(1)})"
    if (period := _PERIOD.fullmatch(text)) is not None:
        return f"{period.group(1)} to {period.group(2)}"
    return text
