"""From the operator's button to the correction list and back: a rejected row, fixed in the register, goes
in the next delta by itself and is accepted by the next consolidation."""

import pytest
from django.urls import reverse

from central.models import NationalPerson, RowIssue, Submission
from tests.factories import MovementFactory, PersonFactory
from tests.inbox.test_pages import _package_id

pytestmark = pytest.mark.django_db


def consolidate(world):
    from central.services.consolidation import consolidation_execute, consolidation_request

    request = consolidation_request(user=world.central, trigger="command", enqueue=False)
    return consolidation_execute(run_id=request.run.pk)


def test_a_rejected_row_is_fixed_and_accepted_next_time(client_for, world):
    good = PersonFactory(upt=world.upt_a, reg_number="AIII/001/2026", nik="")
    bad = PersonFactory(upt=world.upt_a, reg_number="AIII/002/2026", nik="12345")
    for person in (good, bad):
        MovementFactory(person=person, recorded_by=world.operator_a)
    client = client_for(world.operator_a)
    send_url = reverse("upt:submission_send", kwargs={"upt_code": "LP3301"})

    client.post(send_url, {"package_id": _package_id(client.get(send_url))})
    consolidate(world)
    first = Submission.objects.get()
    assert first.state == "partial" and first.rows_rejected >= 1
    assert RowIssue.objects.filter(submission=first, record_key="AIII/002/2026", rule_id="P_NIK_FORMAT").exists()
    assert not NationalPerson.objects.filter(reg_number="AIII/002/2026").exists()

    corrections = client.get(reverse("upt:correction_list", kwargs={"upt_code": "LP3301"}))
    html = corrections.content.decode()
    assert "NIK harus 16 digit angka" in html and "AIII/002/2026" in html and "Belum diperbaiki" in html

    bad.nik = ""
    bad.save()
    page = client.get(send_url)
    assert page.context["built"].plan.kind == "delta"
    assert page.context["built"].counts["persons"] == 1
    client.post(send_url, {"package_id": _package_id(page)})
    consolidate(world)
    second = Submission.objects.order_by("-received_at").first()
    assert second.kind == "delta" and second.state == "accepted"
    assert NationalPerson.objects.filter(upt=world.upt_a, reg_number="AIII/002/2026").exists()
    rows = client.get(reverse("upt:correction_list", kwargs={"upt_code": "LP3301"})).context["rows"]
    assert {r.issue.rule_id: r.resent for r in rows if r.issue.record_key == "AIII/002/2026"} == {"P_NIK_FORMAT": True}
