"""The admin site: django-otp's OTPAdminSite, signing in through the staff pages.

OTPAdminSite refuses anyone who has not passed the second factor. Its own
login form would be a second, differently audited way in, so the admin's
login page sends people to ours instead.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite


def _refuse(*args, **kwargs) -> bool:
    return False


def admin_lock_two_person_models(site) -> None:
    """Second-factor devices (every kind, passkeys included) and role groups are read-only in the admin.

    Adding a device to someone's account, or removing theirs, is how one
    person would take the account over; a role group's permissions are code
    (staff.roles). Done for every registered Device model, so a device admin a
    package registers later (django-otp-webauthn's) is covered too.
    """
    from django.contrib.auth.models import Group
    from django_otp.models import Device

    for model, model_admin in site._registry.items():
        if issubclass(model, Device) or model is Group:
            model_admin.has_add_permission = _refuse
            model_admin.has_change_permission = _refuse
            model_admin.has_delete_permission = _refuse


class StaffAdminSite(OTPAdminSite):
    site_header = "reportsite administration"
    site_title = "reportsite admin"

    def get_urls(self):
        # Called once every app has registered its admins.
        admin_lock_two_person_models(self)
        return super().get_urls()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index")
        user = request.user
        if user.is_authenticated and not user.is_verified():
            return redirect(f"{reverse('staff:verify')}?{urlencode({'next': target})}")
        if user.is_authenticated:
            # Verified but not admin staff: the admin would loop back here.
            from staff.access import staff_refusal

            return staff_refusal(request, "admin")
        from staff.sessions import pending_user

        if pending_user(request) is not None:
            # Past the password step only: on to the second factor.
            return redirect(f"{reverse('staff:verify')}?{urlencode({'next': target})}")
        return redirect(f"{reverse('staff:login')}?{urlencode({'next': target})}")
