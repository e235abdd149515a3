"""The colours that carry meaning — levels, states, time left, the SLA clocks, notes,
banners, search matches, chart series, the preview's backdrop — for a light and a dark
colour scheme, chosen in this one place: no other module of ``ui`` writes a colour
(``tests/test_colours.py`` scans the sources for one).

Which scheme is shown is read from what the views paint on: the palette's ``Base``
colour. Qt (6.5 and later) sets the application palette from the system's scheme
(``QStyleHints.colorScheme``) and sends ``PaletteChange`` to every widget when it
changes; widgets that colour text repaint then (``SchemeWatcher`` for the others).
Every text colour here reads at a WCAG contrast of at least 4.5 against the grounds of
the scheme it is for (base, alternate row, window) or its own ground (a banner's text on
the banner), every mark (the level's dot, the state's square) and chart series at least
3 (``Colours.pairs``; ``tests/test_colours.py`` and ``tests/test_window_layout_gui.py``
check them). Style sheets take the colours of the scheme shown when they are set,
marked with their role (``declare``); ``restyle`` swaps them when the scheme changes
(the main window does it, ``restyle_tree``, for its widgets and for the other open
windows and dialogs that have no parent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QWidget

from models import Status


@dataclass(frozen=True)
class Colours:
    levels: dict[int, str]  # the level's text and dot: 1 紧急, 2 重要, 3 一般
    states: dict[Status, str]  # the state's square
    overdue: str  # time left: overdue
    soon: str  # ... under half an hour
    in_time: str  # ... more
    paused: str
    muted: str  # notes beside a field
    good: str  # a message that something worked
    bad: str  # ... that it did not, an error, a failed row
    info: str  # who else has the fault open, a next deadline in time
    heading: str  # a form's section heading
    warning: str  # a note that something is estimated or incomplete
    disabled: str  # a row of something switched off (a person no longer active)
    grounds: tuple[str, ...]  # what views and windows paint on: base, alternate, window
    banner: str  # a bar asking for attention (calendar, stale fault, draft, conflict)
    banner_text: str
    banner_warning: str  # the calendar's reminder on the banner
    match: str  # a search match in the knowledge base ...
    match_ground: str  # ... on its highlight
    selected: str  # a knowledge-base hit chosen (a light selection) ...
    selected_border: str  # ... and its frame
    chart_ground: str  # the dashboard's charts paint on this
    chart_levels: tuple[str, str, str]  # the levels' slices and lines
    chart_series: tuple[str, str, str, str]  # bar sets; the last: 合计 in the trend
    backdrop: str  # behind the pages of a PDF preview
    backdrop_text: str  # 正在生成文档… on it
    page: str  # a page (paper is white in both schemes) ...
    page_text: str  # ... and the text on a page not yet drawn
    placeholder: str  # a thumbnail not yet drawn
    clocks: dict[str, str] = field(default_factory=dict)

    def clock(self, state: str) -> str:
        return self.clocks.get(state, self.muted)

    def pairs(self) -> list[tuple[str, str, str, str, float]]:
        """Every colour with what it is painted on and the WCAG contrast it needs there:
        (role, colour, ground's role, ground, minimum); text 4.5, marks and chart series
        3. Every field of the scheme is a role or a ground here (a test checks)."""
        text = [("overdue", self.overdue), ("soon", self.soon), ("in_time", self.in_time),
                ("paused", self.paused), ("muted", self.muted), ("good", self.good),
                ("bad", self.bad), ("info", self.info), ("heading", self.heading),
                ("warning", self.warning), ("disabled", self.disabled),
                *((f"levels[{k}]", v) for k, v in self.levels.items()),
                *((f"clocks[{k}]", v) for k, v in self.clocks.items())]
        marks = [*((f"states[{k.value}]", v) for k, v in self.states.items()),
                 ("selected_border", self.selected_border)]
        on_grounds = [(n, c, "grounds", g, 4.5) for n, c in text for g in self.grounds]
        on_grounds += [(n, c, "grounds", g, 3.0) for n, c in marks for g in self.grounds]
        on_own = [("banner_text", self.banner_text, "banner", self.banner, 4.5),
                  ("banner_warning", self.banner_warning, "banner", self.banner, 4.5),
                  ("match", self.match, "match_ground", self.match_ground, 4.5),
                  # a chosen hit keeps its coloured lines and the palette's text
                  ("muted", self.muted, "selected", self.selected, 4.5),
                  ("good", self.good, "selected", self.selected, 4.5),
                  ("match", self.match, "selected", self.selected, 3.0),
                  ("backdrop_text", self.backdrop_text, "backdrop", self.backdrop, 4.5),
                  ("page_text", self.page_text, "page", self.page, 4.5),
                  ("placeholder", self.placeholder, "backdrop", self.backdrop, 1.0)]
        charts = [(f"chart_levels[{i}]", c, "chart_ground", self.chart_ground, 3.0)
                  for i, c in enumerate(self.chart_levels)]
        charts += [(f"chart_series[{i}]", c, "chart_ground", self.chart_ground, 3.0)
                   for i, c in enumerate(self.chart_series)]
        return on_grounds + on_own + charts

    def state(self, status: Status) -> str:
        return self.states.get(status, self.muted)


def _clocks(in_time: str, soon: str, overdue: str, paused: str, muted: str) -> dict[str, str]:
    return {"running": in_time, "warning": soon, "breached": overdue, "met": in_time,
            "met_late": overdue, "paused": paused, "cancelled": muted}


LIGHT = Colours(
    levels={1: "#c62828", 2: "#a34b05", 3: "#1565c0"},
    states={
        Status.REPORTED: "#c62828", Status.TRIAGE: "#c2410c", Status.DISPATCHED: "#a16207",
        Status.DIAGNOSING: "#6a1b9a", Status.SOLUTION_PROPOSED: "#3949ab",
        Status.IMPLEMENTING: "#0277bd", Status.VERIFYING: "#00796b",
        Status.RESOLVED: "#2a7530", Status.ARCHIVED: "#6b6b6b", Status.CANCELLED: "#8a8a8a",
    },
    overdue="#c62828", soon="#a34b05", in_time="#2a7530", paused="#546e7a",
    muted="#555555", good="#2a7530", bad="#b00020",
    info="#1565c0", heading="#1a237e", warning="#a34b05", disabled="#6b6b6b",
    grounds=("#ffffff", "#f7f7f7", "#efefef"),
    banner="#fff3e0", banner_text="#4e342e", banner_warning="#a33a00",
    match="#b71c1c", match_ground="#fff3c4",
    selected="#d6e9fb", selected_border="#2f75b5",
    chart_ground="#ffffff",
    chart_levels=("#c62828", "#a34b05", "#1565c0"),
    chart_series=("#1565c0", "#2a7530", "#6a1b9a", "#555555"),
    backdrop="#5f6368", backdrop_text="#ffffff", page="#ffffff", page_text="#757575",
    placeholder="#eeeeee",
    clocks=_clocks("#2a7530", "#a34b05", "#c62828", "#546e7a", "#616161"),
)

DARK = Colours(
    levels={1: "#ff8a80", 2: "#ffb74d", 3: "#90caf9"},
    states={
        Status.REPORTED: "#ff8a80", Status.TRIAGE: "#ffab91", Status.DISPATCHED: "#fff176",
        Status.DIAGNOSING: "#ce93d8", Status.SOLUTION_PROPOSED: "#9fa8da",
        Status.IMPLEMENTING: "#81d4fa", Status.VERIFYING: "#80cbc4",
        Status.RESOLVED: "#a5d6a7", Status.ARCHIVED: "#bdbdbd", Status.CANCELLED: "#8f8f8f",
    },
    overdue="#ff8a80", soon="#ffb74d", in_time="#a5d6a7", paused="#b0bec5",
    muted="#b0b0b0", good="#a5d6a7", bad="#ff8a80",
    info="#90caf9", heading="#9fa8da", warning="#ffb74d", disabled="#9e9e9e",
    grounds=("#1e1e1e", "#2a2a2a", "#2b2b2b", "#353535"),
    banner="#3e2c12", banner_text="#ffe0b2", banner_warning="#ffb74d",
    match="#ffcdd2", match_ground="#5c3b00",
    selected="#1f3a5a", selected_border="#64a0dc",
    chart_ground="#1e1e1e",
    chart_levels=("#ff8a80", "#ffb74d", "#90caf9"),
    chart_series=("#90caf9", "#a5d6a7", "#ce93d8", "#b0b0b0"),
    backdrop="#3c4043", backdrop_text="#ffffff", page="#ffffff", page_text="#757575",
    placeholder="#5f6368",
    clocks=_clocks("#a5d6a7", "#ffb74d", "#ff8a80", "#b0bec5", "#b0b0b0"),
)


def is_dark(palette: QPalette | None = None) -> bool:
    """Do the views paint on a dark base (the system's dark scheme, or a dark palette)?"""
    shown = palette if palette is not None else QGuiApplication.palette()
    return shown.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def colours(palette: QPalette | None = None) -> Colours:
    """The colours for the scheme of ``palette`` (the application's when None)."""
    return DARK if is_dark(palette) else LIGHT


def declare(prop: str, role: str) -> str:
    """One style-sheet declaration of a role's colour in the scheme now shown, marked
    with its role (``color: /*bad*/ #b00020;``) so that ``restyle`` can repaint it."""
    return f"{prop}: /*{role}*/ {getattr(colours(), role)};"


def css(kind: str, extra: str = "") -> str:
    """A style sheet's text colour of one kind (``muted``, ``good``, ``bad`` …) in the
    scheme now shown: ``label.setStyleSheet(scheme.css("muted"))``; ``extra`` adds
    declarations (``"font-size: 14px;"``)."""
    return f"{extra}{' ' if extra else ''}{declare('color', kind)}"


def banner_css(selector: str = "", text: str = "banner_text") -> str:
    """The style sheet of a bar asking for attention: its background and text colour
    (``selector`` such as ``#draftBar`` limits it to that widget, not its children)."""
    body = f"{declare('background', 'banner')} {declare('color', text)}"
    return f"{selector} {{ {body} }}" if selector else body


_MARKED = re.compile(r"/\*(\w+)\*/\s*#[0-9a-fA-F]{3,8}\b")


def restyle(sheet: str) -> str:
    """``sheet`` with every colour written by ``declare`` in the scheme now shown (the
    window calls it for its widgets when the scheme changes)."""
    shown = colours()

    def swap(match: re.Match[str]) -> str:
        value = getattr(shown, match.group(1), None)
        return f"/*{match.group(1)}*/ {value}" if isinstance(value, str) else match.group(0)

    return _MARKED.sub(swap, sheet)


def restyle_tree(root: QWidget) -> None:
    """``restyle`` the style sheets of ``root`` and of every widget under it, the
    dialogs it owns included, and repaint its item views (their coloured cells are
    asked for again)."""
    for widget in (root, *root.findChildren(QWidget)):
        sheet = widget.styleSheet()
        if sheet:  # set again even when no colour is marked: it takes the new palette
            widget.setStyleSheet(restyle(sheet))
        if isinstance(widget, QAbstractItemView):
            widget.viewport().update()


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class SchemeWatcher(QObject):
    """Says when the system's colour scheme changed (``colorSchemeChanged``, Qt 6.5+).

    The palette follows a moment later; widgets see that as ``PaletteChange`` in their
    ``changeEvent`` (no application-wide event filter: it would see every event).

    Signals:
        changed(): repaint what is coloured from ``colours()``.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            hints = app.styleHints()
            if hasattr(hints, "colorSchemeChanged"):
                hints.colorSchemeChanged.connect(self._scheme_changed)

    def _scheme_changed(self, _scheme: object) -> None:
        # the new palette is set after this signal: repaint once it is in place
        QTimer.singleShot(0, self.changed.emit)


PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange,
                  QEvent.Type.StyleChange)
