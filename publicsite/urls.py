from django.urls import path

from publicsite import views

app_name = "reports"

urlpatterns = [
    path("", views.report_form, name="form"),
    path("status/", views.status, name="status"),
]
