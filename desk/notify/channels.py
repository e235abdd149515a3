"""Group robots as notification channels: WeCom, DingTalk, Feishu and a generic webhook.

An administrator adds a channel with the webhook URL the platform gave (and the signing
secret where there is one). Notices reach a channel through the outbox like e-mail
(``desk.notify.chat`` queues them); ``send_due`` delivers them:

- **WeCom group robot** (企业微信): POST JSON to the URL as pasted; its ``key`` query
  parameter is the secret. ``markdown`` messages; people @-mentioned by mobile number
  with ``mentioned_mobile_list`` (sent as a text message after the markdown, which
  cannot mention). At most 20 messages a minute.
- **DingTalk custom robot** (钉钉) with 加签: ``timestamp`` (milliseconds) and
  ``sign = urlencode(base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret)))``
  as query parameters; ``markdown`` with ``at.atMobiles``. At most 20 a minute (more
  blocks the robot for ten minutes).
- **Feishu custom bot** (飞书) with signature verification: ``timestamp`` (seconds) and
  ``sign = base64(HMAC-SHA256(key=timestamp + "\\n" + secret, msg=""))`` in the JSON
  body; an ``interactive`` card. At most 100 a minute and 5 a second.
- **Generic webhook**: the message as JSON; with a secret, the header
  ``X-Desk-Signature: sha256=<hex HMAC-SHA256(key=secret, msg=body)>`` and
  ``X-Desk-Timestamp``.

Rate limits are kept per channel from the send times in the outbox (and this sender's
failed attempts): a message over the limit waits in the outbox, it is never dropped. An
answer with an error code is a failed attempt, retried with the outbox's back-off; the
platform's code and message are stored as the row's last error (``[45009] …``). URLs and
secrets never reach a log, an error or a screen unmasked (``masked_url``, ``mask``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import DeskError, NotFoundError, PermissionDeniedError, ValidationError
from desk.notify import chat, outbox
from desk.process import audit
from desk.process import channels as channel_settings
from desk.read import settings
from models import Channel, NotificationRule, OutboxMessage, Person, Role, Ticket

log = logging.getLogger(__name__)

KINDS = ("wecom", "dingtalk", "feishu", "webhook")
KIND_LABELS = {
    "wecom": ("企业微信群机器人", "WeCom group robot"),
    "dingtalk": ("钉钉自定义机器人", "DingTalk custom robot"),
    "feishu": ("飞书自定义机器人", "Feishu custom bot"),
    "webhook": ("通用 Webhook", "Generic webhook"),
}
# (per minute, per second) as the platforms document them; the generic one is ours
DEFAULT_LIMITS: dict[str, tuple[int, int | None]] = {
    "wecom": (20, None), "dingtalk": (20, None), "feishu": (100, 5), "webhook": (60, None),
}
# the platforms' "too many messages" codes: wait a minute, the attempt is not counted
RATE_LIMITED_CODES = {"45009", "130101", "11232", "9499", "429"}
SECRET_PARAMS = ("key", "access_token", "token", "secret", "sign", "signature")
TIMEOUT = 10.0
SIGNATURE_HEADER = "X-Desk-Signature"
TIMESTAMP_HEADER = "X-Desk-Timestamp"
MAX_NAME = 60


# -- masking -------------------------------------------------------------------------------


def _mask_value(value: str) -> str:
    return "****" + value[-4:] if len(value) > 8 else "****"


def masked_url(url: str) -> str:
    """The URL with its secret parts (``key=``, ``access_token=``, a password) masked."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "****"
    query = [(k, _mask_value(v) if k.lower() in SECRET_PARAMS else v)
             for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "****@" + netloc.rsplit("@", 1)[1]
    path = parts.path
    if path.count("/") > 3:  # a token in the path (/hook/<token>): keep only its start
        head, _, last = path.rpartition("/")
        path = f"{head}/{_mask_value(last)}" if len(last) > 8 else path
    return urllib.parse.urlunsplit((parts.scheme, netloc, path,
                                    urllib.parse.urlencode(query, safe="*"), ""))


def secrets_of(url: str, secret: str) -> list[str]:
    """Every string that must never be shown: the URL's secret values and the secret."""
    found = [secret] if secret else []
    try:
        parts = urllib.parse.urlsplit(url)
        found += [v for k, v in urllib.parse.parse_qsl(parts.query) if k.lower() in SECRET_PARAMS
                  and v]
        if "@" in parts.netloc:
            found.append(parts.netloc.rsplit("@", 1)[0])
        last = parts.path.rpartition("/")[2]
        if parts.path.count("/") > 3 and len(last) > 8:
            found.append(last)
    except ValueError:
        pass
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def mask(text: str, url: str, secret: str = "") -> str:
    """``text`` with every secret of the channel replaced by its masked form."""
    if url:
        text = text.replace(url, masked_url(url))
    for value in secrets_of(url, secret):
        text = text.replace(value, _mask_value(value))
    return text


# -- administration ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelView:
    """A channel as the list and the settings dialog show it (secrets masked)."""

    id: int
    name: str
    kind: str
    url: str  # masked
    has_secret: bool
    per_minute: int
    per_second: int | None
    enabled: bool
    pending: int = 0
    failed: int = 0

    @property
    def kind_label_zh(self) -> str:
        return KIND_LABELS[self.kind][0] if self.kind in KIND_LABELS else self.kind

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _view(session: Session, c: Channel) -> ChannelView:
    counts = dict(session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .where(OutboxMessage.channel_id == c.id).group_by(OutboxMessage.status)).all())
    pending = int(counts.get(outbox.PENDING, 0)) + int(counts.get(outbox.SENDING, 0))
    failed = int(counts.get(outbox.FAILED, 0))
    return ChannelView(c.id, c.name, c.kind, masked_url(c.url), bool(c.secret), c.per_minute,
                       c.per_second, c.enabled, pending, failed)


def _require_admin(session: Session, actor_id: int | None) -> Person:
    actor = session.get(Person, actor_id) if actor_id is not None else None
    if actor is None or Role.ADMIN not in actor.roles:
        raise PermissionDeniedError("只有管理员可以设置通知渠道。",
                                    "Only an administrator may set notification channels.")
    return actor


def validate_channel(kind: str, name: str, url: str, secret: str,
                     per_minute: int | None, per_second: int | None) -> dict[str, tuple[str, str]]:
    errors: dict[str, tuple[str, str]] = {}
    if kind not in KINDS:
        errors["kind"] = (f"未知的渠道类型：{kind}（可选：{'、'.join(KINDS)}）",
                          f"Unknown channel kind: {kind} (one of {', '.join(KINDS)})")
    clean = name.strip()
    if not clean:
        errors["name"] = ("请填写渠道名称。", "The channel needs a name.")
    elif len(clean) > MAX_NAME or any(ch in clean for ch in ",;，；\n\t") or ":" in clean:
        errors["name"] = (f"渠道名称最多 {MAX_NAME} 字，且不能含逗号、分号或冒号。",
                          f"A channel name has at most {MAX_NAME} characters and no comma, "
                          "semicolon or colon.")
    try:
        parts = urllib.parse.urlsplit(url.strip())
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        parts, ok = None, False
    if not ok or parts is None:
        errors["url"] = ("Webhook 地址须以 http:// 或 https:// 开头。",
                         "The webhook URL must start with http:// or https://.")
    else:
        params = {k.lower() for k, _ in urllib.parse.parse_qsl(parts.query)}
        if kind == "wecom" and "key" not in params:
            errors["url"] = ("企业微信机器人的地址应含 key=…（请完整粘贴机器人的 Webhook 地址）。",
                             "A WeCom robot's URL holds key=… (paste the whole webhook URL).")
        if kind == "dingtalk" and "access_token" not in params:
            errors["url"] = ("钉钉机器人的地址应含 access_token=…。",
                             "A DingTalk robot's URL holds access_token=….")
    if kind == "wecom" and secret:
        errors["secret"] = ("企业微信机器人没有签名密钥（密钥就是地址中的 key）。",
                            "A WeCom robot has no signing secret (its key is in the URL).")
    if kind == "dingtalk" and not secret:
        errors["secret"] = ("钉钉机器人须使用“加签”，请输入以 SEC 开头的密钥。",
                            "A DingTalk robot must use signing (加签): give its SEC… secret.")
    errors.update(channel_settings.limit_errors(per_minute, per_second))
    return errors


def add_channel(db: Database, actor_id: int | None, kind: str, name: str, url: str,
                secret: str = "", per_minute: int | None = None,
                per_second: int | None = None) -> ChannelView:
    """Add a channel (administrators only)."""
    kind, name, url, secret = kind.strip().lower(), name.strip(), url.strip(), secret.strip()
    errors = validate_channel(kind, name, url, secret, per_minute, per_second)
    if errors:
        raise ValidationError(errors)
    minute, second = DEFAULT_LIMITS[kind]

    def work(session: Session) -> ChannelView:
        actor = _require_admin(session, actor_id)
        if session.scalar(select(Channel.id).where(Channel.name == name)) is not None:
            raise ValidationError({"name": (f"已有名为“{name}”的渠道。",
                                            f"A channel named “{name}” exists already.")})
        c = Channel(name=name, kind=kind, url=url, secret=secret,
                    per_minute=per_minute or minute,
                    per_second=per_second if per_second is not None else second,
                    enabled=True, created_at=db.now())
        session.add(c)
        session.flush()
        audit.record(session, at=db.now(), action="channel_add", ticket_id=None,
                     actor_id=actor.id, details={"name": name, "kind": kind,
                                                 "url": masked_url(url),
                                                 "signed": bool(secret)})
        return _view(session, c)

    return db.write(work)


def remove_channel(db: Database, actor_id: int | None, name: str) -> int:
    """Remove a channel; its waiting messages are marked failed. Returns how many."""

    def work(session: Session) -> int:
        actor = _require_admin(session, actor_id)
        c = session.scalar(select(Channel).where(Channel.name == name.strip()))
        if c is None:
            raise NotFoundError(f"没有名为“{name}”的渠道。", f"No channel named “{name}”.")
        dropped = session.execute(  # type: ignore[attr-defined]
            update(OutboxMessage).where(OutboxMessage.channel_id == c.id,
                                        OutboxMessage.status.in_((outbox.PENDING,
                                                                  outbox.SENDING)))
            .values(status=outbox.FAILED, last_error="渠道已删除，未发送。 / channel removed",
                    claimed_by=None, claimed_until=None)).rowcount
        audit.record(session, at=db.now(), action="channel_remove", ticket_id=None,
                     actor_id=actor.id, details={"name": c.name, "kind": c.kind,
                                                 "unsent": dropped})
        session.execute(delete(Channel).where(Channel.id == c.id))
        return int(dropped or 0)

    return db.write(work)


ROUTABLE = ("report_urgent", "dispatch", "verification_requested", "resolved", "sla_warning",
            "sla_breached")


def route(db: Database, actor_id: int | None, name: str, trigger: str,
          remove: bool = False) -> int:
    """Name the channel (``channel:NAME``) in the enabled rules of ``trigger``, or take it
    out again (administrators only); returns how many rules changed."""
    if trigger not in ROUTABLE:
        raise ValidationError({"trigger": (f"未知的通知时机：{trigger}（可选：{'、'.join(ROUTABLE)}）",
                                           f"Unknown trigger: {trigger} (one of "
                                           f"{', '.join(ROUTABLE)})")})

    def work(session: Session) -> int:
        actor = _require_admin(session, actor_id)
        c = _load(session, name)
        token = chat.CHANNEL_PREFIX + c.name
        changed = 0
        for rule in session.scalars(select(NotificationRule).where(
                NotificationRule.trigger == trigger, NotificationRule.enabled.is_(True))):
            tokens = [str(t) for t in rule.recipients or []]
            if remove and token in tokens:
                tokens.remove(token)
            elif not remove and token not in tokens:
                tokens.append(token)
            else:
                continue
            rule.recipients = tokens
            changed += 1
        audit.record(session, at=db.now(), action="channel_route", ticket_id=None,
                     actor_id=actor.id, details={"name": c.name, "trigger": trigger,
                                                 "removed": remove, "rules": changed})
        return changed

    return db.write(work)


ANNOUNCERS = frozenset({Role.ADMIN, Role.SUPPORT_LEAD, Role.DIRECTOR})


def announce(db: Database, actor_id: int | None, number: str, text: str) -> list[int]:
    """A major-incident update: queue ``text`` about fault ``number`` to every channel
    (support leads, directors, administrators); returns the outbox ids."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": ("请填写进展说明。", "Say what the update is.")})
    if len(text) > 1000:
        raise ValidationError({"text": ("进展说明最多 1000 字。", "An update has at most 1000 characters.")})

    def work(session: Session) -> list[int]:
        actor = session.get(Person, actor_id) if actor_id is not None else None
        if actor is None or not (actor.roles & ANNOUNCERS):
            raise PermissionDeniedError("只有技术支持主管、技术总监或管理员可以发布重大故障进展。",
                                        "Only a support lead, a director or an administrator "
                                        "may post a major-incident update.")
        ticket = session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
        if ticket is None:
            raise NotFoundError(f"没有故障 {number}。", f"No fault {number}.")
        ids = chat.channel_rows(session, ticket, "major_update", [chat.ALL_CHANNELS], [],
                                db.now(), settings.timezone(session),
                                f"{actor.name}：{text}")
        audit.record(session, at=db.now(), action="major_update", ticket_id=ticket.id,
                     actor_id=actor.id, details={"text": text, "outbox_ids": ids})
        return ids

    return db.write(work)


def list_channels(db: Database) -> list[ChannelView]:
    with db.read() as session:
        return [_view(session, c) for c in session.scalars(select(Channel).order_by(Channel.name))]


def _load(session: Session, name: str) -> Channel:
    c = session.scalar(select(Channel).where(Channel.name == name.strip()))
    if c is None:
        raise NotFoundError(f"没有名为“{name}”的渠道。", f"No channel named “{name}”.")
    return c


# -- the platforms' requests -----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What sending needs of a channel (a plain copy: no session is held while sending)."""

    id: int
    name: str
    kind: str
    url: str
    secret: str
    per_minute: int
    per_second: int | None

    @classmethod
    def of(cls, c: Channel) -> Target:
        return cls(c.id, c.name, c.kind, c.url, c.secret, c.per_minute, c.per_second)


@dataclass(frozen=True)
class ChatMessage:
    title: str
    text: str  # Markdown lines (desk.notify.chat)
    mobiles: tuple[str, ...] = ()
    trigger: str = ""
    ticket_number: str = ""
    outbox_id: int | None = None


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _with_query(url: str, extra: str) -> str:
    return url + ("&" if "?" in url else "?") + extra


def build_requests(target: Target, message: ChatMessage, now: datetime) -> list[Request]:
    """The HTTP requests that deliver ``message`` to ``target`` (WeCom: a second one to
    mention people, since its markdown cannot)."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    mobiles = list(message.mobiles)
    if target.kind == "wecom":
        requests = [Request(target.url, _json({"msgtype": "markdown",
                                               "markdown": {"content": message.text}}), headers)]
        if mobiles:
            requests.append(Request(target.url, _json({"msgtype": "text", "text": {
                "content": f"请关注 {message.ticket_number or message.title}",
                "mentioned_mobile_list": mobiles}}), headers))
        return requests
    if target.kind == "dingtalk":
        ts = int(now.timestamp() * 1000)
        url = _with_query(target.url, f"timestamp={ts}&sign={dingtalk_sign(target.secret, ts)}")
        text = message.text.replace("\n", "\n\n")
        if mobiles:
            text += "\n\n" + " ".join(f"@{m}" for m in mobiles)
        return [Request(url, _json({"msgtype": "markdown",
                                    "markdown": {"title": message.title, "text": text},
                                    "at": {"atMobiles": mobiles, "isAtAll": False}}), headers)]
    if target.kind == "feishu":
        body: dict[str, Any] = {}
        if target.secret:
            ts = int(now.timestamp())
            body.update(timestamp=str(ts), sign=feishu_sign(target.secret, ts))
        lines = message.text.split("\n")
        content = "\n".join(line.removeprefix("> ") for line in lines[1:])
        body.update(msg_type="interactive", card={
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": message.title},
                       "template": "red" if message.trigger in ("report_urgent",)
                       or message.trigger.startswith("sla_breached") else "blue"},
            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}],
        })
        return [Request(target.url, _json(body), headers)]
    payload = _json({"source": "desk", "trigger": message.trigger, "title": message.title,
                     "text": message.text, "ticket_number": message.ticket_number,
                     "mentions": mobiles, "outbox_id": message.outbox_id,
                     "sent_at": now.isoformat()})
    signed = dict(headers)
    if target.secret:
        signed[SIGNATURE_HEADER] = webhook_signature(target.secret, payload)
        signed[TIMESTAMP_HEADER] = str(int(now.timestamp()))
    return [Request(target.url, payload, signed)]


class DeliveryError(Exception):
    """A platform refused a message or could not be reached: ``code`` as it answered."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message

    @property
    def rate_limited(self) -> bool:
        return self.code in RATE_LIMITED_CODES


def _answer(kind: str, status: int, raw: bytes) -> None:
    """Raise ``DeliveryError`` unless the platform's answer says the message was taken."""
    text = raw.decode("utf-8", "replace")[:500]
    if kind == "webhook":
        if not 200 <= status < 300:
            raise DeliveryError(str(status), text or "HTTP error")
        return
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise DeliveryError(str(status), f"无法识别的应答：{text[:200]}")
    if kind in ("wecom", "dingtalk"):
        code, msg = data.get("errcode"), data.get("errmsg", "")
    else:
        code = data.get("code", data.get("StatusCode"))
        msg = data.get("msg", data.get("StatusMessage", ""))
    if code in (0, "0") and 200 <= status < 300:
        return
    raise DeliveryError(str(code if code is not None else status), str(msg or text[:200]))


Transport = Callable[[Request, float], tuple[int, bytes]]


def http_post(request: Request, timeout: float) -> tuple[int, bytes]:
    """POST with urllib; (status, body). HTTP errors are answers too (their body says why)."""
    req = urllib.request.Request(request.url, data=request.body, headers=request.headers,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - http(s) only
            return int(resp.status), resp.read(1_000_000)
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(1_000_000) if exc.fp is not None else b""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError("network", f"无法连接：{reason}") from exc


def deliver(target: Target, message: ChatMessage, now: datetime,
            transport: Transport = http_post, timeout: float = TIMEOUT) -> None:
    """Send one message; raise ``DeliveryError`` (secrets masked) when it is not taken."""
    try:
        for request in build_requests(target, message, now):
            status, raw = transport(request, timeout)
            _answer(target.kind, status, raw)
    except DeliveryError as exc:
        raise DeliveryError(exc.code, mask(exc.message, target.url, target.secret)) from None


def test_channel(db: Database, name: str, transport: Transport = http_post) -> ChannelView:
    """Send a test message to a channel now (not through the outbox); raise on refusal."""
    with db.read() as session:
        c = _load(session, name)
        target, view = Target.of(c), _view(session, c)
    now = db.now()
    text = "\n".join(["**Desk 测试消息**", "> 这是一条来自 Desk 技术故障反馈与处理系统的测试消息。",
                      "> 收到此消息说明群机器人设置正确。"])
    try:
        deliver(target, ChatMessage("Desk 测试消息", text, trigger="test"), now, transport)
    except DeliveryError as exc:
        raise DeskError(f"测试消息发送失败：{exc}", f"The test message was not taken: {exc}") \
            from None
    return view


# -- delivery with the rate limits -----------------------------------------------------------


@dataclass
class ChannelReport:
    """What one ``send_due`` round did; ``wait`` is when capacity frees up for a backlog."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    given_up: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    waiting: int = 0  # due but held back by a rate limit
    wait: float | None = None


@dataclass
class Sender:
    """Delivers the channels' outbox rows within each robot's limits.

    Keeps the times of its own attempts per channel (a refused attempt counts against
    the platform's limit too); the sends of earlier runs are read from the outbox.
    """

    db: Database
    name: str = "desk-serve"
    transport: Transport = http_post
    timeout: float = TIMEOUT
    attempts: dict[int, deque[tuple[datetime, int]]] = field(default_factory=dict)

    def _window(self, session: Session, target: Target, now: datetime) -> list[datetime]:
        """The times of the attempts within the last minute: this sender's own (sent or
        refused) and the sends of others (earlier runs, another service) from the outbox."""
        since = now - timedelta(minutes=1)
        mine = self.attempts.setdefault(target.id, deque())
        while mine and mine[0][0] <= since:
            mine.popleft()
        own = {oid for _, oid in mine}
        stored = session.execute(select(OutboxMessage.id, OutboxMessage.sent_at).where(
            OutboxMessage.channel_id == target.id, OutboxMessage.sent_at > since)).all()
        return sorted([t for t, _ in mine] + [t for oid, t in stored
                                              if oid not in own and t is not None])

    def _capacity(self, times: list[datetime], target: Target,
                  now: datetime) -> tuple[int, float | None]:
        """How many may go now, and (when none may) in how many seconds one may."""
        free = target.per_minute - sum(1 for t in times if t > now - timedelta(minutes=1))
        wait: float | None = None
        if free <= 0:
            oldest = min(t for t in times if t > now - timedelta(minutes=1))
            wait = (oldest + timedelta(minutes=1) - now).total_seconds()
        if target.per_second:
            recent = [t for t in times if t > now - timedelta(seconds=1)]
            sec_free = target.per_second - len(recent)
            if sec_free <= 0:
                w = (min(recent) + timedelta(seconds=1) - now).total_seconds()
                wait = w if wait is None else max(wait, w)
            free = min(free, sec_free)
        return max(0, free), (None if free > 0 else max(0.01, wait or 0.01))

    def send_due(self, batch: int = 100) -> ChannelReport:
        report = ChannelReport()
        with self.db.read() as session:
            targets = [Target.of(c) for c in session.scalars(
                select(Channel).where(Channel.enabled.is_(True)).order_by(Channel.id))]
        for target in targets:
            self._send_channel(target, batch, report)
        return report

    def _due(self, target: Target, now: datetime) -> Any:
        return (OutboxMessage.channel_id == target.id) & or_(
            (OutboxMessage.status == outbox.PENDING) & (OutboxMessage.next_attempt_at <= now),
            (OutboxMessage.status == outbox.SENDING) & (OutboxMessage.claimed_until < now))

    def _send_channel(self, target: Target, batch: int, report: ChannelReport) -> None:
        while True:
            now = self.db.now()
            with self.db.read() as session:
                times = self._window(session, target, now)
                due = len(session.scalars(select(OutboxMessage.id).where(
                    self._due(target, now)).limit(batch + 1)).all())
            if not due:
                return
            free, wait = self._capacity(times, target, now)
            if free == 0:
                report.waiting += due
                report.wait = wait if report.wait is None else min(report.wait, wait or 0.01)
                return
            claimed = self._claim(target, now, min(free, batch))
            if not claimed:
                return
            for row in claimed:
                self._send_one(target, row, report)
            if len(claimed) >= batch:
                return  # this round's share; the next round goes on

    def _claim(self, target: Target, now: datetime, limit: int) -> list[ChatMessage]:
        token = f"{self.name}:{uuid.uuid4().hex[:12]}"[:100]

        def work(session: Session) -> list[ChatMessage]:
            stmt = (select(OutboxMessage.id).where(self._due(target, now))
                    .order_by(OutboxMessage.id).limit(limit))
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            ids = list(session.scalars(stmt))
            if not ids:
                return []
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(
                status=outbox.SENDING, claimed_by=token, claimed_until=now + outbox.LEASE)
                .execution_options(synchronize_session=False))
            rows = session.execute(
                select(OutboxMessage, Ticket.number)
                .outerjoin(Ticket, Ticket.id == OutboxMessage.ticket_id)
                .where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)).all()
            out = []
            for m, number in rows:
                first = (m.recipients or [{}])[0]
                out.append(ChatMessage(m.subject, m.body, tuple(first.get("mobiles") or ()),
                                       m.trigger, number or "", m.id))
            return out

        return self.db.write(work)

    def _send_one(self, target: Target, m: ChatMessage, report: ChannelReport) -> None:
        now = self.db.now()
        self.attempts.setdefault(target.id, deque()).append((now, m.outbox_id or 0))
        try:
            deliver(target, m, now, self.transport, self.timeout)
        except DeliveryError as exc:
            log.warning("channel %s: message #%s not taken: %s", target.name, m.outbox_id, exc)
            report.errors.append(f"{target.name}: {exc}")
            self._failed(target, m, exc, report)
            return
        self._sent(target, m, now)
        report.sent.append(m.outbox_id or 0)
        log.info("channel %s: sent #%s %s", target.name, m.outbox_id, m.title)

    def _sent(self, target: Target, m: ChatMessage, now: datetime) -> None:
        def work(session: Session) -> None:
            row = session.get(OutboxMessage, m.outbox_id)
            if row is None:
                return
            row.status, row.sent_at, row.attempts = outbox.SENT, now, row.attempts + 1
            row.claimed_by, row.claimed_until, row.last_error = None, None, ""
            if row.ticket_id is not None:
                audit.record(session, at=now, action="chat_sent", ticket_id=row.ticket_id,
                             actor_id=None, details={"outbox_id": row.id, "channel": target.name,
                                                     "kind": target.kind,
                                                     "trigger": row.trigger,
                                                     "subject": row.subject})

        self.db.write(work)

    def _failed(self, target: Target, m: ChatMessage, exc: DeliveryError,
                report: ChannelReport) -> None:
        error = str(exc)[:2000]

        def work(session: Session) -> None:
            row = session.get(OutboxMessage, m.outbox_id)
            if row is None or row.status != outbox.SENDING:
                return
            now = self.db.now()
            row.last_error = error
            row.claimed_by, row.claimed_until = None, None
            if exc.rate_limited:  # the platform's limit: wait a minute, not an attempt
                row.status, row.next_attempt_at = outbox.PENDING, now + timedelta(minutes=1)
                report.failed.append(row.id)
                return
            row.attempts += 1
            if row.attempts >= outbox.MAX_ATTEMPTS:
                row.status = outbox.FAILED
                report.given_up.append(row.id)
                if row.ticket_id is not None:
                    audit.record(session, at=now, action="chat_failed", ticket_id=row.ticket_id,
                                 actor_id=None, details={"outbox_id": row.id,
                                                         "channel": target.name,
                                                         "attempts": row.attempts,
                                                         "error": error})
            else:
                row.status = outbox.PENDING
                row.next_attempt_at = now + outbox.backoff(row.attempts)
                report.failed.append(row.id)

        self.db.write(work)

