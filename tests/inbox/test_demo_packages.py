"""The demo: every demo UPT but the first has sent its first package, once, however often it is seeded."""

from io import StringIO

import pytest
from django.core.management import call_command

from central.models import Submission, SubmissionState, UptSyncState

pytestmark = pytest.mark.django_db


def test_the_demo_sends_first_packages_once():
    out = StringIO()
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=out)
    assert "kiriman pertama ke pusat: LP3302, LP3101, LP1401" in out.getvalue()
    # The first packages, waiting for the first run (the report history's synthetic packages were consolidated
    # by its synthetic runs).
    first = Submission.objects.filter(state=SubmissionState.RECEIVED)
    assert set(first.values_list("upt__code", "kind", "channel", "drift_detected")) == {
        ("LP3302", "full", "web", False),
        ("LP3101", "full", "web", False),
        ("LP1401", "full", "web", False),
    }
    assert not Submission.objects.filter(upt__code="LP3301").exists()
    assert first.get(upt__code="LP3302").person_count > 0
    assert not UptSyncState.objects.filter(full_requested=True, last_submission__isnull=False).exists()

    sent = Submission.objects.count()
    call_command("seed_demo", "--password", "demo-sdp-2026", stdout=StringIO())
    assert Submission.objects.count() == sent and first.count() == 3
