"""What the two-server tests do *inside* the node, run there through ``manage.py shell`` (conftest's
``Server.shell``): a day of entry through the UPT's services, as the node's operator makes it."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from central.nik import nik_compose


def _days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)


def day_of_entry(*, upt_code: str, operator: str, admit: int, release: int = 0, register_change: int = 0) -> dict:
    """Admit ``admit`` people, release ``release`` of those held and move ``register_change`` from A.II to A.III,
    as the node's operator does through the services. Returns the UPT's counts of people and movements."""
    from central.models import Upt
    from upt.models import Movement, Person
    from upt.services.movements import movement_record
    from upt.services.people import person_create

    user = get_user_model().objects.get(username=operator)
    upt = Upt.objects.get(code=upt_code)
    start = Person.objects.filter(upt=upt).count()
    for i in range(start + 1, start + admit + 1):
        birth = date(1980 + i % 20, 1 + i % 12, 1 + i % 27)
        person_create(
            user=user,
            upt=upt,
            data={
                "reg_number": f"AII/{i:04d}/2026",
                "nik": nik_compose(region="330105", birth_date=birth, sex="L", serial=i),
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
