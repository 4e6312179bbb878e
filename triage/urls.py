"""Every route here goes through staff.access.staff_view (test_every_route_checks_roles enforces it)."""

from django.urls import path

from triage.views import bulk, confirm, queue, record, search

app_name = "triage"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("next/", queue.next_record, name="next"),
    path("record/<int:pk>/", record.record, name="record"),
    path("record/<int:pk>/claim/", record.claim, name="claim"),
    path("record/<int:pk>/release/", record.release, name="release"),
    path("record/<int:pk>/assess/", record.assess, name="assess"),
    path("record/<int:pk>/confirm/", confirm.confirm, name="confirm"),
    path("confirm/", confirm.to_confirm, name="to_confirm"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("bulk/apply/", bulk.bulk_apply, name="bulk_apply"),
    path("search/", search.records_search, name="search"),
]
