"""A UPT node taking central's reference data and its feedback over HTTP (pytest-django's ``live_server`` as
central, a node token issued in the test), the refusal to send with a stale format, and the pages at a node:
the feedback shown "per … dari pusat", and a clear notice when central cannot be reached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from central import package as pkg
from central.models import DetentionLimit, Upt
from tests.api.conftest import seed_api_world
from tests.upt.test_feedback import held_twice
from upt.models import CentralFeedback, NodeReference
from upt.node.client import CentralClient
from upt.node.reference import reference_send_check, reference_sync
from upt.node.sync import feedback_sync

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens on the discard port: a node whose central is down.
DOWN = "http://127.0.0.1:9"


def node_client(live_server, upt) -> CentralClient:
    """The node's client with the credential central's admin issued for ``upt``."""
    from django.contrib.auth import get_user_model

    from central.services.nodes import node_credential_issue

    admin = get_user_model().objects.get(username="admin")
    return CentralClient(live_server.url, node_credential_issue(actor=admin, upt=upt)[1], timeout=30)


# --- Reference data -------------------------------------------------------------------------------------


def test_reference_sync_copies_central_lists_and_then_asks_for_nothing(live_server, world):
    client = node_client(live_server, world.upt_a)
    first = reference_sync(client=client)
    assert first.ok and first.changed and first.version
    held = NodeReference.get()
    assert held.version == first.version and held.package_format_version == pkg.FORMAT_VERSION
    assert held.fetched_at is not None and held.rules and held.error == ""
    assert reference_send_check() is None

    # Unchanged at central: a 304, nothing rewritten, the check time moves on.
    again = reference_sync(client=client, now=timezone.now() + dt.timedelta(minutes=15))
    assert again.ok and not again.changed and again.version == first.version
    assert NodeReference.get().fetched_at > held.fetched_at and NodeReference.get().changed_at == held.changed_at

    # Central changes a limit and a UPT: the next pass writes both, under a new version.
    DetentionLimit.objects.filter(register="A.I").update(extension_days=41)
    Upt.objects.filter(pk=world.upt_b.pk).update(capacity=430, is_active=False)
    changed = reference_sync(client=client)
    assert changed.changed and changed.version != first.version
    assert Upt.objects.get(pk=world.upt_b.pk).capacity == 430


def test_reference_sync_writes_the_lists_into_the_node(live_server, world, monkeypatch):
    """The answer's rows land in the node's tables: a UPT and a limit central has and the node lacks."""
    client = node_client(live_server, world.upt_a)

    answer = {}

    def capture(path, headers=None):
        status, data = original(path, headers=headers)
        answer.update(data)
        data = {**data, "upts": [*data["upts"], {**data["upts"][0], "code": "LP9999", "name": "Lapas Baru"}]}
        data["detention_limits"] = [
            *data["detention_limits"],
            {**data["detention_limits"][0], "effective_from": "2026-01-02"},
        ]
        return status, data

    original = client.get_json
    monkeypatch.setattr(client, "get_json", capture)
    assert reference_sync(client=client).ok
    assert Upt.objects.get(code="LP9999").name == "Lapas Baru"
    assert DetentionLimit.objects.filter(effective_from=dt.date(2026, 1, 2)).count() == 1
    assert answer["package_format_version"] == pkg.FORMAT_VERSION


def test_the_node_refuses_to_send_without_reference_data_or_with_another_format(live_server, world, monkeypatch):
    refusal = reference_send_check()
    assert refusal and "belum pernah mengambil data acuan" in refusal and "Perbarui dari pusat" in refusal
    client = node_client(live_server, world.upt_a)
    # Central moves to another package format (this process is both servers: central's side reads the
    # module's constant while it answers, the node's side after).
    with monkeypatch.context() as patch:
        patch.setattr(pkg, "FORMAT_VERSION", pkg.FORMAT_VERSION + 1)
        assert reference_sync(client=client).ok
    refusal = reference_send_check()
    assert refusal is not None
    assert f"versi {pkg.FORMAT_VERSION + 1}" in refusal and f"membuat versi {pkg.FORMAT_VERSION}" in refusal
    assert "memperbarui SDP" in refusal
    # Central back on this node's format: sending is allowed again.
    assert reference_sync(client=client).ok and reference_send_check() is None


def test_reference_sync_with_central_down_keeps_what_the_node_has(world):
    result = reference_sync(client=CentralClient(DOWN, "x", timeout=5))
    assert not result.ok and result.error
    held = NodeReference.get()
    assert held.version == "" and held.attempted_at is not None and held.error
    assert reference_send_check() is not None


# --- Feedback -------------------------------------------------------------------------------------------


def test_feedback_sync_stores_central_answer_for_the_upt(live_server, world):
    api = seed_api_world(world)
    result = feedback_sync(world.upt_a, client=node_client(live_server, world.upt_a))
    assert result.ok, result.error
    stored = CentralFeedback.objects.get(upt_code=world.upt_a.code)
    assert stored.fetched_at == result.fetched_at and stored.error == ""
    assert [s["id"] for s in stored.data["submissions"]] == [str(api.submission_a.package_id)]
    assert stored.data["issues"] and stored.data["results"][0]["run"] == api.run.pk


def test_feedback_sync_for_another_upt_is_refused_and_keeps_nothing_of_it(live_server, world):
    seed_api_world(world)
    result = feedback_sync(world.upt_c, client=node_client(live_server, world.upt_a))
    assert not result.ok and "404" in result.error
    assert CentralFeedback.objects.get(upt_code=world.upt_c.code).data == {}


def test_feedback_sync_with_central_down_keeps_the_last_answer(live_server, world):
    seed_api_world(world)
    client = node_client(live_server, world.upt_a)
    good = feedback_sync(world.upt_a, client=client)
    failed = feedback_sync(world.upt_a, client=CentralClient(DOWN, client.token, timeout=5))
    assert not failed.ok and failed.fetched_at == good.fetched_at
    stored = CentralFeedback.objects.get(upt_code=world.upt_a.code)
    assert stored.data["issues"] and stored.failed_last and stored.fetched_at == good.fetched_at


# --- The pages at a node ----------------------------------------------------------------------------------


@pytest.fixture
def at_node(settings, world):
    settings.SDP_MODE = "upt"
    settings.SDP_UPT_CODE = world.upt_a.code
    return world


def corrections(client, upt, **query):
    return client.get(reverse("upt:correction_list", args=[upt.code]), query)


def test_the_node_correction_list_shows_central_feedback_with_its_time(live_server, client_for, world):
    api = seed_api_world(world)
    conflict = held_twice(world)
    fetched = feedback_sync(world.upt_a, client=node_client(live_server, world.upt_a))
    # Central's tables are in this test's database too: empty them, so that what the page shows can only
    # come from the stored answer.
    from central.models import Conflict, RowIssue

    issue = RowIssue.objects.filter(submission=api.submission_a).select_related("rule").first()
    RowIssue.objects.all().delete()
    Conflict.objects.filter(pk=conflict.pk).update(state="resolved")
    with override_settings(SDP_MODE="upt", SDP_UPT_CODE=world.upt_a.code):
        page = corrections(client_for(world.operator_a), world.upt_a).content.decode()
        when = fetched.fetched_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d-%m-%Y %H.%M")
        assert f"Umpan balik per {when} WIB dari pusat." in page
        assert issue.record_key in page and issue.rule_id in page
        assert "Konflik dengan UPT lain (1)" in page and "A/1" in page and world.upt_b.name not in page
        assert "Perbarui dari pusat" in page and "Pembaruan dari pusat gagal" not in page and ">None<" not in page
        filtered = corrections(client_for(world.operator_a), world.upt_a, tingkat="error", jenis="remission")
        assert filtered.status_code == 200


def test_the_node_pages_say_when_central_is_unreachable(client_for, at_node):
    world = at_node
    fetched = timezone.now() - dt.timedelta(hours=2)
    CentralFeedback.objects.create(
        upt_code=world.upt_a.code,
        data={"issues": [], "conflicts": [], "daily_checks": [], "submissions": [], "results": []},
        fetched_at=fetched,
        attempted_at=timezone.now(),
        error="Pusat tidak dapat dihubungi (Connection refused).",
    )
    page = corrections(client_for(world.operator_a), world.upt_a).content.decode()
    assert "Pembaruan dari pusat gagal pada" in page and "Connection refused" in page
    when = fetched.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d-%m-%Y %H.%M")
    assert f"umpan balik terakhir yang diterima, per {when} WIB" in page


def test_a_node_that_never_fetched_says_so(client_for, at_node):
    page = corrections(client_for(at_node.operator_a), at_node.upt_a).content.decode()
    assert "belum pernah berhasil mengambilnya" in page


def test_the_refresh_button_at_a_node_with_central_down(client_for, at_node, settings):
    settings.SDP_CENTRAL_URL = DOWN
    settings.SDP_NODE_TIMEOUT = 5
    settings.SDP_NODE_TOKEN = "x"
    client = client_for(at_node.operator_a)
    response = client.post(reverse("upt:correction_list", args=[at_node.upt_a.code]), {"perbarui": "1"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "Server pusat tidak dapat dihubungi: sambungan ditolak" in page
    assert "Connection refused" not in page and "Errno" not in page  # the system's words are for the log
    assert CentralFeedback.objects.get(upt_code=at_node.upt_a.code).attempted_at is not None


def test_the_refresh_button_is_not_served_at_central(client_for, world):
    response = client_for(world.operator_a).post(reverse("upt:correction_list", args=[world.upt_a.code]))
    assert response.status_code == 405


def test_a_conflict_on_the_persons_file_at_a_node(client_for, at_node, admit):
    world = at_node
    budi, other = admit(reg_number="A/1"), admit()
    CentralFeedback.objects.create(
        upt_code=world.upt_a.code,
        fetched_at=timezone.now(),
        data={
            "conflicts": [
                {
                    "id": 7,
                    "detected_at": timezone.now().isoformat(),
                    "kind": "active_twice",
                    "kind_label": "Orang yang sama tercatat aktif di dua UPT",
                    "detail": "juga ditahan di UPT lain sejak 01-01-2026",
                    "reg_number": "A/1",
                    "full_name": budi.full_name,
                }
            ]
        },
    )
    client = client_for(world.operator_a)
    page = client.get(reverse("upt:person_detail", args=[world.upt_a.code, budi.pk])).content.decode()
    assert "Konflik dengan UPT lain" in page and "juga ditahan di UPT lain sejak 01-01-2026" in page
    assert "dari pusat." in page
    page = client.get(reverse("upt:person_detail", args=[world.upt_a.code, other.pk])).content.decode()
    assert "Konflik dengan UPT lain" not in page


def test_the_feedback_pass_is_scheduled_every_15_minutes_once(world):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from upt.node.sync import FEEDBACK_TASK, feedback_schedule_seed

    PeriodicTask.objects.filter(task=FEEDBACK_TASK).delete()
    assert feedback_schedule_seed() is True
    assert feedback_schedule_seed() is False
    task = PeriodicTask.objects.get(task=FEEDBACK_TASK)
    assert (task.interval.every, task.interval.period) == (15, IntervalSchedule.MINUTES) and task.enabled


def test_the_task_after_a_delivery_takes_reference_and_feedback(live_server, world, settings):
    from upt.node.sync import feedback_sync_soon

    api = seed_api_world(world)
    client = node_client(live_server, world.upt_a)
    settings.SDP_MODE, settings.SDP_UPT_CODE = "upt", world.upt_a.code
    settings.SDP_CENTRAL_URL, settings.SDP_NODE_TOKEN = live_server.url, client.token
    feedback_sync_soon()  # eager here: runs at once (autocommit: the "transaction" has committed)
    assert NodeReference.get().version and reference_send_check() is None
    stored = CentralFeedback.objects.get(upt_code=world.upt_a.code)
    assert [s["id"] for s in stored.data["submissions"]] == [str(api.submission_a.package_id)]


def test_the_node_seeds_the_feedback_task_with_its_own(world, settings):
    from django_celery_beat.models import PeriodicTask

    from upt.node.schedule import node_schedule_seed
    from upt.node.sync import FEEDBACK_TASK

    PeriodicTask.objects.filter(task=FEEDBACK_TASK).delete()
    node_schedule_seed()
    assert PeriodicTask.objects.filter(task=FEEDBACK_TASK).count() == 1


def test_a_packages_page_at_a_node_shows_centrals_answer(client_for, world):
    package_id = "5b0e6a36-2f1c-4a39-9d3e-0c6a1f2b7d10"
    now = timezone.now()
    CentralFeedback.objects.create(
        upt_code=world.upt_a.code,
        fetched_at=now,
        data={
            "submissions": [
                {
                    "id": package_id,
                    "kind": "delta",
                    "state": "consolidated",
                    "state_label": "Sudah dikonsolidasi",
                    "received_at": now.isoformat(),
                    "report_date": now.date().isoformat(),
                    "rows_accepted": 11,
                    "rows_rejected": 1,
                    "rows_warned": 2,
                    "consolidated_at": now.isoformat(),
                    "drift_detected": False,
                }
            ],
            "issues": [
                {
                    "package_id": package_id,
                    "received_at": now.isoformat(),
                    "severity": "error",
                    "record_type": "person",
                    "record_type_label": "Orang",
                    "record_key": "A/17",
                    "person_reg_number": "A/17",
                    "rule": "P_NIK_FORMAT",
                    "message": "NIK harus 16 angka.",
                    "detail": "",
                    "resent": False,
                },
                {**{"package_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12}, "record_key": "A/99"},
            ],
        },
    )
    with override_settings(SDP_MODE="upt", SDP_UPT_CODE=world.upt_a.code, ROOT_URLCONF="sdp_project.urls_node"):
        url = reverse("upt:submission_detail", args=[world.upt_a.code, package_id])
        response = client_for(world.operator_a).get(url)
        page = response.content.decode()
    assert response.status_code == 200
    assert "Sudah dikonsolidasi" in page and "A/17" in page and "P_NIK_FORMAT" in page and "NIK harus 16 angka." in page
    assert "A/99" not in page and "dari pusat." in page


def test_the_refresh_goes_back_to_the_page_it_came_from_on_this_site_only(client_for, at_node, settings):
    settings.SDP_CENTRAL_URL, settings.SDP_NODE_TOKEN, settings.SDP_NODE_TIMEOUT = DOWN, "x", 5
    client = client_for(at_node.operator_a)
    url = reverse("upt:correction_list", args=[at_node.upt_a.code])
    back = f"/upt/{at_node.upt_a.code}/kiriman/5b0e6a36-2f1c-4a39-9d3e-0c6a1f2b7d10/"
    assert client.post(url, {"next": back})["Location"] == back
    assert client.post(url, {"next": "https://elsewhere.example/"})["Location"] == url
