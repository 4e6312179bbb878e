"""Staff pages spare queries without changing what anyone may do or how long a session lasts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff.access import _permissions_load
from staff.roles import role_label
from staff.sessions import SEEN_AT


def test_the_one_query_permissions_are_the_ones_modelbackend_reads(analyst, db):
    analyst.user_permissions.add(Permission.objects.get(codename="view_audit"))
    group = Group.objects.create(name="extra")
    group.permissions.add(Permission.objects.get(codename="view_dashboard"))
    analyst.groups.add(group)
    fresh = get_user_model().objects.get(pk=analyst.pk)
    backend = ModelBackend()
    expected = (backend.get_user_permissions(fresh), backend.get_group_permissions(fresh))

    loaded = get_user_model().objects.get(pk=analyst.pk)
    with CaptureQueriesContext(connection) as captured:
        _permissions_load(loaded)
        assert loaded.has_perm("staff.view_audit") and loaded.has_perm("triage.assess_record")
        assert not loaded.has_perm("triage.confirm_assessment")
    assert len(captured) == 1
    assert (loaded._user_perm_cache, loaded._group_perm_cache) == expected


def test_a_staff_page_opened_again_within_a_minute_writes_no_session(analyst_client, db):
    queue = reverse("triage:queue")
    analyst_client.get(queue)
    session = analyst_client.session
    seen = session[SEEN_AT] = session[SEEN_AT] - 5  # last seen five seconds ago
    session.save()
    with CaptureQueriesContext(connection) as captured:
        analyst_client.get(queue)
    assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in captured.captured_queries)
    assert analyst_client.session[SEEN_AT] == seen


def test_the_role_label_is_kept_a_minute(analyst, db):
    assert role_label(analyst) == "Analyst"
    analyst.groups.clear()
    assert role_label(analyst) == "Analyst"  # cached: display only, permissions are read live
    from django.core.cache import cache

    cache.clear()
    assert role_label(analyst) == "No role"
