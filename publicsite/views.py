"""Public pages: the report form, its confirmation, and the status look-up.

Nothing here reads the client's address except the rate limit, which keys on
a daily-salted HMAC of it and keeps even that only in the cache.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from portals.selectors import portal_for
from publicsite import formguard, pages
from publicsite.forms import ReportForm, StatusForm
from publicsite.ratelimit import report_allowance_take
from reports import receipts
from reports.selectors import report_for_receipt
from reports.services import report_submit
from triage.public_status import report_public_status


def _form_page(
    request: HttpRequest, form: ReportForm, *, status: int = 200, limited: str = "", stale: bool = False
) -> HttpResponse:
    context = {"form": form, "limited": limited, "stale": stale}
    return render(request, "reports/form.html", context, status=status)


def _with_fresh_token(form: ReportForm) -> ReportForm:
    """The same form, as typed, with a new token: what a person gets back when theirs had expired."""
    data = form.data.copy()
    data["token"] = formguard.token_issue()
    return ReportForm(data)


def _empty_form_page(request: HttpRequest) -> HttpResponse:
    """The form as first served: the same page for everyone but its two tokens (see publicsite.pages)."""
    return pages.page_with_holes(
        request,
        "reports/form.html",
        values={"csrf_token": get_token(request), "token": formguard.token_issue()},
        context=lambda: {"form": ReportForm(initial={"token": pages.hole("token")}), "limited": "", "stale": False},
    )


def _confirmation_page(request: HttpRequest, *, reference: str, receipt: str) -> HttpResponse:
    return pages.page_with_holes(
        request, "reports/confirmation.html", values={"reference": reference, "receipt": receipt}
    )


@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _empty_form_page(request)

    form = ReportForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)

    data = form.cleaned_data
    token = data["token"]
    verdict = formguard.token_check(token=token, honeypot=data["website"])
    if verdict == formguard.BOT:
        # The bot sees what a person would see, and learns nothing; nothing is stored.
        return _confirmation_page(request, reference=receipts.new_reference(), receipt=receipts.new_receipt())
    if verdict == formguard.STALE:
        return _form_page(request, _with_fresh_token(form), stale=True)

    earlier = formguard.earlier_submission(token)
    if earlier:
        return render(request, "reports/already_sent.html", {"reference": earlier})

    allowance = report_allowance_take(request)
    if not allowance.allowed:
        return _form_page(request, form, status=429, limited=allowance.scope)

    submission = report_submit(
        addresses=data["addresses"],
        seen=data["seen"],
        found_on=data["found_on"],
        description=data["description"],
        contact_email=data["contact_email"],
        language=get_language() or "en",
        portal=portal_for(request),
    )
    formguard.mark_submitted(token, submission.report.reference)
    return _confirmation_page(request, reference=submission.report.reference, receipt=submission.receipt)


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "reports/status.html", {"form": StatusForm()})

    form = StatusForm(request.POST)
    context: dict = {"form": form, "looked_up": False}
    if form.is_valid():
        report = report_for_receipt(reference=form.cleaned_data["reference"], receipt=form.cleaned_data["receipt"])
        context.update(
            looked_up=True,
            found=report is not None,
            status=report_public_status(report) if report else None,
            form=StatusForm(initial={"reference": form.cleaned_data["reference"]}),
        )
    return render(request, "reports/status.html", context, status=200 if form.is_valid() else 400)
