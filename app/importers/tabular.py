"""One reader for every table a user brings: CSV/TXT (comma, tab or semicolon) and XLSX.

It finds the header row, maps the user's column names (Chinese or English, any order)
to canonical keys, and returns each non-empty row with the line number the user sees
in Excel or a text editor (the header is line 1 when it is the first row). The
per-kind importers (staff, calendar) validate the values; this module knows no rules.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from app.i18n import _
from app.importers import ImportFileError

# What a cell can hold: text from a CSV; numbers, dates and times from an XLSX.
Cell = str | int | float | date | datetime | time | None

# A title row ("某某支行客户经理花名册") often sits above the header; look a little further down.
HEADER_SEARCH_ROWS = 10
_SNIFF_DELIMITERS = (",", "\t", ";")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HEADER_NOISE = re.compile(r"[\s\ufeff_\-.*]")


@dataclass(frozen=True)
class Column:
    """A column a kind of file may have; `names` are the accepted headers, the first is shown."""

    key: str
    names: tuple[str, ...]
    required: bool = True

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class TableRow:
    line: int
    values: dict[str, Cell]

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))


def read_table(path: Path, columns: Sequence[Column]) -> list[TableRow]:
    """The rows under the header, by canonical column key; rows empty in every known column
    are skipped. Raises ImportFileError when the file cannot be used at all."""
    raw = _raw_rows(path)
    header_line, positions = _find_header(path, raw, columns)
    rows = []
    for line, cells in raw:
        if line <= header_line:
            continue
        values = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        rows.append(TableRow(line, values))
    return rows


# --- cells -----------------------------------------------------------------------------


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Cell) -> str:
    """A cell as the user would read it; whole floats lose their `.0` (Excel keeps
    工号 and phone numbers typed as numbers as floats)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


_DATE_SEPARATED = re.compile(
    r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_CHINESE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Five digits: an Excel serial day number (10000 = 1927-05-18, 99999 = 2173-10-13) that
# lost its date format; shorter numbers are more likely typos than dates.
_DATE_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2199


def parse_date(value: Cell) -> date | None:
    """A date from any of the forms people type; None for an empty cell.

    Raises ValueError with a message for the user naming the value and the expected form.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        # NFKC turns full-width digits and slashes from a Chinese IME into ASCII.
        text = unicodedata.normalize("NFKC", value).strip()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = cell_text(value)
    else:
        text = cell_text(value)
        return _bad_date(text)
    if not text:
        return None
    day = _match_date(text)
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        return _bad_date(text)
    return day


def _match_date(text: str) -> date | None:
    for pattern, groups in (
        (_DATE_SEPARATED, (1, 3, 4)),
        (_DATE_CHINESE, (1, 2, 3)),
        (_DATE_COMPACT, (1, 2, 3)),
    ):
        m = pattern.match(text)
        if m:
            try:
                return date(*(int(m[g]) for g in groups))
            except ValueError:
                return None
    m = _DATE_SERIAL.match(text)
    if m:
        return _EXCEL_EPOCH + timedelta(days=int(m[1]))
    return None


def _bad_date(text: str) -> date:
    raise ValueError(
        _(
            "“{value}” is not a date: write it like 2026-01-05 "
            "(2026/1/5, 2026.1.5, 20260105 and 2026年1月5日 work too)."
        ).format(value=text)
    )


# --- files -----------------------------------------------------------------------------


def _raw_rows(path: Path) -> list[tuple[int, list[Cell]]]:
    """Every row with at least one non-empty cell, with its 1-based line number."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(_("{file} does not exist.").format(file=path)) from None
    except IsADirectoryError:
        raise ImportFileError(_("{file} is a folder, not a file.").format(file=path)) from None
    except OSError as exc:
        raise ImportFileError(
            _("Cannot read {file}: {reason}").format(file=name, reason=exc.strerror or exc)
        ) from None
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(name, data)
    elif data.startswith(_OLE2_MAGIC):
        raise ImportFileError(
            _(
                "{file} is an old Excel 97–2003 (.xls) file. Save it in Excel as "
                "“Excel Workbook (.xlsx)” or “CSV UTF-8” and import that."
            ).format(file=name)
        )
    else:
        rows = _csv_rows(name, _decode(name, data))
    if not rows:
        raise ImportFileError(_("{file} is empty.").format(file=name))
    return rows


def _decode(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), then GB18030, a superset of GBK/GB2312 that Chinese
    Excel writes; UTF-16 with a BOM is Excel's "Unicode text"."""
    not_text = ImportFileError(_("{file} is not a CSV or Excel (.xlsx) file.").format(file=name))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise not_text from None
    else:
        if b"\x00" in data:
            raise not_text
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(
                _(
                    "{file} is not text in UTF-8 or GBK encoding. Save it from Excel as "
                    "“CSV UTF-8” or as an Excel workbook (.xlsx)."
                ).format(file=name)
            )
    if _CONTROL.search(text):
        raise not_text
    return text


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(_SNIFF_DELIMITERS, key=first.count)  # ties go to the comma, listed first


def _csv_rows(name: str, text: str) -> list[tuple[int, list[Cell]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    rows: list[tuple[int, list[Cell]]] = []
    start = 1
    try:
        for record in reader:
            # A quoted cell may span lines: a row is numbered by the line it starts on.
            line, start = start, reader.line_num + 1
            cells: list[Cell] = [c.strip() for c in record]
            if not all(is_blank(c) for c in cells):
                rows.append((line, cells))
    except csv.Error as exc:
        raise ImportFileError(
            _("{file}, line {line}: {reason}").format(file=name, line=start, reason=exc)
        ) from None
    return rows


def _xlsx_rows(name: str, data: bytes) -> list[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook  # 0.2 s to import: only when an XLSX is read

    rows: list[tuple[int, list[Cell]]] = []
    # openpyxl warns about harmless oddities of other programs' files (missing styles,
    # unknown extensions); they say nothing to the user.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # zip, XML or a missing part: every way of not being a workbook
            raise ImportFileError(
                _("{file} cannot be read as an Excel workbook (.xlsx): {reason}").format(
                    file=name, reason=exc
                )
            ) from None
        try:
            sheet = book.worksheets[0]
            # Other programs write wrong sheet sizes; read what is there instead.
            sheet.reset_dimensions()  # type: ignore[union-attr]
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_xlsx_cell(v) for v in values]
                if not all(is_blank(c) for c in cells):
                    rows.append((line, cells))
        except Exception as exc:
            raise ImportFileError(
                _("{file} cannot be read as an Excel workbook (.xlsx): {reason}").format(
                    file=name, reason=exc
                )
            ) from None
        finally:
            book.close()
    return rows


def _xlsx_cell(value: object) -> Cell:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()  # a date cell: Excel stores it as a midnight datetime
    if value is None or isinstance(value, int | float | date | time):
        return value
    return str(value)  # timedelta, error codes and the like: shown as text


# --- header ----------------------------------------------------------------------------


def header_key(name: Cell) -> str:
    """A header as compared: no spaces, BOM, `_ - . *`, width or case differences."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", cell_text(name))).casefold()


def _find_header(
    path: Path, raw: list[tuple[int, list[Cell]]], columns: Sequence[Column]
) -> tuple[int, dict[str, int]]:
    lookup = {header_key(n): col.key for col in columns for n in col.names}
    required = [col for col in columns if col.required]
    best: tuple[int, dict[str, int], list[Cell]] | None = None
    for line, cells in raw[:HEADER_SEARCH_ROWS]:
        positions: dict[str, int] = {}
        for i, cell in enumerate(cells):
            key = lookup.get(header_key(cell))
            if key is not None and key not in positions:
                positions[key] = i
        if all(col.key in positions for col in required):
            return line, positions
        if best is None or len(positions) > len(best[1]):
            best = (line, positions, cells)
    assert best is not None  # _raw_rows never returns no rows
    _line, positions, cells = best
    found = [cell_text(c) for c in cells if not is_blank(c)]
    raise ImportFileError(
        _(
            "{file} does not have the expected columns: {missing} missing. "
            "Required columns: {required}; optional: {optional} (in any order). "
            "Found: {found}."
        ).format(
            file=path.name,
            missing=", ".join(c.label for c in required if c.key not in positions),
            required=", ".join(c.label for c in required),
            optional=", ".join(c.label for c in columns if not c.required) or "-",
            found=", ".join(found[:15]) + (", …" if len(found) > 15 else ""),
        )
    )
