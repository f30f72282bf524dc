"""How the API recognises a token: django-rest-knox's check (hash compared in constant time, an expired
token deleted when shown), answering in the project's language."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.request import Request


class ApiTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token: Any) -> bool:
        # knox also sweeps the owner's other expired tokens here, one more query on every request; an expired
        # token is refused either way, and the shown one is deleted when it has expired.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            found: tuple[Any, Any] | None = super().authenticate(request)
            return found
        except exceptions.AuthenticationFailed:
            # One answer for a malformed, unknown, expired or revoked token and an inactive account: the
            # caller learns only that it must ask for a new token.
            raise exceptions.AuthenticationFailed(
                _("Token tidak sah, sudah kedaluwarsa atau dicabut; minta token baru.")
            ) from None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for these tokens: the same ``tokenAuth`` header scheme as before."""

    target_class = "central.api.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106
