"""Sentence and detention dates — the one module that computes them, for data entry, packages and validation.

Conventions (each is a choice the operators' practice supports; change them here and only here):

- A term is counted in calendar units from the start of detention: 9 May 2017 + 2 years = 9 May 2019,
  the expiry date (*tanggal ekspirasi*), the day the person is due to go free. A month added to the 31st
  lands on the month's last day (31 January + 1 month = 28 or 29 February).
- *Subsider* (substitute imprisonment for an unpaid fine) is added after the main term, unless the fine
  was paid. Remissions are whole days taken off the end (1 month of remission = 30 days, as the
  remission regulations count it).
- The 1/3, 1/2 and 2/3 dates are fractions of the effective term in days (term plus subsider minus
  remissions) counted from the start of detention, rounded up to the next whole day: a day not yet
  fully served does not count.
- Pembebasan bersyarat (PB) needs 2/3 served and that 2/3 to be at least 9 months.
- A detainee's lawful detention under one authority runs for the initial period plus the longest
  extension (``DetentionLimit``), from the day that register began; the last lawful day is
  ``since + total − 1``.
- Life and death sentences have no expiry and no fractions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import ngettext

from central.reference import DETAINEE_REGISTERS, TERM_REGISTERS, Register

REMISSION_DAYS_PER_MONTH = 30
PAROLE_MINIMUM_MONTHS = 9


@dataclass(frozen=True)
class Term:
    """A length of time as a court states it: years, months and days."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0:
            raise ValueError("A term cannot be negative.")

    @property
    def is_zero(self) -> bool:
        return self.years == 0 and self.months == 0 and self.days == 0

    def end_from(self, start: date) -> date:
        """The date this term, counted from ``start``, runs out."""
        return start + relativedelta(years=self.years, months=self.months, days=self.days)

    def __str__(self) -> str:
        parts = []
        if self.years:
            parts.append(ngettext("%(n)d tahun", "%(n)d tahun", self.years) % {"n": self.years})
        if self.months:
            parts.append(ngettext("%(n)d bulan", "%(n)d bulan", self.months) % {"n": self.months})
        if self.days or not parts:
            parts.append(ngettext("%(n)d hari", "%(n)d hari", self.days) % {"n": self.days})
        return " ".join(parts)


def remission_days(months: int = 0, days: int = 0) -> int:
    """A remission decree's "1 bulan 15 hari" as days (a remission month is 30 days)."""
    return months * REMISSION_DAYS_PER_MONTH + days


@dataclass(frozen=True)
class SentenceDates:
    start: date
    one_third: date
    one_half: date
    two_thirds: date
    expiry: date
    effective_days: int  # term + subsider − remissions, in days
    parole_eligible_from: date | None  # the 2/3 date when that 2/3 is at least 9 months, else None


def sentence_dates(
    *,
    detention_start: date,
    sentence: Term,
    subsidiary: Term = Term(),
    fine_paid: bool = False,
    remission_days: int = 0,
) -> SentenceDates:
    """The milestones of a fixed-term sentence. Raises ``ValueError`` for a zero-length sentence."""
    if sentence.is_zero:
        raise ValueError("A sentence of zero length has no dates.")
    if remission_days < 0:
        raise ValueError("Remission days cannot be negative.")
    end = sentence.end_from(detention_start)
    if not fine_paid and not subsidiary.is_zero:
        end = subsidiary.end_from(end)
    full_days = (end - detention_start).days
    effective_days = max(full_days - remission_days, 0)
    expiry = detention_start + timedelta(days=effective_days)

    def fraction(numerator: int, denominator: int) -> date:
        return detention_start + timedelta(days=math.ceil(effective_days * numerator / denominator))

    two_thirds = fraction(2, 3)
    nine_months_after_start = detention_start + relativedelta(months=PAROLE_MINIMUM_MONTHS)
    parole = two_thirds if two_thirds >= nine_months_after_start else None
    return SentenceDates(
        start=detention_start,
        one_third=fraction(1, 3),
        one_half=fraction(1, 2),
        two_thirds=two_thirds,
        expiry=expiry,
        effective_days=effective_days,
        parole_eligible_from=parole,
    )


def expiry_date(
    *,
    register: str,
    detention_start: date | None,
    sentence: Term,
    subsidiary: Term = Term(),
    fine_paid: bool = False,
    remission_days: int = 0,
) -> date | None:
    """Tanggal ekspirasi, or ``None`` where there is none (detainees, life, death, missing data)."""
    if register not in TERM_REGISTERS or detention_start is None or sentence.is_zero:
        return None
    return sentence_dates(
        detention_start=detention_start,
        sentence=sentence,
        subsidiary=subsidiary,
        fine_paid=fine_paid,
        remission_days=remission_days,
    ).expiry


def b_register_for(sentence: Term, *, kurungan: bool = False) -> Register | None:
    """The B register a sentence of this length belongs in (B.I > 1 year, B.IIa > 3 months to 1 year,
    B.IIb 1 day to 3 months; kurungan is always B.III). Days count as 30 to the month, as the
    registration standard compares lengths, not calendar spans."""
    if kurungan:
        return Register.B_III
    if sentence.is_zero:
        return None
    months = sentence.years * 12 + sentence.months + sentence.days // 30
    extra_days = sentence.days % 30
    if months > 12 or (months == 12 and extra_days > 0):
        return Register.B_I
    if months > 3 or (months == 3 and extra_days > 0):
        return Register.B_IIA
    return Register.B_IIB


@dataclass(frozen=True)
class DetentionWindow:
    register: str
    since: date
    total_days: int
    last_day: date

    def days_remaining(self, today: date) -> int:
        """Days left including today; 0 on the last day's morrow, negative once overdue."""
        return (self.last_day - today).days


def detention_window(*, register: str, since: date | None, limits: Iterable) -> DetentionWindow | None:
    """The lawful detention window of a detainee's current register.

    ``limits`` are ``DetentionLimit`` rows (or objects with ``register``, ``effective_from`` and
    ``total_days``); the one applying is the latest in force on ``since``.
    """
    if register not in DETAINEE_REGISTERS or since is None:
        return None
    applicable = [lim for lim in limits if lim.register == register and lim.effective_from <= since]
    if not applicable:
        return None
    limit = max(applicable, key=lambda lim: lim.effective_from)
    return DetentionWindow(
        register=register,
        since=since,
        total_days=limit.total_days,
        last_day=since + timedelta(days=limit.total_days - 1),
    )
