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
    # No database constraint nor index of its own: every run writes ~18,000 of these rows (one day's cells of
    # every UPT), and checking each one's UPT at commit and filing it in a UPT index cost more than the rest
    # of the snapshot. The snapshot writes only UPTs it read from the UPT table; reads go by date first
    # (``occupancy_breakdown_unique``); a UPT is never deleted, only deactivated (PROTECT still applies in
    # the ORM).
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False)
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


class SnapshotBase(models.Model):
    """The snapshot day whose rows are the register as it stood when the last run consolidated it (one row).

    A run carries that day forward (central/services/consolidation/snapshot.py): the base's rows, plus the
    register changes logged since (``RegisterChange``), plus what time alone changed. ``definition`` is a
    hash of the figures' SQL: a release that changes a figure's definition (the region list, a rule) makes
    the next run recount everything."""

    date = models.DateField()
    run = models.ForeignKey("central.ConsolidationRun", on_delete=models.SET_NULL, null=True, related_name="+")
    definition = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()  # the day's snapshot rows: a day rewritten or moved since is no base

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.date} ({self.run_id})"


class RegisterChange(models.Model):
    """A national register row as it was (sign -1) or became (sign +1) since the last snapshot: what the
    snapshot's figures read of it. Written by a trigger on every insert, update and delete of the register
    (whoever writes it) once a ``SnapshotBase`` exists; read and emptied by the next snapshot."""

    sign = models.SmallIntegerField()
    upt_id = models.BigIntegerField()  # no foreign key: checking one per logged row costs at commit
    status = models.CharField(max_length=12)
    register = models.CharField(max_length=8)
    sex = models.CharField(max_length=1)
    crime_category = models.CharField(max_length=24)
    birth_date = models.DateField(null=True)
    nationality = models.CharField(max_length=60)
    nik = models.CharField(max_length=32)
    verdict_number = models.CharField(max_length=80)
    detention_limit_date = models.DateField(null=True)
    expiry_date = models.DateField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.sign:+d} {self.upt_id} {self.status}"
