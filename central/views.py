"""Pages for Ditjenpas (central)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from central.scoping import Action, has_central_permission
from central.selectors.organisation import kanwils_for


@require_safe
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not has_central_permission(request.user, Action.VIEW):
        raise PermissionDenied
    kanwils = list(kanwils_for(request.user))
    totals = {
        "upts": sum(k.active_upts for k in kanwils),
        "capacity": sum(k.total_capacity or 0 for k in kanwils),
    }
    return render(request, "central/dashboard.html", {"kanwils": kanwils, "totals": totals})
