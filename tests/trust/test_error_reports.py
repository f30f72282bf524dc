"""Errors reach someone — the admins by e-mail (``ADMINS``), Sentry when ``SENTRY_DSN`` is set — and carry no
person values: a 500 caused by a real database error that quotes a registration number, on a request whose
query string holds a NIK and whose body holds a name."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from sentry_sdk.transport import Transport

from operations.error_reports import sentry_init
from sdp_project import env
from tests.factories import PersonFactory
from tests.logcapture import captured_logs

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.trust.error_urls")]
ROOT = Path(__file__).resolve().parents[2]


def _fail(world, request_id: str):
    """POST to the failing view: the registration number is taken, so the database refuses it."""
    person = PersonFactory(upt=world.upt_a)
    response = Client(raise_request_exception=False).post(
        f"/uji/galat/?q={person.nik}",
        {"upt": world.upt_a.code, "reg_number": person.reg_number, "full_name": person.full_name},
        HTTP_X_REQUEST_ID=request_id,
    )
    assert response.status_code == 500
    return person


def _person_values(person) -> tuple[str, ...]:
    return (person.nik, person.full_name, person.reg_number)


def test_a_500_is_mailed_to_the_admins_without_person_values(world, settings, mailoutbox):
    settings.ADMINS = [("Tim Operasi", "ops@example.go.id")]
    with captured_logs(mail_admins=True) as logs:
        person = _fail(world, "galat-1")
    assert len(mailoutbox) == 1, [mail.subject for mail in mailoutbox]  # once: Django's own handler is gone
    mail = mailoutbox[0]
    assert mail.to == ["ops@example.go.id"]
    text = mail.subject + "\n" + mail.body + "".join(content for content, _type in mail.alternatives)
    assert "Internal Server Error: /uji/galat/" in mail.subject
    assert "IntegrityError" in text and "Key (" in text  # what failed is there to debug with …
    assert "[request=galat-1]" in text  # … with the id that finds the request's log lines
    for value in _person_values(person):
        assert value not in text  # … but not whose
        assert value not in logs.text()


def test_without_admins_nobody_is_mailed(world, settings, mailoutbox):
    settings.ADMINS = []
    with captured_logs(mail_admins=False):
        _fail(world, "galat-0")
    assert mailoutbox == []


class KeptEvents(Transport):
    """The SDK's own transport hook: events are kept here instead of being sent."""

    def __init__(self):
        super().__init__()
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@pytest.fixture
def sentry_events():
    kept = KeptEvents()
    sentry_init(dsn="https://public@sentry.example.invalid/1", transport=kept)
    try:
        yield kept
    finally:
        sentry_sdk.flush()
        sentry_sdk.init()  # no DSN: the SDK sends nothing for the tests after this one


def _fail_through_wsgi(world, request_id: str):
    """The same failing POST through Django's WSGI entry point, as gunicorn calls it (the SDK reads the URL,
    method, query string and headers there; the test client does not pass through it)."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    person = PersonFactory(upt=world.upt_a)
    body = urlencode({"upt": world.upt_a.code, "reg_number": person.reg_number, "full_name": person.full_name})
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/uji/galat/",
        "QUERY_STRING": f"q={person.nik}",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_REFERER": f"http://testserver/upt/LP3301/wbp/?q={person.nik}",
        "HTTP_X_REQUEST_ID": request_id,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body.encode()),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    statuses = []
    # As Django's test client does: the test's transaction must not be closed between "requests".
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["500 Internal Server Error"]
    return person


def test_a_500_reaches_sentry_without_body_query_or_person_values(world, sentry_events):
    person = _fail_through_wsgi(world, "galat-2")
    sentry_sdk.flush()
    assert sentry_events.events, "no event reached the transport"
    event = next(e for e in sentry_events.events if e.get("exception"))
    assert event["exception"]["values"][-1]["type"] == "IntegrityError"
    assert event["request"] == {"method": "POST", "url": "http://testserver/uji/galat/"}
    assert event["tags"]["request_id"] == "galat-2"
    text = json.dumps(sentry_events.events, default=str)
    assert "Key (" in text
    assert "?q=" not in text and "query_string" not in text and "full_name=" not in text
    for value in _person_values(person):
        assert value not in text
    assert not any("vars" in frame for value in event["exception"]["values"] for frame in value["stacktrace"]["frames"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nama <a@example.go.id>,c@example.go.id", [("Nama", "a@example.go.id"), ("", "c@example.go.id")]),
        ('"Hasibuan, Rina" <r@example.go.id>', [("Hasibuan, Rina", "r@example.go.id")]),
        ("", []),
    ],
)
def test_admins_are_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("SDP_ADMINS", raw)
    assert env.env_admins("SDP_ADMINS") == expected


@pytest.mark.parametrize("raw", ["bukan alamat", "a@example.go.id;b@example.go.id", "Nama <a@example.go.id", "<>"])
def test_a_bad_admins_value_is_refused(monkeypatch, raw):
    monkeypatch.setenv("SDP_ADMINS", raw)
    with pytest.raises(ImproperlyConfigured, match="SDP_ADMINS"):
        env.env_admins("SDP_ADMINS")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ADMINS", "Tim Operasi <ops-at-example.go.id>"),
        ("LOG_FORMAT", "xml"),
        ("LOG_LEVEL", "chatty"),
        ("SERVER_EMAIL", "sdp, admin@example.go.id"),
        ("EMAIL_PORT", "dua lima"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    environment = {k: v for k, v in os.environ.items() if k not in {"ADMINS", "LOG_FORMAT", "LOG_LEVEL"}}
    environment[variable] = value
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and variable in result.stderr.splitlines()[-1]
