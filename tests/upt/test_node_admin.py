"""A node's admin (upt.node.admin_site): its own users, its periodic tasks, the UPT's register and the reference
lists read-only; central's inbox, consolidation, conflicts and daily checks are neither listed nor routed.
Central's admin keeps every page it has."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import clear_url_caches, reverse

from central.roles import Role
from central.selectors.roles import user_role, user_upts
from tests.factories import UserFactory
from upt.node.admin_site import NODE_ADMIN_MODELS, NODE_READ_ONLY_MODELS, node_admin_site

pytestmark = pytest.mark.django_db

# What central's admin lists and a node's must not: (URL path under /admin/, the model's name on the index).
CENTRAL_ONLY = [
    ("central/submission/", "Submission"),
    ("central/uptsyncstate/", "UptSyncState"),
    ("central/rowissue/", "RowIssue"),
    ("central/runuptresult/", "RunUptResult"),
    ("central/consolidationrun/", "ConsolidationRun"),
    ("central/conflict/", "Conflict"),
    ("central/validationrule/", "ValidationRule"),
    ("central/dailychecksettings/", "DailyCheckSettings"),
    ("auth/group/", "Group"),
]
SERVED = {label.split(".")[1] for label in (*NODE_ADMIN_MODELS, *NODE_READ_ONLY_MODELS)}


@pytest.fixture
def node(settings, world):
    """This process as UPT A's node."""
    settings.SDP_MODE, settings.SDP_UPT_CODE = "upt", world.upt_a.code
    settings.ROOT_URLCONF = "sdp_project.urls_node"
    clear_url_caches()
    yield settings
    clear_url_caches()


def _index_models(client) -> set[str]:
    response = client.get("/admin/")
    assert response.status_code == 200
    return {model["object_name"] for app in response.context["app_list"] for model in app["models"]}


@pytest.mark.parametrize("who", ["operator_a", "monitor_x", "central", "admin"])
def test_the_node_admin_lists_and_routes_no_central_only_model(node, world, client_for, who):
    client = client_for(world.users()[who])
    listed = _index_models(client)
    assert {name.lower() for name in listed} <= SERVED, listed
    for path, name in CENTRAL_ONLY:
        assert name not in listed
        assert client.get(f"/admin/{path}").status_code == 404, path


def test_each_role_sees_at_the_node_what_it_uses_at_central(node, world, client_for):
    operator = _index_models(client_for(world.operator_a))
    assert {"Person", "Movement", "Remission", "Kanwil", "Upt"} <= operator  # the register, as at central
    assert "User" not in operator and "PeriodicTask" not in operator
    admin_models = _index_models(client_for(world.admin))
    assert {"User", "PeriodicTask", "CrontabSchedule", "AccessAttempt", "Person", "Upt", "AuditEvent"} <= admin_models


def test_the_reference_data_is_read_only_at_the_node(node, world, client_for):
    client = client_for(world.admin)
    upt_url = f"/admin/central/upt/{world.upt_a.pk}/change/"
    page = client.get(upt_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(upt_url, {"name": "Diubah di node", "capacity": 1}).status_code == 403
    assert client.get("/admin/central/upt/add/").status_code == 403
    assert client.get(f"/admin/central/kanwil/{world.upt_a.kanwil.pk}/delete/").status_code == 403
    world.upt_a.refresh_from_db()
    assert world.upt_a.name != "Diubah di node"
    listing = client.get("/admin/central/upt/").content.decode()
    assert "request_full_snapshot" not in listing and "issue_node_credential" not in listing


def test_the_node_admin_manages_the_node_users(node, world, client_for):
    client = client_for(world.admin)
    assert client.get("/admin/auth/user/").status_code == 200
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "operator_node", "password1": "Sandi-Node-2026!x", "password2": "Sandi-Node-2026!x"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    newcomer = get_user_model().objects.get(username="operator_node")
    response = client.post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        {
            "username": "operator_node",
            "sdp_role": Role.OPERATOR.value,
            "sdp_upts": [world.upt_a.pk],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert user_role(user=newcomer) is Role.OPERATOR and list(user_upts(user=newcomer)) == [world.upt_a]
    # The user admin stays the admin's alone at the node too.
    assert client_for(world.operator_a).get("/admin/auth/user/").status_code == 403
    assert client_for(world.admin).get("/admin/django_celery_beat/periodictask/").status_code == 200


def test_the_node_site_passes_the_admin_checks_and_leaves_central_admin_whole():
    site = node_admin_site()
    assert site is not admin.site and site.name == admin.site.name == "admin"
    assert site.site_header == admin.site.site_header
    errors = [error for model_admin in site._registry.values() for error in model_admin.check()]
    assert errors == []
    central = {model._meta.label_lower for model in admin.site._registry}
    node = {model._meta.label_lower for model in site._registry}
    assert node < central
    assert {"central.submission", "central.rowissue", "central.consolidationrun", "auth.group"} <= central - node


def test_central_admin_still_lists_its_models(world, client_for):
    listed = _index_models(client_for(world.admin))
    assert {name for _path, name in CENTRAL_ONLY} <= listed
    assert client_for(world.admin).get("/admin/central/submission/").status_code == 200


def test_a_no_role_user_gets_nothing_in_the_node_admin(node, client_for):
    stranger = UserFactory(username="tamu", is_staff=True)
    assert _index_models(client_for(stranger)) == set()


def test_a_node_gives_its_people_the_operator_role_for_its_own_upt_only(node, world, client_for):
    """Monitoring a Kanwil and central's work happen at central: the node's user form offers no such role,
    no other UPT and no Kanwil, and a forged choice is refused with the form's message, nothing saved."""
    client = client_for(world.admin)
    person = UserFactory(username="petugas_baru", is_staff=True)
    url = reverse("admin:auth_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    assert [value for value, _label in form.fields["sdp_role"].choices] == ["", Role.OPERATOR.value]
    assert list(form.fields["sdp_upts"].queryset) == [world.upt_a]
    assert "sdp_kanwils" not in form.fields
    base = {"username": "petugas_baru", "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    for forged in (
        {"sdp_role": Role.CENTRAL.value},
        {"sdp_role": Role.KANWIL.value, "sdp_kanwils": [world.upt_a.kanwil.pk]},
        {"sdp_role": Role.OPERATOR.value, "sdp_upts": [world.upt_b.pk]},
    ):
        response = client.post(url, {**base, **forged})
        assert response.status_code == 200 and response.context["adminform"].form.errors
        assert user_role(user=person) is None
    response = client.post(url, {**base, "sdp_role": Role.OPERATOR.value, "sdp_upts": [world.upt_a.pk]})
    assert response.status_code == 302
    assert user_role(user=person) is Role.OPERATOR and list(user_upts(user=person)) == [world.upt_a]


def test_central_offers_every_role_and_unit(world, client_for):
    form = client_for(world.admin).get(reverse("admin:auth_user_change", args=[world.operator_a.pk]))
    fields = form.context["adminform"].form.fields
    assert {value for value, _label in fields["sdp_role"].choices} == {"", *Role.values}
    assert fields["sdp_upts"].queryset.count() > 1 and "sdp_kanwils" in fields
