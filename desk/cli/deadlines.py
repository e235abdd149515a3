"""Deadlines on the command line: ``desk sla``, ``desk duty-hours``, ``desk limits`` and
``desk calendar`` (pausing is ``desk pause`` / ``desk resume``, steps of the table).

``desk sla --level 3 --at "2026-11-27 17:20" --explain`` prints both deadlines a fault
reported then would get, with the clock kind and the periods that counted.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from desk.admin import team
from desk.cli.identity import acting
from desk.cli.output import CALENDAR_FILE_MAX, count, label, read_small_file, safe
from desk.db import Database
from desk.errors import LANGUAGE, DeskError, ValidationError
from desk.read import calendar as workcal
from desk.read import clocks, settings
from desk.rules import sla, spans
from desk.rules.limits import ClockKind, ClockLimit
from desk.rules.timeutil import format_local, parse_time
from models import DayKind, FaultLevel

CLOCKS = [k.value for k in ClockKind]
YEAR = count(2000, 2200)
WEEKDAYS = "一二三四五六日"


def _en() -> bool:
    return LANGUAGE["current"].startswith("en")


def _say(zh: str, en: str) -> str:
    return en if _en() else zh


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    s = sub.add_parser(
        "sla", help="SLA clocks of a fault, or the deadlines a new one would get",
        description="With a fault number: both SLA clocks of that fault (respond and "
        "restore: deadline, state, time left or margin). With --level: the deadlines a fault "
        "of that level reported at --at would get.")
    s.add_argument("number", nargs="?", help="the fault number (or use --level)")
    s.add_argument("--level", type=int, choices=[1, 2, 3],
                   help="the level of a fault not yet reported")
    s.add_argument("--at", help="report time for --level (default: now)")
    s.add_argument("--explain", action="store_true",
                   help="list the periods that counted towards each deadline")
    s.add_argument("--json", action="store_true")

    d = sub.add_parser("duty-hours", help="the desk's duty hours (值班时间) on working days")
    dsub = d.add_subparsers(dest="duty_command", metavar="ACTION", required=True)
    ds = dsub.add_parser("set", help="e.g. desk duty-hours set 08:30-12:00 13:30-17:30")
    ds.add_argument("periods", nargs="+", metavar="HH:MM-HH:MM",
                    help="the duty periods of a working day, e.g. 08:30-12:00 13:30-17:30")
    ds.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    dsub.add_parser("show", help="print the duty hours")

    lim = sub.add_parser("limits", help="SLA limits per level and how each clock counts")
    lsub = lim.add_subparsers(dest="limits_command", metavar="ACTION", required=True)
    ls = lsub.add_parser("set", help="one level's limits; clocks: clock, workdays, duty")
    ls.add_argument("--level", type=int, choices=[1, 2, 3], required=True,
                    help="the level whose limits change")
    for clock in ("respond", "restore"):
        amount = ls.add_mutually_exclusive_group()
        amount.add_argument(f"--{clock}-minutes", type=count(1, 3650 * 1440), metavar="N",
                            help=f"the {clock} limit in minutes")
        amount.add_argument(f"--{clock}-days", type=count(1, 3650), metavar="N",
                            help="whole days (in duty hours: full duty days)")
        ls.add_argument(f"--{clock}-clock", choices=CLOCKS,
                        help="how it counts: on the clock, in working days or in duty hours")
    ls.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    lshow = lsub.add_parser("show", help="print the limits of every level")
    lshow.add_argument("--json", action="store_true")

    cal = sub.add_parser("calendar", help="the working-day calendar")
    calsub = cal.add_subparsers(dest="cal_command", metavar="ACTION", required=True)
    cl = calsub.add_parser("list", help="holidays and make-up working days of a year")
    cl.add_argument("--year", type=YEAR, help="default: this year")
    ca = calsub.add_parser("add", help="declare a holiday or a make-up working day")
    ca.add_argument("date", help="the day, e.g. 2027-10-01")
    kind = ca.add_mutually_exclusive_group(required=True)
    kind.add_argument("--holiday", action="store_true", help="a day off (休)")
    kind.add_argument("--workday", action="store_true", help="make-up working day (调休)")
    kind.add_argument("--remove", action="store_true", help="back to the weekday rule")
    ca.add_argument("--name", default="", help="the holiday's name, e.g. 国庆节")
    ca.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    ci = calsub.add_parser("import", help="replace a year from CSV (UTF-8/GBK), XLSX, "
                           "holiday-cn JSON or ICS; --preview shows what would change")
    ci.add_argument("file", help="the calendar file: CSV, XLSX, holiday-cn JSON or ICS")
    ci.add_argument("--year", type=YEAR, required=True,
                    help="the year the file holds (it replaces that year)")
    ci.add_argument("--preview", action="store_true", help="show the year; change nothing")
    ci.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO")
    cc = calsub.add_parser("complete", help="confirm a year complete (its deadlines are "
                           "no longer estimated)")
    cc.add_argument("year", type=YEAR, help="the year to confirm, e.g. 2027")
    cc.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO",
                    help="who acts: must be who is signed in (optional)")
    ce = calsub.add_parser("export", help="write a year as CSV (or --template to fill in)")
    ce.add_argument("year", type=YEAR, help="the year to write, e.g. 2027")
    ce.add_argument("-o", "--output", required=True, metavar="FILE", help="the CSV file to write")
    ce.add_argument("--template", action="store_true",
                    help="an empty year to fill in, with the header and an example")
    cp = calsub.add_parser("package", help="add the years the installed chinesecalendar "
                           "covers and the database lacks")
    cp.add_argument("--as", dest="actor", metavar="EMPLOYEE_NO")
    return {"sla": _cmd_sla, "duty-hours": _cmd_duty_hours, "limits": _cmd_limits,
            "calendar": _cmd_calendar}


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _tz(db: Database) -> ZoneInfo:
    with db.read() as session:
        return settings.timezone(session)


def _periods(explained: sla.Explained, tz: ZoneInfo) -> list[str]:
    words = spans.words(_en())
    lines = []
    for p in explained.periods:
        start, end = p.start.astimezone(tz), p.end.astimezone(tz)
        day = (f"{start:%Y-%m-%d} {start.strftime('%a')}" if _en()
               else f"{start:%Y-%m-%d} 周{WEEKDAYS[start.weekday()]}")
        end_text = "24:00" if end.date() != start.date() else f"{end:%H:%M}"
        lines.append(f"    {day} {start:%H:%M}–{end_text}  {spans.span(end - start, words)}")
    total = spans.span(timedelta(minutes=explained.counted_minutes), words)
    lines.append("    " + _say(f"合计 {total}（{explained.clock.label_zh}）",
                               f"total {total} ({explained.clock.label_en})"))
    return lines


def _periods_json(explained: sla.Explained, tz: ZoneInfo) -> list[dict[str, Any]]:
    return [{"start": p.start.astimezone(tz).isoformat(), "end": p.end.astimezone(tz).isoformat(),
             "minutes": round(p.minutes, 2)} for p in explained.periods]


def _cmd_sla(db: Database, args: argparse.Namespace) -> int:
    tz = _tz(db)
    if args.number:
        return _sla_of_ticket(db, args, tz)
    if args.level is None:
        from desk.cli.base import UsageError

        raise UsageError("请给出故障编号，或 --level。", "Give a fault number or --level.")
    at = parse_time(args.at, tz, "at") if args.at else db.now()
    with db.read() as session:
        limits = settings.limits(session)[FaultLevel(args.level)]
        cal = workcal.load(session)
        duty = settings.duty_hours(session)
    respond = sla.explain(at, limits.respond, cal, tz, duty)
    restore = sla.explain(at, limits.restore, cal, tz, duty)
    if args.json:
        out: dict[str, Any] = {"reported_at": at.astimezone(tz).isoformat()}
        for name, e in (("respond", respond), ("restore", restore)):
            out[f"{name}_due_at"] = e.deadline.due_at.astimezone(tz).isoformat()
            out[f"{name}_estimated"] = e.deadline.estimated
            out[f"{name}_clock"] = e.clock.value
            if args.explain:
                out[f"{name}_periods"] = _periods_json(e, tz)
        if args.explain:
            out["duty_hours"] = duty.texts()
        _print_json(out)
        return 0
    level = FaultLevel(args.level)
    print(_say(f"报告时间 {format_local(at, tz)}  {level.label_zh}",
               f"Reported {format_local(at, tz)}  {level.label_en}"))
    for zh, en, e, lim in (("响应", "respond", respond, limits.respond),
                           ("恢复", "restore", restore, limits.restore)):
        est = _say("（估算：日历未覆盖该年，按周一至周五计）",
                   " (estimated: the calendar lacks the year, Monday to Friday assumed)") \
            if e.deadline.estimated else ""
        due = format_local(e.deadline.due_at, tz)
        print(_say(f"{zh}时限 {lim.describe_zh()}  截止 {due}{est}",
                   f"{en} within {lim.describe_en()}  due {due}{est}"))
        if args.explain:
            print("  " + _say("计入的时段：", "periods that counted:"))
            for line in _periods(e, tz):
                print(line)
    if args.explain:
        print(_say(f"值班时间（工作日）：{duty.describe()}",
                   f"duty hours (working days): {duty.describe()}"))
    return 0


def _sla_of_ticket(db: Database, args: argparse.Namespace, tz: ZoneInfo) -> int:
    status = clocks.ticket_sla(db, args.number)
    explained = clocks.explain_ticket(db, args.number) if args.explain else None
    if args.json:
        data = status.to_json()
        if explained is not None:
            data["respond"]["periods"] = _periods_json(explained.respond, tz)  # type: ignore[index]
            data["restore"]["periods"] = _periods_json(explained.restore, tz)  # type: ignore[index]
            data["pauses"] = [p.to_json() for p in explained.pauses]
        _print_json(data)
        return 0
    words = spans.words(_en())
    print(f"{args.number.strip().upper()}  {label(status.level)}")
    for name, c, e in ((_say("响应", "Respond"), status.respond,
                        explained.respond if explained else None),
                       (_say("恢复", "Restore"), status.restore,
                        explained.restore if explained else None)):
        est = _say("（估算：日历未覆盖该年）",
                   " (estimated: the calendar does not cover that year)") if c.estimated else ""
        if c.met_at is not None:
            # a stopped clock: when it stopped, and the margin (negative when late)
            margin = spans.margin_or_late(c.remaining, words)  # 1小时05分, 超时 15分
            if c.remaining.total_seconds() >= 0:
                margin = f"{_say('余量', 'margin')} {margin}"
            tail = f"{_say('完成于', 'met at')} {format_local(c.met_at, tz)}  {margin}"
        elif c.state == sla.ClockState.CANCELLED:
            tail = _say("故障已撤销，计时停止", "the fault was cancelled; the clock stopped")
        else:
            tail = spans.left_or_over(c.remaining, words)  # 剩余 4分, 已超时 15分
        # as the window's SLA line: a deadline passed says so once (已超时 15分)
        overdue = c.met_at is None and c.remaining.total_seconds() < 0 \
            and c.state == sla.ClockState.BREACHED
        standing = tail if overdue else f"{label(c.state)}  {tail}"
        print(f"{name}  {_say('截止', 'due')} {format_local(c.due_at, tz)}{est}  {standing}")
        if e is not None:
            print(f"  {_say(c.clock.label_zh + '，计入的时段：', c.clock.label_en + ', periods that counted:')}")
            for line in _periods(e, tz):
                print(line)
    if status.paused:
        print(f"{_say('已暂停：', 'Paused: ')}{safe(status.pause_reason)}")
    paused = status.respond.paused
    if paused:
        print(f"{_say('暂停合计', 'Paused in all')} {spans.span(paused, words)}")
    if explained is not None:
        for p in explained.pauses:
            end = format_local(p.ended_at, tz) if p.ended_at else _say("（暂停中）", "(paused)")
            print(f"  {_say('暂停', 'paused')} {format_local(p.started_at, tz)} – {end}  "
                  f"{safe(p.reason)}  {safe(p.started_by)}")
    resolve = (spans.span(status.time_to_resolve, words)
               if status.time_to_resolve is not None else _say("未解决", "not resolved"))
    print(f"{_say('解决用时', 'Time to resolve')} {resolve}")
    return 0


def _cmd_duty_hours(db: Database, args: argparse.Namespace) -> int:
    if args.duty_command == "set":
        actor = acting(db, args)
        team.set_duty_hours(db, actor, args.periods)
    with db.read() as session:
        duty = settings.duty_hours(session)
    day = spans.span(timedelta(minutes=duty.minutes_per_day), spans.words(_en()))
    print(_say(f"值班时间（工作日）：{duty.describe()}，每天 {day}",
               f"duty hours (working days): {duty.describe()}, {day} a day"))
    return 0


def _limit_from(args: argparse.Namespace, clock: str, current: ClockLimit) -> ClockLimit:
    minutes, days = getattr(args, f"{clock}_minutes"), getattr(args, f"{clock}_days")
    kind_text = getattr(args, f"{clock}_clock")
    kind = ClockKind(kind_text) if kind_text else current.clock
    for value in (minutes, days):
        if value is not None and not 0 < value <= (3650 if value is days else 3650 * 1440):
            raise ValidationError({clock: ("时限须为正数。", "A limit must be positive.")})
    if days is not None:
        return ClockLimit.of_days(days, kind)
    if minutes is not None:
        return ClockLimit(minutes, kind)
    if current.days:
        return ClockLimit.of_days(current.days, kind)
    return ClockLimit(current.minutes, kind)


def _cmd_limits(db: Database, args: argparse.Namespace) -> int:
    if args.limits_command == "set":
        actor = acting(db, args)
        level = FaultLevel(args.level)
        current = team.read_team_settings(db).limits[level]
        team.set_level_limits(db, actor, level, _limit_from(args, "respond", current.respond),
                              _limit_from(args, "restore", current.restore))
    limits = team.read_team_settings(db).limits
    if getattr(args, "json", False):
        _print_json({str(int(lv)): {"respond": v.respond.to_json(),
                                    "restore": v.restore.to_json()} for lv, v in limits.items()})
        return 0
    for level, v in sorted(limits.items()):
        if _en():
            print(f"{level.label_en}  respond {v.respond.describe_en()}  "
                  f"restore {v.restore.describe_en()}")
        else:
            print(f"{level.label_zh}  响应 {v.respond.describe_zh()}  "
                  f"恢复 {v.restore.describe_zh()}")
    return 0


def _read(path: str) -> bytes:
    return read_small_file(Path(path), CALENDAR_FILE_MAX)


def _cmd_calendar(db: Database, args: argparse.Namespace) -> int:
    command = args.cal_command
    if command == "list":
        return _calendar_list(db, args)
    if command == "export":
        data = team.calendar_export(db, args.year, args.template)
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise DeskError(f"无法写入 {args.output}：{exc.strerror or exc}",
                            f"Cannot write {args.output}: {exc.strerror or exc}") from exc
        print(_say(f"已写入 {args.output}", f"written to {args.output}"))
        return 0
    if command == "import" and args.preview:
        preview, errors = team.calendar_preview(db, args.year, _read(args.file),
                                                Path(args.file).name)
        for line in preview.lines(_en()):
            print(line)
        if errors:
            raise ValidationError({(f"line{e.line}" if e.line else "file"): (e.zh, e.en)
                                   for e in errors})
        print(_say(f"未做任何更改。导入：desk calendar import {args.file} --year {args.year} "
                   "--as 工号；确认完整：desk calendar complete "
                   f"{args.year} --as 工号",
                   f"nothing changed. To import: desk calendar import {args.file} --year "
                   f"{args.year} --as NO; to confirm it complete: desk calendar complete "
                   f"{args.year} --as NO"))
        return 0
    actor = acting(db, args)
    if command == "add":
        kind = None if args.remove else (DayKind.HOLIDAY if args.holiday else DayKind.WORKDAY)
        changed = team.calendar_add(db, actor, args.date, kind, args.name)
        print(_say(f"已更新，重新计算了 {changed} 个未结故障的时限。",
                   f"Updated; {changed} open deadlines recomputed."))
        return 0
    if command == "complete":
        changed = team.calendar_complete(db, actor, args.year)
        print(_say(f"{args.year} 年已确认完整，重新计算了 {changed} 个未结故障的时限。",
                   f"{args.year} confirmed complete; {changed} open deadlines recomputed."))
        return 0
    if command == "package":
        years = team.package_years_offer(db)
        if not years:
            print(_say("已安装的 chinesecalendar 没有数据库缺少的年份。",
                       "The installed chinesecalendar covers no year the database lacks."))
            return 0
        added = team.calendar_add_package_years(db, actor, years)
        print(_say(f"已从 chinesecalendar 加入 {', '.join(map(str, years))} 年（{added} 天）。",
                   f"Added {', '.join(map(str, years))} from chinesecalendar ({added} days)."))
        return 0
    added, changed = team.calendar_import(db, actor, args.year, _read(args.file),
                                          Path(args.file).name)
    print(_say(f"已导入 {added} 天，重新计算了 {changed} 个未结故障的时限；确认该年完整后截止时间不再"
               f"为估算：desk calendar complete {args.year}",
               f"Imported {added} days; {changed} open deadlines recomputed; confirm the year "
               f"with desk calendar complete {args.year}"))
    return 0


def _calendar_list(db: Database, args: argparse.Namespace) -> int:
    tz = _tz(db)
    year = args.year or db.now().astimezone(tz).year
    view = team.calendar_year(db, year)
    for day, kind, name, source in view.days:
        mark = _say("休", "off") if kind == DayKind.HOLIDAY else _say("班", "work")
        print(f"{day}  {mark}  {safe(name)}  ({safe(source)})")
    if not view.covered:
        print(_say(f"{year} 年未确认完整：按周一至周五计算，截止时间为估算。",
                   f"{year} is not in the calendar: deadlines are estimated."))
    missing = team.package_years_offer(db)
    if missing:
        print(_say(f"已安装的 chinesecalendar 含有数据库缺少的 {', '.join(map(str, missing))} 年："
                   "desk calendar package --as 工号 可加入。",
                   f"The installed chinesecalendar covers {', '.join(map(str, missing))}: add "
                   "them with desk calendar package --as NO"))
    today = db.now().astimezone(tz).date()
    with db.read() as session:
        years = workcal.load(session).years
    from desk.rules.workdays import next_year_missing

    upcoming = next_year_missing(today, years)
    if upcoming is not None:
        print(_say(f"提醒：{upcoming} 年的节假日尚未导入。",
                   f"Reminder: {upcoming} is not in the calendar yet."))
    return 0
