"""The queue and "Next"."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_POST

from staff.access import staff_view
from triage import selectors
from triage.forms import QueueFilterForm
from triage.models import TriageState
from triage.services.claims import record_claim_next
from triage.views.common import triage_page

PAGE_SIZE = 50
# Page numbers stop here: past 1,000 rows, filters find things faster than paging does.
MAX_ROWS = 1000


class _CountedPaginator(Paginator):
    """Counted without the priorities: the sort is only needed for the page itself."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


@staff_view("triage.assess_record")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters(**form.cleaned_data) if form.is_valid() else selectors.QueueFilters()
    now = timezone.now()
    counted = selectors.queue_waiting(filters=filters).order_by()[:MAX_ROWS].count()
    paginator = _CountedPaginator(selectors.queue(filters=filters, now=now)[:MAX_ROWS], PAGE_SIZE, count=counted)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    mine = TriageState.objects.filter(claimed_by=request.user, claimed_until__gt=now).values_list("pk", flat=True)
    context = {
        "form": form,
        "page": page,
        "capped": paginator.count >= MAX_ROWS,
        "max_rows": MAX_ROWS,
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
