"""What a field may hold: one-line fields carry no line break or control character, and
a moment a fault lives in falls between the plausible years."""

from __future__ import annotations

from datetime import datetime

from desk.rules.timeutil import MAX_YEAR, MIN_YEAR

# fields shown on one line (a mail subject, a queue column, a printed table cell)
ONE_LINE = frozenset({"affected_business", "reporter_name", "reporter_employee_no",
                      "reporter_contact"})


def one_line_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` cannot be a one-line field, or None (no line break, no control)."""
    if "\r" in value or "\n" in value:
        return ("不能换行。", "cannot hold a line break.")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
        return ("含有控制字符。", "holds a control character.")
    return None


def implausible_moment(moment: datetime) -> tuple[str, str] | None:
    """Why ``moment`` cannot be when a fault happened or was restored, or None."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return (f"年份须在 {MIN_YEAR} 与 {MAX_YEAR} 之间。",
                f"the year must lie between {MIN_YEAR} and {MAX_YEAR}.")
    return None
