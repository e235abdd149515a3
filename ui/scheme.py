"""The colours that carry meaning — levels, states, time left, the SLA clocks, notes —
for a light and a dark colour scheme, chosen in this one place.

Which scheme is shown is read from what the views paint on: the palette's ``Base``
colour. Qt (6.5 and later) sets the application palette from the system's scheme
(``QStyleHints.colorScheme``) and sends ``PaletteChange`` to every widget when it
changes; widgets that colour text repaint then (``SchemeWatcher`` for the others).
Every text colour here reads at a WCAG contrast of at least 4.5 against the base and
the alternate row colour of the palette it is for, and every mark (the level's dot, the
state's square) at least 3 (``tests/test_window_layout_gui.py`` computes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette

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
    bad: str  # ... that it did not
    clocks: dict[str, str] = field(default_factory=dict)

    def clock(self, state: str) -> str:
        return self.clocks.get(state, self.muted)

    def state(self, status: Status) -> str:
        return self.states.get(status, self.muted)


def _clocks(in_time: str, soon: str, overdue: str, paused: str, muted: str) -> dict[str, str]:
    return {"running": in_time, "warning": soon, "breached": overdue, "met": in_time,
            "met_late": overdue, "paused": paused, "cancelled": muted}


LIGHT = Colours(
    levels={1: "#c62828", 2: "#b45309", 3: "#1565c0"},
    states={
        Status.REPORTED: "#c62828", Status.TRIAGE: "#c2410c", Status.DISPATCHED: "#a16207",
        Status.DIAGNOSING: "#6a1b9a", Status.SOLUTION_PROPOSED: "#3949ab",
        Status.IMPLEMENTING: "#0277bd", Status.VERIFYING: "#00796b",
        Status.RESOLVED: "#2e7d32", Status.ARCHIVED: "#6b6b6b", Status.CANCELLED: "#8a8a8a",
    },
    overdue="#c62828", soon="#b45309", in_time="#2e7d32", paused="#546e7a",
    muted="#555555", good="#2e7d32", bad="#b00020",
    clocks=_clocks("#2e7d32", "#b45309", "#c62828", "#546e7a", "#616161"),
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
    clocks=_clocks("#a5d6a7", "#ffb74d", "#ff8a80", "#b0bec5", "#b0b0b0"),
)


def is_dark(palette: QPalette | None = None) -> bool:
    """Do the views paint on a dark base (the system's dark scheme, or a dark palette)?"""
    shown = palette if palette is not None else QGuiApplication.palette()
    return shown.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def colours(palette: QPalette | None = None) -> Colours:
    """The colours for the scheme of ``palette`` (the application's when None)."""
    return DARK if is_dark(palette) else LIGHT


def css(kind: str) -> str:
    """A style sheet's text colour of one kind (``muted``, ``good``, ``bad`` …) in the
    scheme now shown: ``label.setStyleSheet(scheme.css("muted"))``."""
    return f"color: {getattr(colours(), kind)};"


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
