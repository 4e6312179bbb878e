"""`manage.py checkurl URL` prints one JSON object and touches no database."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from testsupport.loopback import Reply


def run(url):
    out = io.StringIO()
    call_command("checkurl", url, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_status_and_headers_as_json(serve):
    server = serve(lambda request: Reply(200, [("Content-Type", "image/jpeg"), ("Server", "nginx")]))

    printed = run(server.url("/a.jpg"))

    assert printed["outcome"] == "ok"
    assert printed["status"] == 200
    assert printed["content_type"] == "image/jpeg"
    assert printed["server"] == "nginx"
    assert printed["final_url"] == server.url("/a.jpg")
    assert printed["connected_ip"] == "127.0.0.1"


def test_it_prints_the_reason_a_target_is_refused():
    printed = run("http://169.254.169.254/latest/meta-data/")

    assert printed["outcome"] == "blocked"
    assert printed["blocked_reason"] == "cloud metadata address 169.254.169.254"
