"""Every page of the register runs a fixed number of queries whatever the number of people (DESIGN §5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MovementFactory, PersonFactory, RemissionFactory
from tests.upt.conftest import days_ago
from upt.services.movements import movement_record
from upt.services.people import person_update
from upt.services.remissions import remission_record

pytestmark = pytest.mark.django_db

# Ceilings per page (session, user, scope and guardian lookups included; the home page also shows the daily
# package's card; the detail the person's earlier registration numbers and conflicts with other UPTs); the
# point of the test is that the count is the same at both sizes.
LIMITS = {"home": 19, "list": 12, "detail": 19, "movement": 12, "edit": 11}


def _populate(world, n: int) -> None:
    for i in range(n):
        register, extra = (
            ("A.II", {})
            if i % 2
            else ("B.I", {"sentence_years": 3, "verdict_number": "", "expiry_date": days_ago(-30 - i)})
        )
        person = PersonFactory(upt=world.upt_a, register=register, register_since=days_ago(40 + i % 20), **extra)
        MovementFactory(person=person, recorded_by=world.operator_a)
        if register == "B.I":
            RemissionFactory(person=person, recorded_by=world.operator_a, decree_date=days_ago(5))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("home", {}),
        ("list", {}),
        ("list", {"q": "a", "register": "B", "kategori": "NARKOTIKA", "status": "semua", "urut": "ekspirasi"}),
        ("list", {"daftar": "tahanan-10", "urut": "batas"}),
        ("list", {"daftar": "bebas-3"}),
        ("list", {"daftar": "tanpa-putusan", "halaman": "2"}),
    ],
)
def test_home_and_list_queries_do_not_grow(client_for, world, django_assert_max_num_queries, page, params):
    client = client_for(world.operator_a)
    name = "upt:home" if page == "home" else "upt:person_list"
    url = reverse(name, args=[world.upt_a.code])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    if "q" in params:  # the search text travels by POST and comes back as a session token
        url = client.post(url.split("?")[0], params)["Location"]
        assert "q=" not in url and "cari=" in url
    _populate(world, 3)
    client.get(url)  # warm the per-process caches (content types, the session)
    with django_assert_max_num_queries(LIMITS[page]):
        small = _count(client, url)
    _populate(world, 120)
    with django_assert_max_num_queries(LIMITS[page]):
        large = _count(client, url)
    assert small == large


def test_person_pages_queries_do_not_grow_with_history(client_for, world, admit, django_assert_max_num_queries):
    person = admit(register="B.I")
    client = client_for(world.operator_a)
    urls = {
        "detail": reverse("upt:person_detail", args=[world.upt_a.code, person.pk]),
        "movement": reverse("upt:movement_create", args=[world.upt_a.code, person.pk]),
        "edit": reverse("upt:person_update", args=[world.upt_a.code, person.pk]),
    }
    for url in urls.values():
        client.get(url)
    small = {name: _count(client, url) for name, url in urls.items()}
    for i in range(15):
        person_update(user=world.operator_a, person=person, data={"cell": str(i)})
        remission_record(
            user=world.operator_a, person=person, kind="RK", days=5, decree_number=f"PAS-{i}", decree_date=days_ago(1)
        )
        movement_record(
            user=world.operator_a,
            person=person,
            kind="TEMP_EXIT",
            date=days_ago(0),
            document_number=f"S/{i}",
            exit_reason="SIDANG",
        )
        movement_record(user=world.operator_a, person=person, kind="RETURN", date=days_ago(0), document_number=f"K/{i}")
    for name, url in urls.items():
        with django_assert_max_num_queries(LIMITS[name]):
            assert _count(client, url) == small[name], name
