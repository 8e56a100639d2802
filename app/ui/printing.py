"""Print our PDFs (with a preview) and save them to a file the user names.

The pages are rasterized with PDFium (pypdfium2) at the printer's resolution (capped,
so a 1200 dpi printer does not need half a gigabyte per page) and drawn one page per
sheet, aspect kept. pypdfium2 and QtPrintSupport are imported only when needed: most
sessions never print.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF, QSizeF, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPaintDevice, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from app.fileio import write_atomically
from app.i18n import _
from app.ui import widgets

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

MAX_PRINT_DPI = 300
PREVIEW_DPI = 150
FOLDER_KEY = "printing/last_folder"


class PdfError(Exception):
    """The bytes are not a PDF PDFium can read."""


def _open(pdf: bytes):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise PdfError(str(exc)) from exc


def page_sizes(pdf: bytes) -> list[QSizeF]:
    """Each page's size in points (1/72 inch)."""
    doc = _open(pdf)
    try:
        return [QSizeF(*doc.get_page_size(i)) for i in range(len(doc))]
    finally:
        doc.close()


def iter_pages(pdf: bytes, dpi: int) -> Iterator[QImage]:
    """The pages one at a time (only one page's pixels in memory), white background."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = _open(pdf)
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                bitmap = page.render(
                    scale=dpi / 72,
                    fill_color=(255, 255, 255, 255),
                    force_bitmap_format=pdfium_c.FPDFBitmap_BGRx,
                    optimize_mode="print",
                )
            except pdfium.PdfiumError as exc:
                raise PdfError(str(exc)) from exc
            # BGRx in memory is what Qt calls RGB32 on every little-endian machine.
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB32,
            ).copy()  # copy: the bitmap's memory goes away with it
            image.setDotsPerMeterX(round(dpi / 0.0254))
            image.setDotsPerMeterY(round(dpi / 0.0254))
            bitmap.close()
            page.close()
            yield image
    finally:
        doc.close()


def render_pages(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[QImage]:
    """Every page as an image at `dpi` (for tests and small documents)."""
    return list(iter_pages(pdf, dpi))


def fit_rect(image_size: QSizeF, target: QRectF) -> QRectF:
    """The largest rectangle of the image's aspect inside `target`, centred."""
    if image_size.isEmpty():
        return QRectF(target)
    scaled = image_size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
    left = target.left() + (target.width() - scaled.width()) / 2
    top = target.top() + (target.height() - scaled.height()) / 2
    return QRectF(left, top, scaled.width(), scaled.height())


def _is_printer(device: QPaintDevice) -> bool:
    from PySide6.QtPrintSupport import QPrinter

    return isinstance(device, QPrinter)


def paint_pdf(device: QPaintDevice, pdf: bytes, dpi: int | None = None) -> int:
    """Draw the PDF on a printer (one page per sheet) or any paint device (first page
    only, e.g. a QImage in tests); returns how many pages were drawn."""
    printer = device if _is_printer(device) else None
    if dpi is None:
        resolution = printer.resolution() if printer is not None else PREVIEW_DPI  # type: ignore[attr-defined]
        dpi = max(72, min(MAX_PRINT_DPI, resolution))
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(_("The printer could not be started."))
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    count = 0
    try:
        for image in iter_pages(pdf, dpi):
            if count and printer is None:
                break
            if count and not printer.newPage():  # type: ignore[union-attr]
                break
            if printer is not None:
                target = QRectF(printer.paperRect(printer.Unit.DevicePixel))  # type: ignore[attr-defined]
                target.moveTo(0, 0)
            else:
                target = QRectF(0, 0, device.width(), device.height())
            painter.drawImage(fit_rect(QSizeF(image.size()), target), image, QRectF(image.rect()))
            count += 1
    finally:
        painter.end()
    return count


def _match_page(printer: QPrinter, size: QSizeF) -> None:
    """Paper and orientation of the PDF's first page (A4 portrait for ours)."""
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    page_size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (
        QPageLayout.Orientation.Landscape
        if size.width() > size.height()
        else QPageLayout.Orientation.Portrait
    )
    printer.setPageSize(page_size)
    printer.setPageOrientation(orientation)


def make_printer(pdf: bytes, title: str) -> QPrinter:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    # The PDF has its own margins: draw on the whole sheet, not inside the printer's.
    printer.setFullPage(True)
    sizes = page_sizes(pdf)
    if sizes:
        _match_page(printer, sizes[0])
    return printer


def print_pdf(parent: QWidget | None, pdf: bytes, title: str) -> bool:
    """The system print dialog with a preview; True when the user printed."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    try:
        printer = make_printer(pdf, title)
    except PdfError:
        widgets.show_error(
            parent, _("“{title}” cannot be printed: the PDF is damaged.").format(title=title)
        )
        return False
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(_("Print preview: {title}").format(title=title))
    problems: list[str] = []

    def paint(target: QPrinter) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            paint_pdf(target, pdf)
        except (PdfError, OSError) as exc:
            problems.append(str(exc))
        finally:
            QGuiApplication.restoreOverrideCursor()

    dialog.paintRequested.connect(paint)
    dialog.resize(_preview_size(parent))
    printed = dialog.exec() == dialog.DialogCode.Accepted
    dialog.deleteLater()
    if problems:
        widgets.show_error(
            parent,
            _("“{title}” could not be printed: {reason}").format(title=title, reason=problems[0]),
        )
        return False
    return printed


def _preview_size(parent: QWidget | None):  # type: ignore[no-untyped-def]
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1200, 900)
    return available.size() * 0.8


# --- saving -------------------------------------------------------------------------------


def _start_folder() -> Path:
    saved = widgets.ui_settings().value(FOLDER_KEY, "")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def safe_file_name(name: str) -> str:
    """A name every file system accepts: no path separators or Windows-reserved characters."""
    cleaned = "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in name).strip(" .")
    return cleaned or "document"


def describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return _("The disk is full.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("You may not write there (no permission, or the file is open in another program).")
    if exc.errno == errno.ENOENT:
        return _("The folder does not exist.")
    return exc.strerror or str(exc)


def save_pdf(parent: QWidget | None, pdf: bytes, suggested_name: str) -> Path | None:
    """Ask where to save (".pdf" added when missing) and write the file; None if cancelled
    or it could not be written (the user was told why)."""
    return save_file(parent, pdf, suggested_name, ".pdf", _("Save as PDF"), _("PDF files (*.pdf)"))


def save_file(
    parent: QWidget | None,
    data: bytes,
    suggested_name: str,
    suffix: str = "",
    title: str | None = None,
    file_filter: str = "",
) -> Path | None:
    """Ask where to save `data` and write it whole; None if cancelled or not written.

    With `suffix`, a name without it gets it added."""
    name = safe_file_name(suggested_name)
    if suffix and not name.lower().endswith(suffix):
        name += suffix
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, title or _("Save a copy"), str(_start_folder() / name), file_filter
    )
    if not chosen:
        return None
    path = Path(chosen)
    if suffix and path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        write_atomically(path, data)
    except OSError as exc:
        QApplication.restoreOverrideCursor()
        widgets.show_error(
            parent,
            _("{file} could not be saved: {reason}").format(
                file=str(path), reason=describe_os_error(exc)
            ),
        )
        return None
    QApplication.restoreOverrideCursor()
    widgets.ui_settings().setValue(FOLDER_KEY, str(path.parent))
    return path
