"""``python manage.py bench_validation``: the time of each validation statement on a finished run's packages.

Validation is the largest step of a full national round besides the register's upserts; ``bench`` times it
as one step. This reruns the statements of the last succeeded run (or ``--run``) one by one, on the same
packages, in one transaction it rolls back — nothing is written — and prints each statement's seconds with
the rules it holds, best of ``--repeat``. The run's submissions are taken as the engine takes them
(``prepare_submissions``, so a small run plans as one), and the rules are the ones active now.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from central.models import ConsolidationRun, RunState
from central.services.consolidation.engine import ConsolidationEngine
from central.validation import active_rules, issue_statements
from devtools.national.bench import code_version


class Command(BaseCommand):
    help = "Time each validation statement on a finished run's packages (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, help="the run whose packages are validated again (default: the last)")
        parser.add_argument("--repeat", type=int, default=2, help="times each statement runs; the best is shown")

    def handle(self, *args, run, repeat, **options):
        if repeat < 1:
            raise CommandError("--repeat paling sedikit 1.")
        runs = ConsolidationRun.objects.filter(state=RunState.SUCCEEDED)
        chosen = runs.filter(pk=run).first() if run else runs.order_by("-pk").first()
        if chosen is None:
            raise CommandError("Tidak ada konsolidasi yang berhasil untuk diukur ulang.")
        self.stdout.write(f"kode {code_version()}; konsolidasi #{chosen.pk}, {chosen.rows_received:,} baris diterima")
        total = 0.0
        with transaction.atomic():
            engine = ConsolidationEngine(chosen, lambda *a, **k: None, timezone.localdate())
            engine.prepare_submissions()
            self.stdout.write("rencana: run kecil (lewat indeks)" if engine.q.small_run else "rencana: run besar")
            for statement, codes in issue_statements(engine.q, active_rules()):
                best = float("inf")
                for _ in range(repeat):
                    with transaction.atomic():  # each repetition writes its issues, then takes them back
                        started = time.perf_counter()
                        engine.sql(statement)
                        best = min(best, time.perf_counter() - started)
                        transaction.set_rollback(True)
                total += best
                self.stdout.write(f"{best:8.3f} s  {', '.join(codes)}")
            transaction.set_rollback(True)
        self.stdout.write(f"{total:8.3f} s  semua")
