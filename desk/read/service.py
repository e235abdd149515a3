"""Whether the team's service (``desk serve``) runs, for the window's status bar.

The leading service writes its heartbeat (the setting ``service.heartbeat``: its name,
the time, its round interval, when it last delivered) once a minute and whenever it
delivered. It counts as running while the heartbeat is younger than three of those
periods (three minutes by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from desk.db import Database
from desk.errors import LANGUAGE
from desk.read import settings
from desk.rules.timeutil import format_local

HEARTBEAT_SETTING = "service.heartbeat"


@dataclass(frozen=True)
class ServiceStatus:
    running: bool
    name: str = ""
    seen_at: datetime | None = None
    last_delivery_at: datetime | None = None
    tz: ZoneInfo | None = None

    def text(self, lang: str | None = None) -> str:
        """One line for the status bar, in the interface's language."""
        en = (lang or LANGUAGE.get("current", "zh_CN")) == "en"
        tz = self.tz or ZoneInfo("Asia/Shanghai")
        when = format_local(self.last_delivery_at, tz) if self.last_delivery_at else None
        if self.running:
            if en:
                return "Service running" + (f", last delivery {when}" if when else "")
            return "后台服务运行中" + (f"，最近投递 {when}" if when else "")
        if self.seen_at is None:
            return "No team service" if en else "未运行后台服务"
        seen = format_local(self.seen_at, tz)
        return f"Service stopped (last seen {seen})" if en else f"后台服务已停止（最后运行 {seen}）"


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def service_status(db: Database, now: datetime | None = None) -> ServiceStatus:
    """The team's service as its last heartbeat tells it."""
    moment = now or db.now()
    with db.read() as session:
        tz = settings.timezone(session)
        try:
            beat = settings.get(session, HEARTBEAT_SETTING)
        except KeyError:
            return ServiceStatus(False, tz=tz)
    if not isinstance(beat, dict):
        return ServiceStatus(False, tz=tz)
    seen = _time(beat.get("at"))
    try:
        interval = max(float(beat.get("interval") or 15.0), float(beat.get("every") or 60.0))
    except (TypeError, ValueError):
        interval = 60.0
    fresh = seen is not None and moment - seen < timedelta(seconds=3 * interval)
    return ServiceStatus(fresh, str(beat.get("name") or ""), seen,
                         _time(beat.get("last_delivery_at")), tz)
