"""Read-only monitoring pages for a Kanwil's region. Only GET is ever answered here."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from central.scoping import Action
from central.selectors.organisation import kanwils_for, upts_for


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    kanwils = list(kanwils_for(request.user))
    if not kanwils:
        raise PermissionDenied
    upts = upts_for(request.user, Action.VIEW).filter(kanwil__in=kanwils).order_by("kanwil__name", "name")
    return render(request, "kanwil/dashboard.html", {"kanwils": kanwils, "upts": upts})
