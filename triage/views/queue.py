"""The queue and "Next"."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from staff.access import staff_view
from triage import selectors
from triage.forms import QueueFilterForm
from triage.models import TriageState
from triage.services.claims import record_claim_next
from triage.views.common import triage_page

# The heading counts the waiting rows up to here and then says "1000+": a
# bounded count along the partial index of waiting rows, never a COUNT(*) of
# the table, and kept COUNT_SECONDS in the cache per filter set (so it may be
# that many seconds old). A first page that is not full is its own count.
COUNT_CAP = 1000
PAGE_SIZE = selectors.QUEUE_PAGE
COUNT_SECONDS = 30


def _waiting_count(filters: selectors.QueueFilters, page: selectors.QueuePage, *, first_page: bool) -> int:
    if first_page and page.next_cursor is None:
        return len(page.rows)
    key = "triage:queue-count:" + hashlib.sha256(repr(filters).encode()).hexdigest()
    counted = cache.get(key)
    if counted is None:
        counted = selectors.queue_waiting(filters=filters).order_by()[:COUNT_CAP].count()
        cache.set(key, counted, COUNT_SECONDS)
    return counted


@staff_view("triage.assess_record")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters(**form.cleaned_data) if form.is_valid() else selectors.QueueFilters()
    now = timezone.now()
    after = selectors.QueueCursor.parse(request.GET.get("after"))
    before = selectors.QueueCursor.parse(request.GET.get("before")) if after is None else None
    page = selectors.queue_page(filters=filters, after=after, before=before, size=PAGE_SIZE, now=now)
    first_page = after is None and before is None
    counted = _waiting_count(filters, page, first_page=first_page)
    query = request.GET.copy()
    for key in ("after", "before", "page"):
        query.pop(key, None)
    mine = TriageState.objects.filter(claimed_by=request.user, claimed_until__gt=now).values_list("pk", flat=True)
    context = {
        "form": form,
        "page": page,
        "count": counted,
        "capped": counted >= COUNT_CAP,
        "count_cap": COUNT_CAP,
        "first_page": first_page,
        "filter_query": query.urlencode(),
        "filtered": bool(form.is_bound and form.is_valid() and any(form.cleaned_data.values())),
        "now": now,
        "old_after": selectors.OLD_AFTER,
        "my_claim": next(iter(mine), None),
    }
    return triage_page(request, "triage/queue.html", context)


@staff_view("triage.assess_record")
@require_POST
def next_record(request: HttpRequest) -> HttpResponse:
    skip = request.POST.get("skip", "")
    record_id = record_claim_next(user=request.user, skip=int(skip) if skip.isdigit() else None, request=request)
    if record_id is None:
        messages.info(request, "Nothing is waiting that nobody else holds. Well done.")
        return redirect("triage:queue")
    return redirect("triage:record", pk=record_id)
