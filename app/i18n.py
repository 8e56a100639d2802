"""One gettext catalog for the UI, the CLI, PDFs and messages.

Source strings are English; Simplified Chinese (zh_CN) is the default language.
`_()` translates at call time, so a language switch takes effect on the next
string asked for; `N_()` marks module-level strings for extraction only (Picard's way).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.paths import RESOURCES

DOMAIN = "branchdesk"
LOCALE_DIR = RESOURCES / "translations"
DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str | None) -> str:
    """Switch the catalog; unknown languages fall back to the default. Returns the one in use."""
    global _translation, _language
    lang = normalize(lang)
    if lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
    _language = lang
    return lang


def normalize(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    low = lang.replace("-", "_").lower()
    if low.startswith("en"):
        return "en"
    if low.startswith("zh"):
        return "zh_CN"
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return _language


@contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Translate in `lang` for a while, e.g. to reprint a document in the language it was
    finalized in, whatever the UI speaks now."""
    previous = _language
    used = set_language(lang or previous)
    try:
        yield used
    finally:
        set_language(previous)


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now."""
    return message


def catalog_path(lang: str = DEFAULT_LANGUAGE) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
