"""This desk's own settings: which database, which language, where files go.

Team-wide settings (time zone, organisation name, SLA limits) live in the database
(``desk.read.settings``); this file holds only what differs from one computer to another.
Order of precedence: command-line option, environment variable, settings file, default.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from desk.errors import DeskError

APP_NAME = "Desk"
ENV_DB_URL = "DESK_DB_URL"
ENV_HOME = "DESK_HOME"  # one folder for data and settings (tests, portable installs)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    config_file: Path
    db_url: str
    language: str = "zh_CN"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_default_db(self) -> bool:
        return self.db_url == default_db_url(self.data_dir)

    def with_db(self, url: str) -> Config:
        return replace(self, db_url=url)


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'desk.sqlite3'}"


def _dirs(env: Mapping[str, str]) -> tuple[Path, Path]:
    home = env.get(ENV_HOME)
    if home:
        base = Path(home)
        return base, base / "settings.json"
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    conf = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"
    return data, conf


def read_settings_file(path: Path) -> dict[str, Any]:
    """Read the settings file; a damaged file is a known error, not a traceback."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DeskError(
            f"设置文件 {path} 无法读取（{exc}）。请修正或删除该文件。",
            f"The settings file {path} cannot be read ({exc}). Fix or delete it.",
        ) from exc
    if not isinstance(data, dict):
        raise DeskError(
            f"设置文件 {path} 格式不对（应为 JSON 对象）。请修正或删除该文件。",
            f"The settings file {path} is malformed (expected a JSON object).",
        )
    for key, allowed in (("db_url", None), ("language", ("zh_CN", "en"))):
        value = data.get(key)
        if value is not None and (not isinstance(value, str)
                                  or (allowed is not None and value not in allowed)):
            raise DeskError(
                f"设置文件 {path} 中 {key} 的值不对：{value!r}。请修正或删除该项。",
                f"The settings file {path} has a wrong value for {key}: {value!r}. "
                "Fix or delete it.",
            )
    return data


def load_config(db_url: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Build the config from the option, the environment and the settings file."""
    env = os.environ if env is None else env
    data_dir, conf_file = _dirs(env)
    stored = read_settings_file(conf_file)
    url = db_url or env.get(ENV_DB_URL) or stored.get("db_url") or default_db_url(data_dir)
    url = resolve_password(str(url))
    language = str(stored.get("language", "zh_CN"))
    return Config(
        data_dir=data_dir, config_file=conf_file, db_url=str(url), language=language, extra=stored
    )


def save_settings(config: Config, **values: Any) -> None:
    """Merge ``values`` into the settings file, written atomically."""
    current = read_settings_file(config.config_file)
    current.update(values)
    config.config_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = config.config_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(config.config_file)


KEYRING_SERVICE = "Desk"


def keyring_account(url: str) -> str | None:
    """The keyring entry of a server URL's password: ``user@host/database``."""
    if url.startswith("sqlite"):  # a local file has no password (and the start is quick)
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() == "sqlite" or not parsed.username:
        return None
    return f"{parsed.username}@{parsed.host or 'localhost'}/{parsed.database or ''}"


def resolve_password(url: str) -> str:
    """Fill a server URL's password back from the system keyring (never stored in the
    settings file). Without a keyring, or without an entry, the URL is returned as it
    is and the driver falls back to the ``.pgpass`` file."""
    account = keyring_account(url)
    if account is None:
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.password:
        return url
    try:
        import keyring

        password = keyring.get_password(KEYRING_SERVICE, account)
    except Exception:  # noqa: BLE001 - any keyring failure means "no stored password"
        return url
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def local_secret(name: str, data_dir: Path | None = None) -> bytes:
    """A random 32-byte key of this desk (this user on this computer), kept outside the
    database: in the system keyring where one works, else in a ``0600`` file in the data
    folder. Made on first use."""
    import secrets

    account = f"secret:{name}"
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, account)
        if stored is None:
            stored = secrets.token_hex(32)
            keyring.set_password(KEYRING_SERVICE, account, stored)
            if keyring.get_password(KEYRING_SERVICE, account) != stored:
                raise RuntimeError("the keyring did not keep the key")
        return bytes.fromhex(stored)
    except Exception:  # noqa: BLE001 - no usable keyring: a private file instead
        folder = data_dir if data_dir is not None else load_config().data_dir
        path = folder / f"{name}.key"
        try:
            return bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            key = secrets.token_hex(32)
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key)
            os.replace(tmp, path)
            return bytes.fromhex(key)
