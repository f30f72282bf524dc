"""Operator A against UPT B's people — and every other role — through every page and form of the register.

Another UPT (or its person) answers 404 whatever the URL or a form field says; a role that may see the UPT
but not enter its data (Kanwil of the region, central) answers 403; nothing is ever changed.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.upt.conftest import days_ago, person_data
from upt.models import Movement, Person, Remission
from upt.services.people import person_update

pytestmark = pytest.mark.django_db

# What each role gets on UPT A's pages (the person is UPT A's).
EXPECTED_ON_A = {
    "operator_a": 200,
    "admin": 200,
    "operator_b": 404,
    "operator_c": 404,
    "monitor_x": 403,  # sees that UPT A exists (its region), may not enter data
    "monitor_y": 404,
    "central": 403,
    "no_role": 404,
}


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), "navy").save(buffer, "JPEG")
    return SimpleUploadedFile("budi-santoso.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def people(world, admit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = admit(register="B.I")
    person_update(user=world.operator_a, person=a, data={}, photo=_jpeg())
    b = admit(register="B.I", upt=world.upt_b, user=world.operator_b)
    person_update(user=world.operator_b, person=b, data={}, photo=_jpeg())
    return a, b


def get_pages(upt, person):
    code = upt.code
    return [
        reverse("upt:home", args=[code]),
        reverse("upt:person_list", args=[code]),
        reverse("upt:person_create", args=[code]),
        reverse("upt:person_by_reg", args=[code, person.reg_number]),
        reverse("upt:person_detail", args=[code, person.pk]),
        reverse("upt:person_update", args=[code, person.pk]),
        reverse("upt:movement_create", args=[code, person.pk]),
        reverse("upt:remission_create", args=[code, person.pk]),
        reverse("upt:person_photo", args=[code, person.pk]),
    ]


def post_forms(world, upt, person):
    code = upt.code
    return [
        (
            reverse("upt:person_create", args=[code]),
            {
                **{
                    k: (v.isoformat() if hasattr(v, "isoformat") else v)
                    for k, v in person_data().items()
                    if v is not None
                },
                "admission_kind": "ADMISSION",
                "admission_document": "SP/1",
            },
        ),
        (reverse("upt:person_update", args=[code, person.pk]), {"full_name": "Diubah", "sex": "L"}),
        (
            reverse("upt:movement_create", args=[code, person.pk]),
            {"kind": "ESCAPE", "date": days_ago(0).isoformat(), "document_number": "BA/1"},
        ),
        (
            reverse("upt:remission_create", args=[code, person.pk]),
            {"kind": "RU", "days": "30", "decree_number": "PAS-1", "decree_date": days_ago(0).isoformat()},
        ),
    ]


def snapshot():
    return (
        list(Person.objects.order_by("pk").values_list("pk", "full_name", "status", "updated_at")),
        Movement.objects.count(),
        Remission.objects.count(),
    )


@pytest.mark.parametrize("who", list(EXPECTED_ON_A))
def test_every_page_answers_each_role_as_the_matrix_says(client_for, world, people, who):
    a, _b = people
    client = client_for(getattr(world, who))
    for url in get_pages(world.upt_a, a):
        response = client.get(url)
        expected = EXPECTED_ON_A[who]
        if expected == 200 and "/noreg/" in url:
            expected = 302  # to the person's page
        assert response.status_code == expected, (who, url, response.status_code)


@pytest.mark.parametrize("who", list(EXPECTED_ON_A))
def test_every_form_refuses_a_role_without_the_right_and_changes_nothing(client_for, world, people, who):
    a, _b = people
    expected = EXPECTED_ON_A[who]
    if expected == 200:
        return  # the operator's and admin's own forms are tested in test_pages
    before = snapshot()
    client = client_for(getattr(world, who))
    for url, data in post_forms(world, world.upt_a, a):
        assert client.post(url, data).status_code == expected, (who, url)
    assert snapshot() == before


def test_operator_a_never_reaches_upt_b_people(client_for, world, people):
    _a, b = people
    client = client_for(world.operator_a)
    before = snapshot()
    # UPT B's URLs.
    for url in get_pages(world.upt_b, b):
        assert client.get(url).status_code == 404, url
    for url, data in post_forms(world, world.upt_b, b):
        assert client.post(url, data).status_code == 404, url
    # UPT B's person through UPT A's URLs (a tampered id in the path).
    for url in get_pages(world.upt_a, b)[3:]:
        assert client.get(url).status_code == 404, url
    for url, data in post_forms(world, world.upt_a, b)[1:]:
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_tampered_person_and_upt_fields_are_ignored(client_for, world, people):
    a, b = people
    client = client_for(world.operator_a)
    response = client.post(
        reverse("upt:remission_create", args=[world.upt_a.code, a.pk]),
        {
            "kind": "RU",
            "days": "30",
            "decree_number": "PAS-1",
            "decree_date": days_ago(0).isoformat(),
            "person": b.pk,
            "upt": world.upt_b.pk,
        },
    )
    assert Remission.objects.get().person == a and Remission.objects.get().upt == world.upt_a
    response = client.post(
        reverse("upt:movement_create", args=[world.upt_a.code, a.pk]),
        {
            "kind": "ESCAPE",
            "date": days_ago(0).isoformat(),
            "document_number": "BA/1",
            "person": b.pk,
            "upt": world.upt_b.pk,
        },
    )
    assert response.status_code == 302
    assert Movement.objects.filter(kind="ESCAPE").get().person == a
    assert not b.movements.filter(kind="ESCAPE").exists()


def test_search_never_finds_another_upts_people(client_for, world, people):
    _a, b = people
    response = client_for(world.operator_a).get(
        reverse("upt:person_list", args=[world.upt_a.code]), {"q": b.nik, "status": "semua"}, follow=True
    )
    assert list(response.context["page"].object_list) == []
    response = client_for(world.operator_a).get(
        reverse("upt:person_list", args=[world.upt_a.code]), {"q": b.full_name, "status": "semua"}, follow=True
    )
    assert b.full_name not in [p.full_name for p in response.context["page"].object_list]


def test_the_photo_is_served_only_through_the_scoped_page(client_for, world, people):
    a, _b = people
    a.refresh_from_db()
    assert a.photo.name.startswith("wbp/") and a.uid.hex in a.photo.name and "budi" not in a.photo.name
    response = client_for(world.operator_a).get(reverse("upt:person_photo", args=[world.upt_a.code, a.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_anonymous_is_sent_to_login(client, world, people):
    a, _b = people
    for url in get_pages(world.upt_a, a):
        response = client.get(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"], url


def test_write_verbs_are_refused_on_read_pages(client_for, world, people):
    a, _b = people
    client = client_for(world.operator_a)
    for url in (reverse("upt:home", args=["LP3301"]), reverse("upt:person_detail", args=["LP3301", a.pk])):
        assert client.post(url, {}).status_code == 405
