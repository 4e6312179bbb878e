"""The product's URLs plus /bench/floor/ (bench/submissions.py only)."""

from django.urls import include, path

from reportsite.urls import handler500
from reportsite.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("", include("bench.floor_app.urls")), *product_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
