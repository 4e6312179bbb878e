"""The record page: everything known about one address, never the address as a link."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from reports.models import UrlRecord
from staff.access import staff_view
from staff.audit import audit_record
from staff.models import AuditEvent
from triage import selectors
from triage.forms import AssessmentForm
from triage.models import TriageState
from triage.services import claims
from triage.services.assessments import ClaimNeeded, TriageError, View, record_assess
from triage.views.common import ENRICHMENT_DONE, record_for_triage, triage_page


def _record_page(
    request: HttpRequest,
    record: UrlRecord,
    form: AssessmentForm,
    *,
    status: int = 200,
    kept_form: bool = False,
    state: TriageState | None = None,
    to_confirm_waiting: int | None = None,
) -> HttpResponse:
    page = selectors.record_page(record, state=state) if state is not None else selectors.record_page(record)
    holds = bool(page.state and page.state.claimed_by_user(request.user))
    context = {
        "p": page,
        "record": record,
        "state": page.state,
        "form": form,
        "holds_claim": holds,
        # A refused assessment: the bound form is shown again so nothing typed is lost.
        "kept_form": kept_form and not holds,
        "to_confirm_waiting": to_confirm_waiting,
    }
    return triage_page(request, "triage/record.html", context, status=status)


@staff_view("triage.assess_record")
@require_GET
def record(request: HttpRequest, pk: int) -> HttpResponse:
    # One query for the record, its triage row, the people on it, its takedown
    # and, for a senior, the menu's count of assessments waiting for them.
    confirmer = request.user if request.user.has_perm("triage.confirm_assessment") else None
    record = selectors.record_with_state(pk, confirmer=confirmer)
    if record is None:
        raise Http404("No such record.")
    state = selectors.loaded_state(record)
    if state is None and record.enrichment_state in ENRICHMENT_DONE:
        record = record_for_triage(pk)  # makes the missing row (after a partial restore)
        state = selectors.record_state(record.pk)
    if state is not None:
        claims.claim_renew(state=state, user=request.user)
    audit_record(actor=request.user, action=AuditEvent.Action.RECORD_VIEWED, target=record, request=request)
    return _record_page(
        request,
        record,
        AssessmentForm(record=record),
        state=state,
        to_confirm_waiting=getattr(record, "to_confirm_waiting", None),
    )


@staff_view("triage.assess_record")
@require_POST
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_for_triage(pk)
    form = AssessmentForm(request.POST, record=record)
    if not form.is_valid():
        return _record_page(request, record, form, status=400)
    view = View.from_form(form.cleaned_data)
    try:
        try:
            assessment = record_assess(record=record, analyst=request.user, view=view, request=request)
        except ClaimNeeded:
            # The claim lapsed while the analyst was typing. If nobody else took
            # the record, take it back and save; otherwise keep what they typed.
            if not claims.record_claim(record_id=record.pk, user=request.user, request=request):
                raise ClaimNeeded(
                    "Your hold on this record lapsed and someone else has taken it, or it has been decided "
                    "since. Your assessment was not saved; it is kept below."
                ) from None
            assessment = record_assess(record=record, analyst=request.user, view=view, request=request)
    except TriageError as refusal:
        form.add_error(None, str(refusal))
        return _record_page(request, record, form, status=409, kept_form=True)
    if assessment.criminal:
        messages.success(request, "Assessed. A second senior analyst will now confirm it.")
    else:
        messages.success(request, "Assessed. The record has left the queue.")
    if request.POST.get("then") == "next":
        # "Save and take the next": straight on to the top of the queue, as Next does.
        following = claims.record_claim_next(user=request.user, request=request)
        if following is None:
            messages.info(request, "Nothing else is waiting that nobody else holds. Well done.")
            return redirect("triage:queue")
        return redirect("triage:record", pk=following)
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
