"""The SLA limits as values: how long each clock of each level may run, and the checks
an administrator's value passes before it is stored. No database here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from desk.errors import ValidationError
from models.vocabulary import FaultLevel

DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class ClockLimit:
    """How long a clock may run: minutes, counted on the clock or in working-day time."""

    minutes: int
    working_days: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "working_days": self.working_days}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClockLimit:
        return cls(int(data["minutes"]), bool(data.get("working_days", False)))

    def describe_zh(self) -> str:
        if self.working_days:
            if self.minutes % 1440 == 0:
                return f"{self.minutes // 1440} 个工作日"
            return f"{self.minutes} 分钟（工作日计）"
        if self.minutes % 60 == 0 and self.minutes >= 60:
            return f"{self.minutes // 60} 小时"
        return f"{self.minutes} 分钟"

    def describe_en(self) -> str:
        if self.working_days:
            if self.minutes % 1440 == 0:
                days = self.minutes // 1440
                return f"{days} working day{'s' if days != 1 else ''}"
            return f"{self.minutes} minutes (working-day time)"
        if self.minutes % 60 == 0 and self.minutes >= 60:
            hours = self.minutes // 60
            return f"{hours} hour{'s' if hours != 1 else ''}"
        return f"{self.minutes} minutes"


@dataclass(frozen=True)
class LevelLimits:
    respond: ClockLimit
    restore: ClockLimit


# SPEC.md's severity table; level 3 counts working days (see desk.rules.sla).
DEFAULT_LIMITS: dict[FaultLevel, LevelLimits] = {
    FaultLevel.URGENT: LevelLimits(ClockLimit(5), ClockLimit(30)),
    FaultLevel.IMPORTANT: LevelLimits(ClockLimit(15), ClockLimit(120)),
    FaultLevel.GENERAL: LevelLimits(ClockLimit(30, True), ClockLimit(4 * 1440, True)),
}

def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": (f"未知的时区：{name}", f"Unknown time zone: {name}")}
        ) from exc


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
    if key == "timezone":
        zone(str(value))
        return str(value)
    return value
