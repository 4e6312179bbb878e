from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from memberapi import views

app_name = "memberapi"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("urllist/", views.UrlListView.as_view(), name="urllist"),
    path("urllist/hashed/", views.HashedUrlListView.as_view(), name="urllist-hashed"),
    path("reports/", views.PartnerReportsView.as_view(), name="reports"),
    path("reports/<str:reference>/", views.PartnerReportDetailView.as_view(), name="report"),
]
