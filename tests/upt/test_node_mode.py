"""A UPT node (SDP_MODE=upt): only the UPT's pages are routed; central refuses the register of a node's UPT;
the node credential central issues is scoped like the UPT's operators."""

from __future__ import annotations

import gzip
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import clear_url_caches
from django_celery_beat.models import PeriodicTask

from central.models import ApiToken, AuditEvent, Submission, UptHosting
from central.services.nodes import node_credential_issue, node_credential_revoke
from tests.conftest import PASSWORD  # noqa: F401 — the shared fixtures' password, for readers
from tests.factories import PersonFactory
from upt.services.package import package_build

pytestmark = pytest.mark.django_db

NODE = {"SDP_MODE": "upt", "SDP_UPT_CODE": "LP3301", "ROOT_URLCONF": "sdp_project.urls_node"}


@pytest.fixture
def node(settings):
    """This process as UPT A's node (its URLs, its mode)."""
    for name, value in NODE.items():
        setattr(settings, name, value)
    clear_url_caches()
    yield settings
    clear_url_caches()


@pytest.mark.parametrize(
    "path",
    [
        "/pusat/",
        "/laporan/",
        "/kanwil/",
        "/publik/",
        "/api/v1/submissions/",
        "/api/v1/consolidations/",
        "/api/v1/reports/occupancy/",
        "/api/docs/",
        "/upt/LP3301/kirim/unggah/",
    ],
)
def test_central_pages_are_not_routed_at_a_node(node, world, client_for, path):
    assert client_for(world.operator_a).get(path).status_code == 404
    assert client_for(world.admin).get(path).status_code == 404


def test_the_upt_pages_work_at_a_node_and_home_goes_to_the_node_upt(node, world, client_for):
    client = client_for(world.operator_a)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/upt/LP3301/"
    for path in ("/upt/LP3301/", "/upt/LP3301/wbp/", "/upt/LP3301/kirim/", "/upt/LP3301/kiriman/", "/healthz"):
        assert client.get(path).status_code == 200, path
    page = client.get("/upt/LP3301/kirim/").content.decode()
    assert "Unggah berkas paket" not in page  # a package file is uploaded at central
    assert client_for(world.admin).get("/admin/").status_code == 200
    assert client_for(world.admin).get("/")["Location"] == "/upt/LP3301/"  # the admin may view the UPT too
    assert client_for(world.monitor_y).get("/").status_code == 403  # another region: nothing here for them
    assert client_for(world.no_role).get("/").status_code == 403


def test_the_same_urls_at_central_are_routed(world, client_for):
    assert client_for(world.central).get("/laporan/").status_code in (200, 302)
    assert client_for(world.operator_a).get("/upt/LP3301/kirim/unggah/").status_code == 200


def test_a_node_seeds_its_outbox_retry_and_no_consolidation(node, world):
    from operations.apps import _seed_daily_schedule
    from upt.apps import _seed_node_schedule

    PeriodicTask.objects.all().delete()
    node.SDP_NODE_SEND_TIME = __import__("datetime").time(7, 0)
    _seed_daily_schedule(sender=None)
    _seed_node_schedule(sender=None)
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"upt.deliver_outbox", "upt.node_scheduled_send"} <= tasks
    assert not {"central.tasks.consolidation_scheduled_task", "central.tasks.staging_purge_task"} & tasks
    retry = PeriodicTask.objects.get(task="upt.deliver_outbox")
    assert retry.interval.every == 1 and retry.interval.period == "minutes"


def test_central_seeds_consolidation_and_no_outbox(world):
    from operations.apps import _seed_daily_schedule
    from upt.apps import _seed_node_schedule

    PeriodicTask.objects.all().delete()
    _seed_daily_schedule(sender=None)
    _seed_node_schedule(sender=None)
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "central.tasks.consolidation_scheduled_task" in tasks and "upt.deliver_outbox" not in tasks


# --- The node credential at central ---------------------------------------------------------------------


def test_issuing_a_node_credential_marks_the_upt_and_scopes_the_token_to_it(world, client):
    user, token = node_credential_issue(actor=world.admin, upt=world.upt_a)
    world.upt_a.refresh_from_db()
    assert world.upt_a.hosting == UptHosting.NODE
    assert not user.has_usable_password() and not user.is_staff
    assert AuditEvent.objects.filter(action="token_issued", upt=world.upt_a).exists()
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    own = package_build(user=user, upt=world.upt_a).payload()
    response = client.post("/api/v1/submissions/", gzip.compress(own), "application/gzip", **auth)
    assert response.status_code == 201, response.content
    other = package_build(user=world.operator_b, upt=world.upt_b).payload()
    response = client.post("/api/v1/submissions/", other, "application/json", **auth)
    assert response.status_code == 403
    assert not Submission.objects.filter(upt=world.upt_b).exists()
    # It reads what the UPT's operators read, and nothing of another UPT.
    listed = client.get("/api/v1/submissions/?upt=LP3301", **auth).json()
    assert [s["upt_code"] for s in listed["results"]] == ["LP3301"]
    assert client.get("/api/v1/submissions/?upt=LP3302", **auth).json()["results"] == []

    # Issuing again replaces the token; revoking ends it.
    _user, second = node_credential_issue(actor=world.admin, upt=world.upt_a)
    assert client.get("/api/v1/submissions/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert node_credential_revoke(actor=world.admin, upt=world.upt_a) == 1
    assert client.get("/api/v1/submissions/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_command_prints_the_token_once(world, client):
    out, err = io.StringIO(), io.StringIO()
    call_command("node_credential", "LP3302", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert client.get("/api/v1/submissions/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert "LP3302" in err.getvalue()
    call_command("node_credential", "LP3302", "--revoke", stdout=io.StringIO())
    assert client.get("/api/v1/submissions/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_the_admin_action_is_the_admins_alone_and_shows_the_token(world, client_for):
    url = "/admin/central/upt/"
    data = {"action": "issue_node_credential", "_selected_action": [world.upt_a.pk]}
    for who in (world.central, world.monitor_x, world.monitor_y, world.operator_a, world.operator_b):
        page = client_for(who).get(url)
        assert b"issue_node_credential" not in page.content
        client_for(who).post(url, data)
    assert not ApiToken.objects.filter(user__username="node-lp3301").exists()

    admin = client_for(world.admin)
    assert b"issue_node_credential" in admin.get(url).content
    page = admin.post(url, data, follow=True).content.decode()
    assert ApiToken.objects.filter(user__username="node-lp3301").count() == 1
    assert "tidak ditampilkan lagi" in page
    assert "Terbitkan kredensial node" in page
    # The command to run at the lapas, ready to copy: central's own address and the token just issued.
    assert "scripts/node-register --central http://testserver --upt LP3301 --token " in page


def test_central_refuses_the_register_of_a_node_upt_and_keeps_its_reports(world, client_for):
    PersonFactory(upt=world.upt_a)
    node_credential_issue(actor=world.admin, upt=world.upt_a)
    client = client_for(world.operator_a)
    for path in ("/upt/LP3301/", "/upt/LP3301/wbp/baru/", "/upt/LP3301/kirim/", "/upt/LP3301/kirim/unggah/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "server UPT sendiri (node)" in response.content.decode()
    assert client.get("/upt/LP3301/kiriman/").status_code == 200
    assert client_for(world.central).get("/laporan/upt/LP3301/").status_code in (200, 302)
    # Another (hosted) UPT is untouched.
    assert client_for(world.operator_b).get("/upt/LP3302/kirim/").status_code == 200


@override_settings(SDP_MODE="central")
def test_is_node_follows_the_setting(settings):
    from central.mode import is_node

    assert not is_node()
    settings.SDP_MODE = "upt"
    assert is_node()


def test_node_pages_for_every_role(node, world, client_for):
    """The node's own pages, role by role (central's matrix walks central's URLs; these exist at a node)."""
    from upt.models import OutboxPackage, OutboxState, PackageMark

    mark = PackageMark.objects.create(package_id="00000000-0000-4000-8000-000000000001", upt=world.upt_a, change_seq=1)
    OutboxPackage.objects.create(
        package_id=mark.package_id,
        upt=world.upt_a,
        mark=mark,
        kind="full",
        reason="first",
        generated_at=mark.created_at,
        payload=b"",
        state=OutboxState.REFUSED,
    )
    send_now = f"/upt/LP3301/kirim/outbox/{mark.package_id}/"
    expected = {
        # role: (send page GET, history GET, send-now POST)
        "operator_a": (200, 200, 302),
        "operator_b": (404, 404, 404),
        "monitor_x": (403, 200, 403),
        "monitor_y": (404, 404, 404),
        "central": (403, 200, 403),
        "admin": (403, 200, 403),
    }
    users = world.users()
    got = {}
    for role in expected:
        client = client_for(users[role])
        got[role] = (
            client.get("/upt/LP3301/kirim/").status_code,
            client.get("/upt/LP3301/kiriman/").status_code,
            client.post(send_now).status_code,
        )
    assert got == expected
    anonymous = client_for(None)
    assert anonymous.get("/upt/LP3301/kirim/").status_code == 302
    assert anonymous.post(send_now).status_code == 302
    admin_page = client_for(world.admin).get("/admin/central/upt/").content.decode()
    assert "issue_node_credential" not in admin_page  # credentials are central's to issue
