"""The managers' dashboard, /healthz for load balancers and /metrics for Prometheus."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard import health as health_checks
from dashboard import metrics as prometheus
from dashboard import presenters
from dashboard.forms import PeriodForm, default_period
from dashboard.machinery import machinery_cached
from dashboard.selectors import analyst_figures, dashboard_figures, queue_now, refreshed_at
from reports.models import Report
from reportsite.csvsafe import csv_row
from staff.access import staff_view
from staff.audit import audit_record
from staff.models import AuditEvent


@require_GET
@staff_view("staff.view_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    period = form.cleaned_data["period"] if form.is_valid() else default_period()
    portal = form.cleaned_data.get("portal") if form.is_valid() else None
    if not (request.GET.get("start") or request.GET.get("end")):
        # Show the dates the figures are for, not empty boxes.
        form = PeriodForm({"start": period.first, "end": period.last, "portal": portal.pk if portal else ""})
    figures = dashboard_figures(period=period, portal_id=portal.pk if portal else None)
    sections = presenters.all_charts(figures, analyst_figures(period=period))
    if request.GET.get("format") == "csv":
        return _csv(request, sections, period, portal)
    criminal, assessed = figures.actionable
    context = {
        "form": form,
        "period": period,
        "figures": figures,
        "sections": sections,
        "actionable_share": presenters.share(criminal, assessed),
        "criminal": criminal,
        "assessed": assessed,
        "removal_median": presenters.short_duration(figures.overall.get("removal_delay", (None, None))[0]),
        "assess_median": presenters.short_duration(figures.overall.get("assess_delay", (None, None))[0]),
        "removals": presenters.removal_statuses(figures),
        "queue": queue_now(),
        "machinery": machinery_cached(),
        "refreshed_at": refreshed_at(),
        "portal": portal,
        # A fresh installation: say why everything is empty and what fills it. Through the
        # received_at index (a bare EXISTS is a sequential scan, test_explain_postgres).
        "nothing_yet": Report.objects.order_by("received_at").values_list("pk", flat=True).first() is None,
        "period_query": f"start={period.first.isoformat()}&end={period.last.isoformat()}"
        + (f"&portal={portal.pk}" if portal else ""),
    }
    return render(request, "dashboard/dashboard.html", context)


def _csv(request: HttpRequest, sections, period, portal=None) -> HttpResponse:
    wanted = request.GET.get("chart", "")
    chart = next((c for charts in sections.values() for c in charts if c.key == wanted), None)
    if chart is None:
        raise Http404("no such chart")
    # An export: on the audit trail, like the audit trail's own CSV.
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORTED,
        summary=f"Dashboard CSV: {chart.title}, {period.first} to {period.last}"
        + (f", portal {portal.slug}" if portal else ""),
        details={"chart": chart.key, "start": period.first.isoformat(), "end": period.last.isoformat()}
        | ({"portal": portal.slug} if portal else {}),
        request=request,
    )
    lines = [csv_row((chart.columns[0] or "name", *chart.columns[1:]))]
    lines += [csv_row(row) for row in chart.csv]
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    filename = f"dashboard-{chart.key}-{period.first}-{period.last}{f'-{portal.slug}' if portal else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = health_checks.health()
    response = JsonResponse({"status": "ok" if healthy else "failed", "checks": checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def _client_allowed(request: HttpRequest) -> bool:
    networks = settings.METRICS_ALLOWED_NETWORKS
    if not networks:
        return True
    try:
        client = ipaddress.ip_address(request.META.get(settings.CLIENT_IP_META_KEY, ""))
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(net, strict=False) for net in networks)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        # Not configured: as if there were no such page.
        raise Http404
    if not _client_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    given = request.headers.get("Authorization", "")
    expected = f"Bearer {token}"
    if not hmac.compare_digest(given.encode(), expected.encode()):
        response = HttpResponse("unauthorised\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(prometheus.metrics_text(), content_type=prometheus.CONTENT_TYPE)
