"""The fault number's format: ``TYPE-YYYYMMDD-NNN`` (the local date, a per-type, per-day
sequence of at least three digits). Allocation is ``desk.process.numbering``.
"""

from __future__ import annotations

from datetime import date

from models.vocabulary import FaultType


def format_number(fault_type: FaultType, day: date, seq: int) -> str:
    """``SYS-20261127-001``; the sequence has at least three digits and grows past 999."""
    return f"{fault_type.value}-{day:%Y%m%d}-{seq:03d}"
