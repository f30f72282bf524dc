"""A run that writes a large share of a table refreshes the planner's statistics before its next step
reads the table: on a first national load, stale statistics (an identity table taken for empty) made
linkage scan the table once per person."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.utils import timezone

from central.models import (
    ConsolidationRun,
    NationalMovement,
    NationalPerson,
    NationalRemission,
    PersonIdentity,
    StagedMovement,
    Submission,
    SubmissionState,
)
from central.services.consolidation.engine import ConsolidationEngine
from devtools.national.bench import NationalBench
from upt.services.package import package_send

pytestmark = pytest.mark.django_db


def _planner_rows(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [model._meta.db_table])
        return cursor.fetchone()[0]


def test_first_national_load_leaves_current_statistics(small_country):
    # The test's transaction never commits, so autovacuum cannot have analysed these tables: only the
    # run itself can have told the planner how many rows they now hold.
    NationalBench(runs=1, say=lambda line: None).ensure_register()
    for model in (NationalPerson, NationalMovement, NationalRemission, PersonIdentity):
        rows = model.objects.count()
        assert rows > 1000
        assert _planner_rows(model) == pytest.approx(rows, rel=0.1), model.__name__


def test_a_small_run_reads_staging_by_index(small_country):
    """A day's deltas beside a national load of staged rows: the run joins staging by index (the planner,
    estimating per-submission rows from the average package, would scan all of staging), and gives the
    planner back its choice once staging is read no more."""
    bench = NationalBench(runs=1, say=lambda line: None)
    bench.ensure_register()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {StagedMovement._meta.db_table}")
    upt, operator = bench.units[0]
    package_send(user=operator, upt=upt)  # a delta: a handful of rows
    run = ConsolidationRun.objects.create(trigger="command", state="running", snapshot_date=timezone.localdate())
    Submission.objects.filter(state=SubmissionState.RECEIVED).update(run=run, state=SubmissionState.VALIDATING)

    hash_joins = {}

    def progress(step: str, _percent: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_hashjoin")
            hash_joins[step] = cursor.fetchone()[0]

    with transaction.atomic():
        ConsolidationEngine(run, progress, today=run.snapshot_date).run_steps()
    assert hash_joins["Memperbarui register nasional: mutasi"] == "off"
    assert hash_joins["Mencari konflik"] == "on"
