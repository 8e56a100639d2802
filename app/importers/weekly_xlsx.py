"""A filled weekly summary template (每周工作进度汇总表, made by app.reports.weekly_template)
read into plain data. Nothing here knows the store: the service checks the identity,
customers and plans against it and stores the file whole or not at all.

Every problem names the sheet and cell the user should look at. The file is checked
before openpyxl sees it: its size (a template is a few tens of KB), what kind of file it
is (an encrypted workbook and an old .xls are both OLE2 compound files), and the sizes in
its zip directory (a small file that unpacks to gigabytes would hang the app).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.i18n import _
from app.importers.tabular import cell_text, parse_date
from app.reports import weekly_template as t

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # sum of the zip directory's uncompressed sizes
MAX_ZIP_ENTRIES = 500
MAX_ROWS = 600  # per table sheet: far more than a week's visits
_MB = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML file is an OLE2 compound file with an "EncryptionInfo" stream; the
# directory stores names in UTF-16LE.
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")

Cell = object


@dataclass(frozen=True)
class Problem:
    sheet: str  # "" when it is about the whole file
    cell: str  # e.g. "A5"; "" when it is about a whole sheet or file
    reason: str  # for the user, translated

    @property
    def where(self) -> str:
        """本周拜访!A5, 本周拜访 or ""."""
        return "!".join(part for part in (self.sheet, self.cell) if part)


class TemplateRejected(Exception):
    """The file cannot be taken; `problems` (at least one) say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.where}: {p.reason}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Identity:
    """What the very hidden sheet says the template was made for."""

    branch_id: int | None
    branch_name: str
    staff_id: int | None
    employee_no: str
    name: str
    week: str
    produced_at: str
    format_version: int


@dataclass(frozen=True)
class VisitRow:
    row: int
    day: date
    customer: str
    content: str


@dataclass(frozen=True)
class ChecklistRow:
    row: int
    plan_id: int
    outcome: str  # "" | done | moved | dropped
    moved_to: date | None
    reason: str


@dataclass(frozen=True)
class PlanRow:
    row: int
    day: date | None
    customer: str
    purpose: str


@dataclass
class FilledTemplate:
    identity: Identity
    shown_employee_no: str  # 汇总表!B3 as the file has it
    shown_week: str  # 汇总表!B5
    text: dict[str, str] = field(default_factory=dict)  # SummaryText field -> text
    visits: list[VisitRow] = field(default_factory=list)
    checklist: list[ChecklistRow] = field(default_factory=list)
    next_plans: list[PlanRow] = field(default_factory=list)


def header_cell(key: str) -> str:
    return f"{t.VALUE_COLUMN}{t.HEADER_ROWS[key][0]}"


def text_cell(key: str) -> str:
    return f"{t.VALUE_COLUMN}{t.TEXT_ROWS[key][0]}"


def _file_problem(reason: str) -> TemplateRejected:
    return TemplateRejected([Problem("", "", reason)])


def read_template(path: Path) -> FilledTemplate:
    """Read one filled template. Raises TemplateRejected, never anything else for a bad file."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _file_problem(_("{file} does not exist.").format(file=path)) from None
    except OSError as exc:
        raise _cannot_read(name, exc) from None
    if path.is_dir():
        raise _file_problem(_("{file} is a folder, not a file.").format(file=path))
    if size > MAX_FILE_BYTES:
        raise _file_problem(
            _(
                "{file} is {size:.1f} MB; a weekly summary template is far smaller "
                "(at most {limit} MB). Is it the right file?"
            ).format(file=name, size=size / _MB, limit=MAX_FILE_BYTES // _MB)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _cannot_read(name, exc) from None
    return read_template_data(name, data)


def _cannot_read(name: str, exc: OSError) -> TemplateRejected:
    return _file_problem(
        _(
            "Cannot read {file}: {reason}. If it is open in Excel or another program, "
            "close it and try again."
        ).format(file=name, reason=exc.strerror or exc)
    )


def read_template_data(name: str, data: bytes) -> FilledTemplate:
    """The same, for bytes already read (`name` is only for the messages)."""
    if not data:
        raise _file_problem(_("{file} is empty.").format(file=name))
    if len(data) > MAX_FILE_BYTES:
        raise _file_problem(
            _(
                "{file} is {size:.1f} MB; a weekly summary template is far smaller "
                "(at most {limit} MB). Is it the right file?"
            ).format(file=name, size=len(data) / _MB, limit=MAX_FILE_BYTES // _MB)
        )
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTION_INFO in data:
            raise _file_problem(
                _(
                    "{file} is password-protected. Open it in Excel, remove the password "
                    "(File → Info → Protect Workbook → Encrypt with Password, clear it), "
                    "save it and import it again."
                ).format(file=name)
            )
        raise _file_problem(
            _(
                "{file} is an old Excel 97–2003 (.xls) file. Save it in Excel as "
                "“Excel Workbook (.xlsx)” and import that."
            ).format(file=name)
        )
    if not data.startswith(_ZIP_MAGIC):
        raise _file_problem(_not_template(name))
    _check_zip(name, data)
    from openpyxl import load_workbook  # 0.2 s to import: only when a workbook is read

    with warnings.catch_warnings():
        # openpyxl warns about harmless oddities of other programs' files.
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # zip, XML or a missing part: every way of not being a workbook
            raise _file_problem(_unreadable(name, exc)) from None
        try:
            return _read_book(name, book)
        except TemplateRejected:
            raise
        except Exception as exc:  # a damaged sheet part surfaces while its rows are read
            raise _file_problem(_unreadable(name, exc)) from None
        finally:
            book.close()


def _not_template(name: str) -> str:
    return _(
        "{file} is not a BranchDesk weekly summary template. Export the template for the "
        "manager and week, fill it in and import that."
    ).format(file=name)


def _unreadable(name: str, exc: Exception) -> str:
    return _("{file} cannot be read as an Excel workbook (.xlsx): {reason}").format(
        file=name, reason=str(exc) or type(exc).__name__
    )


def _check_zip(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    # NotImplementedError: a zip "version" or compression zipfile does not know (a
    # damaged header says so as readily as a real one; found by the fuzz tests).
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as exc:
        raise _file_problem(_unreadable(name, exc)) from None
    unpacked = sum(info.file_size for info in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise _file_problem(
            _(
                "{file} unpacks to {size:.0f} MB, far more than a weekly summary template "
                "(at most {limit} MB); it was not read."
            ).format(file=name, size=unpacked / _MB, limit=MAX_UNPACKED_BYTES // _MB)
        )


# --- the sheets --------------------------------------------------------------------------


Grid = dict[tuple[int, int], Cell]  # (row, column), 1-based; only non-empty cells


def _grid(book, sheet_name: str, max_row: int = MAX_ROWS) -> Grid:  # type: ignore[no-untyped-def]
    sheet = book[sheet_name]
    # Other programs write wrong sheet sizes; read what is there instead.
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    grid: Grid = {}
    for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        for col_no, value in enumerate(values, start=1):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if row_no > max_row:
                raise TemplateRejected(
                    [
                        Problem(
                            sheet_name,
                            f"A{row_no}",
                            _(
                                "The sheet has more than {n} rows filled in; a weekly "
                                "summary has far fewer. Is it the right file?"
                            ).format(n=max_row),
                        )
                    ]
                )
            grid[(row_no, col_no)] = value
    return grid


def _read_book(name: str, book) -> FilledTemplate:  # type: ignore[no-untyped-def]
    names = list(book.sheetnames)
    if t.IDENTITY_SHEET not in names:
        raise _file_problem(_not_template(name))
    identity = _identity(name, _grid(book, t.IDENTITY_SHEET, max_row=len(t.IDENTITY_KEYS) + 20))
    missing = [s for s in t.REQUIRED_SHEETS if s not in names]
    if missing:
        unknown = [s for s in names if s not in (*t.REQUIRED_SHEETS, t.IDENTITY_SHEET)]
        unknown = [s for s in unknown if s != t.CUSTOMERS_SHEET]
        found = _(", ").join(unknown) if unknown else "-"
        raise TemplateRejected(
            [
                Problem(
                    sheet,
                    "",
                    _(
                        "The sheet {sheet} is missing: it was renamed or deleted. Keep the "
                        "template's sheet names (other sheets in the file: {found})."
                    ).format(sheet=sheet, found=found),
                )
                for sheet in missing
            ]
        )
    problems: list[Problem] = []
    summary = _grid(book, t.SUMMARY_SHEET, max_row=100)
    filled = FilledTemplate(
        identity,
        shown_employee_no=cell_text(summary.get((t.HEADER_ROWS["employee_no"][0], 2))),  # type: ignore[arg-type]
        shown_week=cell_text(summary.get((t.HEADER_ROWS["week"][0], 2))),  # type: ignore[arg-type]
    )
    for key, (row, _label) in t.TEXT_ROWS.items():
        filled.text[key] = _text(summary.get((row, 2)))
    filled.visits = _visits(_grid(book, t.VISITS_SHEET), problems)
    filled.checklist = _checklist(_grid(book, t.CHECKLIST_SHEET), problems)
    filled.next_plans = _plans(_grid(book, t.PLANS_SHEET), problems)
    if problems:
        raise TemplateRejected(problems)
    return filled


def _identity(name: str, grid: Grid) -> Identity:
    values = {
        cell_text(grid.get((row, 1))): cell_text(grid.get((row, 2)))  # type: ignore[arg-type]
        for row in {r for r, _c in grid}
    }
    if values.get("marker") != t.MARKER:
        raise _file_problem(_not_template(name))
    try:
        version = int(values.get("format_version", ""))
    except ValueError:
        raise _file_problem(_not_template(name)) from None
    if version > t.FORMAT_VERSION:
        raise _file_problem(
            _(
                "{file} was made by a newer version of BranchDesk (template format "
                "{version}). Update BranchDesk, or export a new template and fill that in."
            ).format(file=name, version=version)
        )

    def number(key: str) -> int | None:
        try:
            return int(values.get(key, ""))
        except ValueError:
            return None

    return Identity(
        branch_id=number("branch_id"),
        branch_name=values.get("branch_name", ""),
        staff_id=number("staff_id"),
        employee_no=values.get("employee_no", ""),
        name=values.get("name", ""),
        week=values.get("week", ""),
        produced_at=values.get("produced_at", ""),
        format_version=version,
    )


# --- cells -------------------------------------------------------------------------------


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # Excel writes a line break in a cell as \n, some programs as \r\n.
        return value.replace("\r\n", "\n").strip()
    return cell_text(value)  # type: ignore[arg-type]


def _date(value: Cell, sheet: str, cell: str, problems: list[Problem]) -> date | None:
    """A date cell: a real date, or text/serial that reads as one; else a problem."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        value = str(value)  # TRUE, a time of day, an error code: read as the text shown
    try:
        return parse_date(value)
    except ValueError as exc:
        problems.append(Problem(sheet, cell, str(exc)))
        return None


def _rows(grid: Grid) -> list[int]:
    return sorted({row for row, _col in grid if row >= t.FIRST_ROW})


def _visits(grid: Grid, problems: list[Problem]) -> list[VisitRow]:
    sheet = t.VISITS_SHEET
    out = []
    for row in _rows(grid):
        raw_day, customer, content = (grid.get((row, c)) for c in (1, 2, 3))
        if raw_day is None and customer is None and content is None:
            continue  # something beyond column C only: not ours to read
        before = len(problems)
        day = _date(raw_day, sheet, f"A{row}", problems)
        if raw_day is None:
            problems.append(Problem(sheet, f"A{row}", _("Enter the date of the visit.")))
        name = _text(customer)
        if not name:
            problems.append(
                Problem(sheet, f"B{row}", _("Choose the customer from the drop-down list."))
            )
        if len(problems) == before and day is not None:
            out.append(VisitRow(row, day, name, _text(content)))
    return out


OUTCOMES = {t.OUTCOME_DONE: "done", t.OUTCOME_MOVED: "moved", t.OUTCOME_DROPPED: "dropped"}


def _checklist(grid: Grid, problems: list[Problem]) -> list[ChecklistRow]:
    sheet = t.CHECKLIST_SHEET
    out = []
    for row in _rows(grid):
        raw_id = grid.get((row, 7))
        if raw_id is None:
            continue  # no plan behind the row (e.g. the "no plans" note)
        before = len(problems)
        plan_id: int | None = None
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            if float(raw_id).is_integer():
                plan_id = int(raw_id)
        elif isinstance(raw_id, str) and raw_id.strip().isdecimal():
            # isdecimal, not isdigit: "²" is a digit that int() refuses.
            plan_id = int(raw_id.strip())
        if plan_id is None:
            problems.append(
                Problem(
                    sheet,
                    f"{t.PLAN_ID_COLUMN}{row}",
                    _(
                        "“{value}” is not a planned visit's number; the hidden column "
                        "{column} must not be changed."
                    ).format(value=cell_text(raw_id), column=t.PLAN_ID_COLUMN),  # type: ignore[arg-type]
                )
            )
        raw_outcome = _text(grid.get((row, 4)))
        outcome = OUTCOMES.get(raw_outcome, "") if raw_outcome else ""
        if raw_outcome and not outcome:
            problems.append(
                Problem(
                    sheet,
                    f"D{row}",
                    _("“{value}” is not one of {choices}; choose from the drop-down list.").format(
                        value=raw_outcome, choices=_(", ").join(t.OUTCOME_CHOICES)
                    ),
                )
            )
        moved_to = _date(grid.get((row, 5)), sheet, f"E{row}", problems)
        if len(problems) == before and plan_id is not None:
            out.append(ChecklistRow(row, plan_id, outcome, moved_to, _text(grid.get((row, 6)))))
    return out


def _plans(grid: Grid, problems: list[Problem]) -> list[PlanRow]:
    sheet = t.PLANS_SHEET
    out = []
    for row in _rows(grid):
        raw_day, customer, purpose = (grid.get((row, c)) for c in (1, 2, 3))
        if raw_day is None and customer is None and purpose is None:
            continue
        before = len(problems)
        day = _date(raw_day, sheet, f"A{row}", problems)
        name = _text(customer)
        if not name:
            problems.append(
                Problem(sheet, f"B{row}", _("Choose the customer from the drop-down list."))
            )
        if len(problems) == before:
            out.append(PlanRow(row, day, name, _text(purpose)))
    return out
