"""Turning the figures into charts and tables, in the order the page shows them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from dashboard import charts
from dashboard.charts import Chart
from dashboard.models import Metric
from dashboard.selectors import AnalystRow, Figures
from reports.models import Report
from takedown.models import Takedown
from triage.models import AgeGroup, Outcome, SiteType

TOP_COUNTRIES = 20


def short_duration(value: timedelta | float | None) -> str:
    if value is None:
        return "–"
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def _categories(
    key: str, title: str, description: str, counts: Mapping[str, int], names: Mapping[str, str], *, order=None
) -> Chart:
    """A category chart: bars in the given order (or by count), with count and share in the table."""
    keys = list(order) if order is not None else sorted(counts, key=lambda k: (-counts[k], k))
    total = sum(counts.values())
    items = [(names.get(k, k or "unknown"), counts.get(k, 0)) for k in keys]
    return Chart(
        key=key,
        title=title,
        description=description,
        columns=["", "count", "share"],
        rows=[[label, f"{n:,}", share(n, total)] for label, n in items],
        csv_rows=[[label, n, round(n / total, 4) if total else ""] for label, n in items],
        svg=charts.hbars(items),
    )


def intake_charts(figures: Figures) -> list[Chart]:
    days = figures.period.days
    labels = [d.isoformat() for d in days]
    reports = [figures.daily[Metric.REPORTS].get(d, 0) for d in days]
    addresses = [figures.daily[Metric.ADDRESSES].get(d, 0) for d in days]
    hours = figures.hourly
    hour_labels = [h.strftime("%d %b %H:00") for h, _, _ in hours]
    found_names = dict(Report.FoundOn.choices)
    return [
        Chart(
            key="reports_daily",
            title="Reports received per day",
            description=f"Reports received each day from {labels[0]} to {labels[-1]} (UTC).",
            columns=["day", "reports", "addresses"],
            rows=[[label, r, a] for label, r, a in zip(labels, reports, addresses, strict=True)],
            svg=charts.columns(labels, [("reports", reports)]),
        ),
        Chart(
            key="addresses_daily",
            title="Addresses received per day",
            description="Addresses named in the reports received each day; one report may name several.",
            columns=["day", "addresses"],
            rows=[[label, a] for label, a in zip(labels, addresses, strict=True)],
            svg=charts.columns(labels, [("addresses", addresses)]),
        ),
        Chart(
            key="intake_hourly",
            title="The last 48 hours, per hour",
            description="Reports received in each hour of the 48 hours up to the end of the period (UTC).",
            columns=["hour (UTC)", "reports", "addresses"],
            rows=[[h.strftime("%Y-%m-%d %H:00"), r, a] for h, r, a in hours],
            svg=charts.columns(hour_labels, [("reports", [r for _, r, _ in hours])]),
        ),
        _categories(
            "found_on",
            "Where reporters found the addresses",
            "Reports in the period by where the reporter says they came across the address.",
            figures.totals.get(Metric.FOUND_ON, {}),
            found_names,
        ),
    ]


def outcome_charts(figures: Figures) -> list[Chart]:
    countries = figures.totals.get(Metric.HOSTING_COUNTRY, {})
    total = sum(countries.values())
    top = sorted(countries, key=lambda k: (-countries[k], k))[:TOP_COUNTRIES]
    rest = total - sum(countries[k] for k in top)
    country_rows = [[k, countries[k], share(countries[k], total)] for k in top]
    country_csv = [[k, countries[k], round(countries[k] / total, 4)] for k in top]
    if rest:
        country_rows.append(["other countries", rest, share(rest, total)])
        country_csv.append(["other", rest, round(rest / total, 4)])
    return [
        _categories(
            "outcomes",
            "Outcomes by category",
            "Assessments made in the period by outcome.",
            figures.totals.get(Metric.ASSESSMENTS, {}),
            # Shorter than its label, so it fits beside the bars on a phone.
            {**dict(Outcome.choices), Outcome.CRIMINAL_NON_PHOTOGRAPHIC: "Non-photographic"},
            order=Outcome.values,
        ),
        _categories(
            "age_groups",
            "Criminal outcomes by age group",
            "Criminal assessments in the period by the age group of the youngest child.",
            figures.totals.get(Metric.AGE_GROUP, {}),
            dict(AgeGroup.choices),
            order=AgeGroup.values,
        ),
        _categories(
            "site_types",
            "Criminal outcomes by site type",
            "Criminal assessments in the period by the kind of site.",
            figures.totals.get(Metric.SITE_TYPE, {}),
            dict(SiteType.choices),
        ),
        Chart(
            key="countries",
            title=f"Hosting countries (top {TOP_COUNTRIES})",
            description="Records confirmed criminal in the period by the country where they were hosted.",
            columns=["country", "confirmed records", "share"],
            rows=country_rows,
            csv_rows=country_csv,
            svg=charts.hbars([(k, countries[k]) for k in top], label_width=60),
            note="?? means the hosting country could not be found.",
        ),
    ]


def speed_charts(figures: Figures) -> list[Chart]:
    out = []
    for metric, key, title, description in (
        (
            Metric.ASSESS_DELAY,
            "speed_assessment",
            "From report to assessment",
            "Median and 90th percentile, per week, of the time from an address's first report to its first assessment.",
        ),
        (
            Metric.REMOVAL_DELAY,
            "speed_removal",
            "From first notice to removal",
            "Median and 90th percentile, per week, of the time from the first notice to the content being gone.",
        ),
    ):
        weeks = figures.speed.get(metric, [])
        labels = [w.week.isoformat() for w in weeks]
        out.append(
            Chart(
                key=key,
                title=title,
                description=description,
                columns=["week from", "count", "median", "90th percentile"],
                rows=[[w.week.isoformat(), w.count, short_duration(w.median), short_duration(w.p90)] for w in weeks],
                csv_rows=[[w.week.isoformat(), w.count, _seconds(w.median), _seconds(w.p90)] for w in weeks],
                svg=charts.lines(
                    labels,
                    [
                        ("median", [_seconds(w.median) for w in weeks]),
                        ("90th percentile", [_seconds(w.p90) for w in weeks]),
                    ],
                    short_duration,
                ),
                legend=[("median", "c0"), ("90th percentile", "c1")],
                note="Estimated from fixed duration buckets; CSV in seconds.",
            )
        )
    return out


def work_charts(figures: Figures, analysts: list[AnalystRow]) -> list[Chart]:
    days = figures.period.days
    labels = [d.isoformat() for d in days]
    outcomes = Outcome.values
    series = [(Outcome(o).label, [figures.assessments_daily.get(d, {}).get(o, 0) for d in days]) for o in outcomes]
    return [
        Chart(
            key="work_daily",
            title="Assessments per day, by outcome",
            description="Assessments made each day, stacked by outcome.",
            columns=["day", *[Outcome(o).label for o in outcomes], "all"],
            rows=[[label, *[s[1][i] for s in series], sum(s[1][i] for s in series)] for i, label in enumerate(labels)],
            svg=charts.columns(labels, series),
            legend=[(name, f"c{i % charts.PALETTE}") for i, (name, _) in enumerate(series)],
        ),
        Chart(
            key="analysts",
            title="Per analyst",
            description="Assessments each analyst made in the period, in alphabetical order.",
            columns=["analyst", "assessments", "criminal", "not criminal"],
            rows=[[a.username, a.assessments, a.criminal, a.not_criminal] for a in analysts],
            note="Listed alphabetically. These figures describe workload, not performance.",
        ),
    ]


def removal_statuses(figures: Figures) -> list[tuple[str, int]]:
    counts = figures.totals.get(Metric.REMOVED, {})
    names = dict(Takedown.Status.choices)
    return [(names.get(k, k), n) for k, n in sorted(counts.items())]


def all_charts(figures: Figures, analysts: list[AnalystRow]) -> dict[str, list[Chart]]:
    return {
        "intake": intake_charts(figures),
        "outcomes": outcome_charts(figures),
        "speed": speed_charts(figures),
        "work": work_charts(figures, analysts),
    }
