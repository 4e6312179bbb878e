"""Durations and ages in words, as people say them: "3 days", "2 hours", "just now".

Python's own str(timedelta) ("3 days, 0:00:00") and Django's timesince
("0 minutes") leak onto staff pages otherwise.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def duration_words(value: timedelta | None, *, parts: int = 2) -> str:
    """A span in at most `parts` units, largest first: "3 days", "1 day, 4 hours", "45 minutes".

    Units that are zero are left out; under a minute is "less than a minute".
    Anything but a timedelta gives "" (a template shows its default).
    """
    if not isinstance(value, timedelta):
        return ""
    seconds = int(abs(value.total_seconds()))
    if seconds < 60:
        return "less than a minute"
    words = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            words.append(_plural(count, unit))
        elif words:
            break  # "1 day, 0 hours, 5 minutes" would say more than it helps
        if len(words) == parts:
            break
    return ", ".join(words)


def age_words(moment: datetime | None, *, now: datetime | None = None) -> str:
    """How long ago: "just now" under a minute, else "2 hours ago" (one unit: a glance, not a sum)."""
    if not isinstance(moment, datetime):
        return ""
    span = (now or timezone.now()) - moment
    if span < timedelta(minutes=1):
        return "just now"
    return f"{duration_words(span, parts=1)} ago"


def since(moment: datetime | None, *, now: datetime | None = None) -> timedelta | None:
    """The time from `moment` to now; None for anything but a moment."""
    if not isinstance(moment, datetime):
        return None
    return (now or timezone.now()) - moment
