"""Accounts, passwords (argon2id) and who may do what.

Every service that returns personal data takes an `Actor` and checks it here, so a
manager cannot read another manager's records whatever screen or command asks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import N_, _
from app.models import User, utcnow
from app.services.clock import now_utc
from app.services.errors import NotFound, PermissionDenied, ServiceError, ValidationError

# argon2-cffi's defaults (argon2id, m=64 MiB, t=3, p=4) exceed OWASP's minimum.
_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 4

# 5 wrong passwords within 15 minutes lock the account for 15 minutes (issue 6): slow
# enough to stop guessing at an unattended PC, short enough not to need an administrator.
LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_TIME = timedelta(minutes=15)


class Role(StrEnum):
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.SUPERVISOR: N_("Supervisor"),
    Role.MANAGER: N_("Account manager"),
    Role.ADMIN: N_("Administrator"),
}


def role_label(role: str) -> str:
    return _(ROLE_LABELS[Role(role)])


@dataclass(frozen=True)
class Actor:
    """Who is asking: passed to every service call that touches branch data."""

    user_id: int
    branch_id: int
    username: str
    display_name: str
    role: Role
    staff_id: int | None = None

    @property
    def sees_whole_branch(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Swap the hasher (tests use cheap parameters); returns the previous one."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    if not secret_hash:
        return False
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(secret_hash: str) -> bool:
    return _hasher.check_needs_rehash(secret_hash)


def check_new_password(password: str, repeat: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if repeat is not None and password != repeat:
        raise ValidationError(_("The two passwords do not match."), field="password_repeat")


def actor_for(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        branch_id=user.branch_id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        staff_id=user.staff_id,
    )


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


class AccountLocked(ServiceError):
    """Too many wrong passwords: the account is locked for a while."""


def locked_message(session: Session, username: str) -> str | None:
    """Why this account cannot sign in now (locked, and for how long), or None."""
    user = find_user(session, username)
    if user is None or user.locked_until is None:
        return None
    left = user.locked_until - now_utc()
    if left <= timedelta(0):
        return None
    return _(
        "Too many wrong passwords: this account is locked for {minutes} more minute(s)."
    ).format(minutes=math.ceil(left.total_seconds() / 60))


def _count_failure(user: User) -> None:
    now = now_utc()
    if user.first_failed_at is None or now - user.first_failed_at > LOCKOUT_WINDOW:
        user.first_failed_at, user.failed_logins = now, 0
    user.failed_logins += 1
    if user.failed_logins >= LOCKOUT_ATTEMPTS:
        user.locked_until = now + LOCKOUT_TIME
        user.first_failed_at, user.failed_logins = None, 0


def authenticate(session: Session, username: str, password: str) -> Actor | None:
    """The actor for a right user name and password, else None (never says which was wrong).

    A wrong password is counted (the caller commits it); the fifth within 15 minutes locks
    the account for 15 minutes, during which even the right password raises AccountLocked.
    """
    user = find_user(session, username)
    if user is None or not user.active:
        # Hash anyway so that a wrong user name takes as long as a wrong password.
        verify_secret(_dummy_hash(), password)
        return None
    locked = locked_message(session, username)
    if locked is not None:
        raise AccountLocked(locked)
    if not verify_secret(user.password_hash, password):
        _count_failure(user)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_secret(password)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    user.last_login_at = utcnow()
    return actor_for(user)


def verify_password(session: Session, actor: Actor, password: str) -> bool:
    """For unlocking an idle-locked window: the same person must type their password again."""
    user = session.get(User, actor.user_id)
    return user is not None and user.active and verify_secret(user.password_hash, password)


def change_password(
    session: Session, actor: Actor, current: str, new: str, repeat: str | None
) -> None:
    """The signed-in person's own password: the current one first, then the new one twice."""
    from app.services import audit  # imports this module

    audit.by(session, actor)
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise PermissionDenied(_("This sign-in no longer exists or was switched off."))
    if not verify_secret(user.password_hash, current):
        raise ValidationError(_("The current password is not correct."), field="current")
    check_new_password(new, repeat)
    if new == current:
        raise ValidationError(
            _("The new password must differ from the current one."), field="password"
        )
    user.password_hash = hash_secret(new)


def reset_password(
    session: Session,
    actor: Actor,
    new: str,
    repeat: str | None,
    *,
    user_id: int | None = None,
    staff_id: int | None = None,
) -> User:
    """The supervisor sets a new password for an account manager's sign-in (by user or by
    staff id) in their own branch; a lock from wrong passwords ends with it."""
    require_supervisor(actor)
    from app.services import audit  # imports this module

    audit.by(session, actor)
    if (user_id is None) == (staff_id is None):
        raise ValueError("give exactly one of user_id and staff_id")
    if user_id is not None:
        user = session.get(User, user_id)
    else:
        user = session.scalar(select(User).where(User.staff_id == staff_id))
    if user is None or user.branch_id != actor.branch_id:
        raise NotFound(_("This person has no sign-in."))
    if user.role != Role.MANAGER:
        # A supervisor's password is changed by its owner, who must know the current one.
        raise PermissionDenied(_("Only an account manager's password can be reset here."))
    check_new_password(new, repeat)
    user.password_hash = hash_secret(new)
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    return user


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    display_name: str,
    password: str,
    role: Role = Role.MANAGER,
    staff_id: int | None = None,
) -> User:
    """A sign-in account in the actor's branch; a manager's is linked to their Staff row."""
    require_supervisor(actor)
    from app.services import audit  # audit needs auth's Actor: imported late

    audit.by(session, actor)
    username = username.strip()
    if not username or any(c.isspace() for c in username):
        raise ValidationError(_("Enter a user name without spaces."), field="username")
    if find_user(session, username) is not None:
        raise ValidationError(
            _("The user name {name} is taken.").format(name=username), field="username"
        )
    check_new_password(password)
    if role == Role.MANAGER and staff_id is None:
        raise ValidationError(_("An account manager's sign-in must belong to a staff member."))
    if staff_id is not None:
        taken = session.scalar(select(User.username).where(User.staff_id == staff_id))
        if taken is not None:
            raise ValidationError(
                _("This person already signs in as {name}.").format(name=taken), field="username"
            )
    user = User(
        branch_id=actor.branch_id,
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_secret(password),
        role=Role(role).value,
        staff_id=staff_id,
    )
    session.add(user)
    session.flush()
    return user


def require_supervisor(actor: Actor) -> None:
    if not actor.sees_whole_branch:
        raise PermissionDenied(_("Only the supervisor may do this."))


def require_branch(actor: Actor, branch_id: int) -> None:
    if actor.branch_id != branch_id:
        raise PermissionDenied(_("This record belongs to another branch."))


def require_own_or_supervisor(actor: Actor, branch_id: int, staff_id: int | None) -> None:
    """A manager may only see records of their own Staff row; the supervisor sees the branch."""
    require_branch(actor, branch_id)
    if actor.sees_whole_branch:
        return
    if staff_id is None or staff_id != actor.staff_id:
        raise PermissionDenied(_("An account manager can only see their own records."))


@cache
def _dummy_hash() -> str:
    return hash_secret("branchdesk-timing-equaliser")
