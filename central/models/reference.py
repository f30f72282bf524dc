"""Reference tables that change with the law, editable by the admin."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from central.reference import DETAINEE_REGISTERS, Register


class DetentionLimit(models.Model):
    """How long a detainee may be held under one authority (KUHAP 1981 art. 24–29; later laws as new rows).

    The limit that applies to a case is the row for its register with the latest ``effective_from`` on or
    before the detention start, so cases under the old law keep the old limits when a new law takes effect.
    """

    register = models.CharField(
        _("register"), max_length=8, choices=[(r.value, r.label) for r in Register if r in DETAINEE_REGISTERS]
    )
    effective_from = models.DateField(_("berlaku sejak"))
    initial_days = models.PositiveSmallIntegerField(_("masa penahanan awal (hari)"))
    extension_days = models.PositiveSmallIntegerField(_("perpanjangan (hari)"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=200)

    class Meta:
        verbose_name = _("batas masa penahanan")
        verbose_name_plural = _("batas masa penahanan")
        ordering = ["register", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["register", "effective_from"], name="detention_limit_unique_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.register}: {self.initial_days}+{self.extension_days} ({self.effective_from:%Y-%m-%d})"

    @property
    def total_days(self) -> int:
        return self.initial_days + self.extension_days

    def clean(self):
        if self.initial_days == 0:
            raise ValidationError({"initial_days": _("Masa penahanan awal harus lebih dari 0 hari.")})
