"""Reported addresses and descriptions full of HTML and script stay inert text on every staff page."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from enrichment.models import HostAddress, LivenessCheck
from reports.addresses import url_sha256
from reports.models import UrlRecord
from testsupport.triage import assess, enriched_record, report_about
from triage.services.states import states_create

HOST = "evil-host.example.net"
NASTY_URL = f"""http://{HOST}/a?q="><img src=x onerror=alert(1)><script>alert(2)</script>&r=javascript:alert(3)"""
NASTY_TEXT = """<script>alert(1)</script> "><img src=x onerror=alert(document.cookie)> javascript:alert(4)
<a href="http://evil-host.example.net/">click</a> <iframe src="//evil-host.example.net"></iframe>"""
LOADING_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "background",
    "cite",
    "longdesc",
    "ping",
    "manifest",
    "codebase",
    "archive",
    "xlink:href",
}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k.lower(): v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture
def nasty(db, analyst):
    # Stored as it could arrive, bypassing the public form's validation.
    record = UrlRecord.objects.create(
        url=NASTY_URL,
        url_sha256=url_sha256(NASTY_URL),
        host=HOST,
        registrable_domain="example.net",
        enrichment_state="enriched",
        online=True,
    )
    states_create([record.pk])  # as enrichment's signal would
    report_about(record, description=NASTY_TEXT)
    HostAddress.objects.create(
        record=record, ip="192.0.2.66", country_code="NL", network_name=NASTY_TEXT[:200], geo_source="test"
    )
    LivenessCheck.objects.create(
        record=record,
        outcome="ok",
        status_code=200,
        content_type="text/html",
        server='<script>alert("server")</script>',
        final_url=NASTY_URL,
        connected_ip="192.0.2.66",
    )
    neighbour = enriched_record(f"http://{HOST}/other")
    assess(analyst, neighbour, "not_illegal")
    return record


def _assert_inert(html: str) -> None:
    page = parse(html)
    for tag, attrs in page.elements:
        assert tag not in {"img", "iframe", "frame", "object", "embed", "video", "audio", "source", "base"}, tag
        for name, value in attrs.items():
            if name in LOADING_ATTRIBUTES or name.startswith("on"):
                assert HOST not in value and "example[.]net" not in value, (tag, name, value)
                assert "192.0.2.66" not in value
            assert not name.startswith("on"), (tag, name)
        if tag == "a":
            href = attrs.get("href", "")
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, f"a link off our site: {href}"
            assert href.startswith(("/", "#", "?")), href
        if tag == "link":
            assert not {"prefetch", "preconnect", "dns-prefetch", "prerender", "preload"} & set(
                attrs.get("rel", "").lower().split()
            ), attrs
            assert urlsplit(attrs.get("href", "")).netloc == ""
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), "inline or foreign script"
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            pytest.fail("a meta refresh")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the description is there, escaped


def test_the_record_page_has_nothing_that_loads_or_links_the_reported_site(analyst_client, nasty):
    response = analyst_client.get(reverse("triage:record", args=[nasty.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_inert(html)
    assert "hxxp://evil-host[.]example[.]net/a?q=&quot;&gt;&lt;img" in html


def test_the_live_address_is_only_text_in_a_readonly_field_and_a_data_attribute(analyst_client, nasty):
    html = analyst_client.get(reverse("triage:record", args=[nasty.pk])).content.decode()
    carriers = [(tag, name) for tag, attrs in parse(html).elements for name, value in attrs.items() if HOST in value]
    assert sorted(carriers) == [("button", "data-copy-text"), ("input", "value")]
    readonly = next(
        attrs for tag, attrs in parse(html).elements if tag == "input" and attrs.get("id") == "live-address"
    )
    assert "readonly" in readonly


def test_the_queue_and_the_confirmation_pages_are_inert_too(analyst, analyst_client, senior2_client, nasty):
    _assert_inert_without_description(analyst_client.get(reverse("triage:queue")).content.decode())
    assess(analyst, nasty, "criminal_a")
    _assert_inert(senior2_client.get(reverse("triage:confirm", args=[nasty.pk])).content.decode())
    _assert_inert_without_description(senior2_client.get(reverse("triage:to_confirm")).content.decode())


def test_the_bulk_confirmation_page_is_inert(senior_client, nasty):
    from testsupport.triage import post

    response = post(senior_client, reverse("triage:bulk"), {"host": HOST, "outcome": "not_illegal"})
    assert response.status_code == 200
    _assert_inert_without_description(response.content.decode())


def _assert_inert_without_description(html: str) -> None:
    page = parse(html)
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name in LOADING_ATTRIBUTES:
                assert HOST not in value, (tag, name, value)
        if tag == "a":
            assert attrs.get("href", "").startswith(("/", "#", "?")), attrs
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "evil-host[.]example[.]net" in html


# Addresses hidden inside the address and inside free text: userinfo, query, fragment, descriptions, notes.
NESTED_URL = (
    "http://victim.example.org@evil-host.example.net/r?u=https://evil.example/a.jpg"
    "&ip=203.0.113.9#//second.example.com/x"
)
NESTED_TEXT = "It sent me on to https://evil.example/b.jpg and then www.evil.example and 203.0.113.9"
LIVE_NAMES = ("evil.example", "victim.example.org", "evil-host.example.net", "second.example.com", "203.0.113.9")
LIVE_SCHEME = re.compile(r"(?i)\b(?:https?|ftps?|wss?):[/\\]{2}")


class Text(HTMLParser):
    """Every text node and attribute value, except the copy field's, which must carry the live address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.copy_carriers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): v or "" for k, v in attrs}
        for name, value in attrs.items():
            if (tag == "input" and attrs.get("id") == "live-address" and name == "value") or name == "data-copy-text":
                self.copy_carriers.append(value)
            else:
                self.attributes.append(value)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _assert_no_live_address(html: str, *, attributes: bool = True) -> Text:
    page = Text()
    page.feed(html)
    text = " ".join(page.text)
    assert not LIVE_SCHEME.search(text), LIVE_SCHEME.search(text)
    for name in LIVE_NAMES:
        assert name not in text, name
        if attributes:
            assert not [value for value in page.attributes if name in value], name
    return page


@pytest.fixture
def nested(db, analyst):
    record = UrlRecord.objects.create(
        url=NESTED_URL,
        url_sha256=url_sha256(NESTED_URL),
        host="evil-host.example.net",
        registrable_domain="example.net",
        enrichment_state="enriched",
        enrichment_error=f"lookup of evil.example failed after {NESTED_URL}",
        network_name="AS-EVIL evil.example hosting",
        online=True,
    )
    states_create([record.pk])
    report_about(record, description=NESTED_TEXT)
    HostAddress.objects.create(
        record=record, ip="192.0.2.66", country_code="NL", network_name="https://evil.example/asn", geo_source="test"
    )
    LivenessCheck.objects.create(
        record=record,
        outcome="error",
        server="evil.example/1.0",
        final_url=NESTED_URL,
        redirects=[{"url": NESTED_URL, "status": 302, "location": "https://evil.example/next", "method": "HEAD"}],
        detail="connection to https://evil.example/x (203.0.113.9) refused",
    )
    return record


def test_addresses_nested_in_the_address_and_in_free_text_are_never_live_on_the_queue(analyst_client, nested):
    _assert_no_live_address(analyst_client.get(reverse("triage:queue")).content.decode())


def test_addresses_nested_in_the_address_and_in_free_text_are_never_live_on_the_record_page(
    analyst, analyst_client, nested
):
    assess(analyst, nested, "not_illegal", notes="Bounces to https://evil.example/c via victim.example.org")
    html = analyst_client.get(reverse("triage:record", args=[nested.pk])).content.decode()
    page = _assert_no_live_address(html)
    assert page.copy_carriers == [NESTED_URL, NESTED_URL]  # the deliberate copy field stays live
    for shown in (
        "hxxp://victim[.]example[.]org@evil-host[.]example[.]net/r?u=hxxps://evil[.]example/a[.]jpg",
        "It sent me on to hxxps://evil[.]example/b[.]jpg and then www[.]evil[.]example and 203[.]0[.]113[.]9",
        "lookup of evil[.]example failed",
        "connection to hxxps://evil[.]example/x (203[.]0[.]113[.]9) refused",
        "hxxps://evil[.]example/next",
        "hxxps://evil[.]example/asn",
        "Bounces to hxxps://evil[.]example/c via victim[.]example[.]org",
    ):
        assert shown in html, shown


def test_notes_with_addresses_are_dead_on_the_bulk_confirmation_page(senior_client, nested):
    from testsupport.triage import post

    response = post(
        senior_client,
        reverse("triage:bulk"),
        {"host": "evil-host.example.net", "outcome": "not_illegal", "notes": "All redirect to https://evil.example/"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    _assert_no_live_address(html, attributes=False)  # the notes ride along in a hidden field, as typed
    assert "All redirect to hxxps://evil[.]example/" in html
