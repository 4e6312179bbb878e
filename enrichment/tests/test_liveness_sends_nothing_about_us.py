"""The server learns nothing from a check but a neutral User-Agent: no cookies, no Referer."""

from __future__ import annotations

from enrichment.liveness import check_url
from testsupport.loopback import Reply, answers


def test_it_sends_the_neutral_user_agent_and_no_cookie_or_referer(serve, settings):
    settings.CHECK_USER_AGENT = "Mozilla/5.0 (compatible; neutral-test)"

    def handler(request):
        if request.target == "/first":
            return Reply(302, [("Location", "/second"), ("Set-Cookie", "tracker=1; Path=/")])
        return Reply(200)

    server = serve(handler)

    check_url(server.url("/first"))

    assert len(server.requests) == 2
    for request in server.requests:
        assert request.headers["user-agent"] == "Mozilla/5.0 (compatible; neutral-test)"
        assert "cookie" not in request.headers
        assert "referer" not in request.headers
        assert set(request.headers) == {"host", "user-agent", "accept", "accept-encoding", "connection"}


def test_it_sends_the_name_as_host_while_connecting_to_the_address_it_checked(serve):
    server = serve(lambda request: Reply(200))

    result = check_url(f"http://reported.test:{server.port}/a?b=c", resolver=answers({"reported.test": ["127.0.0.1"]}))

    assert result.connected_ip == "127.0.0.1"
    assert server.requests[0].headers["host"] == f"reported.test:{server.port}"
    assert server.requests[0].target == "/a?b=c"


def test_it_never_sends_credentials_from_the_url(serve):
    server = serve(lambda request: Reply(200))

    check_url(f"http://user:secret@127.0.0.1:{server.port}/#fragment")

    request = server.requests[0]
    assert "authorization" not in request.headers
    assert b"secret" not in request.raw
    assert request.target == "/"
