"""The register's rules and field groups, defined once for the UPT's data entry and central's validation.

The UPT's checks (``upt.services.rules``), its forms and admin, the demo seeding and central's set-based SQL
(``central.validation``) all import from here, so that a row the UPT accepts is not flagged at central for
a rule the two read differently. This module sits in ``central`` (the bottom layer): ``upt`` may import it,
it imports nothing from ``upt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

# --- ages --------------------------------------------------------------------------------------------
# UU 11/2012 tentang Sistem Peradilan Pidana Anak (SPPA), art. 1(3): a child in conflict with the law is
# one who is 12 but not yet 18 at the time of the offence; under 12 no criminal process may be brought
# (art. 21). The offence comes before detention, so whoever is held was at least 12 on the day detention
# started; that day, not "today", is the reference (a person detained at 13 is 20 seven years later, and
# stays a lawful record). Art. 32(2) (detaining a child needs 14 years) is a narrower rule for pre-trial
# detention of children that the register cannot see (it does not record the offence date), so the
# register keeps the lower bound every lawful record meets. Above 110 at detention is a typing error.
MINIMUM_AGE_AT_DETENTION = 12
MAXIMUM_AGE_AT_DETENTION = 110
# The day the ages are measured on: the start of detention; the admission date when it is missing.
AGE_REFERENCE_FIELDS = ("detention_start", "admission_date")


def age_reference(record: Mapping[str, Any]) -> date | None:
    """The date the age rules measure on (see ``AGE_REFERENCE_FIELDS``)."""
    for field in AGE_REFERENCE_FIELDS:
        if record.get(field):
            return record[field]
    return None


def too_young(birth_date: date | None, reference: date | None) -> bool:
    """Younger than ``MINIMUM_AGE_AT_DETENTION`` on ``reference``."""
    return bool(birth_date and reference and birth_date > reference - relativedelta(years=MINIMUM_AGE_AT_DETENTION))


def too_old(birth_date: date | None, reference: date | None) -> bool:
    """Older than ``MAXIMUM_AGE_AT_DETENTION`` on ``reference``."""
    return bool(birth_date and reference and birth_date < reference - relativedelta(years=MAXIMUM_AGE_AT_DETENTION))


def age_sql(alias: str = "s") -> str:
    """``too_young or too_old`` in SQL (PostgreSQL clamps 29 February to the 28th as ``relativedelta`` does)."""
    ref = f"COALESCE({alias}.{AGE_REFERENCE_FIELDS[0]}, {alias}.{AGE_REFERENCE_FIELDS[1]})"
    return (
        f"({alias}.birth_date > CAST({ref} - interval '{MINIMUM_AGE_AT_DETENTION} years' AS date) "
        f"OR {alias}.birth_date < CAST({ref} - interval '{MAXIMUM_AGE_AT_DETENTION} years' AS date))"
    )


# --- NIK ---------------------------------------------------------------------------------------------
# The format; the plausibility checks are in ``central.nik`` (Python) and ``central.validation`` (SQL).
NIK_LENGTH = 16
NIK_SQL_PATTERN = f"^[0-9]{{{NIK_LENGTH}}}$"


# --- date order --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DateOrder:
    """``earlier`` must come before ``later`` (or on the same day unless ``strict``); both must be known."""

    earlier: str
    later: str
    strict: bool = False

    def broken(self, record: Mapping[str, Any]) -> bool:
        a, b = record.get(self.earlier), record.get(self.later)
        if a is None or b is None:
            return False
        return a >= b if self.strict else a > b

    def sql(self, alias: str = "s") -> str:
        op = ">=" if self.strict else ">"
        return f"{alias}.{self.earlier} {op} {alias}.{self.later}"


# Born before detention and admission; detained not after admission; the verdict and the current register
# not before detention started.
DATE_ORDER = (
    DateOrder("birth_date", "detention_start", strict=True),
    DateOrder("birth_date", "admission_date", strict=True),
    DateOrder("detention_start", "admission_date"),
    DateOrder("detention_start", "verdict_date"),
    DateOrder("detention_start", "register_since"),
)
# Dates that may not lie after today (WIB).
NOT_FUTURE_FIELDS = ("birth_date", "detention_start", "admission_date", "register_since", "verdict_date")

# --- a person's fields, in the order the forms show them ---------------------------------------------
IDENTITY_FIELDS = (
    "reg_number",
    "full_name",
    "alias",
    "sex",
    "nik",
    "nationality",
    "passport_number",
    "birth_place",
    "birth_date",
    "religion",
    "education",
    "occupation",
    "address",
)
CASE_FIELDS = ("crime_category", "detention_start", "case_number", "articles", "court")
SENTENCE_FIELDS = ("sentence_years", "sentence_months", "sentence_days")
VERDICT_FIELDS = (
    "verdict_date",
    "verdict_number",
    *SENTENCE_FIELDS,
    "fine_amount",
    "subsidiary_months",
    "subsidiary_days",
    "fine_paid",
)
PLACEMENT_FIELDS = ("block", "cell")
# Numbers a form may leave blank, meaning none (no years, no fine).
OPTIONAL_NUMBER_FIELDS = (*SENTENCE_FIELDS, "fine_amount", "subsidiary_months", "subsidiary_days")
# What an edit may change. The register, its start, the admission date and status follow movements;
# remission days follow remissions.
EDITABLE_FIELDS = (*IDENTITY_FIELDS, *CASE_FIELDS, *VERDICT_FIELDS, *PLACEMENT_FIELDS)
# What opening a record also sets.
OPENING_FIELDS = ("register", "register_since", "admission_date")
CREATE_FIELDS = (*EDITABLE_FIELDS, *OPENING_FIELDS)
# What movements and remissions derive; with CREATE_FIELDS, every field of a person's package row.
DERIVED_FIELDS = ("status", "remission_days")
# What a register change to a B register records about the final verdict.
MOVEMENT_VERDICT_FIELDS = (*VERDICT_FIELDS, "court")
# What a register change may change on the person (and its deletion puts back): a B register gives the
# person a registration number of its own (docs/REGISTER.md).
REGISTER_CHANGE_FIELDS = ("reg_number", "register", "register_since", *MOVEMENT_VERDICT_FIELDS)
# What a transfer in carries over from the record at the UPT of origin (the number, the dates of this
# stay and the placement are the receiving UPT's own).
TRANSFER_CARRIED_FIELDS = tuple(
    f for f in (*IDENTITY_FIELDS, "register", *CASE_FIELDS, *VERDICT_FIELDS) if f != "reg_number"
)
