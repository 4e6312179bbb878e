from __future__ import annotations

from django import template

from dashboard.presenters import short_duration as _short_duration

register = template.Library()


@register.filter
def num(value: float) -> str:
    """A coordinate with one decimal, always with a dot whatever the locale."""
    return f"{float(value):.1f}"


@register.filter
def sum_values(values) -> int:
    return sum(values)


@register.filter
def intcomma_plain(value) -> str:
    return f"{int(value):,}" if value is not None else "–"


@register.filter
def short_duration(value) -> str:
    return _short_duration(value)


@register.filter
def add_class(field, css: str):
    return field.as_widget(attrs={"class": css})
