"""Time ``submission_receive`` on a synthetic UPT package: ``python manage.py bench_receive``.

Each run receives a freshly generated full package for a throw-away UPT inside a transaction that is
rolled back afterwards, so the database is left as it was. Prints every run and the median.
"""

from __future__ import annotations

import os
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from central import package as pkg
from central.models import Kanwil, Upt
from central.roles import Role
from central.services.inbox import submission_receive
from central.services.roles import role_assign
from devtools.package_synthetic import synthetic_package

SCENARIOS = {
    # The heaviest kind of row: every one a person (35 columns, derived dates computed at receipt).
    "orang": {"persons": 1.0, "movements": 0.0, "remissions": 0.0},
    # A UPT's typical mix.
    "campuran": {"persons": 0.4, "movements": 0.5, "remissions": 0.1},
}


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the time to receive a daily package of N rows (median of several runs)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
        parser.add_argument("--gzip", action="store_true", help="send the package gzip-compressed")

    def handle(self, *args, rows: int, runs: int, scenario: str, gzip: bool, **options):
        names = list(SCENARIOS) if scenario == "all" else [scenario]
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        server = connection.pg_version  # e.g. 150004 for 15.4
        self.stdout.write(
            f"database: PostgreSQL {server // 10000}.{server % 10000}, rows per package: {rows:,}, runs: {runs}, "
            f"load average: {load} on {os.cpu_count()} CPUs (a busy machine stretches wall-clock times)"
        )
        for name in names:
            mix = SCENARIOS[name]
            counts = {k: int(rows * share) for k, share in mix.items()}
            counts["persons"] += rows - sum(counts.values())
            timings, cpu = [], []
            for run in range(runs):
                wall, process = self._one(counts, seed=run + 1, compress=gzip)
                timings.append(wall)
                cpu.append(process)
                self.stdout.write(f"  {name} run {run + 1}: {wall:.3f} s (CPU of this process {process:.3f} s)")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name} ({counts['persons']:,} orang, {counts['movements']:,} mutasi, "
                    f"{counts['remissions']:,} remisi): median {statistics.median(timings):.3f} s "
                    f"(CPU of this process {statistics.median(cpu):.3f} s)"
                )
            )

    def _one(self, counts: dict[str, int], *, seed: int, compress: bool) -> tuple[float, float]:
        elapsed = cpu = 0.0
        try:
            with transaction.atomic():
                kanwil = Kanwil.objects.order_by("code").first()
                upt = Upt.objects.create(
                    code=f"BENCH{seed:04d}", name="UPT uji kecepatan", upt_type="LAPAS", kanwil=kanwil, capacity=5000
                )
                user = get_user_model().objects.create(username=f"bench-receive-{seed}")
                role_assign(user=user, role=Role.OPERATOR, upt=upt)
                document = synthetic_package(upt_code=upt.code, seed=seed, **counts)
                payload = pkg.dumps(document)
                if compress:
                    import gzip as gz

                    payload = gz.compress(payload)
                del document
                started, started_cpu = time.perf_counter(), time.process_time()
                result = submission_receive(user=user, payload=payload, channel="api")
                elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
                assert result.created and result.submission.row_count == sum(counts.values())
                raise _Rollback
        except _Rollback:
            pass
        return elapsed, cpu
