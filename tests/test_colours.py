"""Every colour of the window is a named role of ``ui.scheme`` with a light and a dark
value, readable on what it is painted on in both; no other module of ``ui`` writes a
colour of its own."""

from __future__ import annotations

import dataclasses
import io
import re
import tokenize
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from ui import scheme

UI = Path(__file__).resolve().parent.parent / "ui"

HEX = re.compile(r"(?<![\w&])#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b")
NAMES = ("white|black|red|green|blue|gray|grey|yellow|orange|purple|pink|brown|navy|"
         "maroon|silver|teal|olive|lime|aqua|fuchsia|darkred|darkgreen|darkblue|lightgray|"
         "lightgrey|darkgray|darkgrey")
# a colour written by name or function in a style sheet or rich text: color: white
CSS_COLOUR = re.compile(
    r"(?:^|[\s;{'\"])(?:color|background(?:-color)?|border(?:-[a-z]+)*|"
    r"selection-(?:background-)?color|gridline-color|outline)\s*:\s*[^;}'\"]*?"
    rf"(?:\b(?:{NAMES})\b|rgba?\(|hsla?\()", re.IGNORECASE)
QCOLOR_NAME = re.compile(rf"^(?:{NAMES})$", re.IGNORECASE)
# in code: QColor(255, 0, 0), QColor("red"), Qt.GlobalColor.red, QColorConstants.Red
CODE_COLOUR = re.compile(
    r"QColor\(\s*\d|QColor\.from(?:Rgb|Hsv|Hsl|Cmyk)|QColorConstants\.|"
    r"Qt\.GlobalColor\.(?!transparent\b)\w+|Qt\.(?:white|black|red|green|blue|gray)\b")


def hard_coded_colours(source: str) -> list[tuple[int, str]]:
    """(line, text) of every colour literal in ``source``: hex colours and named colours
    in strings (style sheets, rich text, ``QColor("red")``) and colours built in code."""
    found: list[tuple[int, str]] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            text = token.string
            for pattern in (HEX, CSS_COLOUR):
                found += [(token.start[0], m.group(0).strip()) for m in pattern.finditer(text)]
            body = text.strip("rbfuRBFU").strip("'\"")
            if QCOLOR_NAME.match(body):
                found.append((token.start[0], body))
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0] if '"' not in line and "'" not in line else line
        found += [(number, m.group(0)) for m in CODE_COLOUR.finditer(code)]
    return found


@pytest.mark.parametrize("snippet", [
    'label.setStyleSheet("color: #c62828;")',
    "html = f\"<div style='color:#666'>{x}</div>\"",
    'QColor("#5f6368")',
    'widget.setStyleSheet("background: white; padding: 4px;")',
    'widget.setStyleSheet("QLabel { color: rgb(200, 0, 0); }")',
    'painter.setPen(QColor(200, 0, 0))',
    'brush = QColor("darkred")',
    'pixmap.fill(Qt.GlobalColor.lightGray)',
    'COLOURS = ["#2e86c1", "#27ae60"]',
    "label.setStyleSheet('border: 1px solid #ccc')",
])
def test_the_scan_finds_a_colour_literal(snippet: str) -> None:
    assert hard_coded_colours(snippet + "\n"), snippet


@pytest.mark.parametrize("snippet", [
    'self.setStyleSheet(scheme.banner_css("#draftBar"))',  # an object name, not a colour
    'label.setStyleSheet(scheme.css("bad"))',
    "pixmap.fill(Qt.GlobalColor.transparent)",
    'QColor(scheme.colours().overdue)',
    '"""Page ``index`` at ``scale`` pixels per point, on white."""',
    "x = 1  # see issue #123 and #abc",
    'text = "the white-space: nowrap of a cell"',
])
def test_the_scan_leaves_what_is_no_colour(snippet: str) -> None:
    assert not hard_coded_colours(snippet + "\n"), snippet


def test_no_colour_is_hard_coded_in_ui_outside_the_scheme() -> None:
    files = sorted(p for p in UI.rglob("*.py") if p.name != "scheme.py" or p.parent != UI)
    assert len(files) > 40  # the scan sees the package
    found = {f"{path.relative_to(UI.parent)}:{line}": text for path in files
             for line, text in hard_coded_colours(path.read_text(encoding="utf-8"))}
    assert not found, f"colours belong in ui/scheme.py as a role with a light and a dark value: {found}"


def test_the_scheme_module_itself_is_scanned_as_full_of_colours() -> None:
    # the scan would see colours where they are written: it is not blind to this layout
    assert len(hard_coded_colours((UI / "scheme.py").read_text(encoding="utf-8"))) > 60


@pytest.mark.parametrize("colours", [scheme.LIGHT, scheme.DARK], ids=["light", "dark"])
def test_every_role_reads_on_its_ground(colours: scheme.Colours) -> None:
    pairs = colours.pairs()
    low = [(role, colour, ground_role, ground, round(scheme.contrast(colour, ground), 2), need)
           for role, colour, ground_role, ground, need in pairs
           if scheme.contrast(colour, ground) < need]
    assert not low, low
    # every field of the scheme is checked as a colour or as the ground it is painted on
    named = {re.sub(r"\[.*", "", role) for role, *_ in pairs} | {g for _, _, g, _, _ in pairs}
    fields = {f.name for f in dataclasses.fields(scheme.Colours)}
    assert fields <= named, fields - named
    # texts: WCAG AA on every ground of the scheme; marks and chart series at least 3
    assert {need for *_, need in pairs} >= {4.5, 3.0}
    written = re.compile(r"#[0-9a-f]{6}")  # one way of writing them, lower-case hex
    assert all(written.fullmatch(c) for _, colour, _, ground, _ in pairs
               for c in (colour, ground))


def test_light_and_dark_differ_where_the_ground_does() -> None:
    light, dark = scheme.LIGHT, scheme.DARK
    # the dark grounds are dark and the light ones light
    assert all(scheme.luminance(QColor(g)) > 0.8 for g in light.grounds)
    assert all(scheme.luminance(QColor(g)) < 0.05 for g in dark.grounds)
    for name in ("overdue", "soon", "in_time", "muted", "good", "bad", "info", "heading",
                 "warning", "banner", "banner_text", "match", "selected", "chart_ground"):
        assert getattr(light, name) != getattr(dark, name), name
    assert set(light.chart_series).isdisjoint(dark.chart_series)


def test_a_low_contrast_role_fails_the_check() -> None:
    # the check can fail: a pale yellow level on white is refused
    pale = dataclasses.replace(scheme.LIGHT, levels={**scheme.LIGHT.levels, 2: "#ffd54f"})
    assert any(role == "levels[2]" and scheme.contrast(c, g) < need
               for role, c, _, g, need in pale.pairs())


def test_restyle_swaps_the_marked_colours_for_the_scheme_shown(qapp) -> None:
    from PySide6.QtGui import QPalette

    light = scheme.css("bad", "font-size: 14px;") + " " + scheme.banner_css("#bar")
    assert scheme.LIGHT.bad in light and scheme.LIGHT.banner in light
    assert scheme.restyle(light) == light  # the same scheme: nothing changes
    before = qapp.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    try:
        qapp.setPalette(dark)
        swapped = scheme.restyle(light)
    finally:
        qapp.setPalette(before)
    assert swapped == light.replace(scheme.LIGHT.bad, scheme.DARK.bad).replace(
        scheme.LIGHT.banner, scheme.DARK.banner).replace(
        scheme.LIGHT.banner_text, scheme.DARK.banner_text)
    assert "font-size: 14px;" in swapped and "#bar {" in swapped
    # a colour nobody marked is left alone (and the source scan refuses it anyway)
    assert scheme.restyle("color: #123456;") == "color: #123456;"
