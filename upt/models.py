"""A UPT's working register: the people it holds (WBP), their movements and remissions.

Every row belongs to one UPT and is reached through ``restrict(user, action)``. A person's ``status``,
``register``/``register_since``, ``remission_days`` and ``expiry_date`` are derived — from the movement
history, the remissions and ``central.sentence`` — and kept on the row by the services in
``upt.services`` so that lists, work lists and packages can read them without recomputing.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from central.formats import show_date
from central.models import Upt
from central.models.records import PersonRecord
from central.reference import MovementKind, Register, ReleaseReason, RemissionKind, TemporaryExitReason
from central.scoping import ScopedQuerySet
from upt.node.records import CentralFeedback, NodeReference  # noqa: F401 — models of this app (node copies)


class PersonQuerySet(ScopedQuerySet["Person"]):
    scope_path = "upt"


class Person(PersonRecord):
    """A WBP held (or once held) by this UPT."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="people", verbose_name=_("UPT"))
    photo = models.ImageField(_("foto"), upload_to="wbp/%Y/%m/", blank=True)
    # Derived by the services from detention start, sentence, subsider and remissions (central.sentence),
    # so that "releases due" is an indexed range query rather than a computation over every row.
    expiry_date = models.DateField(_("tanggal ekspirasi"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True, db_index=True)
    change_seq = models.BigIntegerField(default=0, editable=False)  # stamped by the database: see ChangeClock

    history = HistoricalRecords(excluded_fields=["photo", "change_seq"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("WBP")
        verbose_name_plural = _("WBP")
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(fields=["upt", "reg_number"], name="person_reg_number_unique_in_upt")]
        indexes = [
            models.Index(fields=["upt", "status", "register"]),
            models.Index(fields=["upt", "full_name"]),
            models.Index(fields=["upt", "nik"]),
            models.Index(fields=["upt", "expiry_date"]),
            models.Index(fields=["upt", "register", "register_since"]),
            models.Index(fields=["upt", "change_seq"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reg_number})"


class MovementQuerySet(ScopedQuerySet["Movement"]):
    scope_path = "upt"


class Movement(models.Model):
    """One entry of a person's movement history. Append-only: corrections are new entries."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="movements", verbose_name=_("WBP"))
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+", verbose_name=_("UPT"))
    kind = models.CharField(_("jenis mutasi"), max_length=20, choices=MovementKind.choices)
    date = models.DateField(_("tanggal"))
    document_number = models.CharField(_("nomor dokumen"), max_length=80, blank=True)
    other_upt = models.ForeignKey(
        Upt, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("UPT asal/tujuan")
    )
    release_reason = models.CharField(_("alasan bebas"), max_length=20, choices=ReleaseReason.choices, blank=True)
    exit_reason = models.CharField(
        _("alasan keluar sementara"), max_length=20, choices=TemporaryExitReason.choices, blank=True
    )
    register_from = models.CharField(_("dari register"), max_length=8, choices=Register.choices, blank=True)
    register_to = models.CharField(_("ke register"), max_length=8, choices=Register.choices, blank=True)
    note = models.CharField(_("catatan"), max_length=255, blank=True)
    # A transfer in accepted from the incoming-transfers list: the uid of the sending UPT's transfer out
    # (as central's register holds it), so that the same transfer is never accepted twice.
    transfer_of = models.UUIDField(_("pindahan dari mutasi"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True, db_index=True)
    change_seq = models.BigIntegerField(default=0, editable=False)  # stamped by the database: see ChangeClock

    history = HistoricalRecords(excluded_fields=["change_seq"])
    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("mutasi")
        verbose_name_plural = _("mutasi")
        ordering = ["person", "date", "recorded_at"]
        indexes = [models.Index(fields=["upt", "kind", "date"]), models.Index(fields=["upt", "change_seq"])]
        constraints = [
            models.UniqueConstraint(
                fields=["upt", "transfer_of"],
                condition=models.Q(transfer_of__isnull=False),
                name="movement_transfer_accepted_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {show_date(self.date)}"


class RemissionQuerySet(ScopedQuerySet["Remission"]):
    scope_path = "upt"


class Remission(models.Model):
    """A remission decree granted to a person: days off the sentence."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="remissions", verbose_name=_("WBP"))
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+", verbose_name=_("UPT"))
    kind = models.CharField(_("jenis remisi"), max_length=8, choices=RemissionKind.choices)
    days = models.PositiveSmallIntegerField(_("jumlah hari"))
    decree_number = models.CharField(_("nomor SK"), max_length=80)
    decree_date = models.DateField(_("tanggal SK"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dicatat oleh")
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True, db_index=True)
    change_seq = models.BigIntegerField(default=0, editable=False)  # stamped by the database: see ChangeClock

    history = HistoricalRecords(excluded_fields=["change_seq"])
    objects = RemissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("remisi")
        verbose_name_plural = _("remisi")
        ordering = ["person", "decree_date"]
        indexes = [models.Index(fields=["upt", "change_seq"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} " + ngettext("%(n)d hari", "%(n)d hari", self.days) % {"n": self.days}


# --- What the daily package has carried (upt.services.package) -------------------------------------------


class ChangeClock(models.Model):
    """A UPT's change sequence: the number that every person, movement and remission written now is
    stamped with (``change_seq``), and every deletion or renaming (``Tombstone``).

    The stamps are written by database triggers (migration 0004), so no write path can skip them: the
    register services, the admin, bulk updates of derived fields, seeding by ``COPY``. A writer holds this
    row ``FOR SHARE`` until it commits; sealing a package advances ``current`` with an ``UPDATE``, which
    waits for every such writer. So when a package is sealed at n, every row stamped n or lower has
    committed, and anything written later is stamped n + 1 or higher: nothing committed late is skipped.
    """

    upt = models.OneToOneField(Upt, on_delete=models.CASCADE, primary_key=True, related_name="+")
    current = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.upt_id}: {self.current}"


class PackageMark(models.Model):
    """A sealed package (sent, or downloaded to carry): it holds every change stamped up to ``change_seq``.
    The next delta starts from the mark of the package central last accepted."""

    package_id = models.UUIDField(unique=True)
    upt = models.ForeignKey(Upt, on_delete=models.CASCADE, related_name="+")
    change_seq = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.package_id} ≤ {self.change_seq}"


class Tombstone(models.Model):
    """A key the UPT no longer holds: a deleted record, or the old registration number of a renamed
    person (``person_id`` then names them, so that their movements and remissions go again with the new
    number). Written by the database triggers; read by the delta builder."""

    upt = models.ForeignKey(Upt, on_delete=models.CASCADE, related_name="+", db_index=False)
    record_type = models.CharField(max_length=10)
    record_key = models.CharField(max_length=40)
    person_id = models.BigIntegerField(null=True, blank=True)  # a plain id: the person may be gone
    change_seq = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["upt", "change_seq"])]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_key} @ {self.change_seq}"


class OutboxState(models.TextChoices):
    WAITING = "waiting", _("menunggu")
    SENDING = "sending", _("sedang dikirim")
    DELIVERED = "delivered", _("diterima pusat")
    REFUSED = "refused", _("ditolak pusat")


class OutboxPackage(models.Model):
    """A package built at a UPT node, kept until central has answered it (``upt.node.outbox``).

    It is stored with its seal (``mark``) in the transaction that builds it, before anything is sent: a
    restart, a lost link or a lost answer never loses it, and its ``package_id`` never changes, so a retry
    after a lost answer gets central's original result (central is idempotent on the package id).
    """

    package_id = models.UUIDField(unique=True)
    upt = models.ForeignKey(Upt, on_delete=models.CASCADE, related_name="+")
    mark = models.OneToOneField(PackageMark, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=10)  # central.models.PackageKind
    reason = models.CharField(max_length=20)  # upt.services.package.PlanReason
    generated_at = models.DateTimeField()  # the package's own generated_at: the next delta's `since`
    payload = models.BinaryField()  # the package's JSON, gzip-compressed, exactly as it is sent
    size = models.PositiveIntegerField(default=0)  # bytes of the gzip body
    rows = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.WAITING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)  # a sentence for the operator
    answer = models.JSONField(null=True, blank=True)  # central's last JSON answer (its next_package included)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"]), models.Index(fields=["upt", "state"])]

    def __str__(self) -> str:
        return f"{self.package_id} ({self.state})"

    @property
    def in_flight(self) -> bool:
        return self.state in (OutboxState.WAITING, OutboxState.SENDING)

    @property
    def received_at(self) -> datetime | None:
        """Read like central's ``Submission.received_at`` by the package plan and its summary."""
        return self.delivered_at
