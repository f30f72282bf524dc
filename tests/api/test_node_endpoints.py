"""What a UPT node reads from central: ``GET /api/v1/reference/`` (shape, ETag/304, a version that follows
the content only) and ``GET /api/v1/upts/<code>/feedback/`` (the correction list's parts, the same as the
UPT's page shows), each against every role, a node's token included."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from central import package as pkg
from central.models import DetentionLimit, Upt, ValidationRule
from central.selectors.consolidation import upt_conflicts
from central.selectors.inbox import correction_issues
from central.selectors.reports.common import report_today
from central.selectors.reports.daily_checks import upt_recent_findings
from tests.api.conftest import seed_api_world
from tests.factories import api_token
from tests.upt.test_feedback import held_twice

pytestmark = pytest.mark.django_db

REFERENCE = "/api/v1/reference/"


def feedback_url(upt) -> str:
    return reverse("api:upt-feedback", kwargs={"code": upt.code})


def node_token(upt) -> str:
    """A node's credential as central's admin issues it (its service user is the UPT's operator)."""
    from django.contrib.auth import get_user_model

    from central.services.nodes import node_credential_issue

    admin = get_user_model().objects.get(username="admin")
    return node_credential_issue(actor=admin, upt=upt)[1]


def get(path, token=None, **headers):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(path, **headers)


@pytest.fixture
def tokens(world):
    result = {role: api_token(getattr(world, role)) for role in ("operator_a", "operator_b", "monitor_x")}
    result |= {role: api_token(getattr(world, role)) for role in ("monitor_y", "central", "admin", "no_role")}
    result["node_a"] = node_token(world.upt_a)
    result["node_c"] = node_token(world.upt_c)
    return result


# --- Reference data -------------------------------------------------------------------------------------


def test_reference_carries_the_registry_rules_and_limits(world, tokens):
    response = get(REFERENCE, tokens["node_a"])
    assert response.status_code == 200, response.content
    data = response.json()
    assert response["ETag"] == f'"{data["version"]}"'
    assert data["package_format_version"] == pkg.FORMAT_VERSION
    assert (
        len(data["kanwil"]) == 33
        and {"code": "33", "name": world.kanwil_x.name}.items()
        <= data["kanwil"][[k["code"] for k in data["kanwil"]].index("33")].items()
    )
    upt_a = next(u for u in data["upts"] if u["code"] == world.upt_a.code)
    assert upt_a["kanwil"] == "33" and upt_a["capacity"] == 500 and upt_a["active"] is True
    assert upt_a["name"] == world.upt_a.name and upt_a["short_name"] == "Lapas IIA Karanganyar Nusakambangan"
    # The registry says which UPTs run their own node (UPT A's credential was issued above).
    assert upt_a["hosting"] == "node" and "class" in upt_a and "type" in upt_a
    assert next(u for u in data["upts"] if u["code"] == world.upt_b.code)["hosting"] == "hosted"
    assert {r["code"] for r in data["rules"]} == set(ValidationRule.objects.values_list("code", flat=True))
    rule = data["rules"][0]
    assert set(rule["text"]) == {"id", "en"} and rule["text"]["id"]
    assert len(data["detention_limits"]) == DetentionLimit.objects.count() > 0


def test_reference_answers_304_to_its_own_etag(world, tokens):
    first = get(REFERENCE, tokens["operator_a"])
    again = get(REFERENCE, tokens["operator_a"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content and again["ETag"] == first["ETag"]
    other = get(REFERENCE, tokens["operator_a"], HTTP_IF_NONE_MATCH='"0123"')
    assert other.status_code == 200 and other.json()["version"] == first.json()["version"]


def test_reference_version_follows_the_content_only(world, tokens):
    first = get(REFERENCE, tokens["central"]).json()
    assert get(REFERENCE, tokens["monitor_x"]).json()["version"] == first["version"]  # not the reader's
    Upt.objects.filter(pk=world.upt_a.pk).update(capacity=501)
    changed = get(REFERENCE, tokens["central"], HTTP_IF_NONE_MATCH=f'"{first["version"]}"')
    assert changed.status_code == 200 and changed.json()["version"] != first["version"]
    Upt.objects.filter(pk=world.upt_a.pk).update(capacity=500)
    assert get(REFERENCE, tokens["central"]).json()["version"] == first["version"]


REFERENCE_ACCESS = {
    "operator_a": 200,
    "operator_b": 200,
    "monitor_x": 200,
    "monitor_y": 200,
    "central": 200,
    "admin": 200,
    "node_a": 200,
    "node_c": 200,
    "no_role": 403,
}


def test_reference_permissions(world, tokens):
    assert get(REFERENCE).status_code == 401
    got = {role: get(REFERENCE, tokens[role]).status_code for role in REFERENCE_ACCESS}
    assert got == REFERENCE_ACCESS
    for verb in ("post", "put", "patch", "delete"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['central']}")
        assert getattr(client, verb)(REFERENCE).status_code == 405


# --- A UPT's feedback -----------------------------------------------------------------------------------

FEEDBACK_ACCESS = {  # towards UPT A
    "operator_a": 200,
    "node_a": 200,
    "operator_b": 404,
    "node_c": 404,
    "monitor_x": 200,
    "monitor_y": 404,
    "central": 200,
    "admin": 200,
    "no_role": 404,
}


def test_feedback_permissions(world, tokens):
    url = feedback_url(world.upt_a)
    assert get(url).status_code == 401
    got = {role: get(url, tokens[role]).status_code for role in FEEDBACK_ACCESS}
    assert got == FEEDBACK_ACCESS
    assert get(reverse("api:upt-feedback", kwargs={"code": "NOPE"}), tokens["central"]).status_code == 404
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens['node_a']}")
    assert client.post(url, {}, format="json").status_code == 405


def test_feedback_is_what_the_correction_list_shows(world):
    api = seed_api_world(world)
    token = node_token(world.upt_a)
    response = get(feedback_url(world.upt_a), token)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["upt"] == {"code": world.upt_a.code, "name": world.upt_a.name}
    expected = correction_issues(user=world.operator_a, upt=world.upt_a)
    assert len(data["issues"]) == expected.count() > 0 and data["issues_truncated"] is False
    first, row = expected.first(), data["issues"][0]
    assert (row["rule"], row["record_key"], row["severity"]) == (first.rule_id, first.record_key, first.severity)
    assert row["package_id"] == str(api.submission_a.package_id) and row["message"] == first.rule.message
    assert [s["id"] for s in data["submissions"]] == [str(api.submission_a.package_id)]
    assert data["results"] and data["results"][0]["run"] == api.run.pk
    checks = upt_recent_findings(user=world.operator_a, upt=world.upt_a, today=report_today())
    assert [c["date"] for c in data["daily_checks"]] == [c.recon.date.isoformat() for c in checks]
    # Nothing of UPT C's: its package, its issues.
    assert str(api.submission_c.package_id) not in response.content.decode()
    assert data["conflicts"] == []


def test_feedback_conflicts_name_only_the_upts_own_person(world):
    conflict = held_twice(world)
    for upt, reg, other in ((world.upt_a, "A/1", world.upt_b), (world.upt_b, "B/7", world.upt_a)):
        response = get(feedback_url(upt), node_token(upt))
        data = response.json()
        assert [(c["id"], c["reg_number"]) for c in data["conflicts"]] == [(conflict.pk, reg)]
        assert data["conflicts"][0]["kind_label"] == "Orang yang sama tercatat aktif di dua UPT"
        assert data["conflicts"][0]["detail"] == upt_conflicts(user=world.central, upt=upt)[0].detail
        # DESIGN §4: the other UPT's name, code and registration number are not sent to this one.
        body = response.content.decode()
        assert other.name not in body and other.code not in body and ({"A/1", "B/7"} - {reg}).pop() not in body
