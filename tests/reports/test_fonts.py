"""Chinese text in PDFs and charts uses the shipped, embedded font."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from app.reports.fonts import register_pdf_font, use_cjk_font_in_charts


def test_pdf_embeds_the_font_and_the_text_extracts(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    name = register_pdf_font()
    path = tmp_path / "sheet.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont(name, 14)
    pdf.drawString(72, 760, "会议签到表 张三 李四")
    pdf.save()
    data = path.read_bytes()
    assert b"/FontFile2" in data  # the TrueType subset is embedded
    assert len(data) < 200_000  # a subset, not the 5 MB collection
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "会议签到表" in text and "张三" in text


def test_charts_draw_chinese_without_missing_glyphs() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    use_cjk_font_in_charts()
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    ax.bar(["张三", "李四"], [3, -1])
    ax.set_title("每周按时提交")
    buf = io.BytesIO()
    # filterwarnings=error turns matplotlib's "Glyph ... missing from font" into a failure.
    fig.savefig(buf, format="png")
    assert buf.getvalue().startswith(b"\x89PNG")
