"""Property-based fuzzing (hypothesis) of the submission API and the report API.

For any body or query a client can send: never a 5xx; a refused package writes nothing at all (every table
the receiving service touches, and the audit trail, counted before and after); an accepted one writes
exactly its rows; and every 4xx answers JSON with a message a person can read.

Examples per test: ``SDP_FUZZ_EXAMPLES`` (default 60, kept small so the suite stays fast; raise it for a
longer hunt). The number run is written to ``test-artifacts/fuzz-summary.json`` and printed (``-s``).
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import json
import os
import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from central import package as pkg
from central.models import AuditEvent
from devtools.package_synthetic import reseal, synthetic_package
from tests.inbox.conftest import census
from tests.inbox.test_api import api_for

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SDP_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written to the checkout; failures print their example and seed
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RUN = Counter()  # examples and answers, by test and status class


@pytest.fixture(scope="module", autouse=True)
def _summary():
    yield
    if not RUN:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {"examples_per_test_setting": EXAMPLES, **dict(sorted(RUN.items()))}
    (ARTIFACTS / "fuzz-summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\nfuzzing: {json.dumps(summary)}")


def _messages(body) -> list[str]:
    """Every string in an error body: what a person would read."""
    if isinstance(body, str):
        return [body] if body.strip() else []
    if isinstance(body, dict):
        return [m for value in body.values() for m in _messages(value)]
    if isinstance(body, list):
        return [m for value in body for m in _messages(value)]
    return []


def assert_clear_refusal(response) -> None:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict) and _messages(body), body
    if "errors" in body:  # a rejected package: each problem says where and what
        assert body["detail"] and body["errors"]
        assert all(e.get("message") and "code" in e for e in body["errors"]), body["errors"]


# --- Strategies -----------------------------------------------------------------------------------------

NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "nol\x00byte",
        "\ud7ff\ufffe",
        "9" * 400,
        "A" * 5000,
        "2026-02-30",
        "31-12-2026",
        "-1",
        "1e309",
        "<script>alert(1)</script>",
        "'; DROP TABLE central_submission; --",
        "Budi\u202eosotnaS",
        "LP3302",
        "ZZ9999",
        "B.I",
        "NARKOTIKA_BANDAR",
    ]
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    NASTY_TEXT,
)
JSON_VALUE = st.recursive(
    SCALAR,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
SECTIONS = {"persons": pkg.PERSON_FIELDS, "movements": pkg.MOVEMENT_FIELDS, "remissions": pkg.REMISSION_FIELDS}


HEADER_KEYS = ["package_id", "upt_code", "kind", "format_version", "generated_at", "since", "counts"]


@st.composite
def mutations(draw):
    """Where to change a valid package, and how: (section or None, row index, key, new value or DELETE)."""
    section = draw(st.sampled_from([None, "persons", "movements", "remissions", "deletions"]))
    if section is None:
        key = draw(
            st.sampled_from([*pkg.SECTIONS, "package_id", "upt_code", "kind", "format_version", "since"])
            | st.text(max_size=8)
        )
    elif section == "deletions":
        key = draw(st.sampled_from(["record_type", "record_key", "x"]))
    else:
        key = draw(st.sampled_from([*SECTIONS[section], "extra"]))
    value = draw(st.just(DELETE) | JSON_VALUE)
    return section, draw(st.integers(min_value=0, max_value=3)), key, value


DELETE = object()


def _apply(document: dict, mutation) -> None:
    section, index, key, value = mutation
    target = document
    if section is not None:
        rows = document.get(section)
        if section == "deletions" and isinstance(rows, list) and not rows:
            rows.append({"record_type": "person", "record_key": "tidak-ada"})
        if not isinstance(rows, list) or not rows:
            return
        target = rows[index % len(rows)]
        if not isinstance(target, dict):
            return
    if value is DELETE:
        target.pop(key, None)
    else:
        target[key] = value


@pytest.fixture
def valid_package(world):
    return synthetic_package(upt_code=world.upt_a.code, persons=3, movements=3, remissions=1, seed=11)


# --- Submission API -------------------------------------------------------------------------------------


def _post(client: APIClient, body: bytes, content_type: str):
    return client.post("/api/v1/submissions/", data=body, content_type=content_type)


def _check_submission(response, before: dict, document) -> None:
    after = census()
    status = response.status_code
    RUN[f"submissions {status // 100}xx"] += 1
    assert status < 500, response.content[:500]
    if status >= 400:
        assert after == before, f"a refused package ({status}) wrote {after} (before {before})"
        assert_clear_refusal(response)
    elif status == 201:
        assert after["Submission"] == before["Submission"] + 1
        assert after["StagedPerson"] - before["StagedPerson"] == len(document["persons"])
        assert after["StagedMovement"] - before["StagedMovement"] == len(document["movements"])
    else:
        assert status == 200 and after == before  # the same package again: the original, nothing new


def _census() -> dict:
    return {**census(), "AuditEvent": AuditEvent.objects.count()}


@FUZZ
@given(mutation_list=st.lists(mutations(), min_size=1, max_size=4), seal=st.sampled_from(["none", "records", "state"]))
def test_mutated_packages_never_fail_the_server_nor_write_half(world, valid_package, mutation_list, seal):
    RUN["submissions: mutated packages"] += 1
    document = copy.deepcopy(valid_package)
    document["package_id"] = str(uuid.uuid4())
    for mutation in mutation_list:
        _apply(document, mutation)
    if seal != "none":
        with contextlib.suppress(Exception):  # a package too broken to reseal is sent as it is
            reseal(document, state=seal == "state")
    try:
        body = json.dumps(document, allow_nan=False).encode()
    except (TypeError, ValueError):
        return
    client = api_for(world.operator_a)  # issuing its token is an audit event of its own, before the count
    before = _census()
    response = _post(client, body, "application/json")
    if response.status_code == 201:  # a fresh id each time; the audit trail gains exactly one event
        assert AuditEvent.objects.count() == before.pop("AuditEvent") + 1
    else:
        assert AuditEvent.objects.count() == before.pop("AuditEvent")
    _check_submission(response, before, document)


@FUZZ
@given(
    body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    content_type=st.sampled_from(["application/json", "application/gzip", "text/plain", "application/json; x=1"]),
    compress=st.booleans(),
)
def test_junk_bodies_are_refused_with_a_message(world, body, content_type, compress):
    RUN["submissions: junk bodies"] += 1
    payload = gzip.compress(body) if compress else body
    client = api_for(world.operator_a)
    before = census()
    response = _post(client, payload, content_type)
    assert response.status_code < 500, response.content[:300]
    assert response.status_code >= 400 or not body
    _check_submission(response, before, None)


@FUZZ
@given(
    who=st.sampled_from(["operator_b", "monitor_x", "central", "admin", "no_role", None]),
    upt=NASTY_TEXT.filter(lambda code: code != "LP3302"),  # UPT B's own code: operator B may send that
)
def test_a_package_from_the_wrong_sender_writes_nothing(world, valid_package, who, upt):
    RUN["submissions: wrong sender"] += 1
    document = copy.deepcopy(valid_package)
    document["package_id"] = str(uuid.uuid4())
    if upt:
        document["upt_code"] = upt
    client = api_for(getattr(world, who)) if who else APIClient()
    before = census()
    response = _post(client, pkg.dumps(document), "application/json")
    assert response.status_code in (400, 401, 403), response.content[:300]
    _check_submission(response, before, document)


# --- Report API -----------------------------------------------------------------------------------------

REPORT_PARAMS = ["kanwil", "upt", "upt_type", "date", "start", "end", "page", "page_size"]
PARAM_VALUE = st.one_of(
    NASTY_TEXT,
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(str),
    st.sampled_from(["33", "31", "LP3301", "LP3101", "LAPAS", "RUTAN", "2026-03-10", "0", "100000"]),
)


@FUZZ
@given(
    endpoint=st.sampled_from(["occupancy", "compliance"]),
    who=st.sampled_from(["operator_a", "monitor_x", "monitor_y", "central", "admin"]),
    params=st.dictionaries(st.sampled_from(REPORT_PARAMS) | st.text(min_size=1, max_size=6), PARAM_VALUE, max_size=5),
)
def test_report_queries_never_fail_the_server(world, endpoint, who, params):
    RUN["reports: queries"] += 1
    client = api_for(getattr(world, who))  # issuing its token is audited: before the count
    before = _census()
    response = client.get(f"/api/v1/reports/{endpoint}/", params)
    RUN[f"reports {response.status_code // 100}xx"] += 1
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        assert_clear_refusal(response)
    else:
        body = response.json()
        assert {"count", "results", "totals"} <= set(body)
    assert _census() == before  # reading a report writes nothing


def test_compliance_for_a_unit_type_the_scope_has_none_of(client_for, world):
    """Found by schemathesis: the compliance report over no unit at all failed with a server error."""
    response = api_for(world.monitor_x).get("/api/v1/reports/compliance/", {"upt_type": "LPP"})
    assert response.status_code == 200 and response.json()["results"] == []
    page = client_for(world.monitor_x).get(f"/laporan/wilayah/{world.kanwil_x.code}/kepatuhan/", {"jenis": "LPP"})
    assert page.status_code == 200
