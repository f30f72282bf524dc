"""``manage.py restore FILE [--database-url URL] [--force]``: check a backup's checksum and restore it, in one
transaction, into the configured database or another one (``operations.backup``)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from operations.backup import BackupError, backup_restore
from sdp_project.env import env_database


class Command(BaseCommand):
    help = (
        "Pulihkan cadangan dari manage.py backup: checksum diperiksa dulu, seluruh pemulihan satu transaksi. "
        "Database yang sudah berisi tabel ditolak kecuali --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .dump (berkas .sha256 harus ada di sebelahnya)")
        parser.add_argument(
            "--database-url",
            help="pulihkan ke database ini (postgres://…); bawaan: database yang dikonfigurasi (DATABASE_URL)",
        )
        parser.add_argument("--force", action="store_true", help="timpa database yang sudah berisi tabel")

    def handle(self, *args, file, database_url=None, force=False, **options):
        if database_url:
            import os

            os.environ["SDP_RESTORE_TARGET_URL"] = database_url
            try:
                target = env_database("SDP_RESTORE_TARGET_URL", database_url)
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
            finally:
                os.environ.pop("SDP_RESTORE_TARGET_URL", None)
        else:
            target = connections[DEFAULT_DB_ALIAS].settings_dict
            connections[DEFAULT_DB_ALIAS].close()  # the restore may drop what this connection holds
        try:
            result = backup_restore(path=Path(file), settings_dict=target, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Dipulihkan ke %(name)s dalam %(seconds).1f s: %(tables)s tabel.")
            % {"name": result.database, "seconds": result.seconds, "tables": result.tables}
        )
