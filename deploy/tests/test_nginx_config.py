"""deploy/nginx/reportsite.conf and deploy/tor/reportsite-onion.conf, linted and run by a real nginx.

`nginx -t` checks the files as shipped (only certificate and log paths
replaced); then nginx runs them on loopback ports, in front of a stub that
records what reached it, to show the limits, headers, refusals and logs do
what the comments say. Needs nginx (Debian: nginx-light) and openssl: skipped
without them locally, failing under CI=true.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from testsupport.services import require

REPO = Path(__file__).resolve().parents[2]
SITE_CONF = REPO / "deploy" / "nginx" / "reportsite.conf"
ONION_CONF = REPO / "deploy" / "tor" / "reportsite-onion.conf"
SITE = "reports.example.org"
ONION = "reportsite" + "abcdefghijklmnopqrstuvwxyz234567" + "q" * 14 + ".onion"
CIRCUIT = "fc00:dead:beef:4dad::1:7"


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if not found:
        require("nginx", "it is not installed (apt-get install nginx-light)")
    if not shutil.which("openssl"):
        require("openssl", "it is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",  # noqa: S607
         "-subj", f"/CN={SITE}", "-days", "2", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _paths_only(text: str, tmp: Path, cert: Path, key: Path) -> str:
    text = re.sub(r"/etc/letsencrypt/live/[^/]+/fullchain\.pem", str(cert), text)
    text = re.sub(r"/etc/letsencrypt/live/[^/]+/privkey\.pem", str(key), text)
    return text.replace("/var/log/nginx/", f"{tmp}/logs/")


def _main_conf(tmp: Path, site: str, onion: str) -> Path:
    (tmp / "logs").mkdir(exist_ok=True)
    (tmp / "reportsite.conf").write_text(site)
    (tmp / "reportsite-onion.conf").write_text(onion)
    user = "user root;\n" if hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/logs/main-error.log;\n"
        "events {}\nhttp {\n"
        + "".join(
            f"    {kind}_temp_path {tmp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"    access_log off;\n    include {tmp}/reportsite.conf;\n    include {tmp}/reportsite-onion.conf;\n}}\n"
    )
    return conf


def test_nginx_accepts_the_files_as_shipped(tmp_path):
    nginx = _nginx()
    cert, key = _certificate(tmp_path)
    conf = _main_conf(
        tmp_path,
        _paths_only(SITE_CONF.read_text(), tmp_path, cert, key),
        _paths_only(ONION_CONF.read_text(), tmp_path, cert, key),
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, check=False
    )  # noqa: S603
    assert done.returncode == 0, done.stderr


# --- nginx running the files ----------------------------------------------------------------


class _Stub(BaseHTTPRequestHandler):
    """Gunicorn's stand-in: answers 200 with a Django-like HSTS header and records each request."""

    seen: list[dict] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        _Stub.seen.append({"path": self.path, "headers": dict(self.headers.items()), "body_length": len(body)})
        payload = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


def _request(
    port: int, raw: bytes, *, tls: bool = False, sni: str = SITE, proxy_line: bytes = b""
) -> tuple[int, dict, bytes]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock, server_hostname=sni)
    with sock:
        sock.sendall(proxy_line + raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(lines[0].split()[1]), headers, body


def _http(method: str, path: str, host: str, body: bytes = b"", **headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    nginx = _nginx()
    tmp = tmp_path_factory.mktemp("nginx")
    cert, key = _certificate(tmp)
    stub = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    ports = {"http": _free_port(), "https": _free_port(), "onion": _free_port()}

    site = _paths_only(SITE_CONF.read_text(), tmp, cert, key)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{ports['http']}", site)
    site = re.sub(r"listen 443\b", f"listen 127.0.0.1:{ports['https']}", site)
    upstream = rf"\1\n    server 127.0.0.1:{stub.server_port};\n    \2"
    site = re.sub(r"(upstream reportsite_web \{).*?(keepalive)", upstream, site, flags=re.S)
    onion = _paths_only(ONION_CONF.read_text(), tmp, cert, key)
    onion = onion.replace("listen 127.0.0.1:8081", f"listen 127.0.0.1:{ports['onion']}")
    onion = re.sub(r"server_name \S+\.onion;", f"server_name {ONION};", onion)
    conf = _main_conf(tmp, site, onion)

    process = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],  # noqa: S603
                               stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", ports["onion"]), timeout=0.2).close()
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.1)
    yield {"ports": ports, "logs": tmp / "logs"}
    process.terminate()
    process.wait(timeout=10)
    stub.shutdown()


def _onion(running, method: str, path: str, body: bytes = b"", **headers: str):
    proxy = f"PROXY TCP6 {CIRCUIT} ::1 41234 80\r\n".encode()
    return _request(running["ports"]["onion"], _http(method, path, ONION, body, **headers), proxy_line=proxy)


def _site(running, method: str, path: str, body: bytes = b"", **headers: str):
    return _request(running["ports"]["https"], _http(method, path, SITE, body, **headers), tls=True)


def _reached(path: str) -> dict | None:
    return next((seen for seen in reversed(_Stub.seen) if seen["path"] == path), None)


@pytest.mark.parametrize(
    "path",
    ["/", "/fr/", "/ar/status/", "/status/", "/status", "/pl", "/p/ua/", "/p/ua/de/status/", "/static/css/site.css"],
)
def test_the_onion_vhost_passes_the_public_portal(running, path):
    status, headers, _ = _onion(running, "GET", path)
    assert status == 200
    seen = _reached(path)
    assert seen is not None
    assert seen["headers"]["X-Forwarded-Proto"] == "https"
    # The Tor circuit, for the rate limit; never an address of the reporter.
    assert seen["headers"]["X-Real-IP"] == CIRCUIT
    assert "X-Forwarded-For" not in seen["headers"]
    assert "strict-transport-security" not in headers, "no HSTS for an onion address"
    assert "location" not in headers


@pytest.mark.parametrize(
    "path",
    ["/staff/login/", "/admin/", "/admin/login/", "/triage/", "/takedown/", "/dashboard/", "/api/v1/urllist/",
     "/api/v1/docs/", "/metrics", "/healthz", "/xx/", "/french/", "/p/ua/staff/login/", "/fr/../staff/login/"],
)  # fmt: skip
def test_the_onion_vhost_refuses_everything_else(running, path):
    status, _, _ = _onion(running, "GET", path)
    assert status == 404
    assert _reached(path) is None


def test_the_onion_vhost_refuses_a_large_body(running):
    status, _, _ = _onion(running, "POST", "/", b"a" * (70 * 1024))
    assert status == 413


def test_the_onion_language_list_follows_settings_languages():
    from django.conf import settings

    pattern = re.search(r"location ~ (\^\S+\$) \{", ONION_CONF.read_text()).group(1)
    for code, _ in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        for path in (f"{prefix}/", f"{prefix}/status/", f"/p/ua{prefix}/status/"):
            assert re.fullmatch(pattern, path), f"{path} would be refused on the onion host"
    assert not re.fullmatch(pattern, "/staff/login/")


def test_the_https_site_sets_the_client_address_and_scheme_itself(running):
    status, headers, _ = _site(
        running, "GET", "/", X_Real_IP="203.0.113.66", X_Forwarded_Proto="http", X_Forwarded_For="203.0.113.66"
    )
    assert status == 200
    seen = _reached("/")
    assert seen["headers"]["X-Real-IP"] == "127.0.0.1"
    assert seen["headers"]["X-Forwarded-Proto"] == "https"
    assert "X-Forwarded-For" not in seen["headers"]
    assert headers["strict-transport-security"] == ["max-age=63072000; includeSubDomains; preload"], (
        "HSTS comes from Django alone, once"
    )


def test_the_https_site_limits_bodies_to_64k_and_the_api_to_1m(running):
    assert _site(running, "POST", "/", b"a" * (70 * 1024))[0] == 413
    assert _site(running, "POST", "/status/", b"a" * (70 * 1024))[0] == 413
    assert _site(running, "POST", "/api/v1/reports/", b"a" * (70 * 1024))[0] == 200
    assert _reached("/api/v1/reports/")["body_length"] == 70 * 1024
    assert _site(running, "POST", "/api/v1/reports/", b"a" * (1024 * 1024 + 1))[0] == 413


def test_metrics_only_from_the_scrapers_network(running):
    status, _, _ = _site(running, "GET", "/metrics", Authorization="Bearer anything")
    assert status == 403
    assert _reached("/metrics") is None


def test_plain_http_goes_to_https_and_unknown_names_get_nothing(running):
    status, headers, _ = _request(running["ports"]["http"], _http("GET", "/status/", SITE))
    assert status == 301 and headers["location"] == [f"https://{SITE}/status/"]
    with pytest.raises(ssl.SSLError):
        _request(running["ports"]["https"], _http("GET", "/", "other.example"), tls=True, sni="other.example")


def test_no_log_holds_a_client_address_browser_referrer_or_query(running):
    canaries = {"User_Agent": "CanaryBrowser/9.9", "Referer": "https://canary-referrer.example/"}
    _site(running, "GET", "/status/?receipt=CANARYRECEIPT", **canaries)
    _onion(running, "GET", "/status/?receipt=CANARYRECEIPT", **canaries)
    _site(running, "POST", "/", b"a" * (70 * 1024), **canaries)  # a 413: nginx's error log would name the client
    _onion(running, "GET", "/staff/login/", **canaries)
    time.sleep(0.5)
    logs = {path.name: path.read_text() for path in running["logs"].iterdir() if path.name.startswith("reportsite")}
    assert "reportsite.access.log" in logs and "reportsite-onion.access.log" in logs
    assert "/status/" in logs["reportsite.access.log"]
    for name, text in logs.items():
        for canary in ("127.0.0.1", CIRCUIT, "CANARYRECEIPT", "CanaryBrowser", "canary-referrer"):
            assert canary not in text, f"{canary} in {name}"
