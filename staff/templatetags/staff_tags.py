from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

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
    """A timedelta as "30 minutes" or "2 hours"."""
    try:
        minutes = max(1, round(value.total_seconds() / 60))
    except AttributeError:
        return ""
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
