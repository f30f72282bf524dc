"""``manage.py purge_staging [--dry-run]``: delete now what the nightly staging purge would delete — the
staged rows of packages consolidated more than ``STAGING_RETENTION_DAYS`` ago — through the same service."""

from django.core.management.base import BaseCommand, CommandError

from central.services.retention import staging_purge


class Command(BaseCommand):
    help = (
        "Hapus baris staging kiriman yang sudah dikonsolidasi lebih dari STAGING_RETENTION_DAYS hari lalu "
        "(baris yang punya temuan validasi tetap disimpan). --dry-run: hanya hitung."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Hitung saja, tidak menghapus apa pun.")
        parser.add_argument("--days", type=int, help="Masa koreksi dalam hari (bawaan: STAGING_RETENTION_DAYS).")
        parser.add_argument("--batch-size", type=int, help="Baris per transaksi (bawaan: STAGING_PURGE_BATCH).")

    def handle(self, *args, dry_run=False, days=None, batch_size=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days harus 1 atau lebih.")
        if batch_size is not None and batch_size < 1:
            raise CommandError("--batch-size harus 1 atau lebih.")
        result = staging_purge(retention_days=days, batch_size=batch_size, dry_run=dry_run)
        if result.skipped:
            self.stdout.write("Pembersihan staging lain sedang berjalan; tidak dijalankan lagi.")
            return
        verb = "akan dihapus" if dry_run else "dihapus"
        per_table = ", ".join(f"{table}: {n}" for table, n in result.deleted.items())
        self.stdout.write(
            f"Batas: dikonsolidasi sebelum {result.cutoff:%Y-%m-%d %H:%M} UTC. {result.total} baris {verb} "
            f"dari {result.submissions} kiriman ({per_table}); {result.batches} batch."
        )
        if not dry_run:
            self.stdout.write(f"{result.kept} baris dengan temuan validasi tetap disimpan untuk daftar koreksi.")
        if result.yielded:
            self.stdout.write(
                "Berhenti lebih awal karena konsolidasi sedang berjalan; sisanya dihapus pada jadwal berikutnya."
            )
