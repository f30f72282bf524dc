"""The demo's report history (seed_demo, 30 days by default) is the demo register's own past: the same
UPTs, the same mix, growing into today's consolidation without a jump; its synthetic runs come before every
real run, so the latest consolidation is always the real one; and it is never written after a real run."""

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from central.models import ConsolidationRun, OccupancyBreakdown, OccupancySnapshot, Submission, Upt
from central.reference_data import reference_data_ensure
from central.selectors.consolidation import runs_for
from central.selectors.reports.activity import upt_recent_results
from central.selectors.reports.status import upt_statuses
from devtools.demo_reports import DEFAULT_DAYS
from devtools.report_dataset import SYNTHETIC_STEP

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db):
    reference_data_ensure()  # an earlier transactional test may have flushed the Kanwil


FIELDS = ("capacity", "detainees", "sentenced", "male", "female")
SENDERS = {"LP3302", "LP3101", "LP1401"}  # the demo operators' UPTs that sent their first package


def snapshot(code, day):
    return OccupancySnapshot.objects.filter(upt__code=code, date=day).values(*FIELDS).get()


def breakdown(code, day):
    return set(
        OccupancyBreakdown.objects.filter(upt__code=code, date=day).values_list(
            "register", "sex", "crime_category", "count"
        )
    )


def test_history_grows_into_the_first_real_consolidation_and_never_follows_one(django_user_model):
    out = StringIO()
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=out)
    assert f"riwayat laporan sintetis: {DEFAULT_DAYS} hari sampai kemarin, 3 UPT" in out.getvalue()
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    first = today - dt.timedelta(days=DEFAULT_DAYS)
    assert not OccupancySnapshot.objects.filter(date__gte=today).exists()  # today is left to the real run
    assert not Submission.objects.filter(state="received", run__isnull=True, sent_by__username="sistem.sintetis")

    call_command("consolidate", user="pusat", stdout=StringIO())
    real = ConsolidationRun.objects.exclude(step=SYNTHETIC_STEP).get()

    # Every active UPT: a snapshot on each past day, and yesterday's is exactly what the real run wrote today.
    for upt in Upt.objects.filter(is_active=True):
        days = OccupancySnapshot.objects.filter(upt=upt, date__gte=first, date__lt=today).count()
        assert days == DEFAULT_DAYS, upt.code
        assert snapshot(upt.code, yesterday) == snapshot(upt.code, today), upt.code
        if upt.code in SENDERS:
            assert breakdown(upt.code, today) and breakdown(upt.code, yesterday) == breakdown(upt.code, today)
        else:  # a UPT that never sent held nobody before either
            assert not OccupancySnapshot.objects.filter(upt=upt, detainees__gt=0).exists()
            assert not Submission.objects.filter(upt=upt, report_date__lt=today).exists()

    # No jump anywhere: day to day the nation's occupants move by a few people, its capacity not at all.
    series = {}
    for row in OccupancySnapshot.objects.filter(date__gte=first).values("date", *FIELDS):
        day = series.setdefault(row["date"], [0, 0])
        day[0] += row["detainees"] + row["sentenced"]
        day[1] += row["capacity"]
    levels = [series[d] for d in sorted(series)]
    assert len(levels) == DEFAULT_DAYS + 1
    assert len({capacity for _total, capacity in levels}) == 1
    assert max(abs(b[0] - a[0]) for a, b in itertools.pairwise(levels)) <= 0.05 * levels[-1][0]

    # The latest consolidation is the real one, wherever it is asked for.
    pusat = django_user_model.objects.get(username="pusat")
    assert runs_for(user=pusat).first() == real
    cipinang = Upt.objects.get(code="LP3101")
    assert upt_recent_results(user=pusat, upt=cipinang)[0].run == real
    (status,) = [s for s in upt_statuses(user=pusat, day=today) if s.upt.code == "LP3101"]
    assert status.result.run_id == real.pk
    assert not Submission.objects.filter(state="received").exclude(upt__code="LP3301").exists()

    # Asked again after a real run: refused, with the reason, and nothing written.
    runs = ConsolidationRun.objects.count()
    out = StringIO()
    call_command("seed_demo", "--password", "demo-sdp-2026", "--report-history", "90", stdout=out)
    assert "riwayat laporan sintetis tidak ditulis" in out.getvalue()
    assert ConsolidationRun.objects.count() == runs
    assert not OccupancySnapshot.objects.filter(date__lt=first).exists()


def test_no_history_when_asked_for_none():
    call_command("seed_demo", "--password", "demo-sdp-2026", "--report-history", "0", stdout=StringIO())
    assert not ConsolidationRun.objects.exists() and not OccupancySnapshot.objects.exists()
