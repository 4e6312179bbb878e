"""Does a reported address answer now? Status and headers only, never a body.

How the check keeps its promises:
- Nothing of a body is read or kept. The request is written by hand and the
  response is read up to the end of its headers (at most HEAD_LIMIT bytes),
  then the socket is closed; unread bytes make the kernel reset the connection,
  which stops the server. The receive buffer is shrunk before connecting, so the
  kernel itself accepts only a few KiB on our behalf.
- It cannot be turned against us (SSRF). Each URL, the first and every
  redirect, is parsed here; the scheme and port are checked; the name is
  resolved once and every answer must pass `netguard.blocked_reason` (one bad
  answer refuses the whole name: mixed answers are a DNS rebinding trick); the
  socket then goes to one of exactly those addresses, with the name only in the
  Host header and in TLS (SNI and certificate verification). A second DNS
  answer never redirects the connection.
- With CHECK_PROXY_URL, the connection is a CONNECT tunnel through the proxy to
  the address judged here, so the guarantee holds; what remains is that the
  decision rests on our resolver's view of the name, not the proxy's.

Decisions:
- HEAD first; servers that mishandle HEAD answer 400, 403 (signed URLs signed
  for GET), 404, 405 or 501, and for a hotline a false "gone" is the costly
  mistake, so those get a GET that is closed in the same way after the headers.
- A certificate that fails verification is an "error" outcome ("TLS certificate
  error: ..."), not a status: a status read over an unverified connection could
  come from anyone. Schedulers should not read it as "removed".
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import http.client
import io
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import certifi
from django.conf import settings
from django.utils import timezone

from enrichment import netguard
from enrichment.netguard import IPAddress

# Everything read off one connection: status line, headers, whatever body bytes
# arrived with them. Half of 64 KiB, so that a TLS record (up to 16 KiB) the TLS
# layer buffers beyond what we asked for still keeps the total under 64 KiB.
HEAD_LIMIT = 32 * 1024
# SO_RCVBUF before connecting: Linux doubles it, and it caps the TCP window.
RECEIVE_BUFFER = 16 * 1024
HEAD_REFUSED = frozenset({400, 403, 404, 405, 501})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Header values are kept for analysts, not as evidence; a server can send anything.
MAX_HEADER_VALUE = 200

_HEAD_END = re.compile(rb"\r?\n\r?\n")
_STATUS_LINE = re.compile(rb"HTTP/\d\.\d +(\d{3})(?: [^\r\n]*)?\r?\n?\Z")
# What makes a host "end in a number" for WHATWG: digits, or a 0x number.
_IPV4_NUMBER = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")
_HOSTNAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")


class Blocked(Exception):
    """The target must not be contacted; the message is the reason."""


class CheckError(Exception):
    """The check could not get an HTTP answer; the message says why.

    `kind` sorts the failure for whoever reads the result: "no_dns" (the name
    does not exist or has no address), "refused" (the host said no one is
    listening), "timeout", "dns_failure" (the look-up itself failed), "tls",
    "protocol", or "other". Takedown tracking counts only no_dns and refused
    as the content being gone; a timeout may be a busy server.
    """

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


class OffLoopbackDial(RuntimeError):
    """Raised, never caught, when a test would have connected outside loopback."""


@dataclass(frozen=True)
class Redirect:
    url: str
    status: int
    location: str
    method: str


@dataclass(frozen=True)
class LivenessResult:
    """What one check found.

    outcome: "ok" (an HTTP answer, whatever its status), "blocked" (see
    blocked_reason) or "error" (see error). final_url is the last URL the check
    tried to reach (after redirects, or the refused one); status and the header
    fields belong to the last response received, method to the last request.
    bytes_read counts what the check read off its connections: the heads
    only, never a body byte, even one sent in the same packet; for https,
    after decryption (the TLS layer may hold at most one more record, 16 KiB,
    that was never handed over).
    """

    url: str
    outcome: str
    status: int | None = None
    content_type: str | None = None
    content_length: int | None = None
    server: str | None = None
    final_url: str | None = None
    connected_ip: str | None = None
    method: str | None = None
    redirects: tuple[Redirect, ...] = ()
    blocked_reason: str | None = None
    error: str | None = None
    error_kind: str | None = None
    bytes_read: int = 0
    elapsed_ms: int = 0
    checked_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["redirects"] = [dataclasses.asdict(r) for r in self.redirects]
        data["checked_at"] = self.checked_at.isoformat() if self.checked_at else None
        return data


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # the name as sent in Host and SNI; an IP literal in its usual form
    ip: IPAddress | None  # set when the URL names an address rather than a name
    port: int
    request_target: str

    @property
    def host_header(self) -> str:
        host = f"[{self.ip}]" if self.ip is not None and self.ip.version == 6 else self.host
        return host if self.port == netguard.DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


@dataclass
class _Clock:
    """Per-operation timeouts, capped by what is left of the whole check."""

    connect: float
    read: float
    deadline: float
    total: float

    @classmethod
    def start(cls) -> _Clock:
        total = float(settings.CHECK_TOTAL_TIMEOUT)
        return cls(
            connect=float(settings.CHECK_CONNECT_TIMEOUT),
            read=float(settings.CHECK_READ_TIMEOUT),
            deadline=time.monotonic() + total,
            total=total,
        )

    def left(self, limit: float) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise CheckError(self.expired_message, "timeout")
        return min(limit, remaining)

    def timed_out(self, what: str, limit: float) -> CheckError:
        if self.deadline - time.monotonic() <= 0.01:
            return CheckError(self.expired_message, "timeout")
        return CheckError(f"{what} timeout ({limit:g} s)", "timeout")

    @property
    def expired_message(self) -> str:
        return f"check took longer than {self.total:g} s"


@dataclass
class _Trail:
    """What the check has seen so far; becomes the result whatever happens."""

    url: str
    final_url: str
    status: int | None = None
    headers: http.client.HTTPMessage | None = None
    method: str | None = None
    connected_ip: str | None = None
    redirects: list[Redirect] = field(default_factory=list)
    bytes_read: int = 0


def check_url(url: str, *, resolver: netguard.Resolver | None = None) -> LivenessResult:
    """Check whether `url` answers, following redirects by hand; never raises for network faults.

    `resolver` turns a name into addresses (default `netguard.resolve`); tests
    pass a fake one so no DNS query is sent.
    """
    started = time.monotonic()
    checked_at = timezone.now()
    trail = _Trail(url=url, final_url=url)
    outcome, reason, error, error_kind = "ok", None, None, None
    try:
        _follow(trail, resolver or netguard.resolve, _Clock.start())
    except Blocked as exc:
        outcome, reason = "blocked", str(exc)
    except CheckError as exc:
        outcome, error, error_kind = "error", str(exc), exc.kind
    headers = trail.headers
    return LivenessResult(
        url=url,
        outcome=outcome,
        status=trail.status,
        content_type=_header(headers, "Content-Type"),
        content_length=_content_length(headers),
        server=_header(headers, "Server"),
        final_url=trail.final_url,
        connected_ip=trail.connected_ip,
        method=trail.method,
        redirects=tuple(trail.redirects),
        blocked_reason=reason,
        error=error,
        error_kind=error_kind,
        bytes_read=trail.bytes_read,
        elapsed_ms=round((time.monotonic() - started) * 1000),
        checked_at=checked_at,
    )


def _follow(trail: _Trail, resolver: netguard.Resolver, clock: _Clock) -> None:
    url = trail.url
    max_redirects = int(settings.CHECK_MAX_REDIRECTS)
    for _hop in range(max_redirects + 1):
        trail.final_url = url
        target = parse_target(url)
        addresses = _addresses(target, resolver, clock)
        status, headers = trail.status, trail.headers = _request(trail, target, addresses, "HEAD", clock)
        if status in HEAD_REFUSED:
            # Same server, same answer to DNS: go back to the address that answered.
            status, headers = trail.status, trail.headers = _request(
                trail, target, _answered_first(trail, addresses), "GET", clock
            )
        location = headers.get("Location")
        if status not in REDIRECTS or not location:
            return
        next_url = urljoin(url, location.strip())
        trail.redirects.append(Redirect(url=url, status=status, location=next_url, method=trail.method or ""))
        url = next_url
    raise CheckError(f"too many redirects (more than {max_redirects})", "protocol")


def parse_target(url: str) -> _Target:
    """Split a URL into what the check needs, refusing schemes and ports it never uses."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise CheckError(f"invalid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in netguard.DEFAULT_PORTS:
        raise Blocked(f"scheme {scheme or '(none)'!r} not allowed")
    port = port if port is not None else netguard.DEFAULT_PORTS[scheme]
    if not netguard.port_allowed(scheme, port):
        raise Blocked(f"port {port} not allowed")
    host = unquote(parts.hostname or "")
    if not host:
        raise CheckError("invalid URL: no host")
    ip = host_ip(host)
    name = str(ip) if ip is not None else _ascii_hostname(host)
    # Userinfo and fragment are dropped: credentials are never sent, fragments never are.
    request_target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~") + (
        "?" + quote(parts.query, safe="/%:@!$&'()*+,;=~?") if parts.query else ""
    )
    return _Target(url=url, scheme=scheme, host=name, ip=ip, port=port, request_target=request_target)


def host_ip(host: str) -> IPAddress | None:
    """The address an IP-literal host denotes, or None for a name.

    IPv4 is read the way browsers (WHATWG URL) read it, so `2130706433`,
    `0x7f.1` and `0177.0.0.1` all mean 127.0.0.1 here too.
    """
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise CheckError(f"invalid IPv6 address {host!r}") from None
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    if not _IPV4_NUMBER.fullmatch(labels[-1]):
        return None
    # The last label is a number, so it is an IPv4 address or nothing at all.
    numbers = [_ipv4_number(label) for label in labels]
    if len(numbers) > 4 or None in numbers:
        raise CheckError(f"invalid IPv4 address {host!r}")
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        raise CheckError(f"invalid IPv4 address {host!r}")
    return ipaddress.IPv4Address(sum(n << (8 * (3 - i)) for i, n in enumerate(leading)) + last)


def _ipv4_number(label: str) -> int | None:
    """One part of an IPv4 literal: decimal, 0x hexadecimal or 0-led octal; None if it is none of them."""
    if re.fullmatch(r"0[xX][0-9a-fA-F]*", label):
        return int(label[2:] or "0", 16)
    if re.fullmatch(r"0[0-7]+", label):
        return int(label, 8)
    if re.fullmatch(r"0|[1-9][0-9]*", label):
        return int(label)
    return None


def _ascii_hostname(host: str) -> str:
    try:
        name = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        raise CheckError(f"invalid host name {host!r}") from None
    name = name.lower()
    if not _HOSTNAME.fullmatch(name):
        # Also what keeps a host name from smuggling anything into the request.
        raise CheckError(f"invalid host name {host!r}")
    # "example.com." is the same name; without the dot it also matches certificates.
    return name.removesuffix(".")


def _addresses(target: _Target, resolver: netguard.Resolver, clock: _Clock) -> list[IPAddress]:
    clock.left(clock.total)  # Raises if the deadline has passed: no new lookup then.
    if target.ip is not None:
        addresses = [target.ip]
    else:
        try:
            addresses = list(dict.fromkeys(resolver(target.host)))
        except netguard.DnsError as exc:
            raise CheckError(str(exc), exc.kind) from None
        if not addresses:
            raise CheckError(f"no DNS answer for {target.host}", "no_dns")
    for ip in addresses:
        reason = netguard.blocked_reason(ip)
        if reason is not None:
            label = "" if target.ip is not None else f"{target.host} resolves to "
            raise Blocked(f"{label}{reason}")
    return addresses


def _answered_first(trail: _Trail, addresses: list[IPAddress]) -> list[IPAddress]:
    return sorted(addresses, key=lambda ip: str(ip) != trail.connected_ip)


def _request(
    trail: _Trail, target: _Target, addresses: list[IPAddress], method: str, clock: _Clock
) -> tuple[int, http.client.HTTPMessage]:
    trail.method = method
    sock = _connect(trail, target, addresses, clock)
    try:
        sock.settimeout(clock.left(clock.read))
        sock.sendall(_request_bytes(target, method))
        return _read_head(sock, trail, clock)
    except TimeoutError:
        raise clock.timed_out("read", clock.read) from None
    except ssl.SSLError as exc:
        raise CheckError(f"TLS error: {exc.reason or exc}", "tls") from None
    except OSError as exc:
        raise _os_error(exc) from None
    finally:
        # Whatever of the body is in flight is never read: closing now makes the kernel reset the connection.
        sock.close()


def _request_bytes(target: _Target, method: str) -> bytes:
    # No cookies, no Referer, nothing about us but a neutral User-Agent.
    user_agent = re.sub(r"[\x00-\x1f\x7f]", "", settings.CHECK_USER_AGENT or "")
    lines = [
        f"{method} {target.request_target} HTTP/1.1",
        f"Host: {target.host_header}",
        f"User-Agent: {user_agent}",
        "Accept: */*",
        "Accept-Encoding: identity",
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def _read_head(sock: socket.socket, trail: _Trail, clock: _Clock) -> tuple[int, http.client.HTTPMessage]:
    """Read up to the end of the final response head, and not one byte further.

    A server may send its head and the start of the body in one packet, so
    reading in blocks would take body bytes into memory. Instead each read
    asks for no more bytes than could still belong to the head: two, or one
    when what was read so far may be one byte short of a blank line (see
    _bytes_that_may_end_head). The body stays in the kernel, unread, and is
    thrown away when the socket is closed. (Over TLS, OpenSSL decrypts whole
    records into its own buffer; none of it is handed to Python.)

    HEAD_LIMIT bounds the whole check, not each connection: a chain of
    redirects or a HEAD-then-GET cannot add up to more than the one budget.
    """
    buffer = b""
    while True:
        match = _HEAD_END.search(buffer, max(0, len(buffer) - 4))
        if match:
            status, headers = _parse_head(buffer[: match.start()])
            buffer = b""
            if 100 <= status < 200 and status != 101:
                continue  # An interim answer (100 Continue, 103 Early Hints): the real one follows.
            return status, headers
        budget = HEAD_LIMIT - trail.bytes_read
        if budget <= 0:
            raise CheckError(f"response headers of this check longer than {HEAD_LIMIT // 1024} KiB in all", "protocol")
        sock.settimeout(clock.left(clock.read))
        chunk = sock.recv(min(_bytes_that_may_end_head(buffer), budget))
        if not chunk:
            raise CheckError("connection closed before the response headers", "protocol")
        trail.bytes_read += len(chunk)
        buffer += chunk


def _bytes_that_may_end_head(buffer: bytes) -> int:
    """How many bytes may be read without passing the end of a head not yet ended.

    A head ends at the first blank line (\n\n, \r\n\r\n or a mix): after
    a line's \n, possibly followed by \r, the next byte may be its last;
    otherwise at least two more are needed.
    """
    return 1 if buffer.endswith((b"\n", b"\n\r")) else 2


def _parse_head(head: bytes) -> tuple[int, http.client.HTTPMessage]:
    status_line, _, rest = head.partition(b"\n")
    match = _STATUS_LINE.match(status_line + b"\n")
    if not match:
        raise CheckError("not an HTTP response", "protocol")
    try:
        headers = http.client.parse_headers(io.BytesIO(rest + b"\r\n\r\n"))
    except http.client.HTTPException as exc:
        raise CheckError(f"malformed response headers: {exc}", "protocol") from None
    return int(match.group(1)), headers


def _connect(trail: _Trail, target: _Target, addresses: list[IPAddress], clock: _Clock) -> socket.socket:
    """A connected socket (TLS done for https) to the first of `addresses` that accepts."""
    last_error: CheckError | None = None
    for ip in addresses:
        try:
            sock = _open_tunnel(trail, ip, target.port, clock) if _proxy() else _dial(ip, target.port, clock)
        except CheckError as exc:
            last_error = exc
            continue
        trail.connected_ip = str(ip)
        if target.scheme == "https":
            return _start_tls(sock, target, clock)
        return sock
    assert last_error is not None  # `addresses` is never empty.
    raise last_error


def _dial(ip: IPAddress, port: int, clock: _Clock) -> socket.socket:
    if netguard.TEST_LOOPBACK_ONLY and not ip.is_loopback:
        raise OffLoopbackDial(f"tests may only connect to loopback, not {ip}")
    timeout = clock.left(clock.connect)
    sock = socket.socket(socket.AF_INET6 if ip.version == 6 else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.settimeout(timeout)
        sock.connect((str(ip), port))
    except TimeoutError:
        sock.close()
        raise clock.timed_out("connect", clock.connect) from None
    except OSError as exc:
        sock.close()
        raise _os_error(exc) from None
    return sock


def _start_tls(sock: socket.socket, target: _Target, clock: _Clock) -> socket.socket:
    try:
        sock.settimeout(clock.left(clock.connect))
    except CheckError:
        sock.close()
        raise
    try:
        # server_hostname gives both SNI and the name the certificate must match.
        return tls_context().wrap_socket(sock, server_hostname=target.host)
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise CheckError(f"TLS certificate error: {exc.verify_message or exc.reason}", "tls") from None
    except ssl.SSLError as exc:
        sock.close()
        raise CheckError(f"TLS error: {exc.reason or exc}", "tls") from None
    except TimeoutError:
        sock.close()
        raise clock.timed_out("TLS handshake", clock.connect) from None
    except OSError as exc:
        sock.close()
        raise _os_error(exc) from None


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Verifying context with certifi's roots (the same as requests), HTTP/1.1 only."""
    context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


def _proxy() -> str:
    return settings.CHECK_PROXY_URL or ""


def _open_tunnel(trail: _Trail, ip: IPAddress, port: int, clock: _Clock) -> socket.socket:
    """A CONNECT tunnel through CHECK_PROXY_URL to exactly `ip`:`port`.

    The proxy's own address is ours to configure, so it is not judged by
    blocked_reason (it is usually on a private network).
    """
    proxy = urlsplit(_proxy())
    if proxy.scheme != "http" or not proxy.hostname:
        raise CheckError("CHECK_PROXY_URL must look like http://host:port")
    sock = _dial(_proxy_address(proxy.hostname), proxy.port or 8080, clock)
    authority = f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if proxy.username is not None:
        token = base64.b64encode(f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()).decode()
        lines.append(f"Proxy-Authorization: Basic {token}")
    try:
        sock.settimeout(clock.left(clock.read))
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        status, _headers = _read_head(sock, trail, clock)
    except TimeoutError:
        sock.close()
        raise clock.timed_out("proxy read", clock.read) from None
    except (OSError, CheckError) as exc:
        sock.close()
        raise CheckError(f"proxy: {exc}") from None
    if not 200 <= status < 300:
        sock.close()
        raise CheckError(f"proxy refused the tunnel ({status})")
    return sock


def _proxy_address(host: str) -> IPAddress:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if netguard.TEST_LOOPBACK_ONLY:
        raise OffLoopbackDial(f"tests must give the proxy as an address, not {host!r}")
    try:
        # The system resolver on purpose: a proxy is often named in /etc/hosts or by a container network.
        info = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise CheckError(f"proxy {host!r} does not resolve: {exc}") from None
    return ipaddress.ip_address(info[0][4][0])


def _os_error(exc: OSError) -> CheckError:
    if isinstance(exc, ConnectionRefusedError):
        return CheckError("connection refused", "refused")
    if isinstance(exc, ConnectionResetError):
        return CheckError("connection reset")
    return CheckError(f"connection failed: {exc.strerror or exc}")


def _header(headers: http.client.HTTPMessage | None, name: str) -> str | None:
    value = headers.get(name) if headers is not None else None
    return str(value).strip()[:MAX_HEADER_VALUE] if value is not None else None


def _content_length(headers: http.client.HTTPMessage | None) -> int | None:
    value = _header(headers, "Content-Length")
    return int(value) if value is not None and value.isascii() and value.isdigit() else None
