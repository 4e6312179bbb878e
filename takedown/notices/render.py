"""What a notice says: its lines, its subject and body, and its CSV attachment.

A batch can mix purposes (a first notice and a repeat to the same host). It
is rendered with the template of its most pressing purpose (escalation,
then repeat, then initial, then inform), and the template gets the lines
both as one list (`lines`, each with its purpose) and grouped by purpose
(`groups`), so the default texts list them under one heading per purpose.

Templates are Django template syntax, plain text (no autoescape), rendered
by an engine of their own: no loaders, no `{% load %}`, so a template edited
by a manager can reach nothing but the context below. The context holds
plain values only (never a model instance), so no template can walk from a
record to its reports and their reporters:

    hotline           settings.HOTLINE_NAME
    recipient.name, recipient.kind
    channel           "email" or "webhook"
    purpose, purpose_label   the batch's most pressing purpose
    lines             each: reference, url (in clear), sha256, category,
                      first_seen (ISO 8601 UTC), purpose, purpose_label
    groups            each: purpose, label, lines
    count, key        number of lines; the batch's idempotency key

Only addresses and metadata ever go out: never imagery, never page content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist

from reportsite.csvsafe import csv_row
from takedown.models import Notice, NoticeBatch, NoticeTemplate

logger = logging.getLogger(__name__)
Purpose = Notice.Purpose

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "notice_templates"
# Most pressing first: the batch is rendered with the first purpose it holds.
PURPOSE_ORDER = [Purpose.ESCALATION, Purpose.REPEAT, Purpose.INITIAL, Purpose.INFORM]
CSV_COLUMNS = ["reference", "url", "sha256", "category", "first_seen", "purpose"]
SUBJECT_MAX = 300  # NoticeBatch.subject


class RenderError(Exception):
    """Neither the stored template nor the default one gave a usable notice."""


@dataclass(frozen=True)
class Line:
    reference: str
    url: str
    sha256: str
    category: str
    first_seen: str
    purpose: str
    purpose_label: str

    def csv_row(self) -> list[str]:
        return [self.reference, self.url, self.sha256, self.category, self.first_seen, self.purpose]


@dataclass(frozen=True)
class Group:
    purpose: str
    label: str
    lines: list[Line]


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    lines: list[Line]
    purpose: str
    used_default: bool


# Autoescape off: plain text, and an address must reach the recipient exactly as it is.
_engine = Engine(autoescape=False, libraries={}, loaders=[])


def reference(record_id: int) -> str:
    return f"{settings.NOTICE_REFERENCE_PREFIX}{record_id:07d}"


def _category(record) -> str:
    triage = getattr(record, "triage", None)
    assessment = triage.assessment if triage is not None else None
    return assessment.get_outcome_display() if assessment is not None else "Confirmed (category not recorded)"


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def purpose_rank(purpose: str) -> int:
    return PURPOSE_ORDER.index(purpose) if purpose in PURPOSE_ORDER else len(PURPOSE_ORDER)


def batch_lines(batch: NoticeBatch) -> list[Line]:
    """One line per notice in the batch, most pressing purpose first, then by record."""
    notices = Notice.objects.filter(batch=batch).select_related("takedown__record__triage__assessment")
    lines = []
    for notice in sorted(notices, key=lambda n: (purpose_rank(n.purpose), n.takedown_id)):
        record = notice.takedown.record
        lines.append(
            Line(
                reference=reference(record.pk),
                url=record.url,
                sha256=record.url_sha256,
                category=_category(record),
                first_seen=_iso_utc(record.first_reported_at),
                purpose=notice.purpose,
                purpose_label=notice.get_purpose_display(),
            )
        )
    return lines


def lines_csv(lines: list[Line]) -> str:
    """The lines as CSV; a cell that a spreadsheet would run as a formula is neutralised."""
    return csv_row(CSV_COLUMNS) + "".join(csv_row(line.csv_row()) for line in lines)


def _context(*, recipient_name: str, recipient_kind: str, channel: str, lines: list[Line], key: str) -> dict:
    purposes = sorted({line.purpose for line in lines}, key=purpose_rank)
    groups = [
        Group(purpose=p, label=Purpose(p).label, lines=[line for line in lines if line.purpose == p]) for p in purposes
    ]
    main = purposes[0] if purposes else Purpose.INITIAL
    return {
        "hotline": settings.HOTLINE_NAME,
        "recipient": {"name": recipient_name, "kind": recipient_kind},
        "channel": channel,
        "purpose": main,
        "purpose_label": Purpose(main).label,
        "lines": lines,
        "groups": groups,
        "count": len(lines),
        "key": key,
    }


def _render(subject: str, body: str, context: dict) -> tuple[str, str]:
    """Subject and body; raises on a template that does not compile or render, or drops an address."""
    ctx = Context(context, autoescape=False)
    rendered_subject = " ".join(_engine.from_string(subject).render(ctx).split())[:SUBJECT_MAX]
    rendered_body = _engine.from_string(body).render(ctx).strip() + "\n"
    if not rendered_subject:
        raise ValueError("the subject is empty")
    # A template that leaves an address out would send a notice nobody can act on.
    missing = [line.url for line in context["lines"] if line.url not in rendered_body]
    if missing:
        raise ValueError(f"the body leaves out {len(missing)} address(es): list each line's url")
    return rendered_subject, rendered_body


@cache
def default_template(kind: str, purpose: str) -> tuple[str, str]:
    """(subject, body) shipped in takedown/notice_templates/<kind>/<purpose>.txt (else the kind's initial)."""
    path = DEFAULTS_DIR / kind / f"{purpose}.txt"
    if not path.exists():
        path = DEFAULTS_DIR / kind / "initial.txt"
    return parse_template_file(path.read_text(encoding="utf-8"))


def parse_template_file(text: str) -> tuple[str, str]:
    """A default template file: a first line `Subject: …`, a blank line, then the body."""
    head, _, body = text.partition("\n\n")
    return head.removeprefix("Subject:").strip(), body


def _sample_context() -> dict:
    lines = [
        Line(reference(n), f"https://example.invalid/sample-{n}", "0" * 64, "Category A", "2024-01-01T00:00:00Z", p,
             Purpose(p).label)
        for n, p in ((1, Purpose.INITIAL), (2, Purpose.REPEAT))
    ]  # fmt: skip
    return _context(
        recipient_name="Example Hosting", recipient_kind="Hosting provider", channel="email", lines=lines, key="sample"
    )


def template_errors(subject: str, body: str) -> list[str]:
    """What is wrong with a template a manager typed; empty if it renders a usable notice."""
    errors = []
    for what, text in (("Subject", subject), ("Body", body)):
        try:
            _engine.from_string(text)
        except Exception as exc:
            errors.append(f"{what}: {exc.__class__.__name__}: {exc}")
    if errors:
        return errors
    try:
        _render(subject, body, _sample_context())
    except TemplateDoesNotExist as exc:
        errors.append(f"A notice template cannot include or extend another template ({exc}).")
    except Exception as exc:
        errors.append(f"The template does not render a usable notice: {exc}")
    return errors


def batch_render(batch: NoticeBatch) -> Rendered:
    """The batch's notice as it will be sent. A broken stored template falls back to the default."""
    recipient = batch.recipient
    lines = batch_lines(batch)
    context = _context(
        recipient_name=recipient.name,
        recipient_kind=recipient.get_kind_display(),
        channel=batch.channel,
        lines=lines,
        key=str(batch.key),
    )
    purpose = context["purpose"]
    stored = NoticeTemplate.objects.filter(kind=recipient.kind, purpose=purpose).first()
    if stored is not None:
        try:
            subject, body = _render(stored.subject, stored.body, context)
            return Rendered(subject, body, lines, purpose, used_default=False)
        except Exception as exc:
            logger.error(
                "notice template %s/%s is broken (%s): batch %s sent with the default text",
                recipient.kind,
                purpose,
                exc,
                batch.pk,
            )
    try:
        subject, body = _render(*default_template(recipient.kind, purpose), context)
    except Exception as exc:
        raise RenderError(f"the default template {recipient.kind}/{purpose} failed: {exc}") from exc
    return Rendered(subject, body, lines, purpose, used_default=True)
