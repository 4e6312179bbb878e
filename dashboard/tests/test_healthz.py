"""/healthz: 200 when the database, broker and workers answer, 503 when one does not; nothing secret."""

import json

import pytest

from dashboard import health, machinery

pytestmark = pytest.mark.django_db


def test_embedded_mode_is_healthy_and_says_it_has_no_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "embedded", "workers": "embedded"},
    }


@pytest.fixture
def with_broker(monkeypatch):
    monkeypatch.setattr(machinery, "embedded", lambda: False)
    monkeypatch.setattr(machinery, "broker_ping", lambda: True)
    monkeypatch.setattr(machinery, "workers_ping", lambda timeout=1.0: ["celery@worker1"])


def test_with_a_broker_and_a_worker_every_check_is_ok(client, with_broker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "workers": "ok"},
    }


def test_a_failing_database_gives_503(client, monkeypatch):
    class Broken:
        def __enter__(self):
            raise OSError("connection refused by db.internal:5432 password=hunter2")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.content.decode()
    assert json.loads(body)["checks"]["database"] == "failed"
    assert "db.internal" not in body and "hunter2" not in body


def test_a_broker_that_does_not_answer_gives_503(client, with_broker, monkeypatch):
    def refuse():
        raise ConnectionRefusedError("redis://:secret@broker.internal:6379/0")

    monkeypatch.setattr(machinery, "broker_ping", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "failed",
        "checks": {"database": "ok", "broker": "failed", "workers": "failed"},
    }
    assert b"broker.internal" not in response.content and b"secret" not in response.content


def test_no_worker_answering_gives_503(client, with_broker, monkeypatch):
    monkeypatch.setattr(machinery, "workers_ping", lambda timeout=1.0: [])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["workers"] == "failed"


def test_the_answer_is_cached_briefly_so_probes_do_not_hammer_the_broker(client, with_broker, monkeypatch):
    calls = []
    monkeypatch.setattr(machinery, "workers_ping", lambda timeout=1.0: calls.append(1) or ["w"])
    client.get("/healthz")
    client.get("/healthz")
    assert len(calls) == 1


def test_it_needs_no_sign_in_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
