"""PDF pages as images (pypdfium2) for the preview, and onto a printer page by page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter


def _document(data: bytes) -> Any:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def page_count(data: bytes) -> int:
    return len(_document(data))


def page_images(data: bytes, dpi: float = 96.0) -> Iterator[QImage]:
    """Each page rendered at ``dpi`` (white background, RGB)."""
    pdf = _document(data)
    for index in range(len(pdf)):
        bitmap = pdf[index].render(scale=dpi / 72.0, rev_byteorder=True)
        image = QImage(
            bitmap.buffer,
            bitmap.width,
            bitmap.height,
            bitmap.stride,
            QImage.Format.Format_RGB888
            if bitmap.n_channels == 3
            else QImage.Format.Format_RGBA8888,
        )
        yield image.copy()  # own the pixels: the bitmap's buffer goes away with it


def print_pdf(data: bytes, printer: QPrinter) -> int:
    """Send every page to the printer at its resolution; returns the pages printed."""
    dpi = min(printer.resolution(), 300)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("принтер недоступен")
    printed = 0
    try:
        for image in page_images(data, dpi):
            if printed:
                printer.newPage()
            target = QRectF(printer.pageRect(QPrinter.Unit.DevicePixel))
            target.moveTo(0, 0)
            scaled = image.size().scaled(target.size().toSize(), _keep_aspect())
            painter.drawImage(QRectF(0, 0, scaled.width(), scaled.height()), image)
            printed += 1
    finally:
        painter.end()
    return printed


def _keep_aspect() -> Any:
    from PySide6.QtCore import Qt

    return Qt.AspectRatioMode.KeepAspectRatio
