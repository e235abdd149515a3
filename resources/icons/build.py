"""Draw desk.svg as the PNG the desktop entry installs and the ICO the Windows bundle uses.

Usage (from the repository root): python resources/icons/build.py
Needs PySide6 (QtSvg renders the SVG) and, for desk.ico, Pillow.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["build"])
    renderer = QSvgRenderer(str(HERE / "desk.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    image.save(str(HERE / "desk-256.png"))
    try:
        from PIL import Image
    except ImportError:
        return
    Image.open(HERE / "desk-256.png").save(
        HERE / "desk.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (256, 256)])


if __name__ == "__main__":
    main()
