"""The national dataset generator (``seed_national``): its invariants at small size."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum

from central.models import Kanwil, OccupancyBreakdown, OccupancySnapshot, Upt, UptType
from central.nik import nik_problems
from central.reference import (
    DETAINEE_REGISTERS,
    HELD_STATUSES,
    MOVEMENT_RULES,
    NARCOTICS_CATEGORIES,
    TERM_REGISTERS,
    MovementKind,
    Register,
    Sex,
)
from central.sentence import Term, b_register_for
from devtools.national import facts
from devtools.national.population import Generator, apportion, plan_units
from devtools.national.seed import OPERATOR_PREFIX, national_seed
from tests.scale.conftest import SMALL_DAYS, SMALL_PEOPLE, SMALL_SEED
from upt.models import ChangeClock, Movement, Person, Remission
from upt.services.derived import person_expiry, register_after, status_after

pytestmark = pytest.mark.django_db


def _held():
    return Person.objects.filter(status__in=list(HELD_STATUSES))


def _count_by(queryset, key: str) -> Counter:
    return Counter(dict(queryset.values(key).annotate(n=Count("pk")).values_list(key, "n")))


def test_units_per_kanwil_and_type_match_the_design(small_country):
    assert small_country.upts == facts.NATIONAL_UPTS == Upt.objects.count()
    per_kanwil = dict(Kanwil.objects.annotate(n=Count("upts")).values_list("code", "n"))
    assert per_kanwil == {code: n for code, (n, _over) in facts.KANWIL_PROFILE.items()}
    per_type = Counter(Upt.objects.values_list("upt_type", flat=True))
    assert per_type == {t: n for t, n in facts.TYPE_UNITS.items()}
    # Every Kanwil has its LPKA; LPP hold only women.
    assert set(Upt.objects.filter(upt_type=UptType.LPKA).values_list("kanwil__code", flat=True)) == set(per_kanwil)
    assert not _held().filter(upt__upt_type=UptType.LPP).exclude(sex=Sex.FEMALE).exists()
    assert len(set(Upt.objects.values_list("name", flat=True))) == facts.NATIONAL_UPTS


def test_occupants_capacity_and_crowding(small_country):
    assert _held().count() == SMALL_PEOPLE == small_country.held
    capacity = Upt.objects.aggregate(c=Sum("capacity"))["c"]
    expected = facts.NATIONAL_CAPACITY * SMALL_PEOPLE / facts.NATIONAL_OCCUPANTS
    assert abs(capacity - expected) <= 0.03 * expected  # small units keep at least one place
    held = Counter(
        dict(_held().values("upt__kanwil__code").annotate(n=Count("pk")).values_list("upt__kanwil__code", "n"))
    )
    places = dict(Upt.objects.values("kanwil__code").annotate(c=Sum("capacity")).values_list("kanwil__code", "c"))
    over = {code: (held[code] - places[code]) * 100 / places[code] for code in places}
    ranking = sorted(over, key=over.get, reverse=True)
    assert ranking[:3] == ["14", "64", "61"]  # Riau, Kalimantan Timur, Kalimantan Barat
    for code, published in (("14", 245), ("64", 189), ("61", 176)):
        assert abs(over[code] - published) < 6, (code, over[code])


def test_people_have_plausible_shares(small_country):
    held = list(_held().values_list("register", "sex", "crime_category", "upt__upt_type"))
    n = len(held)
    detainees = sum(1 for r, *_ in held if r in DETAINEE_REGISTERS)
    assert 0.15 < detainees / n < 0.27
    sentenced = [r for r, *_ in held if r not in DETAINEE_REGISTERS]
    assert Counter(sentenced).most_common(1)[0][0] == Register.B_I
    assert Counter(sentenced)[Register.B_I] / len(sentenced) > 0.8
    narcotics = sum(1 for _r, _s, c, _t in held if c in NARCOTICS_CATEGORIES)
    assert 0.47 < narcotics / n < 0.57
    women = sum(1 for _r, s, _c, _t in held if s == Sex.FEMALE)
    assert 0.035 < women / n < 0.065
    # Life and death sentences, in Lapas only, near the national counts scaled to the country.
    life = [t for r, _s, _c, t in held if r == Register.SEUMUR_HIDUP]
    death = [t for r, _s, _c, t in held if r == Register.PIDANA_MATI]
    assert set(life) | set(death) <= {UptType.LAPAS}
    assert 5 <= len(life) <= 45 and 1 <= len(death) <= 15


def test_referential_integrity(small_country):
    upt_of_person = dict(Person.objects.values_list("pk", "upt_id"))
    movements = list(Movement.objects.values_list("person_id", "upt_id", "other_upt_id", "kind"))
    assert movements and all(upt_of_person[p] == u for p, u, _o, _k in movements)
    for _p, upt, other, kind in movements:
        if MOVEMENT_RULES[kind].needs_other_upt:
            assert other is not None and other != upt
    assert all(upt_of_person[p] == u for p, u in Remission.objects.values_list("person_id", "upt_id"))
    assert set(upt_of_person) == {p for p, *_ in movements}  # every record has its history
    operators = dict(Upt.objects.values_list("pk", "code"))
    users = dict(get_user_model().objects.values_list("pk", "username"))
    for upt_id, user_id in Movement.objects.values_list("upt_id", "recorded_by_id").distinct():
        assert users[user_id] == f"nasional.op.{operators[upt_id].lower()}"
    assert len(set(Person.objects.values_list("uid", flat=True))) == len(upt_of_person)


def test_derived_fields_follow_history_and_sentence(small_country):
    moves = defaultdict(list)
    for m in Movement.objects.order_by("date", "recorded_at", "pk"):
        moves[m.person_id].append(m)
    granted = Counter()
    for person_id, days in Remission.objects.values_list("person_id", "days"):
        granted[person_id] += days
    for person in Person.objects.all():
        history = moves[person.pk]
        assert MOVEMENT_RULES[history[0].kind].opens_record, person
        assert history[0].date == person.admission_date
        status = None
        for movement in history[1:]:  # each later movement was allowed after the ones before it
            status = status_after([history[0]]) if status is None else status
            assert status in MOVEMENT_RULES[movement.kind].allowed_from, (person, movement.kind)
            status = MOVEMENT_RULES[movement.kind].result or status
        assert status_after(history) == person.status, person
        assert register_after(history) == person.register, person
        assert granted[person.pk] == person.remission_days, person
        assert person_expiry(person) == person.expiry_date, person


def test_registers_agree_with_sentences_and_dates(small_country):
    today = small_country.today
    implausible_nik = 0
    for p in Person.objects.all():
        term = Term(p.sentence_years, p.sentence_months, p.sentence_days)
        if p.register in DETAINEE_REGISTERS:
            assert term.is_zero and p.verdict_date is None and not p.verdict_number, p
        elif p.register in TERM_REGISTERS:
            assert b_register_for(term, kurungan=p.register == Register.B_III) == p.register, p
        else:
            assert term.is_zero, p  # life and death sentences have no term
        assert p.birth_date < p.detention_start <= p.admission_date <= today, p
        assert p.detention_start <= p.register_since <= today, p
        assert p.verdict_date is None or p.detention_start <= p.verdict_date <= today, p
        if p.status in HELD_STATUSES and p.expiry_date:
            assert p.expiry_date > today, p
        if p.nik:
            implausible_nik += bool(nik_problems(p.nik, birth_date=p.birth_date, sex=p.sex))
        else:
            assert p.nationality != "Indonesia" or p.passport_number == "", p
    assert implausible_nik <= 0.01 * Person.objects.count()  # typists' slips, on purpose


def test_transfers_appear_at_both_ends(small_country):
    outs = Movement.objects.filter(kind=MovementKind.TRANSFER_OUT).select_related("person")
    assert outs.exists()
    for out in outs:
        arrival = Movement.objects.filter(
            kind=MovementKind.TRANSFER_IN, upt_id=out.other_upt_id, other_upt_id=out.upt_id, date=out.date
        ).select_related("person")
        assert any(m.person.full_name == out.person.full_name and m.person.nik == out.person.nik for m in arrival), (
            out.person
        )


def test_snapshot_history_matches_the_registers(small_country):
    today = small_country.today
    assert OccupancySnapshot.objects.count() == SMALL_DAYS * facts.NATIONAL_UPTS == small_country.snapshots
    assert OccupancySnapshot.objects.values("date").distinct().count() == SMALL_DAYS
    held = Counter(dict(_held().values("upt").annotate(n=Count("pk")).values_list("upt", "n")))
    detainees = Counter(
        dict(
            _held()
            .filter(register__in=list(DETAINEE_REGISTERS))
            .values("upt")
            .annotate(n=Count("pk"))
            .values_list("upt", "n")
        )
    )
    for snap in OccupancySnapshot.objects.filter(date=today):
        assert snap.total == held[snap.upt_id] == snap.male + snap.female
        assert snap.detainees == detainees[snap.upt_id]
    # Every day's snapshot is the sum of its breakdown.
    sums = {
        (row["date"], row["upt"]): row["n"]
        for row in OccupancyBreakdown.objects.values("date", "upt").annotate(n=Sum("count"))
    }
    for snap in OccupancySnapshot.objects.all():
        assert snap.total == sums.get((snap.date, snap.upt_id), 0)
    assert min(OccupancySnapshot.objects.values_list("date", flat=True)) == date.fromordinal(
        today.toordinal() - SMALL_DAYS + 1
    )


def test_generation_is_deterministic_for_a_seed(small_country):
    def fingerprint(seed):
        records = Generator(seed=seed, people=800, today=date(2026, 3, 1)).run()
        return [
            (r.unit, r.uid, tuple(r.values.values()), r.expiry_date, tuple(r.movements), tuple(r.remissions))
            for r in records
        ]

    assert fingerprint(3) == fingerprint(3)
    assert fingerprint(3) != fingerprint(4)
    # What was written is what the generator makes for that seed.
    again = Generator(seed=SMALL_SEED, people=SMALL_PEOPLE, today=small_country.today)
    expected = {(again.units[r.unit].code, r.values["reg_number"], r.uid) for r in again.run()}
    assert set(Person.objects.values_list("upt__code", "reg_number", "uid")) == expected


def test_plan_scales_with_the_country():
    import random

    units = plan_units(random.Random(1), 276_000)
    assert sum(u.held_target for u in units) == 276_000
    assert abs(sum(u.capacity for u in units) - 146_460) < 1_000
    assert len({u.code for u in units}) == facts.NATIONAL_UPTS
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]


def test_refuses_to_overwrite_without_replace(small_country):
    with pytest.raises(CommandError, match="--replace"):
        call_command("seed_national", "--people", "10", "--days", "1")
    assert Upt.objects.count() == facts.NATIONAL_UPTS


def test_generated_registers_pass_validation_through_the_real_pipeline(small_country):
    """Full packages built by the UPT builder, received by central and consolidated: nothing rejected."""
    from central.roles import Role
    from central.services.consolidation import consolidation_execute, consolidation_request
    from central.services.roles import role_assign
    from tests.factories import UserFactory
    from upt.services.package import package_send

    upts = list(Upt.objects.filter(kanwil__code="75").order_by("code"))
    User = get_user_model()
    for upt in upts:
        package_send(user=User.objects.get(username=f"nasional.op.{upt.code.lower()}"), upt=upt)
    central = UserFactory(username="pusat_skala")
    role_assign(user=central, role=Role.CENTRAL)
    run = consolidation_execute(run_id=consolidation_request(user=central, trigger="command", enqueue=False).run.pk)
    assert run.state == "succeeded", run.error
    sent = Person.objects.filter(upt__in=upts).count()
    sent += Movement.objects.filter(upt__in=upts).count() + Remission.objects.filter(upt__in=upts).count()
    assert run.rows_received == sent and run.rows_rejected == 0
    for upt in upts:
        snap = OccupancySnapshot.objects.get(upt=upt, date=run.snapshot_date)
        assert snap.total == _held().filter(upt=upt).count()


def _dataset_digest() -> dict[str, str]:
    """An md5 of every row of each table the seed writes (as PostgreSQL prints the row, sorted)."""

    tables = [
        m._meta.db_table for m in (Upt, Person, Movement, Remission, OccupancySnapshot, OccupancyBreakdown, ChangeClock)
    ]
    digest = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT md5(COALESCE(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t")
            digest[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(string_agg(u::text, E'\\n' ORDER BY u.username)) FROM auth_user u WHERE u.username LIKE %s",
            [f"{OPERATOR_PREFIX}%"],
        )
        digest["operators"] = cursor.fetchone()[0]
    return digest


def test_the_same_seed_and_day_write_the_same_bytes_again(small_country):
    """``seed_national --seed S --today D`` is reproducible byte for byte: replacing the country with the same
    seed and day writes every row (ids, timestamps, operators) exactly as before."""
    before = _dataset_digest()
    assert all(before.values())
    national_seed(people=SMALL_PEOPLE, days=SMALL_DAYS, seed=SMALL_SEED, today=small_country.today, replace=True)
    assert _dataset_digest() == before
