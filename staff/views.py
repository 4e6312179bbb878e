"""Staff sign-in, second factor, account and audit pages.

Sign-in is two steps. The password step does not log the user in: it rotates
the session key and keeps the user as "pending" in the session
(staff.sessions.PENDING). Only when the second step passes does Django's
login() run (rotating the key again, setting last_login, and starting the
session limits). Someone with no authenticator yet enrols one instead of
verifying; a wrong code while enrolling counts like a wrong verification code.

Lockout: every wrong password AND every wrong second-factor code counts as a
failure for django-axes (per username and client address together), so five
in a row, of either kind, pause that name at that address for
AXES_COOLOFF_TIME; many more from many addresses pause the account everywhere
for a shorter time (staff.lockout). Failures are
forgiven only when the second factor passes, never at the password step, so
a stolen password cannot be used to reset the count. Independently, each
device refuses to check codes for a doubling delay after every wrong one.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import enrolment, passkeys, selectors, services
from staff.access import staff_view
from staff.audit import audit_record
from staff.export import audit_csv_lines
from staff.forms import AuditFilterForm, CodeForm, EnrolForm, EnrolLinkForm, EnrolmentLinkCreateForm, LoginForm
from staff.models import AuditEvent, RecoveryCodeDevice
from staff.qr import qr_svg
from staff.roles import role_names
from staff.selectors import audit_events_filtered
from staff.sessions import ENDED, LOGOUT_REASON, pending_clear, pending_start, pending_user

AUDIT_PAGE_SIZE = 50
LOW_RECOVERY_CODES = 3


def _asked_next(request: HttpRequest) -> str:
    """The `next` the request carries, if it points at this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: the page that asked, else the queue for
    those who assess, else the account page (a manager has no queue)."""
    if target := _asked_next(request):
        return target
    user = request.user
    if user.is_authenticated and not user.has_perm("triage.assess_record"):
        return reverse("staff:home")
    try:
        return reverse(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return reverse("staff:home")


def _with_next(name: str, request: HttpRequest) -> str:
    target = _asked_next(request)
    return f"{reverse(name)}?{urlencode({'next': target})}" if target else reverse(name)


def _signing_in(request: HttpRequest):
    """(user, pending): who is between the password and the second factor.

    Normally the pending user of this session; a session already logged in
    but unverified (made by other means, e.g. tests) is accepted as well.
    """
    pending = pending_user(request)
    if pending is not None:
        return pending, True
    if request.user.is_authenticated:
        return request.user, False
    return None, False


def _sign_in_complete(request: HttpRequest, user, device, pending: bool) -> None:
    """The second factor passed: now log in (if not yet) and mark the session verified."""
    if pending:
        pending_clear(request)
        login(request, user)  # rotates the session key, sets last_login
    django_otp.login(request, device)
    user.otp_device = device
    user.is_verified = lambda: True
    axes_reset(username=user.get_username())


def _has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _verify_context(request: HttpRequest, user, form) -> dict:
    # The person is named from `user` itself: between the two steps request.user
    # is still anonymous, so {{ user }} in the template would be blank (issue 18).
    has_passkey = passkeys.passkey_count(user) > 0
    config = passkeys.passkey_config(request) if has_passkey else None
    return {
        "form": form,
        "person": user.get_username(),
        "has_passkey": has_passkey,
        "passkey_config": config,
        "passkey_rp_id": settings.OTP_WEBAUTHN_RP_ID,
    }


def _locked_out(request: HttpRequest, username: str = "") -> HttpResponse:
    from staff.lockout import lockout_pause

    context = {"username": username, "cooloff_timedelta": lockout_pause(request)}
    return render(request, "staff/locked_out.html", context, status=429)


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    # Only a page that asked is carried through the forms; the default is
    # decided at the end, when it is known who signed in.
    context.setdefault("next", _asked_next(request))
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and user.is_verified():
        return redirect(_next_url(request))
    ended = request.session.pop(ENDED, "") if request.method == "GET" else ""
    if request.method == "GET":
        return _page(request, "staff/login.html", {"form": LoginForm(), "ended": ended})

    form = LoginForm(request.POST)
    if not form.is_valid():
        return _page(request, "staff/login.html", {"form": form}, status=400)
    username = form.cleaned_data["username"]
    # Through authenticate(), so django-axes counts failures and refuses locked accounts.
    user = authenticate(request=request, username=username, password=form.cleaned_data["password"])
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, username)
        form.add_error(None, "That username and password did not match. Check both and try again.")
        return _page(request, "staff/login.html", {"form": form}, status=400)
    if request.user.is_authenticated:
        logout(request)  # someone else's unverified session: not carried over
    if not enrolment.has_second_factor(user):
        # A password alone never leads to an enrolment secret: that takes a
        # one-time link from a manager (staff.enrolment).
        return _no_second_factor(request, user)
    # Not logged in yet: that waits for the second factor.
    pending_start(request, user)
    return redirect(_with_next("staff:verify", request))


def _no_second_factor(request: HttpRequest, user) -> HttpResponse:
    pending_clear(request)
    audit_record(
        actor=None,
        actor_username=user.get_username(),
        action=AuditEvent.Action.LOGIN_FAILED,
        summary="Right password, but no second factor yet: needs an enrolment link",
        details={"stage": "no_second_factor"},
    )
    return _page(request, "staff/no_second_factor.html", {"person": user.get_username()}, status=403)


@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user, pending = _signing_in(request)
    if user is None:
        return redirect(_with_next("staff:login", request))
    if not pending and user.is_verified():
        return redirect(_next_url(request))
    if not enrolment.has_second_factor(user):
        if pending and enrolment.attempt_for(request, user) is not None:
            return redirect(_with_next("staff:enrol", request))
        return _no_second_factor(request, user)
    if request.method == "GET":
        return _page(request, "staff/verify.html", _verify_context(request, user, CodeForm()))

    form = CodeForm(request.POST)
    credentials = {"username": user.get_username(), "stage": "second_factor"}
    if not AxesProxyHandler.is_allowed(request, credentials):
        # Locked out meanwhile (from another client, say): this session ends too.
        return _end_locked_session(request, user)
    if not form.is_valid():
        return _page(request, "staff/verify.html", _verify_context(request, user, form), status=400)

    check = services.second_factor_check(user=user, code=form.cleaned_data["otp_token"])
    if check.device is None:
        if check.throttled_seconds:
            form.add_error(None, f"Too many wrong codes. Wait {check.throttled_seconds} seconds, then try again.")
            return _page(request, "staff/verify.html", _verify_context(request, user, form), status=429)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _end_locked_session(request, user)
        form.add_error(None, "That code did not work. Codes change every 30 seconds and each works once.")
        return _page(request, "staff/verify.html", _verify_context(request, user, form), status=400)

    _sign_in_complete(request, user, check.device, pending)
    method = "recovery_code" if check.recovery else "totp"
    audit_record(actor=user, action=AuditEvent.Action.LOGIN, summary="Signed in", details={"method": method})
    if check.recovery:
        left = services.recovery_codes_left(user=user)
        audit_record(
            actor=user,
            action=AuditEvent.Action.RECOVERY_CODE_USED,
            summary=f"Signed in with a recovery code; {left} left",
            details={"left": left},
        )
        if left <= LOW_RECOVERY_CODES:
            messages.warning(request, f"You have {left} recovery codes left. Make new ones on your account page.")
    return redirect(_next_url(request))


def _end_locked_session(request: HttpRequest, user) -> HttpResponse:
    setattr(request, LOGOUT_REASON, "Session ended: locked out after wrong codes")
    logout(request)
    request.axes_locked_out = True  # AxesMiddleware answers with the lockout page.
    return _locked_out(request, user.get_username())


@require_http_methods(["GET", "POST"])
def enrol_link_view(request: HttpRequest) -> HttpResponse:
    """A one-time enrolment link: the account's password here starts one enrolment attempt."""
    token = (request.POST if request.method == "POST" else request.GET).get("t", "")
    link = enrolment.enrolment_link_find(token)
    state = enrolment.enrolment_link_state(link)
    if state == "usable" and enrolment.has_primary_factor(link.user):
        state = "enrolled"
    if state != "usable":
        enrolment.enrolment_link_refused(link=link, reason=state)
        return _page(request, "staff/enrol_link_invalid.html", {"state": state}, status=404 if link is None else 410)
    person = link.user.get_username()
    if request.method == "GET":
        enrolment.enrolment_link_opened(link=link)
        return _page(request, "staff/enrol_link.html", {"form": EnrolLinkForm(), "person": person, "token": token})

    form = EnrolLinkForm(request.POST)
    if not form.is_valid():
        return _page(request, "staff/enrol_link.html", {"form": form, "person": person, "token": token}, status=400)
    # Through authenticate(), so django-axes counts failures and refuses locked accounts.
    user = authenticate(request=request, username=person, password=form.cleaned_data["password"])
    if user is None:
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, person)
        form.add_error("password", "That password is not right for this account.")
        return _page(request, "staff/enrol_link.html", {"form": form, "person": person, "token": token}, status=400)
    if request.user.is_authenticated:
        logout(request)  # whoever was signed in here, this is now someone else's sign-in
    pending_start(request, user)
    enrolment.attempt_start(request, user=user, link=link)
    audit_record(
        actor=None,
        actor_username=person,
        action=AuditEvent.Action.ENROLMENT_STARTED,
        target=user,
        summary="Passed the password at an enrolment link",
        details={"link": link.pk},
    )
    return redirect("staff:enrol")


def _enrolling(request: HttpRequest):
    """(user, link id, pending) for whoever may enrol here, or a response sending them elsewhere."""
    user, pending = _signing_in(request)
    if user is None:
        return redirect(_with_next("staff:login", request))
    if pending or not user.is_verified():
        attempt = enrolment.attempt_for(request, user) if pending else None
        if enrolment.has_primary_factor(user) or (attempt is None and enrolment.has_second_factor(user)):
            # Replacing a factor needs two managers to remove the old one first:
            # otherwise a stolen password alone could enrol the thief's phone.
            return redirect(_with_next("staff:verify", request))
        if attempt is None:
            return _no_second_factor(request, user)
        return user, attempt["link"], True
    # Signed in past the second factor (say with a recovery code) and adding an app.
    if _has_authenticator(user):
        return redirect(_next_url(request))
    return user, None, False


@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    found = _enrolling(request)
    if isinstance(found, HttpResponse):
        return found
    user, link_id, pending = found
    # One secret per attempt, kept in this session only: nobody else is ever shown it.
    key = enrolment.totp_key_for(request, user)
    device = enrolment.totp_config(user=user, key=key)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        # Wrong codes here count towards the lockout exactly as at the verify step.
        credentials = {"username": user.get_username(), "stage": "enrolment"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return _end_locked_session(request, user)
        if form.is_valid():
            result = enrolment.totp_enrol(user=user, key=key, code=form.cleaned_data["otp_token"], link_id=link_id)
            if result.device is not None:
                return enrolment_finished(request, user, result.device, method="totp")
            if result.refused:
                enrolment.attempt_clear(request)
                pending_clear(request)
                messages.error(request, result.refused)
                return redirect("staff:login")
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _end_locked_session(request, user)
            form.add_error("otp_token", "That code did not match. Check the time on your phone and try the next code.")
    else:
        audit_record(
            actor=None if pending else user,
            actor_username=user.get_username(),
            action=AuditEvent.Action.ENROLMENT_STARTED,
            target=user,
            summary="Opened the enrolment page (the attempt's own authenticator secret shown)",
            details={"link": link_id},
        )
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "person": user.get_username(),
        "qr": qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "issuer": settings.OTP_TOTP_ISSUER,
        "passkey_config": passkeys.passkey_config(request),
        "passkey_rp_id": settings.OTP_WEBAUTHN_RP_ID,
    }
    return _page(request, "staff/enrol.html", context, status=status)


def enrolment_finished(request: HttpRequest, user, device, *, method: str) -> HttpResponse | None:
    """A new factor is saved: sign in with it (if not yet) and put it on the trail.

    Recovery codes are made only for someone who has none: an account that
    already holds some keeps them. For a passkey (a JSON request) the codes
    are made from the account page, which asks for them; returns None then.
    """
    pending = pending_user(request) is not None
    enrolment.attempt_clear(request)
    _sign_in_complete(request, user, device, pending)
    what = "a passkey" if method == "passkey" else "an authenticator app"
    audit_record(actor=user, action=AuditEvent.Action.ENROLLED, target=device, summary=f"Enrolled {what}")
    if pending:
        audit_record(actor=user, action=AuditEvent.Action.LOGIN, summary="Signed in", details={"method": method})
    if method == "passkey":
        return None
    if services.recovery_codes_left(user=user) or RecoveryCodeDevice.objects.filter(user=user).exists():
        messages.success(request, "Your authenticator app is set up. Your recovery codes are unchanged.")
        return redirect(_next_url(request))
    codes = services.recovery_codes_issue(user=user)
    # Shown in this response only: only a keyed hash of each is stored
    # (staff.recovery), so they can never be shown again.
    context = {"codes": codes, "first_time": True, "next": _next_url(request)}
    return _page(request, "staff/recovery_codes.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        setattr(request, LOGOUT_REASON, "Logged out")
        logout(request)  # flushes the session on the server, not only the cookie
    else:
        request.session.flush()  # a half-finished sign-in, if any, ends too
    messages.info(request, "You are signed out.")
    return redirect("staff:login")


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "roles": role_names(request.user),
        "recovery_left": services.recovery_codes_left(user=request.user),
        "has_totp": _has_authenticator(request.user),
        "passkeys": passkeys.passkey_count(request.user),
        "passkey_config": passkeys.passkey_config(request),
        "passkey_rp_id": settings.OTP_WEBAUTHN_RP_ID,
    }
    return render(request, "staff/home.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    # Django's form runs AUTH_PASSWORD_VALIDATORS (12 characters at least, not common, not numeric).
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            # Keeps this session (and its second factor); the user's other sessions end.
            update_session_auth_hash(request, form.user)
            audit_record(actor=request.user, action=AuditEvent.Action.PASSWORD_CHANGED, summary="Changed password")
            messages.success(request, "Your password has been changed.")
            return redirect("staff:home")
        return render(request, "staff/password.html", {"form": form}, status=400)
    return render(request, "staff/password.html", {"form": form})


@staff_view()
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    codes = services.recovery_codes_issue(user=request.user)
    audit_record(actor=request.user, action=AuditEvent.Action.RECOVERY_CODES_ISSUED, summary="Made new recovery codes")
    return render(request, "staff/recovery_codes.html", {"codes": codes, "first_time": False, "next": ""})


def _audit_filter(request: HttpRequest) -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {k: v for k, v in form.cleaned_data.items() if v}
    return form, {}


@staff_view("staff.view_audit")
def audit_list(request: HttpRequest) -> HttpResponse:
    form, filters = _audit_filter(request)
    page = Paginator(audit_events_filtered(**filters), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)}
    return render(request, "staff/audit_list.html", context, status=400 if form.errors else 200)


@staff_view("staff.view_audit")
def audit_export(request: HttpRequest) -> HttpResponse:
    form, filters = _audit_filter(request)
    if form.errors:
        return redirect(f"{reverse('staff:audit')}?{request.GET.urlencode()}")
    events = audit_events_filtered(**filters)
    count = events.count()
    # The export is itself on the trail, before any of it leaves the building.
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORTED,
        target=("staff.auditevent", "csv"),
        summary=f"Exported {count} audit events as CSV",
        details={"filters": {k: str(v) for k, v in filters.items()}, "rows": count},
    )
    response = StreamingHttpResponse(audit_csv_lines(events.iterator(chunk_size=2000)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


@staff_view("auth.change_user")
@require_http_methods(["GET", "POST"])
def enrolment_links(request: HttpRequest) -> HttpResponse:
    """A manager makes a one-time enrolment link for someone with no second factor yet."""
    form = EnrolmentLinkCreateForm(request.POST or None)
    made = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            username = form.cleaned_data["username"].strip()
            person = get_user_model().objects.filter(username=username).first()
            refusal = (
                enrolment.enrolment_link_refusal(actor=request.user, user=person)
                if person
                else f"There is no account called {username}."
            )
            if refusal:
                form.add_error("username", refusal)
            else:
                link, token = enrolment.enrolment_link_create(user=person, created_by=request.user)
                url = request.build_absolute_uri(enrolment.enrolment_link_path(token))
                made = {"person": username, "url": url, "expires_at": link.expires_at}
                form = EnrolmentLinkCreateForm()
                status = 200
    context = {
        "form": form,
        "made": made,
        "waiting": selectors.accounts_without_second_factor(),
        "links": selectors.enrolment_links_recent(),
        "hours": settings.ENROLMENT_LINK_HOURS,
    }
    return render(request, "staff/enrolment_links.html", context, status=status)
