"""The receive benchmark runs, plain and gzip-compressed, and leaves nothing behind."""

from io import StringIO

import pytest
from django.core.management import call_command

from central.models import StagedPerson, Submission, Upt


@pytest.mark.django_db
@pytest.mark.parametrize("gzip", [False, True])
def test_bench_receive_prints_medians_and_rolls_back(gzip):
    upts = Upt.objects.count()
    out = StringIO()
    call_command("bench_receive", rows=200, runs=2, gzip=gzip, stdout=out)
    text = out.getvalue()
    assert "database: PostgreSQL " in text
    assert "orang (200 orang, 0 mutasi, 0 remisi): median" in text
    assert "campuran (80 orang, 100 mutasi, 20 remisi): median" in text
    assert Upt.objects.count() == upts and not Submission.objects.exists() and not StagedPerson.objects.exists()
