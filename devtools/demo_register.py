"""A realistic working register for each demo operator's UPT, entered through the register services as
an operator would: admissions, register changes up to the verdict, remissions, court hearings, transfers
between the demo UPTs, releases, an escape and a death. Dates are relative to today so that the work lists
always have something in them: detention running out within 3 and 10 days, releases due within 1–3
months, narapidana still waiting for their court extract.

Deterministic for a UPT (Faker seeded by its code), and skipped for a UPT that already has people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from faker import Faker

from central.models import DetentionLimit, Upt
from central.nik import listed_districts, nik_compose
from central.reference import CrimeCategory, Education, MovementKind, Religion
from central.register_rules import TRANSFER_CARRIED_FIELDS
from central.sentence import Term, b_register_for
from upt.models import Person
from upt.services.common import today as today_wib
from upt.services.movements import movement_record
from upt.services.people import person_create
from upt.services.remissions import remission_record

OCCUPATIONS = [
    "Petani",
    "Buruh harian lepas",
    "Wiraswasta",
    "Karyawan swasta",
    "Sopir",
    "Nelayan",
    "Pedagang",
    "Tidak bekerja",
    "Pengemudi ojek",
    "Pegawai negeri sipil",
    "Tukang bangunan",
]
# Roughly the national mix (DESIGN §1): about half narkotika.
CATEGORY_WEIGHTS = [
    (CrimeCategory.NARKOTIKA_PENGGUNA, 28),
    (CrimeCategory.NARKOTIKA_BANDAR, 24),
    (CrimeCategory.PIDANA_UMUM, 32),
    (CrimeCategory.KORUPSI, 5),
    (CrimeCategory.TPPO, 3),
    (CrimeCategory.TERORISME, 3),
    (CrimeCategory.PENCUCIAN_UANG, 2),
    (CrimeCategory.ILLEGAL_LOGGING, 3),
]
ARTICLES = {
    CrimeCategory.NARKOTIKA_PENGGUNA: "Pasal 127 ayat (1) UU 35/2009",
    CrimeCategory.NARKOTIKA_BANDAR: "Pasal 114 ayat (2) UU 35/2009",
    CrimeCategory.PIDANA_UMUM: "Pasal 363 KUHP",
    CrimeCategory.KORUPSI: "Pasal 2 ayat (1) UU 31/1999",
    CrimeCategory.TPPO: "Pasal 2 UU 21/2007",
    CrimeCategory.TERORISME: "Pasal 15 UU 5/2018",
    CrimeCategory.PENCUCIAN_UANG: "Pasal 3 UU 8/2010",
    CrimeCategory.ILLEGAL_LOGGING: "Pasal 82 UU 18/2013",
}
FOREIGNERS = [("Malaysia", "A"), ("Nigeria", "A0"), ("Thailand", "AA")]


@dataclass
class _Ctx:
    upt: Upt
    user: Any
    fake: Faker
    rng: random.Random
    today: date
    limits: dict[str, int]
    court: str
    serial: int = 0


def _weighted_category(rng: random.Random) -> str:
    total = sum(w for _c, w in CATEGORY_WEIGHTS)
    pick = rng.uniform(0, total)
    for category, weight in CATEGORY_WEIGHTS:
        pick -= weight
        if pick <= 0:
            return category
    return CrimeCategory.PIDANA_UMUM


def _identity(ctx: _Ctx, *, detention_start: date, sex: str | None = None, foreign: bool = False) -> dict[str, Any]:
    fake, rng = ctx.fake, ctx.rng
    female_share = {"LPP": 1.0, "RUTAN": 0.1, "CABRUTAN": 0.1}.get(ctx.upt.upt_type, 0.0)
    sex = sex or ("P" if rng.random() < female_share else "L")
    first = fake.first_name_female() if sex == "P" else fake.first_name_male()
    last = fake.last_name_female() if sex == "P" else fake.last_name_male()
    age = rng.randint(19, 58)
    birth_date = detention_start - relativedelta(years=age) - timedelta(days=rng.randint(0, 364))
    ctx.serial += 1
    data: dict[str, Any] = {
        "full_name": f"{first} {last}",
        "alias": rng.choice(["", "", "", "", first.split()[0][:3] + "ng", "Gendut", "Kriting", "Item"]),
        "sex": sex,
        "birth_place": fake.city(),
        "birth_date": birth_date,
        "religion": rng.choices(list(Religion.values), weights=[86, 7, 3, 2, 1, 0.5, 0.5])[0],
        "education": rng.choice(list(Education.values)[:5]),
        "occupation": rng.choice(OCCUPATIONS),
        "address": f"{fake.street_address()}, {fake.city()}",
    }
    if foreign:
        nationality, prefix = rng.choice(FOREIGNERS)
        data.update({"nationality": nationality, "passport_number": f"{prefix}{rng.randint(1000000, 9999999)}"})
    else:
        region = rng.choice(listed_districts(ctx.upt.kanwil.code))
        data["nik"] = nik_compose(region=region, birth_date=birth_date, sex=sex, serial=ctx.rng.randint(1, 9999))
    return data


def _reg_number(ctx: _Ctx, register: str, year: int) -> str:
    return f"{register.replace('.', '')}.{ctx.serial:04d}/{year}"


def _open(ctx: _Ctx, *, register: str, detention_start: date, admission: date, since: date, **extra) -> Person:
    category = extra.pop("crime_category", None) or _weighted_category(ctx.rng)
    foreign = extra.pop("foreign", False)
    data = _identity(ctx, detention_start=detention_start, sex=extra.pop("sex", None), foreign=foreign)
    data.update(
        {
            "reg_number": _reg_number(ctx, register, admission.year),
            "register": register,
            "register_since": since,
            "detention_start": detention_start,
            "admission_date": admission,
            "crime_category": category,
            "articles": ARTICLES[category],
            "case_number": f"BP/{ctx.rng.randint(10, 999)}/{detention_start:%m}/{detention_start.year}/Reskrim",
            "block": ctx.rng.choice("ABCDEF"),
            "cell": str(ctx.rng.randint(1, 24)),
        }
    )
    data.update(extra)
    return person_create(
        user=ctx.user,
        upt=ctx.upt,
        data=data,
        admission_kind=MovementKind.ADMISSION,
        admission_document=f"SP.Han/{ctx.rng.randint(1, 400)}/{admission:%m}/{admission.year}",
    )


def _move(ctx: _Ctx, person: Person, kind: str, when: date, **kwargs) -> None:
    movement_record(
        user=ctx.user,
        person=person,
        kind=kind,
        date=when,
        document_number=kwargs.pop("document_number", f"{kind[:3]}/{ctx.rng.randint(1, 900)}/{when.year}"),
        **kwargs,
    )
    person.refresh_from_db()


def _verdict(
    ctx: _Ctx,
    person: Person,
    *,
    when: date,
    term: Term,
    with_document: bool = True,
    register: str | None = None,
    fine: bool = True,
) -> None:
    """The final verdict arrives: A → B on ``when`` (verdict a few days before). Narcotics sentences often
    carry a fine with subsider, which moves the expiry later."""
    register = register or b_register_for(term)
    amount = ctx.rng.choice([0, 0, 800_000_000, 1_000_000_000]) if fine and "NARKOTIKA" in person.crime_category else 0
    _move(
        ctx,
        person,
        MovementKind.REGISTER_CHANGE,
        when,
        register_to=register,
        document_number=f"BA-17/{ctx.rng.randint(1, 500)}/{when.year}",
        verdict={
            "verdict_date": when - timedelta(days=ctx.rng.randint(2, 12)),
            "verdict_number": f"{ctx.rng.randint(1, 900)}/Pid.Sus/{when.year}/{ctx.court}" if with_document else "",
            "court": ctx.court.replace("PN ", "Pengadilan Negeri "),
            "sentence_years": term.years,
            "sentence_months": term.months,
            "sentence_days": term.days,
            "fine_amount": amount,
            "subsidiary_months": 3 if amount else 0,
        },
    )


def _remit(ctx: _Ctx, person: Person, *, not_before: date) -> None:
    """Remissions a narapidana has had since the verdict: RU each 17 August, an RK at a holiday."""
    for year in range(not_before.year, ctx.today.year + 1):
        august = date(year, 8, 17)
        if not_before + timedelta(days=180) <= august <= ctx.today:
            remission_record(
                user=ctx.user,
                person=person,
                kind="RU",
                days=ctx.rng.choice([30, 60, 90]),
                decree_number=f"PAS-{ctx.rng.randint(100, 999)}.PK.01.05.06 Tahun {year}",
                decree_date=august,
            )
    holiday = not_before + timedelta(days=ctx.rng.randint(200, 330))
    if holiday <= ctx.today:
        remission_record(
            user=ctx.user,
            person=person,
            kind="RK",
            days=ctx.rng.choice([15, 30]),
            decree_number=f"PAS-{ctx.rng.randint(100, 999)}.PK.01.05.07 Tahun {holiday.year}",
            decree_date=holiday,
        )
    person.refresh_from_db()


def _detainee_due(ctx: _Ctx, days_left: int) -> Person:
    """A detainee whose lawful detention under the district court (A.III) ends in ``days_left`` days."""
    since = ctx.today - timedelta(days=ctx.limits["A.III"] - 1 - days_left)
    admission = since - timedelta(days=ctx.rng.randint(25, 45))
    start = admission - timedelta(days=ctx.rng.randint(0, 20))
    person = _open(ctx, register="A.II", detention_start=start, admission=admission, since=admission)
    _move(ctx, person, MovementKind.REGISTER_CHANGE, since, register_to="A.III")
    return person


def _detainee(ctx: _Ctx) -> Person:
    register = ctx.rng.choice(["A.I", "A.II", "A.III", "A.IV", "A.V"])
    since = ctx.today - timedelta(days=ctx.rng.randint(1, max(2, ctx.limits[register] - 15)))
    start = since - timedelta(days=ctx.rng.randint(0, 150) if register != "A.I" else 0)
    admission = start + timedelta(days=ctx.rng.randint(0, max(0, (since - start).days)))
    person = _open(ctx, register=register, detention_start=start, admission=admission, since=since)
    if ctx.rng.random() < 0.3 and person.status == "IN":
        _move(ctx, person, MovementKind.TEMPORARY_EXIT, ctx.today - timedelta(days=1), exit_reason="SIDANG")
        if ctx.rng.random() < 0.5:
            _move(ctx, person, MovementKind.RETURN, ctx.today)
    return person


def _sentenced(
    ctx: _Ctx, *, term: Term, start: date, with_document: bool = True, remit: bool = True, fine: bool = True, **extra
) -> Person:
    """Detained on ``start``, admitted as A.II, through A.III to the verdict, then remissions."""
    admission = start + timedelta(days=ctx.rng.randint(5, 25))
    person = _open(ctx, register="A.II", detention_start=start, admission=admission, since=admission, **extra)
    a3 = admission + timedelta(days=ctx.rng.randint(20, 40))
    _move(ctx, person, MovementKind.REGISTER_CHANGE, a3, register_to="A.III")
    execution = a3 + timedelta(days=ctx.rng.randint(40, 80))
    _verdict(ctx, person, when=execution, term=term, with_document=with_document, fine=fine)
    if remit:
        _remit(ctx, person, not_before=execution)
    return person


def _release_due(ctx: _Ctx, months_ahead: float) -> Person:
    """A narapidana whose expiry falls about ``months_ahead`` months from today."""
    term = ctx.rng.choice([Term(years=1, months=6), Term(years=2), Term(years=1, months=3), Term(months=10)])
    target = ctx.today + timedelta(days=int(months_ahead * 30))
    start = target - relativedelta(years=term.years, months=term.months)
    return _sentenced(ctx, term=term, start=start, remit=False, fine=False)


# The path from detention to execution takes 65–145 days in ``_sentenced``.
_LONGEST_TO_EXECUTION = 146


def demo_register_seed(*, upt: Upt, user: Any, size: int = 48) -> int:
    """Fill one UPT's register; returns how many records were opened (0 when it already had people)."""
    if Person.objects.filter(upt=upt).exists():
        return 0
    fake = Faker("id_ID")
    fake.seed_instance(upt.code)
    rng = random.Random(upt.code)
    limits = {
        row.register: row.total_days
        for row in DetentionLimit.objects.order_by("register", "effective_from")  # latest law wins below
    }
    ctx = _Ctx(
        upt=upt,
        user=user,
        fake=fake,
        rng=rng,
        today=today_wib(),
        limits=limits,
        court=f"PN {upt.city or upt.kanwil.province}",
    )
    before = Person.objects.filter(upt=upt).count()

    for days_left in (0, 2, 3):
        _detainee_due(ctx, days_left)
    for days_left in (5, 7, 9, 10):
        _detainee_due(ctx, days_left)
    for _ in range(10):
        _detainee(ctx)
    for months in (0.5, 1.2, 1.8, 2.5, 2.9):
        _release_due(ctx, months)
    for _ in range(4):  # executed, but the court extract has not arrived
        term = rng.choice([Term(years=4), Term(years=5, months=6), Term(years=1, months=2)])
        start = ctx.today - timedelta(days=rng.randint(_LONGEST_TO_EXECUTION, 240))
        _sentenced(ctx, term=term, start=start, with_document=False, remit=False)
    bulk = max(0, size - (Person.objects.filter(upt=upt).count() - before) - 8)
    for index in range(bulk):
        term = rng.choice(
            [
                Term(years=5),
                Term(years=6),
                Term(years=8),
                Term(years=10),
                Term(years=3, months=6),
                Term(years=12),
                Term(years=15),
                Term(years=4),
            ]
        )
        term_days = (term.end_from(ctx.today) - ctx.today).days
        # Served long enough for remissions, and at most half, so that the remissions of the years served
        # cannot bring the expiry near: the release list holds only the people put there on purpose.
        start = ctx.today - timedelta(days=rng.randint(250, term_days // 2))
        category = CrimeCategory.NARKOTIKA_BANDAR if index == 0 else None
        person = _sentenced(ctx, term=term, start=start, foreign=index == 0, crime_category=category)
        if index % 7 == 3 and person.status == "IN":
            _move(ctx, person, MovementKind.TEMPORARY_EXIT, ctx.today - timedelta(days=3), exit_reason="RUMAH_SAKIT")
            _move(ctx, person, MovementKind.RETURN, ctx.today - timedelta(days=1))

    # Life and death sentences, and people who have left.
    _life_or_death(ctx, "SH")
    _life_or_death(ctx, "PM")
    released = _sentenced(ctx, term=Term(years=1), start=ctx.today - timedelta(days=500), remit=False)
    _move(ctx, released, MovementKind.RELEASE, released.expiry_date, release_reason="BEBAS_MURNI")
    paroled = _sentenced(ctx, term=Term(years=3), start=ctx.today - timedelta(days=900), remit=False)
    _move(ctx, paroled, MovementKind.RELEASE, ctx.today - timedelta(days=20), release_reason="PB")
    freed = _detainee(ctx)
    _move(ctx, freed, MovementKind.RELEASE, ctx.today, release_reason="BEBAS_DEMI_HUKUM")
    fled = _sentenced(ctx, term=Term(years=7), start=ctx.today - timedelta(days=700), remit=False)
    _move(ctx, fled, MovementKind.ESCAPE, ctx.today - timedelta(days=40))
    _move(ctx, fled, MovementKind.RECAPTURE, ctx.today - timedelta(days=12))
    died = _sentenced(ctx, term=Term(years=9), start=ctx.today - timedelta(days=1500), remit=False)
    _move(ctx, died, MovementKind.DEATH, ctx.today - timedelta(days=60))
    return Person.objects.filter(upt=upt).count() - before


def _life_or_death(ctx: _Ctx, register: str) -> Person:
    start = ctx.today - timedelta(days=ctx.rng.randint(1500, 3000))
    admission = start + timedelta(days=10)
    person = _open(
        ctx,
        register="A.II",
        detention_start=start,
        admission=admission,
        since=admission,
        crime_category=ctx.rng.choice([CrimeCategory.NARKOTIKA_BANDAR, CrimeCategory.TERORISME]),
    )
    _move(ctx, person, MovementKind.REGISTER_CHANGE, admission + timedelta(days=30), register_to="A.III")
    _verdict(ctx, person, when=admission + timedelta(days=150), term=Term(), register=register)
    return person


def demo_registers_seed(units: list[tuple[Upt, Any]], *, size: int = 48) -> dict[str, int]:
    """Fill each (UPT, operator) register not yet filled, then move one narapidana from each to the next
    (a transfer out there, a transfer in here). Returns the number of records opened per UPT code."""
    opened = {upt.code: demo_register_seed(upt=upt, user=user, size=size) for upt, user in units}
    fresh = [(upt, user) for upt, user in units if opened[upt.code]]
    if len(fresh) < 2:
        return opened
    when = today_wib() - timedelta(days=5)
    for index, (upt, user) in enumerate(fresh):
        to_upt, to_user = fresh[(index + 1) % len(fresh)]
        leaving = (
            Person.objects.filter(
                upt=upt, status="IN", register="B.I", passport_number="", expiry_date__gt=when + timedelta(days=400)
            )
            .exclude(movements__date__gt=when)
            .order_by("pk")
            .first()
        )
        if leaving is not None:
            demo_transfer(person=leaving, user_from=user, to_upt=to_upt, user_to=to_user, when=when)
            opened[to_upt.code] += 1
    return opened


def demo_transfer(*, person: Person, user_from: Any, to_upt: Upt, user_to: Any, when: date) -> Person:
    """A transfer between two demo UPTs: out at the origin, in (a new record) at the destination."""
    movement_record(
        user=user_from,
        person=person,
        kind=MovementKind.TRANSFER_OUT,
        date=when,
        document_number=f"PAS-{person.pk}.PK.01.02/{when.year}",
        other_upt=to_upt,
    )
    person.refresh_from_db()
    data = {name: getattr(person, name) for name in TRANSFER_CARRIED_FIELDS}
    data.update(
        {
            "reg_number": f"{person.register.replace('.', '')}.P{person.pk:04d}/{when.year}",
            "admission_date": when,
            "register_since": when,
            "block": "Mapenaling",
        }
    )
    arrived = person_create(
        user=user_to,
        upt=to_upt,
        data=data,
        admission_kind=MovementKind.TRANSFER_IN,
        admission_document=f"PAS-{person.pk}.PK.01.02/{when.year}",
        origin_upt=person.upt,
    )
    # The person's file travels with them: the remissions already granted are entered again here.
    for remission in person.remissions.order_by("decree_date"):
        remission_record(
            user=user_to,
            person=arrived,
            kind=remission.kind,
            days=remission.days,
            decree_number=remission.decree_number,
            decree_date=remission.decree_date,
        )
    return arrived
