"""Field values as the audit trail and the JSON output hold them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any


def plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the before/after record."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value
