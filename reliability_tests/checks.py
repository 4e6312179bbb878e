"""What "stored once" and "enriched once" mean, as SQL on the private database."""

from __future__ import annotations

from collections import Counter

from reliability_tests.harness import Stack


def assert_stored_once(site: Stack, references: list[str], addresses_per_report: int) -> None:
    """Every confirmed reference is one Report with all its addresses; no Report without them."""
    assert len(references) == len(set(references)), "the site gave one reference twice"
    rows = dict(
        site.rows(
            "SELECT r.reference, count(a.id) FROM reports_report r"
            " LEFT JOIN reports_reportedaddress a ON a.report_id = r.id GROUP BY r.reference"
        )
    )
    missing = [ref for ref in references if ref not in rows]
    assert not missing, f"{len(missing)} confirmed report(s) are not stored, e.g. {missing[:3]}"
    stored = Counter(
        site.scalar("SELECT count(*) FROM reports_report WHERE reference = %s", ref) for ref in references[:50]
    )
    assert set(stored) == {1}, "a confirmed reference is stored more than once"
    half = {ref: n for ref, n in rows.items() if n != addresses_per_report}
    assert not half, f"half-written report(s): {list(half.items())[:3]}"
    # Each record's count is the number of reports naming it: nothing counted twice or lost.
    drift = site.scalar(
        "SELECT count(*) FROM reports_urlrecord u WHERE u.report_count <>"
        " (SELECT count(*) FROM reports_reportedaddress a WHERE a.record_id = u.id)"
    )
    assert drift == 0, f"{drift} record(s) whose report count disagrees with their reports"
    dup = site.scalar(
        "SELECT count(*) FROM (SELECT url_sha256 FROM reports_urlrecord GROUP BY 1 HAVING count(*) > 1) d"
    )
    assert dup == 0, "one address has two records"


def enrichment_states(site: Stack) -> dict[str, int]:
    return dict(site.rows("SELECT enrichment_state, count(*) FROM reports_urlrecord GROUP BY 1"))


def assert_enriched_once(site: Stack) -> dict[str, int]:
    """Every record enriched, with one liveness check and one set of host addresses; returns attempt counts."""
    states = enrichment_states(site)
    assert set(states) == {"enriched"}, f"records not enriched: {states}"
    # Only reported records: those seeded for the notice rounds were made enriched, without a check.
    checks = site.rows(
        "SELECT u.id, count(c.id) FROM reports_urlrecord u"
        " LEFT JOIN enrichment_livenesscheck c ON c.record_id = u.id"
        " WHERE EXISTS (SELECT 1 FROM reports_reportedaddress a WHERE a.record_id = u.id) GROUP BY u.id"
        " HAVING count(c.id) <> 1"
    )
    assert not checks, f"{len(checks)} record(s) without exactly one liveness check: {checks[:5]}"
    hosts = site.rows(
        "SELECT u.id, count(h.id) FROM reports_urlrecord u"
        " LEFT JOIN enrichment_hostaddress h ON h.record_id = u.id"
        " WHERE EXISTS (SELECT 1 FROM reports_reportedaddress a WHERE a.record_id = u.id) GROUP BY u.id"
        " HAVING count(h.id) <> 1"
    )
    assert not hosts, f"{len(hosts)} record(s) without exactly one host address: {hosts[:5]}"
    return dict(site.rows("SELECT enrichment_attempts, count(*) FROM reports_urlrecord GROUP BY 1 ORDER BY 1"))
