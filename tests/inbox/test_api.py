"""The submissions API: token auth, POST of a package (201/200/400/403/409), scoped GETs, the schema."""

from __future__ import annotations

import gzip
import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.test import APIClient

from central import package as pkg
from central.models import ApiToken, ConsolidationRun, RowIssue, StagedPerson, Submission, ValidationRule
from devtools.package_synthetic import synthetic_package
from tests.factories import SubmissionFactory, api_token
from tests.inbox.conftest import census, edited, send, with_duplicate_person

pytestmark = pytest.mark.django_db
LIST = "/api/v1/submissions/"


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token = api_token(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def post(client, document, **extra):
    return client.post(LIST, data=pkg.dumps(document), content_type="application/json", **extra)


def test_token_endpoint_gives_a_token_for_a_password(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "op_a", "password": "sandi-uji-123"}, format="json")
    assert response.status_code == 200
    assert ApiToken.objects.get(user=world.operator_a).token_key == response.json()["token"][:15]
    bad = APIClient().post("/api/v1/auth/token/", {"username": "op_a", "password": "salah"}, format="json")
    assert bad.status_code == 400 and "token" not in bad.json()
    assert bad.json()["errors"][0]["path"] == "" and bad.json()["errors"][0]["code"] == "authorization"


def test_token_endpoint_takes_json_only(world):
    # The schema advertises JSON; a form body is refused rather than half-understood.
    form = APIClient().post("/api/v1/auth/token/", {"username": "op_a", "password": "sandi-uji-123"})
    assert form.status_code == 415 and "detail" in form.json()
    assert not ApiToken.objects.filter(user=world.operator_a).exists()


def test_a_stale_token_header_does_not_block_getting_a_new_token(world):
    client = APIClient(HTTP_AUTHORIZATION="Token kedaluwarsa")
    response = client.post("/api/v1/auth/token/", {"username": "op_a", "password": "sandi-uji-123"}, format="json")
    assert response.status_code == 200


def test_an_operator_posts_a_package_with_a_token(world, package_a):
    response = post(api_for(world.operator_a), package_a)
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["id"] == package_a["package_id"]
    assert body["state"] == "received" and body["kind"] == "full" and body["channel"] == "api"
    assert body["counts"] == {"persons": 3, "movements": 4, "remissions": 2, "deletions": 0}
    assert body["upt_code"] == "LP3301" and body["sent_by"] == "op_a"
    assert set(body["timeliness"]) == {"on_time_occupancy", "deadline_occupancy", "on_time_other", "deadline_other"}
    assert body["next_package"] == {"kind": "delta", "reason": ""}
    assert body["issues"] == [] and body["url"].endswith(f"/api/v1/submissions/{package_a['package_id']}/")


def test_reposting_answers_200_with_the_original_and_other_content_409(world, package_a):
    client = api_for(world.operator_a)
    first = post(client, package_a)
    again = post(client, package_a)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and Submission.objects.count() == 1
    changed = edited(package_a, lambda d: d["persons"][0].update(full_name="Lain"), state=True)
    conflict = post(client, changed)
    assert conflict.status_code == 409 and "ID paket" in conflict.json()["detail"]
    assert StagedPerson.objects.count() == 3


def test_a_bad_package_answers_400_with_a_machine_readable_list(world, package_a):
    doc = edited(package_a, lambda d: d["persons"][1].update(register="A.9", crime_category="X"))
    before = census()
    response = post(api_for(world.operator_a), doc)
    assert response.status_code == 400
    body = response.json()
    assert {(e["path"], e["code"]) for e in body["errors"]} == {
        ("persons[1].register", "invalid_choice"),
        ("persons[1].crime_category", "invalid_choice"),
    }
    assert body["truncated"] is False and "tidak ada yang disimpan" in body["detail"]
    assert census() == before


def test_a_duplicate_registration_number_answers_400_with_its_own_code(world, package_a):
    doc = with_duplicate_person(package_a)
    before = census()
    response = post(api_for(world.operator_a), doc)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["path"], error["code"]) == ("persons[2].reg_number", "duplicate_registration_number")
    assert doc["persons"][0]["reg_number"] in error["message"] and "persons[0]" in error["message"]
    assert census() == before


def test_malformed_json_and_empty_bodies_answer_400(world):
    client = api_for(world.operator_a)
    for body in (b"{oops", b""):
        response = client.post(LIST, data=body, content_type="application/json")
        assert response.status_code == 400 and response.json()["errors"][0]["code"] == "malformed"


@pytest.mark.parametrize("who", ["operator_b", "operator_c", "monitor_x", "central", "admin", "no_role"])
def test_others_posting_a_upts_package_get_403(world, package_a, who):
    before = census()
    response = post(api_for(getattr(world, who)), package_a)
    assert response.status_code == 403
    assert census() == before


def test_anonymous_gets_401(world, package_a):
    assert post(APIClient(), package_a).status_code == 401
    assert APIClient().get(LIST).status_code == 401


def test_gzip_bodies_are_accepted(world, package_a):
    client = api_for(world.operator_a)
    body = gzip.compress(pkg.dumps(package_a))
    response = client.post(LIST, data=body, content_type="application/json", HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 201
    other = synthetic_package(upt_code="LP3301", persons=2, seed=3)
    response = client.post(LIST, data=gzip.compress(pkg.dumps(other)), content_type="application/gzip")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("content_type", "encoding", "compress", "status"),
    [
        ("application/json", "", True, 400),  # gzip that the headers do not declare
        ("application/json", "gzip", False, 400),  # declared gzip that is not
        ("application/gzip", "", False, 400),
        ("application/json", "br", True, 415),  # a coding the API does not take
        ("application/json", "deflate", False, 415),
        ("application/gzip", "gzip", True, 415),  # compressed twice over
        ("text/plain", "", False, 415),
        ("application/x-www-form-urlencoded", "", False, 415),
    ],
)
def test_the_body_must_be_what_its_headers_say(world, package_a, content_type, encoding, compress, status):
    body = pkg.dumps(package_a)
    extra = {"HTTP_CONTENT_ENCODING": encoding} if encoding else {}
    before = census()
    response = api_for(world.operator_a).post(
        LIST, data=gzip.compress(body) if compress else body, content_type=content_type, **extra
    )
    assert response.status_code == status
    assert response.json()["detail"]
    if status == 400:
        assert response.json()["errors"][0]["code"] == "malformed"
    assert census() == before


def test_a_package_larger_than_djangos_form_limit_is_read_in_full(world, settings):
    # DATA_UPLOAD_MAX_MEMORY_SIZE guards form posts; a package is limited by SUBMISSION_MAX_BYTES only.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    doc = synthetic_package(upt_code="LP3301", persons=60, seed=5)
    body = pkg.dumps(doc)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api_for(world.operator_a).post(LIST, data=body, content_type="application/json")
    assert response.status_code == 201
    settings.SUBMISSION_MAX_BYTES = 30_000
    again = api_for(world.operator_a).post(LIST, data=body, content_type="application/json")
    assert again.status_code == 413 and again.json()["errors"][0]["code"] == "too_large"


def test_a_package_over_the_limit_answers_413_compressed_or_not(world, settings):
    settings.SUBMISSION_MAX_BYTES = 30_000
    body = pkg.dumps(synthetic_package(upt_code="LP3301", persons=60, seed=5))
    client = api_for(world.operator_a)
    for data, content_type in ((body, "application/json"), (gzip.compress(body), "application/gzip")):
        response = client.post(LIST, data=data, content_type=content_type)
        assert response.status_code == 413
        assert response.json()["errors"] == [
            {"path": "", "code": "too_large", "message": response.json()["errors"][0]["message"]}
        ]
    assert not Submission.objects.exists()


def test_session_authentication_works_too(world, package_a):
    client = APIClient()
    client.force_login(world.operator_a)
    assert post(client, package_a).status_code == 201


# --- Reading ----------------------------------------------------------------------------------------------


@pytest.fixture
def three_submissions(world):
    return {
        "a": SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a),
        "b": SubmissionFactory(upt=world.upt_b, sent_by=world.operator_b),
        "c": SubmissionFactory(upt=world.upt_c, sent_by=world.operator_c),
    }


SCOPE = {
    "operator_a": {"a"},
    "operator_b": {"b"},
    "operator_c": {"c"},
    "monitor_x": {"a", "b"},
    "monitor_y": {"c"},
    "central": {"a", "b", "c"},
    "admin": {"a", "b", "c"},
    "no_role": set(),
}


@pytest.mark.parametrize(("who", "visible"), SCOPE.items())
def test_the_list_and_detail_are_scoped(world, three_submissions, who, visible):
    client = api_for(getattr(world, who))
    listed = client.get(LIST)
    assert listed.status_code == 200
    ids = {item["id"] for item in listed.json()["results"]}
    assert ids == {str(three_submissions[k].package_id) for k in visible}
    for key, sub in three_submissions.items():
        detail = client.get(f"{LIST}{sub.package_id}/")
        assert detail.status_code == (200 if key in visible else 404)


def test_list_filters(world, three_submissions):
    client = api_for(world.central)
    assert [i["upt_code"] for i in client.get(LIST, {"upt": "LP3302"}).json()["results"]] == ["LP3302"]
    assert client.get(LIST, {"state": "accepted"}).json()["count"] == 0
    assert client.get(LIST, {"report_date": "kemarin"}).status_code == 400


def test_detail_shows_results_and_row_issues(world, three_submissions):
    sub = three_submissions["a"]
    run = ConsolidationRun.objects.create(trigger="button", state="succeeded")
    rule = ValidationRule.objects.create(
        code="NIK_FORMAT_UJI", record_type="person", severity="error", message="NIK harus 16 angka."
    )
    RowIssue.objects.create(
        run=run,
        submission=sub,
        record_type="person",
        staged_row_id=1,
        record_key="AIII/1",
        rule=rule,
        severity="error",
        detail_code="birth_date",
        detail_args={"date": "2030-01-01"},
    )
    Submission.objects.filter(pk=sub.pk).update(state="partial", rows_accepted=8, rows_rejected=1, run=run)
    body = api_for(world.operator_a).get(f"{LIST}{sub.package_id}/").json()
    assert body["state"] == "partial" and body["results"]["rows_rejected"] == 1 and body["results"]["run"] == run.pk
    assert body["issue_counts"] == {"errors": 1, "warnings": 0}
    assert body["issues"] == [
        {
            "record_type": "person",
            "record_key": "AIII/1",
            "rule": "NIK_FORMAT_UJI",
            "severity": "error",
            "message": "NIK harus 16 angka.",
            "detail": "tanggal lahir 01-01-2030",
        }
    ]
    # Stored as a code and arguments, the detail reads in Bahasa Indonesia like the rule's message, whatever
    # the request's language: the API's answer is the same as before details had codes.
    english = api_for(world.operator_a).get(f"{LIST}{sub.package_id}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["issues"][0]["detail"] == "tanggal lahir 01-01-2030"


def test_the_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = api_for(world.monitor_x)
    for size in (2, 25):
        for _ in range(size):
            SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a)
        with django_assert_max_num_queries(8):
            assert client.get(LIST).status_code == 200


def test_the_detail_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    sub = SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a)
    run = ConsolidationRun.objects.create(trigger="button", state="succeeded")
    rule = ValidationRule.objects.create(code="UJI", record_type="person", severity="warning", message="Uji.")
    client = api_for(world.central)
    for size in (1, 30):
        RowIssue.objects.bulk_create(
            RowIssue(
                run=run,
                submission=sub,
                record_type="person",
                staged_row_id=i,
                record_key=f"K{i}",
                rule=rule,
                severity="warning",
            )
            for i in range(size)
        )
        with django_assert_max_num_queries(9):
            assert client.get(f"{LIST}{sub.package_id}/").status_code == 200


# --- Schema and docs --------------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_package(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    components = schema["components"]["schemas"]
    person = components["PackagePersonRequest"]["properties"]
    assert set(pkg.PERSON_FIELDS) <= set(person)
    assert "/api/v1/submissions/" in schema["paths"] and "/api/v1/auth/token/" in schema["paths"]
    responses = schema["paths"]["/api/v1/submissions/"]["post"]["responses"]
    assert set(responses) == {"200", "201", "400", "401", "403", "409", "413", "415", "503"}
    assert set(responses["201"]["headers"]) == {"Location"}


def test_the_interactive_docs_are_served_without_a_cdn(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"):
        assert cdn not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    redoc = client.get(reverse("api-redoc"))
    assert redoc.status_code == 200 and "drf_spectacular_sidecar/redoc/" in redoc.content.decode()


def test_an_operator_reaches_a_package_result_by_send_helper(world, package_a):
    sub = send(world.operator_a, package_a).submission
    assert api_for(world.operator_a).get(f"{LIST}{sub.package_id}/").json()["state"] == "received"


def test_the_token_endpoint_is_behind_the_login_lockout(world, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post("/api/v1/auth/token/", {"username": "op_a", "password": "salah"}, format="json")
        assert wrong.status_code == 400
    last = client.post("/api/v1/auth/token/", {"username": "op_a", "password": "salah"}, format="json")
    locked = client.post("/api/v1/auth/token/", {"username": "op_a", "password": "sandi-uji-123"}, format="json")
    for response in (last, locked):
        assert response.status_code == 429 and response["Content-Type"] == "application/json"
        assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
        assert "token" not in response.json() and response.json()["detail"]
    assert not ApiToken.objects.filter(user=world.operator_a).exists()
