"""``python manage.py bench_staging --days 21 [--no-purge]``: staging's size per simulated day of national
packages, with and without the retention purge (``devtools.national.staging_bench``). Runs are real
and committed: use a database set aside for it, seeded with ``seed_national``."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.national.bench import BenchError
from devtools.national.staging_bench import staging_bench


class Command(BaseCommand):
    help = (
        "Ukur ukuran tabel staging per hari simulasi kiriman nasional harian, dengan atau tanpa pembersihan "
        "staging. Data dari seed_national; konsolidasi sungguhan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=21, help="hari yang disimulasikan")
        parser.add_argument("--no-purge", action="store_true", help="tanpa pembersihan (pembanding)")
        parser.add_argument(
            "--retention-days", type=int, default=settings.STAGING_RETENTION_DAYS, help="masa koreksi (hari)"
        )
        parser.add_argument("--full-every", type=int, default=7, help="paket lengkap tiap N hari (0: tidak pernah)")
        parser.add_argument("--batch-size", type=int, help="baris per transaksi pembersihan")
        parser.add_argument("--kanwil", help="hanya UPT satu Kanwil (kode provinsi)")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "bench-results"))

    def handle(self, *args, days, no_purge, retention_days, full_every, batch_size, kanwil, out, **options):
        if days < 1 or retention_days < 1:
            raise CommandError("--days dan --retention-days paling sedikit 1.")
        logging.getLogger("central.services.inbox").setLevel(logging.WARNING)
        logging.getLogger("central.services.retention").setLevel(logging.WARNING)
        try:
            result = staging_bench(
                days=days,
                purge=not no_purge,
                retention_days=retention_days,
                full_every=full_every,
                batch_size=batch_size,
                say=self.stdout.write,
                kanwil=kanwil,
            )
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(out)
        path.mkdir(parents=True, exist_ok=True)
        name = path / f"staging-{'purge' if not no_purge else 'keep'}-{days}d.json"
        name.write_text(json.dumps([asdict(d) for d in result], indent=2))
        self.stdout.write("")
        self.stdout.write("| hari | paket | baris dikirim | dibersihkan | staging MiB | baris staging |")
        self.stdout.write("|---:|---|---:|---:|---:|---:|")
        for d in result:
            self.stdout.write(
                f"| {d.day} | {d.kind} | {d.rows_sent:,} | {d.purged_rows:,} | {d.staged_bytes / 2**20:,.1f} | "
                f"{d.staged_rows:,} |"
            )
        self.stdout.write(f"\nJSON: {name}")
