"""``python manage.py bench_register [--people 4000] [--runs 7]``: server time and queries of the register's
pages for one large UPT (Cipinang holds about 4,000 people).

Everything is generated inside a transaction that is rolled back at the end: the database is left as it was.
Pages are requested through Django's test client as a signed-in operator; the time is the whole request
(middleware, views, queries, templates), median of ``--runs`` after one warm-up.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from central.models import Kanwil, Upt
from central.nik import nik_compose
from central.reference import CrimeCategory, Register
from central.roles import Role
from central.services.roles import role_assign
from upt.models import Movement, Person, Remission
from upt.services.derived import people_derived_refresh
from upt.services.movements import movement_record
from upt.services.people import person_create, person_update
from upt.services.remissions import remission_record


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the UPT register's pages on a generated UPT of --people people (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=4000)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, people: int, runs: int, seed: int, **options):
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        try:
            with override_settings(STORAGES=storages), transaction.atomic():
                rows = self._bench(people, runs, seed)
                raise _Rollback
        except _Rollback:
            pass
        width = max(len(name) for name, *_ in rows)
        self.stdout.write(f"{'page'.ljust(width)}  median ms  min ms  of which SQL ms  queries")
        for name, median, best, sql, queries in rows:
            self.stdout.write(f"{name.ljust(width)}  {median:9.1f}  {best:6.1f}  {sql:14.1f}  {queries:7d}")
        server = connection.pg_version  # e.g. 150004 for 15.4
        self.stdout.write(
            f"({people} people in one UPT, {runs} runs each, PostgreSQL {server // 10000}.{server % 10000})"
        )

    def _bench(self, count: int, runs: int, seed: int) -> list[tuple[str, float, float, float, int]]:
        rng = random.Random(seed)
        upt = Upt.objects.create(
            code="BENCH-REG",
            name="Lapas Uji Beban",
            upt_type="LAPAS",
            kanwil=Kanwil.objects.get(code="31"),
            capacity=count // 2,
        )
        user = get_user_model().objects.create(username="bench.register")
        role_assign(user=user, role=Role.OPERATOR, upt=upt)
        self._generate(upt, user, count, rng)
        sample = self._person_with_history(upt, user)

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        code = upt.code
        list_url = reverse("upt:person_list", args=[code])

        def search(**params) -> str:
            # The search text travels by POST; the list it leads to is a GET with a session token.
            return client.post(list_url, params)["Location"]

        pages = [
            ("home", reverse("upt:home", args=[code])),
            ("list", list_url),
            ("list, search by name", search(q="santoso", status="semua")),
            ("list, NIK prefix", search(q="3171")),
            ("list, detention ≤ 10 days", reverse("upt:person_list", args=[code]) + "?daftar=tahanan-10&urut=batas"),
            ("list, releases ≤ 3 months", reverse("upt:person_list", args=[code]) + "?daftar=bebas-3&urut=ekspirasi"),
            ("list, page 30", reverse("upt:person_list", args=[code]) + "?status=semua&halaman=30"),
            ("person's file", reverse("upt:person_detail", args=[code, sample.pk])),
            ("movement form", reverse("upt:movement_create", args=[code, sample.pk])),
        ]
        rows = []
        for name, url in pages:
            client.get(url)
            times, sql, queries = [], [], 0
            for _ in range(runs):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                queries = len(captured)
                sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            rows.append((name, statistics.median(times), min(times), statistics.median(sql), queries))
        return rows

    def _generate(self, upt: Upt, user, count: int, rng: random.Random) -> None:
        """People in bulk (the services are timed elsewhere): 40 % detainees, the rest narapidana."""
        today = timezone.localdate()
        names = ["Santoso", "Wijaya", "Hutapea", "Siregar", "Pratama", "Saputra", "Nasution", "Kusuma"]
        detainee_registers = [Register.A_I, Register.A_II, Register.A_III, Register.A_IV, Register.A_V]
        categories = list(CrimeCategory.values)
        batch = []
        for i in range(count):
            start = today - timedelta(days=rng.randint(5, 2500))
            birth = start - timedelta(days=rng.randint(19 * 365, 60 * 365))
            sex = "P" if rng.random() < 0.05 else "L"
            fields = {
                "upt": upt,
                "reg_number": f"BENCH/{i:06d}",
                "nik": nik_compose(region="317101", birth_date=birth, sex=sex, serial=i),
                "full_name": f"{rng.choice(['Budi', 'Agus', 'Dewi', 'Rudi', 'Joko'])} {rng.choice(names)} {i}",
                "sex": sex,
                "birth_date": birth,
                "crime_category": rng.choice(categories),
                "detention_start": start,
                "admission_date": start,
            }
            if rng.random() < 0.4:
                since = today - timedelta(days=rng.randint(0, 100))
                fields.update(register=rng.choice(detainee_registers), register_since=max(since, start))
            else:
                years = rng.choice([1, 2, 3, 5, 8, 12])
                fields.update(
                    register=Register.B_I,
                    register_since=start,
                    verdict_date=start,
                    sentence_years=years,
                    verdict_number="" if rng.random() < 0.05 else f"{i}/Pid/PN",
                )
            batch.append(Person(**fields))
        Person.objects.bulk_create(batch, batch_size=1000)
        people = list(Person.objects.filter(upt=upt).only("pk", "admission_date", "register"))
        Movement.objects.bulk_create(
            [
                Movement(
                    person=p,
                    upt=upt,
                    kind="ADMISSION",
                    date=p.admission_date,
                    register_to=p.register,
                    document_number=f"SP/{p.pk}",
                    recorded_by=user,
                )
                for p in people
            ],
            batch_size=1000,
        )
        Remission.objects.bulk_create(
            [
                Remission(
                    person=p,
                    upt=upt,
                    kind="RU",
                    days=30,
                    decree_number=f"PAS-{p.pk}",
                    decree_date=p.admission_date + timedelta(days=200),
                    recorded_by=user,
                )
                for p in people
                if p.register == Register.B_I and p.admission_date + timedelta(days=200) <= today
            ],
            batch_size=1000,
        )
        people_derived_refresh(people=Person.objects.filter(upt=upt))

    def _person_with_history(self, upt: Upt, user) -> Person:
        """One person entered through the services with a long history (the file page's worst case)."""
        today = timezone.localdate()
        start = today - timedelta(days=900)
        person = person_create(
            user=user,
            upt=upt,
            admission_document="SP/1",
            data={
                "reg_number": "BENCH/FILE",
                "full_name": "Slamet Riwayat",
                "sex": "L",
                "birth_date": start.replace(year=start.year - 30),
                "nik": nik_compose(
                    region="317101", birth_date=start.replace(year=start.year - 30), sex="L", serial=9999
                ),
                "register": "A.II",
                "register_since": start,
                "crime_category": "PIDANA_UMUM",
                "detention_start": start,
                "admission_date": start,
            },
        )
        movement_record(
            user=user,
            person=person,
            kind="REGISTER_CHANGE",
            date=start + timedelta(days=40),
            document_number="BA-17",
            register_to="B.I",
            verdict={"verdict_date": start + timedelta(days=35), "sentence_years": 6},
        )
        for i in range(20):
            remission_record(
                user=user,
                person=person,
                kind="RK",
                days=5,
                decree_number=f"PAS-{i}",
                decree_date=today - timedelta(days=100 - i),
            )
            person_update(user=user, person=person, data={"cell": str(i)})
            movement_record(
                user=user, person=person, kind="TEMP_EXIT", date=today, document_number=f"S/{i}", exit_reason="SIDANG"
            )
            movement_record(user=user, person=person, kind="RETURN", date=today, document_number=f"K/{i}")
        return person
