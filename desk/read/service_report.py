"""The monthly or quarterly service report (运维服务报告): the figures an IT manager reports
upward, beside the previous period's.

``compute(db, period)`` returns a ``ServiceReport`` of plain tables (``stats.Table``), so
the PDF (``reports.service_report``), the XLSX and the CLI print the same figures. The
counts, the clocks and the times on the clock come from the dashboard
(``desk.read.stats.compute``, one scan of the period grouped in SQL); this module adds
what the dashboard does not hold, each one grouped query:

- SLA 达成率 per level and clock = met / (met + met late + breached unmet); clocks still
  running within their limit are not decided yet and are left out. Cancelled faults and
  merged duplicates are not counted (as in the dashboard).
- MTTA = the mean time from report to response; MTTR = the mean time from report to the
  first workaround or restore (the restore clock). "On the clock" is elapsed time;
  "duty time" counts the way the level's SLA clock counts (working-day time for a
  clock in working days, elapsed time otherwise), read per fault for those levels only.
- Repeat-fault rate (重复故障发生率) = faults pointing to a problem that existed before they
  were reported / all faults of the period (``desk.read.problems``).
- Top root causes: the problems with most faults in the period, then the root causes
  written on faults without a problem, by the number of faults.
- Problems opened and solved in the period; action items open and overdue now, and
  those planned and done in the period; satisfaction (1–5) of faults rated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, Integer, and_, case, cast, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import ValidationError
from desk.read import calendar as workcal
from desk.read import settings, stats
from desk.read.stats import ALL, Table
from desk.rules import sla
from models import (
    ActionItem,
    ActionState,
    Department,
    FaultLevel,
    Person,
    Problem,
    ProblemState,
    Status,
    Ticket,
)

TOP = 10
NO_DEPARTMENT = "未登记部门"
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class Period:
    """A calendar month or quarter: [start, end) in local dates."""

    kind: str  # "month" or "quarter"
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.year}年{QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}"

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"

    def previous(self) -> Period:
        months = 1 if self.kind == "month" else 3
        return Period(self.kind, _add_months(self.start, -months), self.start)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month(text: str) -> Period:
    """``2026-11`` → November 2026."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2200:
        raise ValidationError({"month": (f"无法识别的月份：“{text}”，请按 2026-11 的格式填写。",
                                         f"Cannot read the month “{text}”; write it like 2026-11.")})
    start = date(int(found.group(1)), int(found.group(2)), 1)
    return Period("month", start, _add_months(start, 1))


def quarter(text: str) -> Period:
    """``2026Q4`` (or ``2026-Q4``) → October to December 2026."""
    found = re.fullmatch(r"\s*(\d{4})-?[Qq]([1-4])\s*", text or "")
    if not found or not 2000 <= int(found.group(1)) <= 2200:
        raise ValidationError({"quarter": (f"无法识别的季度：“{text}”，请按 2026Q4 的格式填写。",
                                           f"Cannot read the quarter “{text}”; write it like "
                                           "2026Q4.")})
    start = date(int(found.group(1)), 3 * (int(found.group(2)) - 1) + 1, 1)
    return Period("quarter", start, _add_months(start, 3))


@dataclass(frozen=True)
class KeyFigures:
    """The headline figures of one period (rates in %, times in minutes)."""

    total: int
    respond_rate: float | None
    restore_rate: float | None
    mtta: float | None
    mttr: float | None
    mtta_duty: float | None
    mttr_duty: float | None
    repeats: int
    repeat_rate: float | None
    rated: int
    satisfaction: float | None
    problems_opened: int
    problems_solved: int


@dataclass(frozen=True)
class ServiceReport:
    period: Period
    previous: Period
    organisation: str
    timezone: str
    generated_at: datetime  # local
    current: KeyFigures
    before: KeyFigures
    dashboard: stats.Dashboard  # the period's own
    comparison: Table
    sla_rates: Table
    times: Table
    by_department: Table
    root_causes: Table
    problems: Table
    actions: Table
    overdue_actions: Table
    satisfaction: Table

    @property
    def tables(self) -> list[Table]:
        d = self.dashboard
        return [self.comparison, self.sla_rates, self.times, d.by_level, d.by_type,
                d.top_businesses, self.by_department, self.root_causes, self.problems,
                self.actions, self.overdue_actions, self.satisfaction]

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {"period": self.period.code, "previous": self.previous.code,
                "start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                "timezone": self.timezone, "generated_at": self.generated_at.isoformat(),
                "current": self.current.__dict__, "before": self.before.__dict__,
                "tables": [{"key": t.key, "title": t.title, "headers": t.headers,
                            "rows": t.rows} for t in self.tables]}


# -- the figures --------------------------------------------------------------------------

def rate(met: int, late: int, breached: int) -> float | None:
    decided = met + late + breached
    return None if not decided else round(100.0 * met / decided, 1)


def _compliance_rows(table: Table) -> dict[str, tuple[int, int, int, int]]:
    """label → (met, late, running, breached) from a dashboard compliance table."""
    return {str(r[0]): (int(r[2]), int(r[4]), int(r[6]), int(r[8])) for r in table.rows}


def _means(board: stats.Dashboard) -> dict[tuple[str, str], tuple[int, float | None]]:
    """(metric label, level label) → (samples, mean minutes)."""
    return {(str(m), str(lv)): (int(n), mean) for m, lv, n, mean, _p90 in board.durations.rows}


def _not_counted() -> list[Any]:
    return [Ticket.status != Status.CANCELLED, Ticket.merged_into_id.is_(None)]


def _duty_times(session: Session, lo: datetime, hi: datetime, tz: ZoneInfo,
                board: stats.Dashboard) -> dict[tuple[str, int], float | None]:
    """(respond|restore, level or 0) → the mean in duty time (as the level's SLA counts)."""
    limits = settings.limits(session)
    means = _means(board)
    out: dict[tuple[str, int], float | None] = {}
    labels = {"respond": "响应", "restore": "恢复"}
    counted: dict[FaultLevel, list[float]] = {lv: [0.0, 0.0, 0, 0] for lv in FaultLevel}
    working_levels = [lv for lv in FaultLevel
                      if limits[lv].respond.working_days or limits[lv].restore.working_days]
    if working_levels:
        cal = workcal.load(session)
        by_hour = _duty_sums_by_hour(session, lo, hi, tz, limits, working_levels, cal)
        if by_hour is not None:
            counted.update(by_hour)
        else:
            _duty_sums_by_fault(session, lo, hi, tz, limits, working_levels, cal, counted)
    for clock_index, clock in enumerate(("respond", "restore")):
        all_sum, all_n = 0.0, 0
        for lv in FaultLevel:
            n_clock, mean_clock = means.get((labels[clock], lv.label_zh), (0, None))
            if lv in working_levels:
                total, n = counted[lv][clock_index], int(counted[lv][clock_index + 2])
            else:
                n = n_clock
                total = (mean_clock or 0.0) * n_clock
            out[(clock, int(lv))] = round(total / n, 1) if n else None
            all_sum += total
            all_n += n
        out[(clock, 0)] = round(all_sum / all_n, 1) if all_n else None
    return out


def _duty_filter(lo: datetime, hi: datetime, levels: list[FaultLevel]) -> list[Any]:
    return [Ticket.reported_at >= lo, Ticket.reported_at < hi,
            Ticket.level.in_(levels), Ticket.status != Status.CANCELLED,
            Ticket.merged_into_id.is_(None)]


def _duty_sums_by_fault(session: Session, lo: datetime, hi: datetime, tz: ZoneInfo,
                        limits: Any, levels: list[FaultLevel], cal: Any,
                        counted: dict[FaultLevel, list[float]]) -> None:
    """The minutes to response and to restore as each level's clock counts them (working-
    day time, or elapsed for a clock on the clock), summed per level over the period's
    faults one by one (sums and counts into ``counted``)."""
    t = Ticket.__table__.c
    # plain rows (no ORM entities): a month of a million faults is some 40,000 rows
    rows = session.connection().execute(
        select(t.level, t.reported_at, t.responded_at, t.workaround_at, t.restored_at)
        .where(t.reported_at >= lo, t.reported_at < hi, t.level.in_(levels),
               t.status != Status.CANCELLED.value, t.merged_into_id.is_(None))).all()
    local_lo = lo.astimezone(tz).date() - timedelta(days=1)
    latest = max((m for row in rows for m in row[2:] if m is not None), default=hi)
    clock_of = sla.WorkingTime(local_lo, max(latest, hi).astimezone(tz).date()
                               + timedelta(days=1), cal, tz)
    for level, reported, responded, workaround, restored in rows:
        lv = FaultLevel(level)
        sums = counted[lv]
        met = [m for m in (workaround, restored) if m is not None]
        for index, (done, limit) in enumerate(((responded, limits[lv].respond),
                                               (min(met) if met else None,
                                                limits[lv].restore))):
            if done is None:
                continue
            seconds = (clock_of.between(reported, done) if limit.working_days
                       else (done - reported).total_seconds())
            sums[index] += seconds / 60.0
            sums[index + 2] += 1


def _hour_of(column: Any, backend: str) -> tuple[Any, Any]:
    """(the UTC hour a moment falls in, its seconds past that hour) as SQL."""
    if backend == "sqlite":  # UTC text, "YYYY-MM-DD HH:MM:SS.ffffff": read to the µs
        text_hour = func.substr(column, 1, 13).op("||")(literal_column("':00:00'"))
        seconds = (cast(func.substr(column, 15, 2), Integer) * 60
                   + cast(func.substr(column, 18), Float))
        return text_hour, seconds
    utc = func.timezone(literal_column("'UTC'"), column)
    hour = func.date_trunc(literal_column("'hour'"), utc)
    return hour, func.extract("epoch", utc - hour)


def _duty_sums_by_hour(session: Session, lo: datetime, hi: datetime, tz: ZoneInfo,
                       limits: Any, levels: list[FaultLevel], cal: Any
                       ) -> dict[FaultLevel, list[float]] | None:
    """The same sums as ``_duty_sums_by_fault``, aggregated in SQL: the working time from
    report to done is W(done) − W(report), W the running total of working-day time; its
    sum over the faults is a sum over the UTC hours their moments fall in (a few hundred
    rows for a month, whatever the number of faults), each hour's W exact in Python
    (``sla.WorkingTime.hour_total``). None when an hour is not uniform in the desk's
    zone (offsets that are not whole hours): then fault by fault. A clock on the clock
    (of a level whose other clock counts working days) sums its elapsed minutes in SQL."""
    backend = session.get_bind().dialect.name
    done_of = {0: Ticket.responded_at, 1: stats.restored_column(backend)}
    elapsed = [func.sum(stats.minutes_between(done, Ticket.reported_at, backend))
               for done in done_of.values()]
    parts = []
    for clock, done in done_of.items():
        for side, moment in (("r", Ticket.reported_at), ("d", done)):
            hour, seconds = _hour_of(moment, backend)
            parts.append(
                select(literal_column(str(clock)).label("clock"),
                       literal_column(f"'{side}'").label("side"),
                       Ticket.level.label("level"), hour.label("hour"),
                       func.count().label("n"), func.sum(seconds).label("seconds"))
                .where(*_duty_filter(lo, hi, levels), done.is_not(None),
                       done > Ticket.reported_at)
                .group_by(Ticket.level, hour))
    hours = session.execute(union_all(*parts)).all()
    counts = session.execute(
        select(Ticket.level, func.count(done_of[0]), func.count(done_of[1]), *elapsed)
        .where(*_duty_filter(lo, hi, levels)).group_by(Ticket.level)).all()
    moments = [(clock, side, FaultLevel(level), _utc_hour(hour), int(n), float(seconds or 0))
               for clock, side, level, hour, n, seconds in hours]
    latest = max((m[3] for m in moments), default=hi) + timedelta(hours=1)
    clock_of = sla.WorkingTime(lo.astimezone(tz).date() - timedelta(days=1),
                               max(latest, hi).astimezone(tz).date() + timedelta(days=1),
                               cal, tz)
    counted: dict[FaultLevel, list[float]] = {lv: [0.0, 0.0, 0, 0] for lv in FaultLevel}
    for clock, side, level, hour, n, seconds in moments:
        total = clock_of.hour_total(hour, n, seconds)
        if total is None:
            return None
        counted[level][int(clock)] += (total if side == "d" else -total) / 60.0
    for level, responded, restored, respond_minutes, restore_minutes in counts:
        lv = FaultLevel(level)
        counted[lv][2], counted[lv][3] = int(responded), int(restored)
        for index, (limit, minutes) in enumerate(((limits[lv].respond, respond_minutes),
                                                  (limits[lv].restore, restore_minutes))):
            if not limit.working_days:
                counted[lv][index] = float(minutes or 0.0)
    return counted


def _utc_hour(value: Any) -> datetime:
    """An hour from ``_hour_of`` (SQLite: text; PostgreSQL: a timestamp in UTC)."""
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _reported_at(session: Session) -> Any:
    """``reported_at`` for a query that should be driven by another index: on SQLite
    written ``+tickets.reported_at``, so that the planner reads the few faults with a
    problem (a partial index) instead of every fault of the period by date."""
    if session.get_bind().dialect.name == "sqlite":
        return literal_column("+tickets.reported_at", Ticket.reported_at.type)
    return Ticket.reported_at


def _repeats(session: Session, lo: datetime, hi: datetime) -> int:
    reported = _reported_at(session)
    return int(session.scalar(
        select(func.count()).select_from(Ticket).join(Problem, Problem.id == Ticket.problem_id)
        .where(Ticket.problem_id.is_not(None), reported >= lo, reported < hi,
               Ticket.merged_into_id.is_(None), Ticket.reported_at > Problem.created_at)) or 0)


def _satisfaction(session: Session, lo: datetime, hi: datetime) -> dict[int, int]:
    rows = session.execute(
        select(Ticket.satisfaction, func.count())
        .where(Ticket.reported_at >= lo, Ticket.reported_at < hi,
               Ticket.satisfaction.is_not(None), Ticket.merged_into_id.is_(None))
        .group_by(Ticket.satisfaction))
    return {int(score or 0): int(n) for score, n in rows}


def _problem_counts(session: Session, lo: datetime, hi: datetime) -> tuple[int, int]:
    opened = session.scalar(select(func.count(Problem.id)).where(
        Problem.created_at >= lo, Problem.created_at < hi)) or 0
    solved = session.scalar(select(func.count(Problem.id)).where(
        Problem.resolved_at >= lo, Problem.resolved_at < hi)) or 0
    return int(opened), int(solved)


def _figures(db: Database, period: Period, parts: frozenset[str]
             ) -> tuple[KeyFigures, stats.Dashboard, dict[tuple[str, int], float | None],
                        dict[int, int]]:
    board = stats.compute(db, period.start, period.end, parts=parts)
    with db.read() as session:
        tz = settings.timezone(session)
        lo, hi = stats.utc_bounds(period.start, period.end, tz)
        duty = _duty_times(session, lo, hi, tz, board)
        repeats = _repeats(session, lo, hi)
        scores = _satisfaction(session, lo, hi)
        opened, solved = _problem_counts(session, lo, hi)
    respond = _compliance_rows(board.respond_compliance)[ALL]
    restore = _compliance_rows(board.restore_compliance)[ALL]
    means = _means(board)
    rated = sum(scores.values())
    figures = KeyFigures(
        total=board.total,
        respond_rate=rate(respond[0], respond[1], respond[3]),
        restore_rate=rate(restore[0], restore[1], restore[3]),
        mtta=means.get(("响应", ALL), (0, None))[1],
        mttr=means.get(("恢复", ALL), (0, None))[1],
        mtta_duty=duty[("respond", 0)], mttr_duty=duty[("restore", 0)],
        repeats=repeats, repeat_rate=stats.percent(repeats, board.total),
        rated=rated,
        satisfaction=round(sum(s * n for s, n in scores.items()) / rated, 2) if rated else None,
        problems_opened=opened, problems_solved=solved)
    return figures, board, duty, scores


def compute(db: Database, period: Period, top: int = TOP) -> ServiceReport:
    """The service report of ``period``, with the previous period beside it."""
    # the period's own dashboard without its weekly trend; the previous period's only
    # for its headline figures (counts, clocks and means: the one grouped scan)
    current, board, duty, scores = _figures(db, period, frozenset({"p90", "businesses"}))
    previous = period.previous()
    before, _board, _duty, _scores = _figures(db, previous, frozenset())
    now = db.now()
    with db.read() as session:
        tz = settings.timezone(session)
        organisation = str(settings.get(session, "organisation") or "")
        lo, hi = stats.utc_bounds(period.start, period.end, tz)
        today = now.astimezone(tz).date()
        departments = _departments(session, lo, hi, top)
        causes = _root_causes(session, lo, hi, top)
        problems = _problems(session, lo, hi)
        actions, overdue = _actions(session, lo, hi, today)
        comments = _comments(session, lo, hi)
    return ServiceReport(
        period=period, previous=previous, organisation=organisation, timezone=tz.key,
        generated_at=now.astimezone(tz), current=current, before=before, dashboard=board,
        comparison=_comparison(current, before, period, previous),
        sla_rates=_sla_table(board), times=_times_table(board, duty),
        by_department=departments, root_causes=causes, problems=problems, actions=actions,
        overdue_actions=overdue, satisfaction=_satisfaction_table(scores, comments))


# -- the tables ---------------------------------------------------------------------------

COMPARED: list[tuple[str, str, str]] = [
    ("total", "故障总数", ""), ("respond_rate", "响应 SLA 达成率", "%"),
    ("restore_rate", "恢复 SLA 达成率", "%"), ("mtta", "MTTA（分钟，自然时间）", ""),
    ("mttr", "MTTR（分钟，自然时间）", ""), ("mtta_duty", "MTTA（分钟，计时口径）", ""),
    ("mttr_duty", "MTTR（分钟，计时口径）", ""), ("repeats", "重复故障数", ""),
    ("repeat_rate", "重复故障发生率", "%"), ("satisfaction", "平均满意度（1–5）", ""),
    ("problems_opened", "新增问题", ""), ("problems_solved", "解决问题", ""),
]


def _comparison(now: KeyFigures, before: KeyFigures, period: Period, previous: Period) -> Table:
    rows: list[list[Any]] = []
    for key, label, _unit in COMPARED:
        a, b = getattr(now, key), getattr(before, key)
        change = None if a is None or b is None else round(float(a) - float(b), 2)
        rows.append([label, a, b, change])
    return Table("comparison", "关键指标与上期对比",
                 ["指标", period.label, previous.label, "变化"], rows)


def _sla_table(board: stats.Dashboard) -> Table:
    respond = _compliance_rows(board.respond_compliance)
    restore = _compliance_rows(board.restore_compliance)
    rows: list[list[Any]] = []
    for label in [*(lv.label_zh for lv in FaultLevel), ALL]:
        for clock, counts in (("响应", respond[label]), ("恢复", restore[label])):
            met, late, running, breached = counts
            rows.append([label, clock, met, late, breached, running,
                         rate(met, late, breached)])
    return Table("sla_rates", "SLA 达成率（按等级与时钟）",
                 ["等级", "时钟", "按时", "超时完成", "超时未完成", "计时中", "达成率%"], rows)


def _times_table(board: stats.Dashboard, duty: dict[tuple[str, int], float | None]) -> Table:
    means = _means(board)
    rows: list[list[Any]] = []
    for lv in [*FaultLevel, None]:
        label = ALL if lv is None else lv.label_zh
        key = 0 if lv is None else int(lv)
        rows.append([label, means.get(("响应", label), (0, None))[1], duty[("respond", key)],
                     means.get(("恢复", label), (0, None))[1], duty[("restore", key)],
                     means.get(("解决", label), (0, None))[1]])
    return Table("times", "MTTA / MTTR（分钟）",
                 ["等级", "MTTA 自然时间", "MTTA 计时口径", "MTTR 自然时间", "MTTR 计时口径",
                  "平均解决用时"], rows)


def _departments(session: Session, lo: datetime, hi: datetime, top: int) -> Table:
    """Faults by the reporter's department: counted per reporter in SQL (one pass over the
    period, no join per fault), the few reporters then mapped to departments here."""
    per_reporter = session.execute(
        select(Ticket.reporter_employee_no, func.count())
        .where(Ticket.reported_at >= lo, Ticket.reported_at < hi,
               Ticket.merged_into_id.is_(None))
        .group_by(Ticket.reporter_employee_no)).all()
    numbers = [str(no) for no, _ in per_reporter if no]
    department_of: dict[str, str] = {}
    if numbers:
        department_of = {str(no): str(name) for no, name in session.execute(
            select(Person.employee_no, Department.name)
            .join(Department, Department.id == Person.department_id)
            .where(Person.employee_no.in_(numbers)))}
    counts: dict[str, int] = {}
    for no, n in per_reporter:
        name = department_of.get(str(no or ""), NO_DEPARTMENT)
        counts[name] = counts.get(name, 0) + int(n)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(counts.values())
    shown: list[list[Any]] = [[d, n, stats.percent(n, total)] for d, n in rows[:top]]
    rest = sum(n for _, n in rows[top:])
    if rest:
        shown.append(["其他部门", rest, stats.percent(rest, total)])
    return Table("by_department", "按报告部门", ["部门", "故障数", "占比%"], shown)


def _root_causes(session: Session, lo: datetime, hi: datetime, top: int) -> Table:
    in_period = [Ticket.reported_at >= lo, Ticket.reported_at < hi,
                 Ticket.merged_into_id.is_(None)]
    reported = _reported_at(session)
    count = func.count().label("n")
    by_problem = session.execute(
        select(Problem.number, Problem.title, Problem.root_cause, Problem.state, count)
        .join(Ticket, Ticket.problem_id == Problem.id)
        .where(Ticket.problem_id.is_not(None), reported >= lo, reported < hi,
               Ticket.merged_into_id.is_(None))
        .group_by(Problem.id, Problem.number, Problem.title, Problem.root_cause, Problem.state)
        .order_by(count.desc(), Problem.number).limit(top)).all()
    written = session.execute(
        select(Ticket.root_cause, count)
        .where(*in_period, Ticket.problem_id.is_(None), Ticket.root_cause != "")
        .group_by(Ticket.root_cause).order_by(count.desc(), Ticket.root_cause)
        .limit(top)).all()
    rows: list[list[Any]] = [
        [f"{number} {title}", root or "（分析中）", ProblemState(state).label_zh, int(n)]
        for number, title, root, state, n in by_problem]
    rows += [["—", str(cause), "", int(n)] for cause, n in written]
    rows.sort(key=lambda r: -int(r[3]))
    return Table("root_causes", f"主要根本原因（前 {top} 项）",
                 ["问题", "根本原因", "问题状态", "故障数"], rows[:top])


def _problems(session: Session, lo: datetime, hi: datetime) -> Table:
    count = select(func.count()).where(Ticket.problem_id == Problem.id).scalar_subquery()
    rows = session.execute(
        select(Problem.number, Problem.title, Problem.state, Problem.created_at,
               Problem.resolved_at, count)
        .where(((Problem.created_at >= lo) & (Problem.created_at < hi))
               | ((Problem.resolved_at >= lo) & (Problem.resolved_at < hi)))
        .order_by(Problem.id)).all()
    return Table("problems", "本期新增与解决的问题",
                 ["编号", "标题", "状态", "本期新增", "本期解决", "关联故障"],
                 [[n, t, ProblemState(s).label_zh, "是" if lo <= c < hi else "",
                   "是" if r is not None and lo <= r < hi else "", int(k)]
                  for n, t, s, c, r, k in rows])


def _actions(session: Session, lo: datetime, hi: datetime, today: date) -> tuple[Table, Table]:
    is_open = ActionItem.state == ActionState.OPEN
    opened, overdue, planned, done = session.execute(select(
        func.count(case((is_open, 1))),
        func.count(case((and_(is_open, ActionItem.due_on < today), 1))),
        func.count(case((and_(ActionItem.created_at >= lo, ActionItem.created_at < hi), 1))),
        func.count(case((and_(ActionItem.done_at >= lo, ActionItem.done_at < hi), 1))),
    )).one()
    summary = Table("actions", "整改措施", ["指标", "数值"], [
        ["未完成（当前）", int(opened)], ["已逾期（当前）", int(overdue)],
        ["本期新增", int(planned)], ["本期完成", int(done)]])
    rows = session.execute(
        select(ActionItem.title, Person.name, ActionItem.due_on, Ticket.number, Problem.number)
        .join(Person, Person.id == ActionItem.owner_id)
        .outerjoin(Ticket, Ticket.id == ActionItem.ticket_id)
        .outerjoin(Problem, Problem.id == ActionItem.problem_id)
        .where(is_open, ActionItem.due_on < today)
        .order_by(ActionItem.due_on, ActionItem.id).limit(50)).all()
    listing = Table("overdue_actions", "逾期的整改措施", ["措施", "负责人", "完成期限", "所属"],
                    [[t, o, f"{d:%Y-%m-%d}", " ".join(x for x in (n, p) if x)]
                     for t, o, d, n, p in rows])
    return summary, listing


def _comments(session: Session, lo: datetime, hi: datetime, limit: int = 5) -> list[str]:
    return [f"{n}（{s} 分）：{c}" for n, s, c in session.execute(
        select(Ticket.number, Ticket.satisfaction, Ticket.satisfaction_comment)
        .where(Ticket.reported_at >= lo, Ticket.reported_at < hi,
               Ticket.satisfaction.is_not(None), Ticket.satisfaction_comment != "")
        .order_by(Ticket.satisfaction, Ticket.id).limit(limit))]


def _satisfaction_table(scores: dict[int, int], comments: Iterable[str]) -> Table:
    rated = sum(scores.values())
    rows: list[list[Any]] = [[f"{s} 分", scores.get(s, 0), stats.percent(scores.get(s, 0), rated)]
                             for s in (5, 4, 3, 2, 1)]
    mean = round(sum(s * n for s, n in scores.items()) / rated, 2) if rated else None
    rows.append(["平均", mean, None])
    rows += [["意见", c, None] for c in comments]
    return Table("satisfaction", "满意度", ["评分", "故障数", "占比%"], rows)
