from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UptConfig(AppConfig):
    """Data entry at a UPT: the register of people, movements and remissions, and the daily package."""

    name = "upt"
    verbose_name = _("UPT")
