from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KanwilConfig(AppConfig):
    """Read-only monitoring of a region's UPTs, built on central's selectors. Writes nothing."""

    name = "kanwil"
    verbose_name = _("Pemantauan Kanwil")
