import re

import pytest

from reports.models import Report, UrlRecord
from testsupport.reports import report_data, send_report


@pytest.mark.django_db
def test_the_form_page_says_what_to_report_and_what_not_to_do(client):
    body = client.get("/").content.decode()
    assert "do not download, screenshot or share" in body.lower()
    assert "anonymous" in body.lower()
    assert "What happens next" in body
    assert 'type="file"' not in body and "multipart" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "sentence"),
    [("/", "Fields marked * must be filled in."), ("/fr/", "Les champs marqués d’un * sont obligatoires.")],
)
def test_the_form_says_what_the_asterisk_means_and_marks_exactly_the_required_fields(client, path, sentence):
    body = client.get(path).content.decode()
    assert sentence in body
    labels = re.findall(r'<label\s+for="id_(\w+)"[^>]*>(.*?)</label>', body, re.S)
    marked = {name for name, text in labels if 'class="asteriskField"' in text}
    assert marked == {"addresses"}  # the choices are marked on their legends, below
    legends = re.findall(r"<legend[^>]*>(.*?)</legend>", body, re.S)
    assert sum('class="asteriskField"' in legend for legend in legends) == 2  # seen, found_on


@pytest.mark.django_db
def test_a_good_report_is_stored_and_confirmed(client):
    response = send_report(client, ["www.example.com/x", "https://example.org/y"], description="seen in a forum")
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.description == "seen in a forum"
    assert sorted(report.records.values_list("url", flat=True)) == ["http://www.example.com/x", "https://example.org/y"]


@pytest.mark.django_db
def test_one_bad_line_out_of_five_is_named_and_everything_typed_is_kept(client):
    lines = ["http://a.example/1", "http://b.example/2", "javascript:alert(1)", "http://c.example/3", "d.example/4"]
    response = send_report(client, lines, description="keep me")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 3" in body
    assert "Line 1" not in body and "Line 4" not in body
    for line in ["http://a.example/1", "http://c.example/3", "d.example/4", "keep me"]:
        assert line in body
    assert Report.objects.count() == 0 and UrlRecord.objects.count() == 0


@pytest.mark.django_db
def test_errors_are_summarised_at_the_top_and_tied_to_their_field(client):
    response = send_report(client, "file:///etc/passwd", seen="")
    body = response.content.decode()
    assert 'class="alert alert-danger error-summary"' in body
    assert 'href="#id_addresses"' in body and 'href="#id_seen_0"' in body
    assert 'aria-describedby="id_addresses_error' in body or 'id="error_1_id_addresses"' in body
    assert "autofocus" in body


@pytest.mark.django_db
def test_no_address_and_too_many_addresses_are_refused(client):
    assert send_report(client, "  \n ").status_code == 400
    response = send_report(client, [f"http://example.com/{i}" for i in range(21)])
    assert response.status_code == 400
    assert "21" in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_description_over_1000_characters_is_refused(client):
    assert send_report(client, description="x" * 1001).status_code == 400
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_an_email_address_is_optional_but_must_be_valid_if_given(client, settings):
    settings.REPORT_RATE_LIMIT = 0
    assert send_report(client, contact_email="not an email").status_code == 400
    assert send_report(client, contact_email="someone@example.org").status_code == 200
    assert Report.objects.get().contact_email == "someone@example.org"


@pytest.mark.django_db
def test_a_request_carrying_a_file_is_refused_and_stores_nothing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = report_data()
    data["picture"] = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    response = client.post("/", data)  # the test client sends multipart/form-data
    assert response.status_code == 415
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_a_body_over_64_kib_is_refused(client):
    from urllib.parse import urlencode

    body = urlencode(report_data(description="x" * (70 * 1024)))
    response = client.post("/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 413)
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_the_form_works_without_javascript(client):
    body = client.get("/").content.decode()
    # The one script is the quick exit's (location.replace, the Esc key), which the form does not
    # need and which is itself a plain link without it (tests_browser/test_quick_exit.py).
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/js/quick_exit.js" defer>']
    assert "<script>" not in body and "onclick" not in body
