"""The role-scoped admin for the organisation registry and users."""

import pytest
from django.urls import reverse

from central.roles import Role
from central.selectors.roles import user_role, user_upts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_admin_goes_to_admin_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("who", ["operator_a", "monitor_x", "central", "admin"])
def test_every_role_opens_the_admin(client_for, world, who):
    response = client_for(getattr(world, who)).get(reverse("admin:index"))
    assert response.status_code == 200
    assert "SDP — Sistem Database Pemasyarakatan" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("operator_a", {"LP3301"}),
        ("operator_b", {"LP3302"}),
        ("monitor_x", {"LP3301", "LP3302"}),
        ("monitor_y", {"LP3101"}),
        ("central", {"LP3301", "LP3302", "LP3101"}),
        ("admin", {"LP3301", "LP3302", "LP3101"}),
    ],
)
def test_upt_changelist_is_scoped(client_for, world, who, visible):
    response = client_for(getattr(world, who)).get(reverse("admin:central_upt_changelist"))
    assert response.status_code == 200
    codes = {upt.code for upt in response.context["cl"].result_list}
    assert codes == visible


def test_another_units_object_answers_404(client_for, world):
    url_b = reverse("admin:central_upt_change", args=[world.upt_b.pk])
    assert client_for(world.operator_a).get(url_b).status_code == 404
    url_c = reverse("admin:central_upt_change", args=[world.upt_c.pk])
    assert client_for(world.monitor_x).get(url_c).status_code == 404


def test_read_only_roles_cannot_change_upts(client_for, world):
    url = reverse("admin:central_upt_change", args=[world.upt_a.pk])
    for who in ("operator_a", "monitor_x", "central"):
        client = client_for(getattr(world, who))
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()  # read-only page
        response = client.post(url, {"code": "LP3301", "name": "Diubah", "capacity": 1})
        assert response.status_code == 403
        assert client_for(getattr(world, who)).get(reverse("admin:central_upt_add")).status_code == 403
    world.upt_a.refresh_from_db()
    assert world.upt_a.name != "Diubah"


def test_admin_manages_upts(client_for, world):
    client = client_for(world.admin)
    response = client.post(
        reverse("admin:central_upt_add"),
        {
            "code": "RT3305",
            "name": "Rutan Kelas IIB Purwokerto",
            "upt_type": "RUTAN",
            "upt_class": "IIB",
            "kanwil": world.kanwil_x.pk,
            "city": "Banyumas",
            "capacity": 200,
            "hosting": "hosted",  # the form's choice since the node mode (a UPT hosted at central)
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert world.kanwil_x.upts.filter(code="RT3305").exists()


def test_only_the_admin_manages_users(client_for, world):
    for who in ("operator_a", "monitor_x", "central"):
        assert client_for(getattr(world, who)).get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client_for(world.admin).get(reverse("admin:auth_user_changelist")).status_code == 200


def test_admin_assigns_role_and_unit_through_the_user_form(client_for, world):
    newcomer = UserFactory(username="operator_baru")
    client = client_for(world.admin)
    url = reverse("admin:auth_user_change", args=[newcomer.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "username": "operator_baru",
            "first_name": "Operator",
            "last_name": "Baru",
            "email": "",
            "sdp_role": Role.OPERATOR.value,
            "sdp_upts": [world.upt_a.pk],
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    newcomer.refresh_from_db()
    assert user_role(user=newcomer) is Role.OPERATOR
    assert list(user_upts(user=newcomer)) == [world.upt_a]
    assert newcomer.is_staff


def test_operator_without_unit_is_refused_in_the_user_form(client_for, world):
    newcomer = UserFactory(username="operator_baru")
    response = client_for(world.admin).post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        {"username": "operator_baru", "sdp_role": Role.OPERATOR.value, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "sedikitnya satu UPT" in response.content.decode()
    assert user_role(user=newcomer) is None
