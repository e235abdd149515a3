"""The page every Desk document shares: A4, embedded Chinese font, heading, page numbers.

All text reaches the page through ``reports.fonts``, which picks per character the main
font, a fallback, or a visible placeholder.

Each document is a list of flowables; ``build_pdf`` lays them out twice so the footer
can say "第 N 页 / 共 M 页", and puts the organisation, the document title, the fault
number with its QR code and the generation time on every page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import qrcode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports import fonts

FONT = fonts.MAIN
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
BLANK = "＿＿＿＿＿＿＿＿＿＿"
CONTENT_W = PAGE_W - 2 * MARGIN
GRID = colors.HexColor("#888888")
LABEL_BG = colors.HexColor("#eef2f7")
HEADER_BG = colors.HexColor("#dde5f0")


def register_fonts() -> None:
    fonts.register_main()  # the fallbacks are registered when a text needs them


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles; built once, because a long record makes thousands of cells."""
    register_fonts()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24,
                                alignment=TA_CENTER, spaceAfter=4 * mm),
        "section": ParagraphStyle("section", parent=base, fontSize=12.5, leading=18,
                                  spaceBefore=3 * mm, spaceAfter=1.5 * mm,
                                  textColor=colors.HexColor("#1f3a5f")),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#333333")),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11,
                                textColor=colors.HexColor("#555555")),
        "head": ParagraphStyle("head", parent=base, fontSize=9.5, leading=13,
                               textColor=colors.HexColor("#333333")),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=21),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "subsection": ParagraphStyle("subsection", parent=base, fontSize=11, leading=16,
                                     spaceBefore=2.5 * mm, spaceAfter=1.5 * mm,
                                     textColor=colors.HexColor("#1f3a5f")),
    }


def text(value: Any) -> str:
    """Escape for a Paragraph; missing values become a line to fill in by hand."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    return fonts.markup(str(value)).replace("\n", "<br/>")


def para(value: Any, style: str = "base") -> Paragraph:
    return Paragraph(text(value), styles()[style])


def writing_lines(count: int = 3) -> Table:
    """Ruled lines across the page, room to write a missing passage by hand."""
    table = Table([[""] for _ in range(count)], colWidths=[CONTENT_W],
                  rowHeights=[8 * mm] * count)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, GRID),
    ]))
    return table


def passage(value: Any, lines: int = 3) -> Flowable:
    """A free-text passage; when missing, ruled lines to fill in by hand."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return writing_lines(lines)
    return para(value)


def field_table(rows: Sequence[tuple[str, Any]], label_width: float = 28 * mm) -> Table:
    """A two-column label/value table, as on the paper form."""
    widths = [label_width, CONTENT_W - label_width]
    data: list[list[Any]] = []
    joins: list[tuple[Any, ...]] = []
    for label, value in rows:
        first = len(data)
        data += split_row([label, _field_text(value)], widths, BASE_SIZE)
        joins += _joined(first, len(data), [LABEL_BG, colors.white])
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle([*_FIELD_STYLE, ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
                               *joins]))
    return table


def field_grid(rows: Sequence[tuple[str, Any, str, Any]],
               label_width: float = 28 * mm) -> Table:
    """A four-column label/value/label/value table for short fields, as on the paper form.

    A row whose second label is empty spans its value over the right half too.
    """
    value_width = (CONTENT_W - 2 * label_width) / 2
    widths = [label_width, value_width, label_width, value_width]
    span_widths = [label_width, CONTENT_W - label_width]
    data: list[list[Any]] = []
    extra: list[tuple[Any, ...]] = []
    for label1, value1, label2, value2 in rows:
        first = len(data)
        if label2:
            data += split_row([label1, _field_text(value1), label2, _field_text(value2)],
                              widths, BASE_SIZE)
            extra.append(("BACKGROUND", (2, first), (2, len(data) - 1), LABEL_BG))
            extra += _joined(first, len(data), [LABEL_BG, colors.white] * 2)
        else:
            data += [[*row, "", ""] for row in
                     split_row([label1, _field_text(value1)], span_widths, BASE_SIZE)]
            extra += [("SPAN", (1, r), (3, r)) for r in range(first, len(data))]
            extra += _joined(first, len(data), [LABEL_BG, colors.white])
    table = Table(data, colWidths=widths)
    # the label backgrounds first, so that the joins are drawn over the grid afterwards
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), LABEL_BG), *_FIELD_STYLE,
                               *extra]))
    return table


BASE_SIZE = 10.5
CELL_SIZE = 9.5
CHUNK_LINES = 8  # a table row cannot break across pages: longer text goes on in more rows
_FIELD_STYLE: list[tuple[Any, ...]] = [
    ("GRID", (0, 0), (-1, -1), 0.5, GRID),
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), BASE_SIZE),
    ("LEADING", (0, 0), (-1, -1), 15),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
]


def _joined(first: int, end: int, backgrounds: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Hide the rule between a long cell's continuation rows, so they read as one row.

    The rule is painted over in each column's own background colour.
    """
    cmds: list[tuple[Any, ...]] = []
    for row in range(first + 1, end):
        cmds += [("LINEABOVE", (col, row), (col, row), 0.6, bg)
                 for col, bg in enumerate(backgrounds)]
        # and draw the column rules again where the painting nicked them
        cmds += [("LINEBEFORE", (col, row - 1), (col, row), 0.5, GRID)
                 for col in range(len(backgrounds))]
        cmds += [("LINEAFTER", (-1, row - 1), (-1, row), 0.5, GRID),
                 ("TOPPADDING", (0, row), (-1, row), 0),
                 ("BOTTOMPADDING", (0, row - 1), (-1, row - 1), 0)]
    return cmds


def _field_text(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK  # a line to fill in by hand
    return str(value)


def split_row(cells: Sequence[Any], widths: Sequence[float], size: float) -> list[list[Any]]:
    """One table row as plain wrapped lines; a very long cell continues in further rows.

    Plain strings draw far faster than Paragraphs (a 50-page record in well under a
    second), and a row taller than a page could not be laid out at all.
    """
    wrapped: list[list[str] | None] = []
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, Flowable):
            wrapped.append(None)
        elif cell is None or (isinstance(cell, str) and not cell.strip()):
            wrapped.append([])
        else:
            wrapped.append(wrap_lines(str(cell), width - 12, size))
    tallest = max((len(w) for w in wrapped if w is not None), default=0)
    if tallest <= CHUNK_LINES:
        return [[cell if w is None else _cell("\n".join(w), size)
                 for cell, w in zip(cells, wrapped, strict=True)]]
    rows = []
    for start in range(0, tallest, CHUNK_LINES):
        rows.append([
            (cell if start == 0 else "") if w is None
            else _cell("\n".join(w[start:start + CHUNK_LINES]), size)
            for cell, w in zip(cells, wrapped, strict=True)
        ])
    return rows


def _cell(lines: str, size: float) -> str | Paragraph:
    """Wrapped lines as a plain string; as a Paragraph where a fallback font must draw
    some of them (a table cell's string has one font)."""
    if not fonts.needs_switch(lines):
        return lines
    return Paragraph(text(lines), _cell_style(size))


@lru_cache(maxsize=8)
def _cell_style(size: float) -> ParagraphStyle:
    # the leading the tables give their plain strings
    leading = {BASE_SIZE: 15.0, CELL_SIZE: 13.0}.get(size, size * 1.2)
    return ParagraphStyle(f"cell{size}", parent=styles()["base"], fontSize=size,
                          leading=leading)


def picture(data: bytes, max_width: float = CONTENT_W - 4, max_height: float = 110 * mm,
            caption: str = "") -> Flowable:
    """An embedded picture (PNG or JPEG bytes) scaled down to fit; a note if unreadable."""
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception:  # any decoder failure: the document still prints, with a note
        return para(f"（图片无法显示：{caption}）" if caption else "（图片无法显示）", "small")
    scale = min(1.0, max_width / width, max_height / height)
    image = Image(io.BytesIO(data), width=width * scale, height=height * scale)
    # a thin frame: screenshots are often mostly white and would melt into the page
    framed = Table([[image]], colWidths=[width * scale + 4], rowHeights=[height * scale + 4])
    framed.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, GRID),
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # else the cell selects Helvetica
        *[(side, (0, 0), (-1, -1), 2) for side in
          ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")],
    ]))
    framed.hAlign = "LEFT"
    if not caption:
        return framed
    return KeepTogether([framed, Spacer(1, 1 * mm), para(caption, "small"), Spacer(1, 2 * mm)])


def grid_table(header: Sequence[str], rows: Sequence[Sequence[Any]],
               widths: Sequence[float], empty_rows: int = 3) -> Table:
    """A table with a header row repeated on every page it spans.

    Empty cells stay empty boxes (the paper form's way of leaving room to write); with
    no rows at all, ``empty_rows`` blank rows are printed.
    """
    data: list[list[Any]] = [[Paragraph(text(h), styles()["head"]) for h in header]]
    joins: list[tuple[Any, ...]] = []
    for row in rows:
        first = len(data)
        data += split_row(row, widths, CELL_SIZE)
        joins += _joined(first, len(data), [colors.white] * len(widths))
    if not rows:
        # nothing recorded yet: empty boxes to fill in by hand
        data += [["" for _ in header] for _ in range(empty_rows)]
    heights = None if rows else [None] + [8 * mm] * empty_rows
    table = Table(data, colWidths=list(widths), repeatRows=1, rowHeights=heights)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 1), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 1), (-1, -1), 13),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *joins,
    ]))
    return table


@lru_cache(maxsize=8192)
def _char_width(char: str) -> float:
    return fonts.char_width(char)  # in the font that draws it (registers it if need be)


_TOKEN = re.compile(r"[A-Za-z0-9_.\-/:@%#+]+|\s+|.", re.S)
# no line may start with these (Chinese typesetting: closing punctuation stays behind)
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…—,.;:?!)]}%")


def wrap_lines(value: str, width: float, size: float) -> list[str]:
    """Break ``value`` into lines no wider than ``width`` at font size ``size``.

    Chinese breaks between any two characters, Latin words and numbers stay whole
    unless longer than a line, closing punctuation never starts a line.
    """
    limit = width / size
    out: list[str] = []
    for paragraph in value.splitlines() or [""]:
        line, used = "", 0.0
        for token in _TOKEN.findall(paragraph):
            w = sum(_char_width(c) for c in token)
            if token.isspace():
                if line:
                    line, used = line + " ", used + _char_width(" ")
                continue
            if used + w <= limit or token in _NO_LINE_START:
                line, used = line + token, used + w
                continue
            if line.strip():
                out.append(line.rstrip())
            line, used = "", 0.0
            if w <= limit:
                line, used = token, w
                continue
            for char in token:  # a word longer than a whole line: cut it
                cw = _char_width(char)
                if used + cw > limit and line:
                    out.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + cw
        out.append(line.rstrip())
    return out


LONG_TABLE_ROWS = 12


def _heading_with(heading: Flowable, body: Sequence[Flowable]) -> list[Flowable]:
    """A heading kept on the page of what follows it.

    A short first flowable moves with the heading as one block; a long table would
    leave half a page empty that way, so it starts under the heading wherever at least
    a few rows still fit, and repeats its header row on the pages after.
    """
    if not body:  # a heading over subsections: never alone at the foot of a page
        return [CondPageBreak(50 * mm), heading]
    first = body[0]
    if isinstance(first, Table) and (len(first._cellvalues) > LONG_TABLE_ROWS
                                     or first.wrap(CONTENT_W, PAGE_H)[1] > 120 * mm):
        return [CondPageBreak(40 * mm), heading, *body]
    # a nested KeepTogether reports an endless height and would force a page break
    inner = list(first._content) if isinstance(first, KeepTogether) else [first]
    return [KeepTogether([heading, *inner]), *body[1:]]


def section(title: str, *body: Flowable) -> list[Flowable]:
    return _heading_with(Paragraph(text(title), styles()["section"]), body)


def subsection(title: str, *body: Flowable) -> list[Flowable]:
    return _heading_with(Paragraph(text(title), styles()["subsection"]), body)


def signature_lines(*labels: str, filled: Sequence[tuple[str, str]] = ()) -> Flowable:
    """Lines to sign by hand: "label（签字）：____ 日期：____".

    ``filled`` gives, per label in order, a name and a date to print beside the line
    (a recorded verification); empty strings leave the line blank.
    """
    st = styles()
    cells = []
    for index, label in enumerate(labels):
        name, day = filled[index] if index < len(filled) else ("", "")
        who = f"{text(name)}　" if name else ""
        when = text(day) if day else "＿＿＿＿年＿＿月＿＿日"
        cells.append(Paragraph(f"{text(label)}（签字）：{who}＿＿＿＿＿＿＿＿＿＿　"
                               f"日期：{when}", st["base"]))
    table = Table([[c] for c in cells], colWidths=[CONTENT_W])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("TOPPADDING", (0, 0), (-1, -1), 9),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return KeepTogether([table])  # the signatures stay on one page


@dataclass(frozen=True)
class DocumentHeader:
    organisation: str
    title: str
    number: str
    generated_at: datetime  # local time of the desk
    number_label: str = "故障编号"  # what ``number`` is; a report over a period says 统计期间
    qr: bool = True  # a QR code of the fault number (not for a period)


@lru_cache(maxsize=256)
def _qr_runs(payload: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of ``payload`` as (size in modules, dark runs (row, first column, length)).

    Cached, and drawn as runs rather than single modules: every page of a document and
    every notice of a batch repeats the same code, and each rectangle costs PDF text.
    """
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    matrix = code.get_matrix()
    runs = []
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                runs.append((row_index, start, col - start))
            else:
                col += 1
    return len(matrix), tuple(runs)


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of ``payload`` as plain filled rectangles (no fonts, no images)."""
    modules, runs = _qr_runs(payload)
    cell = size / modules
    canvas.saveState()
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for row_index, col, length in runs:
        path.rect(x + col * cell, y + size - (row_index + 1) * cell, length * cell, cell)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
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
        fonts.draw_string(self, MARGIN, top, h.organisation, 9)
        fonts.draw_string(self, PAGE_W - MARGIN - 16 * mm, top, f"{h.number_label}：{h.number}",
                          9, anchor="right")
        fonts.draw_string(self, PAGE_W - MARGIN - 16 * mm, top - 4.5 * mm, h.title, 9,
                          anchor="right")
        self.setFont(FONT, 9)
        self.setStrokeColor(colors.HexColor("#999999"))
        self.line(MARGIN, top - 6.5 * mm, PAGE_W - MARGIN, top - 6.5 * mm)
        if h.qr:
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


__all__ = ["BLANK", "CONTENT_W", "DocumentHeader", "Spacer", "build_pdf", "field_grid",
           "field_table", "grid_table", "mm", "para", "passage", "picture", "section",
           "signature_lines", "styles", "subsection", "text", "wrap_lines", "writing_lines"]
