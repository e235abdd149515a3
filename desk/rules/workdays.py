"""The Chinese working-day calendar as values: which days are working days, given the
holidays and make-up working days (调休), and the parsing of an imported year.

A day is a working day when it is Monday to Friday and not a holiday, or when it is a
declared make-up working day. Outside the complete years Monday to Friday is assumed
and every deadline that depends on such a day is marked *estimated*.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from desk.errors import ValidationError
from models.vocabulary import DayKind


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable snapshot of the calendar, cheap to query many times."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def covers(self, day: date) -> bool:
        return day.year in self.years


KIND_WORDS: dict[str, DayKind] = {
    "holiday": DayKind.HOLIDAY, "off": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY, "休息": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY, "假日": DayKind.HOLIDAY, "法定节假日": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "work": DayKind.WORKDAY, "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY, "补班": DayKind.WORKDAY, "调休": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY, "工作日": DayKind.WORKDAY,
}
HEADER_WORDS = {
    "date": ("日期", "date", "day"),
    "kind": ("类型", "kind", "type", "状态", "休/班"),
    "name": ("名称", "name", "节日", "说明", "备注", "holiday"),
}
WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True)
class LineError:
    line: int  # 0: the file as a whole
    zh: str
    en: str


@dataclass
class ParsedCalendar:
    """What a calendar file holds: its days and a message for each line not understood."""

    rows: list[tuple[date, DayKind, str]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    format: str = "csv"
    encoding: str = "utf-8"

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError({(f"line{e.line}" if e.line else "file"): (e.zh, e.en)
                                   for e in self.errors})


def parse_date(text: str) -> date | None:
    """``2027-01-01``, ``2027/1/1``, ``2027.1.1``, ``20270101`` or ``2027年1月1日``."""
    t = text.strip().replace("年", "-").replace("月", "-").rstrip("日").strip()
    if " " in t:  # a date with a time of day (Excel: "2027/1/1 0:00")
        t = t.split(" ", 1)[0]
    try:
        if t.isdigit() and len(t) == 8:
            return date(int(t[:4]), int(t[4:6]), int(t[6:]))
        for sep in ("-", "/", "."):
            parts = t.split(sep)
            if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None
    return None


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file saved as UTF-8 (with or without BOM) or GBK/GB18030 (Excel on
    Chinese Windows), and which it was."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ValidationError({"file": (
            "无法识别文件的编码：请保存为 UTF-8 或 GBK 编码的 CSV。",
            "The file's encoding is not understood: save it as a CSV in UTF-8 or GBK.")}) \
            from None


def parse_calendar(data: bytes, filename: str = "") -> ParsedCalendar:
    """Read a calendar file: CSV (UTF-8 or GBK, comma, tab or semicolon, a Chinese, an
    English or no header), XLSX, the per-year JSON of holiday-cn, or ICS."""
    name = filename.lower()
    if data[:2] == b"PK" or name.endswith((".xlsx", ".xlsm")):
        return _parse_xlsx(data)
    text, encoding = decode(data)
    stripped = text.lstrip()
    if stripped.startswith("{") or name.endswith(".json"):
        parsed = _parse_holiday_cn(stripped)
    elif stripped.upper().startswith("BEGIN:VCALENDAR") or name.endswith(".ics"):
        parsed = _parse_ics(text)
    else:
        parsed = _parse_table(_csv_records(text), "csv")
    parsed.encoding = encoding
    return parsed


def _csv_records(text: str) -> list[list[str]]:
    lines = text.splitlines()
    sample = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = max(("\t", ";", ","), key=lambda d: (sample.count(d), d == ","))
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _parse_xlsx(data: bytes) -> ParsedCalendar:
    from datetime import datetime

    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any damage to the file is the same message
        raise ValidationError({"file": ("无法读取此 Excel 文件（须为 .xlsx）。",
                                        "This Excel file cannot be read (it must be .xlsx).")}) \
            from None
    sheet = book.worksheets[0]
    records: list[list[str]] = []
    for row in sheet.iter_rows(values_only=True):
        cells = []
        for value in row:
            if isinstance(value, datetime):
                value = value.date()
            cells.append(value.isoformat() if isinstance(value, date) else
                         "" if value is None else str(value))
        records.append(cells)
    book.close()
    return _parse_table(records, "xlsx")


def _parse_table(records: list[list[str]], fmt: str) -> ParsedCalendar:
    out = ParsedCalendar(format=fmt)
    columns = {"date": 0, "kind": 1, "name": 2}
    for lineno, record in enumerate(records, start=1):
        record = [c.strip() for c in record]
        if not any(record) or record[0].startswith("#"):
            continue
        if parse_date(record[0]) is None and any(
                c.lower() in HEADER_WORDS["date"] for c in record):
            for key, words in HEADER_WORDS.items():
                for index, cell in enumerate(record):
                    if cell.lower() in words:
                        columns[key] = index
            continue
        _add(out, lineno, record, columns)
    return out


def _cell(record: list[str], index: int) -> str:
    return record[index] if 0 <= index < len(record) else ""


def _add(out: ParsedCalendar, lineno: int, record: list[str], columns: dict[str, int]) -> None:
    text = ",".join(record)
    day = parse_date(_cell(record, columns["date"]))
    kind = KIND_WORDS.get(_cell(record, columns["kind"]).lower())
    name = _cell(record, columns["name"])
    if day is None:
        out.errors.append(LineError(lineno, f"第 {lineno} 行的日期无法识别：{text}"
                                    "（可写作 2027-01-01、2027/1/1 或 20270101）",
                                    f"Line {lineno}: the date is not understood: {text} "
                                    "(write 2027-01-01, 2027/1/1 or 20270101)"))
    elif kind is None:
        out.errors.append(LineError(lineno, f"第 {lineno} 行的类型无法识别：{text}"
                                    "（应为 休 或 班，holiday 或 workday）",
                                    f"Line {lineno}: the kind is not understood: {text} "
                                    "(expected 休 or 班, holiday or workday)"))
    else:
        _check_and_keep(out, lineno, day, kind, name)


NAME_MAX = 100  # characters of a holiday's name (``calendar_days.name``)


def day_name_problem(name: str) -> tuple[str, str] | None:
    """Why ``name`` cannot be a holiday's name, or None."""
    if len(name) > NAME_MAX:
        return (f"名称过长（{len(name)} 字，最多 {NAME_MAX} 字）。",
                f"The name is too long ({len(name)} characters, at most {NAME_MAX}).")
    if any(ord(ch) < 32 for ch in name):
        return ("名称含有控制字符。", "The name holds a control character.")
    return None


def _check_and_keep(out: ParsedCalendar, lineno: int, day: date, kind: DayKind,
                    name: str) -> None:
    where_zh = f"第 {lineno} 行" if lineno else str(day)
    where_en = f"Line {lineno}" if lineno else str(day)
    if any(d == day for d, _, _ in out.rows):
        out.errors.append(LineError(lineno, f"{where_zh}：日期 {day} 在文件中出现了两次。",
                                    f"{where_en}: the date {day} appears twice in the file."))
    elif (problem := day_name_problem(name)) is not None:
        out.errors.append(LineError(lineno, f"{where_zh}：{problem[0]}",
                                    f"{where_en}: {problem[1]}"))
    elif kind == DayKind.WORKDAY and day.weekday() < 5:
        out.errors.append(LineError(
            lineno, f"{where_zh}：{day} 是周{WEEKDAYS_ZH[day.weekday()]}，本来就是工作日；"
            "补班日应为周六或周日。",
            f"{where_en}: {day} is a {day.strftime('%A')}, a working day anyway; a make-up "
            "working day is a Saturday or Sunday."))
    else:
        out.rows.append((day, kind, name))


def _parse_holiday_cn(text: str) -> ParsedCalendar:
    import json

    out = ParsedCalendar(format="holiday-cn")
    try:
        days = json.loads(text)["days"]
        entries = [(str(d["date"]), bool(d["isOffDay"]), str(d.get("name", ""))) for d in days]
    except (ValueError, KeyError, TypeError):
        raise ValidationError({"file": (
            "不是 holiday-cn 格式的 JSON（应有 days 列表，每项含 name、date、isOffDay）。",
            "Not a holiday-cn JSON file (expected a days list of name, date, isOffDay).")}) \
            from None
    for index, (when, off, name) in enumerate(entries, start=1):
        day = parse_date(when)
        if day is None:
            out.errors.append(LineError(index, f"第 {index} 项的日期无法识别：{when}",
                                        f"Entry {index}: the date is not understood: {when}"))
            continue
        _check_and_keep(out, index, day, DayKind.HOLIDAY if off else DayKind.WORKDAY, name)
    return out


def _parse_ics(text: str) -> ParsedCalendar:
    from datetime import timedelta

    out = ParsedCalendar(format="ics")
    unfolded: list[tuple[int, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line[:1] in (" ", "\t") and unfolded:
            unfolded[-1] = (unfolded[-1][0], unfolded[-1][1] + line[1:])
        else:
            unfolded.append((lineno, line))
    event: dict[str, str] = {}
    start_line = 0
    for lineno, line in unfolded:
        key, _, value = line.partition(":")
        prop = key.split(";", 1)[0].upper()
        if prop == "BEGIN" and value.strip().upper() == "VEVENT":
            event, start_line = {}, lineno
        elif prop == "END" and value.strip().upper() == "VEVENT":
            first = parse_date(event.get("DTSTART", "")[:8])
            end_text = event.get("DTEND", "")[:8]
            last = parse_date(end_text) if end_text else None
            summary = event.get("SUMMARY", "").replace("\\,", ",")
            if first is None:
                out.errors.append(LineError(start_line, f"第 {start_line} 行起的日程没有可识别的日期。",
                                            f"The event from line {start_line} has no date."))
                continue
            kind = (DayKind.WORKDAY if any(w in summary for w in ("班", "补", "调休上班"))
                    or "work" in summary.lower() else DayKind.HOLIDAY)
            name = summary.replace("（班）", "").replace("(班)", "").replace("补班", "").strip()
            day = first
            stop = last if last is not None and last > first else first + timedelta(days=1)
            while day < stop:
                _check_and_keep(out, start_line, day, kind, name or summary)
                day += timedelta(days=1)
        elif prop in ("DTSTART", "DTEND", "SUMMARY"):
            event[prop] = value.strip()
    return out


def parse_import(text: str) -> list[tuple[date, DayKind, str]]:
    """Parse a CSV of ``date,kind,name`` lines (kind: holiday/workday, 休/班); refuse the
    file with one message per bad line."""
    parsed = _parse_table(_csv_records(text), "csv")
    parsed.raise_errors()
    if not parsed.rows:
        raise ValidationError({"file": ("文件中没有日期。", "The file holds no dates.")})
    return parsed.rows


@dataclass(frozen=True)
class YearPreview:
    """What importing a year would make of it, before anything is replaced."""

    year: int
    holidays: list[tuple[date, str]]
    workdays: list[tuple[date, str]]
    working_days: int  # working days of the year with the file's days
    added: list[tuple[date, DayKind, str]]
    removed: list[tuple[date, DayKind, str]]
    changed: list[tuple[date, DayKind, str, DayKind, str]]  # day, before, after

    def lines(self, english: bool = False) -> list[str]:
        mark = {DayKind.HOLIDAY: "holiday" if english else "休",
                DayKind.WORKDAY: "workday" if english else "班"}
        if english:
            out = [f"{self.year}: {len(self.holidays)} days off, {len(self.workdays)} make-up "
                   f"working days, {self.working_days} working days in the year",
                   f"changes: {len(self.added)} added, {len(self.removed)} removed, "
                   f"{len(self.changed)} changed"]
        else:
            out = [f"{self.year} 年：休息日 {len(self.holidays)} 天，补班日 {len(self.workdays)} 天，"
                   f"全年工作日 {self.working_days} 天",
                   f"变化：新增 {len(self.added)} 天，删除 {len(self.removed)} 天，"
                   f"改动 {len(self.changed)} 天"]
        out += [f"+ {d}  {mark[k]}  {n}" for d, k, n in self.added]
        out += [f"- {d}  {mark[k]}  {n}" for d, k, n in self.removed]
        out += [f"~ {d}  {mark[k0]} {n0} → {mark[k1]} {n1}" for d, k0, n0, k1, n1 in self.changed]
        return out


def preview_year(year: int, rows: list[tuple[date, DayKind, str]],
                 current: list[tuple[date, DayKind, str]]) -> YearPreview:
    from datetime import timedelta

    new = {d: (k, n) for d, k, n in rows}
    old = {d: (k, n) for d, k, n in current}
    cal = WorkCalendar(frozenset(d for d, (k, _) in new.items() if k == DayKind.HOLIDAY),
                       frozenset(d for d, (k, _) in new.items() if k == DayKind.WORKDAY),
                       frozenset({year}))
    day, working = date(year, 1, 1), 0
    while day.year == year:
        working += cal.is_working_day(day)
        day += timedelta(days=1)
    return YearPreview(
        year,
        sorted((d, n) for d, (k, n) in new.items() if k == DayKind.HOLIDAY),
        sorted((d, n) for d, (k, n) in new.items() if k == DayKind.WORKDAY),
        working,
        sorted((d, k, n) for d, (k, n) in new.items() if d not in old),
        sorted((d, k, n) for d, (k, n) in old.items() if d not in new),
        sorted((d, old[d][0], old[d][1], k, n) for d, (k, n) in new.items()
               if d in old and old[d] != (k, n)),
    )


def export_csv(rows: list[tuple[date, DayKind, str]], year: int, template: bool = False) -> bytes:
    """A year as a CSV Excel opens on Chinese Windows (UTF-8 with BOM), or a template."""
    lines = ["日期,类型,名称"]
    if template:
        lines += [f"# 每行一天：日期（{year}-01-01、{year}/1/1 或 {year}0101），类型（休 或 班），名称",
                  "# One day a line: date, kind (休 = day off, 班 = make-up working day), name",
                  f"{year}-01-01,休,元旦"]
    else:
        lines += [f"{d.isoformat()},{'休' if k == DayKind.HOLIDAY else '班'},{n}"
                  for d, k, n in sorted(rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def next_year_missing(today: date, years: frozenset[int]) -> int | None:
    """From 1 November, the next year when the calendar lacks it (else None)."""
    if today.month >= 11 and today.year + 1 not in years:
        return today.year + 1
    return None
