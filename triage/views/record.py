"""The record page: everything known about one address, never the address as a link."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from reports.models import UrlRecord
from staff.access import staff_view
from staff.audit import audit_record
from staff.models import AuditEvent
from triage import selectors
from triage.forms import AssessmentForm
from triage.services import claims
from triage.services.assessments import TriageError, View, record_assess
from triage.views.common import record_for_triage, triage_page


def _record_page(request: HttpRequest, record: UrlRecord, form: AssessmentForm, *, status: int = 200) -> HttpResponse:
    page = selectors.record_page(record)
    holds = bool(page.state and page.state.claimed_by_user(request.user))
    context = {"p": page, "record": record, "state": page.state, "form": form, "holds_claim": holds}
    return triage_page(request, "triage/record.html", context, status=status)


@staff_view("triage.assess_record")
@require_GET
def record(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for_triage(pk)
    state = record.triage if hasattr(record, "triage") else None
    if state is not None:
        claims.claim_renew(state=state, user=request.user)
    audit_record(actor=request.user, action=AuditEvent.Action.RECORD_VIEWED, target=record, request=request)
    return _record_page(request, record, AssessmentForm(record=record))


@staff_view("triage.assess_record")
@require_POST
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for_triage(pk)
    form = AssessmentForm(request.POST, record=record)
    if not form.is_valid():
        return _record_page(request, record, form, status=400)
    try:
        assessment = record_assess(
            record=record, analyst=request.user, view=View.from_form(form.cleaned_data), request=request
        )
    except TriageError as refusal:
        messages.error(request, str(refusal))
        return redirect("triage:record", pk=record.pk)
    if assessment.criminal:
        messages.success(request, "Assessed. A second senior analyst will now confirm it.")
    else:
        messages.success(request, "Assessed. The record has left the queue.")
    return redirect("triage:record", pk=record.pk)


@staff_view("triage.assess_record")
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for_triage(pk)
    if not claims.record_claim(record_id=record.pk, user=request.user, request=request):
        messages.error(request, "Someone else holds this record, or it is not waiting for assessment.")
    return redirect("triage:record", pk=record.pk)


@staff_view("triage.assess_record")
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for_triage(pk)
    if claims.record_release(record_id=record.pk, user=request.user, request=request):
        messages.info(request, "Released: the record is back in the queue for anyone.")
    return redirect("triage:queue")
