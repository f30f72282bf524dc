"""The register in the admin, per role: scoped lists and objects, writes only through the services."""

import pytest
from django.urls import reverse

from tests.upt.conftest import days_ago, person_data
from upt.models import Movement, Person, Remission
from upt.services.movements import movement_record
from upt.services.remissions import remission_record

pytestmark = pytest.mark.django_db

ROLES = ["operator_a", "operator_b", "operator_c", "monitor_x", "monitor_y", "central", "admin"]
# Whether each role sees UPT A's records in the admin, and whether it may change them.
SEES_A = {"operator_a", "monitor_x", "central", "admin"}
CHANGES_A = {"operator_a", "admin"}


@pytest.fixture
def records(world, admit):
    a = admit(register="B.I")
    movement_record(
        user=world.operator_a, person=a, kind="TEMP_EXIT", date=days_ago(2), document_number="S/1", exit_reason="SIDANG"
    )
    remission = remission_record(
        user=world.operator_a, person=a, kind="RU", days=30, decree_number="PAS-1", decree_date=days_ago(1)
    )
    b = admit(upt=world.upt_b, user=world.operator_b)
    return {"person": a, "movement": a.movements.latest("recorded_at"), "remission": remission, "other": b}


def admin_url(model, view, *args):
    return reverse(f"admin:upt_{model}_{view}", args=args)


@pytest.mark.parametrize("who", ROLES)
def test_changelists_are_scoped(client_for, world, records, who):
    client = client_for(getattr(world, who))
    for model in ("person", "movement", "remission"):
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, (who, model)
        upts = {row.upt_id for row in response.context["cl"].result_list}
        assert (world.upt_a.pk in upts) == (who in SEES_A), (who, model)
        if who in ("operator_a", "monitor_y"):
            assert world.upt_b.pk not in upts


@pytest.mark.parametrize("who", ROLES)
def test_change_pages_answer_per_role(client_for, world, records, who):
    client = client_for(getattr(world, who))
    for model in ("person", "movement", "remission"):
        obj = records[model]
        page = client.get(admin_url(model, "change", obj.pk))
        history = client.get(admin_url(model, "history", obj.pk))
        version = obj.history.first().history_id
        snapshot = client.get(admin_url(model, "simple_history", obj.pk, version))
        if who not in SEES_A:
            assert (page.status_code, history.status_code, snapshot.status_code) == (404, 404, 404), (who, model)
            continue
        assert (page.status_code, history.status_code, snapshot.status_code) == (200, 200, 200), (who, model)
        assert ('name="_save"' in page.content.decode()) == (who in CHANGES_A), (who, model)
        assert "Revert" not in snapshot.content.decode() and "Kembalikan" not in snapshot.content.decode()


@pytest.mark.parametrize("who", ["monitor_x", "central"])
def test_read_only_roles_cannot_write(client_for, world, records, who):
    client = client_for(getattr(world, who))
    person = records["person"]
    assert client.post(admin_url("person", "change", person.pk), {"full_name": "X"}).status_code == 403
    for model in ("person", "movement", "remission"):
        assert client.get(admin_url(model, "add")).status_code == 403
        assert client.post(admin_url(model, "delete", records[model].pk), {"post": "yes"}).status_code == 403
    person.refresh_from_db()
    assert person.full_name != "X"


def test_history_revert_is_refused(client_for, world, records):
    person = records["person"]
    version = person.history.last().history_id
    response = client_for(world.admin).post(admin_url("person", "simple_history", person.pk, version), {})
    assert response.status_code == 403


def test_operator_adds_a_person_through_the_service(client_for, world, records):
    client = client_for(world.operator_a)
    assert client.get(admin_url("person", "add")).status_code == 200
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in person_data().items() if v is not None}
    data.update({"upt": world.upt_a.pk, "admission_kind": "ADMISSION", "admission_document": "SP/ADM/1"})
    response = client.post(admin_url("person", "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get(reg_number=data["reg_number"])
    assert person.movements.get().document_number == "SP/ADM/1"
    assert person.history.get().history_user == world.operator_a


def test_operator_cannot_add_into_another_upt_or_break_a_rule(client_for, world, records):
    client = client_for(world.operator_a)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in person_data().items() if v is not None}
    data.update({"upt": world.upt_b.pk, "admission_kind": "ADMISSION", "admission_document": "SP/ADM/1"})
    response = client.post(admin_url("person", "add"), data)
    assert response.status_code == 200 and "upt" in response.context["adminform"].form.errors
    data.update({"upt": world.upt_a.pk, "nik": "123"})
    response = client.post(admin_url("person", "add"), data)
    assert "16 angka" in response.context["adminform"].form.errors["nik"][0]
    assert not Person.objects.filter(reg_number=data["reg_number"]).exists()


def test_operator_corrects_a_person_but_not_derived_fields(client_for, world, records):
    person = records["person"]
    client = client_for(world.operator_a)
    page = client.get(admin_url("person", "change", person.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if name not in ("photo", "version", "remove_photo")}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"block": "K", "status": "RELEASED", "register": "A.I", "remission_days": 999})
    response = client.post(admin_url("person", "change", person.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.block == "K"
    assert (person.status, person.register, person.remission_days) == ("TEMP_OUT", "B.I", 30)


def test_operator_records_a_movement_in_the_admin(client_for, world, records):
    person = records["person"]
    client = client_for(world.operator_a)
    response = client.post(
        admin_url("movement", "add"),
        {"person": person.pk, "kind": "RETURN", "date": days_ago(0).isoformat(), "document_number": "BA/2"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "IN"
    # Another UPT's person is not among the choices.
    response = client.post(
        admin_url("movement", "add"),
        {"person": records["other"].pk, "kind": "ESCAPE", "date": days_ago(0).isoformat(), "document_number": "X"},
    )
    assert response.status_code == 200 and "person" in response.context["adminform"].form.errors
    assert not records["other"].movements.filter(kind="ESCAPE").exists()


def test_a_movement_is_only_annotated_in_the_admin(client_for, world, records):
    movement = records["movement"]
    response = client_for(world.operator_a).post(
        admin_url("movement", "change", movement.pk),
        {"document_number": "S/1-koreksi", "note": "salah ketik", "kind": "DEATH", "date": "2020-01-01"},
    )
    assert response.status_code == 302
    movement.refresh_from_db()
    assert (movement.document_number, movement.kind, movement.date) == ("S/1-koreksi", "TEMP_EXIT", days_ago(2))


def test_remission_added_and_corrected_in_the_admin(client_for, world, records):
    person = records["person"]
    client = client_for(world.operator_a)
    response = client.post(
        admin_url("remission", "add"),
        {"person": person.pk, "kind": "RK", "days": "15", "decree_number": "PAS-2", "decree_date": days_ago(0)},
    )
    assert response.status_code == 302
    remission = records["remission"]
    response = client.post(
        admin_url("remission", "change", remission.pk),
        {"kind": "RU", "days": "60", "decree_number": "PAS-1", "decree_date": days_ago(1).isoformat()},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.remission_days == 75


def test_only_the_admin_deletes_and_through_the_services(client_for, world, records):
    operator = client_for(world.operator_a)
    for model in ("person", "movement", "remission"):
        assert operator.post(admin_url(model, "delete", records[model].pk), {"post": "yes"}).status_code == 403
    admin = client_for(world.admin)
    person = records["person"]
    assert admin.post(admin_url("remission", "delete", records["remission"].pk), {"post": "yes"}).status_code == 302
    person.refresh_from_db()
    assert person.remission_days == 0
    assert admin.post(admin_url("movement", "delete", records["movement"].pk), {"post": "yes"}).status_code == 302
    person.refresh_from_db()
    assert person.status == "IN"
    page = admin.get(admin_url("person", "delete", person.pk))
    assert page.status_code == 200 and "Penerimaan" in page.content.decode()
    assert admin.post(admin_url("person", "delete", person.pk), {"post": "yes"}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Movement.objects.filter(person_id=person.pk).exists()
    assert not Remission.objects.filter(person_id=person.pk).exists()
