"""The generated country, in memory: units, and the people of their working registers with their movement
and remission histories. Pure Python from one seeded generator — the same seed gives the same country —
and nothing here touches the database (``national.seed`` writes it).

Each person is generated as a story that ends today: how they were arrested, which authority held them
(A.I … A.V), when the verdict came and which B register it put them in, whether they came from a Rutan
(or another Lapas) by transfer, which remissions they earned on 17 August and on their religion's holiday,
and — for records closed in the last ``CLOSED_WINDOW_DAYS`` days — how they left. Derived fields (status,
register, register_since, remission days, expiry date) are computed the way the UPT services compute them
(``central.reference.MOVEMENT_RULES`` and ``central.sentence``), so that the register is one an operator
could have entered. A transfer between two units inside the window appears in both registers: a closed
record with the transfer out at the origin, the open record with the transfer in at the destination.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from central.models import UptType
from central.nik import listed_districts, nik_compose
from central.reference import (
    DETAINEE_REGISTERS,
    CrimeCategory,
    MovementKind,
    PersonStatus,
    Register,
    ReleaseReason,
    RemissionKind,
    Sex,
    TemporaryExitReason,
)
from central.sentence import TERM_REGISTERS, Term
from devtools.national import facts

_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
_REGISTER_PREFIX = {r.value: r.value.replace(".", "") for r in Register}


class Picker:
    """Weighted choice by bisection over cumulative weights (``random.choices`` rebuilds them each call)."""

    def __init__(self, weights: dict | Sequence[tuple]):
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.values = [value for value, _w in items]
        self.cumulative = list(itertools.accumulate(w for _v, w in items))

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Whole numbers proportional to ``weights`` that add up to exactly ``total`` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _plus(start: date, years: int, months: int, days: int) -> date:
    """``start`` plus a court's term, counted as ``central.sentence.Term.end_from`` counts it (a month added
    to the 31st lands on the month's last day) — without relativedelta, which costs more than the rest of
    a person's story; the generator's tests check the two agree on every record."""
    month0 = start.month - 1 + months
    year = start.year + years + month0 // 12
    month = month0 % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=days)


def fast_expiry(*, register: str, detention_start: date | None, sentence: Term, subsidiary: Term, fine_paid: bool,
                remission_days: int) -> date | None:  # fmt: skip
    """``central.sentence.expiry_date``, computed the same way (see ``_plus``)."""
    if register not in TERM_REGISTERS or detention_start is None or sentence.is_zero:
        return None
    end = _plus(detention_start, sentence.years, sentence.months, sentence.days)
    if not fine_paid and not subsidiary.is_zero:
        end = _plus(end, subsidiary.years, subsidiary.months, subsidiary.days)
    return detention_start + timedelta(days=max((end - detention_start).days - remission_days, 0))


# --- Units ---------------------------------------------------------------------------------------------


@dataclass
class Unit:
    index: int
    code: str
    name: str
    upt_type: str
    upt_class: str
    kanwil_code: str
    city: str
    capacity: int
    held_target: int
    closed_target: int = 0


def plan_units(rng: random.Random, people: int) -> list[Unit]:
    """531 units over the 33 Kanwil: types, capacities and occupants as DESIGN §1 describes."""
    kanwil_codes = list(facts.KANWIL_PROFILE)
    counts = {k: facts.KANWIL_PROFILE[k][0] for k in kanwil_codes}
    # Types: one LPKA per Kanwil, one LPP where there is one, the rest split into Lapas, Rutan and
    # Cabang Rutan so that the national numbers of each type are exact.
    types: dict[str, list[str]] = {k: [UptType.LPKA] for k in kanwil_codes}
    for k in kanwil_codes:
        if k not in facts.KANWIL_WITHOUT_LPP:
            types[k].append(UptType.LPP)
    rest = [counts[k] - len(types[k]) for k in kanwil_codes]
    lapas = apportion(facts.TYPE_UNITS[UptType.LAPAS], rest)
    rutan = apportion(facts.TYPE_UNITS[UptType.RUTAN], [r - lp for r, lp in zip(rest, lapas, strict=True)])
    for k, r, lp, rt in zip(kanwil_codes, rest, lapas, rutan, strict=True):
        rt = min(rt, r - lp)
        types[k] += [UptType.LAPAS] * lp + [UptType.RUTAN] * rt + [UptType.CABANG_RUTAN] * (r - lp - rt)

    # Capacities: each type's national capacity (scaled to the requested occupants) over its units.
    scale = people / facts.NATIONAL_OCCUPANTS
    national_capacity = round(facts.NATIONAL_CAPACITY * scale)
    type_capacity = {t: cap for t, (_occ, cap) in facts.TYPE_FIGURES.items()}
    type_capacity_total = sum(type_capacity.values())
    units: list[Unit] = []
    for k in kanwil_codes:
        for t in types[k]:
            units.append(Unit(len(units), "", "", t, "", k, "", 0, 0))
    for group in ([UptType.LAPAS], [UptType.RUTAN, UptType.CABANG_RUTAN], [UptType.LPKA], [UptType.LPP]):
        members = [u for u in units if u.upt_type in group]
        share = type_capacity[group[0]] / type_capacity_total
        weights = [facts.TYPE_UNIT_SIZE[u.upt_type] * rng.lognormvariate(0, 0.45) for u in members]
        for unit, capacity in zip(members, apportion(round(national_capacity * share), weights), strict=True):
            unit.capacity = max(capacity, 1)

    # Occupants: per Kanwil from its overcrowding (the three published ones exact, the others scaled so
    # the country adds up), then per unit by capacity, type and a little chance.
    capacity_by_kanwil = Counter()
    for u in units:
        capacity_by_kanwil[u.kanwil_code] += u.capacity
    ratio = {k: 1 + facts.KANWIL_PROFILE[k][1] / 100 for k in kanwil_codes}
    fixed = sum(capacity_by_kanwil[k] * ratio[k] for k in kanwil_codes if k in facts.FIXED_OVERCROWDING)
    free = sum(capacity_by_kanwil[k] * ratio[k] for k in kanwil_codes if k not in facts.FIXED_OVERCROWDING)
    factor = max(people - fixed, 0) / free if free else 0
    weights = [
        capacity_by_kanwil[k] * ratio[k] * (1 if k in facts.FIXED_OVERCROWDING else factor) for k in kanwil_codes
    ]
    held_by_kanwil = dict(zip(kanwil_codes, apportion(people, weights), strict=True))
    for k in kanwil_codes:
        members = [u for u in units if u.kanwil_code == k]
        unit_weights = [u.capacity * facts.TYPE_CROWDING[u.upt_type] * rng.lognormvariate(0, 0.15) for u in members]
        for unit, held in zip(members, apportion(held_by_kanwil[k], unit_weights), strict=True):
            unit.held_target = held
            window = facts.CLOSED_WINDOW_DAYS / facts.AVERAGE_STAY_DAYS[unit.upt_type]
            unit.closed_target = round(held * window)

    _name_units(rng, units)
    return units


def _name_units(rng: random.Random, units: list[Unit]) -> None:
    taken: set[str] = set()
    serial: Counter = Counter()
    for unit in units:
        cities = facts.CITIES[unit.kanwil_code]
        big = unit.capacity >= 400 * (sum(u.capacity for u in units) / facts.NATIONAL_CAPACITY)
        if unit.upt_type == UptType.CABANG_RUTAN:
            unit.upt_class = ""
        elif unit.upt_type in (UptType.LPKA, UptType.LPP):
            unit.upt_class = "I" if big else rng.choice(["IIA", "IIA", "IIB"])
        else:
            unit.upt_class = "I" if big else rng.choice(["IIA", "IIA", "IIB", "IIB", "III"])
        # The capital hosts the region's LPKA, LPP and the largest units; others spread over the cities.
        capital_first = unit.upt_type in (UptType.LPKA, UptType.LPP) or unit.upt_class == "I"
        start = 0 if capital_first else rng.randrange(len(cities))
        type_name = facts.TYPE_NAME[unit.upt_type]
        klass = f" Kelas {unit.upt_class}" if unit.upt_class else ""
        for attempt in range(len(cities) * 3):
            city = cities[(start + attempt) % len(cities)]
            variant = ["", " Narkotika", " Terbuka"][attempt // len(cities)] if unit.upt_type == UptType.LAPAS else ""
            if attempt >= len(cities) and unit.upt_type != UptType.LAPAS:
                variant = f" {_ROMAN[attempt // len(cities)]}"
            name = f"{type_name}{variant}{klass} {city}"
            if name not in taken:
                break
        taken.add(name)
        unit.name, unit.city = name, city
        prefix = f"{facts.TYPE_CODE[unit.upt_type]}{unit.kanwil_code}"
        serial[prefix] += 1
        unit.code = f"{prefix}{serial[prefix]:03d}"


# --- People --------------------------------------------------------------------------------------------


@dataclass
class Identity:
    full_name: str
    alias: str
    sex: str
    birth_date: date
    birth_place: str
    nik: str
    passport_number: str
    nationality: str
    religion: str
    education: str
    occupation: str
    address: str


@dataclass
class Record:
    """One person's record in one unit's working register (the fields of ``upt.Person``), with history."""

    id: int
    uid: uuid.UUID
    unit: int
    values: dict
    expiry_date: date | None
    movements: list[tuple] = field(default_factory=list)  # see MOVEMENT_TUPLE
    remissions: list[tuple] = field(default_factory=list)  # (uid, kind, days, decree_number, decree_date)

    @property
    def held(self) -> bool:
        return self.values["status"] in (PersonStatus.IN, PersonStatus.TEMPORARILY_OUT)


# (uid, kind, date, document_number, other unit index or None, release_reason, exit_reason,
#  register_from, register_to, note)
MOVEMENT_TUPLE = (
    "uid",
    "kind",
    "date",
    "document_number",
    "other_unit",
    "release_reason",
    "exit_reason",
    "register_from",
    "register_to",
    "note",
)


@dataclass
class Case:
    """What the courts decided (or have not yet), shared by every record of the same detention."""

    crime: str
    articles: str
    case_number: str
    court: str
    register: str  # the register the case ends in (today, or at release)
    detention_start: date
    phases: list[tuple[str, date]]  # (register, since) in order, the A phases then the B one
    verdict_date: date | None
    verdict_number: str
    term: Term
    fine: int
    subsidiary: Term
    fine_paid: bool


class Generator:
    """Generates the people of every unit. ``run()`` returns the records in id order."""

    def __init__(self, *, seed: int, people: int, today: date, first_id: int = 1):
        self.rng = random.Random(seed)
        self.today = today
        self.units = plan_units(self.rng, people)
        self.by_kanwil: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            self.by_kanwil[unit.kanwil_code].append(unit)
        self.next_id = first_id
        self.records: list[Record] = []
        self.serials: Counter = Counter()
        self.documents: Counter = Counter()
        self._names(seed)
        self.crime_default = Picker(facts.CRIME_SHARE)
        self.crime_lpka = Picker(facts.CRIME_SHARE_LPKA)
        self.crime_women = Picker(facts.CRIME_SHARE_WOMEN)
        self.crime_life = Picker(facts.LIFE_DEATH_CRIMES)
        self.detainee_register = Picker(facts.DETAINEE_REGISTERS_SHARE)
        self.term_register = Picker(facts.TERM_REGISTERS_SHARE)
        self.b_i_years = {c: Picker(w) for c, w in facts.B_I_YEARS.items()}
        self.release_reason = Picker(facts.SENTENCED_RELEASE_REASONS)
        self.education = Picker(facts.EDUCATION_SHARE)
        self.education_korupsi = Picker(facts.EDUCATION_KORUPSI)
        self.religion = {k: Picker(facts.RELIGION_BY_KANWIL.get(k, facts.RELIGION_DEFAULT)) for k in facts.CITIES}
        lapas = sum(u.held_target for u in self.units if u.upt_type == UptType.LAPAS) or 1
        # Life and death sentences are served in Lapas; their national counts scale with the country.
        share = people / facts.NATIONAL_OCCUPANTS
        self.p_life = facts.LIFE_SENTENCES * share / lapas
        self.p_death = facts.DEATH_SENTENCES * share / lapas

    def _names(self, seed: int) -> None:
        from faker import Faker

        fake = Faker("id_ID")
        fake.seed_instance(seed)
        provider = type(fake.provider("faker.providers.person"))
        self.first_male = sorted(set(provider.first_names_male))
        self.last_male = sorted(set(provider.last_names_male))
        self.first_female = sorted(set(provider.first_names_female))
        self.last_female = sorted(set(provider.last_names_female))
        self.streets = sorted({fake.street_address() for _ in range(4000)})
        foreign = Faker("en_US")
        foreign.seed_instance(seed)
        self.foreign_names = sorted({foreign.name() for _ in range(600)})

    # --- small helpers ----------------------------------------------------------------------------------
    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def document(self, unit: Unit, kind: str, when: date) -> str:
        self.documents[unit.index] += 1
        n = self.documents[unit.index]
        month = _ROMAN[when.month - 1]
        if kind == MovementKind.ADMISSION:
            return f"SP.Han/{n}/{month}/{when.year}/Reskrim"
        if kind in (MovementKind.TRANSFER_IN, MovementKind.TRANSFER_OUT):
            return f"W{unit.kanwil_code}.PAS.PK.01.04-{n} Tahun {when.year}"
        if kind in (MovementKind.TEMPORARY_EXIT, MovementKind.RETURN):
            return f"{n}/{unit.code}/SI/{month}/{when.year}"
        if kind == MovementKind.RELEASE:
            return f"PAS-{n}.PK.05.06 Tahun {when.year}"
        if kind == MovementKind.DEATH:
            return f"SKK/{n}/{month}/{when.year}"
        return f"{n}/{unit.code}/{month}/{when.year}"

    def move(self, unit: Unit, kind: str, day: date, *, other: Unit | None = None, release_reason: str = "",
             exit_reason: str = "", register_from: str = "", register_to: str = "") -> tuple:  # fmt: skip
        """A movement as a ``MOVEMENT_TUPLE``."""
        other_index = other.index if other else None
        document = self.document(unit, kind, day)
        return (self.uid(), kind, day, document, other_index, release_reason, exit_reason, register_from,
                register_to, "")  # fmt: skip

    def reg_number(self, unit: Unit, register: str, since: date) -> str:
        prefix = _REGISTER_PREFIX[register]
        self.serials[(unit.index, prefix, since.year)] += 1
        return f"{prefix}.{self.serials[(unit.index, prefix, since.year)]:04d}/{since.year}"

    # --- identity -----------------------------------------------------------------------------------------
    def identity(self, unit: Unit, *, sex: str, child: bool, crime: str, detained: date) -> Identity:
        rng = self.rng
        if child:
            age_days = rng.randint(14 * 365, 18 * 365 - 30)
        else:
            age_days = int((18 + min(rng.gammavariate(2.2, 7.0), 57)) * 365.25)
        birth = detained - timedelta(days=age_days)
        foreign = not child and crime in (CrimeCategory.NARKOTIKA_BANDAR,) and rng.random() < facts.FOREIGN_SHARE * 4
        own_province = rng.random() < 0.78
        province = unit.kanwil_code if own_province else rng.choice(list(facts.CITIES))
        place = rng.choice(facts.CITIES[province])
        if foreign:
            name = rng.choice(self.foreign_names)
            nationality = rng.choice(facts.NATIONALITIES)
            passport = f"{chr(65 + rng.randrange(26))}{rng.randrange(10**7, 10**8)}"
            return Identity(name, "", sex, birth, "", "", passport, nationality, "LAINNYA", "SMA", "Wiraswasta", "")
        if sex == Sex.FEMALE:
            first, last = rng.choice(self.first_female), rng.choice(self.last_female)
        else:
            first, last = rng.choice(self.first_male), rng.choice(self.last_male)
        roll = rng.random()
        if roll < 0.28:
            name = first  # many Indonesians have one name
        elif roll < 0.33:
            name = f"{first} {'binti' if sex == Sex.FEMALE else 'bin'} {rng.choice(self.first_male)}"
        else:
            name = f"{first} {last}"
        alias = rng.choice(self.first_male if sex == Sex.MALE else self.first_female) if rng.random() < 0.05 else ""
        nik = ""
        if rng.random() >= facts.NO_NIK_SHARE:
            nik_province = rng.choice(facts.NIK_PROVINCES.get(province, [province]))
            region = rng.choice(listed_districts(nik_province))
            nik = nik_compose(region=region, birth_date=birth, sex=sex, serial=rng.randint(1, 9999))
            if rng.random() < facts.NIK_TYPO_SHARE:
                nik = nik[:8] + f"{rng.randint(13, 19)}" + nik[10:]  # a month that cannot be: a typist's slip
        if crime == CrimeCategory.KORUPSI:
            education, occupation = self.education_korupsi(rng), rng.choice(facts.OCCUPATIONS_KORUPSI)
        elif child:
            education, occupation = rng.choice(["SD", "SMP", "SMP", "SMA"]), "Pelajar"
        else:
            education = self.education(rng)
            pool = facts.OCCUPATIONS_WOMEN if sex == Sex.FEMALE else facts.OCCUPATIONS
            occupation = rng.choice(pool)
        address = f"{rng.choice(self.streets)}, {rng.choice(facts.CITIES[unit.kanwil_code])}"
        return Identity(
            name,
            alias,
            sex,
            birth,
            place,
            nik,
            "",
            "Indonesia",
            self.religion[unit.kanwil_code](rng),
            education,
            occupation,
            address,
        )

    # --- the case: arrest, authorities, verdict --------------------------------------------------------
    def crime_for(self, unit: Unit, sex: str) -> str:
        if unit.upt_type == UptType.LPKA:
            return self.crime_lpka(self.rng)
        if sex == Sex.FEMALE:
            return self.crime_women(self.rng)
        return self.crime_default(self.rng)

    def term_for(self, register: str, crime: str) -> Term:
        rng = self.rng
        if register == Register.B_I:
            years = self.b_i_years[crime](rng)
            months = rng.choice([0, 0, 0, 3, 6, 6, 8]) if years > 1 else rng.choice([1, 2, 3, 4, 6, 8])
            return Term(years, months, 0)
        if register == Register.B_IIA:
            return rng.choice([Term(0, rng.randint(4, 12), 0), Term(0, 3, rng.randint(5, 25))])
        if register == Register.B_IIB:
            return rng.choice([Term(0, rng.randint(1, 3), 0), Term(0, 0, rng.randint(10, 29))])
        if register == Register.B_III:
            return Term(0, rng.randint(1, 6), 0)
        return Term()

    def fine_for(self, register: str, crime: str) -> tuple[int, Term, bool]:
        spec = facts.FINES.get(crime)
        if spec is None or register not in (Register.B_I, Register.B_IIA) or spec[0] == 0:
            return 0, Term(), False
        low, high, step, max_sub, pay = spec
        amount = low + step * self.rng.randint(0, (high - low) // step)
        return amount, Term(0, self.rng.randint(1, max_sub), 0), self.rng.random() < pay

    def case(
        self, unit: Unit, *, crime: str, register: str, start_phase: str, ends: date, served_fraction: float | None
    ) -> Case:
        """A case whose current (or last) register is ``register`` on day ``ends``.

        Detainees: the A phases up to ``register``, the current one under way. Sentenced: the A phases up
        to the district court, the verdict, and ``served_fraction`` of the term served by ``ends``
        (``None``: the term ends on ``ends`` itself — a release at expiry).
        """
        rng = self.rng
        first = facts.DETAINEE_ORDER.index(start_phase)
        articles = rng.choice(facts.ARTICLES[crime])
        case_type = facts.SPECIAL_CRIME_CASE.get(crime, "Pid.Sus")
        court_city = unit.city if rng.random() < 0.7 else rng.choice(facts.CITIES[unit.kanwil_code])
        if register in DETAINEE_REGISTERS:
            last = facts.DETAINEE_ORDER.index(register)
            first = min(first, last)
            high = facts.DETAINEE_PHASE_DAYS[register][1]
            limit = high + 5
            elapsed = rng.randint(limit, limit + 30) if rng.random() < 0.01 else rng.randint(0, high)
            phases: list[tuple[str, date]] = [(register, ends - timedelta(days=elapsed))]
            for reg in reversed(facts.DETAINEE_ORDER[first:last]):
                phases.insert(0, (reg, phases[0][1] - self.days(*facts.DETAINEE_PHASE_DAYS[reg])))
            police = self.days(*facts.DETAINEE_PHASE_DAYS[Register.A_I]) if first > 0 else timedelta(0)
            year = phases[0][1].year
            return Case(
                crime,
                articles,
                f"BP/{rng.randint(10, 999)}/{_ROMAN[phases[0][1].month - 1]}/{year}/Reskrim",
                f"PN {court_city}" if last >= 2 else "",
                register,
                phases[0][1] - police,
                phases,
                None,
                "",
                Term(),
                0,
                Term(),
                False,
            )

        # Sentenced: A phases up to the district court's, then the verdict.
        pre = [(reg, self.days(*facts.DETAINEE_PHASE_DAYS[reg])) for reg in facts.DETAINEE_ORDER[first:3]]
        police = self.days(*facts.DETAINEE_PHASE_DAYS[Register.A_I]) if first > 0 else timedelta(0)
        pre_days = police.days + sum(d.days for _r, d in pre)
        term = self.term_for(register, crime)
        fine, subsidiary, paid = self.fine_for(register, crime)
        if register in (Register.SEUMUR_HIDUP, Register.PIDANA_MATI):
            served = rng.randint(pre_days + 30, 15 * 365)
            start = ends - timedelta(days=served)
            return self._sentenced_case(unit, crime, articles, case_type, court_city, register, start, pre, police,
                                        term, fine, subsidiary, paid, ends)  # fmt: skip
        nominal = (_plus(ends, term.years, term.months, term.days) - ends).days
        if not paid:
            nominal += (_plus(ends, subsidiary.years, subsidiary.months, subsidiary.days) - ends).days
        if pre_days >= nominal:
            # Short sentences: the time before the verdict is most of the term (it counts towards it).
            factor = nominal * rng.uniform(0.3, 0.8) / max(pre_days, 1)
            police = timedelta(days=int(police.days * factor))
            pre = [(reg, timedelta(days=max(1, int(d.days * factor)))) for reg, d in pre]
            pre_days = police.days + sum(d.days for _r, d in pre)
        served = nominal if served_fraction is None else max(int(nominal * served_fraction), pre_days + 1)
        start = ends - timedelta(days=served)
        return self._sentenced_case(unit, crime, articles, case_type, court_city, register, start, pre, police,
                                    term, fine, subsidiary, paid, ends)  # fmt: skip

    def _sentenced_case(self, unit, crime, articles, case_type, court_city, register, start, pre, police, term, fine,
                        subsidiary, paid, ends) -> Case:  # fmt: skip
        rng = self.rng
        phases = []
        since = start + police
        for reg, length in pre:
            phases.append((reg, since))
            since += length
        verdict = since
        # The verdict extract (petikan putusan) reaches the unit a few days after the verdict.
        phases.append((register, verdict + self.days(0, max(0, min(10, (ends - verdict).days)))))
        n = rng.randint(10, 1999)
        return Case(
            crime,
            articles,
            f"{n}/{case_type}/{verdict.year}/PN {court_city}",
            f"PN {court_city}",
            register,
            start,
            phases,
            verdict,
            f"{n}/{case_type}/{verdict.year}/PN {court_city}",
            term,
            fine,
            subsidiary,
            paid,
        )

    def remissions(self, case: Case, identity: Identity, until: date) -> list[tuple[str, int, date]]:
        """(kind, days, decree date) earned from the verdict until ``until`` (RU 17 August, RK holiday)."""
        if case.register not in (Register.B_I, Register.B_IIA) or case.verdict_date is None:
            return []
        strict = facts.STRICT_REMISSION.get(case.crime)
        if strict is not None and self.rng.random() > strict:
            return []
        eligible = max(
            case.verdict_date, case.detention_start + relativedelta(months=facts.REMISSION_MIN_SERVED_MONTHS)
        )
        dates = [(RemissionKind.UMUM, date(y, 8, 17)) for y in range(eligible.year, until.year + 1)]
        dates += [(RemissionKind.KHUSUS, d) for d in facts.HOLIDAYS.get(identity.religion, [])]
        granted = []
        counts: Counter = Counter()
        for kind, day in sorted(dates, key=lambda item: item[1]):
            if eligible <= day <= until:
                table = facts.REMISSION_UMUM_DAYS if kind == RemissionKind.UMUM else facts.REMISSION_KHUSUS_DAYS
                granted.append((kind, table[min(counts[kind], len(table) - 1)], day))
                counts[kind] += 1
        return granted

    def expiry(self, case: Case, remission_days: int) -> date | None:
        return fast_expiry(
            register=case.register,
            detention_start=case.detention_start,
            sentence=case.term,
            subsidiary=case.subsidiary,
            fine_paid=case.fine_paid,
            remission_days=remission_days,
        )

    # --- records -----------------------------------------------------------------------------------------
    def record(
        self,
        unit: Unit,
        identity: Identity,
        case: Case,
        *,
        opening: tuple[str, date, Unit | None],
        remissions: list[tuple[str, int, date]],
        closing: tuple[str, date, str, Unit | None] | None = None,
        temporary_exits: int = 0,
        out_now: bool = False,
    ) -> Record:
        """One unit's record of a person: opened by ``opening`` (kind, date, other unit), following the
        case's register changes from then on, and closed by ``closing`` (kind, date, reason, other unit)."""
        rng = self.rng
        opening_kind, admitted, origin = opening
        end = closing[1] if closing else self.today
        # The register on admission: the phase under way that day.
        current = case.phases[0][0]
        later: list[tuple[str, date]] = []
        for reg, since in case.phases:
            if since <= admitted:
                current = reg
            elif since <= end:
                later.append((reg, since))
        movements = [self.move(unit, opening_kind, admitted, other=origin, register_to=current)]
        register, register_since = current, admitted
        for reg, since in later:
            movements.append(
                self.move(unit, MovementKind.REGISTER_CHANGE, since, register_from=register, register_to=reg)
            )
            register, register_since = reg, since
        # Hearings and hospital visits in the past: each a temporary exit and a return the same day.
        reason = TemporaryExitReason.COURT if register in DETAINEE_REGISTERS else TemporaryExitReason.HOSPITAL
        span = (end - admitted).days
        out_day = self.today - timedelta(days=rng.randint(0, min(3, max(span - 1, 0)))) if out_now else None
        exit_days = sorted(rng.sample(range(1, span), min(temporary_exits, span - 1))) if span > 2 else []
        for offset in exit_days:
            day = admitted + timedelta(days=offset)
            if out_day is not None and day >= out_day:
                continue  # out now: earlier exits came back before this one
            movements.append(self.move(unit, MovementKind.TEMPORARY_EXIT, day, exit_reason=reason))
            movements.append(self.move(unit, MovementKind.RETURN, day))
        status = PersonStatus.IN
        if closing:
            kind, day, release_reason, other = closing
            movements.append(self.move(unit, kind, day, other=other, release_reason=release_reason))
            status = {
                MovementKind.RELEASE: PersonStatus.RELEASED,
                MovementKind.TRANSFER_OUT: PersonStatus.TRANSFERRED_OUT,
                MovementKind.DEATH: PersonStatus.DIED,
                MovementKind.ESCAPE: PersonStatus.ESCAPED,
            }[kind]
        elif out_day is not None:
            movements.append(self.move(unit, MovementKind.TEMPORARY_EXIT, out_day, exit_reason=reason))
            status = PersonStatus.TEMPORARILY_OUT
        # Same-day movements keep the order they happened in (ties broken by when they were recorded).
        movements.sort(key=lambda m: (m[2], _MOVEMENT_ORDER[m[1]]))
        granted = [(self.uid(), kind, days, f"PAS-{rng.randint(100, 9999)}.PK.01.05.06 Tahun {day.year}", day)
                   for kind, days, day in remissions if admitted <= day <= end]  # fmt: skip
        # Remissions granted before a transfer travel with the person's file and are entered again.
        granted += [(self.uid(), kind, days, f"PAS-{rng.randint(100, 9999)}.PK.01.05.06 Tahun {day.year}", day)
                    for kind, days, day in remissions if day < admitted]  # fmt: skip
        remission_days = sum(r[2] for r in granted)
        sentenced = register not in DETAINEE_REGISTERS
        verdict_missing = sentenced and rng.random() < facts.VERDICT_MISSING_SHARE
        values = {
            "reg_number": self.reg_number(unit, register, register_since),
            "nik": identity.nik,
            "passport_number": identity.passport_number,
            "nationality": identity.nationality,
            "full_name": identity.full_name,
            "alias": identity.alias,
            "sex": identity.sex,
            "birth_place": identity.birth_place,
            "birth_date": identity.birth_date,
            "religion": identity.religion,
            "education": identity.education,
            "occupation": identity.occupation,
            "address": identity.address,
            "register": register,
            "register_since": register_since,
            "crime_category": case.crime,
            "case_number": case.case_number,
            "articles": case.articles,
            "court": case.court,
            "verdict_date": None if (not sentenced or verdict_missing) else case.verdict_date,
            "verdict_number": case.verdict_number if sentenced and not verdict_missing else "",
            "sentence_years": case.term.years if sentenced else 0,
            "sentence_months": case.term.months if sentenced else 0,
            "sentence_days": case.term.days if sentenced else 0,
            "fine_amount": case.fine if sentenced else 0,
            "subsidiary_months": case.subsidiary.months if sentenced else 0,
            "subsidiary_days": case.subsidiary.days if sentenced else 0,
            "fine_paid": case.fine_paid if sentenced else False,
            "remission_days": remission_days,
            "detention_start": case.detention_start,
            "admission_date": admitted,
            "status": status,
            "block": _block(register, rng),
            "cell": str(rng.randint(1, 40)),
        }
        record = Record(
            self.next_id,
            self.uid(),
            unit.index,
            values,
            fast_expiry(
                register=register,
                detention_start=case.detention_start,
                sentence=Term(values["sentence_years"], values["sentence_months"], values["sentence_days"]),
                subsidiary=Term(0, values["subsidiary_months"], values["subsidiary_days"]),
                fine_paid=values["fine_paid"],
                remission_days=remission_days,
            ),
            movements,
            granted,
        )
        self.next_id += 1
        self.records.append(record)
        return record

    # --- stories -----------------------------------------------------------------------------------------
    def run(self) -> list[Record]:
        pending_origin: list[tuple] = []
        for unit in self.units:
            for _ in range(unit.held_target):
                self.held_story(unit, pending_origin)
        transferred_out = Counter()
        for unit, identity, case, opening, transfer_day, destination, remissions in pending_origin:
            self.record(unit, identity, case, opening=opening, remissions=remissions,
                        closing=(MovementKind.TRANSFER_OUT, transfer_day, "", destination))  # fmt: skip
            transferred_out[unit.index] += 1
        for unit in self.units:
            for _ in range(max(unit.closed_target - transferred_out[unit.index], 0)):
                self.closed_story(unit)
        self.records.sort(key=lambda r: r.id)
        return self.records

    def _sex(self, unit: Unit) -> str:
        if unit.upt_type == UptType.LPP:
            return Sex.FEMALE
        share = facts.FEMALE_SHARE_LPKA if unit.upt_type == UptType.LPKA else facts.FEMALE_SHARE_OUTSIDE_LPP
        return Sex.FEMALE if self.rng.random() < share else Sex.MALE

    def _sentenced_register(self, unit: Unit) -> tuple[str, str | None]:
        """A sentenced person's register (and, for life and death, the crime that carries it)."""
        roll = self.rng.random()
        if unit.upt_type == UptType.LAPAS and roll < self.p_life + self.p_death:
            register = Register.SEUMUR_HIDUP if roll < self.p_life else Register.PIDANA_MATI
            return register, self.crime_life(self.rng)
        return self.term_register(self.rng), None

    def _origins(self, unit: Unit, types: tuple[str, ...], other_kanwil: bool = False) -> list[Unit]:
        pool = self.units if other_kanwil else self.by_kanwil[unit.kanwil_code]
        return [u for u in pool if u.upt_type in types and u.index != unit.index]

    def held_story(self, unit: Unit, pending_origin: list) -> None:
        rng = self.rng
        sex = self._sex(unit)
        detainee = rng.random() < facts.DETAINEE_SHARE[unit.upt_type]
        crime = self.crime_for(unit, sex)
        start_phase = Register.A_I if rng.random() < 0.5 else Register.A_II
        out_now = rng.random() < facts.TEMPORARILY_OUT_SHARE
        if detainee:
            register = self.detainee_register(rng)
            case = self.case(unit, crime=crime, register=register, start_phase=start_phase, ends=self.today,
                             served_fraction=None)  # fmt: skip
            identity = self.identity(unit, sex=sex, child=unit.upt_type == UptType.LPKA, crime=crime,
                                     detained=case.detention_start)  # fmt: skip
            exits = rng.randint(1, 2) if register in (Register.A_III, Register.A_IV) and rng.random() < 0.5 else 0
            self.record(unit, identity, case, opening=(MovementKind.ADMISSION, case.phases[0][1], None),
                        remissions=[], temporary_exits=exits, out_now=out_now)  # fmt: skip
            return

        register, life_crime = self._sentenced_register(unit)
        crime = life_crime or crime
        for _attempt in range(4):
            case = self.case(unit, crime=crime, register=register, start_phase=start_phase, ends=self.today,
                             served_fraction=rng.uniform(0.03, 0.9))  # fmt: skip
            identity = self.identity(unit, sex=sex, child=unit.upt_type == UptType.LPKA, crime=crime,
                                     detained=case.detention_start)  # fmt: skip
            remissions = self.remissions(case, identity, self.today)
            expiry = self.expiry(case, sum(r[1] for r in remissions))
            if expiry is None or expiry > self.today:
                break
        else:
            remissions = []
        verdict_day = case.phases[-1][1]
        exits = 1 if rng.random() < 0.02 else 0
        # Where the person has been held since the verdict.
        origin: Unit | None = None
        if unit.upt_type == UptType.LAPAS and rng.random() < facts.LAPAS_TRANSFER_SHARE:
            origin_pool = self._origins(unit, (UptType.LAPAS,), rng.random() < facts.LAPAS_TRANSFER_OTHER_KANWIL)
            via_lapas = True
        else:
            origin_pool = self._origins(unit, (UptType.RUTAN, UptType.CABANG_RUTAN))
            via_lapas = False
        if (
            unit.upt_type in (UptType.RUTAN, UptType.CABANG_RUTAN)
            or not origin_pool
            or (not via_lapas and rng.random() >= facts.FROM_RUTAN_SHARE)
        ):
            self.record(unit, identity, case, opening=(MovementKind.ADMISSION, case.phases[0][1], None),
                        remissions=remissions, temporary_exits=exits, out_now=out_now)  # fmt: skip
            return
        origin = rng.choice(origin_pool)
        latest = (self.today - verdict_day).days
        if latest < 1:
            self.record(unit, identity, case, opening=(MovementKind.ADMISSION, case.phases[0][1], None),
                        remissions=remissions, temporary_exits=exits, out_now=out_now)  # fmt: skip
            return
        low = min(60 if via_lapas else 5, latest)
        transfer_day = verdict_day + timedelta(days=rng.randint(low, min(latest, 90 if not via_lapas else latest)))
        self.record(unit, identity, case, opening=(MovementKind.TRANSFER_IN, transfer_day, origin),
                    remissions=remissions, temporary_exits=exits, out_now=out_now)  # fmt: skip
        if (self.today - transfer_day).days < facts.CLOSED_WINDOW_DAYS:
            if via_lapas:
                feeders = self._origins(origin, (UptType.RUTAN, UptType.CABANG_RUTAN))
                arrived = verdict_day + timedelta(days=rng.randint(1, max(1, (transfer_day - verdict_day).days - 1)))
                opening = (MovementKind.TRANSFER_IN, arrived, rng.choice(feeders)) if feeders else None
                if opening is None or opening[1] >= transfer_day:
                    opening = (MovementKind.ADMISSION, case.phases[0][1], None)
            else:
                opening = (MovementKind.ADMISSION, case.phases[0][1], None)
            pending_origin.append((origin, identity, case, opening, transfer_day, unit, remissions))

    def closed_story(self, unit: Unit) -> None:
        rng = self.rng
        sex = self._sex(unit)
        crime = self.crime_for(unit, sex)
        day = self.today - timedelta(days=rng.randint(0, facts.CLOSED_WINDOW_DAYS - 1))
        start_phase = Register.A_I if rng.random() < 0.5 else Register.A_II
        roll = rng.random()
        kind = (
            MovementKind.DEATH
            if roll < facts.DEATH_SHARE
            else MovementKind.ESCAPE
            if roll < facts.DEATH_SHARE + facts.ESCAPE_SHARE
            else MovementKind.RELEASE
        )
        rutan = unit.upt_type in (UptType.RUTAN, UptType.CABANG_RUTAN)
        child = unit.upt_type == UptType.LPKA
        if rutan and rng.random() < 0.35:
            register = self.detainee_register(rng)
            case = self.case(unit, crime=crime, register=register, start_phase=start_phase, ends=day,
                             served_fraction=None)  # fmt: skip
            identity = self.identity(unit, sex=sex, child=child, crime=crime, detained=case.detention_start)
            reason = ReleaseReason.BEBAS_DEMI_HUKUM if kind == MovementKind.RELEASE else ""
            remissions: list = []
        else:
            register = self.term_register(rng)
            if rutan and register == Register.B_I and rng.random() < 0.6:
                register = Register.B_IIA  # short sentences are served out in the Rutan
            reason = self.release_reason(rng) if kind == MovementKind.RELEASE else ""
            murni = reason == ReleaseReason.BEBAS_MURNI
            fraction = None if murni else rng.uniform(0.67, 0.95)
            case = self.case(unit, crime=crime, register=register, start_phase=start_phase, ends=day,
                             served_fraction=fraction)  # fmt: skip
            identity = self.identity(unit, sex=sex, child=child, crime=crime, detained=case.detention_start)
            remissions = self.remissions(case, identity, day)
            if murni and remissions:
                # Released at expiry: remissions moved the expiry earlier, so the sentence began later.
                shift = timedelta(days=sum(r[1] for r in remissions))
                case.detention_start += shift
                case.phases = [(reg, since + shift) for reg, since in case.phases]
                case.verdict_date += shift
                remissions = [r for r in remissions if case.verdict_date <= r[2] <= day]
                expiry = self.expiry(case, sum(r[1] for r in remissions))
                if expiry is not None:
                    day = min(max(expiry, case.phases[-1][1]), self.today)
        self.record(unit, identity, case, opening=(MovementKind.ADMISSION, case.phases[0][1], None),
                    remissions=remissions, closing=(kind, day, reason, None))  # fmt: skip


_MOVEMENT_ORDER = {
    MovementKind.ADMISSION: 0,
    MovementKind.TRANSFER_IN: 0,
    MovementKind.REGISTER_CHANGE: 1,
    MovementKind.TEMPORARY_EXIT: 2,
    MovementKind.RETURN: 3,
    MovementKind.RECAPTURE: 3,
    MovementKind.TRANSFER_OUT: 4,
    MovementKind.RELEASE: 4,
    MovementKind.ESCAPE: 4,
    MovementKind.DEATH: 5,
}


def _block(register: str, rng: random.Random) -> str:
    if register in DETAINEE_REGISTERS:
        return rng.choice(["A", "B"])
    if register in (Register.SEUMUR_HIDUP, Register.PIDANA_MATI):
        return "Maximum Security"
    return rng.choice(["C", "D", "E", "F"])


def held_cells(records: Sequence[Record]) -> Counter:
    """Occupants by (unit index, register, sex, crime category): what today's snapshot counts."""
    cells: Counter = Counter()
    for record in records:
        if record.held:
            v = record.values
            cells[(record.unit, v["register"], v["sex"], v["crime_category"])] += 1
    return cells


def iter_movements(records: Sequence[Record]) -> Iterator[tuple[Record, tuple]]:
    for record in records:
        for movement in record.movements:
            yield record, movement


def trend_factors(rng: random.Random, *, units: int, end: date, days: int) -> list[list[float]]:
    """Occupants of each unit on each of the ``days`` days ending on ``end``, relative to ``end``.

    The national trend of DESIGN §1 (growth to mid-2025, then flat), a dip after each 17 August, and for
    each unit a mean-reverting walk of its own; every factor is exactly 1.0 on ``end``.
    """
    points = sorted(facts.TREND_POINTS)

    def national(back: int) -> float:
        for (b0, v0), (b1, v1) in itertools.pairwise(points):
            if b0 <= back <= b1:
                return v0 + (v1 - v0) * (back - b0) / (b1 - b0)
        return points[-1][1]

    def dip(day: date) -> float:
        august = date(day.year, 8, 17) if day >= date(day.year, 8, 17) else date(day.year - 1, 8, 17)
        since = (day - august).days
        if since >= facts.AUGUST_RECOVERY_DAYS:
            return 0.0
        return facts.AUGUST_DIP * (1 - since / facts.AUGUST_RECOVERY_DAYS)

    base = [national(back) * (1 - dip(end - timedelta(days=back))) / (1 - dip(end)) for back in range(days)]
    result = []
    for _ in range(units):
        walk, row = 0.0, []
        for back in range(days):
            row.append(base[back] * (1 + walk))
            walk = max(-0.06, min(0.06, walk * 0.995 + rng.gauss(0, 0.003)))
        result.append(row)  # index = days back from ``end``
    return result


__all__ = [
    "MOVEMENT_TUPLE",
    "Generator",
    "Record",
    "Unit",
    "apportion",
    "held_cells",
    "iter_movements",
    "plan_units",
    "trend_factors",
]
