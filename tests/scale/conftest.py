"""A small generated country shared by the tests of a module (seeding it once costs seconds)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.national.seed import national_clear, national_seed

SMALL_PEOPLE = 2500
SMALL_DAYS = 12
SMALL_SEED = 7


@pytest.fixture(scope="module")
def small_country(django_db_setup, django_db_blocker):
    """``seed_national --people 2500 --days 12 --seed 7`` ending yesterday (WIB), committed for the module
    and removed after it."""
    today = timezone.localdate() - timedelta(days=1)
    with django_db_blocker.unblock():
        summary = national_seed(people=SMALL_PEOPLE, days=SMALL_DAYS, seed=SMALL_SEED, today=today, replace=True)
        yield summary
        national_clear()
