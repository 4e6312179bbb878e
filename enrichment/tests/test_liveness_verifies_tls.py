"""https: SNI and certificate verification against the reported name, on the address checked."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest

from enrichment import liveness
from enrichment.liveness import check_url
from testsupport.loopback import MIB, Reply, answers, big_jpeg

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

RESOLVER = answers({"site.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    """A test CA and a certificate for site.test that it signed."""
    where = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-subj", "/CN=Test CA", "-days", "1", "-keyout", "ca.key", "-out", "ca.pem", cwd=where)
    openssl("req", *ec, "-subj", "/CN=site.test", "-keyout", "site.key", "-out", "site.csr", cwd=where)
    (where / "san.ext").write_text("subjectAltName=DNS:site.test\n")
    openssl(
        "x509", "-req", "-in", "site.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "1", "-extfile", "san.ext", "-out", "site.pem", cwd=where,
    )  # fmt: skip
    return where


@pytest.fixture
def tls_server(serve, certs):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certs / "site.pem", certs / "site.key")
    return serve(lambda request: Reply(200, [("Content-Type", "image/gif")]), tls=context)


@pytest.fixture
def trust_test_ca(monkeypatch, certs):
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    monkeypatch.setattr(liveness, "tls_context", lambda: context)


@pytest.mark.usefixtures("trust_test_ca")
def test_it_checks_https_with_sni_and_the_name_as_host(tls_server):
    result = check_url(f"https://site.test:{tls_server.port}/x.gif", resolver=RESOLVER)

    assert (result.outcome, result.status, result.content_type) == ("ok", 200, "image/gif")
    request = tls_server.requests[0]
    assert request.sni == "site.test"
    assert request.headers["host"] == f"site.test:{tls_server.port}"


@pytest.mark.usefixtures("trust_test_ca")
def test_it_refuses_a_certificate_for_another_name(tls_server):
    result = check_url(f"https://other.test:{tls_server.port}/", resolver=RESOLVER)

    assert result.outcome == "error"
    assert result.error.startswith("TLS certificate error: Hostname mismatch")
    assert result.status is None
    assert tls_server.requests == []


def test_it_refuses_a_certificate_from_an_unknown_authority(tls_server):
    result = check_url(f"https://site.test:{tls_server.port}/", resolver=RESOLVER)

    assert result.outcome == "error"
    assert result.error.startswith("TLS certificate error: ")
    assert tls_server.requests == []


def test_it_reports_a_server_that_does_not_speak_tls(serve):
    server = serve(lambda request: Reply(200))

    result = check_url(f"https://127.0.0.1:{server.port}/")

    assert result.outcome == "error"
    assert result.error.startswith("TLS error")


@pytest.mark.usefixtures("trust_test_ca")
def test_it_closes_a_tls_connection_after_the_headers_of_a_big_body(serve, certs):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certs / "site.pem", certs / "site.key")
    server = serve(lambda request: Reply(200, [("Content-Length", str(50 * MIB))], big_jpeg()), tls=context)

    result = check_url(f"https://site.test:{server.port}/", resolver=RESOLVER)

    server.wait_finished(1)
    assert (result.outcome, result.content_length) == ("ok", 50 * MIB)
    assert result.bytes_read < 64 * 1024
    assert server.connections[0].closed_by_client
    assert server.connections[0].bytes_sent < 64 * 1024
