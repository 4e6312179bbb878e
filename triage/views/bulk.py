"""Bulk assessment of one host: the form, the confirmation page listing every record, then the action."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from staff.access import staff_view
from triage import selectors
from triage.forms import BulkAssessmentForm
from triage.models import is_criminal
from triage.services.assessments import TriageError, View, view_summary
from triage.services.bulk import BULK_LIMIT, records_bulk_assess
from triage.views.common import triage_page


@staff_view("triage.bulk_assess")
@require_http_methods(["GET", "POST"])
def bulk(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = BulkAssessmentForm(initial={"host": request.GET.get("host", "")})
        return triage_page(request, "triage/bulk.html", {"form": form}, section="bulk")
    form = BulkAssessmentForm(request.POST)
    if not form.is_valid():
        return triage_page(request, "triage/bulk.html", {"form": form}, status=400, section="bulk")
    host = form.cleaned_data["host"]
    pending = list(selectors.host_pending(host=host, user=request.user)[: BULK_LIMIT + 1])
    if not pending:
        form.add_error("host", "No record of this host is waiting for assessment (or all are held by others).")
        return triage_page(request, "triage/bulk.html", {"form": form}, status=400, section="bulk")
    context = {
        "form": form,
        "host": host,
        "pending": pending[:BULK_LIMIT],
        "more": len(pending) > BULK_LIMIT,
        "criminal": is_criminal(form.cleaned_data["outcome"]),
        "summary": view_summary(View.from_form(form.cleaned_data)),
        "limit": BULK_LIMIT,
    }
    return triage_page(request, "triage/bulk_confirm.html", context, section="bulk")


@staff_view("triage.bulk_assess")
@require_POST
def bulk_apply(request: HttpRequest) -> HttpResponse:
    form = BulkAssessmentForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("records") if v.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, "Nothing was assessed: start again from the bulk form.")
        return triage_page(request, "triage/bulk.html", {"form": form}, status=400, section="bulk")
    view = View.from_form(form.cleaned_data)
    try:
        done = records_bulk_assess(
            host=form.cleaned_data["host"], record_ids=ids, assessor=request.user, view=view, request=request
        )
    except TriageError as refusal:
        messages.error(request, str(refusal))
        return redirect("triage:bulk")
    skipped = len(set(ids)) - len(done)
    note = " Each awaits confirmation by another senior analyst." if is_criminal(view.outcome) else ""
    messages.success(request, f"{len(done)} record(s) assessed.{note}")
    if skipped:
        messages.warning(request, f"{skipped} record(s) were left alone: taken by someone or decided meanwhile.")
    return redirect("triage:queue")
