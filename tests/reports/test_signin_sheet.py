"""会议签到表: 30 lines a page with pen-sized signature boxes, headings on every page."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from app import i18n
from app.reports import pdf_layout
from app.reports.meeting_docs import SignInRow, SignInSheet
from app.reports.signin_sheet import COLUMN_WIDTHS, ROW_HEIGHT, render_signin_sheet

NAMES = (  # noqa: SIM905 (a roster reads better as one string)
    "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴婷 徐强 孙丽 胡军 朱琳 高峰 林晓 何勇 郭佳 "
    "马超 罗敏 梁宇 宋涛 郑爽 谢晨 韩雪 唐亮 冯雷 于洁 董明 萧然 欧阳明月 司马光辉 曹颖 彭博 邓婕"
).split()
MONDAY = dt.date(2025, 6, 2)
NEEDS_PDFTOTEXT = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)


def signature_png(seed: int, width: int = 240, height: int = 80) -> bytes:
    """A transparent PNG with a stroke or two, as a signature pad saves them (RGBA)."""
    lines = []
    for y in range(height):
        line = bytearray(b"\x00")  # filter: none
        for x in range(width):
            on_stroke = abs((x * (seed % 5 + 2) // 3 + 7 * seed) % height - y) <= 1
            line += b"\x10\x20\x60\xff" if on_stroke else b"\xff\xff\xff\x00"
        lines.append(bytes(line))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(lines)))
        + chunk(b"IEND", b"")
    )


def weekly_sheet(rows: list[SignInRow], filled: bool = False, **changes: object) -> SignInSheet:
    values: dict[str, object] = {
        "branch": "营业部",
        "kind_label": "每周例会",
        "date": MONDAY,
        "start": "08:30",
        "end": "09:00",
        "place": "三楼会议室",
        "host": "王主管",
        "rows": rows,
        "filled": filled,
    }
    values.update(changes)
    return SignInSheet(**values)  # type: ignore[arg-type]


def names_only(count: int) -> list[SignInRow]:
    return [SignInRow(name) for name in NAMES[:count]]


def signed_rows(count: int) -> list[SignInRow]:
    return [
        SignInRow(name, f"08:{15 + i % 15:02d}", signature_png(i))
        for i, name in enumerate(NAMES[:count])
    ]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))


def image_count(pdf: bytes) -> int:
    return pdf.count(b"/Subtype /Image")


def pages_text(pdf: bytes) -> list[str]:
    """pdftotext's text, one string per page."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return out.split("\f")[: page_count(pdf)]


@NEEDS_PDFTOTEXT
def test_blank_sheet_names_the_meeting_and_lists_the_expected_people() -> None:
    pdf = render_signin_sheet(weekly_sheet(names_only(18)))
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
    (text,) = pages_text(pdf)
    for expected in (
        "会议签到表",
        "网点：营业部",
        "会议类型：每周例会",
        "日期：2025年6月2日 星期一",
        "时间：08:30–09:00",
        "地点：三楼会议室",
        "主持人：王主管",
        "序号",
        "姓名",
        "到达时间",
        "签名",
        "备注",
        "第 1 页 共 1 页",
        *NAMES[:18],
    ):
        assert expected in text
    assert image_count(pdf) == 0
    assert b"/FontFile2" in pdf  # the Chinese font is embedded, not referenced


@NEEDS_PDFTOTEXT
def test_blank_sheet_leaves_arrival_and_signature_empty_but_prints_notes() -> None:
    rows = signed_rows(12)
    rows[3] = SignInRow(rows[3].name, "08:40", signature_png(3), note="请假")
    pdf = render_signin_sheet(weekly_sheet(rows, filled=False))
    (text,) = pages_text(pdf)
    assert image_count(pdf) == 0
    assert "08:15" not in text and "08:40" not in text
    assert "请假" in text


@NEEDS_PDFTOTEXT
def test_filled_sheet_shows_arrivals_and_embeds_every_signature() -> None:
    rows = signed_rows(12)
    rows[5] = SignInRow(rows[5].name, "", None, note="请假：出差")
    pdf = render_signin_sheet(weekly_sheet(rows, filled=True, title="2025年第23周例会"))
    (text,) = pages_text(pdf)
    assert image_count(pdf) == 11
    assert "2025年第23周例会" in text
    assert "08:15" in text and "08:26" in text
    assert "请假：出差" in text


def test_thirty_rows_fit_one_page() -> None:
    pdf = render_signin_sheet(weekly_sheet(signed_rows(30), filled=True))
    assert page_count(pdf) == 1
    assert image_count(pdf) == 30


@NEEDS_PDFTOTEXT
def test_the_thirty_first_row_continues_on_a_page_with_the_heading_repeated() -> None:
    pdf = render_signin_sheet(weekly_sheet(names_only(31)))
    assert page_count(pdf) == 2
    first, second = pages_text(pdf)
    assert "第 1 页 共 2 页" in first and "第 2 页 共 2 页" in second
    for page in (first, second):
        for heading in ("会议签到表", "网点：营业部", "日期：2025年6月2日 星期一", "序号", "签名"):
            assert heading in page
    assert NAMES[29] in first and NAMES[29] not in second
    assert NAMES[30] in second and "31" in second


def test_long_names_notes_and_places_never_push_a_row_off_the_page() -> None:
    rows = [
        SignInRow(
            "阿卜杜热合曼·买买提·艾力" if i % 2 else name,
            "08:25",
            signature_png(i),
            "因交通管制迟到，已于会前电话报备主管并提供证明" if i % 3 == 0 else "",
        )
        for i, name in enumerate(NAMES[:30])
    ]
    sheet = weekly_sheet(
        rows,
        filled=True,
        place="城东支行三楼第二会议室（临时借用市场部小会议室，与总经理沟通会合并召开）" * 2,
        title="2025年第23周例会暨五月份案例分析会（与总经理沟通会合并召开）" * 2,
    )
    assert page_count(render_signin_sheet(sheet)) == 1


def test_a_signature_is_scaled_into_its_box_with_its_aspect_kept() -> None:
    box_w, box_h = COLUMN_WIDTHS[3] - 2 * pdf_layout.MM, ROW_HEIGHT - 2 * pdf_layout.MM
    wide = pdf_layout.signature_image(signature_png(1, 500, 100), box_w, box_h)
    tall = pdf_layout.signature_image(signature_png(2, 60, 120), box_w, box_h)
    assert wide is not None and tall is not None
    assert wide.width == pytest.approx(box_w) and wide.height == pytest.approx(box_w / 5)
    assert tall.height == pytest.approx(box_h) and tall.width == pytest.approx(box_h / 2)


@NEEDS_PDFTOTEXT
def test_an_unreadable_signature_is_marked_and_the_sheet_still_prints() -> None:
    rows = signed_rows(3)
    rows[1] = SignInRow(rows[1].name, "08:20", b"\x89PNG\r\n\x1a\n broken")
    pdf = render_signin_sheet(weekly_sheet(rows, filled=True))
    assert image_count(pdf) == 2
    assert "签名图像无法读取" in re.sub(r"\s", "", pages_text(pdf)[0])


def test_the_same_sheet_gives_the_same_bytes() -> None:
    sheet = weekly_sheet(signed_rows(31), filled=True)
    first = render_signin_sheet(sheet)
    assert render_signin_sheet(sheet) == first
    assert b"CreationDate (D:20000101000000" in first  # reportlab's invariant mode


@NEEDS_PDFTOTEXT
def test_labels_follow_the_language() -> None:
    i18n.set_language("en")
    (text,) = pages_text(render_signin_sheet(weekly_sheet(names_only(5))))
    for label in ("Sign-in sheet", "Arrival", "Signature", "Page 1 of 1", "Monday, 2025-6-2"):
        assert label in text
