"""The read-only report API: figures, filters, pagination, token authentication and its OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from tests.factories import api_token

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_occupancy_figures_and_totals(report_data):
    body = api(report_data.world.monitor_x).get("/api/v1/reports/occupancy/?date=2026-03-10").json()
    assert body["date"] == "2026-03-10"
    assert body["count"] == 2
    rows = {r["upt_code"]: r for r in body["results"]}
    a = rows["LP3301"]
    assert (a["detainees"], a["sentenced"], a["occupants"], a["capacity"], a["level"]) == (150, 450, 600, 500, "red")
    assert a["occupancy_rate_percent"] == pytest.approx(120.0)
    assert a["overcrowding_percent"] == pytest.approx(20.0)
    b = rows["LP3302"]  # exactly full: rate 100 %, not over capacity
    assert (b["occupancy_rate_percent"], b["overcrowding_percent"], b["level"]) == (100.0, None, "yellow")
    assert a["kanwil_code"] == "33" and a["snapshot_date"] == "2026-03-10"
    totals = body["totals"]
    assert (totals["occupants"], totals["capacity"]) == (1028, 928)
    assert totals["occupancy_rate_percent"] == pytest.approx(1028 * 100 / 928)
    assert totals["overcrowding_percent"] == pytest.approx(100 * 100 / 928)
    assert "generated_at" in body


def test_compliance_figures(report_data):
    body = api(report_data.world.central).get("/api/v1/reports/compliance/?start=2026-03-01&end=2026-03-10").json()
    rows = {r["upt_code"]: r for r in body["results"]}
    b = rows["LP3302"]
    assert (b["sent_days"], b["missed_days"], b["late_occupancy_days"], b["longest_missed_streak"]) == (4, 6, 1, 4)
    assert b["current_missed_streak"] == 2
    assert rows["LP3101"]["current_missed_streak"] == 18
    assert body["totals"]["missed_days"] == 16
    day = api(report_data.world.central).get("/api/v1/reports/compliance/?date=2026-03-08&upt=LP3302").json()
    assert (day["start"], day["end"], day["count"]) == ("2026-03-08", "2026-03-08", 1)
    assert day["results"][0]["packages"] == 2


def test_filters_narrow_the_scope(report_data):
    client = api(report_data.world.central)
    assert client.get("/api/v1/reports/occupancy/?kanwil=31").json()["count"] == 1
    assert client.get("/api/v1/reports/occupancy/?upt=LP3302").json()["results"][0]["upt_code"] == "LP3302"
    assert client.get("/api/v1/reports/occupancy/?upt_type=RUTAN").json()["count"] == 0


def test_pagination(report_data):
    body = api(report_data.world.central).get("/api/v1/reports/occupancy/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert body["totals"]["upts"] == 3  # totals cover every page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date=10-03-2026", "date"),
        ("date=2999-01-01", "date"),
        ("start=2026-03-10&end=2026-03-01", "start"),
        ("start=2020-01-01&end=2026-03-01", "start"),
        ("date=2026-03-01&start=2026-03-01", "date"),
        ("upt_type=PENJARA", "upt_type"),
    ],
)
def test_bad_parameters_answer_400_with_the_field(report_data, query, field):
    response = api(report_data.world.central).get(f"/api/v1/reports/compliance/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and [error["path"] for error in body["errors"]] == [field]


def test_token_authentication(report_data):
    token = api_token(report_data.world.monitor_y)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/reports/occupancy/?date=2026-03-10")
    assert response.status_code == 200
    assert [r["upt_code"] for r in response.json()["results"]] == ["LP3101"]


def test_schema_documents_the_report_endpoints(settings):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/reports/occupancy/", "/api/v1/reports/compliance/"):
        operation = schema["paths"][path]["get"]
        assert set(schema["paths"][path]) == {"get"}
        names = {p["name"] for p in operation["parameters"]}
        assert {"kanwil", "upt", "upt_type", "date"} <= names
    compliance = schema["paths"]["/api/v1/reports/compliance/"]["get"]
    assert {"start", "end"} <= {p["name"] for p in compliance["parameters"]}
    assert "ComplianceReport" in schema["components"]["schemas"]
    assert "overcrowding_percent" in schema["components"]["schemas"]["OccupancyRow"]["properties"]
    assert "occupancy_rate_percent" in schema["components"]["schemas"]["OccupancyRow"]["properties"]
