"""Files Desk ships: fonts, translations, icons. ``path()`` finds them when installed."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    return ROOT.joinpath(*parts)


CJK_FONT = path("fonts", "wqy-microhei.ttc")
