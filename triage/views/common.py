"""What every triage page shares: the break reminder and the record lookup."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reports.models import UrlRecord
from triage import welfare
from triage.services.states import states_create

ENRICHMENT_DONE = (UrlRecord.Enrichment.ENRICHED, UrlRecord.Enrichment.FAILED)


def triage_page(
    request: HttpRequest, template: str, context: dict, *, status: int = 200, section: str = "queue"
) -> HttpResponse:
    context = {
        **context,
        "break_due": welfare.stretch_note(request),
        "break_after": settings.TRIAGE_BREAK_AFTER,
        "section": section,
    }
    return render(request, template, context, status=status)


def record_for_triage(pk: int) -> UrlRecord:
    """The record, or a 404; one that has finished enrichment is sure to have its triage row."""
    record = get_object_or_404(UrlRecord, pk=pk)
    if record.enrichment_state in ENRICHMENT_DONE:
        states_create([record.pk])
    return record
