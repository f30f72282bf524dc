"""``manage.py bench --history-days``: the daily rounds live days that pass, not reruns of one day."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from central.models import ConsolidationRun, DailyReconciliation, OccupancySnapshot, Submission

pytestmark = pytest.mark.django_db


def test_history_days_then_each_measured_run_on_a_new_day(small_country, tmp_path, capsys):
    real_today = timezone.localdate()
    call_command(
        "bench", "--runs", "2", "--only", "daily", "--history-days", "2", "--kanwil", "75", "--out", str(tmp_path)
    )
    result = json.loads((tmp_path / "latest.json").read_text())
    history, daily = result["scenarios"]["history"]["runs"], result["scenarios"]["daily"]["runs"]
    # The first load (the register was empty) ran today; then two days of history and two measured days.
    days = [real_today + timedelta(days=n) for n in range(1, 5)]
    assert [date.fromisoformat(r["day"]) for r in history + daily] == days
    assert result["history_days"] == 2
    runs = ConsolidationRun.objects.filter(state="succeeded").order_by("pk")
    assert list(runs.values_list("snapshot_date", flat=True)) == [real_today, *days]
    # Every part that reads the date saw the simulated day: the packages' report date, the snapshot, and the
    # daily checks, which compare each day with the one before.
    assert set(Submission.objects.filter(report_date__gt=real_today).values_list("report_date", flat=True)) == set(days)
    assert set(OccupancySnapshot.objects.filter(date__gt=real_today).values_list("date", flat=True)) == set(days)
    checked = DailyReconciliation.objects.filter(date=days[-1], upt__kanwil__code="75")
    assert checked.exists() and set(checked.values_list("previous_date", flat=True)) == {days[-2]}
    # The clock is the real one again afterwards.
    assert timezone.localdate() == real_today
    out = capsys.readouterr().out
    assert "hari 1/2" in out and "hari 2/2" in out
