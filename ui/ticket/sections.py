"""The record table's five sections in the paper's order, and its rows by name."""

from __future__ import annotations

from ui.ticket.basic import BasicInfoSection
from ui.ticket.closing import ClosingSection
from ui.ticket.description import DescriptionSection
from ui.ticket.form import RecordSection, Row
from ui.ticket.handling import HandlingSection
from ui.ticket.verification import VerificationSection

SECTION_CLASSES: tuple[type[RecordSection], ...] = (
    BasicInfoSection, DescriptionSection, HandlingSection, VerificationSection,
    ClosingSection)

# (title, object name, rows) of each section, as the translations' table lists them
SECTIONS: list[tuple[str, str, list[Row]]] = [
    (cls.TITLE, cls.OBJECT_NAME, cls.ROWS) for cls in SECTION_CLASSES]

ROWS: dict[str, Row] = {row.name: row for _t, _o, rows in SECTIONS for row in rows}
LABELS: dict[str, str] = {row.name: row.label for row in ROWS.values()}
