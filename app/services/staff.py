"""The staff roster: account managers, never deleted (history points at them)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import Staff, User
from app.services import audit
from app.services.auth import (
    Actor,
    hash_secret,
    require_own_or_supervisor,
    require_supervisor,
)
from app.services.errors import NotFound, ValidationError

_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$", re.ASCII)
_EMPLOYEE_NO = re.compile(r"^[0-9A-Za-z_\-]{1,32}$")
_PIN = re.compile(r"^\d{4,8}$", re.ASCII)


@dataclass(frozen=True)
class StaffInput:
    """What a form or an import row gives for one person."""

    employee_no: str
    name: str
    phone: str = ""
    hire_date: date | None = None
    position: str = ""


@dataclass(frozen=True)
class StaffRecord:
    id: int
    employee_no: str
    name: str
    phone: str
    hire_date: date | None
    position: str
    active: bool
    has_pin: bool
    sign_in: str | None = None  # the user name this person signs in with, if any


def _record(s: Staff, sign_in: str | None = None) -> StaffRecord:
    return StaffRecord(
        s.id,
        s.employee_no,
        s.name,
        s.phone,
        s.hire_date,
        s.position,
        s.active,
        s.pin_hash is not None,
        sign_in,
    )


def _sign_ins(session: Session, branch_id: int) -> dict[int, str]:
    rows = session.execute(
        select(User.staff_id, User.username).where(
            User.branch_id == branch_id, User.staff_id.is_not(None)
        )
    )
    return {staff_id: username for staff_id, username in rows if staff_id is not None}


def _halfwidth(text: str) -> str:
    """Full-width digits and letters typed with a Chinese IME (１３８…) become ASCII."""
    return unicodedata.normalize("NFKC", text or "")


def normalize_phone(raw: str) -> str:
    """A mobile (11 digits from 13…19) or a landline with area code; '' stays ''."""
    raw = _halfwidth(raw)
    phone = re.sub(r"[\s()（）]", "", raw or "")
    phone = re.sub(r"^(\+?86)-?", "", phone) if len(phone) > 11 else phone
    if not phone:
        return ""
    if _MOBILE.match(phone.replace("-", "")):
        return phone.replace("-", "")
    if _LANDLINE.match(phone):
        return phone
    raise ValidationError(
        _(
            "Phone number “{phone}” is not valid: expected 11 digits like 13812345678 "
            "or a landline like 010-12345678."
        ).format(phone=raw),
        field="phone",
    )


def clean(data: StaffInput) -> StaffInput:
    """Validate and normalise one person; the one rule used by forms and importers alike."""
    employee_no = _halfwidth(data.employee_no).strip()
    name = (data.name or "").strip()
    if not employee_no:
        raise ValidationError(_("The employee number (工号) is empty."), field="employee_no")
    if not _EMPLOYEE_NO.match(employee_no):
        raise ValidationError(
            _("Employee number “{no}” may only hold letters, digits, - and _ (at most 32).").format(
                no=employee_no
            ),
            field="employee_no",
        )
    if not name:
        raise ValidationError(_("The name (姓名) is empty."), field="name")
    if len(name) > 50:
        raise ValidationError(_("The name is longer than 50 characters."), field="name")
    position = (data.position or "").strip()
    if len(position) > 50:
        raise ValidationError(_("The position is longer than 50 characters."), field="position")
    return replace(
        data,
        employee_no=employee_no,
        name=name,
        phone=normalize_phone(data.phone),
        position=position,
    )


def _get(session: Session, actor: Actor, staff_id: int) -> Staff:
    audit.by(session, actor)
    staff = session.get(Staff, staff_id)
    if staff is None or staff.branch_id != actor.branch_id:
        raise NotFound(_("No such staff member."))
    require_own_or_supervisor(actor, staff.branch_id, staff.id)
    return staff


def list_staff(session: Session, actor: Actor, include_inactive: bool = True) -> list[StaffRecord]:
    """The roster; an account manager sees only their own row (house rule 6)."""
    query = select(Staff).where(Staff.branch_id == actor.branch_id)
    if not actor.sees_whole_branch:
        query = query.where(Staff.id == (actor.staff_id or -1))
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    sign_ins = _sign_ins(session, actor.branch_id)
    return [
        _record(s, sign_ins.get(s.id)) for s in session.scalars(query.order_by(Staff.employee_no))
    ]


def get_staff(session: Session, actor: Actor, staff_id: int) -> StaffRecord:
    return _record(
        _get(session, actor, staff_id), _sign_ins(session, actor.branch_id).get(staff_id)
    )


def find_by_employee_no(session: Session, branch_id: int, employee_no: str) -> Staff | None:
    return session.scalar(
        select(Staff).where(Staff.branch_id == branch_id, Staff.employee_no == employee_no)
    )


def _check_unique(session: Session, actor: Actor, employee_no: str, own_id: int | None) -> None:
    other = find_by_employee_no(session, actor.branch_id, employee_no)
    if other is not None and other.id != own_id:
        raise ValidationError(
            _("Employee number {no} is already used by {name}.").format(
                no=employee_no, name=other.name
            ),
            field="employee_no",
        )


def add_staff(session: Session, actor: Actor, data: StaffInput) -> StaffRecord:
    require_supervisor(actor)
    audit.by(session, actor)
    data = clean(data)
    _check_unique(session, actor, data.employee_no, None)
    staff = Staff(
        branch_id=actor.branch_id,
        employee_no=data.employee_no,
        name=data.name,
        phone=data.phone,
        hire_date=data.hire_date,
        position=data.position,
        active=True,
    )
    session.add(staff)
    session.flush()
    return _record(staff)


def update_staff(session: Session, actor: Actor, staff_id: int, data: StaffInput) -> StaffRecord:
    require_supervisor(actor)
    staff = _get(session, actor, staff_id)
    data = clean(data)
    _check_unique(session, actor, data.employee_no, staff.id)
    staff.employee_no, staff.name, staff.phone = data.employee_no, data.name, data.phone
    staff.hire_date, staff.position = data.hire_date, data.position
    session.flush()
    return _record(staff)


def set_active(session: Session, actor: Actor, staff_id: int, active: bool) -> StaffRecord:
    """Deactivate (or bring back) a person; nothing is ever deleted."""
    require_supervisor(actor)
    staff = _get(session, actor, staff_id)
    staff.active = active
    session.flush()
    return _record(staff)


def set_pin(session: Session, actor: Actor, staff_id: int, pin: str) -> None:
    """The kiosk PIN, stored hashed like a password."""
    require_supervisor(actor)
    if not _PIN.match(pin or ""):
        raise ValidationError(_("The PIN must be 4 to 8 digits."), field="pin")
    _get(session, actor, staff_id).pin_hash = hash_secret(pin)


class RowChange(StrEnum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"


# The roster columns an import compares, in the order a preview names them.
IMPORT_FIELDS = ("name", "phone", "hire_date", "position")


@dataclass(frozen=True)
class RowPlan:
    """What importing one clean row would do; `changed` names the fields an update alters."""

    row: StaffInput
    change: RowChange
    changed: tuple[str, ...] = ()


def _merged(staff: StaffInput, row: StaffInput) -> StaffInput:
    # A file without a phone, hire date or position keeps what is on record: a roster
    # exported by the clock machine should not wipe what the supervisor typed in.
    return replace(
        row,
        phone=row.phone or staff.phone,
        hire_date=row.hire_date or staff.hire_date,
        position=row.position or staff.position,
    )


def plan_import(session: Session, actor: Actor, rows: list[StaffInput]) -> list[RowPlan]:
    """Read-only: what `apply_import` would do with each row, for the preview."""
    require_supervisor(actor)
    current = {
        s.employee_no: StaffInput(s.employee_no, s.name, s.phone, s.hire_date, s.position)
        for s in session.scalars(select(Staff).where(Staff.branch_id == actor.branch_id))
    }
    plans = []
    for row in rows:
        before = current.get(row.employee_no)
        if before is None:
            plans.append(RowPlan(row, RowChange.NEW))
            current[row.employee_no] = row
            continue
        after = _merged(before, row)
        changed = tuple(f for f in IMPORT_FIELDS if getattr(after, f) != getattr(before, f))
        plans.append(RowPlan(after, RowChange.UPDATE if changed else RowChange.UNCHANGED, changed))
        current[row.employee_no] = after
    return plans


@dataclass(frozen=True)
class ImportOutcome:
    added: int
    updated: int
    unchanged: int

    @property
    def accepted(self) -> int:
        return self.added + self.updated


def apply_import(session: Session, actor: Actor, rows: list[StaffInput]) -> ImportOutcome:
    """Add new people and update changed ones; identical rows change nothing.

    Rows must already be clean (the importer validated them). The caller's transaction
    makes the whole file go in at once or not at all. Activity and PINs are left alone.
    """
    audit.by(session, actor)
    plans = plan_import(session, actor, rows)
    existing = {
        s.employee_no: s
        for s in session.scalars(select(Staff).where(Staff.branch_id == actor.branch_id))
    }
    for plan in plans:
        row = plan.row
        if plan.change is RowChange.UNCHANGED:
            continue
        staff = existing.get(row.employee_no)
        if staff is None:
            staff = Staff(branch_id=actor.branch_id, employee_no=row.employee_no, active=True)
            session.add(staff)
            existing[row.employee_no] = staff
        staff.name, staff.phone = row.name, row.phone
        staff.hire_date, staff.position = row.hire_date, row.position
    session.flush()
    counts = Counter(plan.change for plan in plans)
    return ImportOutcome(
        counts[RowChange.NEW], counts[RowChange.UPDATE], counts[RowChange.UNCHANGED]
    )
