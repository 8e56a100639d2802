"""Every string the user reads has a zh_CN translation, and the compiled catalog is current."""

from __future__ import annotations

import gettext
import re

from app import i18n
from tools import i18n as tool


def test_no_zh_cn_translation_is_missing() -> None:
    missing = tool.missing()
    assert missing == [], f"add zh_CN translations (python -m tools.i18n missing): {missing}"


def test_compiled_catalog_matches_the_sources() -> None:
    with i18n.catalog_path().open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        msgid
        for msgid, string in tool.translations().items()
        if isinstance(string, str) and compiled.gettext(msgid) != string
    ]
    assert stale == [], "run: python -m tools.i18n compile"


def test_placeholders_survive_translation() -> None:
    """A translated string must keep exactly the {placeholders} its msgid has."""
    field = re.compile(r"\{([^{}]*)\}")  # with format specs: {month:02d}
    wrong = {
        msgid: string
        for msgid, string in tool.translations().items()
        if isinstance(string, str) and sorted(field.findall(msgid)) != sorted(field.findall(string))
    }
    assert wrong == {}


def test_switching_language() -> None:
    assert i18n.set_language("en") == "en"
    assert i18n._("Weekend") == "Weekend"
    assert i18n.set_language(None) == "zh_CN"
    assert i18n._("Weekend") == "周末"
    assert i18n.set_language("zh-TW") == "zh_CN"
