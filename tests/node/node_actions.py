"""What the two-server tests do *inside* one server, run there through ``manage.py shell`` (conftest's
``Server.shell``): a day of entry at the node through the UPT's services, and the register as each server holds
it, in a form both sides can compare."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from central.nik import nik_compose


def _days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def day_of_entry(
    *, upt_code: str, operator: str, admit: int, release: int = 0, register_change: int = 0, odd_nik: bool = False
) -> dict:
    """Admit ``admit`` people, release ``release`` of those held and move ``register_change`` from A.II to A.III,
    as the node's operator does through the services; ``odd_nik``: the first one's NIK does not match the
    birth date (central's warning P_NIK_IMPLAUSIBLE, for the correction list). Returns the counts held."""
    from central.models import Upt
    from upt.models import Movement, Person
    from upt.services.movements import movement_record
    from upt.services.people import person_create

    user = get_user_model().objects.get(username=operator)
    upt = Upt.objects.get(code=upt_code)
    start = Person.objects.filter(upt=upt).count()
    for i in range(start + 1, start + admit + 1):
        birth = date(1980 + i % 20, 1 + i % 12, 1 + i % 27)
        nik_birth = birth.replace(year=birth.year - 1) if odd_nik and i == start + 1 else birth
        person_create(
            user=user,
            upt=upt,
            data={
                "reg_number": f"AII/{i:04d}/2026",
                "nik": nik_compose(region="330105", birth_date=nik_birth, sex="L", serial=i),
                "full_name": f"Warga Binaan Node {i}",
                "sex": "L",
                "birth_place": "Cilacap",
                "birth_date": birth,
                "religion": "ISLAM",
                "crime_category": "NARKOTIKA_PENGGUNA",
                "register": "A.II",
                "register_since": _days_ago(10),
                "detention_start": _days_ago(30),
                "admission_date": _days_ago(30),
            },
            admission_document=f"SP.Han/{i:04d}/2026",
        )
    held = Person.objects.filter(upt=upt, status="IN", register="A.II").order_by("reg_number")
    for person in list(held[:release]):
        movement_record(
            user=user,
            person=person,
            kind="RELEASE",
            date=_days_ago(1),
            document_number=f"PB/{person.pk}/2026",
            release_reason="BEBAS_DEMI_HUKUM",
        )
    held = Person.objects.filter(upt=upt, status="IN", register="A.II").order_by("-reg_number")
    for person in list(held[:register_change]):
        movement_record(
            user=user,
            person=person,
            kind="REGISTER_CHANGE",
            date=_days_ago(2),
            document_number=f"SP/{person.pk}/2026",
            register_to="A.III",
        )
    return {"people": Person.objects.filter(upt=upt).count(), "movements": Movement.objects.filter(upt=upt).count()}


def node_register(*, upt_code: str) -> dict:
    """The node's register of its UPT: each person's key fields and each movement's uid, kind and date."""
    from upt.models import Movement, Person

    people = Person.objects.filter(upt__code=upt_code).values_list("reg_number", "full_name", "status", "register")
    movements = Movement.objects.filter(upt__code=upt_code).values_list("uid", "kind", "date")
    return {"people": sorted(map(list, people)), "movements": sorted([str(u), k, str(d)] for u, k, d in movements)}


def central_register(*, upt_code: str) -> dict:
    """Central's national register of the UPT, in ``node_register``'s form."""
    from central.models import NationalMovement, NationalPerson

    people = NationalPerson.objects.filter(upt__code=upt_code).values_list(
        "reg_number", "full_name", "status", "register"
    )
    movements = NationalMovement.objects.filter(upt__code=upt_code).values_list("uid", "kind", "date")
    return {"people": sorted(map(list, people)), "movements": sorted([str(u), k, str(d)] for u, k, d in movements)}


def central_submissions(*, upt_code: str) -> list[dict]:
    """Central's stored packages of the UPT, oldest first."""
    from central.models import Submission

    return [
        {"package_id": str(s["package_id"]), "state": s["state"], "kind": s["kind"], "drift": s["drift_detected"]}
        for s in Submission.objects.filter(upt__code=upt_code)
        .order_by("received_at", "pk")
        .values("package_id", "state", "kind", "drift_detected")
    ]


def outbox(*, upt_code: str) -> list[dict]:
    """The node's outbox, oldest first: what an operator sees on the packages page."""
    from upt.models import OutboxPackage

    return [
        {
            "package_id": str(item.package_id),
            "state": item.state,
            "kind": item.kind,
            "attempts": item.attempts,
            "rows": item.rows,
            "answer": item.answer,
            "last_error": item.last_error,
        }
        for item in OutboxPackage.objects.filter(upt__code=upt_code).order_by("created_at", "pk")
    ]
