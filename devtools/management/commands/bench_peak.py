"""``python manage.py bench_peak``: the morning peak (``devtools.national.peak``) — every UPT posts its daily
package to the production web server at once while report readers browse. Needs ``seed_national``'s dataset
(its register is loaded first if empty). Packages are stored for real: use a database set aside for it."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.national.bench import BenchError, code_version
from devtools.national.peak import MorningPeak, format_summary, summary, write


class Command(BaseCommand):
    help = (
        "Ukur puncak pagi: semua UPT mengirim paket harian ke server web produksi serentak, sementara pembaca "
        "laporan membuka dasbor. Hasil JSON di bench-results/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--senders", type=int, default=8, help="koneksi pengirim serentak (bawaan 8)")
        parser.add_argument("--readers", type=int, default=50, help="pembaca laporan serentak (bawaan 50)")
        parser.add_argument(
            "--think",
            type=float,
            default=5.0,
            help="jeda pembaca antarhalaman, detik (bawaan 5); pembaca mulai tersebar selama satu jeda",
        )
        parser.add_argument("--kanwil", help="hanya UPT satu Kanwil (kode provinsi): putaran sebagian, lebih cepat")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "bench-results"))

    def handle(self, *args, senders, readers, think, kanwil, out, **options):
        if senders < 1 or readers < 0 or think < 0:
            raise CommandError("--senders paling sedikit 1; --readers dan --think tidak negatif.")
        logging.getLogger("central.services.inbox").setLevel(logging.WARNING)
        try:
            peak = MorningPeak(senders=senders, readers=readers, think=think, say=self.stdout.write, kanwil=kanwil)
            peak.prepare()
            results = peak.run([("Putaran 1: delta harian", None), ("Putaran 2: 10% paket lengkap", 10)])
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
        data = [summary(r) for r in results]
        header = (
            f"kode {code_version()}; {len(peak.bench.units)} UPT; {senders} pengirim serentak, "
            f"{readers} pembaca (jeda {think} s); "
            f"{os.cpu_count()} CPU; gunicorn seperti README (operations/gunicorn.py)"
        )
        self.stdout.write(header)
        for item in data:
            self.stdout.write(format_summary(item))
        path = write([{"header": header}, *data], Path(out))
        self.stdout.write(f"JSON: {path}")
        self.stdout.write(json.dumps({d["label"]: d["last_package_stored_after"] for d in data}))
