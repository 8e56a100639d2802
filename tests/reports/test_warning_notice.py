"""口头 / 书面警告通知: the cases, the rule cited, lines to sign, one A4 portrait page."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from app import i18n
from app.reports.warning_notice import WarningNotice, render_warning_notice
from app.services.workrules import WarningLevel

NEEDS_PDFTOTEXT = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)
CASES = [
    (dt.date(2025, 6, 17), "迟到 35 分钟（未报告原因）"),
    (dt.date(2025, 6, 3), "迟到 12 分钟"),
    (dt.date(2025, 6, 11), "早退 20 分钟"),
]


def notice(level: str = "oral", **changes: object) -> WarningNotice:
    values: dict[str, object] = {
        "branch": "城东支行营业部",
        "employee_no": "CM0003",
        "name": "李峰",
        "level": level,
        "cases": CASES,
        "month": "2025年6月",
        "issued_on": dt.date(2025, 6, 30),
        "issuer": "王主管",
    }
    values.update(changes)
    return WarningNotice(**values)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")


@NEEDS_PDFTOTEXT
def test_oral_warning_lists_the_cases_cites_the_rule_and_has_signature_lines() -> None:
    text = text_of(render_warning_notice(notice("oral")))
    squeezed = re.sub(r"\s+", "", text)
    for expected in (
        "口头警告通知",
        "网点",
        "城东支行营业部",
        "姓名",
        "李峰",
        "工号",
        "CM0003",
        "2025年6月",
        "迟到12分钟",
        "早退20分钟",
        "迟到35分钟（未报告原因）",
        "依据《客户经理考勤制度》：迟到早退轻微者口头警告，累计超过规定次数者书面警告。",
        "现对你予以口头警告",
        "签发人",
        "王主管",
        "签发日期",
        "2025年6月30日",
        "签发人签字",
        "本人签字",
    ):
        assert expected in squeezed, expected
    assert "书面警告通知" not in squeezed
    # The cases in date order, numbered.
    positions = [squeezed.index(what) for what in ("6月3日", "6月11日", "6月17日")]
    assert positions == sorted(positions)
    assert "第 1 页 共 1 页" in text


@NEEDS_PDFTOTEXT
def test_written_warning_says_so() -> None:
    squeezed = re.sub(r"\s+", "", text_of(render_warning_notice(notice(WarningLevel.WRITTEN))))
    assert "书面警告通知" in squeezed and "现对你予以书面警告" in squeezed
    assert "绩效考核" in squeezed


def test_a4_portrait_one_page_and_deterministic() -> None:
    pdf = render_warning_notice(notice())
    assert len(re.findall(rb"/Type /Page(?!s)", pdf)) == 1
    (box,) = set(re.findall(rb"/MediaBox \[ ?([\d. ]+)\]", pdf))
    width, height = (float(v) for v in box.split()[2:])
    assert (round(width), round(height)) == (595, 842)
    assert render_warning_notice(notice()) == pdf
    assert render_warning_notice(notice("written")) != pdf


def test_many_cases_run_onto_a_second_page() -> None:
    cases = [(dt.date(2025, 6, 1) + dt.timedelta(days=i % 30), f"迟到 {i} 分钟") for i in range(60)]
    pdf = render_warning_notice(notice("written", cases=cases))
    assert len(re.findall(rb"/Type /Page(?!s)", pdf)) >= 2


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError):
        render_warning_notice(notice("severe"))


@NEEDS_PDFTOTEXT
def test_in_english() -> None:
    i18n.set_language("en")
    text = re.sub(r"\s+", " ", text_of(render_warning_notice(notice("written"))))
    assert "Written warning notice" in text and "Account Manager Attendance Rules" in text
    assert "Employee's signature" in text
