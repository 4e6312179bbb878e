"""Passkeys (WebAuthn, through django-otp-webauthn) as a second factor for staff.

The library's own views assume a logged-in user; here, between the password
and the second factor nobody is logged in yet (staff.sessions.PENDING). So
these four JSON endpoints, driven by the library's own JavaScript, decide
who is acting themselves:

- registering: the person enrolling through a one-time link (password passed
  in this session, link still good), or a signed-in, verified person adding
  a passkey from their account page;
- signing in: the person pending in this session, with a passkey of theirs.

A passkey never replaces the password (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN
is off). Registration and every use or failed use go on the audit trail, and
failed uses count towards the lockout like wrong codes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import JsonResponse
from django.middleware import csrf
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import BaseWebAuthnView

from staff import enrolment
from staff.audit import audit_record
from staff.models import AuditEvent
from staff.sessions import pending_user

REGISTER_STATE = "staff_passkey_register_state"
AUTH_STATE = "staff_passkey_auth_state"


class StaffWebAuthnHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        if not settings.PRODUCTION:
            # Development and tests: this page's own origin, when its host is the
            # RP ID (the browser has already refused any other host for that RP ID).
            own = f"{self.request.scheme}://{self.request.get_host()}"
            if urlsplit(own).hostname == settings.OTP_WEBAUTHN_RP_ID and own not in origins:
                origins.append(own)
        return origins


def available_here(request) -> bool:
    """Can a browser make or use a passkey for this site at the address it is on?

    Only at the RP ID or a subdomain of it: at http://127.0.0.1:8000, say, the
    browser would refuse, so the pages offer the other factors only.
    """
    host = urlsplit(f"//{request.get_host()}").hostname or ""
    rp_id = settings.OTP_WEBAUTHN_RP_ID
    return host == rp_id or host.endswith("." + rp_id)


def passkey_count(user) -> int:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).count()


def passkey_config(request) -> dict | None:
    """What the library's JavaScript reads from the page (json_script "otp_webauthn_config");
    None where passkeys cannot work (see available_here), and then no script is loaded."""
    if not available_here(request):
        return None
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("staff:passkey_auth_begin"),
        "completeAuthenticationUrl": reverse("staff:passkey_auth_complete"),
        "beginRegistrationUrl": reverse("staff:passkey_register_begin"),
        "completeRegistrationUrl": reverse("staff:passkey_register_complete"),
    }


def _registrant(request):
    """(user, link id or None): who may register a passkey from this session, else (None, None)."""
    user = request.user
    if user.is_authenticated:
        if user.is_verified():
            return user, None
        return None, None
    pending = pending_user(request)
    if pending is None:
        return None, None
    attempt = enrolment.attempt_for(request, pending)
    if attempt is None or enrolment.has_primary_factor(pending):
        return None, None
    return pending, attempt["link"]


@method_decorator(never_cache, name="dispatch")
class RegisterBegin(BaseWebAuthnView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        user, _link = _registrant(request)
        if user is None:
            raise exceptions.NotAuthenticated()
        data, state = WebAuthnCredential.get_webauthn_helper(request=request).register_begin(user=user)
        request.session[REGISTER_STATE] = {**state, "user": str(user.pk)}
        return JsonResponse(data)


@method_decorator(never_cache, name="dispatch")
class RegisterComplete(BaseWebAuthnView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        # Popped and saved first: a challenge is answered once, whatever happens next.
        state = request.session.pop(REGISTER_STATE, None)
        request.session.save()
        user, link_id = _registrant(request)
        if user is None:
            raise exceptions.NotAuthenticated()
        if not state or state.get("user") != str(user.pk):
            raise exceptions.InvalidState()
        helper = WebAuthnCredential.get_webauthn_helper(request=request)
        try:
            with transaction.atomic():
                if link_id is not None and not enrolment.enrolment_link_claim(link_id=link_id, user=user):
                    raise exceptions.InvalidState(detail="This enrolment link has been used or has ended.")
                with rewrite_exceptions():
                    device = helper.register_complete(user=user, state=state, data=request.data)
                audit_record(
                    actor=user,
                    action=AuditEvent.Action.PASSKEY_REGISTERED,
                    target=device,
                    summary="Registered a passkey",
                    details={"passkey": device.pk, "via": "enrolment link" if link_id else "account page"},
                )
        except exceptions.OTPWebAuthnApiError:
            _failed(request, user, stage="passkey_registration")
            raise
        if link_id is None:
            return JsonResponse({"id": device.pk, "redirect_url": reverse("staff:home")})
        # Enrolled through the link: now signed in, with the passkey as the factor used.
        from staff.views import enrolment_finished

        enrolment_finished(request, user, device, method="passkey")
        return JsonResponse({"id": device.pk, "redirect_url": reverse("staff:home")})


@method_decorator(never_cache, name="dispatch")
class AuthBegin(BaseWebAuthnView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        user = pending_user(request)
        if user is None or not user.is_active:
            raise exceptions.NotAuthenticated()
        helper = WebAuthnCredential.get_webauthn_helper(request=request)
        # A second factor after the password: the passkey need not ask for a PIN as well.
        data, state = helper.authenticate_begin(user=user, require_user_verification=False)
        request.session[AUTH_STATE] = {**state, "user": str(user.pk)}
        return JsonResponse(data)


@method_decorator(never_cache, name="dispatch")
class AuthComplete(BaseWebAuthnView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        state = request.session.pop(AUTH_STATE, None)
        request.session.save()
        user = pending_user(request)
        if user is None or not user.is_active:
            raise exceptions.NotAuthenticated()
        if not state or state.get("user") != str(user.pk):
            raise exceptions.InvalidState()
        credentials = {"username": user.get_username(), "stage": "passkey"}
        if not AxesProxyHandler.is_allowed(request, credentials):
            raise exceptions.OTPWebAuthnApiError(detail="Locked out. Try again later.", code="locked_out")
        helper = WebAuthnCredential.get_webauthn_helper(request=request)
        try:
            with rewrite_exceptions():
                device = helper.authenticate_complete(user=user, state=state, data=request.data)
            if not device.confirmed:
                raise exceptions.CredentialDisabled()
        except exceptions.OTPWebAuthnApiError:
            _failed(request, user, stage="passkey")
            raise
        from staff.views import _next_url, _sign_in_complete

        _sign_in_complete(request, user, device, True)
        audit_record(actor=user, action=AuditEvent.Action.LOGIN, summary="Signed in", details={"method": "passkey"})
        return JsonResponse({"id": device.pk, "redirect_url": _next_url(request)})


def _failed(request, user, *, stage: str) -> None:
    """A failed passkey step: on the trail, and a failure for the lockout (through the signal)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), "stage": stage}, request=request
    )


# The library's script calls gettext(); Django's catalog of its strings
# provides it, from this site (script-src 'self').
passkey_catalog = JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])
