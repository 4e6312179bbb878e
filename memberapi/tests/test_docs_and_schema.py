"""The API documentation and the OpenAPI schema are served by us, for anyone, with nothing inline."""

import re

import pytest
import yaml
from django.test import Client

from reports.addresses import canonicalize, url_sha256

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_describes_every_endpoint():
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/urllist/",
        "/api/v1/urllist/hashed/",
        "/api/v1/reports/",
        "/api/v1/reports/{reference}/",
    }
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiKey"]["description"],
    }


def test_the_docs_page_is_our_own_static_html_without_inline_code():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    page = b"".join(response.streaming_content).decode()
    assert "The canonical form, exactly" in page
    assert "Content-Security-Policy" in response
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"""(src|href)=["']?(data:|(https?:)?//)""", page)  # nothing inline or from elsewhere
    for asset in ("/static/api/docs.css", "/static/api/docs.js"):
        assert asset in page
        assert Client().get(asset).status_code == 200


def test_the_examples_in_the_docs_are_what_the_code_computes():
    page = b"".join(Client().get("/api/v1/docs/").streaming_content).decode()
    rows = re.findall(
        r"<tr><td><code>(.*?)</code></td><td><code>(.*?)</code></td><td><code>([0-9a-f]{64})</code>", page
    )
    assert len(rows) >= 5
    for typed, canonical, digest in rows:
        typed = typed.replace("&amp;", "&")
        assert canonicalize(typed) == canonical
        assert url_sha256(canonical) == digest
