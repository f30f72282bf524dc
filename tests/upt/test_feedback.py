"""Feedback to operators: conflicts on the UPT's own people, the detention-limit warning at entry, the
confirmed transfer out and the receiving UPT's "Mutasi masuk"."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from central.models import Conflict, ConflictKind, ConflictState, DetentionLimit, NationalMovement
from central.selectors.consolidation import upt_conflicts
from central.selectors.transfers import incoming_transfers
from tests.consolidation.helpers import consolidate, movement_values, package, person_values
from tests.upt.conftest import days_ago, person_data
from tests.upt.test_pages import form_post
from upt.models import Movement, Person
from upt.selectors.transfers import pending_incoming
from upt.services.transfers import transfer_accept

pytestmark = pytest.mark.django_db
NIK = "3301021705900001"


def held_twice(world):
    """Budi held at UPT A since 100 days (A/1), and at UPT B since 10 days (B/7): B is the later holder."""
    package(world.upt_a, persons=[person_values("A/1", nik=NIK, admission_date=days_ago(100))])
    package(world.upt_b, persons=[person_values("B/7", nik=NIK, admission_date=days_ago(10))])
    consolidate(world.central)
    return Conflict.objects.get(kind=ConflictKind.ACTIVE_IN_TWO_UPTS)


def as_posted(client, url) -> dict:
    """The form of the page at ``url`` as its browser would post it untouched (its initial values)."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "photo" or value is None or value is False:
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def corrections(client, upt):
    return client.get(reverse("upt:correction_list", args=[upt.code]))


# --- conflicts on the UPT's own people ---------------------------------------------------------------


def test_a_conflict_reaches_both_holders_correction_lists(client_for, world):
    conflict = held_twice(world)
    assert (conflict.upt, conflict.other_upt) == (world.upt_b, world.upt_a)
    for user, upt, reg, other in (
        (world.operator_a, world.upt_a, "A/1", world.upt_b),
        (world.operator_b, world.upt_b, "B/7", world.upt_a),
    ):
        page = corrections(client_for(user), upt).content.decode()
        assert "Konflik dengan UPT lain (1)" in page
        assert "Orang yang sama tercatat aktif di dua UPT" in page
        assert f"juga ditahan di UPT lain sejak {days_ago(100).strftime('%d-%m-%Y')}" in page
        assert reg in page
        # DESIGN §4: the other UPT's name and its registration number are not shown to this one.
        assert other.name not in page and ({"A/1", "B/7"} - {reg}).pop() not in page
    # The region's monitor reads the list too; a UPT with no part in it sees nothing of it.
    assert "Konflik dengan UPT lain" in corrections(client_for(world.monitor_x), world.upt_a).content.decode()
    assert "Konflik dengan UPT lain" not in corrections(client_for(world.operator_c), world.upt_c).content.decode()


def test_a_closed_conflict_leaves_the_lists(client_for, world):
    conflict = held_twice(world)
    Conflict.objects.filter(pk=conflict.pk).update(state=ConflictState.RESOLVED)
    page = corrections(client_for(world.operator_a), world.upt_a).content.decode()
    assert "Konflik dengan UPT lain" not in page
    assert "Tidak ada temuan" in page


def test_a_conflict_shows_on_the_persons_file_and_no_one_elses(client_for, world, admit):
    held_twice(world)
    budi = admit(reg_number="A/1")
    other = admit()
    client = client_for(world.operator_a)
    page = client.get(reverse("upt:person_detail", args=[world.upt_a.code, budi.pk])).content.decode()
    assert "Konflik dengan UPT lain" in page and "juga ditahan di UPT lain" in page
    assert world.upt_b.name not in page
    page = client.get(reverse("upt:person_detail", args=[world.upt_a.code, other.pk])).content.decode()
    assert "Konflik dengan UPT lain" not in page


def test_conflict_selector_reads_only_inside_the_users_view(world):
    held_twice(world)
    assert len(upt_conflicts(user=world.operator_a, upt=world.upt_a)) == 1
    assert len(upt_conflicts(user=world.monitor_x, upt=world.upt_b)) == 1
    assert upt_conflicts(user=world.operator_a, upt=world.upt_a, reg_number="A/2") == []
    assert upt_conflicts(user=world.operator_c, upt=world.upt_a) == []
    assert upt_conflicts(user=world.monitor_y, upt=world.upt_b) == []


# --- the detention-limit warning ---------------------------------------------------------------------


def create(client, world, **fields):
    data = form_post(person_data(**fields))
    data.update({"admission_kind": "ADMISSION", "admission_document": "SP.Han/99/2026", "note": ""})
    return client.post(reverse("upt:person_create", args=[world.upt_a.code]), data, follow=True)


def test_a_detention_past_its_limit_saves_with_a_warning(client_for, world):
    # A.II: 20 + 30 days (KUHAP), from the register's start 200 days ago: the last day was 151 days ago.
    response = create(
        client_for(world.operator_a),
        world,
        reg_number="AII/0200/2026",
        register_since=days_ago(200),
        detention_start=days_ago(200),
        admission_date=days_ago(200),
    )
    person = Person.objects.get(reg_number="AII/0200/2026")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("upt:person_detail", args=[world.upt_a.code, person.pk])
    assert f"berakhir {days_ago(151).strftime('%d-%m-%Y')}, sudah lewat 151 hari" in page
    assert days_ago(151).strftime("%d-%m-%Y") in page
    assert 'class="message warning"' in page


def test_a_detention_within_its_limit_saves_without_a_warning(client_for, world):
    page = create(client_for(world.operator_a), world, reg_number="AII/0201/2026").content.decode()
    assert Person.objects.filter(reg_number="AII/0201/2026").exists()
    assert "sudah lewat" not in page


def test_the_warning_follows_the_limit_table(client_for, world):
    """The one rule: a longer limit in the table (the law changed) and the same entry no longer warns."""
    DetentionLimit.objects.filter(register="A.II").update(initial_days=20, extension_days=380)
    page = create(
        client_for(world.operator_a),
        world,
        reg_number="AII/0202/2026",
        register_since=days_ago(200),
        detention_start=days_ago(200),
        admission_date=days_ago(200),
    ).content.decode()
    assert Person.objects.filter(reg_number="AII/0202/2026").exists()
    assert "sudah lewat" not in page


def test_an_edit_and_a_register_change_warn_too(client_for, world, admit):
    person = admit(register_since=days_ago(200), detention_start=days_ago(200), admission_date=days_ago(200))
    client = client_for(world.operator_a)
    response = client.post(
        reverse("upt:movement_create", args=[world.upt_a.code, person.pk]),
        {
            "kind": "REGISTER_CHANGE",
            "date": days_ago(0).isoformat(),
            "document_number": "PEN/1",
            "register_to": "A.III",
        },
        follow=True,
    )
    # A.III from today: within its limit, no warning.
    assert Person.objects.get(pk=person.pk).register == "A.III"
    assert "sudah lewat" not in response.content.decode()
    stale = admit(register_since=days_ago(200), detention_start=days_ago(200), admission_date=days_ago(200))
    page = client.get(reverse("upt:person_update", args=[world.upt_a.code, stale.pk])).content.decode()
    assert "sudah lewat" not in page  # a warning after saving, never a refusal beforehand
    data = {
        **as_posted(client, reverse("upt:person_update", args=[world.upt_a.code, stale.pk])),
        "occupation": "Petani",
    }
    response = client.post(reverse("upt:person_update", args=[world.upt_a.code, stale.pk]), data, follow=True)
    assert Person.objects.get(pk=stale.pk).occupation == "Petani"
    assert "sudah lewat" in response.content.decode()


# --- a transfer out asks for confirmation --------------------------------------------------------------


def transfer_out(client, world, person, **extra):
    data = {
        "kind": "TRANSFER_OUT",
        "date": days_ago(1).isoformat(),
        "document_number": "SP/9",
        "other_upt": world.upt_c.pk,
    }
    data.update(extra)
    return client.post(reverse("upt:movement_create", args=[world.upt_a.code, person.pk]), data)


def test_a_transfer_out_is_confirmed_before_it_is_recorded(client_for, world, admit):
    person = admit()
    client = client_for(world.operator_a)
    response = transfer_out(client, world, person)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ya, pindahkan" in page and world.upt_c.name in page and "SP/9" in page
    assert not Movement.objects.filter(kind="TRANSFER_OUT").exists()
    # "Ubah" brings the form back with what was typed; nothing is saved.
    response = transfer_out(client, world, person, _edit="1", _confirm="1")
    assert 'name="document_number" value="SP/9"' in response.content.decode()
    assert not Movement.objects.filter(kind="TRANSFER_OUT").exists()
    response = transfer_out(client, world, person, _confirm="1")
    assert response.status_code == 302
    assert Movement.objects.get(kind="TRANSFER_OUT").other_upt == world.upt_c
    assert Person.objects.get(pk=person.pk).status == "TRANSFERRED"


def test_a_bad_transfer_out_shows_errors_not_a_summary(client_for, world, admit):
    person = admit()
    response = transfer_out(client_for(world.operator_a), world, person, other_upt="", _confirm="1")
    page = response.content.decode()
    assert "Ya, pindahkan" not in page and "Pilih UPT tujuan" in page
    assert not Movement.objects.filter(kind="TRANSFER_OUT").exists()


def test_other_movements_need_no_confirmation(client_for, world, admit):
    person = admit()
    response = client_for(world.operator_a).post(
        reverse("upt:movement_create", args=[world.upt_a.code, person.pk]),
        {"kind": "ESCAPE", "date": days_ago(0).isoformat(), "document_number": "BA/1"},
    )
    assert response.status_code == 302 and Movement.objects.filter(kind="ESCAPE").exists()


# --- incoming transfers ---------------------------------------------------------------------------------


def sent_to_b(world, *, reg="A/1", nik=NIK, out_date=None):
    """UPT A transfers Budi (A/1, B.I, 4 years) to UPT B; A's package is consolidated. Returns the uid."""
    out_date = out_date or days_ago(1)
    budi = person_values(reg, nik=nik, status="TRANSFERRED", verdict_number="77/Pid.Sus/2025/PN Clp")
    uid = uuid.uuid4()
    package(
        world.upt_a,
        kind="delta",
        persons=[budi],
        movements=[
            movement_values(reg, date=budi["admission_date"]),
            movement_values(
                reg,
                uid=uid,
                kind="TRANSFER_OUT",
                date=out_date,
                other_upt_code=world.upt_b.code,
                document_number="PAS-7/2026",
            ),
        ],
    )
    consolidate(world.central)
    return uid


def incoming_url(world, upt=None):
    return reverse("upt:incoming_list", args=[(upt or world.upt_b).code])


def accept_url(world, uid, upt=None):
    return reverse("upt:incoming_accept", args=[(upt or world.upt_b).code, uid])


def accept_post(client, world, uid, **extra):
    data = {**as_posted(client, accept_url(world, uid)), "reg_number": "B/100", **extra}
    return client.post(accept_url(world, uid), data)


def test_the_receiving_upt_lists_a_transfer_to_it_and_no_one_else_does(client_for, world):
    uid = sent_to_b(world)
    page = client_for(world.operator_b).get(incoming_url(world)).content.decode()
    assert "Budi Santoso" in page and world.upt_a.name in page and "PAS-7/2026" in page
    assert accept_url(world, uid) in page
    for user, upt in ((world.operator_a, world.upt_a), (world.operator_c, world.upt_c)):
        page = client_for(user).get(incoming_url(world, upt)).content.decode()
        assert "Budi Santoso" not in page and "Tidak ada pindahan yang menunggu diterima." in page


def test_the_confirmation_page_is_prefilled_from_the_senders_record(client_for, world):
    uid = sent_to_b(world)
    response = client_for(world.operator_b).get(accept_url(world, uid))
    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["full_name"] == "Budi Santoso" and form.initial["nik"] == NIK
    assert form.initial["verdict_number"] == "77/Pid.Sus/2025/PN Clp" and form.initial["sentence_years"] == 4
    assert form.initial["register"] == "B.I" and form.initial["admission_document"] == "PAS-7/2026"
    assert "reg_number" not in form.initial  # the receiving UPT's own number
    assert "admission_kind" not in form.fields and "origin_upt" not in form.fields
    page = response.content.decode()
    assert "Terima pindahan" in page and 'value="77/Pid.Sus/2025/PN Clp"' in page


def test_accepting_opens_the_record_with_its_transfer_in_once(client_for, world):
    uid = sent_to_b(world)
    client = client_for(world.operator_b)
    response = accept_post(client, world, uid, admission_kind="ADMISSION", origin_upt=world.upt_c.pk)
    person = Person.objects.get(upt=world.upt_b)
    assert response.status_code == 302
    assert response["Location"] == reverse("upt:person_detail", args=[world.upt_b.code, person.pk])
    assert (person.reg_number, person.full_name, person.nik, person.register) == ("B/100", "Budi Santoso", NIK, "B.I")
    assert person.verdict_number == "77/Pid.Sus/2025/PN Clp" and person.sentence_years == 4
    movement = person.movements.get()
    # The way in and the UPT of origin come from the transfer, whatever the form said.
    assert (movement.kind, movement.other_upt, movement.transfer_of) == ("TRANSFER_IN", world.upt_a, uid)
    assert movement.document_number == "PAS-7/2026"
    assert "Terima</a>" not in client.get(incoming_url(world)).content.decode()
    # Twice: a clear message, nothing more written.
    response = client.get(accept_url(world, uid), follow=True)
    assert "Pindahan ini sudah diterima" in response.content.decode()
    response = client.post(accept_url(world, uid), {"reg_number": "B/101"}, follow=True)
    assert "Pindahan ini sudah diterima" in response.content.decode()
    assert Person.objects.filter(upt=world.upt_b).count() == 1 and Movement.objects.filter(upt=world.upt_b).count() == 1


def test_the_service_refuses_a_second_accept_and_another_upts_transfer(world):
    uid = sent_to_b(world)
    data = {**person_data(nik=NIK), "reg_number": "B/100"}
    transfer_accept(user=world.operator_b, upt=world.upt_b, transfer_uid=uid, data=data, admission_document="PAS-7")
    with pytest.raises(ValidationError, match="sudah diterima"):
        transfer_accept(
            user=world.operator_b,
            upt=world.upt_b,
            transfer_uid=uid,
            data={**data, "reg_number": "B/101"},
            admission_document="PAS-7",
        )
    with pytest.raises(Http404):
        transfer_accept(
            user=world.operator_c,
            upt=world.upt_c,
            transfer_uid=uid,
            data={**data, "reg_number": "C/1"},
            admission_document="PAS-7",
        )
    with pytest.raises(PermissionDenied):
        transfer_accept(user=world.operator_c, upt=world.upt_b, transfer_uid=uid, data=data, admission_document="PAS-7")
    assert Person.objects.count() == 1


def test_a_transfer_addressed_elsewhere_answers_404(client_for, world):
    uid = sent_to_b(world)
    client = client_for(world.operator_c)
    assert client.get(accept_url(world, uid, world.upt_c)).status_code == 404
    assert client.post(accept_url(world, uid, world.upt_c), {"reg_number": "C/1"}).status_code == 404
    assert client.get(accept_url(world, uid)).status_code == 404  # UPT B's page: not theirs
    assert client_for(world.operator_b).get(accept_url(world, uuid.uuid4())).status_code == 404
    assert client_for(world.monitor_x).get(accept_url(world, uid)).status_code == 403
    assert not Person.objects.exists()


def test_a_bad_accept_shows_errors_and_saves_nothing(client_for, world):
    uid = sent_to_b(world)
    response = accept_post(client_for(world.operator_b), world, uid, reg_number="", admission_document="")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"reg_number", "admission_document"}
    assert not Person.objects.filter(upt=world.upt_b).exists()


def test_a_transfer_received_by_hand_or_seen_by_central_leaves_the_list(world, admit):
    uid = sent_to_b(world)
    assert [m.uid for m in pending_incoming(user=world.operator_b, upt=world.upt_b)] == [uid]
    # Recorded by hand at B (same NIK, on or after the transfer): gone from B's list at once.
    admit(
        upt=world.upt_b,
        user=world.operator_b,
        kind="TRANSFER_IN",
        origin_upt=world.upt_a,
        reg_number="B/7",
        nik=NIK,
        admission_date=days_ago(0),
    )
    assert not pending_incoming(user=world.operator_b, upt=world.upt_b).exists()
    # Central's own view: once B's transfer in is consolidated, the identity is there.
    assert incoming_transfers(user=world.operator_b, upt=world.upt_b).exists()
    package(
        world.upt_b,
        persons=[person_values("B/7", nik=NIK, admission_date=days_ago(0))],
        movements=[movement_values("B/7", kind="TRANSFER_IN", date=days_ago(0), other_upt_code=world.upt_a.code)],
    )
    consolidate(world.central)
    assert not incoming_transfers(user=world.operator_b, upt=world.upt_b).exists()
    assert NationalMovement.objects.filter(uid=uid).exists()


def test_the_incoming_list_keeps_a_fixed_number_of_queries(client_for, world):
    """The page's queries do not grow with its rows (the senders' records come in one query)."""
    client = client_for(world.operator_b)
    counts = []
    for n in range(3):
        sent_to_b(world, reg=f"A/{n + 1}", nik=f"330102170590{n + 2:04d}", out_date=days_ago(1) - timedelta(days=n))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(incoming_url(world)).content.decode()
        assert page.count("Terima</a>") == n + 1
        counts.append(len(queries))
    assert counts[1] == counts[2] and counts[2] <= 15
