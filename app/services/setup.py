"""First run: turn an empty store into a working branch with its supervisor."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import Branch, User
from app.services import calendar, meetings
from app.services.auth import Actor, Role, actor_for, check_new_password, hash_secret
from app.services.errors import ServiceError, ValidationError


class RulesTemplate(StrEnum):
    OFFICE = "office"
    BAR = "bar"
    FOOT_SPA = "foot-spa"
    CUSTOM = "custom"


TEMPLATE_LABELS = {
    RulesTemplate.OFFICE: N_("Office, 09:00–18:00, Monday–Friday"),
    RulesTemplate.BAR: N_("Bar, 20:00–01:00, every day"),
    RulesTemplate.FOOT_SPA: N_("Foot spa, 12:00–24:00, every day"),
    RulesTemplate.CUSTOM: N_("Custom (set the rules later)"),
}


@dataclass
class BranchSetup:
    branch_name: str
    supervisor_username: str
    supervisor_display_name: str
    password: str
    password_repeat: str | None = None
    address: str = ""
    timezone: str = "Asia/Shanghai"
    rules_template: str = RulesTemplate.OFFICE


def is_initialized(session: Session) -> bool:
    return session.scalar(select(Branch.id).limit(1)) is not None


def validate(setup: BranchSetup) -> None:
    """Every check the wizard's pages make, in one place for the GUI and `init` alike."""
    if not setup.branch_name.strip():
        raise ValidationError(_("Enter the branch name."), field="branch_name")
    try:
        ZoneInfo(setup.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown time zone: {tz}").format(tz=setup.timezone), field="timezone"
        ) from None
    try:
        RulesTemplate(setup.rules_template)
    except ValueError:
        raise ValidationError(
            _("Unknown work-rule template: {t}").format(t=setup.rules_template),
            field="rules_template",
        ) from None
    username = setup.supervisor_username.strip()
    if not username or any(c.isspace() for c in username):
        raise ValidationError(
            _("Enter a user name without spaces for the supervisor."), field="username"
        )
    check_new_password(setup.password, setup.password_repeat)


def initialize(session: Session, setup: BranchSetup) -> Actor:
    """Create the branch, its supervisor and its calendar. Refuses a store that has a branch."""
    validate(setup)
    if is_initialized(session):
        raise ServiceError(_("This data file already holds a branch; it was left unchanged."))
    branch = Branch(
        name=setup.branch_name.strip(),
        address=setup.address.strip(),
        timezone=setup.timezone,
        rules_template=RulesTemplate(setup.rules_template).value,
    )
    session.add(branch)
    session.flush()
    user = User(
        branch_id=branch.id,
        username=setup.supervisor_username.strip(),
        display_name=setup.supervisor_display_name.strip() or setup.supervisor_username.strip(),
        password_hash=hash_secret(setup.password),
        role=Role.SUPERVISOR.value,
    )
    session.add(user)
    calendar.seed_from_package(session, branch.id)
    meetings.ensure_defaults(session, branch.id, host_name=user.display_name)
    session.flush()
    return actor_for(user)


def current_branch(session: Session, actor: Actor) -> Branch:
    branch = session.get(Branch, actor.branch_id)
    assert branch is not None
    return branch
