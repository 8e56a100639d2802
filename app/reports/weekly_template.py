"""The weekly progress summary (每周工作进度汇总表) as an Excel template a manager fills
elsewhere and brings back (app.importers.weekly_xlsx reads it; app.services.weekly_excel
checks and stores it).

The labels in the workbook are fixed Chinese whatever the UI language: it is an office
document for the branch's staff, and the importer finds its parts by these names. The
layout below (sheet names, cells, columns) is shared with the importer; change both or
bump FORMAT_VERSION.

A very hidden sheet carries the template's identity (marker, format version, branch,
employee number, week, when it was made): that is how an import tells "not our template"
and "another week or manager" apart, whatever the visible cells say.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MARKER = "BranchDesk weekly summary template"
FORMAT_VERSION = 1

SUMMARY_SHEET = "汇总表"
VISITS_SHEET = "本周拜访"
CHECKLIST_SHEET = "上周计划执行"
PLANS_SHEET = "下周拜访计划"
CUSTOMERS_SHEET = "客户名单"
IDENTITY_SHEET = "模板信息"
REQUIRED_SHEETS = (SUMMARY_SHEET, VISITS_SHEET, CHECKLIST_SHEET, PLANS_SHEET)

TITLE = "每周工作进度汇总表"

# 汇总表: the header block (label in A, value in B) and the six text fields below it.
HEADER_ROWS = {
    "branch": (2, "网点"),
    "employee_no": (3, "工号"),
    "name": (4, "姓名"),
    "week": (5, "周次"),
    "dates": (6, "日期范围"),
    "deadline": (7, "截止时间"),
}
TEXT_ROWS = {  # weekly.SummaryText field -> (row, label)
    "services": (9, "服务提供情况"),
    "needs_trends": (10, "客户需求及消费动态"),
    "campaign_response": (11, "营销活动响应情况"),
    "problems": (12, "存在问题"),
    "suggestions": (13, "建议"),
    "next_week_plan": (14, "下周工作计划"),
}
VALUE_COLUMN = "B"

# The table sheets: the header is row 1, data from row 2.
FIRST_ROW = 2
VISIT_COLUMNS = ("日期", "客户", "服务内容")  # A B C
CHECKLIST_COLUMNS = ("计划日期", "客户", "目的", "执行情况", "改至日期", "原因", "计划编号")
PLAN_COLUMNS = ("日期", "客户", "目的")  # A B C
PLAN_ID_COLUMN = "G"  # hidden: which VisitPlan a checklist line is
EMPTY_VISIT_ROWS = 40
EMPTY_PLAN_ROWS = 30

OUTCOME_DONE, OUTCOME_MOVED, OUTCOME_DROPPED = "已完成", "改期", "取消"
OUTCOME_CHOICES = (OUTCOME_DONE, OUTCOME_MOVED, OUTCOME_DROPPED)
# weekly.PlanOutcome value -> what the drop-down shows ("open" shows as an empty cell)
OUTCOME_TEXT = {"done": OUTCOME_DONE, "moved": OUTCOME_MOVED, "dropped": OUTCOME_DROPPED}

# 模板信息: one key per row (A) and its value (B); the importer reads them by key.
IDENTITY_KEYS = (
    "marker",
    "format_version",
    "branch_id",
    "branch_name",
    "staff_id",
    "employee_no",
    "name",
    "week",
    "produced_at",
)

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"


@dataclass(frozen=True)
class TemplateIdentity:
    branch_id: int
    branch_name: str
    staff_id: int
    employee_no: str
    name: str
    week: str  # "2026-W48"
    produced_at: str  # ISO 8601, UTC
    marker: str = MARKER
    format_version: int = FORMAT_VERSION


@dataclass(frozen=True)
class ChecklistLine:
    plan_id: int
    planned_day: date | None
    customer: str
    purpose: str
    outcome: str  # weekly.PlanOutcome value
    moved_to: date | None
    reason: str


@dataclass(frozen=True)
class TemplateContent:
    """Everything the template shows; the service fills it from the store."""

    identity: TemplateIdentity
    week_start: date
    deadline: str  # as shown, e.g. "2026-11-27 17:30"
    text: dict[str, str]  # SummaryText field -> text
    visits: Sequence[tuple[date, str, str]]  # (day, customer, content)
    checklist: Sequence[ChecklistLine]
    next_plans: Sequence[tuple[date | None, str, str]]  # (day, customer, purpose)
    customers: Sequence[str]  # the drop-down's names


def file_name(employee_no: str, name: str, week: str) -> str:
    """每周工作进度汇总表_2026-W48_A001_张三.xlsx, without characters Windows forbids."""
    raw = f"{TITLE}_{week}_{employee_no}_{name}.xlsx"
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in raw)


def render(content: TemplateContent) -> bytes:
    """The filled-in template as XLSX bytes."""
    from openpyxl import Workbook  # 0.2 s to import: only when a workbook is written
    from openpyxl.workbook.protection import WorkbookProtection

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    _summary_sheet(summary, content)
    customers_ref = _customers_sheet(book, content.customers)
    _visits_sheet(book.create_sheet(VISITS_SHEET), content, customers_ref)
    _checklist_sheet(book.create_sheet(CHECKLIST_SHEET), content)
    _plans_sheet(book.create_sheet(PLANS_SHEET), content, customers_ref)
    _identity_sheet(book, content.identity)
    book.active = 0
    # Sheets cannot be renamed, moved or deleted without first unprotecting the book;
    # the importer still names a missing sheet for a book that was unprotected.
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the sheets --------------------------------------------------------------------------


def _styles():  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=16),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "header_fill": PatternFill("solid", fgColor="DDEBF7"),
        "input_fill": PatternFill("solid", fgColor="FFFFF2"),
        "unlocked": Protection(locked=False),
    }


def _protect(sheet) -> None:  # type: ignore[no-untyped-def]
    # No password: the protection keeps fixed cells from being typed over by mistake; the
    # importer trusts the hidden identity, not these cells.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _summary_sheet(sheet, content: TemplateContent) -> None:  # type: ignore[no-untyped-def]
    s = _styles()
    ident = content.identity
    sheet["A1"] = TITLE
    sheet["A1"].font = s["title"]
    sheet.merge_cells("A1:B1")
    last = content.week_start + timedelta(days=6)
    values = {
        "branch": ident.branch_name,
        "employee_no": ident.employee_no,
        "name": ident.name,
        "week": ident.week,
        "dates": f"{content.week_start.isoformat()} 至 {last.isoformat()}",
        "deadline": content.deadline,
    }
    for key, (row, label) in HEADER_ROWS.items():
        sheet.cell(row, 1, label).font = s["bold"]
        cell = sheet.cell(row, 2, values[key])
        cell.number_format = TEXT_FORMAT
    for key, (row, label) in TEXT_ROWS.items():
        head = sheet.cell(row, 1, label)
        head.font = s["bold"]
        head.alignment = s["wrap"]
        cell = sheet.cell(row, 2, content.text.get(key, "") or None)
        cell.alignment = s["wrap"]
        cell.protection = s["unlocked"]
        cell.fill = s["input_fill"]
        cell.number_format = TEXT_FORMAT
        sheet.row_dimensions[row].height = 96
    note_row = max(row for row, _label in TEXT_ROWS.values()) + 2
    sheet.cell(
        note_row,
        1,
        "填写说明：在浅黄色格子中填写；本周拜访、上周计划执行、下周拜访计划请在对应工作表填写。"
        "请勿修改工作表名称，保存为 .xlsx（不要设置密码）后交回导入。",
    ).alignment = s["wrap"]
    sheet.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=2)
    sheet.row_dimensions[note_row].height = 36
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    _protect(sheet)


def _customers_sheet(book, customers: Sequence[str]) -> str | None:  # type: ignore[no-untyped-def]
    """A hidden list for the 客户 drop-downs (an inline list is capped at 255 characters)."""
    sheet = book.create_sheet(CUSTOMERS_SHEET)
    for row, name in enumerate(customers, start=1):
        sheet.cell(row, 1, name).number_format = TEXT_FORMAT
    sheet.sheet_state = "hidden"
    _protect(sheet)
    if not customers:
        return None
    return f"'{CUSTOMERS_SHEET}'!$A$1:$A${len(customers)}"


def _header(sheet, titles: Sequence[str], widths: Sequence[float]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.utils import get_column_letter

    s = _styles()
    for col, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = sheet.cell(1, col, title)
        cell.font = s["bold"]
        cell.fill = s["header_fill"]
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"


def _date_rule(first: date, last: date | None, title: str):  # type: ignore[no-untyped-def]
    from openpyxl.worksheet.datavalidation import DataValidation

    def excel(d: date) -> str:
        return f"DATE({d.year},{d.month},{d.day})"

    if last is None:
        rule = DataValidation(type="date", operator="greaterThanOrEqual", formula1=excel(first))
        rule.error = f"请填写 {first.isoformat()} 或以后的日期，例如 {first.isoformat()}。"
    else:
        rule = DataValidation(
            type="date", operator="between", formula1=excel(first), formula2=excel(last)
        )
        rule.error = f"请填写 {first.isoformat()} 至 {last.isoformat()} 之间的日期。"
    rule.errorTitle = title
    rule.showErrorMessage = True
    rule.allow_blank = True
    return rule


def _list_rule(formula: str, title: str, error: str):  # type: ignore[no-untyped-def]
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.errorTitle = title
    rule.error = error
    rule.showErrorMessage = True
    return rule


def _input_rows(  # type: ignore[no-untyped-def]
    sheet, first_row: int, last_row: int, columns: Sequence[int], date_columns: Sequence[int]
) -> None:
    s = _styles()
    for row in range(first_row, last_row + 1):
        for col in columns:
            cell = sheet.cell(row, col)
            cell.protection = s["unlocked"]
            cell.fill = s["input_fill"]
            cell.alignment = s["wrap"]
            cell.number_format = DATE_FORMAT if col in date_columns else TEXT_FORMAT


def _visits_sheet(sheet, content: TemplateContent, customers_ref: str | None) -> None:  # type: ignore[no-untyped-def]
    _header(sheet, VISIT_COLUMNS, (14, 24, 70))
    row = FIRST_ROW
    for row, (day, customer, text) in enumerate(content.visits, start=FIRST_ROW):
        sheet.cell(row, 1, day)
        sheet.cell(row, 2, customer)
        sheet.cell(row, 3, text or None)
    last = FIRST_ROW + len(content.visits) + EMPTY_VISIT_ROWS - 1
    _input_rows(sheet, FIRST_ROW, last, (1, 2, 3), (1,))
    week_end = content.week_start + timedelta(days=6)
    dates = _date_rule(content.week_start, week_end, "日期不在本周")
    dates.add(f"A{FIRST_ROW}:A{last}")
    sheet.add_data_validation(dates)
    if customers_ref:
        names = _list_rule(customers_ref, "客户", "请从下拉列表中选择您名下的客户。")
        names.add(f"B{FIRST_ROW}:B{last}")
        sheet.add_data_validation(names)
    _protect(sheet)


def _checklist_sheet(sheet, content: TemplateContent) -> None:  # type: ignore[no-untyped-def]
    _header(sheet, CHECKLIST_COLUMNS, (12, 20, 30, 12, 12, 40, 10))
    s = _styles()
    last = FIRST_ROW + len(content.checklist) - 1
    for row, line in enumerate(content.checklist, start=FIRST_ROW):
        day = sheet.cell(row, 1, line.planned_day)
        day.number_format = DATE_FORMAT
        sheet.cell(row, 2, line.customer)
        sheet.cell(row, 3, line.purpose or None).alignment = s["wrap"]
        sheet.cell(row, 4, OUTCOME_TEXT.get(line.outcome))
        sheet.cell(row, 5, line.moved_to)
        sheet.cell(row, 6, line.reason or None)
        sheet.cell(row, 7, line.plan_id)
    if content.checklist:
        _input_rows(sheet, FIRST_ROW, last, (4, 5, 6), (5,))
        choices = _list_rule(
            '"' + ",".join(OUTCOME_CHOICES) + '"',
            "执行情况",
            "请选择：" + "、".join(OUTCOME_CHOICES) + "。",
        )
        choices.add(f"D{FIRST_ROW}:D{last}")
        sheet.add_data_validation(choices)
        moved = _date_rule(content.week_start, None, "改至日期")
        moved.add(f"E{FIRST_ROW}:E{last}")
        sheet.add_data_validation(moved)
    else:
        sheet.cell(FIRST_ROW, 1, "上周没有制定本周的拜访计划。")
    sheet.column_dimensions[PLAN_ID_COLUMN].hidden = True
    _protect(sheet)


def _plans_sheet(sheet, content: TemplateContent, customers_ref: str | None) -> None:  # type: ignore[no-untyped-def]
    _header(sheet, PLAN_COLUMNS, (14, 24, 50))
    for row, (day, customer, purpose) in enumerate(content.next_plans, start=FIRST_ROW):
        sheet.cell(row, 1, day)
        sheet.cell(row, 2, customer)
        sheet.cell(row, 3, purpose or None)
    last = FIRST_ROW + len(content.next_plans) + EMPTY_PLAN_ROWS - 1
    _input_rows(sheet, FIRST_ROW, last, (1, 2, 3), (1,))
    next_week = content.week_start + timedelta(days=7)
    dates = _date_rule(next_week, next_week + timedelta(days=6), "日期不在下周")
    dates.add(f"A{FIRST_ROW}:A{last}")
    sheet.add_data_validation(dates)
    if customers_ref:
        names = _list_rule(customers_ref, "客户", "请从下拉列表中选择您名下的客户。")
        names.add(f"B{FIRST_ROW}:B{last}")
        sheet.add_data_validation(names)
    _protect(sheet)


def _identity_sheet(book, ident: TemplateIdentity) -> None:  # type: ignore[no-untyped-def]
    sheet = book.create_sheet(IDENTITY_SHEET)
    for row, key in enumerate(IDENTITY_KEYS, start=1):
        sheet.cell(row, 1, key)
        value = getattr(ident, key)
        sheet.cell(row, 2, str(value)).number_format = TEXT_FORMAT
    sheet.sheet_state = "veryHidden"  # not even listed in Excel's "Unhide" dialog
    _protect(sheet)
