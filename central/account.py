"""The signed-in person's own page of API tokens ("Token API"): see each device's token, revoke one, or
sign out everywhere. Open to every signed-in person, whatever their role; each sees only their own."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from central.models import ApiToken
from central.services.tokens import sign_out_everywhere, token_revoke


@require_safe
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).alive().order_by("-created")
    return render(request, "account/tokens.html", {"tokens": tokens, "token_ttl_hours": settings.API_TOKEN_TTL_HOURS})


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, public_id: str) -> HttpResponse:
    # Another person's token is answered exactly like one that does not exist.
    token = ApiToken.objects.filter(user=request.user, public_id=public_id).first()
    if token is None:
        raise Http404
    name = token.name
    token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("Token perangkat %(name)s dicabut.") % {"name": name})
    return redirect("account:tokens")


@require_POST
@login_required
def sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    tokens, sessions = sign_out_everywhere(user=request.user, request=request)
    messages.success(
        request,
        _("Keluar dari semua perangkat: %(tokens)s token dicabut, %(sessions)s sesi lain diakhiri.")
        % {"tokens": tokens, "sessions": sessions},
    )
    return redirect("account:tokens")
