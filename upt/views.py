"""Operator pages at a UPT. Every view resolves its UPT through the scoping choke point first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from central.models import Upt
from central.scoping import Action, get_scoped_or_404
from central.selectors.organisation import upts_for


@login_required
def choose(request: HttpRequest) -> HttpResponse:
    """For an operator who works for more than one UPT: pick which one."""
    upts = list(upts_for(request.user, Action.OPERATE))
    if len(upts) == 1:
        return redirect("upt:home", upt_code=upts[0].code)
    return render(request, "upt/choose.html", {"upts": upts})


@login_required
def home(request: HttpRequest, upt_code: str) -> HttpResponse:
    upt = get_scoped_or_404(Upt.objects.select_related("kanwil"), request.user, Action.OPERATE, code=upt_code)
    return render(request, "upt/home.html", {"upt": upt})
