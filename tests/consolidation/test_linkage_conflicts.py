"""Linkage of the same human across units, and each kind of conflict central must look at."""

from datetime import date, timedelta

import pytest
from django.db.models import F
from django.test import override_settings

from central.models import Conflict, ConsolidationRun, NationalMovement, NationalPerson, PersonIdentity, RowIssue
from tests.consolidation.helpers import consolidate, movement_values, package, person_values, today

pytestmark = pytest.mark.django_db
D = timedelta


def identity_of(upt, reg_number):
    return NationalPerson.objects.get(upt=upt, reg_number=reg_number).identity_id


def transfer(world, *, out_date, nik_a="3301021705900001", nik_b="3301021705900001", in_date=None):
    """Budi leaves UPT A for UPT B on ``out_date``; B records him arriving on ``in_date`` (None: not yet)."""
    a = person_values("A/1", nik=nik_a, status="TRANSFERRED")
    package(
        world.upt_a,
        persons=[a],
        movements=[
            movement_values("A/1", date=a["admission_date"]),
            movement_values("A/1", kind="TRANSFER_OUT", date=out_date, other_upt_code=world.upt_b.code),
        ],
    )
    if in_date is not None:
        b = person_values("B/7", nik=nik_b, admission_date=in_date)
        package(
            world.upt_b,
            persons=[b],
            movements=[movement_values("B/7", kind="TRANSFER_IN", date=in_date, other_upt_code=world.upt_a.code)],
        )


def ran_on(day):
    """The runs so far ran on ``day``: with a movement's receipt moved back, the days in between passed
    (a run checks the transfers out whose wait ended since the previous run, and those it touched)."""
    ConsolidationRun.objects.update(snapshot_date=day)


def test_a_transferred_person_is_one_identity_linked_by_nik(world):
    transfer(world, out_date=today() - D(days=3), in_date=today() - D(days=2))
    run = consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") == identity_of(world.upt_b, "B/7") is not None
    identity = PersonIdentity.objects.get()
    assert (identity.nik, identity.full_name) == ("3301021705900001", "Budi Santoso")
    assert run.conflicts_found == 0


def test_without_nik_the_name_key_links(world):
    transfer(world, out_date=today() - D(days=3), in_date=today() - D(days=2), nik_a="", nik_b="")
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") == identity_of(world.upt_b, "B/7") is not None
    assert PersonIdentity.objects.get().nik == ""


def test_linkage_across_runs_and_a_nik_learnt_later(world):
    """UPT A had no NIK; B, later, sends the NIK: the identity adopts it and both records stay one person."""
    package(world.upt_a, persons=[person_values("A/1", nik="", status="TRANSFERRED")])
    consolidate(world.central)
    first_identity = identity_of(world.upt_a, "A/1")
    package(world.upt_b, persons=[person_values("B/7")])
    consolidate(world.central)
    assert identity_of(world.upt_b, "B/7") == first_identity
    assert PersonIdentity.objects.get().nik == "3301021705900001"


def test_different_niks_are_different_people_even_with_the_same_name_key(world):
    package(world.upt_a, persons=[person_values("A/1", nik="3301021705900001")])
    package(world.upt_b, persons=[person_values("B/1", nik="3301021705900002")])
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") != identity_of(world.upt_b, "B/1")
    assert PersonIdentity.objects.count() == 2


def test_an_ambiguous_name_key_does_not_link(world):
    package(world.upt_a, persons=[person_values("A/1", nik="3301021705900001")])
    package(world.upt_b, persons=[person_values("B/1", nik="3301021705900002")])
    consolidate(world.central)
    package(world.upt_c, persons=[person_values("C/1", nik="")])
    consolidate(world.central)
    assert identity_of(world.upt_c, "C/1") is None


def test_an_implausible_nik_is_not_used_for_linkage(world):
    package(world.upt_a, persons=[person_values("A/1", nik="3301020000000000", full_name="Ani")])
    package(world.upt_b, persons=[person_values("B/1", nik="3301020000000000", full_name="Wati")])
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") != identity_of(world.upt_b, "B/1")


def test_a_nik_that_contradicts_its_holder_is_not_used_for_linkage(world):
    """P_NIK_IMPLAUSIBLE says such a NIK links nobody: a wrong birth date, a woman's NIK for a man or a
    region outside Kemendagri's list keeps two people with the same NIK apart (unless their names match)."""
    cases = [("3301025705900001", "L"), ("3399021705900001", "L"), ("3301021705900001", "P")]
    for i, (nik, sex) in enumerate(cases):
        package(world.upt_a, persons=[person_values(f"A/{i}", nik=nik, sex=sex, full_name="Ani")])
        package(world.upt_b, persons=[person_values(f"B/{i}", nik=nik, sex=sex, full_name="Wati")])
        run = consolidate(world.central)
        assert RowIssue.objects.filter(run=run, rule__code="P_NIK_IMPLAUSIBLE").count() == 2, nik
        assert identity_of(world.upt_a, f"A/{i}") != identity_of(world.upt_b, f"B/{i}"), nik
    born_elsewhere = person_values("A/9", birth_date=date(1990, 5, 18), full_name="Ani")  # NIK says 17-05-1990
    package(world.upt_a, persons=[born_elsewhere])
    package(world.upt_b, persons=[person_values("B/9", birth_date=date(1990, 5, 18), full_name="Wati")])
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/9") != identity_of(world.upt_b, "B/9")


def test_a_corrected_nik_relinks_the_record(world):
    package(world.upt_a, persons=[person_values("A/1", nik="3301021705900001")])
    package(world.upt_b, persons=[person_values("B/1", nik="3301021705900002", full_name="Orang Lain")])
    consolidate(world.central)
    package(world.upt_b, persons=[person_values("B/1", nik="3301021705900001", full_name="Orang Lain")])
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") == identity_of(world.upt_b, "B/1")


# --- a record rewritten without a change of who it is --------------------------------------------------
# A run relinks every record it writes. One whose NIK or name key did not change keeps its identity without a
# look-up, unless a look-up would now find another one: these tests pin what a look-up finds.
def test_a_rewritten_record_keeps_its_identity(world):
    package(world.upt_a, persons=[person_values("A/1"), person_values("A/2", nik="", full_name="Wati")])
    consolidate(world.central)
    before = {reg: identity_of(world.upt_a, reg) for reg in ("A/1", "A/2")}
    package(
        world.upt_a, persons=[person_values("A/1", cell="9"), person_values("A/2", nik="", full_name="Wati", cell="9")]
    )
    run = consolidate(world.central)
    assert run.rows_written == 2
    assert {reg: identity_of(world.upt_a, reg) for reg in ("A/1", "A/2")} == before
    assert PersonIdentity.objects.count() == 2


def test_a_corrected_name_relinks_a_record_without_nik(world):
    package(world.upt_a, persons=[person_values("A/1", nik="")])
    package(world.upt_b, persons=[person_values("B/1", nik="", full_name="Budi Santosa")])
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") != identity_of(world.upt_b, "B/1")
    package(world.upt_b, persons=[person_values("B/1", nik="")])
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/1") == identity_of(world.upt_b, "B/1")


@pytest.mark.parametrize("rewritten", ["in the same run", "in a later run"])
def test_a_rewritten_record_whose_name_key_became_ambiguous_is_unlinked(world, rewritten):
    """C/1 (no NIK) is linked by name key. The identity later learns NIK X; then a record with NIK Y and the
    same name key arrives: once C/1 is rewritten, its name key no longer says who it is."""
    package(world.upt_a, persons=[person_values("A/1", nik="")])
    package(world.upt_c, persons=[person_values("C/1", nik="")])
    consolidate(world.central)
    first = identity_of(world.upt_c, "C/1")
    assert first is not None and identity_of(world.upt_a, "A/1") == first
    package(world.upt_b, persons=[person_values("B/1", nik="3301021705900001")])
    consolidate(world.central)
    assert PersonIdentity.objects.get(pk=first).nik == "3301021705900001"
    package(
        world.upt_b,
        persons=[person_values("B/1", nik="3301021705900001"), person_values("B/2", nik="3301021705900002")],
    )
    if rewritten == "in a later run":
        consolidate(world.central)
        assert identity_of(world.upt_c, "C/1") == first  # not rewritten: not looked at again
    package(world.upt_c, persons=[person_values("C/1", nik="", cell="9")])
    consolidate(world.central)
    assert PersonIdentity.objects.filter(name_key=person_values()["name_key"]).count() == 2
    assert identity_of(world.upt_c, "C/1") is None
    assert identity_of(world.upt_a, "A/1") == first


def test_a_rewritten_record_whose_nik_two_identities_adopted_links_to_the_first(world):
    """Two identities known by name key only adopt the same NIK in one run (from two records that carry it
    under different names). A record of the second, rewritten later, is linked to the first by NIK."""
    package(world.upt_a, persons=[person_values("A/1", nik="", full_name="Ani")])
    package(world.upt_b, persons=[person_values("B/1", nik="", full_name="Wati")])
    consolidate(world.central)
    ani, wati = identity_of(world.upt_a, "A/1"), identity_of(world.upt_b, "B/1")
    package(
        world.upt_a,
        persons=[
            person_values("A/1", nik="", full_name="Ani"),
            person_values("A/2", nik="3301021705900001", full_name="Wati"),
        ],
    )
    package(world.upt_c, persons=[person_values("C/1", nik="3301021705900001", full_name="Ani")])
    consolidate(world.central)
    assert (identity_of(world.upt_c, "C/1"), identity_of(world.upt_a, "A/2")) == (ani, wati)
    assert PersonIdentity.objects.filter(nik="3301021705900001").count() == 2
    package(
        world.upt_a,
        persons=[
            person_values("A/1", nik="", full_name="Ani"),
            person_values("A/2", nik="3301021705900001", full_name="Wati", cell="9"),
        ],
    )
    consolidate(world.central)
    assert identity_of(world.upt_a, "A/2") == min(ani, wati)


# --- conflicts ---------------------------------------------------------------------------------------
def test_the_same_person_held_in_two_units(world):
    package(world.upt_a, persons=[person_values("A/1")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - D(days=5))])
    run = consolidate(world.central)
    conflict = Conflict.objects.get()
    assert conflict.kind == "active_twice" and conflict.state == "open"
    assert (conflict.upt, conflict.other_upt) == (world.upt_b, world.upt_a)  # the later admission is reported
    assert conflict.person.reg_number == "B/1" and conflict.other_person.reg_number == "A/1"
    assert conflict.identity_id == identity_of(world.upt_a, "A/1")
    assert conflict.detected_run == run and run.conflicts_found == 1
    assert run.upt_results.get(upt=world.upt_b).conflicts == 1
    # The next run does not report it again while it is open...
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - D(days=5), cell="2")])
    again = consolidate(world.central)
    assert again.conflicts_found == 0 and Conflict.objects.count() == 1


def test_a_dismissed_conflict_is_not_raised_again_when_nothing_changed(world):
    package(world.upt_a, persons=[person_values("A/1")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - D(days=5))])
    consolidate(world.central)
    Conflict.objects.update(state="dismissed")
    package(world.upt_c, persons=[person_values("C/1", nik="", full_name="Orang Lain")])
    consolidate(world.central)
    assert Conflict.objects.count() == 1


def test_a_transfer_in_time_is_no_conflict(world):
    transfer(world, out_date=today() - D(days=30), in_date=today() - D(days=28))
    consolidate(world.central)
    assert not Conflict.objects.exists()


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7)
def test_a_transfer_out_without_transfer_in_within_the_window(world):
    transfer(world, out_date=today() - D(days=5))
    consolidate(world.central)
    assert not Conflict.objects.exists()  # still within the 7 days

    transfer(world, out_date=today() - D(days=8))  # the same package, older transfer
    consolidate(world.central)
    assert not Conflict.objects.exists()  # first received today: its wait starts today
    NationalMovement.objects.update(received_on=F("date"))  # as if A had sent it on the day
    ran_on(today() - D(days=8))  # ...and the runs so far had run that day
    run = consolidate(world.central)
    conflict = Conflict.objects.get()
    assert conflict.kind == "transfer_unmatched"
    assert (conflict.upt, conflict.other_upt, conflict.movement.kind) == (world.upt_a, world.upt_b, "TRANSFER_OUT")
    assert conflict.detected_run == run

    # A transfer in too late for the window does not match; once it does, the system closes the conflict.
    package(
        world.upt_b,
        persons=[person_values("B/7", admission_date=today() - D(days=6))],
        movements=[movement_values("B/7", kind="TRANSFER_IN", date=today() - D(days=6), other_upt_code="LP3301")],
    )
    consolidate(world.central)
    conflict.refresh_from_db()
    assert conflict.state == "resolved" and conflict.closed_by is None
    assert "Otomatis" in conflict.note
    assert not Conflict.objects.filter(kind="active_twice").exists()  # A says transferred, not held


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7, CONSOLIDATION_TRANSFER_RECHECK_DAYS=90)
def test_a_transfer_out_dated_long_ago_waits_from_the_day_central_received_it(world):
    """A backdated transfer out (or a late UPT's first package) is checked once its wait, counted from its
    receipt, has passed — the old window by date alone never looked at it — and is reported once."""
    transfer(world, out_date=today() - D(days=200))
    consolidate(world.central)
    out = NationalMovement.objects.get(kind="TRANSFER_OUT")
    assert out.received_on == today()
    assert not Conflict.objects.exists()

    def received(days_ago):
        NationalMovement.objects.filter(pk=out.pk).update(received_on=today() - D(days=days_ago))
        ran_on(today() - D(days=days_ago))

    received(7)  # the seventh day of its wait: B may still send the transfer in
    consolidate(world.central)
    assert not Conflict.objects.exists()
    received(8)
    run = consolidate(world.central)
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.movement_id, conflict.detected_run) == ("transfer_unmatched", out.pk, run)
    consolidate(world.central)
    Conflict.objects.update(state="dismissed")
    consolidate(world.central)
    assert Conflict.objects.count() == 1  # neither re-flagged while open nor after it was dismissed
    out.refresh_from_db()
    assert out.received_on == today() - D(days=8)  # later runs keep the first receipt


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7, CONSOLIDATION_TRANSFER_RECHECK_DAYS=90)
def test_a_transfer_out_is_checked_after_consolidation_did_not_run_for_months(world):
    transfer(world, out_date=today() - D(days=151))
    first = consolidate(world.central)
    NationalMovement.objects.update(received_on=today() - D(days=150))
    ConsolidationRun.objects.filter(pk=first.pk).update(snapshot_date=today() - D(days=150))
    consolidate(world.central)  # the first run in 150 days: beyond the recheck days, never checked before
    assert Conflict.objects.filter(kind="transfer_unmatched").count() == 1


@override_settings(CONSOLIDATION_TRANSFER_MATCH_DAYS=7)
def test_a_transfer_in_at_another_unit_does_not_match(world):
    transfer(world, out_date=today() - D(days=10))
    package(
        world.upt_c,
        persons=[person_values("C/7", admission_date=today() - D(days=9))],
        movements=[movement_values("C/7", kind="TRANSFER_IN", date=today() - D(days=9), other_upt_code="LP3301")],
    )
    consolidate(world.central)
    NationalMovement.objects.update(received_on=F("date"))  # as if sent on the day: the wait has passed
    ran_on(today() - D(days=10))
    consolidate(world.central)
    assert Conflict.objects.filter(kind="transfer_unmatched", upt=world.upt_a).exists()


def test_a_released_record_held_again_is_a_reappearance(world):
    package(world.upt_a, persons=[person_values("A/1", status="RELEASED")])
    consolidate(world.central)
    assert not Conflict.objects.exists()
    package(world.upt_a, persons=[person_values("A/1", status="IN")])
    run = consolidate(world.central)
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.upt, conflict.other_upt) == ("reappeared", world.upt_a, None)
    assert conflict.detail == "sebelumnya berstatus RELEASED"
    assert run.conflicts_found == 1


def test_a_person_dead_in_one_unit_and_held_in_another(world):
    package(world.upt_a, persons=[person_values("A/1", status="DIED")])
    package(world.upt_c, persons=[person_values("C/1")])
    consolidate(world.central)
    conflict = Conflict.objects.get()
    assert (conflict.kind, conflict.upt, conflict.other_upt) == ("reappeared", world.upt_c, world.upt_a)


def test_a_released_person_admitted_again_elsewhere_is_no_conflict(world):
    package(world.upt_a, persons=[person_values("A/1", status="RELEASED")])
    package(world.upt_c, persons=[person_values("C/1")])
    consolidate(world.central)
    assert not Conflict.objects.exists()


def test_a_deleted_record_leaves_its_conflict_without_a_person(world):
    package(world.upt_a, persons=[person_values("A/1")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - D(days=5))])
    consolidate(world.central)
    package(world.upt_b, kind="delta", deletions=[("person", "B/1")])
    consolidate(world.central)
    conflict = Conflict.objects.get()
    assert conflict.person is None and conflict.state == "open"
