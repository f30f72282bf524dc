"""``manage.py consolidate --user USERNAME`` (or ``--scheduled``): run a national consolidation now, in
this process, through the same service and permission check as every other trigger."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from central.models import RunSplit, RunState, RunTrigger
from central.services.consolidation import consolidation_execute, consolidation_request


class Command(BaseCommand):
    help = (
        "Jalankan konsolidasi nasional sekarang (sinkron). --user USERNAME: atas nama pengguna pusat; "
        "--scheduled: sebagai jadwal harian (sistem)."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="Nama pengguna pusat (Ditjenpas) yang menjalankan konsolidasi.")
        who.add_argument("--scheduled", action="store_true", help="Jalankan sebagai jadwal harian (sistem).")
        parser.add_argument(
            "--split",
            choices=[c.value for c in RunSplit],
            help="Pembagian kerja untuk proses baru (bawaan: CONSOLIDATION_SPLIT). 'kanwil': validasi dibagi "
            "per Kanwil ke pekerja Celery lain bila ada.",
        )

    def handle(self, *args, user=None, scheduled=False, split=None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"Pengguna aktif '{user}' tidak ditemukan.")
        trigger = RunTrigger.SCHEDULE if scheduled else RunTrigger.COMMAND
        try:
            request = consolidation_request(user=actor, trigger=trigger, enqueue=False, split=split)
        except PermissionDenied as exc:
            raise CommandError(f"Ditolak: {exc}") from exc
        run = request.run
        if run.state == RunState.RUNNING:
            self.stdout.write(f"Konsolidasi #{run.pk} sedang berjalan di proses lain; tidak dijalankan lagi.")
            return
        if not request.created:
            self.stdout.write(f"Konsolidasi #{run.pk} sudah dalam antrean; dijalankan sekarang di proses ini.")
        ended = consolidation_execute(run_id=run.pk)
        if ended is None or ended.state in (RunState.QUEUED, RunState.RUNNING):
            self.stdout.write(f"Konsolidasi #{run.pk} sedang dijalankan oleh proses lain.")
            return
        if ended.state == RunState.FAILED:
            raise CommandError(f"Konsolidasi #{ended.pk} gagal: {ended.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Konsolidasi #{ended.pk} berhasil: {ended.submissions_count} kiriman, "
                f"{ended.rows_received} baris diterima, {ended.rows_accepted} lolos, {ended.rows_rejected} ditolak, "
                f"{ended.rows_warned} dengan peringatan, {ended.rows_written} baris register berubah, "
                f"{ended.conflicts_found} konflik baru."
            )
        )
