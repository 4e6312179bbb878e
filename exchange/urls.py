from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("forwards/", views.ForwardsView.as_view(), name="forwards"),
    path("status/", views.StatusView.as_view(), name="status"),
]
