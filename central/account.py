"""The signed-in person's own pages: API tokens ("Token API": see each device's token, revoke one, or sign out
everywhere) and changing their password. Open to every signed-in person, whatever their role; each sees only
their own."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from central.models import ApiToken
from central.services.passwords import PASSWORD_CHANGE_DUE_KEY, password_changed_by_holder
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


class PasswordChange(PasswordChangeView):
    """Django's own password change (old password, the new one twice, the validators), on a page like the
    login's. The one page open to someone whose password an administrator set (``operations.middleware``)."""

    template_name = "account/password_change.html"
    http_method_names = ["get", "post", "head", "options"]  # Django's FormView also takes PUT as a POST

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["due"] = bool(self.request.session.get(PASSWORD_CHANGE_DUE_KEY))
        context["next"] = self._next()
        return context

    def _next(self) -> str:
        wanted = self.request.POST.get("next") or self.request.GET.get("next") or ""
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return wanted if safe and wanted != self.request.path else ""

    def get_success_url(self) -> str:
        return self._next() or reverse("home")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, and keeps this session signed in
        password_changed_by_holder(request=self.request, user=form.user)
        messages.success(self.request, _("Kata sandi Anda telah diganti."))
        return response
