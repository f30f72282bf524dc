"""Schemathesis against the live test server: every operation of the served ``/api/schema/``, for every role
with a token, with data generated from the schema (its examples, its coverage cases — boundaries, wrong types,
missing parameters, methods it does not list — and random fuzzing), and every check schemathesis has: no
server error, status code, content type, headers and body as documented, valid data accepted, invalid data
refused, authentication enforced, undocumented methods answered 405. A refused request writes nothing to
the inbox.

The schema is the one the server serves (built in-process at collection); the requests go over HTTP to
pytest-django's live server, a real threaded WSGI server on 127.0.0.1. Examples per operation in the fuzzing
phase: ``SDP_SCHEMA_FUZZ_EXAMPLES`` (default 10; the coverage phase already sends every boundary and wrong type
the schema allows, about 850 requests for the package alone).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import openapi
from schemathesis.config import SchemathesisConfig
from schemathesis.transport.serialization import serialize_binary

from tests.api.conftest import ROLES, seed_api_world
from tests.inbox.conftest import census

EXAMPLES = int(os.environ.get("SDP_SCHEMA_FUZZ_EXAMPLES", "10"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CALLS = Counter()  # requests made, by role and by status code

# Valid data by the schema that the server still refuses with 400, by rules no JSON Schema can state; the
# positive-data check accepts a 400 for these operations only (any other status it does not expect still
# fails, and every other check runs unchanged).
BEYOND_THE_SCHEMA = {
    # Credentials: a well-formed username and password that belong to nobody.
    "auth_token_create": "credentials",
    # Checksums over the records, counts that match them, dates in order, codes that exist.
    "submissions_create": "package rules",
    # Dates not after today (WIB), start before end, at most 400 days.
    "reports_occupancy": "dates",
    "reports_compliance": "dates",
    "reports_daily_checks": "dates",
    # A month not after this one (WIB) and not before 2000.
    "reports_scorecard": "months",
}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}},
            }
            for operation_id in BEYOND_THE_SCHEMA
        ]
    }
)


@schemathesis.serializer("application/gzip")
def _gzip(ctx, value) -> bytes:
    """A generated ``application/gzip`` body is sent compressed, as the media type says."""
    return gzip.compress(serialize_binary(value))


@contextlib.contextmanager
def _in_process():
    """Building the schema through the WSGI handler must not close the connections pytest-django manages."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


with _in_process():  # the served schema, fetched once at collection (building it touches no table)
    schema = openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if CALLS:
        ARTIFACTS.mkdir(exist_ok=True)
        summary = {"examples_per_operation_setting": EXAMPLES, **dict(sorted(CALLS.items()))}
        (ARTIFACTS / "schemathesis-summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        print(f"\nschemathesis: {json.dumps(summary)}")


@pytest.fixture
def live_api(live_server, world):
    return live_server.url, seed_api_world(world)


def _existing_object(case, api) -> None:
    """Half of the valid cases of an operation on one object ask for a real one (the generated identifiers
    otherwise only ever meet 404), so the 200 bodies are checked too."""
    meta = case.meta
    if not case.path_parameters or meta is None or not meta.generation.mode.is_positive:
        return
    if "package_id" in case.path_parameters:
        value = case.path_parameters["package_id"]
        if isinstance(value, str) and len(value) == 36 and int(value[-1], 16) % 2 == 0:
            case.path_parameters["package_id"] = str(api.submission_a.package_id)
    elif "code" in case.path_parameters:
        value = case.path_parameters["code"]
        if isinstance(value, str) and len(value) % 2 == 0:
            case.path_parameters["code"] = api.world.upt_a.code
    elif "id" in case.path_parameters:
        value = case.path_parameters["id"]
        if isinstance(value, int) and value % 2 == 0:
            case.path_parameters["id"] = api.run.pk


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_server_does_what_the_schema_says(case, live_api):
    """Each generated request is sent once per role: the same data meets each role's scope and rights."""
    base_url, api = live_api
    _existing_object(case, api)
    for role in ROLES:
        before = census()
        try:
            response = case.call_and_validate(base_url=base_url, headers={"Authorization": f"Token {api.tokens[role]}"})
        except Exception as exc:
            exc.add_note(f"Role: {role}")
            raise
        CALLS["calls"] += 1
        CALLS[f"role {role}"] += 1
        CALLS[f"status {response.status_code}"] += 1
        if response.status_code >= 400:
            assert census() == before, role


def test_every_operation_is_tested():
    operations = {result.ok().definition.raw.get("operationId") for result in schema.get_all_operations()}
    # with the daily checks, the scorecard, and what a UPT node reads (reference data, a UPT's feedback)
    assert len(operations) == 13 and None not in operations
    assert set(BEYOND_THE_SCHEMA) <= operations
