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

from django.db.models import Sum

from central.reference import MOVEMENT_RULES
from central.sentence import Term, expiry_date


def sentence_term(person) -> Term:
    return Term(years=person.sentence_years, months=person.sentence_months, days=person.sentence_days)


def subsidiary_term(person) -> Term:
    return Term(months=person.subsidiary_months, days=person.subsidiary_days)


def person_expiry(person) -> date | None:
    return expiry_date(
        register=person.register,
        detention_start=person.detention_start,
        sentence=sentence_term(person),
        subsidiary=subsidiary_term(person),
        fine_paid=person.fine_paid,
        remission_days=person.remission_days,
    )


def status_after(movements: Iterable) -> str | None:
    """The status the movements leave a person in (movements in the order they happened)."""
    status = None
    for movement in movements:
        result = MOVEMENT_RULES[movement.kind].result
        if result is not None:
            status = result
    return status


def register_after(movements: Iterable) -> str | None:
    register = None
    for movement in movements:
        if movement.register_to:
            register = movement.register_to
    return register


def person_derived_refresh(person) -> list[str]:
    """Recompute every derived field on ``person`` (not saved). Returns the names of fields that changed."""
    movements = list(person.movements.order_by("date", "recorded_at", "pk"))
    before = {f: getattr(person, f) for f in ("status", "register", "remission_days", "expiry_date")}
    person.status = status_after(movements) or person.status
    person.register = register_after(movements) or person.register
    person.remission_days = person.remissions.aggregate(total=Sum("days"))["total"] or 0
    person.expiry_date = person_expiry(person)
    return [f for f, value in before.items() if getattr(person, f) != value]
