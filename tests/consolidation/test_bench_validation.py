"""``manage.py bench_validation``: every validation statement timed again on a run's packages, nothing kept."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from central.models import RowIssue
from tests.consolidation.helpers import consolidate, movement_values, package, person_values

pytestmark = pytest.mark.django_db


def test_each_statement_is_timed_and_nothing_is_written(world):
    package(world.upt_a, persons=[person_values("A/1", nik="1234")], movements=[movement_values("A/1")])
    run = consolidate(world.central)
    issues = set(RowIssue.objects.values_list("run_id", "rule_id", "staged_row_id"))
    assert issues  # the short NIK: so rerunning the statements would write issues again

    out = StringIO()
    call_command("bench_validation", "--repeat", "1", stdout=out)
    text = out.getvalue()
    assert f"konsolidasi #{run.pk}" in text and "semua" in text
    for code in ("P_NIK_FORMAT", "P_DUPLICATE_REG", "M_PERSON_UNKNOWN", "M_BEFORE_ADMISSION", "R_DUPLICATE_UID"):
        assert code in text
    assert set(RowIssue.objects.values_list("run_id", "rule_id", "staged_row_id")) == issues


def test_without_a_finished_run_it_says_so(world):
    with pytest.raises(CommandError, match="Tidak ada konsolidasi"):
        call_command("bench_validation")
