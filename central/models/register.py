"""The national register: every UPT's accepted records, upserted by consolidation in bulk SQL.

Rows are keyed by (UPT, registration number) for people and (UPT, uid) for movements and remissions,
and carry the content hash of what was accepted so that a run writes only rows that changed. One
``PersonIdentity`` links the records of the same human across UPTs (a transfer is one person moving).
"""

from django.db import models
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from central.models.organisation import Upt
from central.models.records import PersonRecord
from central.reference import MovementKind, RemissionKind
from central.scoping import ScopedQuerySet


class PersonIdentity(models.Model):
    """One human, across every UPT that has held them: found by NIK, else by name, birth date and place."""

    nik = models.CharField(_("NIK"), max_length=32, blank=True, db_index=True)
    name_key = models.CharField(_("kunci nama"), max_length=250, blank=True, db_index=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("identitas nasional")
        verbose_name_plural = _("identitas nasional")

    def __str__(self) -> str:
        return self.full_name


class NationalPersonQuerySet(ScopedQuerySet["NationalPerson"]):
    scope_path = "upt"


# Heap-only updates. A consolidation rewrites a row whose content changed; when no indexed column changes
# and the row's page has room, PostgreSQL writes the new version to the heap alone (HOT) instead of adding
# an entry to every index of the table (a person's nine; fourteen before). So the register indexes no column
# that every write changes (the run, the source package: a run finds the rows it wrote by their ids,
# engine.merge), nor the UPT or the identity alone (the (UPT, key) and (identity, status) indexes lead with
# them), and its pages are filled to 90 % (the migration's FILLFACTOR) to leave that room. The foreign keys
# stay (db_index=False below); nothing looks runs or packages up by them, and neither is ever deleted.


class NationalPerson(PersonRecord):
    upt = models.ForeignKey(
        Upt, on_delete=models.PROTECT, related_name="national_people", verbose_name=_("UPT"), db_index=False
    )
    uid = models.UUIDField(null=True, blank=True)
    name_key = models.CharField(max_length=250, blank=True)
    expiry_date = models.DateField(_("tanggal ekspirasi"), null=True, blank=True)
    detention_limit_date = models.DateField(_("batas penahanan"), null=True, blank=True)
    identity = models.ForeignKey(  # indexed by (identity, status)
        PersonIdentity, on_delete=models.PROTECT, null=True, blank=True, related_name="records", db_index=False
    )
    content_hash = models.CharField(max_length=64)
    source_submission = models.ForeignKey(
        "central.Submission", on_delete=models.PROTECT, related_name="+", verbose_name=_("dari kiriman"), db_index=False
    )
    first_run = models.ForeignKey(
        "central.ConsolidationRun", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    last_run = models.ForeignKey("central.ConsolidationRun", on_delete=models.PROTECT, related_name="+", db_index=False)

    objects = NationalPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("WBP (register nasional)")
        verbose_name_plural = _("WBP (register nasional)")
        constraints = [models.UniqueConstraint(fields=["upt", "reg_number"], name="national_person_key")]
        indexes = [
            models.Index(fields=["upt", "status"]),
            models.Index(fields=["identity", "status"]),
            models.Index(fields=["nik"]),
            models.Index(fields=["name_key"]),
            # The snapshot's figures that change with time alone (children, the overstay sentinel): a run
            # counts who crossed a date since the last snapshot day by these (services/consolidation/snapshot.py).
            models.Index(fields=["birth_date"], name="national_person_birth"),
            models.Index(fields=["detention_limit_date"], name="national_person_limit"),
            models.Index(fields=["expiry_date"], name="national_person_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reg_number})"


class NationalMovement(models.Model):
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+", db_index=False)
    uid = models.UUIDField()
    person_reg_number = models.CharField(max_length=40)
    kind = models.CharField(_("jenis mutasi"), max_length=20, choices=MovementKind.choices)
    date = models.DateField(_("tanggal"))
    document_number = models.CharField(_("nomor dokumen"), max_length=80, blank=True)
    other_upt = models.ForeignKey(Upt, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    release_reason = models.CharField(max_length=20, blank=True)
    exit_reason = models.CharField(max_length=20, blank=True)
    register_from = models.CharField(max_length=8, blank=True)
    register_to = models.CharField(max_length=8, blank=True)
    note = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64)
    last_run = models.ForeignKey("central.ConsolidationRun", on_delete=models.PROTECT, related_name="+", db_index=False)
    # The WIB day of the run that first wrote this movement (never changed by later versions): a transfer
    # out waits for its transfer in from the later of its date and this day.
    received_on = models.DateField(_("diterima pusat"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mutasi (register nasional)")
        verbose_name_plural = _("mutasi (register nasional)")
        constraints = [models.UniqueConstraint(fields=["upt", "uid"], name="national_movement_key")]
        indexes = [
            models.Index(fields=["upt", "person_reg_number"]),
            models.Index(fields=["kind", "date"]),
            # Transfers out by the day their wait starts (central.services.consolidation.engine).
            models.Index(
                Greatest("date", "received_on"),
                condition=models.Q(kind=MovementKind.TRANSFER_OUT),
                name="national_transfer_out_wait",
            ),
            # The movements central received since the previous snapshot (daily reconciliation).
            models.Index(fields=["received_on"], name="national_movement_received"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class NationalRemission(models.Model):
    upt = models.ForeignKey(Upt, on_delete=models.PROTECT, related_name="+", db_index=False)
    uid = models.UUIDField()
    person_reg_number = models.CharField(max_length=40)
    kind = models.CharField(_("jenis remisi"), max_length=8, choices=RemissionKind.choices)
    days = models.PositiveSmallIntegerField(_("hari"))
    decree_number = models.CharField(_("nomor SK"), max_length=80, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    last_run = models.ForeignKey("central.ConsolidationRun", on_delete=models.PROTECT, related_name="+", db_index=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("remisi (register nasional)")
        verbose_name_plural = _("remisi (register nasional)")
        constraints = [models.UniqueConstraint(fields=["upt", "uid"], name="national_remission_key")]
        indexes = [models.Index(fields=["upt", "person_reg_number"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.days}"
