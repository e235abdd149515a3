"""pdfium and Qt's print support for the documents: pages as images, printing.

- ``PdfPages``: a PDF opened with pdfium (``pypdfium2``; QtPdf is not in our PySide6
  wheels). pdfium is not thread-safe, so every call into it holds one module lock.
- ``print_pdf``: a PDF onto a ``QPrinter``, page by page; ``page_size_of``: a page's
  size and orientation for the printer.

pdfium and ``QtPrintSupport`` are imported where a PDF is opened or printed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
)

from desk.errors import DeskError

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PySide6.QtPrintSupport import QPrinter

# pdfium and Qt's print support are imported where a PDF is opened or printed.

_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one call at a time, process-wide

PRINT_DPI_CAP = 300  # an A4 page is a 35 MB bitmap at 300 dpi, 560 MB at 1200 dpi



# -- pdfium ----------------------------------------------------------------------------


class PdfPages:
    """A PDF for pdfium: page count, page sizes (points), pages as ``QImage``.

    Safe to call from any thread: every pdfium call holds the module lock. The pdfium
    document is opened on the first render and ``release`` closes it again (the preview
    does so whenever it has nothing left to render), so an idle or forgotten preview
    holds no pdfium handle; after ``close`` renders raise ``DeskError``.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        import pypdfium2 as pdfium

        self._doc: pdfium.PdfDocument | None = None
        self._closed = False
        with _PDFIUM:
            doc = pdfium.PdfDocument(data)
            try:
                self.sizes: list[tuple[float, float]] = [
                    (float(w), float(h)) for w, h in (doc.get_page_size(i)
                                                      for i in range(len(doc)))
                ]
            finally:
                doc.close()

    def __len__(self) -> int:
        return len(self.sizes)

    def render(self, index: int, scale: float) -> QImage:
        """Page ``index`` (from 0) at ``scale`` pixels per point, on white."""
        import pypdfium2 as pdfium

        with _PDFIUM:
            if self._closed:
                raise DeskError("文档已关闭。", "The document is closed.")
            if self._doc is None:
                self._doc = pdfium.PdfDocument(self.data)
            return _render_page(self._doc, index, scale)

    def release(self) -> None:
        """Close the pdfium document until the next render."""
        with _PDFIUM:
            if self._doc is not None:
                self._doc.close()
                self._doc = None

    def close(self) -> None:
        with _PDFIUM:
            self._closed = True
        self.release()


def _render_page(doc: pdfium.PdfDocument, index: int, scale: float) -> QImage:
    """Render with the lock held; BGRx bytes are exactly QImage's RGB32 in memory."""
    page = doc[index]
    try:
        bitmap = page.render(scale=scale, prefer_bgrx=True, fill_color=(255, 255, 255, 255))
        try:
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB32).copy()
        finally:
            bitmap.close()
    finally:
        page.close()
    return image


def print_pdf(data: bytes, printer: QPrinter,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Print every page of ``data`` on ``printer``; return the number of pages.

    Each page is rendered by pdfium at the printer's resolution (capped at
    ``PRINT_DPI_CAP``) and drawn with ``QPainter`` onto the whole sheet, keeping its
    proportions. QPainter may paint on a ``QPrinter`` outside the GUI thread.
    """
    import pypdfium2 as pdfium

    dpi = printer.resolution()
    scale = min(dpi, PRINT_DPI_CAP) / 72.0
    with _PDFIUM:
        doc = pdfium.PdfDocument(data)
        count = len(doc)
    painter = QPainter()
    try:
        if count == 0 or not painter.begin(printer):
            raise DeskError("无法开始打印，请检查打印机。",
                            "Printing could not start; check the printer.")
        try:
            for i in range(count):
                if i and not printer.newPage():
                    raise DeskError("打印机拒绝了新的一页。", "The printer refused a new page.")
                with _PDFIUM:
                    image = _render_page(doc, i, scale)
                # the painter's origin is the sheet's corner (full page) or the printable area's
                layout = printer.pageLayout()
                area = layout.fullRectPixels(dpi) if printer.fullPage() \
                    else layout.paintRectPixels(dpi)
                sheet = QRectF(0, 0, area.width(), area.height())
                size = QSizeF(image.size()).scaled(QSizeF(sheet.size()),
                                                   Qt.AspectRatioMode.KeepAspectRatio)
                target = QRectF(sheet.x() + (sheet.width() - size.width()) / 2,
                                sheet.y() + (sheet.height() - size.height()) / 2,
                                size.width(), size.height())
                painter.drawImage(target, image)
                if progress is not None:
                    progress(i + 1, count)
        finally:
            painter.end()
    finally:
        with _PDFIUM:
            doc.close()
    return count


def page_size_of(points: tuple[float, float]) -> tuple[QPageSize, QPageLayout.Orientation]:
    """The paper for a PDF page (A4 when it is A4), upright, and its orientation."""
    w, h = points
    portrait = h >= w
    size = QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Point, "",
                     QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Portrait if portrait \
        else QPageLayout.Orientation.Landscape
    return size, orientation
