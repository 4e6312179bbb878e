from django.urls import path

from feeds import views

app_name = "feeds"

urlpatterns = [
    path("rpz/", views.RpzZoneView.as_view(), name="rpz"),
    path("misp/manifest.json", views.MispManifestView.as_view(), name="misp-manifest"),
    path("misp/hashes.csv", views.MispHashesView.as_view(), name="misp-hashes"),
    path("misp/<str:event>.json", views.MispEventView.as_view(), name="misp-event"),
    path("taxii2/", views.TaxiiDiscoveryView.as_view(), name="taxii-discovery"),
    path("taxii2/urllist/", views.TaxiiApiRootView.as_view(), name="taxii-root"),
    path("taxii2/urllist/collections/", views.TaxiiCollectionsView.as_view(), name="taxii-collections"),
    path("taxii2/urllist/collections/<str:collection>/", views.TaxiiCollectionView.as_view(), name="taxii-collection"),
    path(
        "taxii2/urllist/collections/<str:collection>/objects/",
        views.TaxiiObjectsView.as_view(),
        name="taxii-objects",
    ),
    path(
        "taxii2/urllist/collections/<str:collection>/manifest/",
        views.TaxiiManifestView.as_view(),
        name="taxii-manifest",
    ),
]
