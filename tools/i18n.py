"""Translation catalog upkeep (Babel): list missing zh_CN strings, merge parts, compile.

    python -m tools.i18n missing      # msgids used in app/ without a zh_CN translation
    python -m tools.i18n compile      # merge resources/translations/zh_CN/**/*.po -> .po + .mo
    python -m tools.i18n add PART.po < entries.json   # merge {"msgid": "译文"} into a part file

zh_CN translations may be kept in several .po files under resources/translations/zh_CN/
(one per area while work goes on in parallel); `compile` merges them into the one catalog
LC_MESSAGES/branchdesk.po and its .mo, which the app loads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
LANG_DIR = ROOT / "resources" / "translations" / "zh_CN"
CATALOG_PO = LANG_DIR / "LC_MESSAGES" / "branchdesk.po"
CATALOG_MO = LANG_DIR / "LC_MESSAGES" / "branchdesk.mo"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> dict[str, list[tuple[str, int]]]:
    """msgid -> [(file, line)] for every marked string in app/ (plural: the singular)."""
    found: dict[str, list[tuple[str, int]]] = {}
    method_map = [("**.py", "python")]
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(APP), method_map=method_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append((filename, lineno))
    return found


def translations() -> dict[str, str | tuple[str, ...]]:
    """Every translated msgid across the zh_CN .po files (later files win)."""
    result: dict[str, str | tuple[str, ...]] = {}
    for po in sorted(LANG_DIR.rglob("*.po")):
        if po == CATALOG_PO:  # generated from the parts: reading it would keep stale entries
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            string = message.string
            if (isinstance(string, tuple) and all(string)) or (isinstance(string, str) and string):
                result[msgid] = string
    return result


def missing() -> list[str]:
    have = translations()
    return sorted(m for m in extract() if m not in have)


def compile_catalog() -> int:
    used = extract()
    have = translations()
    catalog = Catalog(locale="zh_CN", domain="branchdesk", project="BranchDesk", charset="utf-8")
    for msgid in sorted(have):
        string = have[msgid]
        if isinstance(string, tuple):
            catalog.add((msgid, msgid), string, locations=used.get(msgid, []))
        else:
            catalog.add(msgid, string, locations=used.get(msgid, []))
    CATALOG_PO.parent.mkdir(parents=True, exist_ok=True)
    with CATALOG_PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    with CATALOG_MO.open("wb") as fh:
        write_mo(fh, catalog)
    return len(catalog)


def add(part: Path, entries: dict[str, str]) -> int:
    """Merge {msgid: msgstr} into one .po part file (created if needed)."""
    if part.exists():
        with part.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
    else:
        catalog = Catalog(locale="zh_CN", domain="branchdesk", charset="utf-8")
    for msgid, msgstr in entries.items():
        existing = catalog.get(msgid)
        if existing is not None:
            existing.string = msgstr  # a corrected translation replaces the old one
        else:
            catalog.add(msgid, msgstr)
    part.parent.mkdir(parents=True, exist_ok=True)
    with part.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, no_location=True)
    return len(entries)


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "missing"
    if cmd == "missing":
        todo = missing()
        for msgid in todo:
            print(repr(msgid))
        print(f"{len(todo)} missing", file=sys.stderr)
        return 1 if todo else 0
    if cmd == "add" and len(argv) == 2:
        import json

        print(f"{add(Path(argv[1]), json.load(sys.stdin))} entries merged into {argv[1]}")
        return 0
    if cmd == "compile":
        print(f"{compile_catalog()} messages compiled to {CATALOG_MO}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
