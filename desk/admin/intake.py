"""What an administrator sets for the service's intake: the alert token, the mailbox, the
mapping of alert labels to faults.

- ``intake.token``: only the SHA-256 of the bearer token is stored; ``new_token`` makes
  a new one (printed once) and the old one stops working at once.
- ``intake.mailbox``: host, port, user, TLS, folder; the password lives in the system
  keyring of the computer that runs the service (service ``Desk IMAP``), like SMTP's.
- ``intake.alert_mapping``: rules from labels to type, level and business
  (``desk.process.intake.AlertMapping``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from desk.admin import team
from desk.db import Database
from desk.errors import DeskError, ValidationError
from desk.process.intake import AlertMapping
from desk.read import settings
from models import FaultLevel, FaultType

TOKEN_SETTING = "intake.token"
MAILBOX_SETTING = "intake.mailbox"
MAPPING_SETTING = "intake.alert_mapping"
IMAP_KEYRING_SERVICE = "Desk IMAP"


def _get(db: Database, key: str) -> Any:
    with db.read() as session:
        try:
            return settings.get(session, key)
        except KeyError:
            return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(db: Database, actor_id: int) -> str:
    """A new bearer token for the alert webhooks (administrators only); the old one ends."""
    token = secrets.token_urlsafe(32)
    team.set_setting(db, actor_id, TOKEN_SETTING, {"sha256": _digest(token),
                                                   "created_at": db.now().isoformat()})
    return token


def token_digest(db: Database) -> str | None:
    value = _get(db, TOKEN_SETTING)
    return str(value["sha256"]) if isinstance(value, dict) and value.get("sha256") else None


def token_matches(digest: str | None, given: str) -> bool:
    return bool(digest) and hmac.compare_digest(str(digest), _digest(given))


# -- the mailbox -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int = 993
    user: str = ""
    tls: bool = True
    folder: str = "INBOX"
    timeout: float = 30.0
    password: str | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "user": self.user, "tls": self.tls,
                "folder": self.folder}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MailboxSettings:
        return cls(host=str(data.get("host") or ""), port=int(data.get("port") or 993),
                   user=str(data.get("user") or ""), tls=bool(data.get("tls", True)),
                   folder=str(data.get("folder") or "INBOX"))

    @property
    def keyring_user(self) -> str:
        return f"{self.user}@{self.host}"


def _keyring_error(exc: Exception) -> DeskError:
    return DeskError(f"无法使用系统密钥环保存或读取收件邮箱密码：{exc}",
                     f"The system keyring cannot store or read the mailbox password: {exc}")


def set_mailbox(db: Database, actor_id: int, s: MailboxSettings, password: str | None) -> None:
    """Store the intake mailbox (administrators only); the password goes to the keyring."""
    errors: dict[str, tuple[str, str]] = {}
    if not s.host.strip():
        errors["host"] = ("请填写收件服务器地址。", "The IMAP server host is required.")
    if not 0 < s.port < 65536:
        errors["port"] = ("端口须在 1 到 65535 之间。", "The port must lie between 1 and 65535.")
    if not s.user.strip():
        errors["user"] = ("请填写邮箱用户名。", "The mailbox user is required.")
    if password is not None and not password.isascii():
        errors["password"] = ("邮箱密码只能包含 ASCII 字符。",
                              "The mailbox password can only hold ASCII characters.")
    if errors:
        raise ValidationError(errors)
    team.set_setting(db, actor_id, MAILBOX_SETTING, s.to_json())  # refuses a non-admin first
    if password is not None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(IMAP_KEYRING_SERVICE, s.keyring_user, password)
        except KeyringError as exc:
            raise _keyring_error(exc) from exc


def mailbox(db: Database) -> MailboxSettings | None:
    """The intake mailbox with its password from this computer's keyring (None: not set)."""
    value = _get(db, MAILBOX_SETTING)
    if not isinstance(value, dict) or not value.get("host"):
        return None
    s = MailboxSettings.from_json(value)
    import keyring
    from keyring.errors import KeyringError

    try:
        password = keyring.get_password(IMAP_KEYRING_SERVICE, s.keyring_user)
    except KeyringError as exc:
        raise _keyring_error(exc) from exc
    return MailboxSettings(s.host, s.port, s.user, s.tls, s.folder, s.timeout, password)


# -- the alert mapping ------------------------------------------------------------------------


def validate_mapping(data: Any) -> AlertMapping:
    def bad(zh: str, en: str) -> ValidationError:
        return ValidationError({MAPPING_SETTING: (zh, en)})

    if not isinstance(data, dict):
        raise bad("映射须为 JSON 对象。", "The mapping must be a JSON object.")
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise bad("rules 须为列表。", "rules must be a list.")
    for i, item in enumerate([data.get("default") or {}, *rules]):
        if not isinstance(item, dict):
            raise bad(f"第 {i} 条规则不是对象。", f"Rule {i} is not an object.")
        if "match" in item and not isinstance(item["match"], dict):
            raise bad(f"第 {i} 条规则的 match 须为对象。", f"Rule {i}: match must be an object.")
        if "level" in item and item["level"] not in [int(v) for v in FaultLevel]:
            raise bad(f"第 {i} 条规则的等级须为 1、2 或 3。", f"Rule {i}: level must be 1, 2 or 3.")
        if "fault_type" in item and str(item["fault_type"]).upper() not in [
                t.value for t in FaultType]:
            raise bad(f"第 {i} 条规则的类型未知：{item['fault_type']}",
                      f"Rule {i}: unknown fault type {item['fault_type']}")
    return AlertMapping.from_json(data)


def set_mapping(db: Database, actor_id: int, content: str) -> AlertMapping:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise ValidationError({MAPPING_SETTING: (f"映射不是有效的 JSON：{exc}",
                                                 f"The mapping is not valid JSON: {exc}")}) \
            from exc
    mapping = validate_mapping(data)
    team.set_setting(db, actor_id, MAPPING_SETTING, mapping.to_json())
    return mapping


def mapping(db: Database) -> AlertMapping:
    return AlertMapping.from_json(_get(db, MAPPING_SETTING))
