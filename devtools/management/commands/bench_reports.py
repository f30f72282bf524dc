"""``python manage.py bench_reports``: server time and query count of the report pages at national scale.

Generates (or reuses) a national report history — 531 UPTs, two years of daily snapshots, packages,
runs and results (``devtools.report_dataset``) — then requests each report page, export and API
endpoint in-process through Django's test client as central, a Kanwil monitor and an operator, and
prints the median, min and max server time of several runs with the query count. Run it against a
database of its own (``DATABASE_URL``); it never touches UPTs other than the ones it generated.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext

from central.formats import show_date
from central.models import ConsolidationRun, OccupancySnapshot, Upt
from central.roles import Role
from central.services.roles import role_set
from devtools.national.bench import production_like_requests
from devtools.report_dataset import NATIONAL_UPTS, report_dataset_generate


class Command(BaseCommand):
    help = "Measure the report pages, exports and API on a national-size dataset (generated if missing)."

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="Regenerate the dataset even if present.")
        parser.add_argument(
            "--use-existing",
            action="store_true",
            help="Generate nothing: measure the active UPTs already in the database (e.g. from seed_national).",
        )
        parser.add_argument("--upts", type=int, default=NATIONAL_UPTS, help="UPTs to generate (default 531).")
        parser.add_argument("--days", type=int, default=730, help="Days of history to generate (default 730).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default="SN", help="Code prefix of the generated UPTs (default SN).")
        parser.add_argument("--runs", type=int, default=7, help="Timed runs per page; the median is reported.")
        parser.add_argument("--json", dest="json_path", help="Also write the results as JSON to this file.")

    def handle(self, *args, generate, use_existing, upts, days, seed, prefix, runs, json_path, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        if use_existing and generate:
            raise CommandError("--generate and --use-existing exclude each other.")
        present = Upt.objects.filter(code__startswith=prefix).count()
        if not use_existing and (generate or present == 0):
            self.stdout.write(f"Membuat data nasional: {upts} UPT × {days} hari …")
            summary = report_dataset_generate(upt_count=upts, days=days, seed=seed, prefix=prefix)
            self.stdout.write(
                f"  {summary.snapshots:,} snapshot, {summary.breakdowns:,} rincian, {summary.submissions:,} kiriman, "
                f"{summary.runs:,} proses, {summary.results:,} hasil UPT, {summary.issues:,} temuan, "
                f"{summary.conflicts} konflik — {summary.seconds:.1f} s"
            )
        generated = Upt.objects.filter(is_active=True) if use_existing else Upt.objects.filter(code__startswith=prefix)
        stats = OccupancySnapshot.objects.filter(upt__in=generated).aggregate(n=Count("id"), last=Max("date"))
        if not stats["n"]:
            raise CommandError("The UPTs measured have no snapshots: generate them (--generate or seed_national).")
        day: dt.date = stats["last"]
        region_code = (
            generated.values("kanwil__code").annotate(n=Count("id")).order_by("-n", "kanwil__code")[0]["kanwil__code"]
        )
        upt = generated.filter(kanwil__code=region_code).order_by("code").first()
        run = ConsolidationRun.objects.filter(upt_results__upt__in=generated).order_by("-pk").first()

        users = self._users(region_code, upt)
        clients = {}
        for role, user in users.items():
            client = Client()
            client.force_login(user)
            clients[role] = client

        d = day.isoformat()
        d30 = (day - dt.timedelta(days=29)).isoformat()
        d365 = (day - dt.timedelta(days=364)).isoformat()
        cases = [
            ("national", "Dasbor nasional", f"/laporan/nasional/?tanggal={d}"),
            ("kanwil", "Dasbor Kanwil (wilayah terbesar)", f"/kanwil/?tanggal={d}"),
            ("national", "Kepatuhan nasional, 1 hari", f"/laporan/nasional/kepatuhan/?dari={d}&sampai={d}"),
            ("national", "Kepatuhan nasional, 30 hari", f"/laporan/nasional/kepatuhan/?dari={d30}&sampai={d}"),
            ("national", "Kepatuhan nasional, 365 hari", f"/laporan/nasional/kepatuhan/?dari={d365}&sampai={d}"),
            ("kanwil", "Kepatuhan Kanwil, 30 hari", f"/laporan/wilayah/{region_code}/kepatuhan/?dari={d30}&sampai={d}"),
            ("national", "Hunian & tren nasional, 30 hari", f"/laporan/nasional/hunian/?tanggal={d}&periode=30"),
            ("national", "Hunian & tren nasional, 365 hari", f"/laporan/nasional/hunian/?tanggal={d}&periode=365"),
            ("national", "Aktivitas konsolidasi nasional", f"/laporan/nasional/konsolidasi/?dari={d30}&sampai={d}"),
            ("national", "Hasil satu proses (nasional)", f"/laporan/nasional/konsolidasi/{run.pk}/" if run else ""),
            ("operator", "Halaman UPT (operator)", f"/laporan/upt/{upt.code}/?tanggal={d}"),
            (
                "national",
                "Ekspor XLSX: dasbor nasional per Kanwil",
                f"/laporan/nasional/?tanggal={d}&format=xlsx&tabel=kanwil",
            ),
            (
                "national",
                "Ekspor XLSX: kepatuhan nasional 30 hari",
                f"/laporan/nasional/kepatuhan/?dari={d30}&sampai={d}&format=xlsx",
            ),
            ("kanwil", "Ekspor CSV: dasbor Kanwil", f"/kanwil/?tanggal={d}&format=csv&tabel=upt"),
            ("national", "API hunian (nasional, semua UPT)", f"/api/v1/reports/occupancy/?date={d}&page_size=1000"),
            (
                "national",
                "API kepatuhan (nasional, 30 hari)",
                f"/api/v1/reports/compliance/?start={d30}&end={d}&page_size=1000",
            ),
        ]
        self.stdout.write(
            f"Data: {generated.count()} UPT, snapshot terakhir {show_date(day)}, wilayah uji {region_code}; "
            f"median dari {runs} kali, waktu server dalam proses (tanpa jaringan)."
        )
        header = f"{'halaman':<44} {'median':>9} {'min':>9} {'maks':>9} {'kueri':>6} {'ukuran':>9}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        results = []
        with self._settings():
            for role, label, url in cases:
                if not url:
                    continue
                results.append(self._measure(clients[role], label, url, runs))
        if json_path:
            path = Path(json_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps(
                    {"date": day.isoformat(), "upts": generated.count(), "runs": runs, "pages": results}, indent=2
                )
            )
            self.stdout.write(f"JSON: {path}")

    def _measure(self, client: Client, label: str, url: str, runs: int) -> dict:
        reset_queries()  # each request starts with an empty query log; so must the capture
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)  # warm-up, and the query count
        query_count = len(queries)  # read now: the next request empties the connection's query log
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        times = []
        for _run in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        row = {
            "page": label,
            "url": url,
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "max_ms": round(max(times), 1),
            "queries": query_count,
            "bytes": len(response.content),
        }
        self.stdout.write(
            f"{label:<44} {row['median_ms']:>7.1f}ms {row['min_ms']:>7.1f}ms {row['max_ms']:>7.1f}ms "
            f"{row['queries']:>6} {row['bytes'] / 1024:>7.0f}kB"
        )
        return row

    def _users(self, region_code: str, upt: Upt) -> dict:
        from central.models import Kanwil

        User = get_user_model()
        central, _c = User.objects.get_or_create(username="bench.pusat")
        role_set(user=central, role=Role.CENTRAL)
        monitor, _c = User.objects.get_or_create(username=f"bench.kanwil.{region_code}")
        role_set(user=monitor, role=Role.KANWIL, kanwils=[Kanwil.objects.get(code=region_code)])
        operator, _c = User.objects.get_or_create(username="bench.operator")
        role_set(user=operator, role=Role.OPERATOR, upts=[upt])
        return {"national": central, "kanwil": monitor, "operator": operator}

    def _settings(self):
        return production_like_requests()
