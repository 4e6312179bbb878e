"""The dashboard goes through staff.access.staff_view; /healthz and /metrics are for machines."""

from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
]
