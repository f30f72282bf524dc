"""The synthetic report history generator and the ``bench_reports`` command, at a small size."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from central.models import (
    ConsolidationRun,
    OccupancyBreakdown,
    OccupancySnapshot,
    RunUptResult,
    Submission,
    Upt,
)
from central.reference_data import reference_data_ensure
from devtools.report_dataset import report_dataset_generate, report_dataset_remove

pytestmark = pytest.mark.django_db

END = dt.date(2026, 3, 10)


@pytest.fixture
def dataset(db):
    reference_data_ensure()
    return report_dataset_generate(upt_count=20, days=12, end=END, breakdown_days=3, issue_days=3, seed=7)


def test_counts_and_spread_over_regions(dataset):
    upts = Upt.objects.filter(code__startswith="SN")
    assert upts.count() == dataset.upts == 20
    assert upts.values("kanwil").distinct().count() > 5
    assert OccupancySnapshot.objects.filter(upt__in=upts).count() == dataset.snapshots == 20 * 12
    assert ConsolidationRun.objects.count() == dataset.runs == 12
    assert Submission.objects.filter(upt__in=upts).count() == dataset.submissions


def test_breakdown_agrees_with_the_snapshot(dataset):
    snapshots = OccupancySnapshot.objects.filter(date__gte=END - dt.timedelta(days=2))
    sums = {
        (row["date"], row["upt_id"], row["sex"]): row["n"]
        for row in OccupancyBreakdown.objects.values("date", "upt_id", "sex").annotate(n=Sum("count"))
    }
    assert snapshots.count() == 60
    for snapshot in snapshots:
        male = sums.get((snapshot.date, snapshot.upt_id, "L"), 0)
        female = sums.get((snapshot.date, snapshot.upt_id, "P"), 0)
        assert (male, female) == (snapshot.male, snapshot.female)
        assert male + female == snapshot.detainees + snapshot.sentenced
    assert not OccupancyBreakdown.objects.filter(date__lt=END - dt.timedelta(days=2)).exists()


def test_packages_are_timed_and_consolidated_consistently(dataset):
    for submission in Submission.objects.all()[:200]:
        local = submission.received_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
        assert local.date() == submission.report_date
        assert submission.on_time_occupancy == (local.time() < dt.time(10))
        assert submission.on_time_other == (local.time() < dt.time(14))
    results = RunUptResult.objects.values("run_id", "upt_id", "submissions_count")
    taken = Submission.objects.exclude(run=None).values("run_id", "upt_id").annotate(n=Count("id"))
    assert {(r["run_id"], r["upt_id"], r["submissions_count"]) for r in results} == {
        (t["run_id"], t["upt_id"], t["n"]) for t in taken
    }
    assert not Submission.objects.exclude(run=None).filter(run__created_at__lt=F("received_at")).exists()


def test_deterministic_for_a_seed_and_rerunnable(dataset):
    def fingerprint():
        return list(
            OccupancySnapshot.objects.filter(upt__code__startswith="SN")
            .order_by("upt__code", "date")
            .values_list("upt__code", "date", "detainees", "sentenced", "female")
        ), Submission.objects.filter(upt__code__startswith="SN").count()

    first = fingerprint()
    report_dataset_generate(upt_count=20, days=12, end=END, breakdown_days=3, issue_days=3, seed=7)
    assert fingerprint() == first
    assert Upt.objects.filter(code__startswith="SN").count() == 20
    assert report_dataset_remove(prefix="SN") == 20
    assert not Submission.objects.exists() and not ConsolidationRun.objects.exists()


def test_bench_reports_command_measures_every_page(db):
    reference_data_ensure()
    out = StringIO()
    call_command("bench_reports", upts=15, days=20, runs=1, stdout=out)
    text = out.getvalue()
    for label in (
        "Dasbor nasional",
        "Dasbor Kanwil",
        "Kepatuhan nasional, 365 hari",
        "Hunian & tren nasional, 365 hari",
        "Ekspor XLSX: kepatuhan nasional 30 hari",
        "API kepatuhan",
    ):
        assert label in text
    assert "15 UPT" in text


def test_bench_reports_can_measure_an_existing_dataset(report_data):
    out = StringIO()
    call_command("bench_reports", use_existing=True, runs=1, stdout=out)
    text = out.getvalue()
    assert "3 UPT, snapshot terakhir 10-03-2026" in text
    assert "Hasil satu proses (nasional)" in text
    assert not Upt.objects.filter(code__startswith="SN").exists()


def test_bench_reports_refuses_contradictory_options(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("bench_reports", use_existing=True, generate=True, stdout=StringIO())


def test_demo_report_history_once_and_at_the_real_register(world):
    """A UPT that sent its register ends exactly where the register stands; one that never sent held nobody."""
    from devtools.demo_reports import demo_report_history
    from tests.factories import PersonFactory, SubmissionFactory

    for _i in range(3):
        PersonFactory(upt=world.upt_a)
    SubmissionFactory(upt=world.upt_a)
    summary = demo_report_history([world.upt_a, world.upt_b], days=5)
    assert (summary.upts, summary.snapshots) == (1, 5)
    last = OccupancySnapshot.objects.filter(upt=world.upt_a).order_by("-date").first()
    assert last.detainees + last.sentenced == 3  # ends where the register stands
    assert OccupancySnapshot.objects.filter(upt=world.upt_b, detainees=0, sentenced=0).count() == 5
    assert demo_report_history([world.upt_a, world.upt_b], days=5) is None  # written once


def test_issues_cite_only_rules_of_the_catalogue(dataset):
    """The generator once invented codes (``NIK_FORMAT``) the catalogue does not have; it now uses the catalogue."""
    from central.models import RowIssue
    from central.validation import RULES_BY_CODE

    cited = set(RowIssue.objects.values_list("rule", flat=True))
    assert dataset.issues > 0
    assert cited and cited <= set(RULES_BY_CODE)


def test_regions_follow_the_one_table_of_national_facts(db):
    """One table of national facts: a 531-UPT history spreads its units over the Kanwil as facts.py does."""
    import random

    from devtools.national import facts
    from devtools.report_dataset import NATIONAL_UPTS, _make_upts

    reference_data_ensure()
    assert NATIONAL_UPTS == facts.NATIONAL_UPTS == sum(n for n, _over in facts.KANWIL_PROFILE.values())
    upts = _make_upts(random.Random(1), count=NATIONAL_UPTS, prefix="SN")
    per_kanwil = {}
    for upt in upts:
        per_kanwil[upt.kanwil.code] = per_kanwil.get(upt.kanwil.code, 0) + 1
    assert per_kanwil == {code: n for code, (n, _over) in facts.KANWIL_PROFILE.items()}
