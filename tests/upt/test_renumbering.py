"""A register change to a B register gives the person the B register's own registration number: the form
asks for it (proposing the next free one), the person's file keeps the old one, a deletion puts it back."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.upt.conftest import days_ago
from upt.forms import MovementForm
from upt.models import Movement, Person
from upt.selectors.numbers import reg_number_next
from upt.selectors.people import person_file
from upt.services.common import today
from upt.services.movements import movement_delete, movement_record

pytestmark = pytest.mark.django_db

VERDICT = {"verdict_date": days_ago(5), "verdict_number": "45/Pid.B/2026/PN Clp", "sentence_years": 2}


def to_b(world, person, **kwargs):
    kwargs.setdefault("document_number", "BA-17/2026")
    kwargs.setdefault("date", days_ago(1))
    return movement_record(
        user=world.operator_a, person=person, kind="REGISTER_CHANGE", register_to="B.I", verdict=VERDICT, **kwargs
    )


def test_the_new_number_replaces_the_old_which_the_file_keeps(world, admit):
    person = admit(reg_number="AII.0001/2026")
    to_b(world, person, new_reg_number=" BI.0001/2026 ")
    person.refresh_from_db()
    assert (person.reg_number, person.register) == ("BI.0001/2026", "B.I")
    assert set(person.history.values_list("reg_number", flat=True)) == {"AII.0001/2026", "BI.0001/2026"}
    file = person_file(user=world.operator_a, upt=world.upt_a, pk=person.pk)
    assert file.previous_reg_numbers == ["AII.0001/2026"]


@pytest.mark.parametrize(
    ("number", "fragment"), [("aii.0001/2026", "sama dengan nomor sekarang"), ("BI.0009/2026", "sudah dipakai")]
)
def test_a_number_in_use_is_refused_and_nothing_changes(world, admit, number, fragment):
    admit(reg_number="BI.0009/2026", register="B.I")
    person = admit(reg_number="AII.0001/2026")
    before = (Movement.objects.count(), Person.history.count())
    with pytest.raises(ValidationError) as refused:
        to_b(world, person, new_reg_number=number)
    assert fragment in refused.value.message_dict["new_reg_number"][0]
    assert (Movement.objects.count(), Person.history.count()) == before
    person.refresh_from_db()
    assert (person.reg_number, person.register) == ("AII.0001/2026", "A.II")


def test_taking_back_the_register_change_restores_the_old_number(world, admit):
    person = admit(reg_number="AII.0001/2026")
    movement = to_b(world, person, new_reg_number="BI.0001/2026")
    movement_delete(user=world.admin, movement=movement)
    person.refresh_from_db()
    assert (person.reg_number, person.register) == ("AII.0001/2026", "A.II")


def test_the_next_number_counts_numbers_held_and_numbers_replaced(world, admit):
    year = today().year
    assert reg_number_next(upt=world.upt_a, register="B.I", year=year) == f"BI.0001/{year}"
    admit(reg_number=f"BI.0007/{year}", register="B.I")
    admit(reg_number=f"bi.0003/{year}", register="B.I")
    admit(reg_number=f"BI.0099/{year - 1}", register="B.I")  # last year's book
    admit(reg_number=f"BIIa.0042/{year}", register="B.I")  # another register's book
    assert reg_number_next(upt=world.upt_a, register="B.I", year=year) == f"BI.0008/{year}"
    assert reg_number_next(upt=world.upt_b, register="B.I", year=year) == f"BI.0001/{year}"  # each UPT its own
    # A number a register change replaced is not given again.
    renamed = Person.objects.get(reg_number=f"BI.0007/{year}")
    renamed.reg_number = f"BI.0007X/{year}"
    renamed.save()
    assert reg_number_next(upt=world.upt_a, register="B.I", year=year) == f"BI.0008/{year}"


def test_the_form_asks_for_the_number_and_proposes_the_next(world, admit):
    person = admit(reg_number="AII.0001/2026")
    year = today().year
    data = {
        "kind": "REGISTER_CHANGE",
        "date": days_ago(1).strftime("%d-%m-%Y"),
        "document_number": "BA-17/2026",
        "register_to": "B.I",
        "verdict_date": days_ago(5).strftime("%d-%m-%Y"),
        "sentence_years": "2",
    }
    form = MovementForm(data, person=person)
    assert not form.is_valid()
    assert f"nomor berikutnya: BI.0001/{year}" in form.errors["new_reg_number"][0]
    suggest = json.loads(form.fields["new_reg_number"].widget.attrs["data-suggest"])
    assert suggest["B.I"] == f"BI.0001/{year}" and suggest["B.IIa"] == f"BIIa.0001/{year}"
    assert MovementForm({**data, "new_reg_number": f"BI.0001/{year}"}, person=person).is_valid()
    # A detainee moving up the A registers keeps the number: nothing is asked.
    a_to_a = {**data, "register_to": "A.III"}
    del a_to_a["verdict_date"], a_to_a["sentence_years"]
    assert MovementForm(a_to_a, person=person).is_valid()


def test_the_pages_show_the_field_and_the_previous_number(client_for, world, admit):
    person = admit(reg_number="AII.0001/2026")
    client = client_for(world.operator_a)
    page = client.get(reverse("upt:movement_create", args=[world.upt_a.code, person.pk]))
    assert b'name="new_reg_number"' in page.content and b"data-suggest" in page.content
    to_b(world, person, new_reg_number="BI.0001/2026")
    detail = client.get(reverse("upt:person_detail", args=[world.upt_a.code, person.pk]))
    assert "Nomor registrasi sebelumnya: AII.0001/2026" in detail.content.decode()
