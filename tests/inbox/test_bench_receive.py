"""The receive benchmark runs and leaves nothing behind, on PostgreSQL and on the embedded SQLite."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from central.models import StagedPerson, Submission, Upt

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_bench_receive_prints_medians_and_rolls_back():
    upts = Upt.objects.count()
    out = StringIO()
    call_command("bench_receive", rows=200, runs=2, stdout=out)
    text = out.getvalue()
    assert "orang (200 orang, 0 mutasi, 0 remisi): median" in text
    assert "campuran (80 orang, 100 mutasi, 20 remisi): median" in text
    assert Upt.objects.count() == upts and not Submission.objects.exists() and not StagedPerson.objects.exists()


def test_receiving_works_on_the_embedded_sqlite(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sdp.sqlite3'}",
        "SDP_VAR_DIR": str(tmp_path),
        "DEBUG": "true",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=240)
    done = subprocess.run(
        [*manage, "bench_receive", "--rows", "600", "--runs", "1", "--gzip"],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=240,
        capture_output=True,
        text=True,
    )
    assert "database: sqlite" in done.stdout and "median" in done.stdout
