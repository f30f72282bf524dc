"""Central's pages: every role against every page and action, the button only for central, closing conflicts
and reopening submissions, and a fixed number of queries whatever the data size."""

from datetime import timedelta

import pytest
from django.urls import reverse

from central.models import AuditEvent, Conflict, ConsolidationRun, RowIssue, Submission
from tests.consolidation.helpers import consolidate, package, person_values, today

pytestmark = pytest.mark.django_db

UNIT_ROLES = ["operator_a", "operator_b", "operator_c", "monitor_x", "monitor_y", "no_role"]
CENTRAL_ROLES = ["central", "admin"]


@pytest.fixture
def consolidated(world):
    """A run with results, issues and an open conflict (Budi held in UPT A and UPT B)."""
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="", sex="?")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - timedelta(days=5))])
    run = consolidate(world.central)
    return run, Conflict.objects.get()


def _run_page(run) -> str:
    return reverse("laporan:national_run", kwargs={"run_id": run.pk})


def _pages(run, conflict):
    return [
        reverse("laporan:national"),
        reverse("central:run_list"),
        _run_page(run),
        reverse("central:conflict_list"),
        reverse("central:conflict_list") + "?state=&kind=active_twice",
        reverse("central:conflict_detail", args=[conflict.pk]),
    ]


@pytest.mark.parametrize("who", UNIT_ROLES)
def test_unit_roles_get_403_on_every_central_page(client_for, world, consolidated, who):
    client = client_for(getattr(world, who))
    for url in _pages(*consolidated):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", CENTRAL_ROLES)
def test_central_and_admin_open_every_page(client_for, world, consolidated, who):
    client = client_for(getattr(world, who))
    for url in _pages(*consolidated):
        response = client.get(url)
        assert response.status_code == 200, url


def test_anonymous_is_sent_to_login(client, world, consolidated):
    run, _conflict = consolidated
    for url in [*_pages(*consolidated), reverse("central:dashboard"), reverse("central:run_detail", args=[run.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_missing_run_or_conflict_is_404(client_for, world):
    client = client_for(world.central)
    assert client.get(reverse("laporan:national_run", kwargs={"run_id": 999})).status_code == 404
    assert client.get(reverse("central:conflict_detail", args=[999])).status_code == 404


# --- one national dashboard, one run page: the old addresses redirect -----------------------------------
@pytest.mark.parametrize("who", CENTRAL_ROLES)
def test_the_old_central_pages_redirect_to_the_merged_ones_keeping_the_query(client_for, world, consolidated, who):
    run, _conflict = consolidated
    client = client_for(getattr(world, who))
    response = client.get(reverse("central:dashboard") + "?tanggal=2026-03-10&jenis=LAPAS")
    assert response.status_code == 301
    assert response["Location"] == reverse("laporan:national") + "?tanggal=2026-03-10&jenis=LAPAS"
    assert client.get(response["Location"]).status_code == 200
    response = client.get(reverse("central:run_detail", args=[run.pk]) + "?tingkat=error")
    assert response.status_code == 301 and response["Location"] == _run_page(run) + "?tingkat=error"
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("central:run_detail", args=[999]), follow=True).status_code == 404


@pytest.mark.parametrize("who", UNIT_ROLES)
def test_the_old_central_pages_redirect_nobody_else(client_for, world, consolidated, who):
    """A unit role is refused at the old address as before: no redirect that would name the run's page."""
    run, _conflict = consolidated
    client = client_for(getattr(world, who))
    for url in (reverse("central:dashboard"), reverse("central:run_detail", args=[run.pk])):
        response = client.get(url)
        assert response.status_code == 403 and not response.has_header("Location"), url


def test_the_run_page_shows_a_region_only_its_own_results_and_central_everything(client_for, world):
    package(world.upt_a, persons=[person_values("A/1")])
    package(world.upt_c, persons=[person_values("C/1", nik="", sex="?")])
    run = consolidate(world.central)
    national = client_for(world.central).get(_run_page(run)).content.decode()
    assert world.upt_a.name in national and world.upt_c.name in national
    assert reverse("central:submission_reopen", args=[run.submissions.get(upt=world.upt_c).pk]) in national

    monitor = client_for(world.monitor_x)
    region = monitor.get(reverse("laporan:region_run", kwargs={"code": world.kanwil_x.code, "run_id": run.pk}))
    html = region.content.decode()
    assert region.status_code == 200 and world.upt_a.name in html
    assert world.upt_c.name not in html and world.upt_c.code not in html
    assert "/buka-ulang/" not in html  # reopening is central's action
    other = reverse("laporan:region_run", kwargs={"code": world.kanwil_y.code, "run_id": run.pk})
    assert monitor.get(other).status_code == 404  # another region's run page: not revealed
    assert monitor.get(_run_page(run)).status_code == 403
    assert monitor.get(reverse("central:run_detail", args=[run.pk])).status_code == 403


# --- the button --------------------------------------------------------------------------------------
def test_the_button_is_shown_to_central(client_for, world):
    page = client_for(world.central).get(reverse("laporan:national")).content.decode()
    assert 'id="jalankan-konsolidasi"' in page and "Jalankan konsolidasi" in page


@pytest.mark.parametrize(
    ("who", "start"),
    [
        ("operator_a", "upt:home"),
        ("monitor_x", "kanwil:dashboard"),
    ],
)
def test_the_button_is_not_shown_to_unit_roles(client_for, world, who, start):
    client = client_for(getattr(world, who))
    url = reverse(start, args=["LP3301"]) if start == "upt:home" else reverse(start)
    response = client.get(url)
    assert response.status_code == 200
    assert "Jalankan konsolidasi" not in response.content.decode()
    assert reverse("central:consolidation_start") not in response.content.decode()


@pytest.mark.parametrize("who", [*UNIT_ROLES])
def test_unit_roles_cannot_press_it(client_for, world, who):
    response = client_for(getattr(world, who)).post(reverse("central:consolidation_start"))
    assert response.status_code == 403
    assert not ConsolidationRun.objects.exists()


def test_the_button_is_post_only(client_for, world):
    assert client_for(world.central).get(reverse("central:consolidation_start")).status_code == 405
    assert not ConsolidationRun.objects.exists()


@pytest.mark.parametrize("who", CENTRAL_ROLES)
def test_pressing_it_runs_a_consolidation_and_shows_the_run(client_for, world, who, django_capture_on_commit_callbacks):
    package(world.upt_a, persons=[person_values("A/1")])
    client = client_for(getattr(world, who))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("central:consolidation_start"))
    run = ConsolidationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == _run_page(run)
    assert (run.trigger, run.state) == ("button", "succeeded")
    page = client.get(response["Location"]).content.decode()
    assert "Berhasil" in page and "Lapas Kelas IIA Karanganyar Nusakambangan" in page


def test_pressing_it_twice_returns_the_same_run(client_for, world):
    client = client_for(world.central)
    client.post(reverse("central:consolidation_start"))
    response = client.post(reverse("central:consolidation_start"), follow=True)
    assert ConsolidationRun.objects.count() == 1
    assert "tidak dijalankan lagi" in response.content.decode()


def test_an_active_run_shows_live_progress_on_the_dashboard(client_for, world):
    run = ConsolidationRun.objects.create(trigger="schedule", state="running", step="Validasi data", progress=20)
    page = client_for(world.central).get(reverse("laporan:national")).content.decode()
    assert f'data-run-status="{reverse("api:consolidation-detail", args=[run.pk])}"' in page
    assert 'data-run-state="running"' in page and "Validasi data" in page
    assert "js/consolidation.js" in page
    assert 'id="jalankan-konsolidasi" disabled' in page


def test_a_failed_run_shows_its_reason(client_for, world):
    run = ConsolidationRun.objects.create(trigger="schedule", state="failed", error="OperationalError: disk penuh")
    page = client_for(world.central).get(_run_page(run)).content.decode()
    assert "disk penuh" in page and "Gagal" in page


# --- conflicts ---------------------------------------------------------------------------------------
def test_central_resolves_a_conflict_with_a_note(client_for, world, consolidated):
    _run, conflict = consolidated
    url = reverse("central:conflict_detail", args=[conflict.pk])
    page = client_for(world.central).get(url).content.decode()
    assert "Budi Santoso" in page and "B/1" in page and "A/1" in page
    response = client_for(world.central).post(url, {"state": "resolved", "note": "UPT B sudah memperbaiki data."})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.state, conflict.note, conflict.closed_by) == (
        "resolved",
        "UPT B sudah memperbaiki data.",
        world.central,
    )
    assert AuditEvent.objects.filter(action="conflict_closed", object_id=str(conflict.pk)).exists()


def test_closing_without_a_note_is_refused_with_a_message(client_for, world, consolidated):
    _run, conflict = consolidated
    response = client_for(world.central).post(
        reverse("central:conflict_detail", args=[conflict.pk]), {"state": "dismissed", "note": "  "}
    )
    assert response.status_code == 400
    assert "Catatan wajib diisi" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.state == "open"


def test_a_closed_conflict_cannot_be_closed_again(client_for, world, consolidated):
    _run, conflict = consolidated
    url = reverse("central:conflict_detail", args=[conflict.pk])
    client_for(world.admin).post(url, {"state": "dismissed", "note": "Bukan orang yang sama."})
    response = client_for(world.central).post(url, {"state": "resolved", "note": "lagi"})
    assert response.status_code == 400 and "sudah ditutup" in response.content.decode()
    conflict.refresh_from_db()
    assert (conflict.state, conflict.closed_by) == ("dismissed", world.admin)


@pytest.mark.parametrize("who", UNIT_ROLES)
def test_unit_roles_cannot_close_conflicts(client_for, world, consolidated, who):
    _run, conflict = consolidated
    response = client_for(getattr(world, who)).post(
        reverse("central:conflict_detail", args=[conflict.pk]), {"state": "resolved", "note": "x"}
    )
    assert response.status_code == 403
    conflict.refresh_from_db()
    assert conflict.state == "open"


def test_conflict_list_filters(client_for, world, consolidated):
    client = client_for(world.central)
    assert "Budi Santoso" in client.get(reverse("central:conflict_list")).content.decode()
    assert "Budi Santoso" not in client.get(reverse("central:conflict_list") + "?state=resolved").content.decode()
    assert "Budi Santoso" not in client.get(reverse("central:conflict_list") + "?kind=reappeared").content.decode()


# --- reopening a submission ----------------------------------------------------------------------------
def test_central_reopens_a_submission_for_the_next_run(client_for, world, consolidated):
    run, _conflict = consolidated
    sub = Submission.objects.get(upt=world.upt_a)
    assert RowIssue.objects.filter(submission=sub).exists()
    page = client_for(world.central).get(_run_page(run)).content.decode()
    assert reverse("central:submission_reopen", args=[sub.pk]) in page
    response = client_for(world.central).post(reverse("central:submission_reopen", args=[sub.pk]))
    assert response.status_code == 302 and response["Location"] == _run_page(run)
    sub.refresh_from_db()
    assert (sub.state, sub.run, sub.rows_accepted) == ("received", None, 0)
    assert not RowIssue.objects.filter(submission=sub).exists()
    assert AuditEvent.objects.filter(action="submission_reopened", object_id=str(sub.pk)).exists()
    again = consolidate(world.central)
    sub.refresh_from_db()
    assert (sub.state, sub.run) == ("partial", again)


def test_an_older_submission_cannot_be_reopened(client_for, world, consolidated):
    run, _conflict = consolidated
    old = Submission.objects.get(upt=world.upt_a)
    package(world.upt_a, kind="delta", persons=[person_values("A/3", nik="")])
    consolidate(world.central)
    page = client_for(world.central).get(_run_page(run)).content.decode()
    assert reverse("central:submission_reopen", args=[old.pk]) not in page
    response = client_for(world.central).post(reverse("central:submission_reopen", args=[old.pk]), follow=True)
    assert "lebih baru" in response.content.decode()
    old.refresh_from_db()
    assert old.state == "partial"


def test_a_waiting_submission_cannot_be_reopened(client_for, world):
    sub = package(world.upt_a, persons=[person_values("A/1")])
    response = client_for(world.central).post(reverse("central:submission_reopen", args=[sub.pk]), follow=True)
    assert "sudah dikonsolidasi" in response.content.decode()


@pytest.mark.parametrize("who", UNIT_ROLES)
def test_unit_roles_cannot_reopen(client_for, world, consolidated, who):
    sub = Submission.objects.get(upt=world.upt_a)
    response = client_for(getattr(world, who)).post(reverse("central:submission_reopen", args=[sub.pk]))
    assert response.status_code == 403
    sub.refresh_from_db()
    assert sub.state == "partial"


# --- queries do not grow with the data -------------------------------------------------------------
def _grow(world, n):
    from tests.factories import UptFactory

    for i in range(n):
        upt = UptFactory(code=f"LPX{i:03d}", kanwil=world.kanwil_x)
        package(upt, persons=[person_values(f"X/{i}"), person_values(f"Y/{i}", nik="", sex="?")])
    package(world.upt_a, persons=[person_values("A/1", admission_date=today() - timedelta(days=3))])
    consolidate(world.central)


@pytest.mark.parametrize("size", [1, 6])
def test_pages_run_a_fixed_number_of_queries(client_for, world, django_assert_max_num_queries, size):
    _grow(world, size)
    run = ConsolidationRun.objects.latest("pk")
    conflict = Conflict.objects.first()
    client = client_for(world.central)
    client.get("/")  # the session and the user's scope are loaded once per request anyway
    bounds = {
        reverse("laporan:national"): 19,
        reverse("central:run_list"): 8,
        _run_page(run): 25,  # three for the daily checks (scope, reconciliation, anomalies)
        reverse("central:conflict_list"): 8,
        reverse("central:conflict_detail", args=[conflict.pk]): 12,  # one is the audit trail's insert
    }
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200


def test_the_run_pages_conflict_total_is_the_sum_of_its_upt_rows(client_for, world):
    """A conflict on a UPT that sent nothing to the run (Budi held in A since an earlier run, B's package
    makes him held twice, the later admission in A is reported) still has its UPT row: summary and table
    agree."""
    package(world.upt_a, persons=[person_values("A/1", admission_date=today() - timedelta(days=5))])
    consolidate(world.central)
    package(world.upt_b, persons=[person_values("B/1")])
    run = consolidate(world.central)
    conflict = Conflict.objects.get()
    assert (conflict.upt, conflict.detected_run) == (world.upt_a, run)
    assert run.conflicts_found == 1

    client = client_for(world.central)
    response = client.get(_run_page(run))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'Konflik baru</span><span class="stat-value">1</span>' in html
    csv = client.get(_run_page(run) + "?format=csv&tabel=hasil_upt").content.decode("utf-8-sig")
    header, *lines = [line.split(";") for line in csv.strip().splitlines()]
    rows = {line[0]: dict(zip(header, line, strict=True)) for line in lines if line[0] != "Total"}
    konflik, kiriman = "Konflik", "Kiriman"
    assert sum(int(r[konflik]) for r in rows.values()) == 1
    assert rows[world.upt_a.code][konflik] == "1" and rows[world.upt_a.code][kiriman] == "0"
    assert rows[world.upt_b.code][konflik] == "0" and rows[world.upt_b.code][kiriman] == "1"
