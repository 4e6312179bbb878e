"""The second pair of eyes: the list of criminal assessments to confirm, and the confirmation page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from staff.access import staff_view
from staff.audit import audit_record
from staff.models import AuditEvent
from triage import selectors
from triage.forms import AssessmentForm
from triage.models import TriageState
from triage.services.assessments import TriageError, View, assessment_confirm, assessment_dispute
from triage.views.common import record_for_triage, triage_page

LIST_LIMIT = 200


@staff_view("triage.confirm_assessment")
@require_GET
def to_confirm(request: HttpRequest) -> HttpResponse:
    # Split in the query: a senior's own pending assessments must never crowd out the ones they can confirm.
    waiting = selectors.to_confirm()
    theirs = list(waiting.exclude(assessment__analyst=request.user)[:LIST_LIMIT])
    mine = list(waiting.filter(assessment__analyst=request.user)[:LIST_LIMIT])
    return triage_page(request, "triage/confirm_list.html", {"theirs": theirs, "mine": mine}, section="confirm")


@staff_view("triage.confirm_assessment")
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for_triage(pk)
    state = selectors.record_state(record.pk)
    if state is None or state.status != TriageState.Status.AWAITING_CONFIRMATION:
        messages.info(request, "This record is not waiting for confirmation.")
        return redirect("triage:record", pk=record.pk)
    first = state.assessment
    form = AssessmentForm(record=record)
    status = 200
    if request.method == "POST":
        if request.POST.get("assessment") != str(first.pk):
            messages.error(request, "The assessment changed while you were reading it. Here is the current one.")
            return redirect("triage:confirm", pk=record.pk)
        try:
            if request.POST.get("decision") == "confirm":
                assessment_confirm(assessment=first, confirmer=request.user, request=request)
                messages.success(request, "Confirmed: the record is confirmed criminal.")
                return redirect("triage:to_confirm")
            form = AssessmentForm(request.POST, record=record)
            if form.is_valid():
                assessment_dispute(
                    assessment=first, reviewer=request.user, view=View.from_form(form.cleaned_data), request=request
                )
                messages.success(request, "Your view is recorded beside the first. The record is back in the queue.")
                return redirect("triage:to_confirm")
            status = 400
        except TriageError as refusal:
            messages.error(request, str(refusal))
            status = 409
    else:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.RECORD_VIEWED,
            target=record,
            summary="Viewed to confirm",
            request=request,
        )
    # A refusal (409) means the row changed under us: read it again for the page.
    page = selectors.record_page(record, state=state) if status != 409 else selectors.record_page(record)
    context = {
        "record": record,
        "state": state,
        "first": first,
        "own": first.analyst_id == request.user.pk,
        "form": form,
        "p": page,
    }
    return triage_page(request, "triage/confirm.html", context, status=status, section="confirm")
