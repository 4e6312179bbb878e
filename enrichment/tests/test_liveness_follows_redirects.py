"""Redirects are followed by hand, each hop judged like the first, and never more than five."""

from __future__ import annotations

from enrichment.liveness import check_url
from testsupport.loopback import Reply, answers


def hops(paths):
    """A handler redirecting along `paths` (relative Locations), then answering 200."""

    def handler(request):
        if request.target in paths[:-1]:
            return Reply(302, [("Location", paths[paths.index(request.target) + 1])])
        return Reply(200, [("Content-Type", "text/html")])

    return handler


def test_it_follows_redirects_and_records_where_it_ended(serve):
    server = serve(hops(["/a", "/b", "/c"]))

    result = check_url(server.url("/a"))

    assert (result.outcome, result.status) == ("ok", 200)
    assert result.final_url == server.url("/c")
    assert [(hop.url, hop.status, hop.location) for hop in result.redirects] == [
        (server.url("/a"), 302, server.url("/b")),
        (server.url("/b"), 302, server.url("/c")),
    ]


def test_it_follows_five_redirects(serve):
    server = serve(hops([f"/{i}" for i in range(6)]))

    result = check_url(server.url("/0"))

    assert (result.outcome, result.status, len(result.redirects)) == ("ok", 200, 5)


def test_it_stops_after_five_redirects_with_a_clear_error(serve):
    server = serve(hops([f"/{i}" for i in range(20)]))

    result = check_url(server.url("/0"))

    assert result.outcome == "error"
    assert result.error == "too many redirects (more than 5)"
    assert len(server.requests) == 6
    assert result.final_url == server.url("/5")
    assert result.status == 302


def test_it_takes_its_redirect_limit_from_the_settings(serve, settings):
    settings.CHECK_MAX_REDIRECTS = 1
    server = serve(hops(["/0", "/1", "/2"]))

    assert check_url(server.url("/0")).error == "too many redirects (more than 1)"


def test_it_treats_a_redirect_without_location_as_the_answer(serve):
    server = serve(lambda request: Reply(302))

    result = check_url(server.url())

    assert (result.outcome, result.status, result.redirects) == ("ok", 302, ())


def test_it_resolves_each_hop_on_its_own(serve):
    resolver = answers({"first.test": ["127.0.0.1"], "second.test": ["127.0.0.1"]})

    def handler(request):
        if request.headers["host"].startswith("first.test"):
            return Reply(301, [("Location", f"http://second.test:{server.port}/landing")])
        return Reply(200)

    server = serve(handler)

    result = check_url(f"http://first.test:{server.port}/", resolver=resolver)

    assert result.outcome == "ok"
    assert result.final_url == f"http://second.test:{server.port}/landing"
    assert [r.headers["host"] for r in server.requests] == [f"first.test:{server.port}", f"second.test:{server.port}"]
