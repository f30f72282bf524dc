"""``python manage.py seed_national [--people N] [--days D] [--seed S] [--replace]``: generate the whole
country — 33 Kanwil, 531 UPT, their working registers and two years of daily snapshots (DESIGN §1)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum

from central.models import Kanwil
from central.reference import HELD_STATUSES, occupancy_rate_percent
from devtools.national import facts
from devtools.national.seed import DatasetExists, national_seed
from upt.models import Person


class Command(BaseCommand):
    help = (
        "Bangkitkan data nasional sintetis: 531 UPT di 33 Kanwil, register WBP dengan mutasi dan remisi, "
        "dan riwayat snapshot hunian harian. Deterministik untuk satu --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=facts.DEFAULT_PEOPLE, help="penghuni hari ini")
        parser.add_argument("--days", type=int, default=730, help="hari riwayat snapshot hunian")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=date.fromisoformat, help="hari terakhir (YYYY-MM-DD; bawaan: hari ini WIB)")
        parser.add_argument(
            "--replace", action="store_true", help="hapus dulu semua UPT dan seluruh datanya (register, kiriman, runs)"
        )

    def handle(self, *args, people, days, seed, today, replace, **options):
        if people < 0 or days < 0:
            raise CommandError("--people dan --days tidak boleh negatif.")
        try:
            summary = national_seed(
                people=people, days=days, seed=seed, today=today, replace=replace, progress=self.stdout.write
            )
        except DatasetExists:
            raise CommandError(
                "Basis data sudah berisi UPT. Jalankan dengan --replace untuk menggantinya "
                "(semua UPT, register, kiriman, konsolidasi dan snapshot dihapus)."
            )
        total = sum(summary.seconds.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {total:.1f} s: {summary.upts} UPT, {summary.people:,} WBP ({summary.held:,} penghuni), "
                f"{summary.movements:,} mutasi, {summary.remissions:,} remisi, {summary.snapshots:,} snapshot, "
                f"{summary.breakdowns:,} rincian hunian."
            )
        )
        self.stdout.write("  waktu: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.seconds.items()))
        self._report()

    def _report(self) -> None:
        """Occupancy per Kanwil as generated, most crowded first."""
        held_by_kanwil = Counter(
            dict(
                Person.objects.filter(status__in=list(HELD_STATUSES))
                .values("upt__kanwil__code")
                .annotate(n=Count("pk"))
                .values_list("upt__kanwil__code", "n")
            )
        )
        lines = []
        for kanwil in Kanwil.objects.annotate(units=Count("upts"), places=Sum("upts__capacity")).order_by("code"):
            capacity = kanwil.places or 0
            occupants = held_by_kanwil[kanwil.code]
            lines.append(
                (occupancy_rate_percent(occupants, capacity) or 0, kanwil.province, kanwil.units, capacity, occupants)
            )
        # The occupancy rate as the reports define it (central.reference): 100 % is full; never a negative figure.
        self.stdout.write(f"  {'Kanwil':<28} {'UPT':>4} {'kapasitas':>10} {'penghuni':>9} {'tingkat hunian':>15}")
        for rate, name, units, capacity, occupants in sorted(lines, reverse=True):
            self.stdout.write(f"  {name:<28} {units:>4} {capacity:>10,} {occupants:>9,} {rate:>14.0f}%")
        capacity, occupants = sum(x[3] for x in lines), sum(x[4] for x in lines)
        rate = occupancy_rate_percent(occupants, capacity) or 0
        self.stdout.write(
            f"  {'Nasional':<28} {sum(x[2] for x in lines):>4} {capacity:>10,} {occupants:>9,} {rate:>14.0f}%"
        )
