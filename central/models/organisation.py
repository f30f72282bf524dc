"""The registry of Ditjenpas's organisation: regions (Kanwil) and units (UPT)."""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from central.scoping import ScopedQuerySet


class KanwilQuerySet(ScopedQuerySet["Kanwil"]):
    scope_path = "kanwil"  # restrict() resolves Kanwil through the regions a user may see


class Kanwil(models.Model):
    """A regional office; one per province. Monitors its UPTs, never changes their data."""

    code = models.CharField(_("kode"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    province = models.CharField(_("provinsi"), max_length=60)

    objects = KanwilQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kanwil")
        verbose_name_plural = _("Kanwil")
        ordering = ["name"]
        permissions = [("monitor_kanwil", _("Memantau UPT di wilayah Kanwil"))]

    def __str__(self) -> str:
        return self.name


class UptType(models.TextChoices):
    LAPAS = "LAPAS", _("Lapas")
    RUTAN = "RUTAN", _("Rutan")
    CABANG_RUTAN = "CABRUTAN", _("Cabang Rutan")
    LPKA = "LPKA", _("LPKA")
    LPP = "LPP", _("LPP")


class UptClass(models.TextChoices):
    I = "I", _("Kelas I")  # noqa: E741 — the official class name
    IIA = "IIA", _("Kelas IIA")
    IIB = "IIB", _("Kelas IIB")
    II = "II", _("Kelas II")
    III = "III", _("Kelas III")


upt_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9.\-]{1,19}$",
    _("Kode UPT hanya huruf besar, angka, titik atau tanda hubung (2–20 karakter)."),
)


class UptQuerySet(ScopedQuerySet["Upt"]):
    scope_path = "pk"


class UptHosting(models.TextChoices):
    """Where a UPT's register lives: at central (its operators use central's pages) or on its own server."""

    HOSTED = "hosted", _("di pusat")
    NODE = "node", _("server UPT sendiri (node)")


class Upt(models.Model):
    """A unit that holds people (Lapas, Rutan, …). Operators' records and submissions belong to one."""

    code = models.CharField(_("kode"), max_length=20, unique=True, validators=[upt_code_validator])
    name = models.CharField(_("nama"), max_length=150)
    upt_type = models.CharField(_("jenis"), max_length=10, choices=UptType.choices)
    upt_class = models.CharField(_("kelas"), max_length=4, choices=UptClass.choices, blank=True)
    kanwil = models.ForeignKey(Kanwil, on_delete=models.PROTECT, related_name="upts", verbose_name=_("Kanwil"))
    city = models.CharField(_("kota/kabupaten"), max_length=80, blank=True)
    capacity = models.PositiveIntegerField(_("kapasitas"))
    is_active = models.BooleanField(_("aktif"), default=True)
    # A node's register is at the UPT; central receives its packages over the API (central.services.nodes).
    hosting = models.CharField(_("data dikelola"), max_length=10, choices=UptHosting.choices, default=UptHosting.HOSTED)

    objects = UptQuerySet.as_manager()

    class Meta:
        verbose_name = _("UPT")
        verbose_name_plural = _("UPT")
        ordering = ["kanwil__name", "name"]
        permissions = [("operate_upt", _("Mengoperasikan UPT (mengisi data dan mengirim ke pusat)"))]
        indexes = [models.Index(fields=["kanwil", "upt_type"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_node(self) -> bool:
        return self.hosting == UptHosting.NODE

    @property
    def short_name(self) -> str:
        return short_upt_name(self.name)


_CLASS_WORD = re.compile(r"\bKelas\s+(?=[IV]+[AB]?\b)")


def short_upt_name(name: str) -> str:
    """A UPT's name as dashboards show it: "Lapas IIA Cibinong" for "Lapas Kelas IIA Cibinong" (the reports'
    tables and the reference data a node takes from central)."""
    return _CLASS_WORD.sub("", name)


class CentralOffice(models.Model):
    """Ditjenpas itself, as one row.

    It exists so that central's rights are *object* permissions like every other role's: the central
    group holds ``execute_consolidation`` on this row, and every trigger checks that one permission.
    """

    code = models.CharField(_("kode"), max_length=20, unique=True, default="DITJENPAS")
    name = models.CharField(_("nama"), max_length=120, default="Direktorat Jenderal Pemasyarakatan")

    class Meta:
        verbose_name = _("Ditjenpas (pusat)")
        verbose_name_plural = _("Ditjenpas (pusat)")
        permissions = [
            ("view_national", _("Melihat data seluruh UPT (nasional)")),
            ("execute_consolidation", _("Menjalankan konsolidasi nasional")),
            ("resolve_conflict", _("Menyelesaikan konflik dan membuka ulang kiriman")),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def get(cls) -> CentralOffice:
        """The single row, created on first use so that a flushed test database still has it."""
        office, _created = cls.objects.get_or_create(code="DITJENPAS")
        return office
