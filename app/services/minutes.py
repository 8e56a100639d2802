"""Minutes (会议纪要): drafts, action items, finalize and amend, the PDFs and their check.

Finalizing freezes everything the minutes say (header, roll call, content, decisions,
action items, who signed) into a revision whose SHA-256 fingerprint prints in the PDF
footer. An amendment makes the next revision with a reason; earlier ones stay readable.
`verify_pdf` tells whether a PDF is an untouched copy of a finalized revision.
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import i18n
from app.i18n import _
from app.models import ActionItem, Branch, Meeting, MinutesRevision, Staff
from app.models import MeetingAttachment as Attachment
from app.reports.meeting_docs import (
    ActionItemLine,
    AttendanceCounts,
    MinutesDoc,
    MinutesSection,
    SignatureLine,
    SignInRow,
    SignInSheet,
)
from app.services import meetings, rollcall, settings
from app.services.auth import Actor, require_supervisor
from app.services.clock import now_utc
from app.services.errors import NotFound, ServiceError, ValidationError
from app.services.meetings import MeetingKind, MeetingStatus
from app.services.rollcall import AttendanceStatus, SignerRole

BULLET_PREFIXES = ("- ", "* ", "• ", "· ")


@dataclass
class DraftSection:
    title: str
    text: str = ""


@dataclass
class MinutesDraft:
    sections: list[DraftSection] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    amendment_reason: str = ""


def _time(t: Any) -> str:
    return t.strftime("%H:%M") if t else ""


def load_draft(session: Session, actor: Actor, meeting_id: int) -> MinutesDraft:
    """The minutes being written; a fresh one starts from the kind's agenda template."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    if meeting.draft_json:
        raw = json.loads(meeting.draft_json)
        return MinutesDraft(
            [DraftSection(**s) for s in raw.get("sections", [])],
            list(raw.get("decisions", [])),
            raw.get("amendment_reason", ""),
        )
    titles = meetings.agenda_sections(session, actor.branch_id, meeting.kind)
    return MinutesDraft([DraftSection(t) for t in titles])


def save_draft(session: Session, actor: Actor, meeting_id: int, draft: MinutesDraft) -> None:
    """Called by the editor's autosave; refused once the meeting is finalized."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    meetings.require_editable(meeting)
    meeting.draft_json = json.dumps(asdict(draft), ensure_ascii=False)
    meeting.draft_saved_at = now_utc()


# --- action items ---------------------------------------------------------------------


class ItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class ActionItemInfo:
    id: int
    meeting_id: int
    meeting_day: date
    text: str
    owner_staff_id: int | None
    owner: str
    due: date | None
    done: bool

    def status(self, on: date) -> ItemStatus:
        if self.done:
            return ItemStatus.DONE
        return ItemStatus.OVERDUE if self.due and self.due < on else ItemStatus.OPEN

    def status_text(self, on: date) -> str:
        return {
            ItemStatus.OPEN: _("Open"),
            ItemStatus.DONE: _("Done"),
            ItemStatus.OVERDUE: _("Overdue"),
        }[self.status(on)]


def _item(session: Session, item: ActionItem, day: date) -> ActionItemInfo:
    owner = session.get(Staff, item.owner_staff_id) if item.owner_staff_id else None
    return ActionItemInfo(
        item.id,
        item.meeting_id,
        day,
        item.text,
        item.owner_staff_id,
        owner.name if owner else "",
        item.due,
        item.done_at is not None,
    )


def add_action_item(
    session: Session,
    actor: Actor,
    meeting_id: int,
    text: str,
    owner_staff_id: int | None = None,
    due: date | None = None,
) -> ActionItemInfo:
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    meetings.require_editable(meeting)
    if not text.strip():
        raise ValidationError(_("Describe the action item."), field="text")
    if owner_staff_id is not None:
        owner = session.get(Staff, owner_staff_id)
        if owner is None or owner.branch_id != actor.branch_id:
            raise NotFound(_("No such staff member."))
    item = ActionItem(
        branch_id=actor.branch_id,
        meeting_id=meeting_id,
        text=text.strip(),
        owner_staff_id=owner_staff_id,
        due=due,
    )
    session.add(item)
    session.flush()
    return _item(session, item, meeting.day)


def remove_action_item(session: Session, actor: Actor, item_id: int) -> None:
    require_supervisor(actor)
    item = _get_item(session, actor, item_id)
    meetings.require_editable(meetings.get(session, actor, item.meeting_id))
    session.delete(item)


def set_done(
    session: Session, actor: Actor, item_id: int, done: bool, in_meeting_id: int | None = None
) -> None:
    """Tick an item off (usually in a later meeting, which records where it was closed)."""
    require_supervisor(actor)
    item = _get_item(session, actor, item_id)
    if in_meeting_id is not None:
        # Ticked off in a meeting whose minutes are locked: that goes through an amendment.
        meetings.require_editable(meetings.get(session, actor, in_meeting_id))
    item.done_at = now_utc() if done else None
    item.done_in_meeting_id = in_meeting_id if done else None


def _get_item(session: Session, actor: Actor, item_id: int) -> ActionItem:
    item = session.get(ActionItem, item_id)
    if item is None or item.branch_id != actor.branch_id:
        raise NotFound(_("No such action item."))
    return item


def action_items(session: Session, actor: Actor, meeting_id: int) -> list[ActionItemInfo]:
    """The items decided in this meeting."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    rows = session.scalars(
        select(ActionItem).where(ActionItem.meeting_id == meeting_id).order_by(ActionItem.id)
    )
    return [_item(session, i, meeting.day) for i in rows]


def carried_over(session: Session, actor: Actor, meeting_id: int) -> list[ActionItemInfo]:
    """Open items from earlier meetings: they stay on every next agenda until done
    (and the ones ticked off in this very meeting, so its minutes can say so)."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    query = (
        select(ActionItem, Meeting.day)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(
            ActionItem.branch_id == actor.branch_id,
            Meeting.status != MeetingStatus.CANCELLED,
            (Meeting.day < meeting.day)
            | ((Meeting.day == meeting.day) & (Meeting.start_time < meeting.start_time)),
            ActionItem.done_at.is_(None) | (ActionItem.done_in_meeting_id == meeting_id),
        )
        .order_by(Meeting.day, ActionItem.id)
    )
    return [_item(session, item, day) for item, day in session.execute(query)]


# --- finalize and amend ---------------------------------------------------------------


def finalize_problems(session: Session, actor: Actor, meeting_id: int) -> list[str]:
    """What stops this meeting from being finalized, in words for the supervisor."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    problems = []
    if meeting.status == MeetingStatus.FINALIZED:
        return [_("This meeting is already finalized.")]
    if meeting.status == MeetingStatus.CANCELLED:
        return [_("This meeting was cancelled.")]
    if not meetings.host_of(session, meeting):
        problems.append(_("Name the host."))
    needs_taker = MeetingKind(meeting.kind) in meetings.NEEDS_MINUTE_TAKER
    if needs_taker and meeting.minute_taker_staff_id is None:
        problems.append(_("Name the minute-taker (weekly and monthly meetings need one)."))
    call = rollcall.roll_call(session, actor, meeting_id)
    unmarked = [r.name for r in call.rows if r.status is None]
    if unmarked:
        problems.append(
            _("The roll call is not complete: {names}.").format(names=_("、").join(unmarked))
        )
    if settings.get(session, actor.branch_id, "meeting_signatures_required"):
        signed = {(s.role, s.staff_id) for s in rollcall.signatures(session, actor, meeting_id)}
        has_scan = session.scalar(
            select(Attachment.id).where(
                Attachment.meeting_id == meeting_id, Attachment.kind == "signin_scan"
            )
        )
        if not has_scan:
            missing = [
                r.name
                for r in call.rows
                if r.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) and not r.signed
            ]
            if missing:
                problems.append(
                    _("Not signed in yet: {names} (or attach the scanned paper sheet).").format(
                        names=_("、").join(missing)
                    )
                )
        if not any(role == SignerRole.HOST for role, _id in signed):
            problems.append(_("The host has not signed the minutes."))
        if needs_taker and not any(role == SignerRole.MINUTE_TAKER for role, _id in signed):
            problems.append(_("The minute-taker has not signed the minutes."))
    return problems


@dataclass(frozen=True)
class RevisionInfo:
    revision: int
    fingerprint: str
    reason: str
    finalized_at: Any
    pdf_sha256: str


def finalize(session: Session, actor: Actor, meeting_id: int) -> RevisionInfo:
    """Check, freeze and lock the minutes; the PDF's hash is kept for `verify_pdf`."""
    problems = finalize_problems(session, actor, meeting_id)
    if problems:
        raise ServiceError(
            _("The meeting cannot be finalized yet:") + "\n" + "\n".join(f"• {p}" for p in problems)
        )
    meeting = meetings.get(session, actor, meeting_id)
    draft = load_draft(session, actor, meeting_id)
    revision = meeting.revision + 1
    if revision > 1 and not draft.amendment_reason.strip():
        raise ValidationError(_("Give the reason for the amendment."), field="reason")
    content = _content(session, actor, meeting, draft, revision)
    fingerprint = fingerprint_of(content)
    pdf = _render(content, fingerprint)
    row = MinutesRevision(
        branch_id=actor.branch_id,
        meeting_id=meeting_id,
        revision=revision,
        content_json=_canonical(content),
        fingerprint=fingerprint,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        reason=draft.amendment_reason.strip(),
        finalized_by=actor.user_id,
        finalized_at=now_utc(),
    )
    session.add(row)
    meeting.revision = revision
    meeting.status = MeetingStatus.FINALIZED.value
    meeting.finalized_at = row.finalized_at
    session.flush()
    return RevisionInfo(revision, fingerprint, row.reason, row.finalized_at, row.pdf_sha256)


def amend(session: Session, actor: Actor, meeting_id: int, reason: str) -> None:
    """Reopen finalized minutes for the next revision; finalize again to lock it."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    if meeting.status != MeetingStatus.FINALIZED:
        raise ServiceError(_("Only finalized minutes can be amended."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the amendment."), field="reason")
    draft = load_draft(session, actor, meeting_id)
    draft.amendment_reason = reason.strip()
    meeting.status = MeetingStatus.AMENDING.value
    save_draft(session, actor, meeting_id, draft)


def revisions(session: Session, actor: Actor, meeting_id: int) -> list[RevisionInfo]:
    require_supervisor(actor)
    meetings.get(session, actor, meeting_id)
    rows = session.scalars(
        select(MinutesRevision)
        .where(MinutesRevision.meeting_id == meeting_id)
        .order_by(MinutesRevision.revision)
    )
    return [
        RevisionInfo(r.revision, r.fingerprint, r.reason, r.finalized_at, r.pdf_sha256)
        for r in rows
    ]


# --- the frozen content and the documents made from it -------------------------------


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint_of(content: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()


def _content(
    session: Session, actor: Actor, meeting: Meeting, draft: MinutesDraft, revision: int
) -> dict[str, Any]:
    branch = session.get(Branch, actor.branch_id)
    call = rollcall.roll_call(session, actor, meeting.id)
    sigs = rollcall.signatures(session, actor, meeting.id)
    taker = (
        session.get(Staff, meeting.minute_taker_staff_id) if meeting.minute_taker_staff_id else None
    )
    items = action_items(session, actor, meeting.id) + carried_over(session, actor, meeting.id)
    return {
        "format": 1,
        "branch": branch.name if branch else "",
        "kind": meeting.kind,
        "kind_label": meetings.kind_label(meeting.kind),
        "title": meeting.title or meetings.kind_label(meeting.kind),
        "date": meeting.day.isoformat(),
        "start": _time(meeting.start_time),
        "end": _time(meeting.end_time),
        "place": meeting.place,
        "host": meetings.host_of(session, meeting),
        "minute_taker": taker.name if taker else "",
        "counts": asdict(call.counts),
        "roll_call": [
            {
                "employee_no": r.employee_no,
                "name": r.name,
                "status": r.status,
                "status_text": r.status_text,
                "arrival": _time(r.arrival),
                "note": r.note or (r.notice.reason if r.notice else ""),
            }
            for r in call.rows
        ],
        "sections": [asdict(s) for s in draft.sections],
        "decisions": [d for d in draft.decisions if d.strip()],
        "action_items": [
            {
                "text": i.text,
                "owner": i.owner,
                "due": i.due.isoformat() if i.due else None,
                "status": i.status_text(meeting.day),
            }
            for i in items
        ],
        "signatures": [
            {
                "role": s.role,
                "name": s.name,
                "sha256": s.sha256,
                # Host and minute-taker signatures print on the minutes, so they are kept;
                # attendees' are on the sign-in sheet and only their hashes are sealed here.
                "png": base64.b64encode(s.png).decode() if s.role != SignerRole.ATTENDEE else "",
            }
            for s in sigs
        ],
        # Attachments are sealed by their hashes: the fingerprint covers them too.
        "attachments": [
            {"filename": a.filename, "kind": a.kind, "sha256": hashlib.sha256(a.data).hexdigest()}
            for a in session.scalars(
                select(Attachment)
                .where(Attachment.meeting_id == meeting.id)
                .order_by(Attachment.id)
            )
        ],
        "revision": revision,
        "amendment_reason": draft.amendment_reason.strip() if revision > 1 else "",
        # Reprints use the language the minutes were finalized in, so that every copy of a
        # revision is the same file byte for byte whatever language the UI has since.
        "lang": i18n.current_language(),
    }


def _sections(raw: list[dict[str, str]]) -> list[MinutesSection]:
    result = []
    for s in raw:
        paragraphs, bullets = [], []
        for line in s.get("text", "").splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith(BULLET_PREFIXES):
                bullets.append(line[2:].strip())
            else:
                paragraphs.append(line)
        result.append(MinutesSection(s["title"], paragraphs, bullets))
    return result


def _doc(content: dict[str, Any], fingerprint: str, draft: bool) -> MinutesDoc:
    roll = content["roll_call"]
    attended = {AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value}
    role_labels = {
        SignerRole.HOST.value: _("Host"),
        SignerRole.MINUTE_TAKER.value: _("Minute-taker"),
    }
    signers = [
        SignatureLine(role_labels[s["role"]], s["name"], base64.b64decode(s["png"]))
        for s in content["signatures"]
        if s["role"] in role_labels
    ]
    for role, name in (("host", content["host"]), ("minute_taker", content["minute_taker"])):
        if name and not any(s["role"] == role for s in content["signatures"]):
            signers.append(SignatureLine(role_labels[role], name, None))
    return MinutesDoc(
        branch=content["branch"],
        kind_label=content["kind_label"],
        title=content["title"],
        date=date.fromisoformat(content["date"]),
        start=content["start"],
        end=content["end"],
        place=content["place"],
        host=content["host"],
        minute_taker=content["minute_taker"],
        counts=AttendanceCounts(**content["counts"]),
        attendees=[r["name"] for r in roll if r["status"] in attended],
        absentees=[
            (r["name"], r["status_text"] + (f"（{r['note']}）" if r["note"] else ""))
            for r in roll
            if r["status"] not in attended
        ],
        sections=_sections(content["sections"]),
        decisions=content["decisions"],
        action_items=[
            ActionItemLine(
                i["text"],
                i["owner"],
                date.fromisoformat(i["due"]) if i["due"] else None,
                i["status"],
            )
            for i in content["action_items"]
        ],
        signatures=signers,
        revision=content["revision"],
        amendment_reason=content["amendment_reason"],
        fingerprint=fingerprint,
        draft=draft,
    )


def _render(content: dict[str, Any], fingerprint: str, draft: bool = False) -> bytes:
    from app.reports.minutes_pdf import render_minutes

    with i18n.using(content.get("lang")):
        return render_minutes(_doc(content, fingerprint, draft))


def minutes_pdf(
    session: Session, actor: Actor, meeting_id: int, revision: int | None = None
) -> bytes:
    """The minutes as PDF: a finalized revision (default: the latest), or the draft
    (watermarked 草稿) while the meeting is not finalized."""
    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    if revision is None and meeting.status != MeetingStatus.FINALIZED:
        draft = load_draft(session, actor, meeting_id)
        content = _content(session, actor, meeting, draft, meeting.revision + 1)
        return _render(content, "", draft=True)
    query = select(MinutesRevision).where(MinutesRevision.meeting_id == meeting_id)
    if revision is not None:
        query = query.where(MinutesRevision.revision == revision)
    row = session.scalar(query.order_by(MinutesRevision.revision.desc()).limit(1))
    if row is None:
        raise NotFound(_("This meeting has no finalized minutes yet."))
    return _render(json.loads(row.content_json), row.fingerprint)


def signin_sheet_pdf(session: Session, actor: Actor, meeting_id: int, filled: bool) -> bytes:
    """会议签到表: blank to print before the meeting, or with arrivals and signatures."""
    from app.reports.signin_sheet import render_signin_sheet

    require_supervisor(actor)
    meeting = meetings.get(session, actor, meeting_id)
    branch = session.get(Branch, actor.branch_id)
    call = rollcall.roll_call(session, actor, meeting_id)
    pngs = {
        s.staff_id: s.png
        for s in rollcall.signatures(session, actor, meeting_id)
        if s.role == SignerRole.ATTENDEE
    }
    rows = []
    for r in call.rows:
        note = ""
        if r.notice is not None:
            note = r.notice.reason
        if filled and r.status and r.status not in (AttendanceStatus.PRESENT,):
            note = r.status_text + (f"：{note}" if note else "")
        rows.append(SignInRow(r.name, _time(r.arrival), pngs.get(r.staff_id), note))
    sheet = SignInSheet(
        branch=branch.name if branch else "",
        kind_label=meetings.kind_label(meeting.kind),
        date=meeting.day,
        start=_time(meeting.start_time),
        end=_time(meeting.end_time),
        place=meeting.place,
        host=meetings.host_of(session, meeting),
        rows=rows,
        filled=filled,
        title=meeting.title,
    )
    return render_signin_sheet(sheet)


# --- verify ---------------------------------------------------------------------------


class Verdict(StrEnum):
    MATCH = "match"
    ALTERED = "altered"
    UNKNOWN = "unknown"
    NOT_PDF = "not_pdf"


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    meeting_id: int | None = None
    revision: int | None = None
    fingerprint: str | None = None

    def message(self) -> str:
        if self.verdict is Verdict.MATCH:
            return _(
                "Match: this PDF is an untouched copy of revision {rev} of the minutes."
            ).format(rev=self.revision)
        if self.verdict is Verdict.ALTERED:
            return _(
                "Altered: the PDF names finalized minutes (revision {rev}) but its content "
                "differs from them."
            ).format(rev=self.revision)
        if self.verdict is Verdict.NOT_PDF:
            return _("This file is not a PDF.")
        return _("Unknown: this PDF is not minutes finalized in this store.")


def verify_pdf(session: Session, actor: Actor, data: bytes) -> Verification:
    """Match only when the file is byte for byte a PDF this store produced for a revision."""
    from app.reports.minutes_pdf import find_fingerprint

    if not data.startswith(b"%PDF-"):
        return Verification(Verdict.NOT_PDF)
    fingerprint = find_fingerprint(data)
    if not fingerprint:
        return Verification(Verdict.UNKNOWN)
    row = session.scalar(
        select(MinutesRevision).where(
            MinutesRevision.fingerprint == fingerprint,
            MinutesRevision.branch_id == actor.branch_id,
        )
    )
    if row is None:
        return Verification(Verdict.UNKNOWN, fingerprint=fingerprint)
    digest = hashlib.sha256(data).hexdigest()
    if (
        digest == row.pdf_sha256
        or digest
        == hashlib.sha256(_render(json.loads(row.content_json), row.fingerprint)).hexdigest()
    ):
        return Verification(Verdict.MATCH, row.meeting_id, row.revision, fingerprint)
    return Verification(Verdict.ALTERED, row.meeting_id, row.revision, fingerprint)


# --- evidence: a scanned paper sign-in sheet ------------------------------------------

SCAN_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
MAX_SCAN_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    content_type: str
    size: int
    kind: str = "signin_scan"  # or "attachment": any file kept with the minutes


def attach_scan(
    session: Session, actor: Actor, meeting_id: int, filename: str, data: bytes
) -> AttachmentInfo:
    """Keep a scanned paper sign-in sheet (PDF, PNG or JPEG) as the meeting's evidence."""
    require_supervisor(actor)
    meetings.require_editable(meetings.get(session, actor, meeting_id))
    content_type = next((t for magic, t in SCAN_TYPES.items() if data.startswith(magic)), None)
    if content_type is None:
        raise ValidationError(
            _("{file} is not a PDF, PNG or JPEG file.").format(file=filename), field="file"
        )
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(_("{file} is larger than 20 MB.").format(file=filename), field="file")
    row = Attachment(
        branch_id=actor.branch_id,
        meeting_id=meeting_id,
        kind="signin_scan",
        filename=filename,
        content_type=content_type,
        data=data,
    )
    session.add(row)
    session.flush()
    return AttachmentInfo(row.id, filename, content_type, len(data))


def attach_file(
    session: Session, actor: Actor, meeting_id: int, filename: str, data: bytes
) -> AttachmentInfo:
    """Any document that belongs to the minutes (a handout, a photo of the whiteboard)."""
    require_supervisor(actor)
    meetings.require_editable(meetings.get(session, actor, meeting_id))
    if not data:
        raise ValidationError(_("{file} is empty.").format(file=filename), field="file")
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(_("{file} is larger than 20 MB.").format(file=filename), field="file")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    row = Attachment(
        branch_id=actor.branch_id,
        meeting_id=meeting_id,
        kind="attachment",
        filename=filename,
        content_type=content_type,
        data=data,
    )
    session.add(row)
    session.flush()
    return AttachmentInfo(row.id, filename, content_type, len(data), "attachment")


def remove_attachment(session: Session, actor: Actor, attachment_id: int) -> None:
    require_supervisor(actor)
    row = session.get(Attachment, attachment_id)
    if row is None or row.branch_id != actor.branch_id:
        raise NotFound(_("No such attachment."))
    meetings.require_editable(meetings.get(session, actor, row.meeting_id))
    session.delete(row)


def attachments(
    session: Session, actor: Actor, meeting_id: int, kind: str | None = None
) -> list[AttachmentInfo]:
    require_supervisor(actor)
    meetings.get(session, actor, meeting_id)
    query = select(Attachment).where(Attachment.meeting_id == meeting_id)
    if kind is not None:
        query = query.where(Attachment.kind == kind)
    rows = session.scalars(query.order_by(Attachment.id))
    return [AttachmentInfo(r.id, r.filename, r.content_type, len(r.data), r.kind) for r in rows]


def attachment_data(session: Session, actor: Actor, attachment_id: int) -> bytes:
    require_supervisor(actor)
    row = session.get(Attachment, attachment_id)
    if row is None or row.branch_id != actor.branch_id:
        raise NotFound(_("No such attachment."))
    return row.data
