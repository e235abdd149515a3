"""Drafts of the record form on disk, so typing survives a crash.

One JSON file per form under ``<data folder>/drafts`` (``Config.data_dir``), keyed by
the ticket id or ``"new"`` for a fault not yet reported. The window writes a draft a
moment after each edit and removes it after a save or a deliberate discard; a draft
still there when the form opens again is what a crash (or a power cut) left behind,
and is offered back. Drafts older than ``MAX_AGE`` are expired: deleted, never offered.

Files are written to a temporary name and renamed over the old one, so a crash while
writing leaves the previous draft, never half a file. A file that cannot be read is
ignored (and removed), never an error in front of the person.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_AGE = timedelta(days=7)
SUFFIX = ".json"
FORMAT = 1


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Draft:
    """What a form held when it was last written: its inputs as plain JSON values."""

    key: str
    saved_at: datetime  # UTC
    values: dict[str, Any]
    base_version: int | None = None  # the ticket version the form was loaded with
    person_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def folder_for(data_dir: Path) -> Path:
    """The drafts folder inside a desk's data folder."""
    return data_dir / "drafts"


class DraftStore:
    """Drafts in one folder (created on first write)."""

    def __init__(self, folder: Path, max_age: timedelta = MAX_AGE,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.folder = Path(folder)
        self.max_age = max_age
        self.clock = clock

    def _path(self, key: str | int) -> Path:
        text = str(key)
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", text):
            raise ValueError(f"not a draft key: {text!r}")
        return self.folder / f"{text}{SUFFIX}"

    def save(self, key: str | int, values: Mapping[str, Any], *,
             base_version: int | None = None, person_id: int | None = None,
             meta: Mapping[str, Any] | None = None) -> Draft:
        """Write (or replace) the draft for ``key``; ``values`` must be JSON values."""
        draft = Draft(key=str(key), saved_at=self.clock(), values=dict(values),
                      base_version=base_version, person_id=person_id, meta=dict(meta or {}))
        payload = {
            "format": FORMAT, "key": draft.key, "saved_at": draft.saved_at.isoformat(),
            "base_version": base_version, "person_id": person_id, "values": draft.values,
            "meta": draft.meta,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._path(key)
        fd, tmp = tempfile.mkstemp(prefix=f".{draft.key}-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return draft

    def _read(self, path: Path) -> Draft | None:
        try:
            with path.open(encoding="utf-8") as handle:
                data = json.load(handle)
            saved_at = datetime.fromisoformat(data["saved_at"])
            if saved_at.tzinfo is None:
                saved_at = saved_at.replace(tzinfo=UTC)
            return Draft(key=str(data["key"]), saved_at=saved_at, values=dict(data["values"]),
                         base_version=data.get("base_version"),
                         person_id=data.get("person_id"), meta=dict(data.get("meta") or {}))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable draft %s: %s", path, exc)
            path.unlink(missing_ok=True)
            return None

    def _expired(self, draft: Draft) -> bool:
        return self.clock() - draft.saved_at > self.max_age

    def load(self, key: str | int) -> Draft | None:
        """The draft for ``key``, or None (an expired draft is deleted, not returned)."""
        path = self._path(key)
        if not path.exists():
            return None
        draft = self._read(path)
        if draft is None:
            return None
        if self._expired(draft):
            path.unlink(missing_ok=True)
            return None
        return draft

    def remove(self, key: str | int) -> None:
        self._path(key).unlink(missing_ok=True)

    def list_drafts(self) -> list[Draft]:
        """Every draft that may still be offered, newest first; expired ones deleted."""
        if not self.folder.is_dir():
            return []
        out: list[Draft] = []
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            draft = self._read(path)
            if draft is None:
                continue
            if self._expired(draft):
                path.unlink(missing_ok=True)
                continue
            out.append(draft)
        out.sort(key=lambda d: d.saved_at, reverse=True)
        return out

    def expire(self) -> int:
        """Delete drafts older than ``max_age``; return how many went."""
        if not self.folder.is_dir():
            return 0
        gone = 0
        for path in self.folder.glob(f"*{SUFFIX}"):
            draft = self._read(path)
            if draft is not None and self._expired(draft):
                path.unlink(missing_ok=True)
                gone += 1
        return gone


def default_store() -> DraftStore:
    """The drafts folder of this computer's Desk (``Config.data_dir / "drafts"``)."""
    from desk.config import load_config

    return DraftStore(folder_for(load_config().data_dir))


def list_drafts(folder: Path | None = None) -> list[Draft]:
    """Drafts that may still be offered, in ``folder`` or the desk's data folder."""
    store = DraftStore(folder) if folder is not None else default_store()
    return store.list_drafts()
