"""会议纪要: the minutes of a meeting as an A4 PDF, and the fingerprint a verifier reads back.

A finalized revision carries the SHA-256 fingerprint of its frozen content twice: printed
in every page footer (for a reader holding paper) and in the PDF Info dictionary as
`branchdesk-minutes-sha256:<hex>` (for `find_fingerprint`, which reads raw bytes:
reportlab never compresses the Info dictionary). Rendering is deterministic, so the app
can prove a PDF untouched by rendering the stored content again and comparing bytes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.reports import pdf_layout as layout
from app.reports.meeting_docs import ActionItemLine, MinutesDoc, MinutesSection, SignatureLine

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

MM = layout.MM
KEYWORD_PREFIX = "branchdesk-minutes-sha256:"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KEYWORD_RE = re.compile(re.escape(KEYWORD_PREFIX.encode()) + rb"([0-9a-f]{64})")
MARGINS = layout.Margins(left=20 * MM, right=20 * MM, top=20 * MM, bottom=20 * MM)
CONTENT_WIDTH = layout.PAGE_WIDTH - MARGINS.left - MARGINS.right  # 170 mm
INFO_WIDTHS = (22 * MM, 63 * MM, 22 * MM, 63 * MM)
NAME_COLUMNS = 7  # attendees print as a grid: a name is never broken across lines
ACTION_WIDTHS = (10 * MM, 80 * MM, 25 * MM, 25 * MM, 30 * MM)
SIGNATURE_WIDTHS = (35 * MM, 45 * MM, 90 * MM)
SIGNATURE_ROW_HEIGHT = 18 * MM
PAD = 1.5 * MM
CELL_SIZE = 9.5  # as the "cell" paragraph style


def render_minutes(doc: MinutesDoc) -> bytes:
    """The minutes as PDF bytes; the same document always gives the same bytes.

    Raises ValueError if `doc.fingerprint` is given but is not a SHA-256 hex digest.
    """
    fingerprint = _checked_fingerprint(doc.fingerprint)
    story: list[Flowable] = [layout.para(_("Meeting minutes"), "title")]
    if doc.title:
        story.append(layout.para(doc.title, "subtitle"))
    if doc.revision > 1:
        story.append(layout.para(_revision_text(doc), "notice"))
    story += [_spacer(3 * MM), _info_table(doc)]
    story += _discussion(doc.sections)
    story += _decisions(doc.decisions)
    story += _action_items(doc.action_items)
    story += _signatures(doc.signatures)

    minutes = _("Meeting minutes")
    # A draft says so in words too: the watermark may not survive a photocopy.
    header_right = _("Meeting minutes (draft)") if doc.draft else minutes
    furniture = layout.Furniture(
        header_left=f"{doc.branch} · {doc.title or doc.kind_label}",
        header_right=f"{header_right} · {layout.format_date(doc.date)}",
        footer_left=(
            _("Fingerprint SHA-256: {fingerprint}").format(fingerprint=fingerprint)
            if fingerprint
            else ""
        ),
        watermark=_("Draft") if doc.draft else "",
    )
    return layout.build_pdf(
        story,
        furniture,
        title=f"{minutes} {doc.branch} {doc.title or doc.kind_label} {doc.date.isoformat()}",
        subject=doc.kind_label,
        author=doc.minute_taker,
        keywords=KEYWORD_PREFIX + fingerprint if fingerprint else "",
        margins=MARGINS,
    )


def find_fingerprint(pdf_bytes: bytes) -> str | None:
    """The content fingerprint `render_minutes` put into a PDF's metadata, if any.

    The last one wins: an incremental update appends a newer Info dictionary.
    """
    found = _KEYWORD_RE.findall(pdf_bytes)
    return found[-1].decode("ascii") if found else None


def _checked_fingerprint(fingerprint: str) -> str:
    fingerprint = fingerprint.strip().lower()
    if fingerprint and not _HEX64.fullmatch(fingerprint):
        raise ValueError(f"not a SHA-256 hex digest: {fingerprint!r}")
    return fingerprint


def _revision_text(doc: MinutesDoc) -> str:
    if doc.amendment_reason:
        return _("Revision {revision}, reason for amendment: {reason}").format(
            revision=doc.revision, reason=doc.amendment_reason
        )
    return _("Revision {revision}").format(revision=doc.revision)


def _spacer(height: float) -> Flowable:
    from reportlab.platypus import Spacer

    return Spacer(1, height)


def _cell(text: str, width: float, style: str = "cell") -> Any:
    """Plain text where it fits on one line (a Paragraph costs ten times more), else wrapped.

    The table's style gives plain cells their font, size and alignment.
    """
    if "\n" not in text and layout.fit_font_size(text, width - 2 * PAD, CELL_SIZE, CELL_SIZE):
        return text
    return layout.para(text, style)


def _info_table(doc: MinutesDoc) -> Flowable:
    from reportlab.platypus import Table, TableStyle

    c = doc.counts
    counts = _(
        "Expected {expected}, present {present}, late {late}, excused {excused}, absent {absent}"
    ).format(
        expected=c.expected, present=c.present, late=c.late, excused=c.excused, absent=c.absent
    )
    label_w, value_w, wide = INFO_WIDTHS[0], INFO_WIDTHS[1], sum(INFO_WIDTHS[1:])

    def pair(label: str, value: str) -> list[Any]:
        return [_cell(label, label_w), _cell(value, value_w)]

    absentees: Any = (
        [
            layout.para(layout.labelled(name, reason) if reason else name, "cell")
            for name, reason in doc.absentees
        ]
        if doc.absentees
        else _("None")
    )
    revision = _("Revision {revision}").format(revision=doc.revision)
    data: list[list[Any]] = [
        pair(_("Branch"), doc.branch) + pair(_("Meeting type"), doc.kind_label),
        pair(_("Date"), layout.format_date(doc.date))
        + pair(_("Time"), layout.format_time_range(doc.start, doc.end)),
        pair(_("Place"), doc.place) + pair(_("Host"), doc.host),
        pair(_("Minute-taker"), doc.minute_taker) + pair(_("Revision"), revision),
        [_cell(_("Attendance summary"), label_w), _cell(counts, wide), "", ""],
        [_cell(_("Attendees"), label_w), _names_grid(doc.attendees), "", ""],
        [_cell(_("Not present"), label_w), absentees, "", ""],
    ]
    table = Table(data, colWidths=INFO_WIDTHS)
    grey = layout.GRID_COLOR
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), layout.font_name(), CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.5, grey),
        ("BOX", (0, 0), (-1, -1), 1.0, grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
        ("BACKGROUND", (0, 0), (0, -1), layout.SHADE_COLOR),
        ("BACKGROUND", (2, 0), (2, 3), layout.SHADE_COLOR),
    ]
    for row in range(4, len(data)):
        style.append(("SPAN", (1, row), (3, row)))
    table.setStyle(TableStyle(style))
    return table


def _names_grid(names: list[str]) -> Flowable:
    """Attendees in columns, each name whole on one line (shrunk if it must)."""
    from reportlab.platypus import Table, TableStyle

    if not names:
        return _("None")
    width = (sum(INFO_WIDTHS[1:]) - 2 * PAD) / NAME_COLUMNS
    size = layout.style("cell").fontSize
    rows: list[list[Any]] = []
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), layout.font_name(), size),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1 * MM),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6 * MM),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6 * MM),
    ]
    for i, name in enumerate(names):
        r, col = divmod(i, NAME_COLUMNS)
        if col == 0:
            rows.append([""] * NAME_COLUMNS)
        fitted = layout.fit_font_size(name, width - 1 * MM, size, 6.0)
        if fitted is None:
            rows[r][col] = layout.para(name, "cell")
        else:
            rows[r][col] = name
            if fitted != size:
                style.append(("FONTSIZE", (col, r), (col, r), fitted))
    table = Table(rows, colWidths=[width] * NAME_COLUMNS, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


def _discussion(sections: list[MinutesSection]) -> list[Flowable]:
    story: list[Flowable] = [layout.para(_("Meeting content"), "h2")]
    if not sections:
        return [*story, layout.para(_("None"))]
    for number, section in enumerate(sections, start=1):
        story.append(layout.para(f"{number}. {section.title}", "h3"))
        story += [layout.para(text, "indented") for text in section.paragraphs]
        story += [layout.para(text, "bullet", bulletText="•") for text in section.bullets]
    return story


def _decisions(decisions: list[str]) -> list[Flowable]:
    story: list[Flowable] = [layout.para(_("Decisions"), "h2")]
    if not decisions:
        return [*story, layout.para(_("None"))]
    return story + [
        layout.para(text, "numbered", bulletText=f"{number}.")
        for number, text in enumerate(decisions, start=1)
    ]


def _action_items(items: list[ActionItemLine]) -> list[Flowable]:
    from reportlab.platypus import Table, TableStyle

    heading = layout.para(_("Action items"), "h2")
    if not items:
        return [heading, layout.para(_("None"))]
    header = [_("No."), _("Item"), _("Owner"), _("Due"), _("Status")]
    w = ACTION_WIDTHS
    data: list[list[Any]] = [
        [_cell(text, width, "cell_center") for text, width in zip(header, w, strict=True)]
    ]
    for number, item in enumerate(items, start=1):
        data.append(
            [
                _cell(str(number), w[0], "cell_center"),
                _cell(item.text, w[1]),
                _cell(item.owner, w[2]),
                _cell(layout.format_short_date(item.due), w[3], "cell_center"),
                _cell(item.status, w[4]),
            ]
        )
    table = Table(data, colWidths=ACTION_WIDTHS, repeatRows=1)
    centered = [("ALIGN", (col, 1), (col, -1), "CENTER") for col in (0, 3)]
    table.setStyle(TableStyle(_grid_style() + centered))
    return [heading, table]


def _signatures(signatures: list[SignatureLine]) -> list[Flowable]:
    from reportlab.platypus import KeepTogether, Table, TableStyle

    if not signatures:
        return []
    box_w = SIGNATURE_WIDTHS[2] - 2 * PAD
    box_h = SIGNATURE_ROW_HEIGHT - 2 * PAD
    header = [_("Role"), _("Name"), _("Signature")]
    w = SIGNATURE_WIDTHS
    data: list[list[Any]] = [
        [_cell(text, width, "cell_center") for text, width in zip(header, w, strict=True)]
    ]
    for line in signatures:
        image: Any = ""
        if line.png:
            image = layout.signature_image(line.png, box_w, box_h) or _cell(
                _("(signature unreadable)"), w[2], "cell_center"
            )
        data.append([_cell(line.role, w[0]), _cell(line.name, w[1]), image])
    table = Table(
        data,
        colWidths=SIGNATURE_WIDTHS,
        rowHeights=[None] + [SIGNATURE_ROW_HEIGHT] * len(signatures),
    )
    table.setStyle(TableStyle([*_grid_style(), ("ALIGN", (2, 1), (2, -1), "CENTER")]))
    return [KeepTogether([layout.para(_("Signatures"), "h2"), table])]


def _grid_style() -> list[tuple[Any, ...]]:
    grey = layout.GRID_COLOR
    return [
        ("FONT", (0, 0), (-1, -1), layout.font_name(), CELL_SIZE),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.5, grey),
        ("BOX", (0, 0), (-1, -1), 1.0, grey),
        ("BACKGROUND", (0, 0), (-1, 0), layout.SHADE_COLOR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ]
