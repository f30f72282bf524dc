"""Person-level data stays out of URLs: the register's search text travels by POST and is kept in the
session behind a short token; pagination, filters and the back button still work on plain GET URLs."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(world):
    """51 people called Hartono (more than one page of 50) and one Siti."""
    people = [PersonFactory(upt=world.upt_a, full_name=f"Budi Hartono {n}") for n in range(51)]
    siti = PersonFactory(upt=world.upt_a, full_name="Siti Aminah", sex="P")
    return people, siti


def _list_url(world):
    return reverse("upt:person_list", args=[world.upt_a.code])


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


def test_search_posts_and_the_url_carries_only_a_token(client_for, world, crowd):
    _people, siti = crowd
    client = client_for(world.operator_a)
    response = client.post(_list_url(world), {"q": siti.nik, "status": "semua", "urut": "nama"})
    assert response.status_code == 302
    location = response["Location"]
    assert siti.nik not in location and "q=" not in location
    params = parse_qs(urlsplit(location).query)
    assert set(params) == {"cari", "status", "urut"} and len(params["cari"][0]) <= 10

    page = client.get(location)
    assert [p.full_name for p in page.context["page"].object_list] == ["Siti Aminah"]
    html = page.content.decode()
    assert f'value="{siti.nik}"' in html  # the box still shows what was searched for …
    assert all(siti.nik not in link for link in _links(html))  # … but no link or form action carries it


def test_pages_of_a_search_keep_the_token_not_the_name(client_for, world, crowd):
    client = client_for(world.operator_a)
    first = client.post(_list_url(world), {"q": "hartono"}, follow=True)
    assert first.context["page"].paginator.count == 51
    html = first.content.decode()
    [next_link] = re.findall(r'href="(\?[^"]*halaman=2)"', html)
    assert "hartono" not in next_link.lower() and "cari=" in next_link
    second = client.get(_list_url(world) + next_link.replace("&amp;", "&"))
    assert second.context["page"].number == 2 and second.context["filters"].q == "hartono"
    assert len(second.context["page"].object_list) == 1
    # The same search again gets the same URL: the back button and reloads land on the same page.
    again = client.post(_list_url(world), {"q": "hartono"})
    assert again["Location"] == first.redirect_chain[0][0]


def test_a_search_in_the_url_is_moved_out_of_it(client_for, world, crowd):
    client = client_for(world.operator_a)
    response = client.get(_list_url(world), {"q": "Siti Aminah", "status": "semua"})
    assert response.status_code == 302 and "Siti" not in response["Location"]
    assert [p.full_name for p in client.get(response["Location"]).context["page"].object_list] == ["Siti Aminah"]


def test_the_nav_search_box_posts_too(client_for, world, crowd):
    people, _siti = crowd
    html = client_for(world.operator_a).get(reverse("upt:person_detail", args=[world.upt_a.code, people[0].pk]))
    form = re.search(r'<form class="subnav-search"[^>]*>', html.content.decode()).group(0)
    assert 'method="post"' in form


def test_a_token_from_another_session_finds_nothing(client_for, world, crowd):
    location = client_for(world.operator_a).post(_list_url(world), {"q": "Siti Aminah"})["Location"]
    other = Client()
    other.force_login(world.operator_a)
    page = other.get(location)
    assert page.status_code == 200 and page.context["filters"].q == ""
    assert "sudah tidak tersimpan" in page.content.decode()


def test_searching_another_upts_person_still_finds_nothing(client_for, world):
    stranger = PersonFactory(upt=world.upt_b, full_name="Orang Lain Sekali")
    page = client_for(world.operator_a).post(
        _list_url(world), {"q": stranger.full_name, "status": "semua"}, follow=True
    )
    assert list(page.context["page"].object_list) == []


def test_the_admin_lists_search_the_same_way(client_for, world, crowd):
    _people, siti = crowd
    client = client_for(world.admin)
    changelist = reverse("admin:upt_person_changelist")
    response = client.post(changelist, {"_cari": "1", "q": siti.nik, "status__exact": "IN"})
    assert response.status_code == 302
    location = response["Location"]
    assert siti.nik not in location and set(parse_qs(urlsplit(location).query)) == {"cari", "status__exact"}
    page = client.get(location)
    assert [p.full_name for p in page.context["cl"].result_list] == ["Siti Aminah"]
    html = page.content.decode()
    assert f'value="{siti.nik}"' in html and 'method="post" role="search"' in html
    links = _links(html)
    assert any("_changelist_filters=" in link and "cari" in link for link in links)  # back to the same list
    assert all(siti.nik not in link for link in links)
    # An old-style link with the text in it is moved out of the URL too.
    moved = client.get(changelist, {"q": "Siti Aminah"})
    assert moved.status_code == 302 and "Siti" not in moved["Location"]


def test_admin_actions_still_post_to_the_list(client_for, world, crowd):
    people, _siti = crowd
    response = client_for(world.admin).post(
        reverse("admin:upt_person_changelist"),
        {"action": "delete_selected", "_selected_action": [people[0].pk]},
    )
    # The action's confirmation page, not a search redirect.
    assert response.status_code == 200 and 'name="post"' in response.content.decode()
