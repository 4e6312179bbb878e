"""Staff search: the top bar's box, and its results (defanged, never a link to reported content)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from staff.access import staff_view
from staff.audit import audit_record
from staff.models import AuditEvent
from triage import search
from triage.defang import defang_text
from triage.views.common import triage_page


@staff_view("takedown.view_takedowns")
@require_GET
def records_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    before = request.GET.get("before", "")
    result = search.records_search(query=query, before=int(before) if before.isdigit() else None)
    if result.kind != "empty":
        # Searching is a staff action: what was looked for is on the trail, defanged as on every staff page.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCHED,
            summary=f"Searched for {defang_text(result.query)[:200]} ({result.kind}): {len(result.records)} found",
            details={"kind": result.kind, "found": [r.pk for r in result.records[:20]]},
            request=request,
        )
    return triage_page(request, "triage/search.html", {"result": result, "q": query}, section="search")
