"""``manage.py backup``: a consistent, checksummed pg_dump of the configured database into ``BACKUP_DIR``,
keeping the newest ``BACKUP_KEEP`` (``operations.backup``; README: "Operations")."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Cadangkan database (pg_dump format custom, satu snapshot konsisten) ke BACKUP_DIR dengan berkas "
        "checksum SHA-256; simpan BACKUP_KEEP cadangan terbaru."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="folder cadangan (bawaan: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="jumlah cadangan yang disimpan (bawaan: BACKUP_KEEP)")

    def handle(self, *args, dir=None, keep=None, **options):
        keep = settings.BACKUP_KEEP if keep is None else keep
        if keep < 1:
            raise CommandError(_("--keep paling sedikit 1."))
        directory = Path(dir) if dir else Path(settings.BACKUP_DIR)
        try:
            result = backup_create(
                settings_dict=connections[DEFAULT_DB_ALIAS].settings_dict, directory=directory, keep=keep
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Cadangan %(path)s (%(mib).1f MiB) selesai dalam %(seconds).1f s; SHA-256 %(sha)s.")
            % {"path": result.path, "mib": result.size / 2**20, "seconds": result.seconds, "sha": result.sha256}
        )
        for old in result.removed:
            self.stdout.write(_("Cadangan lama dihapus: %(name)s") % {"name": old.name})
