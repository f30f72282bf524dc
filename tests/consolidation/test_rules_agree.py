"""The UPT's data entry and central's validation read the shared rules the same way: the same generated
rows go through the UPT's checks (``upt.services.rules.check_person``) and, staged in a package, through a
real consolidation run's set-based SQL; for each shared rule both must flag the same rows."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.models import RowIssue
from central.nik import nik_compose
from central.register_rules import CREATE_FIELDS
from tests.consolidation.helpers import consolidate, package, person_values, today
from upt.services.common import Errors
from upt.services.rules import AGE_RULE, DATE_ORDER_RULE, NIK_FORMAT_RULE, NIK_PLAUSIBLE_RULE, check_person, normalise

pytestmark = pytest.mark.django_db

SHARED_RULES = (AGE_RULE, DATE_ORDER_RULE, NIK_FORMAT_RULE, NIK_PLAUSIBLE_RULE)
_numbers = itertools.count(1)
TODAY = today()

days = st.integers(min_value=-60, max_value=400)
# Birth dates across the age bounds: from 125 years before detention to 5 years after it.
birth_offsets = st.one_of(
    st.none(),
    st.integers(min_value=-125 * 366, max_value=5 * 366),
    # Around the bounds themselves, to the day (29 February included when the years allow).
    st.sampled_from([12, 110]).flatmap(lambda y: st.tuples(st.just(y), st.integers(min_value=-3, max_value=3))),
)


@st.composite
def niks(draw, birth_date: date | None, sex: str) -> str:
    kind = draw(st.sampled_from(["plausible", "other_sex", "digits", "short", "text", "repeated", "foreign_digits"]))
    reference = birth_date or date(1990, 1, 1)
    if kind == "plausible":
        return nik_compose(region="330102", birth_date=reference, sex=sex, serial=draw(st.integers(0, 9999)))
    if kind == "other_sex":
        return nik_compose(region="330102", birth_date=reference, sex="P" if sex == "L" else "L", serial=7)
    if kind == "digits":
        return draw(st.text(alphabet="0123456789", min_size=16, max_size=16))
    if kind == "short":
        return draw(st.text(alphabet="0123456789", min_size=1, max_size=20).filter(lambda s: len(s) != 16))
    if kind == "repeated":
        return draw(st.sampled_from("0123456789")) * 16
    if kind == "foreign_digits":  # Arabic-Indic digits: str.isdigit() says yes, SQL's [0-9] says no
        return "33010217059" + "\u0661" * 5
    return draw(st.text(alphabet="0123456789ABX", min_size=16, max_size=16))


@st.composite
def rows(draw):
    detention_start = TODAY - timedelta(days=draw(st.integers(min_value=500, max_value=20000)))
    offset = draw(birth_offsets)
    if offset is None:
        birth_date = None
    elif isinstance(offset, tuple):
        years, shift = offset
        birth_date = detention_start.replace(year=detention_start.year - years, day=min(detention_start.day, 28))
        birth_date += timedelta(days=shift)
    else:
        birth_date = detention_start + timedelta(days=offset)
    sex = draw(st.sampled_from(["L", "P"]))
    admission = detention_start + timedelta(days=draw(days))
    verdict = draw(st.one_of(st.none(), days.map(lambda d: detention_start + timedelta(days=d))))
    since = detention_start + timedelta(days=draw(days))
    return {
        "nik": draw(niks(birth_date, sex)),
        "sex": sex,
        "birth_date": birth_date,
        "detention_start": detention_start,
        "admission_date": admission,
        "verdict_date": verdict,
        # A detainee's register: no verdict or sentence rule in the way of the rules compared here.
        "register": "A.II",
        "register_since": since,
        "sentence_years": 0,
        "expiry_date": None,
    }


def upt_verdict(world, values: dict) -> set[str]:
    record = normalise({field: values.get(field) for field in CREATE_FIELDS})
    errors = Errors()
    check_person(errors, record, upt=world.upt_a, today=TODAY)
    return errors.rules & set(SHARED_RULES)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(rows(), min_size=5, max_size=25))
def test_upt_and_central_flag_the_same_rows(world, batch):
    people = [person_values(f"AII/{next(_numbers):05d}/P", **values) for values in batch]
    submission = package(world.upt_a, persons=people)
    run = consolidate(world.central)
    assert run.state == "succeeded", run.error
    central = {}
    for key, code in RowIssue.objects.filter(submission=submission, rule__in=SHARED_RULES).values_list(
        "record_key", "rule_id"
    ):
        central.setdefault(key, set()).add(code)
    for values in people:
        assert upt_verdict(world, values) == central.get(values["reg_number"], set()), values
