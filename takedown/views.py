"""Staff pages for takedowns: the overview, and the record page's reply and override forms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from staff.access import staff_view
from takedown import selectors
from takedown.forms import OverrideForm, ReplyForm, TakedownFilterForm
from takedown.lifecycle import TakedownError, reply_record, route_override
from takedown.models import Takedown


def _form_errors(form) -> str:
    """A refused form's errors in one line for a message: "Field: problem; …"."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return "; ".join(parts)


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("triage:record", args=[pk]) + "#takedown-heading")


@staff_view("takedown.view_takedowns")
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", selectors.DEFAULT_VIEW)
    if view not in selectors.VIEWS:
        view = selectors.DEFAULT_VIEW
    form = TakedownFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ListFilters(
        country=data.get("country", ""), route=data.get("route", ""), overdue=bool(data.get("overdue"))
    )
    after = request.GET.get("after")
    page = selectors.overview_page(view, filters, after=after, size=selectors.PAGE)
    counts = selectors.overview_counts()
    query = request.GET.copy()
    for key in ("after", "page", "view"):
        query.pop(key, None)
    context = {
        "views": [(name, label, counts[name]) for name, (label, _) in selectors.VIEWS.items()],
        "view": view,
        "page": page,
        "form": form,
        "filtered": filters != selectors.ListFilters(),
        "filter_query": query.urlencode(),
        "first_page": not after,
    }
    return render(request, "takedown/overview.html", context)


@staff_view("takedown.view_takedowns")
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    takedown = get_object_or_404(Takedown, pk=pk)
    panel = selectors.record_panel(takedown.record)
    form = ReplyForm(request.POST, recipients=panel.reply_recipients if panel else [])
    if not form.is_valid():
        messages.error(request, f"The reply was not recorded. {_form_errors(form)}")
        return _back(pk)
    data = form.cleaned_data
    try:
        reply_record(
            takedown=takedown,
            says=data["says"],
            text=data["text"],
            recipient=data["recipient"],
            received_at=data["received_at"],
            moved_to=data["moved_to"].strip(),
            user=request.user,
            request=request,
        )
    except TakedownError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Reply recorded.")
    return _back(pk)


@staff_view("takedown.override_route")
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    takedown = get_object_or_404(Takedown, pk=pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The route was not changed. {_form_errors(form)}")
        return _back(pk)
    data = form.cleaned_data
    try:
        route_override(
            takedown=takedown,
            route=data["route"],
            recipient=data["recipient"],
            reason=data["reason"],
            user=request.user,
            request=request,
        )
    except TakedownError as refusal:
        messages.error(request, f"The route was not changed. {refusal}")
    else:
        messages.success(request, "Route changed: the notice goes to the new recipient.")
    return _back(pk)
