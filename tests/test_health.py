"""``/healthz`` (the process answers, nothing else touched) and ``/readyz`` (database, migrations, broker, the
age of the last successful consolidation), as a load balancer probes them: any Host, plain HTTP, no login."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from operations import health
from tests.factories import ConsolidationRunFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port() -> int:
    """A local port where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_when_everything_answers(client, settings):
    settings.REDIS_URL = ""
    older = ConsolidationRunFactory(finished_at=timezone.now() - timedelta(days=2))
    latest = ConsolidationRunFactory(finished_at=timezone.now() - timedelta(hours=5))
    ConsolidationRunFactory(state="failed", finished_at=timezone.now() - timedelta(minutes=1))
    assert older.finished_at < latest.finished_at
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["checks"] == {
        "database": {"ok": True, "detail": "ok"},
        "migrations": {"ok": True, "detail": "ok"},
        "broker": {"ok": True, "detail": "not configured"},
    }
    # The latest *successful* run; a failed one after it does not count.
    assert body["last_consolidation"]["finished_at"] == latest.finished_at.isoformat()
    assert 5 * 3600 <= body["last_consolidation"]["age_seconds"] < 6 * 3600


def test_readyz_stays_ready_however_old_the_last_run_is(client):
    ConsolidationRunFactory(finished_at=timezone.now() - timedelta(days=40))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["last_consolidation"]["age_seconds"] >= 40 * 86400


def test_readyz_before_any_consolidation(client):
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["last_consolidation"] == {"finished_at": None, "age_seconds": None}


def test_a_real_broker_is_checked(client, settings):
    """The Redis the tests use answers: ready."""
    import os

    settings.REDIS_URL = os.environ.get("SDP_TEST_REDIS_URL") or pytest.fail("SDP_TEST_REDIS_URL is not set")
    body = client.get("/readyz").json()
    assert body["checks"]["broker"] == {"ok": True, "detail": "ok"}


def test_an_unreachable_broker_makes_it_unready_without_its_password(client, settings, closed_port):
    settings.REDIS_URL = f"redis://:s3cret-sandi@127.0.0.1:{closed_port}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failing"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "s3cret" not in response.content.decode() and str(closed_port) not in response.content.decode()


def test_an_unapplied_migration_makes_it_unready(client):
    # The test database's record of its latest central migration goes (rolled back with the test): the
    # migration files on disk are now ahead of the database, as when new code starts before `migrate`.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'central')"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"] == {"ok": False, "detail": "1 unapplied"}


def test_an_unreachable_database_is_named(closed_port):
    from django.db.backends.postgresql.base import DatabaseWrapper

    unreachable = DatabaseWrapper({**connection.settings_dict, "PORT": closed_port, "PASSWORD": "s3cret-sandi"})
    try:
        check = health.check_database(connection=unreachable)
    finally:
        unreachable.close()
    assert check == health.Check(False, "OperationalError")
    state = health.Readiness(
        checks={"database": check, "migrations": health.Check(False, "database unavailable")},
        last_consolidation_finished_at=None,
    )
    assert state.as_json()["failing"] == ["database", "migrations"] and not state.ready


def test_probes_answer_a_load_balancer_by_address_over_plain_http(settings):
    """A probe to the server's own address: not in ALLOWED_HOSTS, and HTTPS redirects are on."""
    settings.ALLOWED_HOSTS = ["sdp.example.go.id"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/", HTTP_HOST="10.0.0.5").status_code == 400  # every other page refuses that host
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8000")
        assert response.status_code == 200, (path, response.status_code)
        assert "10.0.0.5" not in response.content.decode()
    assert client.head("/readyz", HTTP_HOST="10.0.0.5").status_code == 200
    assert client.post("/readyz", HTTP_HOST="10.0.0.5").status_code == 405


def test_probe_answers_carry_a_request_id_and_no_cookie(client):
    response = client.get("/readyz", HTTP_X_REQUEST_ID="lb-probe-1")
    assert response["X-Request-ID"] == "lb-probe-1"
    assert not response.cookies
    assert json.loads(response.content)["status"] == "ok"
