"""API tokens with a lifecycle (django-rest-knox's model with a device name): only a hash is stored, each
token expires (``API_TOKEN_TTL_HOURS``), and one device holds one token (asking again replaces it)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken, AuthTokenManager

DEFAULT_DEVICE_NAME = "Perangkat tanpa nama"


class ApiTokenQuerySet(models.QuerySet):
    def alive(self) -> ApiTokenQuerySet:
        return self.filter(models.Q(expiry__isnull=True) | models.Q(expiry__gt=timezone.now()))


class ApiToken(AbstractAuthToken):
    # Pages and URLs name a token by this id: the digest is a secret's hash and ``token_key`` is the
    # secret's first characters, neither belongs in a URL or a page.
    public_id: models.UUIDField[uuid.UUID, uuid.UUID] = models.UUIDField(
        _("ID"), default=uuid.uuid4, unique=True, editable=False
    )
    name: models.CharField[str, str] = models.CharField(
        _("nama perangkat"), max_length=100, default=DEFAULT_DEVICE_NAME
    )

    objects = AuthTokenManager.from_queryset(ApiTokenQuerySet)()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="api_token_one_per_device")]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
