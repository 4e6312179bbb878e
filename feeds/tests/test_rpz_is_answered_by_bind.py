"""The served zone passes BIND's named-checkzone, and BIND's named, loading it as its response
policy zone, answers NXDOMAIN (or the splash CNAME) for a dedicated domain and its subdomains, and
normally for a page-level entry's domain and for unlisted names.

named runs unprivileged-style from a temporary directory on a loopback port, authoritative for a
small "test." zone, since there is no internet to resolve anything else.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
from django.urls import reverse

from feeds.tests.helpers import body, dedicated, feed_client, listed
from testsupport.services import require

pytestmark = pytest.mark.django_db

TEST_ZONE = """$TTL 60
@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60
@ IN NS ns.test.
ns IN A 127.0.0.1
bad IN A 192.0.2.1
www.bad IN A 192.0.2.1
*.bad IN A 192.0.2.1
good IN A 192.0.2.2
other IN A 192.0.2.3
splash IN A 192.0.2.99
"""

CONFIG = """options {{
    directory "{dir}";
    pid-file "{dir}/named.pid";
    session-keyfile "{dir}/session.key";
    managed-keys-directory "{dir}";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion yes;
    allow-query {{ 127.0.0.1; }};
    allow-recursion {{ 127.0.0.1; }};
    dnssec-validation no;
    response-policy {{ zone "rpz.local"; }};
}};
zone "rpz.local" {{ type primary; file "{dir}/rpz.zone"; allow-query {{ none; }}; }};
zone "test" {{ type primary; file "{dir}/test.zone"; }};
"""


def tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
    if path is None:
        require(f"BIND's {name}", "it is not installed (apt-get install bind9 bind9-utils)")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        tcp.bind(("127.0.0.1", 0))
        return tcp.getsockname()[1]


def served_zone() -> str:
    response = feed_client().get(reverse("feeds:rpz"))
    assert response.status_code == 200
    return body(response).decode()


def ask(port: int, name: str) -> dns.message.Message:
    return dns.query.udp(dns.message.make_query(name, dns.rdatatype.A), "127.0.0.1", port=port, timeout=2)


@pytest.fixture
def named(tmp_path: Path):
    """Start named on the zone given; yields a function that returns the port."""
    binary = tool("named")
    processes: list[subprocess.Popen] = []

    def start(zone: str) -> int:
        (tmp_path / "rpz.zone").write_text(zone)
        (tmp_path / "test.zone").write_text(TEST_ZONE)
        port = free_port()
        (tmp_path / "named.conf").write_text(CONFIG.format(dir=tmp_path, port=port))
        process = subprocess.Popen(
            [binary, "-g", "-4", "-c", str(tmp_path / "named.conf")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("named stopped:\n" + process.stdout.read().decode(errors="replace")[-3000:])
            try:
                ask(port, "other.test.")
                return port
            except (OSError, dns.exception.Timeout):
                time.sleep(0.2)
        pytest.fail("named did not answer within 20 seconds")

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def addresses(answer: dns.message.Message) -> set[str]:
    return {item.address for rrset in answer.answer if rrset.rdtype == dns.rdatatype.A for item in rrset}


def test_named_checkzone_accepts_the_served_zone(analyst, senior, tmp_path):
    checkzone = tool("named-checkzone")
    dedicated("http://www.bad.test/a", analyst, senior)
    dedicated("http://xn--bcher-kva.test/b", analyst, senior)
    (tmp_path / "rpz.zone").write_text(served_zone())
    checked = subprocess.run(
        [checkzone, "rpz.local", str(tmp_path / "rpz.zone")], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK" in checked.stdout


def test_named_answers_nxdomain_for_a_dedicated_domain_and_normally_for_the_rest(analyst, senior, named):
    dedicated("http://www.bad.test/a", analyst, senior)
    listed("http://good.test/only-this-page", analyst, senior)  # page-level: the domain stays reachable
    port = named(served_zone())
    for name in ("bad.test.", "www.bad.test.", "anything.below.bad.test."):
        assert ask(port, name).rcode() == dns.rcode.NXDOMAIN, name
    assert addresses(ask(port, "good.test.")) == {"192.0.2.2"}
    assert addresses(ask(port, "other.test.")) == {"192.0.2.3"}


def test_named_answers_with_the_splash_page_when_one_is_configured(analyst, senior, named, settings):
    settings.RPZ_SPLASH_CNAME = "splash.test"
    dedicated("http://www.bad.test/a", analyst, senior)
    port = named(served_zone())
    answer = ask(port, "www.bad.test.")
    assert answer.rcode() == dns.rcode.NOERROR
    cnames = [str(item.target) for rrset in answer.answer if rrset.rdtype == dns.rdatatype.CNAME for item in rrset]
    assert cnames == ["splash.test."]
    assert addresses(answer) == {"192.0.2.99"}
    assert addresses(ask(port, "other.test.")) == {"192.0.2.3"}
