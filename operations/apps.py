"""The operations app: after every migrate, the role groups are synced and the daily schedule seeded."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from central.role_groups import roles_sync

    roles_sync()


def _seed_daily_schedule(sender, **kwargs):
    # After every migrate rather than in a data migration: it reads CONSOLIDATION_TIME as configured when the
    # database is set up (a migration would be run once, in whatever environment first applied it), brings
    # back a deleted task, and re-seeds a database flushed by a transactional test. It never changes a task
    # that exists.
    from django.conf import settings
    from django.db import connection
    from django_celery_beat.models import PeriodicTask

    from central.mode import is_node
    from operations.schedule import daily_schedule_seed, purge_schedule_seed

    if PeriodicTask._meta.db_table not in connection.introspection.table_names():
        return  # django_celery_beat migrated back to zero
    if is_node():
        return  # a UPT node consolidates and stages nothing; the upt app seeds its own tasks (upt/apps.py)
    daily_schedule_seed(at=settings.CONSOLIDATION_TIME)
    purge_schedule_seed(at=settings.STAGING_PURGE_TIME)


class OperationsConfig(AppConfig):
    """Running SDP: the runtime, probes, logs, backups, the schedule, the home page; role set-up after migrate."""

    name = "operations"
    verbose_name = "Operasional"

    def ready(self) -> None:
        # Sent once per app; answering only our own (listed last) means every permission exists by then.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="operations.roles_sync")
        post_migrate.connect(_seed_daily_schedule, sender=self, dispatch_uid="operations.daily_schedule_seed")
