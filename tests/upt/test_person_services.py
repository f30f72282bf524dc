"""Opening and correcting a person's record through the services: every rule, and nothing saved on error."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from central.reference import PersonStatus
from tests.upt.conftest import days_ago, person_data, sentenced_data
from upt.models import Movement, Person
from upt.services.people import person_create, person_delete, person_update

pytestmark = pytest.mark.django_db


def create(world, data, **kwargs):
    kwargs.setdefault("admission_document", "SP.Han/01/2026")
    return person_create(
        user=kwargs.pop("user", world.operator_a), upt=kwargs.pop("upt", world.upt_a), data=data, **kwargs
    )


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def refused(world, data, **kwargs) -> dict[str, list[str]]:
    """Assert the record is refused and that nothing was saved; return the field errors."""
    before = (Person.objects.count(), Movement.objects.count(), Person.history.count())
    with pytest.raises(ValidationError) as excinfo:
        create(world, data, **kwargs)
    assert (Person.objects.count(), Movement.objects.count(), Person.history.count()) == before
    return errors_of(excinfo)


def test_admission_opens_the_record_with_its_movement_and_history(world):
    person = create(world, person_data(full_name="  Andi   Wijaya ", nik="3301 0517 0590 0099"))
    assert person.upt == world.upt_a
    assert person.full_name == "Andi Wijaya"
    assert person.nik == "3301051705900099"
    assert person.status == PersonStatus.IN
    assert person.register == "A.II"
    assert person.register_since == days_ago(10)
    assert person.expiry_date is None  # a detainee has no expiry
    [movement] = person.movements.all()
    assert (movement.kind, movement.date, movement.register_to) == ("ADMISSION", days_ago(30), "A.II")
    assert movement.recorded_by == world.operator_a
    [history] = person.history.all()
    assert history.history_user == world.operator_a
    assert history.history_type == "+"


def test_a_sentenced_person_gets_expiry_and_register_since(world):
    data = sentenced_data(register_since=None)
    person = create(world, data)
    assert person.register == "B.I"
    assert person.register_since == data["verdict_date"]  # the verdict came after admission
    assert person.expiry_date == data["detention_start"] + relativedelta(years=3)


def test_transfer_in_opens_the_record_and_names_the_origin(world):
    person = create(world, person_data(), admission_kind="TRANSFER_IN", origin_upt=world.upt_c)
    [movement] = person.movements.all()
    assert movement.kind == "TRANSFER_IN"
    assert movement.other_upt == world.upt_c


def test_transfer_in_needs_another_upt(world):
    errors = refused(world, person_data(), admission_kind="TRANSFER_IN")
    assert "origin_upt" in errors
    errors = refused(world, person_data(), admission_kind="TRANSFER_IN", origin_upt=world.upt_a)
    assert "UPT ini sendiri" in errors["origin_upt"][0]


def test_only_an_admission_or_transfer_in_opens_a_record(world):
    errors = refused(world, person_data(), admission_kind="RELEASE")
    assert "admission_kind" in errors
    errors = refused(world, person_data(), admission_document="  ")
    assert "admission_document" in errors


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"nik": "12345"}, "nik", "16 angka"),
        ({"nik": "9901051705900012"}, "nik", "kode provinsi"),
        ({"nik": "3301051805900012"}, "nik", "tidak sama"),  # birth date 18-05, form says 17-05
        ({"nik": ""}, "nik", "Isi NIK"),
        ({"sex": "P", "nik": "3301051705900012"}, "nik", "Perempuan"),  # a man's NIK for a woman
        ({"admission_date": days_ago(-1)}, "admission_date", "masa depan"),
        ({"detention_start": days_ago(-2), "admission_date": days_ago(-2)}, "detention_start", "masa depan"),
        ({"birth_date": days_ago(-1), "nik": ""}, "birth_date", "masa depan"),
        ({"detention_start": days_ago(20), "admission_date": days_ago(30)}, "detention_start", "sesudah tanggal masuk"),
        ({"register_since": days_ago(40)}, "register_since", "sebelum mulai ditahan"),
        ({"register_since": None}, "register_since", "tahanan"),
        ({"full_name": " "}, "full_name", "nama"),
        ({"crime_category": "SIHIR"}, "crime_category", "tidak dikenal"),
        ({"reg_number": "X" * 41}, "reg_number", "40 karakter"),
    ],
)
def test_bad_person_input_is_refused_on_its_field(world, overrides, field, fragment):
    errors = refused(world, person_data(**overrides))
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]


def test_a_child_under_twelve_cannot_be_detained(world):
    birth = days_ago(30).replace(year=days_ago(30).year - 11)
    errors = refused(world, person_data(birth_date=birth))
    assert "12 tahun" in errors["birth_date"][0]


def test_a_foreigner_is_known_by_passport_and_nationality(world):
    errors = refused(world, person_data(nik="", nationality="Malaysia"))
    assert "passport_number" in errors and "nik" not in errors
    person = create(world, person_data(nik="", nationality="Malaysia", passport_number="A12345678"))
    assert person.nationality == "Malaysia" and person.nik == ""
    wni = create(world, person_data(nationality="wni"))
    assert wni.nationality == "Indonesia"


def test_a_duplicate_registration_number_is_refused(world):
    create(world, person_data(reg_number="AII/0001/2026"))
    errors = refused(world, person_data(reg_number="aii/0001/2026"))
    assert "sudah dipakai" in errors["reg_number"][0]
    # Another UPT may use the same number.
    create(world, person_data(reg_number="AII/0001/2026"), user=world.operator_b, upt=world.upt_b)


def test_a_nik_held_twice_in_one_upt_is_refused(world):
    first = create(world, person_data())
    errors = refused(world, person_data(nik=first.nik))
    assert "masih menjadi penghuni" in errors["nik"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"verdict_date": None}, "verdict_date", "Isi tanggal putusan"),
        ({"verdict_date": days_ago(250)}, "verdict_date", "sebelum mulai ditahan"),  # verdict before detention
        ({"verdict_date": days_ago(-3)}, "verdict_date", "masa depan"),
        ({"sentence_years": 0}, "sentence_years", "Isi lama pidana"),
        ({"register": "B.IIa"}, "register", "termasuk register B.I"),
        ({"register": "B.I", "sentence_years": 0, "sentence_months": 8}, "register", "B.IIa"),
        ({"register": "SH"}, "sentence_years", "seumur hidup"),
        ({"subsidiary_months": 3}, "fine_amount", "Subsider"),
        ({"register_since": days_ago(70)}, "register_since", "sesudah tanggal putusan"),
    ],
)
def test_bad_verdict_input_is_refused_on_its_field(world, overrides, field, fragment):
    errors = refused(world, sentenced_data(**overrides))
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]


def test_every_problem_is_reported_at_once(world):
    errors = refused(world, person_data(nik="1", full_name="", admission_date=days_ago(-5)))
    assert {"nik", "full_name", "admission_date"} <= set(errors)


def test_only_the_units_operators_and_the_admin_open_records(world):
    for user in (world.operator_b, world.monitor_x, world.central, world.no_role):
        with pytest.raises(PermissionDenied):
            create(world, person_data(), user=user)
    assert not Person.objects.exists()
    assert create(world, person_data(), user=world.admin).upt == world.upt_a


def test_an_inactive_upt_takes_no_new_records(world):
    world.upt_a.is_active = False
    world.upt_a.save()
    errors = refused(world, person_data())
    assert "tidak aktif" in errors["__all__"][0]


def test_derived_fields_cannot_be_passed(world):
    with pytest.raises(TypeError):
        create(world, {**person_data(), "status": "RELEASED"})
    person = create(world, person_data())
    with pytest.raises(TypeError):
        person_update(user=world.operator_a, person=person, data={"register": "B.I"})
    with pytest.raises(TypeError):
        person_update(user=world.operator_a, person=person, data={"remission_days": 99})


def test_update_corrects_fields_and_keeps_who_and_when(world):
    person = create(world, person_data())
    person_update(user=world.operator_a, person=person, data={"alias": " Gondrong ", "block": "C", "cell": "12"})
    person.refresh_from_db()
    assert (person.alias, person.block, person.cell) == ("Gondrong", "C", "12")
    latest = person.history.first()
    assert latest.history_user == world.operator_a
    assert latest.history_type == "~"
    changes = latest.diff_against(latest.prev_record).changed_fields
    assert set(changes) >= {"alias", "block", "cell"}


def test_update_refuses_bad_input_and_changes_nothing(world):
    person = create(world, person_data())
    before = person.history.count()
    with pytest.raises(ValidationError) as excinfo:
        person_update(user=world.operator_a, person=person, data={"nik": "123", "birth_date": days_ago(-1)})
    assert {"nik", "birth_date"} <= set(errors_of(excinfo))
    person.refresh_from_db()
    assert person.history.count() == before
    assert len(person.nik) == 16


def test_update_refuses_a_sentence_that_does_not_fit_the_register(world):
    person = create(world, sentenced_data())
    with pytest.raises(ValidationError) as excinfo:
        person_update(user=world.operator_a, person=person, data={"sentence_years": 0, "sentence_months": 6})
    assert "B.IIa" in errors_of(excinfo)["sentence_years"][0]


def test_update_recomputes_the_expiry(world):
    person = create(world, sentenced_data())
    start = person.detention_start
    person_update(user=world.operator_a, person=person, data={"sentence_years": 4})
    person.refresh_from_db()
    assert person.expiry_date == start + relativedelta(years=4)


def test_a_stale_edit_is_refused(world):
    person = create(world, person_data())
    opened_at = person.updated_at
    person_update(user=world.operator_a, person=person, data={"block": "A"})
    with pytest.raises(ValidationError) as excinfo:
        person_update(user=world.operator_a, person=person, data={"block": "B"}, expected_updated_at=opened_at)
    assert "sudah diubah" in errors_of(excinfo)["__all__"][0]
    person.refresh_from_db()
    assert person.block == "A"


def test_update_is_scoped(world):
    person = create(world, person_data())
    for user in (world.operator_b, world.monitor_x, world.central, world.no_role):
        with pytest.raises(PermissionDenied):
            person_update(user=user, person=person, data={"block": "Z"})
    person.refresh_from_db()
    assert person.block == ""


def test_only_the_admin_deletes_and_history_remembers(world):
    person = create(world, person_data())
    with pytest.raises(PermissionDenied):
        person_delete(user=world.operator_a, person=person)
    person_delete(user=world.admin, person=person)
    assert not Person.objects.exists() and not Movement.objects.exists()
    deleted = Person.history.filter(history_type="-").get()
    assert deleted.history_user == world.admin
    assert Movement.history.filter(history_type="-").count() == 1
