"""The audit trail: who signed in (or failed to), sent packages, ran or changed consolidation, and looked at
or exported person-level data. Written only by ``central.services.audit``; never editable."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from central.formats import show_datetime
from central.models.organisation import Upt
from central.scoping import ScopedQuerySet


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Masuk")
    LOGIN_FAILED = "login_failed", _("Gagal masuk")
    LOCKED_OUT = "locked_out", _("Akun dikunci sementara")
    LOGOUT = "logout", _("Keluar")
    ROLE_CHANGED = "role_changed", _("Peran atau unit diubah")
    PACKAGE_SENT = "package_sent", _("Paket dikirim ke pusat")
    FULL_SNAPSHOT_REQUESTED = "full_requested", _("Paket lengkap diminta")
    CONSOLIDATION_TRIGGERED = "consolidation_run", _("Konsolidasi dijalankan")
    SUBMISSION_REOPENED = "submission_reopened", _("Kiriman dibuka ulang")
    CONFLICT_CLOSED = "conflict_closed", _("Konflik diselesaikan/diabaikan")
    RULES_SWITCHED = "rules_switched", _("Aturan validasi diaktifkan/dinonaktifkan")
    PERSON_VIEWED = "person_viewed", _("Data WBP dilihat")
    EXPORTED = "exported", _("Data diekspor")
    TOKEN_ISSUED = "token_issued", _("Token API diterbitkan")
    TOKEN_REVOKED = "token_revoked", _("Token API dicabut")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    # Kept as text so the trail still names the person after their account is removed.
    actor_username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=24, choices=AuditAction.choices, db_index=True)
    upt = models.ForeignKey(
        Upt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("UPT")
    )
    object_type = models.CharField(_("jenis objek"), max_length=60, blank=True)
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True)
    detail = models.CharField(_("rincian"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-at"]
        indexes = [models.Index(fields=["actor", "-at"]), models.Index(fields=["upt", "-at"])]

    def __str__(self) -> str:
        return f"{show_datetime(self.at)} {self.actor_username} {self.get_action_display()}"
