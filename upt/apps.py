from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_node_schedule(sender, **kwargs):
    """At a UPT node, after every migrate: the outbox's retry and the node's other periodic tasks (central
    seeds the daily consolidation instead, in operations/apps.py)."""
    from django.db import connection
    from django_celery_beat.models import PeriodicTask

    from central.mode import is_node  # lazy: read once the apps are loaded
    from upt.node.schedule import node_schedule_seed  # lazy: models are not ready when apps.py is imported

    if not is_node() or PeriodicTask._meta.db_table not in connection.introspection.table_names():
        return
    node_schedule_seed()


class UptConfig(AppConfig):
    """Data entry at a UPT: the register of people, movements and remissions, and the daily package."""

    name = "upt"
    verbose_name = _("UPT")

    def ready(self) -> None:
        # After operations' role set-up is not needed: the node's tasks depend on django_celery_beat alone.
        post_migrate.connect(_seed_node_schedule, sender=self, dispatch_uid="upt.node_schedule_seed")
