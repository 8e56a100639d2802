"""Page furniture shared by the meeting PDFs: font, styles, dates, footer, draft watermark.

Every PDF is built in reportlab's invariant mode (no creation time, a fixed document ID),
so the same input gives byte-identical output: the app proves a printed document by
rendering the stored content again and comparing. Nothing here may depend on the clock
or the machine; the labels do depend on the language in use (`app.i18n`).

reportlab is imported inside the functions: importing it costs ~0.1 s, and the services
that import the renderers must not pay that at start-up.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from app.i18n import N_, _, current_language
from app.reports.fonts import register_pdf_font

if TYPE_CHECKING:
    import datetime as dt

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable

log = logging.getLogger("branchdesk.reports")

MM = 72 / 25.4  # points per millimetre
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4
BODY_SIZE = 10.5  # 五号, the usual size of Chinese office documents
GRID_COLOR = (0.35, 0.35, 0.35)
SHADE_COLOR = (0.92, 0.92, 0.92)
FURNITURE_COLOR = (0.35, 0.35, 0.35)
WATERMARK_GREY = 0.85
WATERMARK_SIZE = 150
SIGNATURE_DPI = 200  # least print resolution kept for signature images
MAX_SIGNATURE_PIXELS = 4_000_000  # beyond this a "signature" is not one: refuse to decode it

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@dataclass(frozen=True)
class Margins:
    left: float = 20 * MM
    right: float = 20 * MM
    top: float = 20 * MM
    bottom: float = 20 * MM


@dataclass(frozen=True)
class Furniture:
    """What every page carries besides the story.

    `footer_left` is printed as given (e.g. the fingerprint line); the page count
    ("第 x 页 共 y 页") is always printed on the right. `watermark`, when set, is drawn
    large, diagonal and light grey beneath the content of every page.
    """

    header_left: str = ""
    header_right: str = ""
    footer_left: str = ""
    watermark: str = ""


def font_name() -> str:
    return register_pdf_font()


@cache
def _styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    font = font_name()
    base = ParagraphStyle(
        "body", fontName=font, fontSize=BODY_SIZE, leading=16, wordWrap="CJK", spaceAfter=3
    )

    def derive(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "indented": derive("indented", firstLineIndent=2 * BODY_SIZE),  # 首行缩进两字
        "title": derive("title", fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=2),
        "subtitle": derive("subtitle", fontSize=12.5, leading=18, alignment=TA_CENTER),
        "h2": derive("h2", fontSize=13, leading=19, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "h3": derive("h3", fontSize=11.5, leading=17, spaceBefore=6, spaceAfter=2, keepWithNext=1),
        "bullet": derive("bullet", leftIndent=7 * MM, bulletIndent=2 * MM, bulletFontName=font),
        "numbered": derive("numbered", leftIndent=7 * MM, bulletIndent=0, bulletFontName=font),
        "cell": derive("cell", fontSize=9.5, leading=13, spaceAfter=0),
        "cell_center": derive(
            "cell_center", fontSize=9.5, leading=13, spaceAfter=0, alignment=TA_CENTER
        ),
        "signin_small": derive("signin_small", fontSize=7, leading=8.5, spaceAfter=0),
        "notice": derive("notice", textColor=(0.55, 0.1, 0.1), alignment=TA_CENTER),
    }


def style(name: str) -> ParagraphStyle:
    return _styles()[name]


def para(text: str, style_name: str = "body", **kw: Any) -> Flowable:
    """A Paragraph of plain text: the text is escaped, never read as reportlab markup."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style(style_name), **kw)


def format_date(day: dt.date) -> str:
    """2025年6月2日 星期一 (zh_CN); Monday, 2025-6-2 (en)."""
    return _("{weekday}, {year}-{month}-{day}").format(
        weekday=_(WEEKDAYS[day.weekday()]), year=day.year, month=day.month, day=day.day
    )


def format_short_date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def format_time_range(start: str, end: str) -> str:
    if start and end:
        return f"{start}–{end}"
    return start or end


def labelled(label: str, value: str) -> str:
    return _("{label}: {value}").format(label=label, value=value)


def page_text(page: int, total: int) -> str:
    return _("Page {page} of {total}").format(page=page, total=total)


def fit_font_size(text: str, width: float, size: float, smallest: float) -> float | None:
    """`size`, or the smaller size at which `text` just fits `width`; None below `smallest`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = font_name()
    natural = stringWidth(text, font, size)
    if natural <= width:
        return size
    fitted = size * width / natural
    return fitted if fitted >= smallest else None


def shorten(text: str, width: float, size: float) -> str:
    """Cut `text` with an ellipsis so that it fits `width` at `size` (one line)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = font_name()
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def signature_image(png: bytes, width: float, height: float) -> Flowable | None:
    """The signature scaled into a width×height box (points), aspect kept; None if unreadable.

    The image is flattened onto white (reportlab would embed a transparent PNG twice, colour
    and alpha mask) and reduced towards print resolution first: checksumming and compressing
    full-size pixels costs more than laying out the page.
    """
    try:
        image, aspect = _print_ready(png, width, height)
    except Exception:  # a corrupt image must not stop the whole document from printing
        log.warning("signature image unreadable (%d bytes)", len(png), exc_info=True)
        return None
    scale = min(width / aspect[0], height / aspect[1])
    flowable: Flowable = _signature_flowable_class()(image, aspect[0] * scale, aspect[1] * scale)
    return flowable


def _print_ready(png: bytes, width: float, height: float) -> tuple[Any, tuple[int, int]]:
    """The image ready to embed, and its original size (reducing it rounds the aspect)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as opened:
        if opened.width * opened.height > MAX_SIGNATURE_PIXELS:
            raise ValueError(f"signature of {opened.width}×{opened.height} pixels")
        # Grey stays grey (the signature pad saves 8-bit grey): a third of the bytes of RGB.
        grey = opened.mode in ("1", "L", "LA")
        has_alpha = opened.mode in ("RGBA", "LA", "PA") or "transparency" in opened.info
        image = opened.convert(
            ("LA" if grey else "RGBA") if has_alpha else ("L" if grey else "RGB")
        )
    original = image.size
    if has_alpha:
        flat = Image.new("L" if grey else "RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    # Reduced by a whole factor while at least SIGNATURE_DPI remain: a box reduction costs
    # a sixth of a true resize, and 200–400 dpi all print the same for a pen stroke.
    dpi = 72 / min(width / image.width, height / image.height)
    factor = int(dpi / SIGNATURE_DPI)
    if factor >= 2:
        image = image.reduce(factor)
    return image, original


@cache
def _signature_flowable_class() -> type[Flowable]:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    class SignatureFlowable(Flowable):
        """A prepared PIL image drawn at its scaled size (platypus' Image wants a file)."""

        def __init__(self, image: Any, width: float, height: float) -> None:
            super().__init__()
            self.width, self.height = width, height
            self._reader = ImageReader(image)
            self.hAlign = "CENTER"

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            self.canv.drawImage(self._reader, 0, 0, self.width, self.height)

    return SignatureFlowable


def draw_watermark(canv: Canvas, text: str) -> None:
    canv.saveState()
    canv.setFillGray(WATERMARK_GREY)
    canv.setFont(font_name(), WATERMARK_SIZE)
    canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canv.rotate(45)
    canv.drawCentredString(0, -WATERMARK_SIZE / 3, text)
    canv.restoreState()


def _draw_furniture(
    canv: Canvas, furniture: Furniture, margins: Margins, page: int, total: int
) -> None:
    font = font_name()
    left, right = margins.left, PAGE_WIDTH - margins.right
    canv.saveState()
    canv.setFillColorRGB(*FURNITURE_COLOR)
    canv.setStrokeColorRGB(*FURNITURE_COLOR)
    canv.setLineWidth(0.4)
    if furniture.header_left or furniture.header_right:
        y = PAGE_HEIGHT - margins.top + 5 * MM
        size, room = 8, (right - left) / 2 - 2 * MM
        canv.setFont(font, size)
        canv.drawString(left, y + 1.5 * MM, shorten(furniture.header_left, room, size))
        canv.drawRightString(right, y + 1.5 * MM, shorten(furniture.header_right, room, size))
        canv.line(left, y, right, y)
    y = margins.bottom - 8 * MM
    canv.line(left, y + 4 * MM, right, y + 4 * MM)
    canv.setFont(font, 7.5)
    if furniture.footer_left:
        canv.drawString(left, y, furniture.footer_left)
    size = 9
    canv.setFont(font, size)
    # Wider spaces: with plain ones pdftotext reads "第 1 页 共 3 页" as "第1页共3页".
    canv.drawRightString(right, y, page_text(page, total), wordSpace=0.25 * size)
    canv.restoreState()


@cache
def _furnished_canvas_class() -> type:
    from reportlab.pdfgen.canvas import Canvas

    class FurnishedCanvas(Canvas):
        """Holds every page back until the end, so that each can say "of y"."""

        def __init__(
            self, *args: Any, furniture: Furniture, margins: Margins, **kwargs: Any
        ) -> None:
            super().__init__(*args, **kwargs)
            self._furniture = furniture
            self._margins = margins
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                _draw_furniture(self, self._furniture, self._margins, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return FurnishedCanvas


# Chinese punctuation that must not begin a line. reportlab's list is Japanese: it lacks
# the full-width comma and friends, so "，" could start a line of Chinese text.
CANNOT_START_LINE = "，。、；：？！）》〉」』】〕”’…—％"


@cache
def _chinese_line_breaking() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    # Both line breakers (one-style and mixed-style paragraphs) read their module's copy.
    for module in (textsplit, paragraph):
        have = module.ALL_CANNOT_START
        module.ALL_CANNOT_START = have + "".join(c for c in CANNOT_START_LINE if c not in have)


def build_pdf(
    story: list[Flowable],
    furniture: Furniture,
    *,
    title: str,
    subject: str = "",
    keywords: str = "",
    author: str = "",
    margins: Margins = Margins(),
) -> bytes:
    """Lay out `story` on A4 pages with the furniture; deterministic bytes."""
    from functools import partial

    from reportlab import rl_config
    from reportlab.platypus import SimpleDocTemplate

    # Without the optional C accelerator, ASCII85-encoding the signature images in Python
    # costs more than laying out the whole page; a PDF may hold binary streams. Set on
    # every build (not once) because the bytes, which must never vary, depend on it.
    rl_config.useA85 = 0
    _chinese_line_breaking()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=margins.left,
        rightMargin=margins.right,
        topMargin=margins.top,
        bottomMargin=margins.bottom,
        invariant=1,
        pageCompression=1,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        creator="BranchDesk",
        lang="zh-CN" if current_language() == "zh_CN" else "en",
    )
    on_page: Callable[[Canvas, Any], None]
    if furniture.watermark:

        def on_page(canv: Canvas, _doc: Any) -> None:
            # Drawn when the page begins, so that the content covers it.
            draw_watermark(canv, furniture.watermark)

    else:

        def on_page(canv: Canvas, _doc: Any) -> None:
            pass

    doc.build(
        story,
        onFirstPage=on_page,
        onLaterPages=on_page,
        canvasmaker=partial(_furnished_canvas_class(), furniture=furniture, margins=margins),
    )
    return buf.getvalue()
