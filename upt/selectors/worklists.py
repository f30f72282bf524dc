"""The operator's work lists and the UPT's occupancy, each a fixed number of queries whatever its size.

Detention windows come from the ``DetentionLimit`` table: instead of computing every detainee's last
lawful day in SQL, each limit row becomes a range condition on ``register_since`` (the last day is
``since + total − 1``), so the lists stay index-friendly and follow the table when the law changes.
Expiry dates are stored on the person by the services.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Case, Count, DateTimeField, F, Q, Value, When

from central.models import DetentionLimit, Upt
from central.reference import (
    DETAINEE_REGISTERS,
    HELD_STATUSES,
    NARCOTICS_CATEGORIES,
    SENTENCED_REGISTERS,
    TERM_REGISTERS,
    Sex,
    occupancy_level,
    occupancy_rate_percent,
    overcrowding_percent,
)
from central.scoping import Action
from central.sentence import DetentionWindow, detention_window
from central.typing import AnyUser
from upt.models import Person
from upt.services.common import today as today_wib

DETENTION_WARNING_DAYS = (3, 10)
RELEASE_HORIZON_MONTHS = (1, 2, 3)
WORKLIST_PREVIEW = 25

_NOTHING = Q(pk__in=[])


def detention_limits() -> list[DetentionLimit]:
    return list(DetentionLimit.objects.order_by("register", "effective_from"))


def _limit_periods(limits: Iterable[DetentionLimit]) -> list[tuple[DetentionLimit, Q]]:
    """Each limit row with the condition "this row is the one in force for the person's register"."""
    by_register: dict[str, list[DetentionLimit]] = {}
    for limit in limits:
        by_register.setdefault(limit.register, []).append(limit)
    periods = []
    for register, rows in by_register.items():
        rows.sort(key=lambda row: row.effective_from)
        for index, limit in enumerate(rows):
            applies = Q(register=register, register_since__gte=limit.effective_from)
            if index + 1 < len(rows):
                applies &= Q(register_since__lt=rows[index + 1].effective_from)
            periods.append((limit, applies))
    return periods


def detention_due_q(limits: Iterable[DetentionLimit], *, until: date) -> Q:
    """Held detainees whose lawful detention under the current authority ends on or before ``until``
    (those already past it included)."""
    condition = _NOTHING
    for limit, applies in _limit_periods(limits):
        # last_day = since + total − 1 ≤ until  ⇔  since ≤ until − total + 1
        condition |= applies & Q(register_since__lte=until - timedelta(days=limit.total_days - 1))
    return condition & Q(status__in=HELD_STATUSES, register__in=DETAINEE_REGISTERS)


def detention_end_order(limits: Iterable[DetentionLimit]) -> Case:
    """An expression that sorts detainees by the last day of lawful detention (for ``order_by``)."""
    whens = [
        When(applies, then=F("register_since") + timedelta(days=limit.total_days - 1))
        for limit, applies in _limit_periods(limits)
    ]
    return Case(*whens, default=Value(None), output_field=DateTimeField())


def release_due_q(*, until: date) -> Q:
    """Held narapidana whose expiry date falls on or before ``until`` (overdue ones included)."""
    return Q(status__in=HELD_STATUSES, register__in=TERM_REGISTERS, expiry_date__lte=until)


def missing_verdict_q() -> Q:
    """Held narapidana without the number of their court extract (petikan putusan)."""
    return Q(status__in=HELD_STATUSES, register__in=SENTENCED_REGISTERS, verdict_number="")


def worklist_q(name: str, limits: Iterable[DetentionLimit], today: date) -> Q | None:
    """The condition of a work list by its URL name (``tahanan-10``, ``bebas-3``, ``tanpa-putusan``)."""
    kind, _sep, size = name.partition("-")
    if kind == "tahanan" and size.isdigit() and int(size) in DETENTION_WARNING_DAYS:
        return detention_due_q(limits, until=today + timedelta(days=int(size)))
    if kind == "bebas" and size.isdigit() and int(size) in RELEASE_HORIZON_MONTHS:
        return release_due_q(until=today + relativedelta(months=int(size)))
    if name == "tanpa-putusan":
        return missing_verdict_q()
    return None


def window_of(person: Person, limits: Iterable[DetentionLimit]) -> DetentionWindow | None:
    return detention_window(register=person.register, since=person.register_since, limits=limits)


def detention_overdue(person: Person, *, today: date) -> DetentionWindow | None:
    """The held detainee's detention window if its last lawful day has already passed, else ``None``.

    The same limit table and window as the work lists and central's ``detention_limit`` rule: entry warns
    of what central would flag, without refusing it (the extension or verdict may simply not be typed yet).
    """
    if person.status not in HELD_STATUSES:
        return None
    window = window_of(person, detention_limits())
    return window if window is not None and window.days_remaining(today) < 0 else None


def attach_key_dates(people: Iterable[Person], limits: Iterable[DetentionLimit], today: date) -> None:
    """Set ``window`` and ``days_left`` (detainees: to the end of lawful detention; narapidana: to expiry)
    on each person, for display."""
    limits = list(limits)
    for person in people:
        window = window_of(person, limits)
        days_left: int | None = None
        if window is not None:
            days_left = window.days_remaining(today)
        elif person.expiry_date is not None:
            days_left = (person.expiry_date - today).days
        vars(person).update(window=window, days_left=days_left)  # display-only attributes, not fields


@dataclass
class Occupancy:
    capacity: int
    occupants: int
    detainees: int
    sentenced: int
    male: int
    female: int
    temporarily_out: int
    narcotics: int

    @property
    def level(self) -> str:
        return occupancy_level(self.occupants, self.capacity)

    @property
    def overcrowding(self) -> float | None:
        return overcrowding_percent(self.occupants, self.capacity)

    @property
    def percent_of_capacity(self) -> float | None:
        return occupancy_rate_percent(self.occupants, self.capacity)


@dataclass
class UptHome:
    upt: Upt
    today: date
    occupancy: Occupancy
    detention_due: list[Person]
    detention_counts: dict[int, int]  # days → number of people
    detention_overdue: int
    releases_due: list[Person]
    release_counts: dict[int, int]  # months → number of people
    releases_overdue: int
    missing_verdict: list[Person]
    missing_verdict_count: int
    limits: list[DetentionLimit] = field(repr=False, default_factory=list)


_LIST_FIELDS = (
    "id",
    "upt_id",
    "reg_number",
    "full_name",
    "alias",
    "sex",
    "register",
    "register_since",
    "crime_category",
    "status",
    "verdict_date",
    "expiry_date",
    "admission_date",
    "block",
    "cell",
)


def upt_home(*, user: AnyUser, upt: Upt) -> UptHome:
    """The UPT home page: occupancy and the work lists (previews of ``WORKLIST_PREVIEW`` rows each)."""
    today = today_wib()
    limits = detention_limits()
    people = Person.objects.restrict(user, Action.OPERATE).filter(upt=upt)
    held = Q(status__in=HELD_STATUSES)
    counts = {
        f"det{d}": Count("pk", filter=detention_due_q(limits, until=today + timedelta(days=d)))
        for d in DETENTION_WARNING_DAYS
    }
    counts.update(
        {
            f"rel{m}": Count("pk", filter=release_due_q(until=today + relativedelta(months=m)))
            for m in RELEASE_HORIZON_MONTHS
        }
    )
    figures = people.aggregate(
        occupants=Count("pk", filter=held),
        detainees=Count("pk", filter=held & Q(register__in=DETAINEE_REGISTERS)),
        sentenced=Count("pk", filter=held & Q(register__in=SENTENCED_REGISTERS)),
        male=Count("pk", filter=held & Q(sex=Sex.MALE)),
        female=Count("pk", filter=held & Q(sex=Sex.FEMALE)),
        temporarily_out=Count("pk", filter=Q(status="TEMP_OUT")),
        narcotics=Count("pk", filter=held & Q(crime_category__in=NARCOTICS_CATEGORIES)),
        det_overdue=Count("pk", filter=detention_due_q(limits, until=today - timedelta(days=1))),
        rel_overdue=Count("pk", filter=release_due_q(until=today - timedelta(days=1))),
        missing_verdict=Count("pk", filter=missing_verdict_q()),
        **counts,
    )
    longest_detention = max(DETENTION_WARNING_DAYS)
    detention_due = list(
        people.filter(detention_due_q(limits, until=today + timedelta(days=longest_detention)))
        .only(*_LIST_FIELDS)
        .order_by(detention_end_order(limits).asc(nulls_last=True), "full_name")[:WORKLIST_PREVIEW]
    )
    attach_key_dates(detention_due, limits, today)
    releases_due = list(
        people.filter(release_due_q(until=today + relativedelta(months=max(RELEASE_HORIZON_MONTHS))))
        .only(*_LIST_FIELDS)
        .order_by("expiry_date", "full_name")[:WORKLIST_PREVIEW]
    )
    attach_key_dates(releases_due, limits, today)
    missing_verdict = list(
        people.filter(missing_verdict_q())
        .only(*_LIST_FIELDS)
        .order_by("register_since", "full_name")[:WORKLIST_PREVIEW]
    )
    attach_key_dates(missing_verdict, limits, today)
    return UptHome(
        upt=upt,
        today=today,
        occupancy=Occupancy(
            capacity=upt.capacity,
            occupants=figures["occupants"],
            detainees=figures["detainees"],
            sentenced=figures["sentenced"],
            male=figures["male"],
            female=figures["female"],
            temporarily_out=figures["temporarily_out"],
            narcotics=figures["narcotics"],
        ),
        detention_due=detention_due,
        detention_counts={d: figures[f"det{d}"] for d in DETENTION_WARNING_DAYS},
        detention_overdue=figures["det_overdue"],
        releases_due=releases_due,
        release_counts={m: figures[f"rel{m}"] for m in RELEASE_HORIZON_MONTHS},
        releases_overdue=figures["rel_overdue"],
        missing_verdict=missing_verdict,
        missing_verdict_count=figures["missing_verdict"],
        limits=limits,
    )
