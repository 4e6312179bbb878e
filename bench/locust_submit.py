"""Locust users for bench/submissions.py (run by it in a second process; not a test).

Each user is one browser at a public form, over and over: GET the form page
(CSRF cookie and token, and reportsite's signed timing token), then POST it
filled in, as the browser would encode it. Three forms, one class each:

  ReportsiteUser  reportsite's report form at /, one new web address per report
  FloorUser       bench/floor_app's /bench/floor/: the same dance, one row, one task
  HelpdeskUser    django-helpdesk's public ticket form at /tickets/submit/ (multipart, like its <form>)

Every request's latency is recorded here (not locust's rounded histogram) once
BENCH_WARMUP seconds have passed, for BENCH_SECONDS; then the figures go as
JSON to BENCH_RESULTS. A POST counts as a success only if the answer is the
form's success (reportsite and the floor: 200 with a reference on the page;
helpdesk: its 302 to the ticket's page, which is not followed). Successes of
the whole run, warm-up included, are counted too, for the stored-rows check.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import secrets
import statistics
import time

import gevent
from locust import FastHttpUser, events, task

WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
RESULTS = os.environ.get("BENCH_RESULTS", "")

GET_NAME, POST_NAME = "GET form", "POST form"
window = {"start": None, "end": None, "open": False}
latencies: dict[str, list[float]] = {GET_NAME: [], POST_NAME: []}
failures: dict[str, int] = {GET_NAME: 0, POST_NAME: 0}
failure_samples: list[str] = []
totals = {"posts_ok": 0, "posts_failed": 0}

INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
SELECT = re.compile(r"<select\b[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</select>", re.IGNORECASE | re.DOTALL)
OPTION = re.compile(r"<option\b([^>]*)value=\"([^\"]*)\"([^>]*)>", re.IGNORECASE)
TEXTAREA = re.compile(r"<textarea\b[^>]*name=\"([^\"]+)\"", re.IGNORECASE)
REFERENCE = re.compile(r'id="reference"[^>]*>\s*([^<\s]+)\s*<')


def _attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else None


def form_fields(page: str) -> dict[str, tuple[str, str]]:
    """Every named field of the page's form: name -> (kind, value as served)."""
    fields: dict[str, tuple[str, str]] = {}
    for tag in INPUT.findall(page):
        name = _attr(tag, "name")
        if name:
            fields[name] = ((_attr(tag, "type") or "text").lower(), _attr(tag, "value") or "")
    for name, options in SELECT.findall(page):
        values = [(value, before + after) for before, value, after in OPTION.findall(options)]
        # The option served as selected, unless that is the empty "--------" a person must change.
        chosen = next((v for v, attrs in values if "selected" in attrs and v), None)
        if chosen is None:
            chosen = next((v for v, _ in values if v), "")
        fields[name] = ("select", chosen)
    for name in TEXTAREA.findall(page):
        fields.setdefault(name, ("textarea", ""))
    return fields


@events.test_start.add_listener
def _open_window(environment, **kwargs) -> None:
    def keep_time() -> None:
        gevent.sleep(WARMUP)
        window.update(start=time.time(), open=True)
        gevent.sleep(SECONDS)
        window.update(end=time.time(), open=False)

    gevent.spawn(keep_time)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs) -> None:
    if name == POST_NAME:
        if exception is None:
            totals["posts_ok"] += 1
        else:
            totals["posts_failed"] += 1
    if not window["open"] or name not in latencies:
        return
    if exception is None:
        latencies[name].append(response_time)
    else:
        failures[name] += 1
        if len(failure_samples) < 10:
            failure_samples.append(f"{name}: {exception}"[:300])


def _summary(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {
        "count": len(ordered),
        "mean_ms": statistics.fmean(ordered),
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "p99_ms": cuts[98],
        "max_ms": ordered[-1],
    }


@events.quitting.add_listener
def _write(environment, **kwargs) -> None:
    if not RESULTS:
        return
    start, end = window["start"], window["end"] or time.time()
    result = {
        "window_seconds": (end - start) if start else 0.0,
        "get": _summary(latencies[GET_NAME]) | {"failures": failures[GET_NAME]},
        "post": _summary(latencies[POST_NAME]) | {"failures": failures[POST_NAME]},
        "posts_ok_total": totals["posts_ok"],
        "posts_failed_total": totals["posts_failed"],
        "failure_samples": failure_samples,
    }
    with open(RESULTS, "w") as out:
        json.dump(result, out, indent=1)


class _FormUser(FastHttpUser):
    abstract = True
    form_path = "/"
    # What a browser sends with every request; without a language the portal's default is looked up.
    default_headers = {"Accept-Language": "en-GB,en;q=0.9", "User-Agent": "Mozilla/5.0 (bench)"}

    def form_page(self) -> dict[str, tuple[str, str]] | None:
        with self.client.get(self.form_path, name=GET_NAME, catch_response=True) as response:
            if response.status_code != 200 or "csrfmiddlewaretoken" not in (response.text or ""):
                response.failure(f"GET answered {response.status_code}")
                return None
            return form_fields(response.text)


class ReportsiteUser(_FormUser):
    form_path = "/"
    serial = itertools.count()

    @task
    def report(self) -> None:
        fields = self.form_page()
        if fields is None:
            return
        n = next(self.serial)
        data = {name: value for name, (kind, value) in fields.items() if kind == "hidden"}
        data |= {
            # A new address each time: a record is created and its enrichment queued.
            "addresses": f"http://bench{n % 997}.example/gallery/{secrets.token_hex(6)}/{n}.html",
            "seen": "images",
            "found_on": "website",
            "description": "",
            "contact_email": "",
            "website": "",  # the honeypot, empty as a person leaves it
        }
        with self.client.post(self.form_path, data=data, name=POST_NAME, catch_response=True) as response:
            if response.status_code != 200 or not REFERENCE.search(response.text or ""):
                response.failure(f"POST answered {response.status_code} without a reference")


class FloorUser(_FormUser):
    form_path = "/bench/floor/"
    serial = itertools.count()

    @task
    def submit(self) -> None:
        fields = self.form_page()
        if fields is None:
            return
        n = next(self.serial)
        data = {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"][1]}
        data["text"] = f"http://bench{n % 997}.example/gallery/{secrets.token_hex(6)}/{n}.html"
        with self.client.post(self.form_path, data=data, name=POST_NAME, catch_response=True) as response:
            if response.status_code != 200 or not REFERENCE.search(response.text or ""):
                response.failure(f"POST answered {response.status_code} without a reference")


def multipart(fields: dict[str, tuple[str, str]], files: list[str]) -> tuple[bytes, str]:
    """The body a browser sends for an enctype="multipart/form-data" form (empty file inputs included)."""
    boundary = "----benchFormBoundary" + secrets.token_hex(8)
    parts = []
    for name, (_, value) in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    for name in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
            "Content-Type: application/octet-stream\r\n\r\n\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


class HelpdeskUser(_FormUser):
    form_path = "/tickets/submit/"
    serial = itertools.count()

    @task
    def ticket(self) -> None:
        fields = self.form_page()
        if fields is None:
            return
        n = next(self.serial)
        typed = {
            "title": f"Report {n}",
            "body": f"http://bench{n % 997}.example/gallery/{secrets.token_hex(6)}/{n}.html",
            "submitter_email": f"reporter{n}@example.org",
        }
        sent = {}
        files = []
        for name, (kind, value) in fields.items():
            if kind == "file":
                files.append(name)
            elif kind in ("submit", "button", "checkbox", "radio"):
                continue
            else:
                sent[name] = (kind, typed.get(name, value))
        body, content_type = multipart(sent, files)
        with self.client.post(
            self.form_path, data=body, headers={"Content-Type": content_type}, name=POST_NAME,
            catch_response=True, allow_redirects=False,
        ) as response:  # fmt: skip
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "ticket=" not in location:
                response.failure(f"POST answered {response.status_code} (location {location[:80]!r})")
