"""The shipped CJK font (WenQuanYi Micro Hei) for PDFs and charts.

reportlab's built-in STSong-Light is not embedded (blank boxes on viewers without a
Chinese font) and Noto/Source Han CJK have CFF outlines reportlab refuses, so PDFs embed
a subset of this TrueType collection. Both functions import their library lazily:
reportlab and matplotlib cost 0.1–0.5 s and must stay off the start-up path.
"""

from __future__ import annotations

from functools import cache

from app.paths import FONT_FAMILY, FONT_FILE

PDF_FONT = "WQYMicroHei"


@cache
def register_pdf_font() -> str:
    """Register the font with reportlab once; returns the name to use in styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(PDF_FONT, str(FONT_FILE), subfontIndex=0))
    return PDF_FONT


@cache
def use_cjk_font_in_charts() -> str:
    """Make matplotlib draw Chinese with the shipped font; returns the family name."""
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_FILE))
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [FONT_FAMILY, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False  # the font lacks U+2212
    return FONT_FAMILY
