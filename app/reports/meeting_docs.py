"""What the meeting PDFs print: plain, frozen input records filled by the meeting services.

The renderers (`signin_sheet.render_signin_sheet`, `minutes_pdf.render_minutes`) take
these and return PDF bytes; nothing here knows about the store or Qt. Texts arrive
already in the user's words (names, kind labels, statuses); the renderers translate
only their own labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SignInRow:
    """One line of a sign-in sheet. `arrival` is shown as given (e.g. "08:27")."""

    name: str
    arrival: str = ""
    signature_png: bytes | None = None
    note: str = ""


@dataclass(frozen=True)
class SignInSheet:
    """会议签到表: blank for printing before the meeting, or filled in after it.

    With `filled=False` the arrival and signature boxes print empty whatever the rows
    hold, so the same rows (the expected attendees) serve both uses; notes always print
    (e.g. an excused absence known beforehand).
    """

    branch: str
    kind_label: str
    date: dt.date
    start: str
    end: str
    place: str
    host: str
    rows: list[SignInRow]
    filled: bool = False
    title: str = ""  # the meeting's own title, printed under the sheet title when given


@dataclass(frozen=True)
class AttendanceCounts:
    """应到 / 实到 / 迟到 / 请假 / 缺席, as the attendance service counted them."""

    expected: int
    present: int
    late: int
    excused: int
    absent: int


@dataclass(frozen=True)
class MinutesSection:
    """One agenda item: its title, free paragraphs, then bullet points."""

    title: str
    paragraphs: list[str]
    bullets: list[str]


@dataclass(frozen=True)
class ActionItemLine:
    text: str
    owner: str
    due: dt.date | None
    status: str


@dataclass(frozen=True)
class SignatureLine:
    """A signer of the minutes (主持人, 记录人, ...); `png=None` leaves a box to sign by pen."""

    role: str
    name: str
    png: bytes | None


@dataclass(frozen=True)
class MinutesDoc:
    """会议纪要. `fingerprint` is the SHA-256 hex of the finalized content (empty for drafts
    not yet finalized); it prints in the footer and goes into the PDF metadata."""

    branch: str
    kind_label: str
    title: str
    date: dt.date
    start: str
    end: str
    place: str
    host: str
    minute_taker: str
    counts: AttendanceCounts
    attendees: list[str]
    absentees: list[tuple[str, str]]  # (name, reason)
    sections: list[MinutesSection]
    decisions: list[str]
    action_items: list[ActionItemLine]
    signatures: list[SignatureLine]
    revision: int = 1
    amendment_reason: str = ""
    fingerprint: str = ""
    draft: bool = False
