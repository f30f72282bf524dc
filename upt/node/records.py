"""What a UPT node keeps of central's answers: the reference data's version (``upt.node.reference``) and the
UPT's feedback (``upt.node.sync``). Models of the ``upt`` app (imported by ``upt.models``); empty at central.

Central stays the authority: these rows are copies, replaced whole at each fetch, never edited at the node.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NodeReference(models.Model):
    """The one row saying which reference data the node holds (its Kanwil, UPT and detention-limit rows
    were written from it) and what central said about the package format."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.CharField(_("versi data acuan"), max_length=64, blank=True)
    package_format_version = models.PositiveIntegerField(_("versi format paket pusat"), null=True)
    rules = models.JSONField(_("katalog aturan"), default=list, blank=True)
    fetched_at = models.DateTimeField(_("terakhir diperiksa"), null=True)  # answered 200 or 304
    changed_at = models.DateTimeField(_("terakhir berubah"), null=True)  # answered 200 with a new version
    attempted_at = models.DateTimeField(_("terakhir dicoba"), null=True)
    error = models.TextField(_("galat terakhir"), blank=True)

    class Meta:
        verbose_name = _("data acuan dari pusat")
        verbose_name_plural = _("data acuan dari pusat")

    def __str__(self) -> str:
        return self.version or "-"

    @classmethod
    def get(cls) -> NodeReference:
        row, _new = cls.objects.get_or_create(pk=1)
        return row


class CentralFeedback(models.Model):
    """Central's last answer to ``GET /api/v1/upts/<code>/feedback/`` for the node's UPT, as received."""

    upt_code = models.CharField(_("kode UPT"), max_length=20, unique=True)
    data = models.JSONField(_("isi"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("diambil pada"), null=True)
    attempted_at = models.DateTimeField(_("terakhir dicoba"), null=True)
    error = models.TextField(_("galat terakhir"), blank=True)

    class Meta:
        verbose_name = _("umpan balik pusat")
        verbose_name_plural = _("umpan balik pusat")

    def __str__(self) -> str:
        return self.upt_code

    @property
    def failed_last(self) -> bool:
        """The last attempt did not reach central (or was refused) after the data shown was fetched."""
        return bool(self.error) and (
            self.fetched_at is None or (self.attempted_at or self.fetched_at) > self.fetched_at
        )
