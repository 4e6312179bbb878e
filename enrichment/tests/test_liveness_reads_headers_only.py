"""A check reads status and headers, never a body: it closes before the body can arrive."""

from __future__ import annotations

from enrichment.liveness import HEAD_LIMIT, check_url
from testsupport.loopback import MIB, Reply, big_jpeg

KIB = 1024
JPEG_HEADERS = [("Content-Type", "image/jpeg"), ("Content-Length", str(50 * MIB)), ("Server", "TestServer/1.0")]


def test_it_records_the_headers_of_a_50_mb_image_and_closes_before_64_kib(serve):
    # This server streams the body even to HEAD, as a hostile one may.
    server = serve(lambda request: Reply(200, JPEG_HEADERS, big_jpeg()))

    result = check_url(server.url("/photo.jpg"))

    server.wait_finished(1)
    sent = server.connections[0]
    assert result.outcome == "ok"
    assert (result.status, result.method) == (200, "HEAD")
    assert result.content_type == "image/jpeg"
    assert result.content_length == 50 * MIB
    assert result.server == "TestServer/1.0"
    assert result.connected_ip == "127.0.0.1"
    assert result.bytes_read < 64 * KIB
    assert sent.closed_by_client
    assert sent.bytes_sent < 64 * KIB


def test_it_falls_back_to_a_get_that_closes_after_the_headers_when_head_is_refused(serve):
    def handler(request):
        if request.method == "HEAD":
            return Reply(405, [("Allow", "GET"), ("Content-Length", "0")])
        return Reply(200, JPEG_HEADERS, big_jpeg())

    server = serve(handler)

    result = check_url(server.url("/photo.jpg"))

    server.wait_finished(2)
    assert [r.method for r in server.requests] == ["HEAD", "GET"]
    assert (result.outcome, result.status, result.method) == ("ok", 200, "GET")
    assert result.content_length == 50 * MIB
    assert result.bytes_read < 64 * KIB
    get = server.connections[1]
    assert get.closed_by_client
    assert get.bytes_sent < 64 * KIB


def test_it_does_not_fall_back_to_get_when_head_answers(serve):
    server = serve(lambda request: Reply(200, [("Content-Type", "text/html")]))

    result = check_url(server.url())

    assert [r.method for r in server.requests] == ["HEAD"]
    assert result.method == "HEAD"


def test_it_gives_up_on_response_headers_longer_than_the_limit(serve):
    endless_headers = (f"X-Filler-{i}: {'a' * 100}\r\n".encode() for i in range(10_000))
    server = serve(lambda request: Reply(raw_head=b"HTTP/1.1 200 OK\r\n", body=endless_headers))

    result = check_url(server.url())

    assert result.outcome == "error"
    assert result.error == "response headers of this check longer than 32 KiB in all"
    assert result.bytes_read <= HEAD_LIMIT


def test_the_limit_holds_for_the_whole_check_across_redirects(serve):
    # Each hop sends 20 KiB of headers and a redirect to the next: within the
    # per-connection limit every time, over it in all by the second hop.
    filler = "".join(f"X-Filler-{i}: {'a' * 400}\r\n" for i in range(50))

    def redirect_with_big_head(request):
        hop = int(request.target.strip("/") or 0)
        head = f"HTTP/1.1 302 Found\r\nLocation: /{hop + 1}\r\n{filler}\r\n"
        return Reply(raw_head=head.encode())

    server = serve(redirect_with_big_head)

    result = check_url(server.url("/0"))

    assert result.outcome == "error"
    assert "in all" in result.error
    assert result.bytes_read <= HEAD_LIMIT


def test_it_skips_interim_answers_to_reach_the_real_one(serve):
    head = b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n"
    server = serve(lambda request: Reply(raw_head=head))

    result = check_url(server.url())

    assert (result.status, result.content_type) == (200, "image/png")


def test_it_reports_an_answer_that_is_not_http_as_an_error(serve):
    server = serve(lambda request: Reply(raw_head=b"SSH-2.0-OpenSSH_9.6\r\n\r\n"))

    result = check_url(server.url())

    assert (result.outcome, result.error) == ("error", "not an HTTP response")


def test_its_result_turns_into_json_ready_data(serve):
    server = serve(lambda request: Reply(200, JPEG_HEADERS))

    data = check_url(server.url()).to_dict()

    assert data["status"] == 200
    assert data["redirects"] == []
    assert isinstance(data["checked_at"], str)
