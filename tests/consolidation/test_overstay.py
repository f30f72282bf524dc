"""The overstay sentinel: detainees held past their detention's legal limit and narapidana held past their
expiry date, counted by the daily snapshot as the rules P_DETENTION_OVERDUE and P_EXPIRY_PASSED define them,
and shown with the same numbers on the dashboards, in their exports and in the report API."""

import csv
import io
from datetime import timedelta

import pytest

from central.models import OccupancySnapshot, RowIssue
from tests.consolidation.helpers import consolidate, detainee_values, package, person_values, today

pytestmark = pytest.mark.django_db


def _people():
    """UPT A: one detainee 51 days past the limit, one within it; one narapidana past expiry, one not, one
    released past expiry (not held: not counted). UPT B: one narapidana past expiry."""
    t = today()
    long_ago = t - timedelta(days=100)
    a = [
        detainee_values(
            "A/1", nik="", detention_start=long_ago, register_since=long_ago, admission_date=long_ago,
            detention_limit_date=long_ago + timedelta(days=49),
        ),
        detainee_values("A/2", nik=""),
        person_values("A/3", nik="", detention_start=t - timedelta(days=1000), sentence_years=2),
        person_values("A/4", nik=""),
        person_values("A/5", nik="", detention_start=t - timedelta(days=1000), sentence_years=2, status="RELEASED"),
    ]  # fmt: skip
    b = [person_values("B/1", nik="", detention_start=t - timedelta(days=1000), sentence_years=2)]
    return a, b


@pytest.fixture
def overstay(world):
    a, b = _people()
    package(world.upt_a, persons=a)
    package(world.upt_b, persons=b)
    return consolidate(world.central)


def test_the_snapshot_counts_what_the_rules_flag(world, overstay):
    snaps = {s.upt.code: s for s in OccupancySnapshot.objects.filter(date=today())}
    a, b = snaps[world.upt_a.code], snaps[world.upt_b.code]
    assert (a.overstay_detainees, a.overstay_sentenced) == (1, 1)
    assert (b.overstay_detainees, b.overstay_sentenced) == (0, 1)
    # The same people the rules warn about (held ones only; the released A/5 gets no warning).
    flagged = set(
        RowIssue.objects.filter(run=overstay, rule_id__in=["P_DETENTION_OVERDUE", "P_EXPIRY_PASSED"]).values_list(
            "rule_id", "record_key"
        )
    )
    assert flagged == {("P_DETENTION_OVERDUE", "A/1"), ("P_EXPIRY_PASSED", "A/3"), ("P_EXPIRY_PASSED", "B/1")}


def test_dashboards_exports_and_api_show_the_same_counts(world, overstay, client_for):
    region = client_for(world.monitor_x)
    html = region.get(f"/laporan/wilayah/{world.kanwil_x.code}/").content.decode()
    assert "Tahanan melewati batas penahanan" in html and 'id="data-lewat-batas"' in html
    export = region.get(f"/laporan/wilayah/{world.kanwil_x.code}/", {"format": "csv", "tabel": "upt"})
    body = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    by_code = {row[header.index("Kode")]: row for row in rows[1:]}
    a_row = by_code[world.upt_a.code]
    assert (a_row[header.index("Tahanan lewat batas")], a_row[header.index("Napi lewat ekspirasi")]) == ("1", "1")
    trend = region.get(f"/laporan/wilayah/{world.kanwil_x.code}/", {"format": "csv", "tabel": "lewat_batas"})
    trend_rows = list(
        csv.reader(
            io.StringIO(b"".join(trend.streaming_content if trend.streaming else [trend.content]).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert trend_rows[1][1:3] == ["1", "2"]  # today, region X: A's detainee; A's and B's narapidana

    api = client_for(world.central).get("/api/v1/reports/occupancy/").json()
    row = next(r for r in api["results"] if r["upt_code"] == world.upt_a.code)
    assert (row["overstay_detainees"], row["overstay_sentenced"]) == (1, 1)
    assert (api["totals"]["overstay_detainees"], api["totals"]["overstay_sentenced"]) == (1, 2)
    national = client_for(world.central).get("/laporan/nasional/").content.decode()
    assert "Narapidana melewati tanggal ekspirasi" in national
