"""Central's inbox: daily packages from UPTs, staged as typed rows until a consolidation run takes them.

Receiving never touches the national register; consolidation reads the staged rows set-based.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from central.formats import show_datetime
from central.models.organisation import Upt
from central.models.records import PersonRecord
from central.reference import MovementKind, RemissionKind
from central.scoping import ScopedQuerySet


class PackageKind(models.TextChoices):
    FULL = "full", _("Lengkap (seluruh data)")
    DELTA = "delta", _("Perubahan sejak kiriman terakhir")


class Channel(models.TextChoices):
    WEB = "web", _("Tombol Kirim ke pusat")
    API = "api", _("REST API")
    FILE = "file", _("Unggah berkas paket")


class SubmissionState(models.TextChoices):
    RECEIVED = "received", _("Diterima, menunggu konsolidasi")
    VALIDATING = "validating", _("Sedang divalidasi")
    ACCEPTED = "accepted", _("Diterima seluruhnya")
    PARTIAL = "partial", _("Diterima sebagian")
    REJECTED = "rejected", _("Ditolak")


class SubmissionQuerySet(ScopedQuerySet["Submission"]):
    scope_path = "upt"


class Submission(models.Model):
    """One daily package from one UPT, as received."""

    package_id = models.UUIDField(_("ID paket"), unique=True)
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("UPT"))
    kind = models.CharField(_("jenis paket"), max_length=8, choices=PackageKind.choices)
    format_version = models.PositiveSmallIntegerField(_("versi format"))
    channel = models.CharField(_("jalur"), max_length=8, choices=Channel.choices)
    generated_at = models.DateTimeField(_("dibuat pada"))
    since = models.DateTimeField(_("perubahan sejak"), null=True, blank=True)
    received_at = models.DateTimeField(_("diterima pada"), db_index=True)
    report_date = models.DateField(_("tanggal laporan (WIB)"), db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dikirim oleh")
    )
    content_hash = models.CharField(_("sidik isi paket"), max_length=64)
    state_checksum = models.CharField(_("checksum keadaan UPT"), max_length=64)
    person_count = models.PositiveIntegerField(_("jumlah orang"), default=0)
    movement_count = models.PositiveIntegerField(_("jumlah mutasi"), default=0)
    remission_count = models.PositiveIntegerField(_("jumlah remisi"), default=0)
    deletion_count = models.PositiveIntegerField(_("jumlah penghapusan"), default=0)
    on_time_occupancy = models.BooleanField(_("tepat waktu (batas 10.00 WIB)"))
    on_time_other = models.BooleanField(_("tepat waktu (batas 14.00 WIB)"))
    # The package's state_checksum differed from central's mirror after receipt: central asks for a full one.
    drift_detected = models.BooleanField(_("checksum keadaan tidak cocok"), default=False)

    state = models.CharField(
        _("status"), max_length=12, choices=SubmissionState.choices, default=SubmissionState.RECEIVED, db_index=True
    )
    run = models.ForeignKey(
        "central.ConsolidationRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("proses konsolidasi"),
    )
    consolidated_at = models.DateTimeField(_("dikonsolidasi pada"), null=True, blank=True)
    rows_accepted = models.PositiveIntegerField(_("baris diterima"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    rows_warned = models.PositiveIntegerField(_("baris dengan peringatan"), default=0)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiriman UPT")
        verbose_name_plural = _("kiriman UPT")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["upt", "-received_at"]),
            models.Index(fields=["report_date", "upt"]),
            # Timeliness reports read each UPT's packages, best first within a day, from this index alone
            # (an index-only scan: received_at is the one column they read beyond the order).
            models.Index(
                fields=["upt", "report_date", "-on_time_occupancy", "-on_time_other", "received_at"],
                name="submission_upt_timeliness_idx",
            ),
        ]

    def __str__(self) -> str:
        # Staff read times in WIB; a UTC time here would name yesterday's package for most of the morning.
        return f"{self.upt.code} {show_datetime(self.received_at)} ({self.get_kind_display()})"

    @property
    def row_count(self) -> int:
        return self.person_count + self.movement_count + self.remission_count + self.deletion_count


class StagedRow(models.Model):
    """What every staged row has: its package, its place in it and the hash of its content."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    row_no = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        abstract = True


class StagedPerson(StagedRow, PersonRecord):
    """A person row as received. Dates derived at receipt keep validation's SQL plain."""

    uid = models.UUIDField(null=True, blank=True)
    name_key = models.CharField(max_length=250, blank=True)  # normalised name|birth date|birth place, for linkage
    expiry_date = models.DateField(null=True, blank=True)  # tanggal ekspirasi; None for detainees, life, death
    detention_limit_date = models.DateField(null=True, blank=True)  # last lawful day for a detainee

    class Meta:
        indexes = [models.Index(fields=["submission", "reg_number"])]

    def __str__(self) -> str:
        return self.reg_number


class StagedMovement(StagedRow):
    uid = models.UUIDField()
    person_reg_number = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=MovementKind.choices)
    date = models.DateField()
    document_number = models.CharField(max_length=80, blank=True)
    other_upt_code = models.CharField(max_length=20, blank=True)
    release_reason = models.CharField(max_length=20, blank=True)
    exit_reason = models.CharField(max_length=20, blank=True)
    register_from = models.CharField(max_length=8, blank=True)
    register_to = models.CharField(max_length=8, blank=True)
    note = models.CharField(max_length=255, blank=True)
    # Derived at receipt from the package's own people (``central.services.inbox``), so that validation
    # needs no join for a row whose person came with it. NULL on rows staged before these were kept.
    person_in_package = models.BooleanField(null=True)
    person_admission_date = models.DateField(null=True, blank=True)  # the latest among that person's rows

    class Meta:
        indexes = [models.Index(fields=["submission", "uid"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_reg_number}"


class StagedRemission(StagedRow):
    uid = models.UUIDField()
    person_reg_number = models.CharField(max_length=40)
    kind = models.CharField(max_length=8, choices=RemissionKind.choices)
    days = models.PositiveSmallIntegerField()
    decree_number = models.CharField(max_length=80, blank=True)
    decree_date = models.DateField(null=True, blank=True)
    person_in_package = models.BooleanField(null=True)  # derived at receipt, as a movement's

    class Meta:
        indexes = [models.Index(fields=["submission", "uid"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_reg_number}"


class RecordType(models.TextChoices):
    PERSON = "person", _("Orang (WBP)")
    MOVEMENT = "movement", _("Mutasi")
    REMISSION = "remission", _("Remisi")


class StagedDeletion(models.Model):
    """A record the UPT deleted since its last package (a delta's tombstone)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    record_key = models.CharField(max_length=40)  # reg_number for people, uid for movements and remissions

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_key}"


class UptSyncState(models.Model):
    """What central knows of each UPT's data: whether the next package must be a full snapshot, and why.

    ``received_checksum`` is the checksum of the UPT's state as central has received it (the records of its
    packages, whatever validation later says of them); when a package's own ``state_checksum`` differs,
    the two sides have drifted and central asks for a full snapshot.
    """

    class FullReason(models.TextChoices):
        FIRST = "first", _("kiriman pertama")
        REQUESTED = "requested", _("diminta pusat")
        DRIFT = "drift", _("checksum tidak cocok")

    upt = models.OneToOneField(Upt, on_delete=models.CASCADE, related_name="sync_state", primary_key=True)
    last_submission = models.ForeignKey(Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_checksum = models.CharField(max_length=64, blank=True)
    full_requested = models.BooleanField(default=True)
    full_reason = models.CharField(max_length=12, choices=FullReason.choices, default=FullReason.FIRST)
    full_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status sinkronisasi UPT")
        verbose_name_plural = _("status sinkronisasi UPT")

    def __str__(self) -> str:
        return str(self.upt_id)


class ReceivedRecord(models.Model):
    """The latest content hash central has *received* for each record of each UPT (its mirror of the UPT).

    Kept by the receiving service, whatever validation later decides, so that the mirror's checksum can
    be compared with the ``state_checksum`` a package declares: a difference means a package went missing
    or the UPT's database was restored, and central asks for a full snapshot.
    """

    upt = models.ForeignKey(Upt, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=10, choices=RecordType.choices)
    record_key = models.CharField(max_length=40)
    content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["upt", "record_type", "record_key"], name="received_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_key}"
