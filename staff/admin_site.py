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


class StaffAdminSite(OTPAdminSite):
    site_header = "reportsite administration"
    site_title = "reportsite admin"

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
