"""Every confirmed record on a host or domain counts once, even when two confirmations land at once."""

from django.db import connection

from testsupport.triage import assess, enriched_record, state_of
from triage.models import ActionedName
from triage.services.assessments import assessment_confirm


def _counts() -> dict:
    return dict(((row.kind, row.name), row.confirmed_records) for row in ActionedName.objects.all())


def test_confirmations_on_one_host_add_up(db, analyst, senior, senior2):
    records = [enriched_record(f"http://img.bad.example.org/{n}") for n in range(3)]
    for record in records:
        assess(analyst, record, "criminal_a")
        assessment_confirm(assessment=state_of(record).assessment, confirmer=senior)
    assert _counts() == {("host", "img.bad.example.org"): 3, ("domain", "example.org"): 3}


def test_two_confirmations_at_the_same_moment_on_a_new_host_both_count(db, analyst, senior, senior2):
    first, second = (enriched_record(f"http://img.bad.example.org/{n}") for n in range(2))
    assess(analyst, first, "criminal_a")
    assess(analyst, second, "criminal_a")
    other_confirmation_ran = []

    def the_other_confirmation_lands_in_between(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        # Right after the first confirmation's first look at the actioned names
        # (before it has written anything), the second confirmation runs to the end.
        if "triage_actionedname" in sql and not other_confirmation_ran:
            other_confirmation_ran.append(True)
            assessment_confirm(assessment=state_of(second).assessment, confirmer=senior2)
        return result

    with connection.execute_wrapper(the_other_confirmation_lands_in_between):
        assessment_confirm(assessment=state_of(first).assessment, confirmer=senior)
    assert other_confirmation_ran
    assert _counts() == {("host", "img.bad.example.org"): 2, ("domain", "example.org"): 2}
