"""register_refresh: derived fields of bulk-loaded or stale rows brought back in step with their sources."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.upt.conftest import days_ago
from upt.models import Person
from upt.services.movements import movement_record
from upt.services.remissions import remission_record

pytestmark = pytest.mark.django_db


def test_refresh_restores_what_the_services_derived(world, admit):
    sentenced = admit(register="B.I")
    remission_record(
        user=world.operator_a, person=sentenced, kind="RU", days=30, decree_number="PAS-1", decree_date=days_ago(1)
    )
    released = admit()
    movement_record(
        user=world.operator_a,
        person=released,
        kind="REGISTER_CHANGE",
        date=days_ago(3),
        document_number="X",
        register_to="A.III",
    )
    movement_record(
        user=world.operator_a,
        person=released,
        kind="RELEASE",
        date=days_ago(1),
        document_number="Y",
        release_reason="BEBAS_DEMI_HUKUM",
    )
    other = admit(upt=world.upt_b, user=world.operator_b, register="B.I")
    expected = {p.pk: (p.status, p.register, p.remission_days, p.expiry_date) for p in Person.objects.all()}
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    # What a bulk import leaves behind: statuses, registers and dates that do not follow the history.
    Person.objects.update(status="IN", register="A.II", remission_days=0, expiry_date=None)

    out = StringIO()
    call_command("register_refresh", "--upt", world.upt_a.code, stdout=out)
    assert "2 data WBP diperbarui" in out.getvalue()
    for person in Person.objects.filter(upt=world.upt_a):
        assert (person.status, person.register, person.remission_days, person.expiry_date) == expected[person.pk]
        assert person.updated_at > stamps[person.pk]  # the next package carries the correction
    other.refresh_from_db()
    assert other.expiry_date is None  # another UPT was not asked for

    call_command("register_refresh", stdout=out)
    other.refresh_from_db()
    assert (other.status, other.register, other.remission_days, other.expiry_date) == expected[other.pk]
    assert "0 data WBP diperbarui" in _run()


def _run() -> str:
    out = StringIO()
    call_command("register_refresh", stdout=out)
    return out.getvalue()


def test_refresh_refuses_an_unknown_upt(world):
    with pytest.raises(CommandError):
        call_command("register_refresh", "--upt", "NOPE", stdout=StringIO())
