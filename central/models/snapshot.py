"""The national daily snapshot that reports read: occupancy per UPT per day, and its breakdown."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from central.models.organisation import Upt
from central.reference import CrimeCategory, Register, Sex
from central.scoping import ScopedQuerySet


class OccupancySnapshot(models.Model):
    """One UPT on one day: its capacity then, and how many it held."""

    date = models.DateField(_("tanggal"))
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="snapshots")
    capacity = models.PositiveIntegerField(_("kapasitas"))
    detainees = models.PositiveIntegerField(_("tahanan"))
    sentenced = models.PositiveIntegerField(_("narapidana"))
    male = models.PositiveIntegerField(_("laki-laki"))
    female = models.PositiveIntegerField(_("perempuan"))
    # Of the occupants: children (under ``CHILD_AGE_YEARS`` on the day) and foreign nationals. Database
    # defaults, so that bulk loaders written before these columns still insert whole rows.
    children = models.PositiveIntegerField(_("anak"), default=0, db_default=0)
    foreign_nationals = models.PositiveIntegerField(_("warga negara asing"), default=0, db_default=0)
    # For the monthly data-quality scorecard (docs/REPORTS.md): occupants with a NIK, with a NIK that passes
    # P_NIK_IMPLAUSIBLE, and narapidana still without the number of their court extract. Null on days no run
    # counted them (before these columns, synthetic history): "no figure", never a false 0.
    with_nik = models.PositiveIntegerField(_("ber-NIK"), null=True, blank=True)
    nik_plausible = models.PositiveIntegerField(_("NIK wajar"), null=True, blank=True)
    sentenced_without_extract = models.PositiveIntegerField(_("narapidana tanpa petikan"), null=True, blank=True)
    # The overstay sentinel (docs/REPORTS.md): detainees past their detention's legal limit and narapidana past
    # their expiry date, as P_DETENTION_OVERDUE and P_EXPIRY_PASSED define them.
    overstay_detainees = models.PositiveIntegerField(_("tahanan lewat batas"), default=0, db_default=0)
    overstay_sentenced = models.PositiveIntegerField(_("narapidana lewat ekspirasi"), default=0, db_default=0)
    run = models.ForeignKey("central.ConsolidationRun", on_delete=models.SET_NULL, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("snapshot hunian")
        verbose_name_plural = _("snapshot hunian")
        constraints = [models.UniqueConstraint(fields=["date", "upt"], name="occupancy_snapshot_unique")]
        indexes = [models.Index(fields=["upt", "date"])]

    def __str__(self) -> str:
        return f"{self.upt_id} {self.date}"

    @property
    def total(self) -> int:
        return self.detainees + self.sentenced


class OccupancyBreakdown(models.Model):
    """Occupants of one UPT on one day by register × sex × crime category (only non-zero cells are stored)."""

    date = models.DateField(_("tanggal"))
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+")
    register = models.CharField(_("register"), max_length=8, choices=Register.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    crime_category = models.CharField(_("kategori kejahatan"), max_length=24, choices=CrimeCategory.choices)
    count = models.PositiveIntegerField(_("jumlah"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rincian hunian")
        verbose_name_plural = _("rincian hunian")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "upt", "register", "sex", "crime_category"], name="occupancy_breakdown_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.upt_id} {self.date} {self.register}/{self.sex}/{self.crime_category}"
