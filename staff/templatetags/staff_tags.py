from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from staff import durations
from staff.roles import role_label

register = template.Library()


@register.simple_tag
def url_or(name: str, fallback: str) -> str:
    """reverse(name), or `fallback` while the named page does not exist yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@register.simple_tag
def staff_role(user) -> str:
    return role_label(user)


@register.filter
def duration_words(value) -> str:
    """A timedelta as "30 minutes", "2 hours" or "1 day, 4 hours" (staff.durations)."""
    return durations.duration_words(value)


@register.filter
def ago(value, now=None) -> str:
    """A moment as "just now" or "3 days ago" (staff.durations)."""
    return durations.age_words(value, now=now)


@register.filter
def duration_since(value, now=None) -> str:
    """How long since a moment, as a span: "3 days", "2 hours, 5 minutes" (staff.durations)."""
    return durations.duration_words(durations.since(value, now=now))
