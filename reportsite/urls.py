from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls")),
    path("staff/", include("staff.urls")),
    path("triage/", include("triage.urls")),
    path("takedown/", include("takedown.urls")),
    path("api/v1/", include("memberapi.urls")),
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
]

# A database that is down answers 503 with Retry-After; any other error, the 500 page.
handler500 = "reportsite.errors.server_error"
