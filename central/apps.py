from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_validation_rules(sender: AppConfig, **kwargs: Any) -> None:
    from central.validation import validation_rules_sync  # lazy: apps.py loads before the models exist

    validation_rules_sync()


class CentralConfig(AppConfig):
    """Ditjenpas: registry of regions and units, inbox, consolidation, national register and reports."""

    name = "central"
    verbose_name = _("Pusat (Ditjenpas)")

    def ready(self) -> None:
        # lazy: these import the models, which exist only once the app registry is ready. audit_hooks connects
        # the audit receivers; password_hooks notes at sign-in a password change that is due; tokens revokes
        # API tokens on a change of trust; tasks registers the Celery tasks in every process, so that one
        # enqueued by name runs in-process where no broker is configured.
        from central import audit_hooks, password_hooks, tasks  # noqa: F401
        from central.services import tokens  # noqa: F401

        # The rule catalogue lives in code; the admin lists it from the ValidationRule table.
        post_migrate.connect(_sync_validation_rules, sender=self, dispatch_uid="central.validation_rules_sync")
