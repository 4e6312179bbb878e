from __future__ import annotations

from django import template

from triage import defang as _defang
from triage.models import Outcome

register = template.Library()


@register.filter
def defang(value) -> str:
    """An address as inert text; the template still escapes it."""
    return _defang.defang(str(value or ""))


@register.filter
def defang_text(value) -> str:
    """Free text (a description, an error, a note) with every address in it inert; still escaped by the template."""
    return _defang.defang_text(str(value or ""))


@register.filter
def defang_host(value) -> str:
    return _defang.defang_host(str(value or ""))


@register.filter
def outcome_label(value) -> str:
    try:
        return Outcome(value).label
    except ValueError:
        return str(value or "")


@register.simple_tag
def to_confirm_count(user, known=None) -> int:
    """Criminal assessments by others awaiting this senior's confirmation (one count on a partial index).

    `known`: the count a page already read with its own first query (the
    record page: triage.selectors.record_with_state); no second query then.
    """
    if isinstance(known, int):
        return known
    from triage import selectors

    return selectors.to_confirm().exclude(assessment__analyst=user).count()
