import pytest

from central.models import NationalPerson, RunState
from tests.consolidation.helpers import consolidate, movement_values, package, person_values

pytestmark = pytest.mark.django_db


def test_a_clean_package_is_consolidated(world):
    sub = package(world.upt_a, persons=[person_values()], movements=[movement_values()])
    run = consolidate(world.central)
    assert run.state == RunState.SUCCEEDED, run.error
    sub.refresh_from_db()
    assert sub.state == "accepted"
    assert NationalPerson.objects.count() == 1
