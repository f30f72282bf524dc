"""End to end through the real pipeline: operators enter people with the UPT services, send their packages
("Kirim ke pusat", receiving service), central consolidates — and the national register mirrors the units'
registers, the transferred person is one identity, deltas and deletions follow."""

import pytest

from central.models import Conflict, NationalMovement, NationalPerson, OccupancySnapshot, PersonIdentity, RowIssue
from central.nik import nik_compose
from tests.consolidation.helpers import consolidate
from tests.upt.conftest import days_ago, person_data, sentenced_data
from upt.models import Person
from upt.services.movements import movement_record
from upt.services.package import package_send
from upt.services.people import person_create, person_delete, person_update

pytestmark = pytest.mark.django_db


def _open(world, upt, user, data, **kwargs):
    return person_create(user=user, upt=upt, data=data, admission_document="SP.Han/1/2026", **kwargs)


def _national(upt):
    return {p.reg_number: p for p in NationalPerson.objects.filter(upt=upt)}


def test_packages_from_the_units_build_the_national_register(world):
    from datetime import date

    a, b = world.upt_a, world.upt_b
    born = date(1988, 3, 9)
    moving = _open(
        world,
        a,
        world.operator_a,
        sentenced_data(
            reg_number="BI/0001/2026",
            birth_date=born,
            nik=nik_compose(region="330105", birth_date=born, sex="L", serial=7),
        ),
    )
    staying = _open(world, a, world.operator_a, person_data(reg_number="AII/0002/2026"))
    _open(world, b, world.operator_b, person_data(reg_number="AII/0100/2026"))
    package_send(user=world.operator_a, upt=a)
    package_send(user=world.operator_b, upt=b)
    first = consolidate(world.central)
    assert first.state == "succeeded"
    errors = RowIssue.objects.filter(severity="error")
    assert not errors.exists(), list(errors.values_list("rule_id", "detail_code"))
    assert set(_national(a)) == {"BI/0001/2026", "AII/0002/2026"}
    assert set(_national(b)) == {"AII/0100/2026"}
    for person in Person.objects.all():
        national = NationalPerson.objects.get(upt=person.upt, reg_number=person.reg_number)
        assert (national.full_name, national.nik, national.register, national.status) == (
            person.full_name,
            person.nik,
            person.register,
            person.status,
        )
        assert national.expiry_date == person.expiry_date

    # Budi is transferred from A to B: A records the transfer out, B opens his record as a transfer in.
    movement_record(
        user=world.operator_a,
        person=moving,
        kind="TRANSFER_OUT",
        date=days_ago(1),
        document_number="PAS-7/2026",
        other_upt=b,
    )
    arrived = dict(
        sentenced_data(
            reg_number="BI/0200/2026",
            birth_date=born,
            nik=moving.nik,
            full_name=moving.full_name,
            admission_date=days_ago(1),
        )
    )
    _open(world, b, world.operator_b, arrived, admission_kind="TRANSFER_IN", origin_upt=a)
    # And A deletes a record entered by mistake, and corrects another.
    person_update(user=world.operator_a, person=staying, data={"cell": "4A"})
    mistake = _open(world, a, world.operator_a, person_data(reg_number="AII/0003/2026"))
    package_send(user=world.operator_a, upt=a)
    consolidate(world.central)
    assert "AII/0003/2026" in _national(a)
    person_delete(user=world.admin, person=mistake)  # deleting a record is the admin's alone
    package_send(user=world.operator_a, upt=a)
    package_send(user=world.operator_b, upt=b)
    second = consolidate(world.central)
    assert second.state == "succeeded"

    national_a, national_b = _national(a), _national(b)
    assert set(national_a) == {"BI/0001/2026", "AII/0002/2026"}
    assert national_a["BI/0001/2026"].status == "TRANSFERRED"
    assert national_a["AII/0002/2026"].cell == "4A"
    assert national_b["BI/0200/2026"].identity_id == national_a["BI/0001/2026"].identity_id
    assert PersonIdentity.objects.filter(nik=moving.nik).count() == 1
    assert not Conflict.objects.exists()  # the transfer out met its transfer in; nobody is held twice
    assert NationalMovement.objects.filter(upt=b, kind="TRANSFER_IN", other_upt=a).exists()
    snap = {s.upt_id: s for s in OccupancySnapshot.objects.filter(run=second)}
    assert snap[a.pk].total == Person.objects.filter(upt=a, status__in=["IN", "TEMP_OUT"]).count() == 1
    assert snap[b.pk].total == Person.objects.filter(upt=b, status__in=["IN", "TEMP_OUT"]).count() == 2
