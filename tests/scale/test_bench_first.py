"""``manage.py bench --only first`` on a small country: the first load into an emptied register, beside its
COPY + plain upsert baseline."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from central.models import ConsolidationRun, NationalPerson, OccupancySnapshot
from upt.models import Movement, Person, Remission

pytestmark = pytest.mark.django_db


def test_first_load_empties_the_register_each_repetition_and_reports_its_ratio(small_country, tmp_path, capsys):
    seeded_snapshots = OccupancySnapshot.objects.count()
    call_command("bench", "--runs", "2", "--only", "first", "--kanwil", "75", "--out", str(tmp_path))
    result = json.loads((tmp_path / "latest.json").read_text())
    runs = result["scenarios"]["first"]["runs"]
    assert len(runs) == 2 and "initial" not in result["scenarios"]
    region = {"upt__kanwil__code": "75"}
    rows = Person.objects.filter(**region).count()
    rows += Movement.objects.filter(**region).count() + Remission.objects.filter(**region).count()
    for run in runs:
        # Every row is new to the register in both repetitions: the second started from an empty one too.
        assert run["rows_sent"] == run["rows_received"] == run["rows_written"] == rows
        assert run["rows_rejected"] == 0
        assert run["baseline_seconds"] >= run["baseline_statements_seconds"] > run["baseline_copy_seconds"] > 0
        assert run["ratio"] > 0 and run["ratio_upsert_only"] > run["ratio"]
        assert {"Validasi data", "Memperbarui register nasional: WBP", "Menautkan identitas lintas UPT"} <= set(
            run["steps"]
        )
    # The earlier repetition's run and the rows it wrote are gone; the baseline left nothing behind.
    assert ConsolidationRun.objects.count() == 1
    assert NationalPerson.objects.count() == Person.objects.filter(**region).count()
    assert OccupancySnapshot.objects.filter(run__isnull=True).count() == seeded_snapshots
    out = capsys.readouterr().out
    assert "rasio terhadap COPY + upsert polos (first)" in out and "muat awal #2" in out
