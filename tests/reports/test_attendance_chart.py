"""Late arrivals by week and by person: a deterministic PNG drawn with the Chinese font.

Missing-glyph warnings from matplotlib would fail these tests (filterwarnings = error).
"""

from __future__ import annotations

import io

from PIL import Image

from app.reports.charts import TOP_PEOPLE, attendance_by_week_png, late_by_week_png

WEEKS = [("第23周", 7), ("第24周", 12), ("第25周", 0), ("第26周", 9)]
NAMES = (
    "张伟 王芳 李娜 刘洋 陈静 杨帆 赵磊 黄敏 周杰 吴婷 徐强 孙丽 胡军 朱琳 高峰 林晓 何勇 欧阳明月"
)
COUNTS = (3, 5, 1, 0, 2, 7, 1, 1, 4, 2, 2, 3, 1, 1, 1, 6, 2, 3)
PEOPLE = list(zip(NAMES.split(), COUNTS, strict=True))


def test_chart_is_a_png_and_deterministic() -> None:
    png = late_by_week_png(WEEKS, PEOPLE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width > 800 and image.height > 800
        image.load()
    assert late_by_week_png(WEEKS, PEOPLE) == png
    assert late_by_week_png(WEEKS, list(reversed(PEOPLE))) == png  # order of people is free


def test_chinese_glyphs_are_drawn() -> None:
    png = late_by_week_png(WEEKS, PEOPLE)
    # Labels differing in one Chinese character give other pixels (missing glyphs would
    # all be the same empty box).
    renamed = [("杨凡" if name == "杨帆" else name, count) for name, count in PEOPLE]
    assert late_by_week_png(WEEKS, renamed) != png
    assert late_by_week_png([("第廿三周", 7), *WEEKS[1:]], PEOPLE) != png


def test_only_the_top_fifteen_people_are_shown() -> None:
    assert TOP_PEOPLE == 15
    ranked = sorted(PEOPLE, key=lambda p: (-p[1], p[0]))
    outside = ranked[TOP_PEOPLE:]  # 17 with a late arrival: two are left out
    assert len(outside) == 3 and outside[-1][1] == 0
    png = late_by_week_png(WEEKS, PEOPLE)
    left_out = outside[0][0]
    # (a name that still sorts after the others with one late arrival)
    renamed = [("龟龟" if name == left_out else name, count) for name, count in PEOPLE]
    assert late_by_week_png(WEEKS, renamed) == png
    top = ranked[0][0]
    renamed = [("某某" if name == top else name, count) for name, count in PEOPLE]
    assert late_by_week_png(WEEKS, renamed) != png


def test_empty_data_says_so() -> None:
    empty = late_by_week_png([], [])
    assert empty.startswith(b"\x89PNG")
    assert empty != late_by_week_png(WEEKS, [])
    assert late_by_week_png(WEEKS, [("张伟", 0)]) == late_by_week_png(WEEKS, [])


def test_the_meeting_chart_is_unchanged() -> None:
    png = attendance_by_week_png([("第一周", 0.95), ("第二周", 0.8)])
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (990, 435)  # 6.6 × 2.9 in at 150 dpi
