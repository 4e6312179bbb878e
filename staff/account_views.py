"""Staff accounts: asking for a change, and a second manager deciding (staff.account_changes)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from staff import account_changes as changes
from staff.access import staff_view
from staff.audit import audit_record
from staff.forms import DecisionForm, DevicesRequestForm, ReasonOnlyForm, RolesRequestForm
from staff.models import AccountChangeRequest, AuditEvent
from staff.roles import MANAGER, ROLE_ORDER, role_names

Kind = AccountChangeRequest.Kind
ACCOUNTS_PAGE_SIZE = 50
# Where the set-password link waits between the link and the form: the
# token leaves the address bar (and the history) at once.
PASSWORD_LINK_SESSION_KEY = "staff_password_link"  # noqa: S105  (a session key name)


def _target_for(request: HttpRequest, pk: int):
    """The account, if this manager may see it (superusers only to superusers)."""
    users = get_user_model().objects.all()
    if not request.user.is_superuser:
        users = users.filter(is_superuser=False)
    return get_object_or_404(users, pk=pk)


def _device_choices(target) -> list[tuple[str, str]]:
    return [
        (d.persistent_id, f"{changes.device_label(d)}{'' if d.confirmed else ' (not confirmed)'}")
        for d in changes.account_devices(user=target)
    ]


def _forms(actor, target, data=None, kind: str = "") -> dict:
    """The four request forms; only the one posted is bound."""
    current = role_names(target)
    # Only a superuser may make someone a manager: nobody else is offered it.
    offered = [name for name in ROLE_ORDER if actor.is_superuser or name != MANAGER.group or name in current]
    active_help = "Goes on the audit trail." if target.is_active else None
    return {
        "roles_form": RolesRequestForm(
            data if kind == Kind.ROLES else None,
            role_names=offered,
            initial={"groups": current, "is_staff": target.is_staff},
            prefix="roles",
        ),
        "devices_form": DevicesRequestForm(
            data if kind == Kind.REMOVE_DEVICES else None, devices=_device_choices(target), prefix="devices"
        ),
        "password_form": ReasonOnlyForm(data if kind == Kind.PASSWORD_RESET else None, prefix="password"),
        "active_form": ReasonOnlyForm(
            data if kind in (Kind.REACTIVATE, "deactivate") else None, prefix="active", reason_help=active_help
        ),
    }


@staff_view("staff.request_account_change")
def account_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:150]
    users = get_user_model().objects.prefetch_related("groups").order_by("username")
    if not request.user.is_superuser:
        users = users.filter(is_superuser=False)
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    page = Paginator(users, ACCOUNTS_PAGE_SIZE).get_page(request.GET.get("page"))
    changes.account_changes_expire()
    waiting = AccountChangeRequest.objects.filter(state=AccountChangeRequest.State.PENDING)
    context = {
        "page": page,
        "q": query,
        "for_me": waiting.exclude(requested_by=request.user).exclude(target=request.user).count(),
        "mine": waiting.filter(requested_by=request.user).count(),
    }
    return render(request, "staff/accounts.html", context)


@staff_view("staff.request_account_change")
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target_for(request, pk)
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms = _forms(request.user, target, request.POST if kind else None, kind)
    status = 200
    if kind:
        response = _account_post(request, target, kind, forms)
        if response is not None:
            return response
        status = 400
    context = {
        "target": target,
        "target_roles": role_names(target),
        "devices": [
            {"label": changes.device_label(d), "confirmed": d.confirmed} for d in changes.account_devices(user=target)
        ],
        "link_hours": settings.STAFF_PASSWORD_LINK_HOURS,
        "refusal": changes.account_change_refusal(actor=request.user, target=target),
        "requests": AccountChangeRequest.objects.filter(target=target).select_related("requested_by", "decided_by")[
            :20
        ],
        "posted": kind,
        **forms,
    }
    return render(request, "staff/account.html", context, status=status)


def _account_post(request: HttpRequest, target, kind: str, forms: dict) -> HttpResponse | None:
    """Create the request (or deactivate); None means: show the page again with the errors."""
    form = {
        Kind.ROLES: forms["roles_form"],
        Kind.REMOVE_DEVICES: forms["devices_form"],
        Kind.PASSWORD_RESET: forms["password_form"],
        Kind.REACTIVATE: forms["active_form"],
        "deactivate": forms["active_form"],
    }.get(kind)
    if form is None or not form.is_valid():
        if form is None:
            messages.error(request, "Unknown kind of change.")
        return None
    data = form.cleaned_data
    try:
        if kind == "deactivate":
            changes.account_deactivate(actor=request.user, target=target, reason=data["reason"])
            messages.success(request, f"{target.get_username()} is deactivated and signed out everywhere.")
            return redirect("staff:account", pk=target.pk)
        payload = {}
        if kind == Kind.ROLES:
            payload = {"groups": data["groups"], "is_staff": data["is_staff"]}
        elif kind == Kind.REMOVE_DEVICES:
            payload = {"devices": data["devices"]}
        change = changes.account_change_request(
            actor=request.user, target=target, kind=kind, reason=data["reason"], payload=payload
        )
    except changes.AccountChangeRefused as refusal:
        form.add_error(None, str(refusal))
        return None
    messages.success(
        request,
        f"Asked: {change.get_kind_display().lower()} for {target.get_username()}. "
        "It takes effect when another manager approves it.",
    )
    return redirect("staff:account", pk=target.pk)


@staff_view("staff.approve_account_change")
def approvals(request: HttpRequest) -> HttpResponse:
    changes.account_changes_expire()
    base = AccountChangeRequest.objects.select_related("target", "requested_by", "decided_by")
    pending = list(base.filter(state=AccountChangeRequest.State.PENDING).order_by("expires_at"))
    for change in pending:
        change.refusal = changes.account_change_decider_refusal(actor=request.user, change=change)
    recent = base.exclude(state=AccountChangeRequest.State.PENDING)[:30]
    return render(
        request,
        "staff/approvals.html",
        {"pending": pending, "recent": recent, "decision_form": DecisionForm()},
    )


@staff_view("staff.approve_account_change")
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("staff:approvals")
    note = form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "reject":
            change = changes.account_change_reject(actor=request.user, pk=pk, note=note)
            messages.info(request, f"Rejected: {change.get_kind_display().lower()} for {change.target}.")
            return redirect("staff:approvals")
        decision = changes.account_change_approve(actor=request.user, pk=pk, note=note)
    except changes.AccountChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("staff:approvals")
    change = decision.change
    if decision.password_link_token:
        link = request.build_absolute_uri(password_link_url(decision.password_link_token))
        context = {"change": change, "link": link, "hours": settings.STAFF_PASSWORD_LINK_HOURS}
        return render(request, "staff/password_link_issued.html", context)
    messages.success(request, f"Approved and applied: {change.get_kind_display().lower()} for {change.target}.")
    return redirect("staff:approvals")


def password_link_url(token: str) -> str:
    # In the query string: nginx and gunicorn log only the path, so the token stays out of access logs.
    return f"{reverse('staff:password_link')}?{urlencode({'t': token})}"


def password_link(request: HttpRequest) -> HttpResponse:
    """The link itself: kept in the session, then out of the address bar."""
    request.session[PASSWORD_LINK_SESSION_KEY] = (request.GET.get("t") or "")[:500]
    response = redirect("staff:password_set")
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest) -> HttpResponse:
    """No sign-in needed (the person may have no password at all now): the link is the proof."""
    token = request.session.get(PASSWORD_LINK_SESSION_KEY, "")
    user = changes.password_link_user(token=token) if token else None
    if user is None:
        response = render(request, "staff/password_set.html", {"invalid": True}, status=400)
        add_never_cache_headers(response)
        return response
    form = SetPasswordForm(user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()  # the link dies with it: it is bound to the old password
            request.session.pop(PASSWORD_LINK_SESSION_KEY, None)
            audit_record(
                actor=user,
                action=AuditEvent.Action.PASSWORD_CHANGED,
                target=user,
                summary="Set a new password with an approved reset link",
                details={"via": "password_link"},
            )
            messages.success(request, "Your new password is set. Sign in with it.")
            return redirect("staff:login")
        status = 400
    response = render(request, "staff/password_set.html", {"form": form, "person": user}, status=status)
    add_never_cache_headers(response)
    return response
