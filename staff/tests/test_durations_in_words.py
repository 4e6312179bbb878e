"""Durations and ages read as people say them, never as Python prints a timedelta."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template

from staff.durations import age_words, duration_words

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(days=3), "3 days"),
        (timedelta(days=1, hours=4, minutes=9), "1 day, 4 hours"),
        (timedelta(days=2, minutes=5), "2 days"),
        (timedelta(hours=2), "2 hours"),
        (timedelta(hours=1, minutes=30), "1 hour, 30 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=20), "less than a minute"),
        (timedelta(0), "less than a minute"),
    ],
)
def test_it_says_a_span_in_at_most_two_units(span, words):
    assert duration_words(span) == words


def test_it_never_prints_pythons_clock_form():
    assert ":" not in duration_words(timedelta(days=3, hours=0))


def test_anything_but_a_span_is_empty():
    assert duration_words(None) == "" and duration_words("3 days") == ""


@pytest.mark.parametrize(
    ("before", "words"),
    [
        (timedelta(seconds=5), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(hours=2, minutes=10), "2 hours ago"),
        (timedelta(days=3, hours=5), "3 days ago"),
    ],
)
def test_an_age_is_one_unit_or_just_now(before, words):
    assert age_words(NOW - before, now=NOW) == words


def test_the_template_filters_use_the_same_words():
    template = Template("{% load staff_tags %}{{ span|duration_words }}|{{ at|ago:now }}|{{ at|duration_since:now }}")
    text = template.render(Context({"span": timedelta(days=3), "at": NOW - timedelta(seconds=3), "now": NOW}))
    assert text == "3 days|just now|less than a minute"
