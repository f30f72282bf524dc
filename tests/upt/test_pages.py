"""The operator's pages: what they show, and forms that save through the services or explain the refusal."""

import pytest
from django.urls import reverse

from tests.upt.conftest import days_ago, person_data
from upt.models import Movement, Person, Remission
from upt.services.movements import movement_record
from upt.services.remissions import remission_record

pytestmark = pytest.mark.django_db
LONG_AGO = {"detention_start": days_ago(90), "admission_date": days_ago(90)}


def form_post(data: dict) -> dict:
    """Form-encode service-style data (dates as ISO, None as blank)."""
    out = {}
    for key, value in data.items():
        if value is None:
            out[key] = ""
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def url(name, world, *args):
    return reverse(f"upt:{name}", args=[world.upt_a.code, *args])


def test_home_shows_occupancy_and_work_lists(client_for, world, admit):
    # A.II: 20 + 30 days; since 48 days ago the last day is tomorrow.
    due = admit(full_name="Rudi Hampir Habis", register_since=days_ago(48), **LONG_AGO)
    admit(full_name="Sari Masih Lama", register_since=days_ago(1), sex="P")
    near = admit(
        register="B.IIb",
        sentence_years=0,
        sentence_months=3,
        detention_start=days_ago(80),
        admission_date=days_ago(80),
        verdict_date=days_ago(20),
        register_since=days_ago(10),
        verdict_number="",
        full_name="Joko Segera Bebas",
    )
    response = client_for(world.operator_a).get(url("home", world))
    assert response.status_code == 200
    page = response.content.decode()
    home = response.context["home"]
    assert home.occupancy.occupants == 3 and home.occupancy.female == 1
    assert home.occupancy.detainees == 2 and home.occupancy.sentenced == 1
    assert [p.pk for p in home.detention_due] == [due.pk]
    assert home.detention_due[0].days_left == 1
    assert home.detention_counts == {3: 1, 10: 1}
    assert [p.pk for p in home.releases_due] == [near.pk]
    assert home.release_counts == {1: 1, 2: 1, 3: 1}
    assert [p.pk for p in home.missing_verdict] == [near.pk]
    assert "Rudi Hampir Habis" in page and "Joko Segera Bebas" in page
    assert "Sari Masih Lama" not in page
    assert "data-search" in page  # the search box, reachable with the / key


def test_list_searches_and_filters(client_for, world, admit):
    budi = admit(full_name="Budi Hartono", alias="Gondrong", crime_category="KORUPSI")
    siti = admit(full_name="Siti Aminah", sex="P", register="B.I")
    client = client_for(world.operator_a)

    def names(**params):
        response = client.get(url("person_list", world), params, follow=True)  # a search text is redirected
        assert response.status_code == 200
        return {p.full_name for p in response.context["page"].object_list}

    assert names() == {"Budi Hartono", "Siti Aminah"}
    assert names(q="hartono") == {"Budi Hartono"}
    assert names(q="gondrong") == {"Budi Hartono"}
    assert names(q=siti.reg_number.lower()) == {"Siti Aminah"}
    assert names(q=budi.nik[:8]) >= {"Budi Hartono"}
    assert names(q=budi.nik) == {"Budi Hartono"}
    assert names(register="B.I") == {"Siti Aminah"}
    assert names(register="A") == {"Budi Hartono"}
    assert names(kategori="KORUPSI") == {"Budi Hartono"}
    assert names(kategori="NARKOTIKA") == {"Siti Aminah"}
    movement_record(
        user=world.operator_a,
        person=budi,
        kind="RELEASE",
        date=days_ago(1),
        document_number="X",
        release_reason="BEBAS_DEMI_HUKUM",
    )
    assert names() == {"Siti Aminah"}  # current occupants by default
    assert names(status="RELEASED") == {"Budi Hartono"}
    assert names(status="semua") == {"Budi Hartono", "Siti Aminah"}
    assert names(q="tidak ada orang ini") == set()


def test_list_work_list_filters(client_for, world, admit):
    admit(full_name="Habis Besok", register_since=days_ago(48), **LONG_AGO)
    admit(full_name="Masih Lama", register_since=days_ago(1))
    client = client_for(world.operator_a)
    response = client.get(url("person_list", world), {"daftar": "tahanan-3", "urut": "batas"})
    assert [p.full_name for p in response.context["page"].object_list] == ["Habis Besok"]
    assert "Masa penahanan habis dalam 3 hari" in response.content.decode()


def test_detail_shows_dates_movements_remissions_and_history(client_for, world, admit):
    person = admit(register="B.I", full_name="Andi Pratama")
    remission_record(
        user=world.operator_a, person=person, kind="RU", days=30, decree_number="PAS-17/2026", decree_date=days_ago(2)
    )
    response = client_for(world.operator_a).get(url("person_detail", world, person.pk))
    assert response.status_code == 200
    page = response.content.decode()
    person.refresh_from_db()
    file = response.context["file"]
    assert file.dates.expiry == person.expiry_date
    assert person.expiry_date.strftime("%d-%m-%Y") in page
    assert "PAS-17/2026" in page and "Penerimaan" in page
    subjects = [(e.subject, e.action) for e in file.history]
    assert ("Remisi", "dibuat") in subjects and ("Data WBP", "dibuat") in subjects
    changed = [e for e in file.history if e.subject == "Data WBP" and e.action == "diubah"]
    assert any(c.label == "total remisi (hari)" and c.new == "30" for c in changed[0].changes)
    assert world.operator_a.get_full_name() in page


def test_detail_of_a_detainee_shows_the_detention_window(client_for, world, admit):
    person = admit(register_since=days_ago(45), **LONG_AGO)
    response = client_for(world.operator_a).get(url("person_detail", world, person.pk))
    file = response.context["file"]
    assert file.window.total_days == 50 and file.days_left == 4
    assert "Batas penahanan A.II" in response.content.decode()


def test_create_form_opens_a_record(client_for, world):
    client = client_for(world.operator_a)
    assert client.get(url("person_create", world)).status_code == 200
    data = form_post(person_data(reg_number="AII/0999/2026", full_name="Wayan Sudarma"))
    data.update({"admission_kind": "ADMISSION", "admission_document": "SP.Han/99/2026", "note": ""})
    response = client.post(url("person_create", world), data)
    person = Person.objects.get(reg_number="AII/0999/2026")
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", world, person.pk)
    assert person.upt == world.upt_a and person.movements.get().document_number == "SP.Han/99/2026"
    page = client.get(response["Location"]).content.decode()
    assert "Data Wayan Sudarma dibuka" in page


def test_create_form_shows_every_error_on_its_field_and_saves_nothing(client_for, world):
    client = client_for(world.operator_a)
    data = form_post(person_data(nik="12345", admission_date=days_ago(-3), detention_start=days_ago(-3)))
    data.update({"admission_kind": "ADMISSION", "admission_document": ""})
    response = client.post(url("person_create", world), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "16 angka" in form.errors["nik"][0]
    assert "masa depan" in form.errors["admission_date"][0]
    assert "admission_document" in form.errors
    page = response.content.decode()
    assert "Data belum dapat disimpan" in page and "has-error" in page
    assert not Person.objects.exists()


def test_create_form_ignores_a_tampered_upt_field(client_for, world):
    data = form_post(person_data(reg_number="AII/0777/2026"))
    data.update({"admission_kind": "ADMISSION", "admission_document": "SP/1", "upt": world.upt_b.pk})
    response = client_for(world.operator_a).post(url("person_create", world), data)
    assert response.status_code == 302
    assert Person.objects.get(reg_number="AII/0777/2026").upt == world.upt_a
    assert not Person.objects.filter(upt=world.upt_b).exists()


def test_edit_form_corrects_and_refuses(client_for, world, admit):
    person = admit()
    client = client_for(world.operator_a)
    page = client.get(url("person_update", world, person.pk))
    assert page.status_code == 200
    data = {**page.context["form"].initial}
    data = form_post({k: v for k, v in data.items() if k not in ("photo",)})
    data.update({"block": "D", "cell": "7"})
    response = client.post(url("person_update", world, person.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert (person.block, person.cell) == ("D", "7")
    # The same (now stale) version again: refused, nothing changed.
    data.update({"block": "E"})
    response = client.post(url("person_update", world, person.pk), data)
    assert response.status_code == 200
    assert "sudah diubah orang lain" in response.content.decode()
    person.refresh_from_db()
    assert person.block == "D"


def test_movement_form_records_a_verdict(client_for, world, admit):
    person = admit()
    client = client_for(world.operator_a)
    page = client.get(url("movement_create", world, person.pk))
    assert page.status_code == 200
    kinds = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert "REGISTER_CHANGE" in kinds and "RETURN" not in kinds and "ADMISSION" not in kinds
    response = client.post(
        url("movement_create", world, person.pk),
        {
            "kind": "REGISTER_CHANGE",
            "date": days_ago(1).isoformat(),
            "document_number": "BA-17/2026",
            "register_to": "B.I",
            "verdict_date": days_ago(3).isoformat(),
            "verdict_number": "77/Pid/2026/PN Clp",
            "sentence_years": "2",
            "sentence_months": "",
            "court": "PN Cilacap",
            "new_reg_number": "BI.0001/2026",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.register == "B.I" and person.verdict_number == "77/Pid/2026/PN Clp" and person.expiry_date
    assert person.reg_number == "BI.0001/2026"


def test_movement_form_refuses_with_field_errors(client_for, world, admit):
    person = admit()
    client = client_for(world.operator_a)
    response = client.post(
        url("movement_create", world, person.pk),
        {
            "kind": "TRANSFER_OUT",
            "date": days_ago(1).isoformat(),
            "document_number": "SP/9",
            "other_upt": world.upt_a.pk,
        },
    )
    assert response.status_code == 200
    assert "UPT ini sendiri" in response.context["form"].errors["other_upt"][0]
    response = client.post(
        url("movement_create", world, person.pk),
        {
            "kind": "RELEASE",
            "date": days_ago(40).isoformat(),
            "document_number": "SP/9",
            "release_reason": "BEBAS_DEMI_HUKUM",
        },
    )
    assert "sebelum tanggal masuk" in response.context["form"].errors["date"][0]
    response = client.post(
        url("movement_create", world, person.pk),
        {"kind": "TRANSFER_OUT", "date": days_ago(1).isoformat(), "document_number": "SP/9", "other_upt": 999999},
    )
    assert "other_upt" in response.context["form"].errors
    assert person.movements.count() == 1


def test_movement_form_transfers_to_another_upt(client_for, world, admit):
    person = admit()
    response = client_for(world.operator_a).post(
        url("movement_create", world, person.pk),
        {
            "kind": "TRANSFER_OUT",
            "date": days_ago(1).isoformat(),
            "document_number": "SP/9",
            "other_upt": world.upt_c.pk,
            "_confirm": "1",  # "Ya, pindahkan" on the summary (tests/upt/test_feedback.py)
        },
    )
    assert response.status_code == 302
    assert Movement.objects.get(kind="TRANSFER_OUT").other_upt == world.upt_c


def test_movement_form_for_a_released_person_offers_nothing(client_for, world, admit):
    person = admit()
    movement_record(
        user=world.operator_a,
        person=person,
        kind="RELEASE",
        date=days_ago(1),
        document_number="X",
        release_reason="BEBAS_DEMI_HUKUM",
    )
    client = client_for(world.operator_a)
    assert "Catat mutasi" not in client.get(url("person_detail", world, person.pk)).content.decode()
    response = client.post(
        url("movement_create", world, person.pk),
        {"kind": "ESCAPE", "date": days_ago(0).isoformat(), "document_number": "BA/1"},
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert person.movements.count() == 2


def test_remission_form(client_for, world, admit):
    person = admit(register="B.I")
    client = client_for(world.operator_a)
    assert client.get(url("remission_create", world, person.pk)).status_code == 200
    response = client.post(
        url("remission_create", world, person.pk),
        {"kind": "RK", "days": "15", "decree_number": "PAS-5/2026", "decree_date": days_ago(1).isoformat()},
    )
    assert response.status_code == 302
    response = client.post(
        url("remission_create", world, person.pk),
        {"kind": "RK", "days": "0", "decree_number": "PAS-5/2026", "decree_date": days_ago(-1).isoformat()},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "decree_date" in errors and "days" in errors
    assert Remission.objects.count() == 1


def test_person_by_registration_number(client_for, world, admit):
    person = admit(reg_number="AII/0042/2026")
    response = client_for(world.operator_a).get(url("person_by_reg", world, "aii/0042/2026"))
    assert response.status_code == 302 and response["Location"] == url("person_detail", world, person.pk)
    assert client_for(world.operator_a).get(url("person_by_reg", world, "NOPE/1")).status_code == 404
