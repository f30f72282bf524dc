"""Helpers for the UPT register's tests: people opened through the services, as an operator would."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from central.nik import nik_compose
from upt.services.people import person_create

_serial = itertools.count(1)


def days_ago(n: int) -> date:
    from django.utils import timezone

    return timezone.localdate() - timedelta(days=n)


def person_data(**overrides) -> dict:
    """Valid fields of a detainee (A.II since 10 days, detained 30 days ago)."""
    n = next(_serial)
    birth_date = overrides.pop("birth_date", date(1990, 5, 17))
    sex = overrides.get("sex", "L")
    data = {
        "reg_number": f"AII/{n:04d}/2026",
        "nik": nik_compose(region="330105", birth_date=birth_date, sex=sex, serial=n),
        "full_name": f"Budi Santoso {n}",
        "sex": sex,
        "birth_place": "Cilacap",
        "birth_date": birth_date,
        "religion": "ISLAM",
        "crime_category": "NARKOTIKA_PENGGUNA",
        "register": "A.II",
        "register_since": days_ago(10),
        "detention_start": days_ago(30),
        "admission_date": days_ago(30),
    }
    data.update(overrides)
    return data


def sentenced_data(**overrides) -> dict:
    """Valid fields of a narapidana: B.I, 3 years, verdict 60 days ago, detained 200 days ago."""
    values = {
        "register": "B.I",
        "register_since": days_ago(50),
        "detention_start": days_ago(200),
        "admission_date": days_ago(200),
        "verdict_date": days_ago(60),
        "verdict_number": "123/Pid.Sus/2026/PN Clp",
        "sentence_years": 3,
    }
    values.update(overrides)
    return person_data(**values)


@pytest.fixture
def admit(world):
    """``admit(**fields)``: a person opened at UPT A by operator A through ``person_create``."""

    def make(*, upt=None, user=None, document="SP.Han/01/2026", kind="ADMISSION", origin_upt=None, **fields):
        data = person_data(**fields) if fields.get("register", "A.II").startswith("A") else sentenced_data(**fields)
        return person_create(
            user=user or world.operator_a,
            upt=upt or world.upt_a,
            data=data,
            admission_kind=kind,
            admission_document=document,
            origin_upt=origin_upt,
        )

    return make
