"""The receiving UPT's "Mutasi masuk": people another UPT has transferred to it, received with one
confirmation from what the sending UPT recorded (``central.selectors.transfers``).

Operators of the receiving UPT (and the admin) only: a Kanwil or central user who may view the UPT gets
403, anyone else 404; a transfer addressed to another UPT answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from central.pagination import page_of
from central.selectors.transfers import incoming_records, incoming_transfer_get
from upt.forms import SENTENCED_CHOICES, TransferAcceptForm, apply_errors
from upt.models import Movement
from upt.selectors.transfers import pending_incoming
from upt.services.transfers import transfer_accept, transfer_prefill
from upt.views import _upt, warn_detention_overdue

PAGE_SIZE = 50


@require_safe
@login_required
@never_cache
def incoming_list(request: HttpRequest, upt_code: str) -> HttpResponse:
    """Transfers to this UPT not yet received, newest first."""
    upt = _upt(request, upt_code)
    page = page_of(request, pending_incoming(user=request.user, upt=upt), PAGE_SIZE)
    rows = incoming_records(list(page.object_list))
    return render(request, "upt/incoming_list.html", {"upt": upt, "page": page, "rows": rows, "section": "incoming"})


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def incoming_accept(request: HttpRequest, upt_code: str, uid: str) -> HttpResponse:
    """The person's record prefilled from the sending UPT's: check it, add the UPT's own number, receive."""
    upt = _upt(request, upt_code)
    incoming = incoming_transfer_get(user=request.user, upt=upt, uid=uid)
    accepted = Movement.objects.filter(upt=upt, transfer_of=incoming.movement.uid).select_related("person").first()
    if accepted is not None:
        messages.error(request, _("Pindahan ini sudah diterima; data WBP-nya sudah ada di register UPT ini."))
        return redirect("upt:person_detail", upt_code=upt.code, pk=accepted.person_id)
    form = TransferAcceptForm(
        request.POST or None,
        request.FILES or None,
        upt=upt,
        origin=incoming.movement.upt,
        initial=transfer_prefill(incoming),
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = transfer_accept(
                user=request.user,
                upt=upt,
                transfer_uid=incoming.movement.uid,
                data=form.person_data(),
                admission_document=form.cleaned_data["admission_document"],
                note=form.cleaned_data.get("note") or "",
                photo=form.cleaned_data.get("photo") or None,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s diterima dari %(origin)s dengan nomor registrasi %(reg)s.")
                % {"name": person.full_name, "origin": incoming.movement.upt.name, "reg": person.reg_number},
            )
            warn_detention_overdue(request, person)
            return redirect("upt:person_detail", upt_code=upt.code, pk=person.pk)
    return render(
        request,
        "upt/person_form.html",
        {
            "upt": upt,
            "incoming": incoming,
            "form": form,
            "creating": True,
            "sentenced_registers": SENTENCED_CHOICES,
        },
    )
