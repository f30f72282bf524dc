"""A run that writes a large share of a table refreshes the planner's statistics before its next step
reads the table: on a first national load, stale statistics (an identity table taken for empty) made
linkage scan the table once per person."""

from __future__ import annotations

import pytest
from django.db import connection

from central.models import NationalMovement, NationalPerson, NationalRemission, PersonIdentity
from sdp_project.national.bench import NationalBench

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
