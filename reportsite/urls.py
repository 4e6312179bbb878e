from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The public pages answer at / in English and at /fr/, /de/, ... in the other
# LANGUAGES (publicsite.language sends a first visit to the browser's language).
# Staff, admin, API and operations URLs have no prefix and stay English.
urlpatterns = i18n_patterns(path("", include("publicsite.urls")), prefix_default_language=False) + [
    path("staff/", include("staff.urls")),
    path("triage/", include("triage.urls")),
    path("takedown/", include("takedown.urls")),
    path("api/v1/exchange/", include("exchange.urls")),
    path("api/v1/", include("memberapi.urls")),
    path("api/v1/feeds/", include("feeds.urls")),
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
]

# A database that is down answers 503 with Retry-After; any other error, the 500 page.
handler500 = "reportsite.errors.server_error"
