"""``python manage.py bench [--runs N] [--only first,full,all,daily,receive,pages]``: the national-scale benchmarks
(``devtools.national.bench``) over the dataset of ``seed_national``. Prints a table and writes JSON
into ``bench-results/``. Consolidation runs are real and committed: use a database set aside for it (``first``
empties its national register each repetition)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.national.bench import BenchError, NationalBench, format_table, write_results

SCENARIOS = ("receive", "first", "full", "all", "daily", "pages")


class Command(BaseCommand):
    help = (
        "Ukur konsolidasi nasional (dibanding SQL polos), penerimaan paket, memori dan halaman pada data "
        "seed_national. Median beberapa putaran; hasil JSON di bench-results/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="putaran per skenario (median)")
        parser.add_argument("--only", help=f"skenario dipisah koma: {', '.join(SCENARIOS)} (bawaan: semua)")
        parser.add_argument("--kanwil", help="hanya UPT satu Kanwil (kode provinsi): putaran sebagian, lebih cepat")
        parser.add_argument(
            "--history-days",
            type=int,
            default=0,
            help="sebelum putaran harian yang diukur, jalani N hari (delta setiap UPT dan konsolidasi, sehari "
            "sekali); putaran yang diukur lalu masing-masing pada hari baru",
        )
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "bench-results"))

    def handle(self, *args, runs, only, kanwil, history_days, out, **options):
        chosen = set(only.split(",")) if only else None
        if chosen and chosen - set(SCENARIOS):
            raise CommandError(f"Skenario tidak dikenal: {', '.join(sorted(chosen - set(SCENARIOS)))}")
        if runs < 1:
            raise CommandError("--runs paling sedikit 1.")
        if history_days < 0:
            raise CommandError("--history-days tidak boleh negatif.")
        # One line per received package would bury the table (531 per national round); the level is put
        # back afterwards, for a process that goes on (the tests call the command in-process).
        inbox_log = logging.getLogger("central.services.inbox")
        level = inbox_log.level
        inbox_log.setLevel(logging.WARNING)
        try:
            bench = NationalBench(runs=runs, say=self.stdout.write, kanwil=kanwil, history_days=history_days)
            result = bench.run(only=chosen)
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            inbox_log.setLevel(level)
        path = write_results(result, Path(out))
        self.stdout.write("")
        self.stdout.write(format_table(result))
        self.stdout.write(f"\nJSON: {path}")
