"""One sanitizer at the boundary (``central.text.strip_invisible``): direction controls and zero-width
characters are removed from text on every way in — the operators' forms, the admin, the API and an uploaded
package file — so the stored value never holds them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from central import package as pkg
from central.models import StagedMovement, StagedPerson, Upt
from central.text import strip_invisible
from devtools.package_synthetic import synthetic_package
from tests.factories import api_token
from tests.inbox.conftest import edited
from tests.upt.conftest import admit, days_ago, person_data  # noqa: F401 — admit is a fixture
from tests.upt.test_pages import form_post
from upt.models import Movement, Person

pytestmark = pytest.mark.django_db

# Every character the sanitizer removes, as the issue lists them, plus the soft hyphen.
HIDDEN = (
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u200e\u200f\u061c"  # marks
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width
    "\u00ad"
)


def hidden_in(text: str) -> set[str]:
    return {char for char in text if char in HIDDEN}


def sprinkled(text: str) -> str:
    """``text`` with every hidden character spread through it."""
    middle = len(text) // 2
    return HIDDEN[:8] + text[:middle] + HIDDEN[8:] + text[middle:] + "\u202e"


def test_the_sanitizer_removes_each_character_and_keeps_the_rest():
    for char in HIDDEN:
        assert strip_invisible(f"Bu{char}di") == "Budi", repr(char)
    kept = "Ñoño Śląsk 李小龙 محمد — «x» 3301"  # accents, other scripts, Arabic letters without the mark
    assert strip_invisible(kept) == kept
    assert strip_invisible(sprinkled("Budi Santoso")) == "Budi Santoso"


def test_a_person_registered_on_the_upt_page_is_stored_clean(client_for, world):
    client = client_for(world.operator_a)
    data = form_post(person_data(reg_number="AII/0777/2026", full_name=sprinkled("Wayan Sudarma")))
    data.update(
        {"admission_kind": "ADMISSION", "admission_document": sprinkled("SP.Han/77/2026"), "note": sprinkled("Titipan")}
    )
    data["birth_place"] = sprinkled("Cilacap")
    response = client.post(reverse("upt:person_create", args=[world.upt_a.code]), data)
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(reg_number="AII/0777/2026")
    assert (person.full_name, person.birth_place) == ("Wayan Sudarma", "Cilacap")
    movement = person.movements.get()
    assert (movement.document_number, movement.note) == ("SP.Han/77/2026", "Titipan")


def test_a_movement_note_entered_on_the_upt_page_is_stored_clean(client_for, world, admit):  # noqa: F811
    person = admit()
    client = client_for(world.operator_a)
    response = client.post(
        reverse("upt:movement_create", args=[world.upt_a.code, person.pk]),
        {
            "kind": "TEMP_EXIT",
            "date": days_ago(1).isoformat(),
            "document_number": sprinkled("S/2/2026"),
            "exit_reason": "SIDANG",
            "note": sprinkled("Sidang lanjutan \u202egnadis"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    movement = Movement.objects.filter(person=person).latest("recorded_at")
    assert movement.note == "Sidang lanjutan gnadis" and movement.document_number == "S/2/2026"
    page = client.get(reverse("upt:person_detail", args=[world.upt_a.code, person.pk])).content.decode()
    assert "Sidang lanjutan gnadis" in page and not hidden_in(page)


def test_the_admin_change_form_stores_clean_text(client_for, world, admit):  # noqa: F811
    person = admit()
    client = client_for(world.admin)
    change = reverse("admin:upt_person_change", args=[person.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name not in ("photo", "version", "remove_photo")}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"alias": sprinkled("Si Kancil"), "address": sprinkled("Jl. Merdeka 1")})
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert (person.alias, person.address) == ("Si Kancil", "Jl. Merdeka 1")

    # A model with the admin's default form (central.text.SanitizedModelForm through ScopedModelAdmin).
    upt = world.upt_a
    change = reverse("admin:central_upt_change", args=[upt.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["name"] = sprinkled("Lapas Kelas IIA Karanganyar")
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Upt.objects.get(pk=upt.pk).name == "Lapas Kelas IIA Karanganyar"


def _dirty_package(world):
    document = synthetic_package(upt_code=world.upt_a.code, persons=2, movements=2, remissions=0, seed=11)

    def change(doc):
        doc["persons"][0]["full_name"] = sprinkled("Budi Santoso")
        doc["persons"][0]["birth_place"] = "\u202eCilacap\u202c"
        doc["movements"][0]["note"] = sprinkled("Catatan paket")

    return edited(document, change, state=True)


def _assert_staged_clean(document) -> None:
    reg_number = document["persons"][0]["reg_number"]
    staged = StagedPerson.objects.get(reg_number=reg_number)
    assert (staged.full_name, staged.birth_place) == ("Budi Santoso", "Cilacap")
    note = StagedMovement.objects.get(uid=document["movements"][0]["uid"]).note
    assert note == "Catatan paket"


def test_an_api_package_is_stored_clean(world):
    document = _dirty_package(world)
    token = api_token(world.operator_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/submissions/", data=pkg.dumps(document), content_type="application/json")
    assert response.status_code == 201, response.content
    _assert_staged_clean(document)


def test_an_uploaded_package_file_is_stored_clean(client_for, world):
    document = _dirty_package(world)
    upload = SimpleUploadedFile("paket.json", pkg.dumps(document), content_type="application/json")
    response = client_for(world.operator_a).post(
        reverse("upt:package_upload", args=[world.upt_a.code]), {"package": upload}
    )
    assert response.status_code == 302
    _assert_staged_clean(document)


def test_a_value_of_only_hidden_characters_is_a_blank_and_refused_where_required(world):
    document = synthetic_package(upt_code=world.upt_a.code, persons=1, movements=0, remissions=0, seed=3)
    bad = edited(document, lambda doc: doc["persons"][0].update(full_name="\u200b\u202e"), state=True)
    token = api_token(world.operator_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/submissions/", data=pkg.dumps(bad), content_type="application/json")
    assert response.status_code == 400
    assert any(e["path"] == "persons[0].full_name" for e in response.json()["errors"]), response.json()
