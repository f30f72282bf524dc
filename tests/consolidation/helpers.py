"""Building received packages (submissions with staged rows) and reading the register back, for the
consolidation tests. Rows are written with the ORM, as the receiving service would stage them."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from datetime import date, timedelta

from django.utils import timezone

from central.linkage import name_key
from central.models import (
    Conflict,
    ConsolidationRun,
    NationalMovement,
    NationalPerson,
    NationalRemission,
    OccupancyBreakdown,
    OccupancySnapshot,
    RowIssue,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
)
from central.models.records import PERSON_PACKAGE_FIELDS
from central.sentence import Term, expiry_date
from central.services.consolidation import consolidation_execute, consolidation_request
from central.services.inbox import package_people
from tests.factories import SubmissionFactory

_row_numbers = itertools.count(1)
_received = itertools.count(1)


def today() -> date:
    return timezone.localdate()


def content_hash(values: dict) -> str:
    return hashlib.sha256(repr(sorted((k, str(v)) for k, v in values.items())).encode()).hexdigest()


def person_values(reg_number: str = "BI/001/2025", **overrides) -> dict:
    """A valid sentenced person (B.I, 4 years), held, with a NIK that matches birth date and sex."""
    t = today()
    detention_start = t - timedelta(days=400)
    verdict = detention_start + timedelta(days=120)
    values = {
        "reg_number": reg_number,
        "nik": "3301021705900001",
        "full_name": "Budi Santoso",
        "sex": "L",
        "birth_place": "Cilacap",
        "birth_date": date(1990, 5, 17),
        "religion": "ISLAM",
        "education": "SMA",
        "register": "B.I",
        "register_since": verdict,
        "crime_category": "NARKOTIKA_PENGGUNA",
        "verdict_date": verdict,
        "sentence_years": 4,
        "detention_start": detention_start,
        "admission_date": detention_start + timedelta(days=2),
        "status": "IN",
    }
    values.update(overrides)
    values.setdefault(
        "expiry_date",
        expiry_date(
            register=values["register"],
            detention_start=values["detention_start"],
            sentence=Term(
                values.get("sentence_years", 0), values.get("sentence_months", 0), values.get("sentence_days", 0)
            ),
        ),
    )
    values.setdefault("name_key", name_key(values["full_name"], values["birth_date"], values["birth_place"]))
    return values


def detainee_values(reg_number: str = "AII/001/2026", **overrides) -> dict:
    t = today()
    start = t - timedelta(days=10)
    base = {
        "register": "A.II",
        "sentence_years": 0,
        "verdict_date": None,
        "detention_start": start,
        "register_since": start,
        "admission_date": start,
        "detention_limit_date": start + timedelta(days=49),
        "expiry_date": None,
    }
    base.update(overrides)
    return person_values(reg_number, **base)


def movement_values(person_reg_number: str = "BI/001/2025", **overrides) -> dict:
    values = {
        "uid": uuid.uuid4(),
        "person_reg_number": person_reg_number,
        "kind": "ADMISSION",
        "date": today() - timedelta(days=398),
        "document_number": "SP/1/2025",
    }
    values.update(overrides)
    return values


def remission_values(person_reg_number: str = "BI/001/2025", **overrides) -> dict:
    values = {
        "uid": uuid.uuid4(),
        "person_reg_number": person_reg_number,
        "kind": "RU",
        "days": 30,
        "decree_number": "PAS-1.PK.01.05.06",
        "decree_date": today() - timedelta(days=30),
    }
    values.update(overrides)
    return values


def package(
    upt,
    *,
    kind: str = "full",
    persons: list[dict] = (),
    movements: list[dict] = (),
    remissions: list[dict] = (),
    deletions: list[tuple[str, str]] = (),
    received_at=None,
    sent_by=None,
):
    """A received submission of ``upt`` with the given staged rows; returns the Submission."""
    received_at = received_at or timezone.now() - timedelta(hours=1) + timedelta(seconds=next(_received))
    extra = {"sent_by": sent_by} if sent_by is not None else {}
    submission = SubmissionFactory(
        upt=upt,
        kind=kind,
        generated_at=received_at,
        received_at=received_at,
        person_count=len(persons),
        movement_count=len(movements),
        remission_count=len(remissions),
        deletion_count=len(deletions),
        **extra,
    )
    StagedPerson.objects.bulk_create(
        [
            StagedPerson(submission=submission, row_no=next(_row_numbers), content_hash=content_hash(p), **p)
            for p in persons
        ]
    )
    # The columns receipt derives from the package's people, as it derives them (a test may set its own).
    people = package_people((p["reg_number"], p.get("admission_date")) for p in persons)

    def derived(row: dict, *columns: str) -> dict:
        reg = row["person_reg_number"]
        values = {"person_in_package": reg in people, "person_admission_date": people.get(reg)}
        return {column: values[column] for column in columns if column not in row}

    StagedMovement.objects.bulk_create(
        [
            StagedMovement(
                submission=submission,
                row_no=next(_row_numbers),
                content_hash=content_hash(m),
                **m,
                **derived(m, "person_in_package", "person_admission_date"),
            )
            for m in movements
        ]
    )
    StagedRemission.objects.bulk_create(
        [
            StagedRemission(
                submission=submission,
                row_no=next(_row_numbers),
                content_hash=content_hash(r),
                **r,
                **derived(r, "person_in_package"),
            )
            for r in remissions
        ]
    )
    StagedDeletion.objects.bulk_create(
        [StagedDeletion(submission=submission, record_type=t, record_key=k) for t, k in deletions]
    )
    return submission


def consolidate(user=None, *, trigger: str = "command") -> ConsolidationRun:
    """Run a consolidation synchronously, as ``manage.py consolidate`` does."""
    request = consolidation_request(user=user, trigger=trigger, enqueue=False)
    run = consolidation_execute(run_id=request.run.pk)
    assert run is not None
    return run


def issues_of(submission, **filters) -> set[tuple[str, str]]:
    """{(record_key, rule code)} of a submission's row issues."""
    return set(RowIssue.objects.filter(submission=submission, **filters).values_list("record_key", "rule_id"))


def register_state() -> dict:
    """Everything a run writes, without surrogate keys or run ids, so the results of two runs can be compared."""
    identity_key = {}
    for pk, reg, upt in NationalPerson.objects.values_list("identity_id", "reg_number", "upt__code"):
        if pk is not None:
            identity_key.setdefault(pk, []).append(f"{upt}:{reg}")
    canonical = {pk: "|".join(sorted(keys)) for pk, keys in identity_key.items()}
    person_fields = [*PERSON_PACKAGE_FIELDS, "uid", "name_key", "expiry_date", "detention_limit_date", "content_hash"]
    return {
        "people": sorted(
            (row[0], *row[2:], canonical.get(row[1]))
            for row in NationalPerson.objects.values_list("upt__code", "identity_id", *person_fields)
        ),
        "movements": sorted(
            NationalMovement.objects.values_list(
                "upt__code", "uid", "person_reg_number", "kind", "date", "other_upt__code"
            )
        ),
        "remissions": sorted(NationalRemission.objects.values_list("upt__code", "uid", "person_reg_number", "days")),
        "conflicts": sorted(
            (kind, upt, other, state, canonical.get(identity))
            for kind, upt, other, state, identity in Conflict.objects.values_list(
                "kind", "upt__code", "other_upt__code", "state", "identity_id"
            )
        ),
        "snapshot": sorted(
            OccupancySnapshot.objects.values_list(
                "date", "upt__code", "capacity", "detainees", "sentenced", "male", "female"
            )
        ),
        "breakdown": sorted(
            OccupancyBreakdown.objects.values_list("date", "upt__code", "register", "sex", "crime_category", "count")
        ),
    }


def scenario(phase: int, upt_a, upt_b, upt_c) -> None:
    """Packages exercising every part of a run (rules, linkage, conflicts, tombstones, full snapshots,
    several packages of one unit in a run), in two phases with a run after each. Used to compare runs done
    by one worker, by several and after faults."""
    t = today()
    uids = (uuid.UUID(int=phase * 100 + i) for i in itertools.count(1))  # the same in every replay

    def mv(*args, **kwargs):
        return movement_values(*args, uid=next(uids), **kwargs)

    def rm(*args, **kwargs):
        return remission_values(*args, uid=next(uids), **kwargs)

    if phase == 1:
        package(
            upt_a,
            persons=[
                person_values("A/1"),
                person_values("A/2", nik="", full_name="Siti Aminah", sex="P", birth_date=date(1985, 2, 3)),
                person_values("A/3", nik="3301021705900009", status="TRANSFERRED", full_name="Joko"),
                person_values("A/4", nik="123", full_name="Salah NIK"),
                detainee_values("A/5", nik="", full_name="Tahanan Lama", detention_limit_date=t - timedelta(days=2)),
                person_values("A/6", nik="", full_name="Ahmad Dahlan", status="RELEASED"),
            ],
            movements=[
                mv("A/1"),
                mv("A/3", kind="TRANSFER_OUT", date=t - timedelta(days=20), other_upt_code=upt_c.code),
                mv("A/2", kind="TRANSFER_OUT", date=t - timedelta(days=3), other_upt_code="NOPE"),
            ],
            remissions=[rm("A/1"), rm("A/9")],
        )
        package(
            upt_b,
            persons=[
                person_values("B/1", admission_date=t - timedelta(days=5)),
                person_values("B/2", nik="", full_name="Siti Aminah", sex="P", birth_date=date(1985, 2, 3)),
                person_values("B/2", nik="", full_name="Duplikat"),
            ],
        )
    else:
        package(upt_a, kind="delta", persons=[person_values("A/1", cell="3C")], deletions=[("person", "A/2")])
        package(upt_a, kind="delta", persons=[person_values("A/6", nik="", full_name="Ahmad Dahlan", status="IN")])
        package(upt_b, kind="full", persons=[person_values("B/1", admission_date=t - timedelta(days=5))])
        package(
            upt_c,
            persons=[
                person_values("C/1", nik="3301021705900009", full_name="Joko", admission_date=t - timedelta(days=1))
            ],
            movements=[mv("C/1", kind="TRANSFER_IN", date=t - timedelta(days=1), other_upt_code=upt_a.code)],
        )


def comparable_state() -> dict:
    """``register_state`` plus submissions and issues, as JSON-friendly text."""
    from central.models import Submission

    state = register_state()
    state["submissions"] = sorted(
        Submission.objects.values_list("upt__code", "kind", "state", "rows_accepted", "rows_rejected", "rows_warned")
    )
    state["issues"] = sorted(
        (*row[:-1], json.dumps(row[-1], sort_keys=True))
        for row in RowIssue.objects.values_list(
            "submission__upt__code", "record_type", "record_key", "rule", "severity", "detail_code", "detail_args"
        )
    )
    return {key: [[str(v) for v in row] for row in rows] for key, rows in state.items()}


def full_state() -> dict:
    """``comparable_state`` plus the per-UPT results of each run that succeeded (in order, without ids)."""
    from central.models import RunUptResult

    state = comparable_state()
    succeeded = ConsolidationRun.objects.filter(state="succeeded").order_by("pk").values_list("pk", flat=True)
    runs = {pk: i for i, pk in enumerate(succeeded)}
    state["results"] = sorted(
        [str(runs[row[0]]), *(str(v) for v in row[1:])]
        for row in RunUptResult.objects.values_list(
            "run_id",
            "upt__code",
            "submissions_count",
            "rows_received",
            "rows_accepted",
            "rows_rejected",
            "rows_warned",
            "conflicts",
        )
    )
    return state


def consolidation_wipe() -> None:
    """Forget every submission, run and everything runs wrote, so the same packages can be consolidated
    again from nothing (to compare two ways of running over the same input)."""
    from central.models import PersonIdentity, Submission

    for model in (Conflict, NationalRemission, NationalMovement, NationalPerson, PersonIdentity):
        model.objects.all().delete()
    for model in (OccupancyBreakdown, OccupancySnapshot, Submission, ConsolidationRun):
        model.objects.all().delete()
