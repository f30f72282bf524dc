"""``/api/v1/consolidations/``: starting a run (central only, one at a time), reading runs with results
limited to the caller's scope, token authentication, and fixed query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from central.models import ConsolidationRun
from tests.consolidation.helpers import consolidate, package, person_values, today
from tests.factories import api_token

pytestmark = pytest.mark.django_db
LIST = "/api/v1/consolidations/"


def api(user=None, token=False):
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
        else:
            client.force_authenticate(user)
    return client


@pytest.fixture
def ran(world):
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="", sex="?")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - timedelta(days=5))])
    package(world.upt_c, persons=[person_values("C/1", nik="", full_name="Wayan Sudarta")])
    return consolidate(world.central)


def test_urls_are_the_documented_ones():
    assert reverse("api:consolidation-list") == LIST
    assert reverse("api:consolidation-detail", args=[7]) == f"{LIST}7/"


@pytest.mark.parametrize("who", ["operator_a", "operator_c", "monitor_x", "monitor_y", "no_role"])
def test_unit_roles_cannot_start_a_run(world, who):
    response = api(getattr(world, who), token=True).post(LIST)
    assert response.status_code == 403
    assert not ConsolidationRun.objects.exists()


def test_anonymous_cannot_start_a_run(world):
    assert api().post(LIST).status_code in (401, 403)
    assert not ConsolidationRun.objects.exists()


@pytest.mark.parametrize("who", ["central", "admin"])
def test_central_starts_one_run_and_a_second_post_returns_it(world, who, django_capture_on_commit_callbacks):
    client = api(getattr(world, who), token=True)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(LIST)
    assert first.status_code == 202
    assert first.data["state"] == "queued" and first.data["trigger"] == "api" and first.data["active"] is True
    assert len(callbacks) == 1
    second = client.post(LIST)
    assert second.status_code == 200 and second.data["id"] == first.data["id"]
    assert ConsolidationRun.objects.count() == 1


def test_a_started_run_is_executed_by_the_task(world, django_capture_on_commit_callbacks):
    package(world.upt_a, persons=[person_values("A/1")])
    with django_capture_on_commit_callbacks(execute=True):
        created = api(world.central).post(LIST)
    detail = api(world.central).get(f"{LIST}{created.data['id']}/")
    assert detail.data["state"] == "succeeded" and detail.data["progress"] == 100
    assert detail.data["step_display"] == "Selesai" and detail.data["active"] is False
    assert detail.data["totals"]["rows_accepted"] == 1


def test_central_sees_national_totals_and_every_unit(world, ran):
    data = api(world.central).get(f"{LIST}{ran.pk}/").data
    assert {r["upt"] for r in data["upt_results"]} == {"LP3301", "LP3302", "LP3101"}
    assert data["totals"] == {
        "submissions_count": 3,
        "rows_received": 4,
        "rows_accepted": 3,
        "rows_rejected": 1,
        "rows_warned": 0,
        "rows_written": 3,
        "conflicts_found": 1,
    }
    assert data["error"] == ""


@pytest.mark.parametrize(
    ("who", "units"),
    [
        ("operator_a", {"LP3301"}),
        ("operator_c", {"LP3101"}),
        ("monitor_x", {"LP3301", "LP3302"}),
        ("monitor_y", {"LP3101"}),
    ],
)
def test_unit_roles_read_runs_with_their_own_results_only(world, ran, who, units):
    client = api(getattr(world, who))
    detail = client.get(f"{LIST}{ran.pk}/")
    assert detail.status_code == 200
    assert {r["upt"] for r in detail.data["upt_results"]} == units
    assert detail.data["totals"] is None and detail.data["error"] is None
    listed = client.get(LIST).data["results"]
    assert [r["id"] for r in listed] == [ran.pk]
    assert {r["upt"] for r in listed[0]["upt_results"]} == units


def test_a_user_without_any_scope_reads_nothing(world, ran):
    client = api(world.no_role)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{ran.pk}/").status_code == 403


def test_a_missing_run_is_404(world):
    assert api(world.central).get(f"{LIST}12345/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_runs_cannot_be_changed(world, ran, method):
    response = getattr(api(world.central), method)(f"{LIST}{ran.pk}/")
    assert response.status_code == 405
    assert getattr(api(world.central), method)(LIST).status_code == 405


@pytest.mark.parametrize("size", [1, 5])
def test_list_and_detail_run_a_fixed_number_of_queries(world, django_assert_max_num_queries, size):
    for i in range(size):
        package(world.upt_a, kind="delta", persons=[person_values(f"A/{i}", nik="")])
        package(world.upt_b, kind="delta", persons=[person_values(f"B/{i}", nik="")])
        consolidate(world.central)
    client = api(world.monitor_x, token=True)
    with django_assert_max_num_queries(10):  # token, scope (guardian), count, page, results
        assert len(client.get(LIST).data["results"]) == size
    with django_assert_max_num_queries(9):
        assert client.get(f"{LIST}{ConsolidationRun.objects.latest('pk').pk}/").status_code == 200


def test_documented_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/consolidations/" in schema and "Jalankan konsolidasi" in schema
