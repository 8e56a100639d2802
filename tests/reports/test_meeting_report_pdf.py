"""The monthly meeting report PDF and its chart: Chinese text, page numbers, same bytes.

Missing-glyph warnings from matplotlib would fail these tests (filterwarnings = error).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from PIL import Image

from app.paths import FONT_FAMILY
from app.reports.charts import attendance_by_week_png
from app.reports.fonts import use_cjk_font_in_charts
from app.reports.meeting_report_pdf import render_meeting_report
from app.services.meeting_report import KindLine, ManagerLine, MeetingMonthReport, WeekLine

NAMES = ["张伟", "李娜", "王芳", "欧阳晓燕"]


def sample_report(managers: int = 4) -> MeetingMonthReport:
    people = [
        ManagerLine(i, f"A{i:03d}", (NAMES * 20)[i - 1], 20, 20 - i % 3, i % 2, i % 3, 0)
        for i in range(1, managers + 1)
    ]
    return MeetingMonthReport(
        branch="城南支行",
        year=2026,
        month=11,
        kinds=[
            KindLine("morning", "每日晨会", 20, 19, 1),
            KindLine("weekly", "每周例会", 4, 4, 0),
            KindLine("monthly_gm", "总经理沟通会", 1, 0, 0),
        ],
        managers=people,
        weeks=[
            WeekLine(2026, 44, date(2026, 11, 1), date(2026, 11, 1), 0, 0),
            WeekLine(2026, 45, date(2026, 11, 2), date(2026, 11, 8), 30, 29),
            WeekLine(2026, 46, date(2026, 11, 9), date(2026, 11, 15), 30, 26),
        ],
    )


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    proc = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=30
    )
    return proc.stdout.decode("utf-8")


def test_report_pdf_text() -> None:
    pdf = render_meeting_report(sample_report())
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "会议月报" in text and "城南支行" in text and "2026年11月" in text
    for name in NAMES:
        assert name in text
    assert "出勤率" in text and "第45周" in text and "总经理沟通会" in text
    assert "96.7%" in text  # week 45: 29 of 30
    assert re.search(r"第 1 页 共 \d 页", text)
    assert pdf == render_meeting_report(sample_report())  # deterministic


def test_a_long_roster_breaks_across_pages() -> None:
    text = pdf_text(render_meeting_report(sample_report(managers=45)))
    assert "第 2 页 共" in text and "A045" in text
    assert text.count("工号") >= 2  # the table header repeats on the next page


def test_report_in_english() -> None:
    from app import i18n

    i18n.set_language("en")
    text = pdf_text(render_meeting_report(sample_report()))
    assert "Monthly meeting report" in text and "11/2026" in text
    assert re.search(r"Page 1 of \d", text)


def test_chart_is_a_png_drawn_with_the_chinese_font() -> None:
    assert use_cjk_font_in_charts() == FONT_FAMILY
    png = attendance_by_week_png([("第一周", 0.95), ("第二周", 0.8), ("第三周", 1.0)])
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width > 600 and image.height > 250
    assert png == attendance_by_week_png([("第一周", 0.95), ("第二周", 0.8), ("第三周", 1.0)])
    # Glyphs really drawn: labels differing in one Chinese character give other pixels
    # (missing glyphs would all be the same empty box).
    assert png != attendance_by_week_png([("第一周", 0.95), ("第四周", 0.8), ("第三周", 1.0)])


def test_chart_without_data_says_so() -> None:
    empty = attendance_by_week_png([])
    assert empty.startswith(b"\x89PNG") and empty != attendance_by_week_png([("第45周", 0.5)])
