"""The daily checks a run makes after its snapshot (docs/REPORTS.md, "Pemeriksaan harian"): each UPT's
population reconciled with the movements central received since the previous snapshot, and a robust
anomaly score of its population, admissions and releases against its own recent days."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from central.models.organisation import Upt
from central.scoping import ScopedQuerySet


class DailyCheckSettings(models.Model):
    """The anomaly check's window and thresholds: one row, edited in the admin by central and the admin."""

    window_days = models.PositiveSmallIntegerField(
        _("jendela riwayat (hari)"), default=28, help_text=_("Hari sebelum hari pemeriksaan yang menjadi pembanding.")
    )
    min_history_days = models.PositiveSmallIntegerField(
        _("riwayat minimum (hari)"),
        default=7,
        help_text=_("UPT dengan hari riwayat lebih sedikit dari ini ditandai 'belum cukup riwayat', tidak dinilai."),
    )
    threshold = models.DecimalField(
        _("ambang skor"),
        max_digits=4,
        decimal_places=1,
        default=3.5,
        help_text=_("Skor robust (selisih dari median ÷ 1,4826 × MAD) yang ditandai; 3,5 menurut Iglewicz–Hoaglin."),
    )
    min_deviation = models.PositiveIntegerField(
        _("selisih minimum (orang)"),
        default=10,
        help_text=_("Selisih dari median yang lebih kecil dari ini tidak pernah ditandai, berapa pun skornya."),
    )

    class Meta:
        verbose_name = _("pengaturan pemeriksaan harian")
        verbose_name_plural = _("pengaturan pemeriksaan harian")

    def __str__(self) -> str:
        return str(_("Pengaturan pemeriksaan harian"))

    def clean(self):
        errors = {}
        if not 2 <= self.window_days <= 365:
            errors["window_days"] = _("Jendela riwayat harus 2 sampai 365 hari.")
        if not 2 <= self.min_history_days <= self.window_days:
            errors["min_history_days"] = _("Riwayat minimum harus 2 hari sampai sepanjang jendela riwayat.")
        if self.threshold is not None and self.threshold <= 0:
            errors["threshold"] = _("Ambang skor harus lebih dari 0.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def load(cls) -> "DailyCheckSettings":
        """The one row (created with the defaults if the migration's row was deleted)."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class ReconciliationState(models.TextChoices):
    BALANCED = "balanced", _("Seimbang")
    BREAK = "break", _("Selisih")
    FIRST = "first", _("Belum ada pembanding")
    NO_DATA = "no_data", _("Belum ada data")


class DailyReconciliation(models.Model):
    """One UPT on one snapshot day: previous population + inflows − outflows against today's population.

    Flows are the movements central first received after the previous snapshot day and up to this one
    (``NationalMovement.received_on``): what the register learnt between the two snapshots. A late movement
    is counted on the day it arrives, never rewriting an earlier day's row."""

    date = models.DateField(_("tanggal"))
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("central.ConsolidationRun", on_delete=models.SET_NULL, null=True, related_name="+")
    state = models.CharField(_("status"), max_length=10, choices=ReconciliationState.choices)
    previous_date = models.DateField(_("tanggal pembanding"), null=True)
    previous_population = models.IntegerField(_("penghuni sebelumnya"), null=True)
    admissions = models.IntegerField(_("penerimaan"))
    transfers_in = models.IntegerField(_("pindahan masuk"))
    recaptures = models.IntegerField(_("tertangkap kembali"))
    releases = models.IntegerField(_("bebas"))
    transfers_out = models.IntegerField(_("pindah keluar"))
    deaths = models.IntegerField(_("meninggal"))
    escapes = models.IntegerField(_("melarikan diri"))
    # Counted, not added: a person out for a hearing or in hospital stays an occupant (HELD_STATUSES).
    temporary_exits = models.IntegerField(_("keluar sementara"))
    returns = models.IntegerField(_("kembali"))
    population = models.IntegerField(_("penghuni snapshot"))
    expected = models.IntegerField(_("penghuni menurut mutasi"), null=True)
    difference = models.IntegerField(_("selisih"), null=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rekonsiliasi harian")
        verbose_name_plural = _("rekonsiliasi harian")
        constraints = [models.UniqueConstraint(fields=["date", "upt"], name="daily_reconciliation_unique")]
        indexes = [models.Index(fields=["upt", "date"]), models.Index(fields=["run", "state"])]

    def __str__(self) -> str:
        return f"{self.upt_id} {self.date} {self.state}"


class AnomalyMetric(models.TextChoices):
    POPULATION = "population", _("Jumlah penghuni")
    ADMISSIONS = "admissions", _("Penerimaan")
    RELEASES = "releases", _("Pembebasan")


class DailyAnomaly(models.Model):
    """One figure of one UPT on one snapshot day scored against its own last days (median and MAD)."""

    date = models.DateField(_("tanggal"))
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("central.ConsolidationRun", on_delete=models.SET_NULL, null=True, related_name="+")
    metric = models.CharField(_("ukuran"), max_length=12, choices=AnomalyMetric.choices)
    value = models.IntegerField(_("nilai"))
    history_days = models.PositiveSmallIntegerField(_("hari riwayat"))
    median = models.FloatField(_("median"), null=True)
    mad = models.FloatField(_("MAD"), null=True)
    score = models.FloatField(_("skor"), null=True)  # null: not enough history to judge
    flagged = models.BooleanField(_("ditandai"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("anomali harian")
        verbose_name_plural = _("anomali harian")
        constraints = [models.UniqueConstraint(fields=["date", "upt", "metric"], name="daily_anomaly_unique")]
        indexes = [models.Index(fields=["upt", "date"]), models.Index(fields=["run", "flagged"])]

    def __str__(self) -> str:
        return f"{self.upt_id} {self.date} {self.metric}"

    @property
    def enough_history(self) -> bool:
        return self.score is not None


class FlowChange(models.Model):
    """A national movement as it was (sign -1) or became (sign +1) since the last reconciliation: what the
    reconciliation's flows read of it. Written by triggers on the national movements once any reconciliation
    exists; emptied by the next one. A rerun on the same day adds these to the day's flows instead of
    counting again every movement received since the previous snapshot (services/.../daily_checks.py)."""

    sign = models.SmallIntegerField()
    upt_id = models.BigIntegerField()  # no foreign key: checking one per logged row costs at commit
    kind = models.CharField(max_length=20)
    received_on = models.DateField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.sign:+d} {self.upt_id} {self.kind} {self.received_on}"
