"""Known errors: what a person can be told, in Chinese and English, with nothing lost.

Anything that is not a ``DeskError`` is a bug: it is logged with its traceback and the
person is told that something went wrong (see ``ui.errors`` and ``desk.cli``).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGE = {"current": "zh_CN"}


def set_language(code: str) -> None:
    """Choose the language of ``str(error)`` and of ``pick`` (``zh_CN`` or ``en``)."""
    LANGUAGE["current"] = code


def pick(zh: str, en: str) -> str:
    """The text in the language chosen with ``set_language`` (the CLI's ``--lang``)."""
    return en if LANGUAGE["current"].startswith("en") else zh


class DeskError(Exception):
    """A known failure with a message for the person in front of the screen."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en

    def message(self, language: str | None = None) -> str:
        lang = language or LANGUAGE["current"]
        return self.en if lang.startswith("en") else self.zh

    def __str__(self) -> str:
        return self.message()


class ValidationError(DeskError):
    """Input that cannot be saved; ``fields`` maps a field name to its (zh, en) message."""

    def __init__(self, fields: Mapping[str, tuple[str, str]]) -> None:
        self.fields = dict(fields)
        zh = "；".join(m[0] for m in self.fields.values())
        en = "; ".join(m[1] for m in self.fields.values())
        super().__init__(zh, en)

    def field_message(self, field: str, language: str | None = None) -> str | None:
        pair = self.fields.get(field)
        if pair is None:
            return None
        lang = language or LANGUAGE["current"]
        return pair[1] if lang.startswith("en") else pair[0]


class NotFoundError(DeskError):
    """A ticket, person or attachment that does not exist."""


class PermissionDeniedError(DeskError):
    """The person does not hold a role that may do this."""


class InvalidTransitionError(DeskError):
    """The ticket is not in a state where this step is allowed."""


class ConflictError(DeskError):
    """Someone else saved the same ticket first (the version check refused the save)."""

    def __init__(self, ticket_id: int, expected: int, found: int) -> None:
        super().__init__(
            f"此故障已被他人修改（版本 {expected} → {found}），请查看对方的修改后再保存。",
            f"Someone else changed this ticket (version {expected} → {found}); "
            "review their change before saving.",
        )
        self.ticket_id = ticket_id
        self.expected = expected
        self.found = found


class DatabaseError(DeskError):
    """The database cannot be reached, is locked, damaged, read-only or full."""


class SchemaTooNewError(DatabaseError):
    """The database was upgraded by a newer Desk."""
