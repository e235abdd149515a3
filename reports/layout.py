"""The page every Desk document shares: A4, embedded Chinese font, heading, page numbers.

Each document is a list of flowables; ``build_pdf`` lays them out twice so the footer
can say "第 N 页 / 共 M 页", and puts the organisation, the document title, the fault
number with its QR code and the generation time on every page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import qrcode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from resources import CJK_FONT

FONT = "DeskCJK"
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
BLANK = "＿＿＿＿＿＿＿＿＿＿"


def register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(CJK_FONT), subfontIndex=0))


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24,
                                alignment=TA_CENTER, spaceAfter=4 * mm),
        "section": ParagraphStyle("section", parent=base, fontSize=12.5, leading=18,
                                  spaceBefore=4 * mm, spaceAfter=2 * mm,
                                  textColor=colors.HexColor("#1f3a5f")),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#333333")),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11,
                                textColor=colors.HexColor("#555555")),
    }


def text(value: Any) -> str:
    """Escape for a Paragraph; missing values become a line to fill in by hand."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    s = str(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("\n", "<br/>")


def para(value: Any, style: str = "base") -> Paragraph:
    return Paragraph(text(value), styles()[style])


def field_table(rows: Sequence[tuple[str, Any]], label_width: float = 32 * mm) -> Table:
    """A two-column label/value table, as on the paper form."""
    st = styles()
    data = [[Paragraph(text(label), st["label"]), para(value)] for label, value in rows]
    table = Table(data, colWidths=[label_width, PAGE_W - 2 * MARGIN - label_width])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def grid_table(header: Sequence[str], rows: Sequence[Sequence[Any]],
               widths: Sequence[float]) -> Table:
    """A table with a header row repeated on every page it spans."""
    st = styles()
    data = [[Paragraph(text(h), st["label"]) for h in header]]
    data += [[para(c) if not isinstance(c, Flowable) else c for c in row] for row in rows]
    if not rows:
        data.append([para(None) for _ in header])
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def section(title: str, *body: Flowable) -> list[Flowable]:
    return [KeepTogether([Paragraph(text(title), styles()["section"]), body[0]]), *body[1:]] \
        if body else [Paragraph(text(title), styles()["section"])]


def signature_lines(*labels: str) -> Table:
    st = styles()
    cells = [Paragraph(f"{text(label)}：＿＿＿＿＿＿＿＿　日期：＿＿＿＿＿＿", st["base"])
             for label in labels]
    table = Table([[c] for c in cells], colWidths=[PAGE_W - 2 * MARGIN])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT)]))
    return table


@dataclass(frozen=True)
class DocumentHeader:
    organisation: str
    title: str
    number: str
    generated_at: datetime  # local time of the desk


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of ``payload`` as plain squares (no fonts, no images)."""
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(x + col_index * cell, y + size - (row_index + 1) * cell,
                            cell, cell, stroke=0, fill=1)
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Canvas that learns the page count, then stamps "第 N 页 / 共 M 页" on every page."""

    header: DocumentHeader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        h = self.header
        self.saveState()
        self.setFont(FONT, 9)
        self.setFillColor(colors.HexColor("#444444"))
        top = PAGE_H - 12 * mm
        self.drawString(MARGIN, top, h.organisation)
        self.drawRightString(PAGE_W - MARGIN - 16 * mm, top, f"故障编号：{h.number}")
        self.drawRightString(PAGE_W - MARGIN - 16 * mm, top - 4.5 * mm, h.title)
        self.setStrokeColor(colors.HexColor("#999999"))
        self.line(MARGIN, top - 6.5 * mm, PAGE_W - MARGIN, top - 6.5 * mm)
        draw_qr(self, h.number, PAGE_W - MARGIN - 14 * mm, top - 9 * mm, 14 * mm)
        self.line(MARGIN, 14 * mm, PAGE_W - MARGIN, 14 * mm)
        self.drawString(MARGIN, 9 * mm, f"生成时间：{h.generated_at:%Y-%m-%d %H:%M}")
        self.drawRightString(PAGE_W - MARGIN, 9 * mm,
                             f"第 {self._pageNumber} 页 / 共 {total} 页")
        self.restoreState()


def build_pdf(header: DocumentHeader, story: list[Flowable],
              out: str | Path | BinaryIO | None = None) -> bytes:
    """Lay out ``story`` under the shared heading; write to ``out`` and return the bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=26 * mm, bottomMargin=20 * mm, title=f"{header.title} {header.number}",
        author=header.organisation, subject=header.title, creator="Desk",
        initialFontName=FONT,
    )
    canvas_class = type("HeaderCanvas", (_NumberedCanvas,), {"header": header})
    full = [Paragraph(text(header.title), styles()["title"]), *story]
    doc.build(full, canvasmaker=canvas_class)
    data = buffer.getvalue()
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    elif out is not None:
        out.write(data)
    return data


__all__ = ["BLANK", "DocumentHeader", "Spacer", "build_pdf", "field_table", "grid_table",
           "mm", "para", "section", "signature_lines", "styles", "text"]
