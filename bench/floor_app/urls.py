from django.urls import path

from bench.floor_app.views import floor

urlpatterns = [path("bench/floor/", floor, name="bench-floor")]
