"""Schemathesis against ``/api/schema/``: every operation of the OpenAPI schema, called in-process (WSGI)
with data generated from the schema, as an operator with a token. No answer may be a server error, and a
refused request writes nothing to the inbox. Examples per operation: ``SDP_SCHEMA_FUZZ_EXAMPLES`` (default
25: nine operations, about 40 s), counted into ``test-artifacts/fuzz-summary.json`` with the hypothesis
tests'."""

from __future__ import annotations

import contextlib
import os

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import openapi
from schemathesis.checks import not_a_server_error

from tests.inbox.conftest import census
from tests.trust.test_fuzz_api import RUN, _summary  # noqa: F401 — the shared summary

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("SDP_SCHEMA_FUZZ_EXAMPLES", "25"))


@contextlib.contextmanager
def _in_process():
    """As Django's test client does: a request handled here must not close the test's connection (and its
    transaction) when it ends. Only for the call: live-server threads elsewhere need the signal."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


with _in_process():  # the served schema, fetched once at collection (building it touches no table)
    schema = openapi.from_wsgi("/api/schema/", WSGIHandler())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, world):
    token, _created = Token.objects.get_or_create(user=world.operator_a)
    before = census()
    with _in_process():
        response = case.call(headers={"Authorization": f"Token {token.key}"})
    RUN["schemathesis: calls"] += 1
    RUN["schemathesis: examples per operation (setting)"] = EXAMPLES
    RUN[f"schemathesis {response.status_code // 100}xx"] += 1
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        assert census() == before
