"""Operator pages at a UPT. Every view resolves its UPT, then its person, through the scoping choke point:
another UPT's unit or person answers 404 whatever the URL or a form field says."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from central.formats import show_date
from central.models import Upt
from central.pagination import PAGE_PARAM, page_of
from central.private_search import carries_search_text, search_query, search_text
from central.reference import CrimeCategory, MovementKind, PersonStatus, Register
from central.scoping import Action, get_scoped_or_404
from central.selectors.organisation import upts_for
from upt.forms import (
    MOVEMENT_FIELD_KINDS,
    SENTENCED_CHOICES,
    MovementForm,
    PersonCreateForm,
    PersonUpdateForm,
    RemissionForm,
    apply_errors,
)
from upt.models import Person
from upt.node.guard import refuse_if_node_hosted
from upt.selectors.people import (
    NARCOTICS,
    SORT_LABELS,
    STATUS_ALL,
    STATUS_HELD,
    PersonFilters,
    person_by_reg_number,
    person_list,
    person_page_rows,
)
from upt.selectors.worklists import (
    DETENTION_WARNING_DAYS,
    RELEASE_HORIZON_MONTHS,
    detention_limits,
    detention_overdue,
    upt_home,
)
from upt.services.common import today
from upt.services.movements import movement_record
from upt.services.people import person_create, person_file_open, person_update
from upt.services.remissions import remission_record

PAGE_SIZE = 50


def _upt(request: HttpRequest, upt_code: str) -> Upt:
    upt = get_scoped_or_404(Upt.objects.select_related("kanwil"), request.user, Action.OPERATE, code=upt_code)
    refuse_if_node_hosted(upt)  # a node's register is at the node, not in central's copy
    return upt


def _person(request: HttpRequest, upt: Upt, pk: int) -> Person:
    return get_scoped_or_404(Person.objects.filter(upt=upt).select_related("upt"), request.user, Action.OPERATE, pk=pk)


def warn_detention_overdue(request: HttpRequest, person: Person) -> None:
    """After a save: say so when the detainee's lawful detention has already ended (saved all the same)."""
    window = detention_overdue(person, today=today())
    if window is None:
        return
    days = -window.days_remaining(today())
    messages.warning(
        request,
        ngettext(
            "Perhatian: batas masa penahanan %(name)s (register %(register)s) berakhir %(date)s, sudah lewat "
            "%(days)d hari. Data tetap disimpan; periksa surat perpanjangan penahanan atau putusannya.",
            "Perhatian: batas masa penahanan %(name)s (register %(register)s) berakhir %(date)s, sudah lewat "
            "%(days)d hari. Data tetap disimpan; periksa surat perpanjangan penahanan atau putusannya.",
            days,
        )
        % {"name": person.full_name, "register": person.register, "days": days, "date": show_date(window.last_day)},
    )


@require_safe
@login_required
def choose(request: HttpRequest) -> HttpResponse:
    """For an operator who works for more than one UPT: pick which one. Other roles operate no UPT."""
    upts = list(upts_for(user=request.user, action=Action.OPERATE))
    if not upts:
        raise PermissionDenied
    if len(upts) == 1:
        return redirect("upt:home", upt_code=upts[0].code)
    return render(request, "upt/choose.html", {"upts": upts})


@require_safe
@login_required
@never_cache
def home(request: HttpRequest, upt_code: str) -> HttpResponse:
    """The operator's start page: occupancy against capacity and the day's work lists."""
    upt = _upt(request, upt_code)
    return render(request, "upt/home.html", {"upt": upt, "home": upt_home(user=request.user, upt=upt)})


WORKLIST_TITLES = {
    **{f"tahanan-{d}": gettext_lazy("Masa penahanan habis dalam %(d)d hari") for d in DETENTION_WARNING_DAYS},
    **{f"bebas-{m}": gettext_lazy("Bebas dalam %(d)d bulan") for m in RELEASE_HORIZON_MONTHS},
    "tanpa-putusan": gettext_lazy("Narapidana tanpa petikan putusan"),
}


#: The list's filters that say nothing about a person: they stay in the URL (the search text does not).
LIST_PARAMS = ("register", "status", "kategori", "urut", "daftar")


def _filters(request: HttpRequest, q: str) -> PersonFilters:
    get = request.GET
    return PersonFilters(
        q=q,
        register=get.get("register", ""),
        status=get.get("status", STATUS_HELD),
        category=get.get("kategori", ""),
        worklist=get.get("daftar", ""),
        sort=get.get("urut", "nama"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def person_list_view(request: HttpRequest, upt_code: str) -> HttpResponse:
    """The register: search by name, registration number or NIK; filter by register, status, category.

    The search form POSTs; the text is kept in the session and the URL carries only a token
    (``central.private_search``), so no name or NIK reaches a log, the history or a Referer."""
    upt = _upt(request, upt_code)
    if carries_search_text(request):
        source = request.POST if request.method == "POST" else request.GET
        query = search_query(request, source, LIST_PARAMS)
        target = reverse("upt:person_list", args=[upt.code])
        return redirect(f"{target}?{query.urlencode()}" if query else target)
    q, found = search_text(request, request.GET)
    if not found:
        messages.info(request, _("Pencarian sebelumnya sudah tidak tersimpan; silakan ketik lagi."))
    filters = _filters(request, q)
    limits = detention_limits()
    page = page_of(request, person_list(user=request.user, upt=upt, filters=filters, limits=limits), PAGE_SIZE)
    person_page_rows(list(page.object_list), limits)  # the same instances the page then shows
    worklist_title = ""
    if filters.worklist in WORKLIST_TITLES:
        size = int(filters.worklist.rsplit("-", 1)[1]) if filters.worklist[-1].isdigit() else 0
        worklist_title = WORKLIST_TITLES[filters.worklist] % {"d": size}
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    return render(
        request,
        "upt/person_list.html",
        {
            "upt": upt,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "worklist_title": worklist_title,
            "registers": Register.choices,
            "statuses": [
                (STATUS_HELD, _("Penghuni (di dalam + keluar sementara)")),
                (STATUS_ALL, _("Semua status")),
                *PersonStatus.choices,
            ],
            "categories": [(NARCOTICS, _("Narkotika (semua)")), *CrimeCategory.choices],
            "sorts": list(SORT_LABELS.items()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def person_create_view(request: HttpRequest, upt_code: str) -> HttpResponse:
    upt = _upt(request, upt_code)
    form = PersonCreateForm(request.POST or None, request.FILES or None, upt=upt, initial={"admission_date": today()})
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(
                user=request.user,
                upt=upt,
                data=form.person_data(),
                admission_kind=form.cleaned_data["admission_kind"],
                admission_document=form.cleaned_data["admission_document"],
                origin_upt=form.cleaned_data.get("origin_upt"),
                note=form.cleaned_data.get("note") or "",
                photo=form.cleaned_data.get("photo") or None,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Data %(name)s dibuka dengan nomor registrasi %(reg)s.")
                % {"name": person.full_name, "reg": person.reg_number},
            )
            warn_detention_overdue(request, person)
            if "_lagi" in request.POST:
                return redirect("upt:person_create", upt_code=upt.code)
            return redirect("upt:person_detail", upt_code=upt.code, pk=person.pk)
    return render(
        request,
        "upt/person_form.html",
        {"upt": upt, "form": form, "creating": True, "sentenced_registers": SENTENCED_CHOICES},
    )


@require_safe
@login_required
@never_cache
def person_by_reg(request: HttpRequest, upt_code: str, reg_number: str) -> HttpResponse:
    """A person's page by registration number (the correction list and other pages link here)."""
    upt = _upt(request, upt_code)
    person = person_by_reg_number(user=request.user, upt=upt, reg_number=reg_number)
    return redirect("upt:person_detail", upt_code=upt.code, pk=person.pk)


@require_safe
@login_required
@never_cache
def person_detail(request: HttpRequest, upt_code: str, pk: int) -> HttpResponse:
    upt = _upt(request, upt_code)
    file = person_file_open(request=request, upt=upt, pk=pk)
    return render(request, "upt/person_detail.html", {"upt": upt, "file": file, "person": file.person})


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def person_update_view(request: HttpRequest, upt_code: str, pk: int) -> HttpResponse:
    upt = _upt(request, upt_code)
    person = _person(request, upt, pk)
    form = PersonUpdateForm(request.POST or None, request.FILES or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            updated = person_update(
                user=request.user,
                person=person,
                data=form.person_data(),
                expected_updated_at=form.expected_version(),
                photo=form.cleaned_data.get("photo") or None,
                remove_photo=form.cleaned_data.get("remove_photo", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Perubahan data %(name)s disimpan.") % {"name": person.full_name})
            warn_detention_overdue(request, updated)
            return redirect("upt:person_detail", upt_code=upt.code, pk=person.pk)
    return render(
        request,
        "upt/person_form.html",
        {"upt": upt, "form": form, "person": person, "creating": False, "sentenced_registers": SENTENCED_CHOICES},
    )


#: Movements that take the person out of the UPT's hands for good are confirmed on a summary page first.
CONFIRMED_KINDS = frozenset({MovementKind.TRANSFER_OUT})


def _asks_confirmation(request: HttpRequest, form: MovementForm) -> bool:
    """A valid transfer out not yet confirmed ("Ya, pindahkan") shows its summary instead of saving."""
    return form.cleaned_data.get("kind") in CONFIRMED_KINDS and "_confirm" not in request.POST


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def movement_create_view(request: HttpRequest, upt_code: str, pk: int) -> HttpResponse:
    upt = _upt(request, upt_code)
    person = _person(request, upt, pk)
    initial = {"kind": request.GET.get("jenis", ""), "date": today()}
    form = MovementForm(request.POST or None, person=person, initial=initial)
    # "Ubah" on the summary page brings the filled-in form back, unsaved.
    if request.method == "POST" and "_edit" not in request.POST and form.is_valid():
        if _asks_confirmation(request, form):
            return render(
                request,
                "upt/movement_confirm.html",
                {
                    "upt": upt,
                    "form": form,
                    "person": person,
                    "data": form.movement_data(),
                    # What was typed goes back unchanged with "Ya, pindahkan" (and is checked again then).
                    "hidden": [
                        (name, value)
                        for name, values in request.POST.lists()
                        if name not in ("csrfmiddlewaretoken", "_confirm", "_edit")
                        for value in values
                    ],
                },
            )
        try:
            movement = movement_record(
                user=request.user,
                person=person,
                note=form.cleaned_data.get("note") or "",
                **form.movement_data(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s %(name)s tanggal %(date)s dicatat.")
                % {
                    "kind": movement.get_kind_display(),
                    "name": person.full_name,
                    "date": show_date(movement.date),
                },
            )
            warn_detention_overdue(request, movement.person)  # the service's copy, with the new register
            return redirect("upt:person_detail", upt_code=upt.code, pk=person.pk)
    return render(
        request,
        "upt/movement_form.html",
        {
            "upt": upt,
            "form": form,
            "person": person,
            "field_kinds": MOVEMENT_FIELD_KINDS,
            "sentenced_registers": SENTENCED_CHOICES,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def remission_create_view(request: HttpRequest, upt_code: str, pk: int) -> HttpResponse:
    upt = _upt(request, upt_code)
    person = _person(request, upt, pk)
    form = RemissionForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            remission = remission_record(user=request.user, person=person, **form.remission_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kind)s %(days)d hari untuk %(name)s dicatat.")
                % {"kind": remission.get_kind_display(), "days": remission.days, "name": person.full_name},
            )
            return redirect("upt:person_detail", upt_code=upt.code, pk=person.pk)
    return render(request, "upt/remission_form.html", {"upt": upt, "form": form, "person": person})


@require_safe
@login_required
@never_cache
def person_photo(request: HttpRequest, upt_code: str, pk: int) -> FileResponse:
    """The photo, served only to those who may open the person's page (never from a public media URL)."""
    upt = _upt(request, upt_code)
    person = _person(request, upt, pk)
    if not person.photo:
        raise Http404
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle)  # never_cache: a face is person data, kept in no cache
