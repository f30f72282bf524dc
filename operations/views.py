"""The home page sends each person to their own start page; the health probes; the icon; signing out."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from central.roles import Role
from central.selectors.roles import user_role, user_upts
from operations import health


def start_url_for(user) -> str | None:
    """Where a person starts: their UPT, their region, the national dashboard, or the admin."""
    role = user_role(user=user)
    if role is Role.OPERATOR:
        upts = list(user_upts(user=user)[:2])
        if len(upts) == 1:
            return reverse("upt:home", kwargs={"upt_code": upts[0].code})
        if upts:
            return reverse("upt:choose")
    if role is Role.KANWIL:
        return reverse("kanwil:dashboard")
    if role is Role.CENTRAL:
        return reverse("laporan:national")
    if user.is_superuser:
        return reverse("admin:index")
    return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    url = start_url_for(request.user)
    if url:
        return redirect(url)
    # Signed in but given no role yet: say so rather than show an empty site.
    return render(request, "no_role.html", status=403)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else (``operations.health``)."""
    return JsonResponse(health.liveness())


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for the load balancer: 200 when every check passes, 503 naming the failing ones."""
    state = health.readiness()
    return JsonResponse(state.as_json(), status=200 if state.ready else 503)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG mark (not permanent, so
    a changed static file name is followed)."""
    return redirect(static("img/favicon.svg"))


class LogoutView(auth_views.LogoutView):
    """Django's sign-out, which then says so on the login page (it said nothing, leaving people unsure)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Anda telah keluar."))
        return response
