"""The roster: validation, uniqueness, deactivation, PINs and who may see what."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.db import Store
from app.models import Staff
from app.services import auth, staff
from app.services.auth import Actor
from app.services.errors import NotFound, PermissionDenied, ValidationError
from app.services.staff import StaffInput


def add(store: Store, actor: Actor, no: str, name: str, **kw: object) -> staff.StaffRecord:
    with store.transaction() as session:
        return staff.add_staff(session, actor, StaffInput(no, name, **kw))  # type: ignore[arg-type]


def snapshot(store: Store) -> list[tuple[object, ...]]:
    with store.reading() as session:
        return [
            (s.employee_no, s.name, s.phone, s.hire_date, s.position, s.active)
            for s in session.scalars(select(Staff).order_by(Staff.id))
        ]


def test_add_and_list(store: Store, supervisor: Actor) -> None:
    rec = add(
        store, supervisor, " A001 ", " 张三 ", phone="138 1234 5678", hire_date=date(2024, 3, 1)
    )
    assert (rec.employee_no, rec.name, rec.phone, rec.active) == (
        "A001",
        "张三",
        "13812345678",
        True,
    )
    with store.reading() as session:
        assert [r.name for r in staff.list_staff(session, supervisor)] == ["张三"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (StaffInput("", "张三"), "employee_no"),
        (StaffInput("A 1", "张三"), "employee_no"),
        (StaffInput("A001", "  "), "name"),
        (StaffInput("A001", "张三", phone="12345"), "phone"),
        (StaffInput("A001", "张三", phone="23812345678"), "phone"),
        (StaffInput("A001", "张" * 51), "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(
    store: Store, supervisor: Actor, data: StaffInput, field: str
) -> None:
    add(store, supervisor, "B001", "先来的")
    before = snapshot(store)
    with pytest.raises(ValidationError) as err, store.transaction() as session:
        staff.add_staff(session, supervisor, data)
    assert err.value.field == field
    assert snapshot(store) == before


def test_duplicate_employee_no(store: Store, supervisor: Actor) -> None:
    add(store, supervisor, "A001", "张三")
    other = add(store, supervisor, "A002", "李四")
    before = snapshot(store)
    with pytest.raises(ValidationError, match="张三"), store.transaction() as session:
        staff.add_staff(session, supervisor, StaffInput("A001", "王五"))
    with pytest.raises(ValidationError), store.transaction() as session:
        staff.update_staff(session, supervisor, other.id, StaffInput("A001", "李四"))
    assert snapshot(store) == before


def test_edit_deactivate_reactivate_never_deletes(store: Store, supervisor: Actor) -> None:
    rec = add(store, supervisor, "A001", "张三")
    with store.transaction() as session:
        staff.update_staff(
            session, supervisor, rec.id, StaffInput("A001", "张三丰", position="客户经理")
        )
        staff.set_active(session, supervisor, rec.id, False)
    with store.reading() as session:
        assert staff.list_staff(session, supervisor, include_inactive=False) == []
        (only,) = staff.list_staff(session, supervisor)
    assert (only.name, only.position, only.active) == ("张三丰", "客户经理", False)
    with store.transaction() as session:
        assert staff.set_active(session, supervisor, rec.id, True).active


def test_pin_is_hashed_and_checked(store: Store, supervisor: Actor) -> None:
    rec = add(store, supervisor, "A001", "张三")
    for bad in ("12", "abcd", "123456789"):
        with pytest.raises(ValidationError), store.transaction() as session:
            staff.set_pin(session, supervisor, rec.id, bad)
    with store.transaction() as session:
        staff.set_pin(session, supervisor, rec.id, "4321")
    with store.reading() as session:
        row = session.get(Staff, rec.id)
        assert row is not None and row.pin_hash and "4321" not in row.pin_hash
        assert auth.verify_secret(row.pin_hash, "4321")
        assert staff.get_staff(session, supervisor, rec.id).has_pin


def test_manager_sees_only_own_record(store: Store, supervisor: Actor, make_manager) -> None:  # type: ignore[no-untyped-def]
    zhang = make_manager("A001", "张三")
    li = make_manager("A002", "李四")
    with store.reading() as session:
        assert [r.name for r in staff.list_staff(session, zhang)] == ["张三"]
        assert staff.get_staff(session, zhang, zhang.staff_id).name == "张三"
        with pytest.raises(PermissionDenied):
            staff.get_staff(session, zhang, li.staff_id)
        assert len(staff.list_staff(session, supervisor)) == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda s, a, i: staff.add_staff(s, a, StaffInput("Z9", "赵九")),
        lambda s, a, i: staff.update_staff(s, a, i, StaffInput("A001", "改名")),
        lambda s, a, i: staff.set_active(s, a, i, False),
        lambda s, a, i: staff.set_pin(s, a, i, "1234"),
        lambda s, a, i: staff.apply_import(s, a, [StaffInput("Z9", "赵九")]),
    ],
)
def test_manager_cannot_change_the_roster(store: Store, make_manager, call) -> None:  # type: ignore[no-untyped-def]
    zhang = make_manager("A001", "张三")
    with pytest.raises(PermissionDenied), store.transaction() as session:
        call(session, zhang, zhang.staff_id)


def test_other_branch_is_not_found(store: Store, supervisor: Actor) -> None:
    rec = add(store, supervisor, "A001", "张三")
    stranger = Actor(999, supervisor.branch_id + 1, "x", "x", auth.Role.SUPERVISOR)
    with store.reading() as session, pytest.raises(NotFound):
        staff.get_staff(session, stranger, rec.id)


def test_apply_import_adds_updates_and_is_idempotent(store: Store, supervisor: Actor) -> None:
    add(store, supervisor, "A001", "张三", phone="13812345678")
    rows = [
        StaffInput("A001", "张三", position="客户经理"),
        StaffInput("A002", "李四", hire_date=date(2025, 1, 2)),
    ]
    with store.transaction() as session:
        first = staff.apply_import(session, supervisor, rows)
    assert (first.added, first.updated, first.unchanged, first.accepted) == (1, 1, 0, 2)
    before = snapshot(store)
    with store.transaction() as session:
        second = staff.apply_import(session, supervisor, rows)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 2)
    assert snapshot(store) == before
    # A file without phones keeps the phone already on record.
    assert before[0][2] == "13812345678"


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_mobile_numbers_normalise(number: str, sep: str) -> None:
    spaced = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    assert staff.normalize_phone(spaced) == number
    assert staff.normalize_phone("+86" + number) == number


def test_full_width_input_from_a_chinese_ime() -> None:
    assert staff.normalize_phone("１３８ １２３４ ５６７８") == "13812345678"
    assert staff.clean(StaffInput("Ａ００１", "张三")).employee_no == "A001"
    with pytest.raises(ValidationError):
        staff.normalize_phone("١٣٨١٢٣٤٥٦٧٨")  # Arabic-Indic digits are not a Chinese phone


@pytest.mark.parametrize("landline", ["010-12345678", "0755-1234567", "02112345678"])
def test_landlines_are_accepted(landline: str) -> None:
    assert staff.normalize_phone(landline) == landline


def test_plan_import_names_what_would_change_and_writes_nothing(
    store: Store, supervisor: Actor
) -> None:
    add(store, supervisor, "A001", "张三", phone="13812345678")
    add(store, supervisor, "A002", "李四")
    before = snapshot(store)
    rows = [
        StaffInput("A001", "张三"),  # no phone in the file: the phone on record stays
        StaffInput("A002", "李思", position="客户经理"),
        StaffInput("A003", "王五"),
    ]
    with store.reading() as session:
        plans = staff.plan_import(session, supervisor, rows)
    assert [(p.change, p.changed) for p in plans] == [
        (staff.RowChange.UNCHANGED, ()),
        (staff.RowChange.UPDATE, ("name", "position")),
        (staff.RowChange.NEW, ()),
    ]
    assert snapshot(store) == before


def test_one_sign_in_per_person(store: Store, supervisor: Actor, make_manager) -> None:  # type: ignore[no-untyped-def]
    zhang = make_manager("A001", "张三")
    with store.reading() as session:
        assert staff.get_staff(session, supervisor, zhang.staff_id).sign_in == "uA001"
    with pytest.raises(ValidationError, match="uA001"), store.transaction() as session:
        auth.create_user(session, supervisor, "zhang2", "张三", "pw1234", staff_id=zhang.staff_id)
