"""A password someone else chose: until its holder picks their own, they use no page of the system."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordChangeDue(models.Model):
    """A person whose password an administrator set (a new account, a reset) and who has not changed it since.

    The administrator knows that password, and it has often travelled by message or on paper: the holder
    must replace it at their next sign-in before anything else (``operations.middleware``). The row is
    removed when they do. Its absence is the normal case, so nothing is stored for everyone else.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("pengguna"),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    set_at = models.DateTimeField(_("ditetapkan pada"), default=timezone.now)

    class Meta:
        verbose_name = _("kata sandi yang wajib diganti")
        verbose_name_plural = _("kata sandi yang wajib diganti")

    def __str__(self) -> str:
        return str(self.user)
