"""The staff roster: account managers, never deleted (history points at them)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import Staff
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


def _record(s: Staff) -> StaffRecord:
    return StaffRecord(
        s.id,
        s.employee_no,
        s.name,
        s.phone,
        s.hire_date,
        s.position,
        s.active,
        s.pin_hash is not None,
    )


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
    return [_record(s) for s in session.scalars(query.order_by(Staff.employee_no))]


def get_staff(session: Session, actor: Actor, staff_id: int) -> StaffRecord:
    return _record(_get(session, actor, staff_id))


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
    makes the whole file go in at once or not at all. Only the columns a roster file
    has are compared, so a re-import leaves PINs and activity alone.
    """
    require_supervisor(actor)
    existing = {
        s.employee_no: s
        for s in session.scalars(select(Staff).where(Staff.branch_id == actor.branch_id))
    }
    added = updated = unchanged = 0
    for row in rows:
        staff = existing.get(row.employee_no)
        if staff is None:
            staff = Staff(
                branch_id=actor.branch_id,
                employee_no=row.employee_no,
                active=True,
                name=row.name,
                phone=row.phone,
                hire_date=row.hire_date,
                position=row.position,
            )
            session.add(staff)
            existing[row.employee_no] = staff
            added += 1
            continue
        new = (
            row.name,
            row.phone or staff.phone,
            row.hire_date or staff.hire_date,
            row.position or staff.position,
        )
        if new == (staff.name, staff.phone, staff.hire_date, staff.position):
            unchanged += 1
            continue
        staff.name, staff.phone, staff.hire_date, staff.position = new
        updated += 1
    session.flush()
    return ImportOutcome(added, updated, unchanged)
