"""The derived fields of a person, recomputed from their sources of truth.

- ``status``: from the movement history (each movement kind's resulting status, ``MOVEMENT_RULES``);
- ``register``: the last movement that names a register (the opening movement names the first one);
- ``remission_days``: the sum of the person's remissions;
- ``expiry_date``: ``central.sentence.expiry_date`` of detention start, sentence, subsider and remissions.

``register_since`` and the verdict fields are set by the service that records the register change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from central.reference import MOVEMENT_RULES
from central.sentence import Term, expiry_date
from upt.models import Movement, Person, Remission


def sentence_term(person: Person) -> Term:
    return Term(years=person.sentence_years, months=person.sentence_months, days=person.sentence_days)


def subsidiary_term(person: Person) -> Term:
    return Term(months=person.subsidiary_months, days=person.subsidiary_days)


def person_expiry(person: Person) -> date | None:
    return expiry_date(
        register=person.register,
        detention_start=person.detention_start,
        sentence=sentence_term(person),
        subsidiary=subsidiary_term(person),
        fine_paid=person.fine_paid,
        remission_days=person.remission_days,
    )


def status_after(movements: Iterable[Movement]) -> str | None:
    """The status the movements leave a person in (movements in the order they happened)."""
    status: str | None = None
    for movement in movements:
        result = MOVEMENT_RULES[movement.kind].result
        if result is not None:
            status = result
    return status


def register_after(movements: Iterable[Movement]) -> str | None:
    register: str | None = None
    for movement in movements:
        if movement.register_to:
            register = movement.register_to
    return register


def person_derived_refresh(person: Person) -> list[str]:
    """Recompute every derived field on ``person`` (not saved). Returns the names of fields that changed."""
    movements = list(person.movements.order_by("date", "recorded_at", "pk"))
    before = {f: getattr(person, f) for f in ("status", "register", "remission_days", "expiry_date")}
    person.status = status_after(movements) or person.status
    person.register = register_after(movements) or person.register
    person.remission_days = person.remissions.aggregate(total=Sum("days"))["total"] or 0
    person.expiry_date = person_expiry(person)
    return [f for f, value in before.items() if getattr(person, f) != value]


def people_derived_refresh(*, people: QuerySet[Person], batch_size: int = 2000) -> int:
    """Bring the derived fields of many people in step at once — after a bulk import, or when the sentence
    conventions change. Set-based for status, register and remission days; the expiry date is computed by
    ``central.sentence`` in batches. Rows that change get a new ``updated_at`` (so the next daily package
    carries them); no change-history rows are written for this repair. Returns the number of rows changed.
    """
    latest = Movement.objects.filter(person=OuterRef("pk")).order_by("-date", "-recorded_at", "-pk")
    changing = [kind for kind, rule in MOVEMENT_RULES.items() if rule.result is not None]
    result = Case(
        *[When(kind=kind, then=Value(str(MOVEMENT_RULES[kind].result))) for kind in changing],
        output_field=CharField(),
    )
    totals = (
        Remission.objects.filter(person=OuterRef("pk")).order_by().values("person").annotate(t=Sum("days")).values("t")
    )
    derived = people.annotate(
        new_status=Coalesce(Subquery(latest.filter(kind__in=changing).annotate(r=result).values("r")[:1]), F("status")),
        new_register=Coalesce(Subquery(latest.exclude(register_to="").values("register_to")[:1]), F("register")),
        new_remission_days=Coalesce(Subquery(totals), Value(0)),
    )
    stale = derived.filter(
        ~Q(status=F("new_status")) | ~Q(register=F("new_register")) | ~Q(remission_days=F("new_remission_days"))
    ).values_list("pk", "new_status", "new_register", "new_remission_days")
    now = timezone.now()
    changed: set[int] = set()
    batch = []
    for row in stale.iterator(chunk_size=batch_size):
        batch.append(Person(pk=row[0], status=row[1], register=row[2], remission_days=row[3], updated_at=now))
        if len(batch) >= batch_size:
            Person.objects.bulk_update(batch, ["status", "register", "remission_days", "updated_at"])
            changed.update(p.pk for p in batch)
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["status", "register", "remission_days", "updated_at"])
        changed.update(p.pk for p in batch)

    fields = (
        "pk",
        "register",
        "detention_start",
        "sentence_years",
        "sentence_months",
        "sentence_days",
        "subsidiary_months",
        "subsidiary_days",
        "fine_paid",
        "remission_days",
        "expiry_date",
    )
    batch = []
    for person in Person.objects.filter(pk__in=people.values("pk")).only(*fields).iterator(chunk_size=batch_size):
        expiry = person_expiry(person)
        if expiry != person.expiry_date:
            person.expiry_date = expiry
            person.updated_at = now
            batch.append(person)
            changed.add(person.pk)
        if len(batch) >= batch_size:
            Person.objects.bulk_update(batch, ["expiry_date", "updated_at"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["expiry_date", "updated_at"])
    return len(changed)
