"""Local time for people, UTC for storage.

People type and read times in the desk's time zone (default Asia/Shanghai); the
database holds UTC. These helpers are the only place the two meet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from desk.errors import ValidationError

# A time outside these years is a typing error, not a moment a fault lives in (and the
# extremes of ``datetime`` overflow when moved between time zones).
MIN_YEAR, MAX_YEAR = 2000, 2200

INPUT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                 "%Y/%m/%d %H:%M", "%Y-%m-%d")


def parse_time(text: str, tz: ZoneInfo, field: str = "time") -> datetime:
    """Parse what a person typed (local time unless an offset is given) into UTC."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in INPUT_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValidationError({field: (
            f"无法识别的时间：“{text}”，请按 2026-11-27 09:30 的格式填写。",
            f"Cannot read the time “{text}”; write it like 2026-11-27 09:30.",
        )})
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValidationError({field: (
            f"时间“{text}”不合理：年份须在 {MIN_YEAR} 与 {MAX_YEAR} 之间。",
            f"The time “{text}” is implausible: the year must lie between {MIN_YEAR} and "
            f"{MAX_YEAR}.",
        )})
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def to_local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def format_local(moment: datetime | None, tz: ZoneInfo, seconds: bool = False) -> str:
    if moment is None:
        return ""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
