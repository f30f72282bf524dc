from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentralConfig(AppConfig):
    """Ditjenpas: registry of regions and units, inbox, consolidation, national register and reports."""

    name = "central"
    verbose_name = _("Pusat (Ditjenpas)")

    def ready(self) -> None:
        from central import audit_hooks  # noqa: F401 — connects the audit receivers
