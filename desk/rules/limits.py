"""The SLA limits as values: how long each clock of each level may run, and the checks
an administrator's value passes before it is stored. No database here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desk.errors import ValidationError
from models.vocabulary import FaultLevel

DEFAULT_TIMEZONE = "Asia/Shanghai"


class ClockKind(StrEnum):
    """How a clock counts time: day and night, whole working days, or duty hours."""

    CLOCK = "clock"
    WORKDAYS = "workdays"
    DUTY = "duty"

    @property
    def label_zh(self) -> str:
        return {"clock": "全天候计时", "workdays": "按工作日计时", "duty": "按值班时间计时"}[self.value]

    @property
    def label_en(self) -> str:
        return {"clock": "on the clock (24×7)", "workdays": "on working days",
                "duty": "in duty hours"}[self.value]


@dataclass(frozen=True)
class DutyHours:
    """The desk's service periods on each working day, as minutes after local midnight
    (``[start, end)``, sorted, not overlapping; an end of 1440 is midnight)."""

    periods: tuple[tuple[int, int], ...]

    @cached_property
    def minutes_per_day(self) -> int:
        return sum(end - start for start, end in self.periods)

    def texts(self) -> list[str]:
        return [f"{_hm(a)}-{_hm(b)}" for a, b in self.periods]

    def describe(self) -> str:
        return " ".join(self.texts())

    @classmethod
    def parse(cls, texts: Sequence[str]) -> DutyHours:
        """``["08:30-12:00", "13:30-17:30"]`` → periods; a clear message for a bad one."""
        periods: list[tuple[int, int]] = []
        for text in texts:
            start_text, sep, end_text = str(text).strip().partition("-")
            start, end = _minute(start_text), _minute(end_text)
            if not sep or start is None or end is None or end <= start:
                raise ValidationError({"duty_hours": (
                    f"无法识别的值班时段：{text}（应为 08:30-12:00，结束晚于开始）",
                    f"Not a duty period: {text} (expected 08:30-12:00, ending after it "
                    "starts)")})
            periods.append((start, end))
        if not periods:
            raise ValidationError({"duty_hours": ("请至少给出一个值班时段。",
                                                  "Give at least one duty period.")})
        periods.sort()
        for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
            if start < end:
                raise ValidationError({"duty_hours": (
                    "值班时段相互重叠。", "The duty periods overlap.")})
        return cls(tuple(periods))


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _minute(text: str) -> int | None:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    h, m = int(hours), int(minutes)
    if (h, m) == (24, 0):
        return 1440
    if h > 23 or m > 59:
        return None
    return h * 60 + m


DEFAULT_DUTY_HOURS = DutyHours(((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 17 * 60 + 30)))


@dataclass(frozen=True)
class ClockLimit:
    """How long a clock may run, and how it counts (``clock``).

    The amount is ``minutes``, or ``days`` whole days when ``days`` is set: 24 hours a
    day on the clock or on working days, one full duty day (the sum of the duty
    periods) in duty hours, so "4 working days" in duty hours is four full duty days.
    """

    minutes: int
    clock: ClockKind = ClockKind.CLOCK
    days: int = 0

    @classmethod
    def of_days(cls, days: int, clock: ClockKind) -> ClockLimit:
        return cls(days * 1440, clock, days)

    @property
    def working_days(self) -> bool:
        """Whether the calendar matters (working days or duty hours)."""
        return self.clock != ClockKind.CLOCK

    def total_minutes(self, duty: DutyHours) -> int:
        """The counted minutes the limit allows."""
        if self.days and self.clock == ClockKind.DUTY:
            return self.days * duty.minutes_per_day
        return self.minutes

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"minutes": self.minutes, "clock": self.clock.value}
        if self.days:
            out["days"] = self.days
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClockLimit:
        if "clock" in data:
            clock = ClockKind(str(data["clock"]))
        else:  # stored before duty hours: a boolean
            clock = ClockKind.WORKDAYS if data.get("working_days") else ClockKind.CLOCK
        days = int(data.get("days", 0) or 0)
        if days:
            return cls.of_days(days, clock)
        return cls(int(data["minutes"]), clock)

    def describe_zh(self, with_clock: bool = True) -> str:
        if self.days:
            amount = f"{self.days} 个工作日" if self.working_days else f"{self.days} 天"
        elif self.minutes % 60 == 0 and self.minutes >= 60:
            amount = f"{self.minutes // 60} 小时"
        else:
            amount = f"{self.minutes} 分钟"
        return f"{amount}（{self.clock.label_zh}）" if with_clock else amount

    def describe_en(self) -> str:
        if self.days:
            amount = f"{self.days} working days" if self.working_days else f"{self.days} days"
        elif self.minutes % 60 == 0 and self.minutes >= 60:
            amount = f"{self.minutes // 60} hours"
        else:
            amount = f"{self.minutes} minutes"
        return f"{amount} ({self.clock.label_en})"


@dataclass(frozen=True)
class LevelLimits:
    respond: ClockLimit
    restore: ClockLimit


# SPEC.md's severity table; level 3 counts duty hours, "4 working days" being four
# full duty days (see desk.rules.sla).
DEFAULT_LIMITS: dict[FaultLevel, LevelLimits] = {
    FaultLevel.URGENT: LevelLimits(ClockLimit(5), ClockLimit(30)),
    FaultLevel.IMPORTANT: LevelLimits(ClockLimit(15), ClockLimit(120)),
    FaultLevel.GENERAL: LevelLimits(ClockLimit(30, ClockKind.DUTY),
                                    ClockLimit.of_days(4, ClockKind.DUTY)),
}

# the shares of a limit at which a running clock warns, per level (and at breach)
DEFAULT_WARNING_FRACTIONS: tuple[float, ...] = (0.5, 0.8)
# how long a breached level-1 or level-2 clock stays so before the next person up is told
DEFAULT_ESCALATE_AFTER_MINUTES = 10

def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": (f"未知的时区：{name}", f"Unknown time zone: {name}")}
        ) from exc


def _fractions(key: str, value: Any) -> list[float]:
    bad = ValidationError({key: (
        "预警比例须为 0 与 1 之间的小数列表，例如 0.5 0.8。",
        "The warning fractions must be numbers between 0 and 1, e.g. 0.5 0.8.")})
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise bad
    try:
        fractions = sorted({float(v) for v in value})
    except (TypeError, ValueError):
        raise bad from None
    if not fractions or any(not 0.0 < f < 1.0 for f in fractions) or any(
            isinstance(v, bool) for v in value):
        raise bad
    return fractions


def limits_from(stored: dict[str, Any] | None) -> dict[FaultLevel, LevelLimits]:
    """The limits of every level from the stored ``sla.limits`` value (None: defaults)."""
    result = dict(DEFAULT_LIMITS)
    if stored is None:
        return result
    for key, value in stored.items():
        level = FaultLevel(int(key))
        result[level] = LevelLimits(
            ClockLimit.from_json(value["respond"]), ClockLimit.from_json(value["restore"])
        )
    return result


def limits_to_json(values: dict[FaultLevel, LevelLimits]) -> dict[str, Any]:
    return {
        str(int(level)): {"respond": v.respond.to_json(), "restore": v.restore.to_json()}
        for level, v in values.items()
    }


def validate(key: str, value: Any) -> Any:
    """Check an administrator's value before it is stored; return it normalised.

    A bad value would break every deadline computation on every desk of the team, so it
    is refused here rather than discovered later.
    """
    if key == "sla.warning_fraction":
        try:
            fraction = float(value)
        except (TypeError, ValueError):
            fraction = -1.0
        if isinstance(value, bool) or not 0.0 < fraction < 1.0:
            raise ValidationError({key: ("预警比例须为 0 与 1 之间的小数，例如 0.8。",
                                         "The warning fraction must lie between 0 and 1, "
                                         "e.g. 0.8.")})
        return fraction
    if key == "sla.limits":
        bad = ValidationError({key: (
            "时限设置格式不正确：每个等级须有 respond 与 restore，分钟数为正整数。",
            "The limits are malformed: each level needs respond and restore with a "
            "positive number of minutes.",
        )})
        if not isinstance(value, dict):
            raise bad
        try:
            for level_key, entry in value.items():
                FaultLevel(int(level_key))
                for clock in ("respond", "restore"):
                    limit = ClockLimit.from_json(entry[clock])
                    if not 0 < limit.minutes <= 3650 * 1440:
                        raise bad
        except (TypeError, ValueError, KeyError, AttributeError):
            raise bad from None
        return value
    if key == "sla.duty_hours":
        if isinstance(value, str) or not isinstance(value, Sequence):
            value = str(value).split()
        return DutyHours.parse([str(v) for v in value]).texts()
    if key == "sla.warning_fractions":
        if isinstance(value, dict):
            try:
                levels = [FaultLevel(int(k)) for k in value]
            except (TypeError, ValueError):
                raise ValidationError({key: ("预警比例须按等级 1、2、3 设置。",
                                             "Warning fractions are set per level 1, 2, 3.")}) \
                    from None
            return {str(int(lv)): _fractions(key, v) for lv, v in zip(levels, value.values(),
                                                                      strict=True)}
        return _fractions(key, value)
    if key == "sla.escalate_after_minutes":
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(
                value).strip().isdigit() or not 0 <= int(value) <= 7 * 1440:
            raise ValidationError({key: ("升级等待时间须为 0 到 10080 之间的分钟数。",
                                         "The escalation delay must be 0 to 10080 minutes.")})
        return int(value)
    if key == "timezone":
        zone(str(value))
        return str(value)
    return value
