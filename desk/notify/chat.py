"""Notices for group chats: short messages that read well in a WeCom, DingTalk or Feishu
group, and the outbox rows that carry them to each channel (``desk.notify.channels``).

A rule's recipient tokens name channels beside people: ``channels`` (every enabled
channel) or ``channel:NAME``. ``channel_rows`` adds one outbox row per channel, in the
caller's unit of work, with ``channel_id`` set; the people the rule names are
@-mentioned by the mobile number in their contact field.

The message is platform-neutral Markdown lines (a bold title, then one line a field);
``desk.notify.channels`` renders it for each platform at send time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from desk.rules.timeutil import format_local
from models import Channel, OutboxMessage, Person, Ticket

ALL_CHANNELS = "channels"
CHANNEL_PREFIX = "channel:"
MAX_PHENOMENON = 300
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")

CHAT_TITLES = {
    "report_urgent": "紧急故障上报",
    "dispatch": "故障处理启动",
    "verification_requested": "故障处理结果待验证",
    "resolved": "故障处理完成",
    "sla_warning:respond": "响应即将超时",
    "sla_warning:restore": "恢复即将超时",
    "sla_breached:respond": "响应已超时",
    "sla_breached:restore": "恢复已超时",
    "major_update": "重大故障进展",
    "test": "测试消息",
}


def is_channel_token(token: str) -> bool:
    token = token.strip()
    return token == ALL_CHANNELS or token.startswith(CHANNEL_PREFIX)


def channels_for(session: Session, tokens: Iterable[str]) -> list[Channel]:
    """The enabled channels a rule's tokens name, each once, in the order of their ids."""
    names: set[str] = set()
    every = False
    for raw in tokens:
        token = raw.strip()
        if token == ALL_CHANNELS:
            every = True
        elif token.startswith(CHANNEL_PREFIX):
            names.add(token[len(CHANNEL_PREFIX):].strip())
    if not every and not names:
        return []
    # only what every login may read (a robot's URL and secret are for administrators)
    stmt = (select(Channel).options(load_only(Channel.id, Channel.name, Channel.kind,
                                               Channel.enabled))
            .where(Channel.enabled.is_(True)).order_by(Channel.id))
    if not every:
        stmt = stmt.where(Channel.name.in_(names))
    return list(session.scalars(stmt))


def mobiles_of(people: Iterable[Person | None]) -> list[str]:
    """The mobile numbers found in the people's contact fields, each once."""
    out: list[str] = []
    for person in people:
        if person is None:
            continue
        compact = re.sub(r"(?<=\d)[-\s](?=\d)", "", person.contact or "")  # 138-0000-0001
        for number in _MOBILE.findall(compact):
            if number not in out:
                out.append(number)
    return out


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chat_title(trigger: str) -> str:
    """The title of a trigger, including the warnings at a fraction of a clock
    (``sla_warning:respond:80`` → 响应即将超时（已用 80%）) and the escalations."""
    if trigger in CHAT_TITLES:
        return CHAT_TITLES[trigger]
    parts = trigger.split(":")
    if len(parts) == 3 and ":".join(parts[:2]) in CHAT_TITLES:
        return f"{CHAT_TITLES[':'.join(parts[:2])]}（已用 {parts[2]}%）"
    if len(parts) == 2 and parts[0] == "sla_escalated":
        return f"{'响应' if parts[1] == 'respond' else '恢复'}超时升级"
    return trigger


def title_for(ticket: Ticket, trigger: str) -> str:
    return f"【{ticket.level.label_zh}】{chat_title(trigger)} {ticket.number}"


def lines_for(session: Session, ticket: Ticket, trigger: str, tz: ZoneInfo,
              extra: str = "") -> list[str]:
    """The message's lines: number, level, business, phenomenon, deadline, who handles it."""
    t = ticket

    def at(moment: datetime | None) -> str:
        return format_local(moment, tz) if moment is not None else "—"

    def who(pid: int | None) -> str:
        person = session.get(Person, pid) if pid is not None else None
        return f"{person.name}（{person.contact}）" if person and person.contact else (
            person.name if person else "待指派")

    level = t.level.label_zh + ("，业务已中断" if t.business_interrupted else "")
    lines = [f"**{title_for(t, trigger)}**"]
    if trigger.startswith("sla_"):
        lines.append(f"{chat_title(trigger)}，请尽快处理。{extra}".strip())
    elif trigger == "report_urgent":
        lines.append("请相关负责人立即关注并优先处理。")
    elif trigger == "dispatch":
        lines.append("故障已分级派单，处理工作已启动，请相关部门配合。")
    elif trigger == "resolved":
        lines.append("故障已验证通过、处理完成，感谢各部门配合。")
    elif extra:
        lines.append(extra)
    lines += [
        f"> 故障编号：{t.number}",
        f"> 故障等级：{level}",
        f"> 受影响业务：{_short(t.affected_business, 100)}",
        f"> 故障现象：{_short(t.phenomenon, MAX_PHENOMENON)}",
        f"> 当前状态：{t.status.label_zh}",
    ]
    if trigger == "resolved":
        lines += [f"> 解决时间：{at(t.resolved_at)}",
                  f"> 根本原因：{_short(t.root_cause or '—', 200)}"]
    else:
        lines += [f"> 响应时限：{at(t.respond_due_at)}", f"> 恢复时限：{at(t.restore_due_at)}"]
    lines.append(f"> 负责人：{who(t.assignee_id)}")
    if t.team and trigger != "report_urgent":
        lines.append("> 处理小组：" + "、".join(f"{m.person.name}（{m.duty.label_zh}）"
                                               for m in t.team))
    return lines


def channel_rows(session: Session, ticket: Ticket, trigger: str, tokens: Iterable[str],
                 people: Iterable[Person | None], now: datetime, tz: ZoneInfo,
                 extra: str = "") -> list[int]:
    """Queue one outbox row per channel the tokens name; return their ids."""
    found = channels_for(session, tokens)
    if not found:
        return []
    mobiles = mobiles_of(people)
    title = title_for(ticket, trigger)
    body = "\n".join(lines_for(session, ticket, trigger, tz, extra))
    ids: list[int] = []
    for channel in found:
        row = OutboxMessage(
            created_at=now, ticket_id=ticket.id, trigger=trigger,
            recipients=[{"channel": channel.name, "mobiles": mobiles}],
            subject=title[:300], body=body, document=None, status="pending", attempts=0,
            next_attempt_at=now, last_error="", channel_id=channel.id,
        )
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids
