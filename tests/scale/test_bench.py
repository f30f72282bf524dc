"""``manage.py bench`` on a small country: every scenario runs for real and reports what it measured."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from central.models import ConsolidationRun, NationalPerson, Submission, SubmissionState
from devtools.national.bench import NationalBench
from upt.models import Person

pytestmark = pytest.mark.django_db


def test_bench_runs_every_scenario_and_writes_json(small_country, tmp_path, capsys):
    # One region's units keep the test quick; the national rounds are the same code over 531 units.
    call_command("bench", "--runs", "1", "--kanwil", "75", "--out", str(tmp_path))
    result = json.loads((tmp_path / "latest.json").read_text())
    scenarios = result["scenarios"]
    # The first load (register emptied, then loaded) runs first and leaves the register the others start from.
    assert set(scenarios) >= {"receive", "first", "full", "all", "daily"} and "initial" not in scenarios
    pages = [s for key, s in scenarios.items() if key.startswith("page:")]
    assert pages and all(page["runs"][0]["queries"] > 0 for page in pages)  # counted, not lost to a reset log
    for key in ("full", "all"):
        run = scenarios[key]["runs"][0]
        assert run["baseline_seconds"] >= run["baseline_statements_seconds"] > 0 and run["ratio"] > 0
        assert run["rows_rejected"] == 0 and run["rows_received"] == run["rows_sent"]
        # Where the run's time went, step by step (from the run's progress writer).
        assert {"Validasi data", "Memperbarui register nasional: WBP", "Snapshot hunian harian"} <= set(run["steps"])
        assert sum(run["steps"].values()) <= run["seconds"]
    # ≈5 % of rows changed in the full run, all of them in the other; deltas are small.
    full, every = scenarios["full"]["runs"][0], scenarios["all"]["runs"][0]
    assert 0 < full["rows_changed"] < 0.2 * full["rows_sent"]
    assert every["rows_changed"] == every["rows_sent"]
    daily = scenarios["daily"]["runs"][0]
    assert daily["rows_changed"] <= daily["rows_sent"] < full["rows_sent"] / 4
    assert ConsolidationRun.objects.filter(state="succeeded").count() == 4
    assert NationalPerson.objects.count() == Person.objects.filter(upt__kanwil__code="75").count()
    out = capsys.readouterr().out
    assert "rasio terhadap SQL polos" in out and "Terima paket" in out and "waktu per langkah" in out


def test_bench_refuses_unknown_scenarios(small_country):
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("bench", "--only", "semuanya")


def test_a_later_invocation_still_changes_every_row(small_country, tmp_path):
    """Each invocation counts its rounds from 1; its edits must still differ from an earlier one's, or the
    all-rows-changed run would rewrite only part of the register and be compared with a full upsert."""
    for _invocation in range(2):
        call_command("bench", "--runs", "1", "--only", "all", "--kanwil", "75", "--out", str(tmp_path))
        run = json.loads((tmp_path / "latest.json").read_text())["scenarios"]["all"]["runs"][0]
        assert run["rows_written"] == run["rows_sent"] == run["rows_changed"]


def test_packages_left_waiting_are_consolidated_not_sent_again(small_country, tmp_path):
    """A bench_peak stores packages that no run takes; the next bench consolidates them with the register it
    finds instead of sending every unit's full package again (minutes on the national dataset)."""
    call_command("bench", "--runs", "1", "--only", "daily", "--kanwil", "75", "--out", str(tmp_path))
    bench = NationalBench(runs=1, say=lambda _line: None, kanwil="75")
    bench.change(0.01, 0.005)
    bench.send_all(full=False)
    sent = Submission.objects.count()
    runs = ConsolidationRun.objects.filter(state="succeeded").count()
    bench.ensure_register()
    assert Submission.objects.count() == sent  # nothing sent again
    assert not Submission.objects.filter(state=SubmissionState.RECEIVED).exists()
    assert ConsolidationRun.objects.filter(state="succeeded").count() == runs + 1
