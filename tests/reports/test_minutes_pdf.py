"""会议纪要 PDF: what the minutes say, page x of y, fingerprint, draft watermark, same bytes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
import struct
import subprocess
import zlib

import pytest

from app import i18n
from app.reports.meeting_docs import (
    ActionItemLine,
    AttendanceCounts,
    MinutesDoc,
    MinutesSection,
    SignatureLine,
)
from app.reports.minutes_pdf import find_fingerprint, render_minutes

NAMES = (  # noqa: SIM905 (a roster reads better as one string)
    "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴婷 徐强 孙丽 胡军 朱琳 高峰 林晓 何勇 郭佳 "
    "马超 罗敏 梁宇 宋涛 郑爽 谢晨 韩雪 唐亮 冯雷 于洁 董明 萧然 欧阳明月 司马光辉"
).split()
FINGERPRINT = hashlib.sha256("2025年第23周例会 第2版".encode()).hexdigest()
NEEDS_PDFTOTEXT = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)


def signature_png(seed: int, width: int = 300, height: int = 100) -> bytes:
    """A transparent PNG with a stroke, as a signature pad saves them (RGBA)."""
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


def weekly_minutes(**changes: object) -> MinutesDoc:
    """A weekly meeting of 营业部 with 35 expected: long enough for three pages."""
    reports = [
        f"{name}汇报了本周客户拜访情况：完成拜访 {5 + i % 4} 户，新增意向客户 {i % 3} 户，"
        "主要需求集中在理财产品和代发工资业务，下周继续跟进存量客户。"
        for i, name in enumerate(NAMES[:16])
    ]
    doc = MinutesDoc(
        branch="营业部",
        kind_label="每周例会",
        title="2025年第23周例会",
        date=dt.date(2025, 6, 2),
        start="08:30",
        end="09:00",
        place="三楼会议室",
        host="王主管",
        minute_taker="李记录",
        counts=AttendanceCounts(expected=35, present=32, late=2, excused=2, absent=1),
        attendees=[*NAMES[:30], "王主管", "李记录"],
        absentees=[("周涛", "请假（病假）"), ("钱敏", "请假（出差）"), ("孙浩", "缺席")],
        sections=[
            MinutesSection(
                "传达公司文件和精神",
                [
                    "王主管传达了总公司《关于加强客户经理日志管理的通知》，要求每次拜访后当日填写"
                    "服务日志，出行前填写出行记录表，周五 17:30 前提交每周工作进度汇总表。",
                    "市场部将于本月抽查各网点的会议纪要与签到表。",
                ],
                ["出行记录表须在外出前填写", "服务日志须写明客户反馈与后续跟进"],
            ),
            MinutesSection("客户经理工作汇报", reports, []),
            MinutesSection(
                "业务难点解释",
                ["针对客户反映的大额转账限额问题，主管说明了调整流程及所需材料。"],
                ["企业客户需提供授权书", "个人客户可通过柜面临时调额"],
            ),
        ],
        decisions=[
            "自下周起，出行记录表须在外出前提交主管审阅。",
            "本月底前完成存量客户回访，回访率不低于80%。",
            "下周一例会由张伟主持。",
        ],
        action_items=[
            ActionItemLine("整理本月存量客户回访名单", "张伟", dt.date(2025, 6, 6), "进行中"),
            ActionItemLine("提交代发工资业务推进方案", "王芳", dt.date(2025, 6, 9), "未开始"),
            ActionItemLine("联系科技部调整转账限额说明", "李娜", None, "已完成"),
        ],
        signatures=[
            SignatureLine("主持人", "王主管", signature_png(1)),
            SignatureLine("记录人", "李记录", signature_png(2)),
        ],
        revision=2,
        amendment_reason="更正张伟的拜访户数",
        fingerprint=FINGERPRINT,
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))


def pages_text(pdf: bytes) -> list[str]:
    """pdftotext's text, one string per page."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return out.split("\f")[: page_count(pdf)]


def squeezed(text: str) -> str:
    """Without whitespace: wrapped lines join, and CJK spacing does not matter."""
    return re.sub(r"\s+", "", text)


@NEEDS_PDFTOTEXT
def test_the_minutes_say_everything_the_meeting_decided() -> None:
    pdf = render_minutes(weekly_minutes())
    text = "\n".join(pages_text(pdf))
    flat = squeezed(text)
    for expected in (
        "会议纪要",
        "2025年第23周例会",
        "营业部",
        "每周例会",
        "2025年6月2日星期一",
        "08:30–09:00",
        "三楼会议室",
        "主持人王主管",
        "记录人李记录",
        "应到35人，实到32人，迟到2人，请假2人，缺席1人",
        "周涛：请假（病假）",
        "孙浩：缺席",
        "1.传达公司文件和精神",
        "2.客户经理工作汇报",
        "3.业务难点解释",
        "市场部将于本月抽查各网点的会议纪要与签到表。",
        "出行记录表须在外出前填写",
        "1.自下周起，出行记录表须在外出前提交主管审阅。",
        "3.下周一例会由张伟主持。",
        "事项负责人完成期限状态",
        "整理本月存量客户回访名单张伟2025-06-06进行中",
        "提交代发工资业务推进方案王芳2025-06-09未开始",
        "联系科技部调整转账限额说明李娜—已完成",
        "签字确认",
    ):
        assert expected in flat, expected
    for name in NAMES[:30]:
        assert name in text  # the attendee grid never breaks a name
    assert "第 2 版，修订原因：更正张伟的拜访户数" in text
    # Chinese line breaking: a full-width comma hangs at the end, it never starts a line.
    assert not [line for line in text.splitlines() if line.startswith(("，", "。", "、"))]


@NEEDS_PDFTOTEXT
def test_every_page_says_page_x_of_y_and_the_fingerprint() -> None:
    pdf = render_minutes(weekly_minutes())
    pages = pages_text(pdf)
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 3 页" in page
        assert f"指纹 SHA-256: {FINGERPRINT}" in page


@NEEDS_PDFTOTEXT
def test_a_short_meeting_fits_one_page() -> None:
    doc = weekly_minutes(
        sections=[MinutesSection("传达公司文件和精神", ["无新文件。"], [])],
        attendees=NAMES[:12],
    )
    pdf = render_minutes(doc)
    (page,) = pages_text(pdf)
    assert "第 1 页 共 1 页" in page


def test_the_fingerprint_is_in_the_metadata_for_a_verifier() -> None:
    pdf = render_minutes(weekly_minutes())
    # Uncompressed in the Info dictionary, where a regex on the raw bytes finds it.
    assert f"/Keywords (branchdesk-minutes-sha256:{FINGERPRINT})".encode() in pdf
    assert find_fingerprint(pdf) == FINGERPRINT


def test_no_fingerprint_no_footer_line_and_nothing_to_find() -> None:
    pdf = render_minutes(weekly_minutes(fingerprint=""))
    assert find_fingerprint(pdf) is None
    assert b"branchdesk-minutes-sha256" not in pdf
    assert find_fingerprint(b"%PDF-1.4\n%%EOF\n") is None


def test_a_fingerprint_that_is_not_sha256_hex_is_refused() -> None:
    with pytest.raises(ValueError):
        render_minutes(weekly_minutes(fingerprint="abc123"))
    upper = render_minutes(weekly_minutes(fingerprint=FINGERPRINT.upper()))
    assert find_fingerprint(upper) == FINGERPRINT


@NEEDS_PDFTOTEXT
def test_the_first_revision_has_no_amendment_line() -> None:
    pdf = render_minutes(weekly_minutes(revision=1, amendment_reason=""))
    text = squeezed("".join(pages_text(pdf)))
    assert "修订原因" not in text and "第1版" in text


def test_signatures_are_embedded_and_a_missing_one_leaves_a_box() -> None:
    both = render_minutes(weekly_minutes())
    assert both.count(b"/Subtype /Image") == 2
    one = render_minutes(
        weekly_minutes(
            signatures=[
                SignatureLine("主持人", "王主管", signature_png(1)),
                SignatureLine("记录人", "李记录", None),
            ]
        )
    )
    assert one.count(b"/Subtype /Image") == 1


@NEEDS_PDFTOTEXT
def test_a_draft_carries_the_watermark_on_every_page() -> None:
    final = pages_text(render_minutes(weekly_minutes()))
    assert not any("稿" in page for page in final)
    draft = pages_text(render_minutes(weekly_minutes(draft=True, fingerprint="")))
    assert len(draft) == 3
    for page in draft:
        # The diagonal 草稿 comes out one glyph per line; the running head says it in words.
        assert "草" in page and "稿" in page
        assert "会议纪要（草稿）" in page


def test_the_same_minutes_give_the_same_bytes() -> None:
    doc = weekly_minutes()
    first = render_minutes(doc)
    assert render_minutes(weekly_minutes()) == first
    assert render_minutes(dataclasses.replace(doc, draft=True)) != first
    assert render_minutes(dataclasses.replace(doc, decisions=doc.decisions[:2])) != first


@NEEDS_PDFTOTEXT
def test_empty_minutes_still_print_with_none_under_each_heading() -> None:
    doc = weekly_minutes(
        attendees=[],
        absentees=[],
        sections=[],
        decisions=[],
        action_items=[],
        signatures=[],
        counts=AttendanceCounts(0, 0, 0, 0, 0),
    )
    (page,) = pages_text(render_minutes(doc))
    assert squeezed(page).count("无") >= 5


@NEEDS_PDFTOTEXT
def test_user_text_is_printed_literally_not_read_as_markup() -> None:
    doc = weekly_minutes(decisions=["<b>存款</b> & 贷款 <br/> 同步推进"], sections=[])
    text = "".join(pages_text(render_minutes(doc)))
    assert "<b>存款</b> & 贷款 <br/> 同步推进" in text


@NEEDS_PDFTOTEXT
def test_labels_follow_the_language() -> None:
    i18n.set_language("en")
    text = "\n".join(pages_text(render_minutes(weekly_minutes())))
    for label in (
        "Meeting minutes",
        "Expected 35, present 32, late 2, excused 2, absent 1",
        "Revision 2, reason for amendment:",
        "Page 1 of 3",
        f"Fingerprint SHA-256: {FINGERPRINT}",
    ):
        assert label in text
