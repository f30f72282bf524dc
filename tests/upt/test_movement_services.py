"""Movements: every kind with what it needs, the transitions of MOVEMENT_RULES, and the derived state."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from central.reference import PersonStatus
from tests.upt.conftest import days_ago
from upt.models import Movement, Person
from upt.services.movements import movement_annotate, movement_delete, movement_record

pytestmark = pytest.mark.django_db

VERDICT = {"verdict_date": days_ago(5), "verdict_number": "45/Pid.B/2026/PN Clp", "sentence_years": 2}


def record(world, person, user=None, **kwargs):
    kwargs.setdefault("document_number", "SP/07/2026")
    kwargs.setdefault("date", days_ago(1))
    return movement_record(user=user or world.operator_a, person=person, **kwargs)


def refused(world, person, **kwargs) -> dict[str, list[str]]:
    before = (Movement.objects.count(), Person.history.count())
    state = Person.objects.values("status", "register", "register_since", "verdict_date").get(pk=person.pk)
    with pytest.raises(ValidationError) as excinfo:
        record(world, person, **kwargs)
    assert (Movement.objects.count(), Person.history.count()) == before
    assert Person.objects.values("status", "register", "register_since", "verdict_date").get(pk=person.pk) == state
    return excinfo.value.message_dict


def test_register_change_a_to_a_starts_a_new_detention_period(world, admit):
    person = admit()
    movement = record(world, person, kind="REGISTER_CHANGE", register_to="A.III", date=days_ago(2))
    person.refresh_from_db()
    assert (person.register, person.register_since, person.status) == ("A.III", days_ago(2), "IN")
    assert (movement.register_from, movement.register_to) == ("A.II", "A.III")


def test_register_change_a_to_b_records_the_verdict_and_the_expiry(world, admit):
    person = admit()
    record(
        world,
        person,
        kind="REGISTER_CHANGE",
        register_to="B.I",
        date=days_ago(2),
        verdict={**VERDICT, "court": "PN Cilacap"},
    )
    person.refresh_from_db()
    assert person.register == "B.I" and person.register_since == days_ago(2)
    assert person.verdict_date == days_ago(5) and person.verdict_number == VERDICT["verdict_number"]
    assert person.court == "PN Cilacap" and person.sentence_years == 2
    assert person.expiry_date == person.detention_start + relativedelta(years=2)


def test_verdict_document_may_follow_later(world, admit):
    person = admit()
    record(
        world,
        person,
        kind="REGISTER_CHANGE",
        register_to="B.IIa",
        verdict={"verdict_date": days_ago(3), "sentence_months": 10},
    )
    person.refresh_from_db()
    assert person.register == "B.IIa" and person.verdict_number == ""


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"register_to": "A.II"}, "register_to", "sama dengan"),
        ({"register_to": "A.I"}, "register_to", "tingkat berikutnya"),
        ({"register_to": ""}, "register_to", "Pilih register"),
        ({"register_to": "B.I", "verdict": {}}, "verdict_date", "Isi tanggal putusan"),
        (
            {"register_to": "B.I", "verdict": {**VERDICT, "verdict_date": days_ago(40)}},
            "verdict_date",
            "sebelum mulai ditahan",
        ),
        (
            {"register_to": "B.I", "verdict": {**VERDICT, "verdict_date": days_ago(0)}},
            "verdict_date",
            "sesudah tanggal mutasi",
        ),
        ({"register_to": "B.IIb", "verdict": VERDICT}, "register_to", "termasuk register B.I"),
        ({"register_to": "B.I", "verdict": {**VERDICT, "sentence_years": 0}}, "sentence_years", "Isi lama pidana"),
        ({"register_to": "PM", "verdict": VERDICT}, "sentence_years", "pidana mati"),
    ],
)
def test_bad_register_changes_are_refused(world, admit, kwargs, field, fragment):
    errors = refused(world, admit(), kind="REGISTER_CHANGE", **kwargs)
    assert any(fragment in m for m in errors[field]), errors


def test_a_sentenced_person_does_not_become_a_detainee_again(world, admit):
    person = admit(register="B.I")
    errors = refused(world, person, kind="REGISTER_CHANGE", register_to="A.III")
    assert "kembali menjadi tahanan" in errors["register_to"][0]


def test_clemency_changes_a_death_sentence_to_life(world, admit):
    person = admit(register="PM", sentence_years=0)
    record(world, person, kind="REGISTER_CHANGE", register_to="SH", verdict={"verdict_date": days_ago(3)})
    person.refresh_from_db()
    assert person.register == "SH" and person.expiry_date is None


def test_transfer_out_to_another_upt(world, admit):
    person = admit()
    movement = record(world, person, kind="TRANSFER_OUT", other_upt=world.upt_c)
    person.refresh_from_db()
    assert person.status == PersonStatus.TRANSFERRED_OUT
    assert movement.other_upt == world.upt_c


def test_transfer_to_the_same_upt_is_refused(world, admit):
    errors = refused(world, admit(), kind="TRANSFER_OUT", other_upt=world.upt_a)
    assert "UPT ini sendiri" in errors["other_upt"][0]
    errors = refused(world, admit(), kind="TRANSFER_OUT")
    assert "other_upt" in errors
    world.upt_c.is_active = False
    world.upt_c.save()
    errors = refused(world, admit(), kind="TRANSFER_OUT", other_upt=world.upt_c)
    assert "tidak aktif" in errors["other_upt"][0]


def test_temporary_exit_and_return(world, admit):
    person = admit()
    errors = refused(world, person, kind="TEMP_EXIT")
    assert "exit_reason" in errors
    record(world, person, kind="TEMP_EXIT", exit_reason="SIDANG", date=days_ago(2))
    person.refresh_from_db()
    assert person.status == PersonStatus.TEMPORARILY_OUT
    errors = refused(world, person, kind="TRANSFER_OUT", other_upt=world.upt_b)
    assert "keluar sementara" in errors["kind"][0]
    record(world, person, kind="RETURN", date=days_ago(2))
    person.refresh_from_db()
    assert person.status == PersonStatus.IN


def test_escape_recapture_and_death(world, admit):
    person = admit()
    record(world, person, kind="ESCAPE", date=days_ago(5))
    person.refresh_from_db()
    assert person.status == PersonStatus.ESCAPED
    errors = refused(world, person, kind="TEMP_EXIT", exit_reason="SIDANG")
    assert "melarikan diri" in errors["kind"][0]
    record(world, person, kind="RECAPTURE", date=days_ago(3))
    record(world, person, kind="DEATH", date=days_ago(1))
    person.refresh_from_db()
    assert person.status == PersonStatus.DIED


def test_release_of_a_detainee_is_by_law(world, admit):
    person = admit()
    errors = refused(world, person, kind="RELEASE", release_reason="PB")
    assert "demi hukum" in errors["release_reason"][0]
    errors = refused(world, person, kind="RELEASE")
    assert "release_reason" in errors
    record(world, person, kind="RELEASE", release_reason="BEBAS_DEMI_HUKUM")
    person.refresh_from_db()
    assert person.status == PersonStatus.RELEASED


def test_release_before_admission_is_refused(world, admit):
    person = admit()
    errors = refused(world, person, kind="RELEASE", release_reason="BEBAS_DEMI_HUKUM", date=days_ago(31))
    assert "sebelum tanggal masuk" in errors["date"][0]


def test_a_movement_before_the_latest_is_refused(world, admit):
    person = admit()
    record(world, person, kind="TEMP_EXIT", exit_reason="RUMAH_SAKIT", date=days_ago(5))
    errors = refused(world, person, kind="RETURN", date=days_ago(6))
    assert "mutasi terakhir" in errors["date"][0]


def test_a_movement_in_the_future_is_refused(world, admit):
    errors = refused(world, admit(), kind="ESCAPE", date=days_ago(-1))
    assert "masa depan" in errors["date"][0]


def test_a_movement_needs_date_and_document(world, admit):
    errors = refused(world, admit(), kind="ESCAPE", date=None, document_number=" ")
    assert {"date", "document_number"} <= set(errors)


def test_nothing_more_is_recorded_for_a_released_person(world, admit):
    person = admit()
    record(world, person, kind="RELEASE", release_reason="BEBAS_DEMI_HUKUM", date=days_ago(2))
    for kind, extra in [
        ("TRANSFER_OUT", {"other_upt": world.upt_b}),
        ("RELEASE", {"release_reason": "BEBAS_DEMI_HUKUM"}),
        ("REGISTER_CHANGE", {"register_to": "A.III"}),
        ("ESCAPE", {}),
        ("DEATH", {}),
    ]:
        errors = refused(world, person, kind=kind, **extra)
        assert "bebas sejak" in errors["kind"][0], kind


def test_nothing_more_is_recorded_for_a_transferred_or_dead_person(world, admit):
    gone = admit()
    record(world, gone, kind="TRANSFER_OUT", other_upt=world.upt_b)
    assert "dipindahkan" in refused(world, gone, kind="ESCAPE")["kind"][0]
    dead = admit()
    record(world, dead, kind="DEATH")
    assert "meninggal" in refused(world, dead, kind="RECAPTURE")["kind"][0]


def test_opening_kinds_are_not_recorded_as_movements(world, admit):
    errors = refused(world, admit(), kind="ADMISSION")
    assert "membuka data" in errors["kind"][0]
    assert "kind" in refused(world, admit(), kind="TELEPORT")


def test_pure_release_waits_for_the_expiry(world, admit):
    start = days_ago(400)
    person = admit(register="B.I", detention_start=start, admission_date=start, sentence_years=1, sentence_days=10)
    expiry = start + relativedelta(years=1, days=10)
    early = expiry - relativedelta(days=5)
    errors = refused(world, person, kind="RELEASE", release_reason="BEBAS_MURNI", date=early)
    assert "ekspirasi" in errors["release_reason"][0]
    record(world, person, kind="RELEASE", release_reason="BEBAS_MURNI", date=expiry)


def test_parole_waits_for_two_thirds(world, admit):
    start = days_ago(500)
    person = admit(register="B.I", detention_start=start, admission_date=start, sentence_years=3)
    errors = refused(world, person, kind="RELEASE", release_reason="PB", date=days_ago(1))
    assert "2/3" in errors["release_reason"][0]
    short = admit(
        register="B.IIa",
        detention_start=days_ago(200),
        admission_date=days_ago(200),
        sentence_years=0,
        sentence_months=6,
    )
    errors = refused(world, short, kind="RELEASE", release_reason="PB")
    assert "terlalu pendek" in errors["release_reason"][0]


def test_parole_after_two_thirds(world, admit):
    start = days_ago(800)
    person = admit(register="B.I", detention_start=start, admission_date=start, sentence_years=3)
    record(world, person, kind="RELEASE", release_reason="PB", date=days_ago(1))
    person.refresh_from_db()
    assert person.status == PersonStatus.RELEASED


def test_movements_are_scoped(world, admit):
    person = admit()
    for user in (world.operator_b, world.monitor_x, world.central, world.no_role):
        with pytest.raises(PermissionDenied):
            record(world, person, user=user, kind="ESCAPE")
    assert person.movements.count() == 1
    record(world, person, user=world.admin, kind="ESCAPE")


def test_a_movement_keeps_who_recorded_it(world, admit):
    movement = record(world, admit(), kind="ESCAPE")
    assert movement.recorded_by == world.operator_a
    assert movement.history.get().history_user == world.operator_a
    assert movement.upt == world.upt_a


def test_annotate_corrects_the_document_number_only(world, admit):
    movement = record(world, admit(), kind="ESCAPE")
    movement_annotate(user=world.operator_a, movement=movement, document_number=" BA/9/2026 ", note="koreksi")
    movement.refresh_from_db()
    assert (movement.document_number, movement.note) == ("BA/9/2026", "koreksi")
    with pytest.raises(ValidationError):
        movement_annotate(user=world.operator_a, movement=movement, document_number="", note="")
    with pytest.raises(PermissionDenied):
        movement_annotate(user=world.operator_b, movement=movement, document_number="X", note="")


def test_the_admin_takes_back_the_latest_movement(world, admit):
    person = admit()
    record(world, person, kind="REGISTER_CHANGE", register_to="B.I", date=days_ago(3), verdict=VERDICT)
    release = record(world, person, kind="RELEASE", release_reason="BEBAS_DEMI_HUKUM", date=days_ago(1))
    change = person.movements.get(kind="REGISTER_CHANGE")
    with pytest.raises(PermissionDenied):
        movement_delete(user=world.operator_a, movement=release)
    with pytest.raises(ValidationError):
        movement_delete(user=world.admin, movement=change)  # not the latest
    movement_delete(user=world.admin, movement=release)
    person.refresh_from_db()
    assert person.status == PersonStatus.IN
    movement_delete(user=world.admin, movement=change)
    person.refresh_from_db()
    assert (person.register, person.register_since, person.verdict_date, person.sentence_years) == (
        "A.II",
        days_ago(10),
        None,
        0,
    )
    assert person.expiry_date is None
    with pytest.raises(ValidationError):
        movement_delete(user=world.admin, movement=person.movements.get())  # the opening one
