"""The inbox in the admin: read-only, scoped, and central's "ask for a full snapshot" action."""

import pytest
from django.urls import reverse

from central.models import Submission, UptSyncState
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

SCOPE = {
    "operator_a": {"a"},
    "operator_b": {"b"},
    "monitor_x": {"a", "b"},
    "monitor_y": {"c"},
    "central": {"a", "b", "c"},
    "admin": {"a", "b", "c"},
}


@pytest.fixture
def subs(world):
    return {
        "a": SubmissionFactory(upt=world.upt_a, sent_by=world.operator_a),
        "b": SubmissionFactory(upt=world.upt_b, sent_by=world.operator_b),
        "c": SubmissionFactory(upt=world.upt_c, sent_by=world.operator_c),
    }


@pytest.mark.parametrize(("who", "visible"), SCOPE.items())
def test_submission_admin_is_scoped_and_read_only(client_for, world, subs, who, visible):
    client = client_for(getattr(world, who))
    page = client.get(reverse("admin:central_submission_changelist"))
    assert page.status_code == 200
    assert {s.pk for s in page.context["cl"].result_list} == {subs[k].pk for k in visible}
    for key, sub in subs.items():
        detail = client.get(reverse("admin:central_submission_change", args=[sub.pk]))
        assert detail.status_code == (200 if key in visible else 404)
        if key in visible:
            assert 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:central_submission_add")).status_code == 403
    response = client.post(reverse("admin:central_submission_delete", args=[subs["a"].pk]), {"post": "yes"})
    assert response.status_code in (403, 404)
    assert Submission.objects.count() == 3


def test_no_role_has_no_inbox_admin(client_for, world, subs):
    response = client_for(world.no_role).get(reverse("admin:central_submission_changelist"))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("central", True), ("admin", True), ("operator_a", False), ("monitor_x", False)],
)
def test_asking_upts_for_a_full_snapshot_from_the_upt_list(client_for, world, subs, who, allowed):
    client = client_for(getattr(world, who))
    url = reverse("admin:central_upt_changelist")
    offered = "request_full_snapshot" in client.get(url).content.decode()
    assert offered is allowed
    response = client.post(url, {"action": "request_full_snapshot", "_selected_action": [world.upt_a.pk]}, follow=True)
    assert response.status_code == 200
    requested = UptSyncState.objects.filter(upt=world.upt_a, full_requested=True).exists()
    assert requested is allowed


def test_asking_for_a_full_snapshot_from_the_submission_list(client_for, world, subs):
    client = client_for(world.central)
    response = client.post(
        reverse("admin:central_submission_changelist"),
        {"action": "request_full_snapshot", "_selected_action": [subs["b"].pk, subs["c"].pk]},
        follow=True,
    )
    assert "2 UPT akan mengirim paket lengkap" in response.content.decode()
    assert set(UptSyncState.objects.filter(full_requested=True).values_list("upt__code", flat=True)) == {
        "LP3302",
        "LP3101",
    }


@pytest.mark.parametrize(
    ("who", "visible"), [("operator_a", {"LP3301"}), ("monitor_y", set()), ("central", {"LP3301"})]
)
def test_sync_state_admin_is_scoped(client_for, world, who, visible):
    UptSyncState.objects.create(upt=world.upt_a)
    page = client_for(getattr(world, who)).get(reverse("admin:central_uptsyncstate_changelist"))
    assert page.status_code == 200
    assert {s.upt.code for s in page.context["cl"].result_list} == visible
