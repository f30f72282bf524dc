"""Person data stays with its scope: a consolidation run's row issues quote person values (a NIK, a birth date).
DESIGN §4 lets a Kanwil monitor read its region's records, so the values stay on the run page and its export,
and every view of them and every export of them is in the audit trail as a person view (docs/TRUST.md)."""

from __future__ import annotations

import pytest

from central.models import AuditAction, AuditEvent, RowIssue
from tests.reports.conftest import report_data  # noqa: F401 — the fixed report history, as a fixture

pytestmark = pytest.mark.django_db

NIK = "3301019001900001"


@pytest.fixture
def nik_issue(report_data):  # noqa: F811
    issue = RowIssue.objects.filter(run=report_data.run2, submission=report_data.submission_a).first()
    issue.detail_code, issue.detail_args = "nik_text", {"nik": NIK}
    issue.save(update_fields=["detail_code", "detail_args"])
    return issue


def events(user, action):
    return list(AuditEvent.objects.filter(actor=user, action=action).order_by("pk"))


def test_a_kanwil_monitor_viewing_a_runs_row_issues_is_audited(client_for, report_data, nik_issue):  # noqa: F811
    world = report_data.world
    monitor = client_for(world.monitor_x)
    path = f"/laporan/wilayah/{world.kanwil_x.code}/konsolidasi/{report_data.run2.pk}/"
    assert not events(world.monitor_x, AuditAction.PERSON_VIEWED)
    response = monitor.get(path)
    assert response.status_code == 200 and NIK in response.content.decode()  # the region's own record
    (event,) = events(world.monitor_x, AuditAction.PERSON_VIEWED)
    assert event.object_type == "central.consolidationrun" and event.object_id == str(report_data.run2.pk)
    assert event.detail == f"baris bermasalah kanwil-{world.kanwil_x.code}"
    assert NIK not in event.detail and event.ip_address

    monitor.get(f"/laporan/upt/{world.upt_a.code}/konsolidasi/{report_data.run2.pk}/")
    second = events(world.monitor_x, AuditAction.PERSON_VIEWED)[-1]
    assert second.upt == world.upt_a and second.detail == f"baris bermasalah upt-{world.upt_a.code}"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_export_of_the_row_issues_is_audited(client_for, report_data, nik_issue, fmt):  # noqa: F811
    world = report_data.world
    monitor = client_for(world.monitor_x)
    path = f"/laporan/wilayah/{world.kanwil_x.code}/konsolidasi/{report_data.run2.pk}/"
    response = monitor.get(f"{path}?format={fmt}&tabel=baris")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    (event,) = events(world.monitor_x, AuditAction.EXPORTED)
    assert event.object_id == str(report_data.run2.pk) and event.detail.endswith(f"({fmt})")
    assert not events(world.monitor_x, AuditAction.PERSON_VIEWED)  # an export is recorded as an export
    # The per-UPT results and the reasons hold figures, not people: exporting them records nothing.
    for table in ("hasil_upt", "alasan"):
        assert monitor.get(f"{path}?format={fmt}&tabel={table}").status_code == 200
    assert len(events(world.monitor_x, AuditAction.EXPORTED)) == 1


def test_a_run_page_with_no_row_issue_in_scope_records_nothing(client_for, report_data):  # noqa: F811
    world = report_data.world
    response = client_for(world.monitor_x).get(
        f"/laporan/wilayah/{world.kanwil_x.code}/konsolidasi/{report_data.run1.pk}/"
    )
    assert response.status_code == 200
    assert not events(world.monitor_x, AuditAction.PERSON_VIEWED)


def test_central_views_of_the_national_run_page_are_audited_too(client_for, report_data, nik_issue):  # noqa: F811
    world = report_data.world
    client_for(world.central).get(f"/laporan/nasional/konsolidasi/{report_data.run2.pk}/")
    (event,) = events(world.central, AuditAction.PERSON_VIEWED)
    assert event.detail == "baris bermasalah nasional" and event.upt is None
