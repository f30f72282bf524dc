"""Every report page, export and API endpoint runs the same number of queries whatever the data size."""

import datetime as dt

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from central.models import OccupancyBreakdown, RowIssue
from tests.factories import OccupancySnapshotFactory, UptFactory
from tests.reports.conftest import DAY, START, make_run, result, send

pytestmark = pytest.mark.django_db

# A fixed ceiling, whatever the data: the UPT page is the largest (status, history, results, occupancy and the
# twelve-month scorecard, whose parts are one query each for all months).
MAX_QUERIES = 30


def pages(run_id):
    rng = "dari=2026-03-01&sampai=2026-03-10"
    return [
        ("central", "/laporan/nasional/?tanggal=2026-03-10"),
        ("central", "/laporan/nasional/?tanggal=2026-03-10&format=xlsx&tabel=kanwil"),
        ("central", "/laporan/nasional/kepatuhan/?tanggal=2026-03-10"),
        ("central", f"/laporan/nasional/kepatuhan/?{rng}"),
        ("central", f"/laporan/nasional/kepatuhan/?{rng}&format=csv"),
        ("central", f"/laporan/nasional/konsolidasi/?{rng}"),
        ("central", f"/laporan/nasional/konsolidasi/{run_id}/"),
        ("central", f"/laporan/nasional/konsolidasi/{run_id}/?format=xlsx&tabel=baris"),
        ("central", "/laporan/nasional/hunian/?tanggal=2026-03-10&periode=365"),
        ("central", "/laporan/nasional/rapor/?bulan=03-2026"),
        ("monitor_x", "/laporan/wilayah/33/rapor/?bulan=03-2026&format=csv"),
        ("monitor_x", "/kanwil/?tanggal=2026-03-10"),
        ("monitor_x", "/laporan/wilayah/33/?tanggal=2026-03-10&format=csv&tabel=upt"),
        ("monitor_x", f"/laporan/wilayah/33/kepatuhan/?{rng}"),
        ("monitor_x", f"/laporan/wilayah/33/konsolidasi/?{rng}"),
        ("monitor_x", f"/laporan/wilayah/33/konsolidasi/{run_id}/"),
        ("monitor_x", "/laporan/wilayah/33/hunian/?tanggal=2026-03-10"),
        ("monitor_x", "/laporan/upt/LP3301/?tanggal=2026-03-10&periode=90"),
        ("operator_a", "/laporan/upt/LP3301/?tanggal=2026-03-10"),
        ("operator_a", f"/laporan/upt/LP3301/konsolidasi/{run_id}/"),
        ("central", "/api/v1/reports/occupancy/?date=2026-03-10"),
        ("monitor_x", "/api/v1/reports/compliance/?start=2026-03-01&end=2026-03-10"),
    ]


def count_queries(client, url) -> int:
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return len(queries)


def grow(report_data, extra_upts: int = 12) -> None:
    """Many more UPTs in both regions, each with ten days of packages, snapshots, breakdowns, results,
    issues, and three more runs: what a page reads grows several times over."""
    world = report_data.world
    runs = [make_run(START + dt.timedelta(days=i)) for i in range(3)]
    for n in range(extra_upts):
        kanwil = world.kanwil_x if n % 2 else world.kanwil_y
        upt = UptFactory(code=f"LPX{n:03d}", name=f"Lapas Tambahan {n}", kanwil=kanwil, capacity=200 + n)
        for i in range(10):
            day = START + dt.timedelta(days=i)
            if (n + i) % 4:
                send(upt, day, 8 + (n + i) % 5)
            OccupancySnapshotFactory(upt=upt, date=day, detainees=50 + i, sentenced=150 + n)
        OccupancyBreakdown.objects.create(date=DAY, upt=upt, register="B.I", sex="L", crime_category="KORUPSI", count=7)
        for run in (*runs, report_data.run2):
            result(run, upt, 100, 2, 1)
        submission = upt.submissions.order_by("-received_at").first()
        RowIssue.objects.create(
            run=report_data.run2,
            submission=submission,
            record_type="person",
            staged_row_id=n,
            record_key=f"X/{n}",
            rule_id="NIK_FORMAT",
            severity="error",
        )


def test_query_counts_do_not_grow_with_the_data(client_for, report_data):
    world = report_data.world
    clients = {role: client_for(getattr(world, role)) for role in ("central", "monitor_x", "operator_a")}
    for role, url in pages(report_data.run2.pk):
        clients[role].get(url)  # warm the per-process caches (content types) first
    small = {url: count_queries(clients[role], url) for role, url in pages(report_data.run2.pk)}
    grow(report_data)
    large = {url: count_queries(clients[role], url) for role, url in pages(report_data.run2.pk)}
    for url, n in small.items():
        assert n <= MAX_QUERIES, (url, n)
        assert large[url] == n, (url, n, large[url])


def test_max_queries_of_the_busiest_pages(client_for, report_data, django_assert_max_num_queries):
    grow(report_data, extra_upts=6)
    client = client_for(report_data.world.central)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get("/laporan/nasional/?tanggal=2026-03-10")
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get("/laporan/nasional/kepatuhan/?dari=2026-03-01&sampai=2026-03-10")
