"""Every route here goes through staff.access.staff_view."""

from django.urls import path

from takedown import views

app_name = "takedown"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("record/<int:pk>/reply/", views.reply, name="reply"),
    path("record/<int:pk>/override/", views.override, name="override"),
]
