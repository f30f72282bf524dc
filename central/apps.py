from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_validation_rules(sender, **kwargs):
    from central.validation import validation_rules_sync

    validation_rules_sync()


class CentralConfig(AppConfig):
    """Ditjenpas: registry of regions and units, inbox, consolidation, national register and reports."""

    name = "central"
    verbose_name = _("Pusat (Ditjenpas)")

    def ready(self) -> None:
        from central import audit_hooks  # noqa: F401 — connects the audit receivers
        from central.services import tokens  # noqa: F401 — revokes API tokens on a change of trust

        # The rule catalogue lives in code; the admin lists it from the ValidationRule table.
        post_migrate.connect(_sync_validation_rules, sender=self, dispatch_uid="central.validation_rules_sync")
