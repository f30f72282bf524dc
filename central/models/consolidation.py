"""Consolidation runs, their per-UPT results, the validation catalogue, row issues and conflicts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from central.formats import show_datetime
from central.issue_details import render_detail
from central.models.inbox import RecordType, Submission
from central.models.organisation import Kanwil, Upt
from central.models.register import NationalMovement, NationalPerson, PersonIdentity
from central.scoping import ScopedQuerySet


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Jadwal harian")
    BUTTON = "button", _("Tombol Jalankan konsolidasi")
    API = "api", _("REST API")
    ADMIN = "admin", _("Aksi admin")
    COMMAND = "command", _("Perintah manage.py")


class RunState(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Berjalan")
    SUCCEEDED = "succeeded", _("Berhasil")
    FAILED = "failed", _("Gagal")


ACTIVE_RUN_STATES = (RunState.QUEUED, RunState.RUNNING)


class RunSplit(models.TextChoices):
    """How a run spreads over Celery workers (``CONSOLIDATION_SPLIT``, or chosen per run)."""

    NONE = "none", _("Satu proses")
    KANWIL = "kanwil", _("Dibagi per Kanwil")


class ConsolidationRun(models.Model):
    """One national consolidation: who or what started it, how far it got, and what it found."""

    trigger = models.CharField(_("pemicu"), max_length=10, choices=RunTrigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dijalankan oleh"),
    )
    state = models.CharField(_("status"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    step = models.CharField(_("langkah"), max_length=60, blank=True)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    snapshot_date = models.DateField(_("tanggal snapshot"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    error = models.TextField(_("galat"), blank=True)
    split = models.CharField(_("pembagian kerja"), max_length=10, choices=RunSplit.choices, default=RunSplit.NONE)
    submissions_count = models.PositiveIntegerField(_("kiriman"), default=0)
    rows_received = models.PositiveIntegerField(_("baris diterima"), default=0)
    rows_accepted = models.PositiveIntegerField(_("baris lolos"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    rows_warned = models.PositiveIntegerField(_("baris dengan peringatan"), default=0)
    rows_written = models.PositiveIntegerField(_("baris register berubah"), default=0)
    conflicts_found = models.PositiveIntegerField(_("konflik baru"), default=0)

    class Meta:
        verbose_name = _("proses konsolidasi")
        verbose_name_plural = _("proses konsolidasi")
        ordering = ["-created_at"]
        constraints = [
            # The database itself refuses a second queued or running run (DESIGN §6: one at a time).
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state__in=["queued", "running"]),
                name="one_active_consolidation_run",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_state_display()} ({show_datetime(self.created_at)})"


class ConsolidationPart(models.Model):
    """One Kanwil's share of a run split per Kanwil: its submissions validated into the run's row issues.
    A part never touches the national register; the run's final step does, in one transaction, once
    every part is done (``central.services.consolidation.parts``)."""

    run = models.ForeignKey(ConsolidationRun, on_delete=models.CASCADE, related_name="parts")
    kanwil = models.ForeignKey(Kanwil, on_delete=models.PROTECT, related_name="+", verbose_name=_("Kanwil"))
    submissions_count = models.PositiveIntegerField(_("kiriman"), default=0)
    done_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    done_by = models.CharField(_("dikerjakan oleh"), max_length=200, blank=True)  # host and process id

    class Meta:
        verbose_name = _("bagian konsolidasi")
        verbose_name_plural = _("bagian konsolidasi")
        constraints = [models.UniqueConstraint(fields=["run", "kanwil"], name="consolidation_part_unique")]

    def __str__(self) -> str:
        return f"{self.kanwil_id} @ run {self.run_id}"


class RunUptResultQuerySet(ScopedQuerySet["RunUptResult"]):
    scope_path = "upt"


class RunUptResult(models.Model):
    run = models.ForeignKey(ConsolidationRun, on_delete=models.CASCADE, related_name="upt_results")
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="run_results")
    submissions_count = models.PositiveIntegerField(_("kiriman"), default=0)
    rows_received = models.PositiveIntegerField(_("baris diterima"), default=0)
    rows_accepted = models.PositiveIntegerField(_("baris lolos"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    rows_warned = models.PositiveIntegerField(_("peringatan"), default=0)
    conflicts = models.PositiveIntegerField(_("konflik"), default=0)

    objects = RunUptResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("hasil konsolidasi per UPT")
        verbose_name_plural = _("hasil konsolidasi per UPT")
        constraints = [models.UniqueConstraint(fields=["run", "upt"], name="run_upt_result_unique")]

    def __str__(self) -> str:
        return f"{self.upt_id} @ run {self.run_id}"


class Severity(models.TextChoices):
    ERROR = "error", _("Galat (baris ditolak)")
    WARNING = "warning", _("Peringatan (baris tetap diterima)")


class ValidationRule(models.Model):
    """The catalogue of validation rules, listed in the admin. The SQL of each rule lives in
    ``central.validation``; this row is its code, severity, message and whether it is on."""

    code = models.CharField(_("kode"), max_length=40, primary_key=True)
    record_type = models.CharField(_("jenis data"), max_length=10, choices=RecordType.choices)
    severity = models.CharField(_("tingkat"), max_length=8, choices=Severity.choices)
    message = models.CharField(_("pesan"), max_length=255)
    description = models.TextField(_("keterangan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("aturan validasi")
        verbose_name_plural = _("aturan validasi")
        ordering = ["record_type", "code"]

    def __str__(self) -> str:
        return self.code


class RowIssueQuerySet(ScopedQuerySet["RowIssue"]):
    scope_path = "submission__upt"


class RowIssue(models.Model):
    """A rule that a staged row broke: errors reject the row, warnings keep it. Feeds the correction list."""

    run = models.ForeignKey(ConsolidationRun, on_delete=models.CASCADE, related_name="issues")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="issues")
    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    staged_row_id = models.BigIntegerField()
    record_key = models.CharField(_("kunci data"), max_length=40)  # reg_number, or the uid of a movement/remission
    rule = models.ForeignKey(ValidationRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("aturan"))
    severity = models.CharField(max_length=8, choices=Severity.choices)
    # What exactly is wrong: a code of ``central.issue_details.DETAILS`` and its arguments (dates as ISO
    # dates), rendered in the reader's language when shown (``detail``).
    detail_code = models.CharField(_("kode rincian"), max_length=40, blank=True)
    detail_args = models.JSONField(_("argumen rincian"), default=dict, blank=True)

    objects = RowIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("temuan validasi")
        verbose_name_plural = _("temuan validasi")
        indexes = [
            models.Index(fields=["submission", "severity"]),
            models.Index(fields=["run", "record_type", "staged_row_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.record_key}"

    def _detail(self) -> str:
        return render_detail(self.detail_code, self.detail_args)

    _detail.short_description = _("rincian")  # type: ignore[attr-defined]
    detail = property(_detail)


class ConflictKind(models.TextChoices):
    ACTIVE_IN_TWO_UPTS = "active_twice", _("Orang yang sama tercatat aktif di dua UPT")
    TRANSFER_UNMATCHED = "transfer_unmatched", _("Pindah keluar tanpa pindahan masuk yang cocok")
    REAPPEARED = "reappeared", _("Orang yang sudah bebas/meninggal tercatat ditahan lagi")


class ConflictState(models.TextChoices):
    OPEN = "open", _("Terbuka")
    RESOLVED = "resolved", _("Diselesaikan")
    DISMISSED = "dismissed", _("Diabaikan")


class ConflictQuerySet(ScopedQuerySet["Conflict"]):
    scope_path = "upt"


class Conflict(models.Model):
    """Something across UPTs that central must look at; resolved or dismissed with a note."""

    kind = models.CharField(_("jenis"), max_length=20, choices=ConflictKind.choices)
    identity = models.ForeignKey(
        PersonIdentity, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("identitas")
    )
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("UPT"))
    other_upt = models.ForeignKey(
        Upt, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("UPT lain")
    )
    person = models.ForeignKey(NationalPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    other_person = models.ForeignKey(NationalPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The transfer out that found no transfer in (so that the same transfer is never reported twice).
    movement = models.ForeignKey(
        NationalMovement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("mutasi")
    )
    # What exactly is wrong: a code of ``central.issue_details.DETAILS`` and its arguments (dates as ISO
    # dates), rendered in the reader's language when shown (``detail``).
    detail_code = models.CharField(_("kode rincian"), max_length=40, blank=True)
    detail_args = models.JSONField(_("argumen rincian"), default=dict, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=ConflictState.choices, default=ConflictState.OPEN)
    detected_run = models.ForeignKey(ConsolidationRun, on_delete=models.PROTECT, related_name="conflicts")
    detected_at = models.DateTimeField(_("ditemukan pada"), auto_now_add=True)
    note = models.TextField(_("catatan"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("konflik")
        verbose_name_plural = _("konflik")
        ordering = ["-detected_at"]
        constraints = [
            # A conflict still open is not reported again by the next run.
            models.UniqueConstraint(
                fields=["kind", "identity", "upt"],
                condition=models.Q(state="open"),
                name="one_open_conflict_per_kind_identity_upt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    def _detail(self) -> str:
        return render_detail(self.detail_code, self.detail_args)

    _detail.short_description = _("rincian")  # type: ignore[attr-defined]
    detail = property(_detail)
