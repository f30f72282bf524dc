"""Each validation rule with a row that breaks it and a row that passes it, through a real run; errors keep
the row out of the register, warnings let it in. Plus the catalogue's sync and switches."""

from datetime import date, timedelta

import pytest
from django.db import connection

from central.models import (
    NationalMovement,
    NationalPerson,
    NationalRemission,
    RowIssue,
    StagedMovement,
    StagedRemission,
    ValidationRule,
)
from central.sentence import Term, b_register_for
from central.validation import RULES, RULES_BY_CODE, b_register_sql, validation_rules_sync
from tests.consolidation.helpers import (
    consolidate,
    detainee_values,
    movement_values,
    package,
    person_values,
    remission_values,
    today,
)

pytestmark = pytest.mark.django_db

D = timedelta


def _person_case(code, bad: dict, good: dict):
    return (code, "person", bad, good)


# (rule, record type, overrides that break the rule, overrides of a row that passes it)
CASES = [
    _person_case("P_REQUIRED", {"full_name": "  "}, {}),
    _person_case("P_CODE_UNKNOWN", {"crime_category": "SIHIR"}, {"crime_category": "KORUPSI"}),
    _person_case("P_CODE_OPTIONAL", {"religion": "JEDI"}, {"religion": ""}),
    _person_case("P_NIK_FORMAT", {"nik": "33010217059"}, {"nik": ""}),
    _person_case("P_NIK_IMPLAUSIBLE", {"nik": "3301022005900001"}, {"nik": "3301021705900001"}),
    _person_case(
        "P_NIK_IMPLAUSIBLE",
        {"nik": "3301025705900001"},  # day + 40 is a woman's NIK, the row says male
        {"nik": "3301025705900001", "sex": "P"},
    ),
    _person_case("P_DATE_FUTURE", {"admission_date": "+3"}, {}),
    _person_case("P_DATE_ORDER", {"detention_start": "admission+5"}, {}),
    # Ages on the day detention started (400 days ago): 12 at the least, 110 at the most.
    _person_case("P_AGE_IMPLAUSIBLE", {"birth_date": "-12y", "nik": ""}, {"birth_date": "-14y", "nik": ""}),
    _person_case("P_AGE_IMPLAUSIBLE", {"birth_date": "-112y", "nik": ""}, {"birth_date": "-110y", "nik": ""}),
    _person_case("P_REGISTER_SENTENCE", {"register": "B.IIa"}, {"register": "B.IIa", "sentence_years": 1}),
    _person_case(
        "P_REGISTER_SENTENCE",
        {"register": "B.III", "sentence_years": 0},
        {"register": "B.III", "sentence_years": 0, "sentence_months": 2},
    ),
    _person_case("P_VERDICT_MISSING", {"verdict_date": None, "register_since": "detention"}, {}),
    _person_case("P_DETENTION_START_MISSING", {"detention_start": None, "expiry_date": None}, {}),
    _person_case("P_EXPIRY_PASSED", {"expiry_date": "-1"}, {"expiry_date": "-1", "status": "RELEASED"}),
    ("P_DETENTION_OVERDUE", "detainee", {"detention_limit_date": "-1"}, {"detention_limit_date": "+0"}),
    ("M_KIND_UNKNOWN", "movement", {"kind": "TELEPORTASI"}, {}),
    ("M_OTHER_UPT", "movement", {"kind": "TRANSFER_OUT", "other_upt_code": "LP9999"}, {"kind": "TRANSFER_OUT"}),
    ("M_OTHER_UPT", "movement", {"kind": "TRANSFER_IN", "other_upt_code": ""}, {"kind": "TRANSFER_IN"}),
    ("M_OTHER_UPT", "movement", {"kind": "TRANSFER_OUT", "other_upt_code": "LP3301"}, {"kind": "TRANSFER_OUT"}),
    ("M_PERSON_UNKNOWN", "movement", {"person_reg_number": "TIDAK/ADA"}, {}),
    ("M_DATE_FUTURE", "movement", {"date": "+2"}, {}),
    ("M_DETAILS_MISSING", "movement", {"kind": "RELEASE"}, {"kind": "RELEASE", "release_reason": "BEBAS_MURNI"}),
    (
        "M_DETAILS_MISSING",
        "movement",
        {"kind": "TEMP_EXIT", "exit_reason": "PIKNIK"},
        {"kind": "TEMP_EXIT", "exit_reason": "SIDANG"},
    ),
    ("M_DETAILS_MISSING", "movement", {"kind": "REGISTER_CHANGE"}, {"kind": "REGISTER_CHANGE", "register_to": "B.I"}),
    ("M_BEFORE_ADMISSION", "movement", {"date": "-500"}, {}),
    ("R_KIND_UNKNOWN", "remission", {"kind": "RX"}, {}),
    ("R_DAYS_RANGE", "remission", {"days": 0}, {"days": 365}),
    ("R_PERSON_UNKNOWN", "remission", {"person_reg_number": "TIDAK/ADA"}, {}),
    ("R_DATE_FUTURE", "remission", {"decree_date": "+5"}, {}),
    ("R_DECREE_MISSING", "remission", {"decree_number": " "}, {}),
]


def _resolve(values: dict, base: dict) -> dict:
    """Turn the symbolic dates of CASES into real ones ("+3" days from today, "-10y" years ago…)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, str) and key in (
            "admission_date",
            "date",
            "decree_date",
            "expiry_date",
            "detention_limit_date",
        ):
            if value.startswith("admission"):
                value = base["admission_date"] + D(days=int(value.removeprefix("admission")))
            else:
                value = today() + D(days=int(value))
        elif key == "birth_date" and isinstance(value, str):
            years = int(value.removesuffix("y"))
            value = today().replace(year=today().year + years)
        elif key == "detention_start" and isinstance(value, str):
            value = base["admission_date"] + D(days=int(value.removeprefix("admission")))
        elif key == "register_since" and value == "detention":
            value = base["detention_start"]
        out[key] = value
    return out


def _build(world, record_type, bad, good):
    """A package with an owner person and two rows: one that breaks the rule, one that passes it."""
    owner = person_values("BI/OWNER")
    persons, movements, remissions = [owner], [], []
    if record_type in ("person", "detainee"):
        make = person_values if record_type == "person" else detainee_values
        base = make("X")
        persons += [make("BAD/1", **_resolve(bad, base)), make("GOOD/1", **_resolve(good, base))]
        return persons, movements, remissions, ("BAD/1", "GOOD/1")
    other = {"other_upt_code": world.upt_b.code} if bad.get("kind", "").startswith("TRANSFER") else {}
    make = movement_values if record_type == "movement" else remission_values
    bad_row = make(**{"person_reg_number": "BI/OWNER", **other, **_resolve(bad, owner)})
    good_row = make(**{"person_reg_number": "BI/OWNER", **other, **_resolve(good, owner)})
    (movements if record_type == "movement" else remissions).extend([bad_row, good_row])
    return persons, movements, remissions, (str(bad_row["uid"]), str(good_row["uid"]))


@pytest.mark.parametrize(
    ("code", "record_type", "bad", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_flags_the_bad_row_and_passes_the_good_one(world, code, record_type, bad, good):
    persons, movements, remissions, (bad_key, good_key) = _build(world, record_type, bad, good)
    sub = package(world.upt_a, persons=persons, movements=movements, remissions=remissions)
    run = consolidate(world.central)
    assert run.state == "succeeded", run.error

    flagged = {
        key for key, rule in RowIssue.objects.filter(submission=sub, rule=code).values_list("record_key", "rule")
    }
    assert bad_key in flagged
    assert good_key not in flagged
    rule = RULES_BY_CODE[code]
    issue = RowIssue.objects.get(submission=sub, rule=code, record_key=bad_key)
    assert issue.severity == rule.severity
    assert issue.run_id == run.pk

    national = {"person": NationalPerson, "detainee": NationalPerson, "movement": NationalMovement}.get(
        record_type, NationalRemission
    )
    key_field = "reg_number" if national is NationalPerson else "uid"
    in_register = set(map(str, national.objects.values_list(key_field, flat=True)))
    assert good_key in in_register or code == "P_REQUIRED"  # the good row may still break another rule
    if rule.severity == "error":
        assert bad_key not in in_register
    else:
        assert bad_key in in_register


def test_duplicate_registration_numbers_in_one_package_reject_both_rows(world):
    twin = person_values("BI/KEMBAR")
    sub = package(world.upt_a, persons=[twin, {**twin, "full_name": "Budi Santosa"}, person_values("BI/LAIN")])
    consolidate(world.central)
    assert RowIssue.objects.filter(submission=sub, rule="P_DUPLICATE_REG").count() == 2
    assert list(NationalPerson.objects.values_list("reg_number", flat=True)) == ["BI/LAIN"]
    sub.refresh_from_db()
    assert (sub.state, sub.rows_accepted, sub.rows_rejected) == ("partial", 1, 2)


@pytest.mark.parametrize(("code", "record_type"), [("M_DUPLICATE_UID", "movement"), ("R_DUPLICATE_UID", "remission")])
def test_duplicate_uids_in_one_package_reject_both_rows(world, code, record_type):
    make = movement_values if record_type == "movement" else remission_values
    twin, single = make(), make()
    rows = [twin, {**twin, "document_number": "SP/2", "decree_number": "PAS-2"}, single]
    if record_type == "movement":
        for row in rows:
            row.pop("decree_number", None)
    else:
        for row in rows:
            row.pop("document_number", None)
    sub = package(world.upt_a, persons=[person_values()], **{f"{record_type}s": rows})
    consolidate(world.central)
    assert issues_count(sub, code) == 2
    model = NationalMovement if record_type == "movement" else NationalRemission
    assert list(model.objects.values_list("uid", flat=True)) == [single["uid"]]


def issues_count(sub, code):
    return RowIssue.objects.filter(submission=sub, rule=code).count()


def test_a_clean_package_raises_no_issue(world):
    sub = package(
        world.upt_a,
        persons=[person_values(), detainee_values()],
        movements=[movement_values(), movement_values("AII/001/2026", date=today() - D(days=10))],
        remissions=[remission_values()],
    )
    consolidate(world.central)
    assert not RowIssue.objects.filter(submission=sub).exists()
    sub.refresh_from_db()
    assert (sub.state, sub.rows_accepted, sub.rows_rejected, sub.rows_warned) == ("accepted", 5, 0, 0)


def test_a_movement_may_refer_to_a_person_already_in_the_register(world):
    consolidate_first = package(world.upt_a, persons=[person_values()])
    consolidate(world.central)
    consolidate_first.refresh_from_db()
    delta = package(world.upt_a, kind="delta", movements=[movement_values(kind="TEMP_EXIT", exit_reason="SIDANG")])
    consolidate(world.central)
    assert not RowIssue.objects.filter(submission=delta).exists()
    # ...but not to a person of another UPT.
    other = package(world.upt_b, kind="delta", movements=[movement_values()])
    consolidate(world.central)
    assert RowIssue.objects.filter(submission=other, rule="M_PERSON_UNKNOWN").count() == 1


def test_rows_staged_without_the_derived_person_columns_are_looked_up_the_long_way(world):
    """Rows staged before receipt kept whether their person came with them (NULL) are checked as before:
    a person in the register or in another of the run's packages is known, any other is not."""
    package(world.upt_a, persons=[person_values("A/1")])
    consolidate(world.central)
    package(world.upt_a, kind="delta", persons=[person_values("A/2", nik="")])
    unknown_movement, unknown_remission = movement_values("X/9"), remission_values("X/9")
    sub = package(
        world.upt_a,
        kind="delta",
        movements=[
            movement_values("A/1", kind="TEMP_EXIT", exit_reason="SIDANG"),
            movement_values("A/2"),
            unknown_movement,
        ],
        remissions=[remission_values("A/1"), unknown_remission],
    )
    StagedMovement.objects.filter(submission=sub).update(person_in_package=None, person_admission_date=None)
    StagedRemission.objects.filter(submission=sub).update(person_in_package=None)
    consolidate(world.central)
    errors = set(RowIssue.objects.filter(submission=sub, severity="error").values_list("rule_id", "record_key"))
    assert errors == {
        ("M_PERSON_UNKNOWN", str(unknown_movement["uid"])),
        ("R_PERSON_UNKNOWN", str(unknown_remission["uid"])),
    }


def test_issue_detail_tells_the_operator_what_is_wrong(world):
    sub = package(world.upt_a, persons=[person_values("BI/9", register="B.IIb")])
    consolidate(world.central)
    issue = RowIssue.objects.get(submission=sub, rule="P_REGISTER_SENTENCE")
    assert issue.detail == "register B.IIb, pidana 4 tahun 0 bulan 0 hari: seharusnya B.I"
    assert issue.rule.message == "Register tidak sesuai dengan lama pidana."


def test_a_row_that_breaks_several_rules_gets_each_issue_once(world):
    """The rules that read only the row are one statement: the rows that break any rule are found first,
    then paired with the rules they break — every one of them, none twice, and none for the clean row."""
    bad = person_values("BI/7", religion="JEDI", nik="12AB", register="B.IIb")
    sub = package(world.upt_a, persons=[bad, person_values("BI/8", nik="")])
    consolidate(world.central)
    issues = list(RowIssue.objects.filter(submission=sub).values_list("record_key", "rule_id"))
    assert sorted(issues) == [("BI/7", "P_CODE_OPTIONAL"), ("BI/7", "P_NIK_FORMAT"), ("BI/7", "P_REGISTER_SENTENCE")]


def test_a_warning_keeps_the_row_and_counts_as_warned(world):
    sub = package(world.upt_a, persons=[person_values(religion="JEDI"), person_values("BI/2", religion="ISLAM")])
    consolidate(world.central)
    sub.refresh_from_db()
    assert (sub.state, sub.rows_accepted, sub.rows_rejected, sub.rows_warned) == ("accepted", 2, 0, 1)


def test_a_package_of_only_bad_rows_is_rejected(world):
    sub = package(world.upt_a, persons=[person_values(sex="X")])
    run = consolidate(world.central)
    sub.refresh_from_db()
    assert (sub.state, sub.rows_accepted, sub.rows_rejected) == ("rejected", 0, 1)
    assert (run.rows_received, run.rows_accepted, run.rows_rejected) == (1, 0, 1)


def test_catalogue_is_synced_with_messages_and_severities(db):
    validation_rules_sync()
    stored = {r.code: r for r in ValidationRule.objects.all()}
    assert set(stored) == {r.code for r in RULES}
    for rule in RULES:
        assert stored[rule.code].severity == rule.severity
        assert stored[rule.code].message == rule.message
        assert stored[rule.code].record_type == rule.record_type


def test_a_switched_off_rule_is_not_applied_but_structural_rules_always_are(world):
    validation_rules_sync()
    ValidationRule.objects.filter(code__in=["P_CODE_OPTIONAL", "P_CODE_UNKNOWN"]).update(is_active=False)
    sub = package(
        world.upt_a, persons=[person_values("BI/1", religion="JEDI"), person_values("BI/2", crime_category="X")]
    )
    consolidate(world.central)
    assert set(RowIssue.objects.filter(submission=sub).values_list("record_key", "rule")) == {
        ("BI/2", "P_CODE_UNKNOWN")
    }
    assert ValidationRule.objects.get(code="P_CODE_UNKNOWN").is_active  # the run's sync switched it back on
    assert not ValidationRule.objects.get(code="P_CODE_OPTIONAL").is_active


def test_register_sql_agrees_with_b_register_for():
    """The SQL CASE of P_REGISTER_SENTENCE and central.sentence.b_register_for give the same register."""
    terms = [(y, m, d) for y in (0, 1, 2) for m in (0, 1, 2, 3, 4, 11, 12) for d in (0, 1, 15, 29, 30, 31, 59, 61)]
    values = ", ".join(f"({y}, {m}, {d})" for y, m, d in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.sentence_years, t.sentence_months, t.sentence_days, {b_register_sql('t')} "
            f"FROM (VALUES {values}) AS t(sentence_years, sentence_months, sentence_days)"
        )
        rows = cursor.fetchall()
    assert len(rows) == len(terms)
    for y, m, d, register in rows:
        expected = b_register_for(Term(y, m, d))
        assert register == (expected.value if expected else None), (y, m, d)


def test_nik_date_part_for_a_woman_is_day_plus_forty(world):
    woman = person_values("BI/W", sex="P", nik="3301025705900001", birth_date=date(1990, 5, 17))
    sub = package(world.upt_a, persons=[woman])
    consolidate(world.central)
    assert not RowIssue.objects.filter(submission=sub).exists()


NIK_CASES = [
    ("3301021705900001", "L", date(1990, 5, 17)),
    ("3301021705900001", "L", None),
    ("3301021705900001", "L", date(1990, 5, 18)),  # another birthday
    ("3301025705900001", "L", date(1990, 5, 17)),  # a woman's NIK for a man
    ("3301025705900001", "P", date(1990, 5, 17)),
    ("9901021705900001", "L", None),  # no such province
    ("3300021705900001", "L", None),  # regency 00
    ("3301001705900001", "L", None),  # district 00
    ("3301021705900000", "L", None),  # serial 0000
    ("1111111111111111", "L", None),
    ("3301023104900001", "L", None),  # 31 April
    ("3301022902000001", "L", date(2000, 2, 29)),
    ("3301023002000001", "L", None),  # 30 February
    ("3301021713900001", "L", None),  # month 13
    ("6501021705900001", "L", None),  # Kalimantan Utara: a province without a Kanwil of its own
    ("3299021705900001", "L", None),  # no regency 99 in Jawa Tengah
    ("3301991705900001", "L", None),  # above Cilacap's highest district (24)
    ("3301241705900001", "L", None),  # Cilacap's district 24
    ("1104041705900001", "L", None),  # a district code retired when Bener Meriah was formed
    ("9101021705900001", "L", None),  # Merauke's code before Papua Selatan
    ("9201991705900001", "L", None),  # a retired regency: its districts are not checked
    ("3301020005900001", "L", None),  # day 00
    ("3301024005900001", "P", None),  # day 40: a woman's day 0
    ("3301023205900001", "L", None),  # day 32
    ("3301027205900001", "P", None),  # day 72: a woman's 32nd
    ("3301024101900001", "P", date(1990, 1, 1)),
    ("3301027101900001", "P", date(1990, 1, 31)),
    ("3301027101900001", "P", date(1990, 1, 30)),  # another day of birth
    ("3301026902000001", "P", date(2000, 2, 29)),
    ("3301027002000001", "P", None),  # a woman's 30 February
    ("3301021700900001", "L", None),  # month 00
    ("3301021705910001", "L", date(1990, 5, 17)),  # another year of birth
    ("3301021705900001", "L", date(1890, 5, 17)),  # the same two digits of another century
    ("3301021705900001", "P", date(1990, 5, 17)),  # a man's NIK for a woman
    ("330102170590000", "L", None),  # 15 digits
    ("33010217059000011", "L", None),  # 17 digits
    ("330102170590000١", "L", None),  # an Arabic-Indic digit
]


def test_nik_sql_agrees_with_the_shared_nik_module():
    """The SQL of P_NIK_IMPLAUSIBLE and linkage says what central.nik.nik_problems says (data entry's check)."""
    from central.nik import nik_problems
    from central.validation import nik_linkable_sql, nik_plausible_sql

    def born_sql(born):
        return f"'{born.isoformat()}'" if born else "NULL"

    values = ", ".join(f"('{nik}', '{sex}', CAST({born_sql(born)} AS date))" for nik, sex, born in NIK_CASES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.nik, s.sex, s.birth_date, {nik_plausible_sql('s')}, "
            f"{nik_linkable_sql('s.nik')} FROM (VALUES {values}) AS s(nik, sex, birth_date) WHERE %(x)s = 1",
            {"x": 1},
        )
        rows = cursor.fetchall()
    assert len(rows) == len(NIK_CASES)
    for nik, sex, born, plausible, linkable in rows:
        assert plausible == (nik_problems(nik, birth_date=born, sex=sex) == []), (nik, sex, born)
        assert linkable == (nik_problems(nik) == []), nik
