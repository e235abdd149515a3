"""Which embedded font draws each character, in one place.

The main font (WenQuanYi Micro Hei) has Latin and the common Chinese characters. Where
it has no glyph, a fallback draws it: Hanazono Mincho subsets for CJK Extension A
(䶮), enclosed CJK (㊙) and Extension B (𠀀, 𪚥). A character no font has is drawn as
``PLACEHOLDER`` in the main font, never dropped, and is collected as missing.

Everything that puts text on a page goes through here: ``markup`` for Paragraphs
(``<font name=…>`` runs), ``runs``/``draw_string`` for the canvas, ``main_only`` for
chart labels (which cannot switch fonts). ``missing_glyphs()`` collects what had no
glyph while a document was built; each report's ``build`` logs it as a warning too.
"""

from __future__ import annotations

import io
import logging
import lzma
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache, wraps
from typing import Any, ParamSpec, TypeVar

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from resources import CJK_FONT, path

log = logging.getLogger(__name__)

MAIN = "DeskCJK"
PLACEHOLDER = "\ufffd"  # � REPLACEMENT CHARACTER, in the main font
# name -> (compressed TrueType file, the Unicode plane it covers), after the main font
FALLBACKS: dict[str, tuple[str, int]] = {
    "DeskHanA": ("hanamin-a-desk.ttf.xz", 0),  # Extension A, ㊙, radicals, symbols
    "DeskHanB": ("hanamin-b-desk.ttf.xz", 2),  # Extension B
}

_lock = threading.Lock()
_collector: ContextVar[set[str] | None] = ContextVar("desk_missing_glyphs", default=None)


class _Font(TTFont):  # type: ignore[misc]  # ReportLab has no type hints
    """A TrueType font whose text layer also holds characters beyond U+FFFF.

    ReportLab writes such a code point as five or six hex digits in the ToUnicode map,
    which PDF readers reject (𠀀 vanished from copied text); UTF-16 is what they read.
    """

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - ReportLab's name
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)  # forgets the document's state
        for n, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            stream = doc.idToObject["toUnicodeCMap:" + base.decode("pdfdoc")]
            lines = str(stream.content).splitlines()
            start = lines.index(f"{len(subset)} beginbfchar") + 1
            lines[start:start + len(subset)] = [
                f"<{i:02X}> <{chr(cp).encode('utf-16-be').hex().upper()}>"
                for i, cp in enumerate(subset)]
            stream.content = "\n".join(lines)


def register_main() -> None:
    with _lock:
        if MAIN not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_Font(MAIN, str(CJK_FONT), subfontIndex=0))


def _fallback(name: str) -> Any:
    """The fallback font ``name``, decompressed and registered on first use."""
    with _lock:
        if name not in pdfmetrics.getRegisteredFontNames():
            data = lzma.decompress(path("fonts", FALLBACKS[name][0]).read_bytes())
            pdfmetrics.registerFont(_Font(name, io.BytesIO(data)))
    return pdfmetrics.getFont(name)


def _has(name: str, cp: int) -> bool:
    font = pdfmetrics.getFont(name) if name == MAIN else _fallback(name)
    return cp in font.face.charToGlyph


_IGNORABLE = {"Cc", "Cf", "Mn", "Zl", "Zp"}  # controls, joiners, variation selectors …


@lru_cache(maxsize=16384)
def font_of(char: str) -> str | None:
    """The font that draws ``char``; ``None`` if no font has it.

    A character the main font lacks that draws nothing anyway (a control, a joiner, a
    variation selector) is given the main font: it shows as nothing, as it should.
    """
    register_main()
    cp = ord(char)
    if _has(MAIN, cp):
        return MAIN
    if unicodedata.category(char) in _IGNORABLE:
        return MAIN
    # each fallback is decompressed only when a character of its plane comes up
    for name, (_file, plane) in FALLBACKS.items():
        if cp >> 16 == plane and _has(name, cp):
            return name
    return None


def _missing(char: str) -> None:
    found = _collector.get()
    if found is not None:
        found.add(char)


def runs(value: str) -> list[tuple[str, str]]:
    """``value`` as (font, text) runs; a character in no font becomes the placeholder."""
    out: list[tuple[str, str]] = []
    for char in value:
        font = font_of(char)
        if font is None:
            _missing(char)
            font, char = MAIN, PLACEHOLDER
        elif font == MAIN and unicodedata.category(char) in _IGNORABLE \
                and not _has(MAIN, ord(char)):
            continue
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out


def needs_switch(value: str) -> bool:
    """Does ``value`` hold a character the main font cannot draw (a fallback or none)?"""
    return any(font_of(c) != MAIN for c in value)


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(value: str) -> str:
    """Escaped Paragraph text, with ``<font name=…>`` around what a fallback draws."""
    if not needs_switch(value):
        return _escape(value)
    return "".join(_escape(part) if font == MAIN else f'<font name="{font}">{_escape(part)}</font>'
                   for font, part in runs(value))


def main_only(value: str) -> str:
    """``value`` for a place that draws in the main font only (chart labels): what the
    main font lacks becomes the placeholder, and is reported missing."""
    if not needs_switch(value):
        return value
    out = []
    for char in value:
        if _has(MAIN, ord(char)) or unicodedata.category(char) in _IGNORABLE:
            out.append(char)
        else:
            _missing(char)
            out.append(PLACEHOLDER)
    return "".join(out)


def char_width(char: str) -> float:
    """Width of ``char`` at size 1 in the font that draws it."""
    font = font_of(char)
    if font is None:
        return float(pdfmetrics.stringWidth(PLACEHOLDER, MAIN, 1.0))
    return float(pdfmetrics.stringWidth(char, font, 1.0))


def string_width(value: str, size: float) -> float:
    return sum(float(pdfmetrics.stringWidth(part, font, size)) for font, part in runs(value))


def draw_string(canvas: Any, x: float, y: float, value: str, size: float,
                anchor: str = "left") -> None:
    """Draw ``value`` on the canvas in runs, each in the font that has its glyphs."""
    if anchor == "right":
        x -= string_width(value, size)
    for font, part in runs(value):
        canvas.setFont(font, size)
        canvas.drawString(x, y, part)
        x += float(pdfmetrics.stringWidth(part, font, size))


@contextmanager
def missing_glyphs() -> Iterator[set[str]]:
    """Collect the characters no font could draw while the block builds documents.

    Nested blocks share the outermost collection.
    """
    outer = _collector.get()
    if outer is not None:
        yield outer
        return
    found: set[str] = set()
    token = _collector.set(found)
    try:
        yield found
    finally:
        _collector.reset(token)


def describe(chars: set[str]) -> str:
    return "、".join(f"{c}（U+{ord(c):04X}）" for c in sorted(chars))


P = ParamSpec("P")
R = TypeVar("R")


def reporting(build: Callable[P, R]) -> Callable[P, R]:
    """Decorate a document's ``build``: log the characters drawn as the placeholder."""

    @wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with missing_glyphs() as found:
            before = set(found)
            result = build(*args, **kwargs)
            new = found - before
        if new:
            log.warning("文档中 %d 个字符没有可用字形，以 %s 代替 / %d characters have no "
                        "glyph in any embedded font, printed as %s: %s", len(new),
                        PLACEHOLDER, len(new), PLACEHOLDER, describe(new))
        return result

    return wrapper


__all__ = ["FALLBACKS", "MAIN", "PLACEHOLDER", "char_width", "describe", "draw_string",
           "font_of", "main_only", "markup", "missing_glyphs", "needs_switch", "register_main",
           "reporting", "runs", "string_width"]
