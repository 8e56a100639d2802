"""The domain's invariants, checked over the whole store by `branchdesk check` (issue 6).

Each finding is a sentence for the user. SQLite's own checks (integrity_check,
foreign_key_check) live in app/db.py; this module checks what only the rules know, e.g.
that finalized minutes still hash to the fingerprint printed on their PDF, so an edit made
behind the app's back (the sqlite3 shell, a hex editor) shows up.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Store, sqlite_problems
from app.i18n import _
from app.models import Meeting, MinutesRevision, WeeklySummary
from app.services import audit
from app.services.minutes import fingerprint_of
from app.services.weekly import is_late, week_label


def check_store(store: Store) -> list[str]:
    """Everything `branchdesk check` and File → Check data report (empty: all good)."""
    problems = sqlite_problems(store)
    with store.reading() as session:
        problems += domain_problems(session)
        problems += audit.problems(session)
    return problems


def domain_problems(session: Session) -> list[str]:
    problems: list[str] = []
    revised: set[int] = set()
    for rev in session.scalars(select(MinutesRevision).order_by(MinutesRevision.id)):
        revised.add(rev.meeting_id)
        try:
            intact = fingerprint_of(json.loads(rev.content_json)) == rev.fingerprint
        except ValueError:
            intact = False
        if not intact:
            problems.append(
                _(
                    "Meeting {id}, minutes revision {revision}: the content no longer matches "
                    "its fingerprint (changed outside the app)."
                ).format(id=rev.meeting_id, revision=rev.revision)
            )
    for meeting_id, day in session.execute(
        select(Meeting.id, Meeting.day).where(Meeting.finalized_at.is_not(None))
    ):
        if meeting_id not in revised:
            problems.append(
                _("Meeting {id} ({day}) is finalized but has no frozen minutes.").format(
                    id=meeting_id, day=day.isoformat()
                )
            )
    for summary in session.scalars(
        select(WeeklySummary).where(
            WeeklySummary.submitted_at.is_not(None), WeeklySummary.deadline_at.is_not(None)
        )
    ):
        assert summary.submitted_at is not None and summary.deadline_at is not None
        if is_late(summary.submitted_at, summary.deadline_at) != summary.late:
            problems.append(
                _(
                    "Weekly summary {id} ({week}): its late mark does not match its submission "
                    "time (changed outside the app)."
                ).format(id=summary.id, week=week_label(summary.week_start))
            )
    return problems
