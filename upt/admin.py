"""The register in the admin: scoped like every SDP admin, and writing only through the register services.

Operators add and correct their UPT's records here too (the same forms and rules as their pages);
Kanwil and central only view; deleting is the admin's alone and goes through the services, which keep the
person's derived fields in step. The change history (simple-history) is read-only: no revert.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from central.admin_base import PersonViewAuditMixin, PrivateSearchAdminMixin, ScopedModelAdmin
from central.models import Upt
from central.reference import MOVEMENT_RULES, MovementKind
from central.register_rules import (
    CASE_FIELDS,
    IDENTITY_FIELDS,
    MOVEMENT_VERDICT_FIELDS,
    PLACEMENT_FIELDS,
    VERDICT_FIELDS,
)
from central.scoping import Action
from central.text import SanitizedInputMixin
from central.typing import AnyUser
from upt.forms import MovementForm, PersonCreateForm, PersonUpdateForm, RemissionForm, _choices, _UptChoiceField
from upt.models import Movement, Person, Remission
from upt.services.movements import movement_annotate, movement_delete, movement_record
from upt.services.people import person_create, person_delete, person_update
from upt.services.remissions import remission_delete, remission_record, remission_update

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec


def _copy(source: Any, target: Any) -> None:
    """Make the admin's unsaved form instance the row the service wrote (for its log and redirect)."""
    for field in type(source)._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False


class RegisterAdmin(PrivateSearchAdminMixin, SimpleHistoryAdmin, ScopedModelAdmin):
    """Scoped admin with a read-only, scoped change history."""

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True  # a revert would write around the services

    def _check_history_scope(self, request: HttpRequest, object_id: str) -> None:
        # simple-history looks the rows up without scope; another unit's record must answer 404 here too,
        # also once deleted (its history stays).
        try:  # an id that is no id ("0001-01-01" in the URL) is a page that does not exist, not a server error
            key = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        record = self.model.history.filter(id=key).order_by("-history_date").first()
        if record is None or not Upt.objects.restrict(request.user, Action.VIEW).filter(pk=record.upt_id).exists():
            raise Http404

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._check_history_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._check_history_scope(request, object_id)
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Django nests each object's children in a sub-list (shown indented); the stub types the list as flat strings.
    def get_deleted_objects(  # type: ignore[override]
        self, objs: Iterable[Model], request: HttpRequest
    ) -> tuple[list[SafeString | list[SafeString]], dict[str, int], set[str], list[str]]:
        # Movements and remissions are protected from Django's cascade on purpose: the service removes them
        # with the person (or refuses), so the confirmation page lists what the service will delete.
        to_delete: list[SafeString | list[SafeString]] = []
        counts: dict[str, int] = {}
        for obj in objs:
            children = self.deleted_children(obj)
            to_delete.append(format_html("{}: {}", obj._meta.verbose_name, obj))
            if children:
                to_delete.append([format_html("{}: {}", child._meta.verbose_name, child) for child in children])
            for item in (obj, *children):
                key = str(item._meta.verbose_name_plural)
                counts[key] = counts.get(key, 0) + 1
        perms_needed = set() if self.has_delete_permission(request) else {str(self.model._meta.verbose_name)}
        return to_delete, counts, perms_needed, []

    def deleted_children(self, obj: Model) -> list[Model]:
        return []

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Model]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def _refuse(self, request: HttpRequest, error: ValidationError) -> None:
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)


def _scoped_people(user: AnyUser) -> forms.ModelChoiceField[Person]:
    return forms.ModelChoiceField(
        label=_("WBP"),
        queryset=Person.objects.restrict(user, Action.OPERATE).select_related("upt").order_by("full_name"),
    )


@admin.register(Person)
class PersonAdmin(PersonViewAuditMixin, RegisterAdmin):
    list_display = [
        "reg_number",
        "full_name",
        "register",
        "status",
        "crime_category",
        "admission_date",
        "expiry_date",
        "upt",
    ]
    list_filter = ["status", "register", "crime_category", ("upt", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reg_number", "full_name", "alias", "nik", "passport_number"]
    list_select_related = ["upt"]
    date_hierarchy = "admission_date"
    readonly_fields = [
        "upt",
        "register",
        "register_since",
        "status",
        "admission_date",
        "remission_days",
        "expiry_date",
        "uid",
        "created_at",
        "updated_at",
    ]
    _IDENTITY = (*IDENTITY_FIELDS, "photo")
    _CASE = CASE_FIELDS
    _VERDICT = VERDICT_FIELDS

    def get_fieldsets(self, request: HttpRequest, obj: Person | None = None) -> _FieldsetSpec:
        if obj is None:
            return [
                (
                    _("Registrasi dan masuk"),
                    {"fields": ("upt", "admission_kind", "admission_date", "admission_document", "origin_upt")},
                ),
                (_("Identitas"), {"fields": self._IDENTITY}),
                (_("Perkara"), {"fields": ("register", "register_since", *self._CASE)}),
                (_("Putusan"), {"fields": self._VERDICT}),
                (_("Penempatan"), {"fields": (*PLACEMENT_FIELDS, "note")}),
            ]
        identity: tuple[str, ...] = self._IDENTITY
        if not self.has_change_permission(request, obj):
            # Read-only pages would link the stored file; the photo is shown only on the operator's page.
            identity = tuple(f for f in identity if f != "photo")
        return [
            (_("Identitas"), {"fields": identity}),
            (_("Perkara"), {"fields": self._CASE}),
            (_("Putusan"), {"fields": self._VERDICT}),
            (_("Penempatan"), {"fields": PLACEMENT_FIELDS}),
            (_("Diturunkan dari mutasi dan remisi"), {"fields": tuple(self.readonly_fields)}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: Person | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Person]]:
        if obj is not None:
            return PersonUpdateForm
        user = request.user

        class AdminPersonCreateForm(PersonCreateForm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.pop("upt", None)
                super().__init__(*args, **kwargs)
                self.fields["upt"] = _UptChoiceField(
                    label=_("UPT"), queryset=Upt.objects.restrict(user, Action.OPERATE).filter(is_active=True)
                )

            def clean(self) -> dict[str, Any]:
                self.upt = self.cleaned_data.get("upt")
                return super().clean()

        return AdminPersonCreateForm

    def save_model(self, request: HttpRequest, obj: Person, form: PersonCreateForm, change: bool) -> None:
        photo = form.cleaned_data.get("photo") or None
        if change:
            person = person_update(user=request.user, person=obj, data=form.person_data(), photo=photo)
        else:
            person = person_create(
                user=request.user,
                upt=form.cleaned_data["upt"],
                data=form.person_data(),
                admission_kind=form.cleaned_data["admission_kind"],
                admission_document=form.cleaned_data["admission_document"],
                origin_upt=form.cleaned_data.get("origin_upt"),
                note=form.cleaned_data.get("note") or "",
                photo=photo,
            )
        _copy(person, obj)

    def deleted_children(self, obj: Model) -> list[Model]:
        assert isinstance(obj, Person)  # this admin's objects
        return [*obj.movements.all(), *obj.remissions.all()]

    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        person_delete(user=request.user, person=obj)


@admin.register(Movement)
class MovementAdmin(RegisterAdmin):
    list_display = ["date", "kind", "person", "detail", "document_number", "upt", "recorded_by", "recorded_at"]
    list_filter = ["kind", "date", ("upt", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["person__full_name", "person__reg_number", "document_number"]
    list_select_related = ["person", "upt", "other_upt", "recorded_by"]
    date_hierarchy = "date"
    unrestricted_fk_fields = ("other_upt",)  # a transfer goes to any UPT in the country
    _FACTS = [
        "person",
        "kind",
        "date",
        "other_upt",
        "release_reason",
        "exit_reason",
        "register_from",
        "register_to",
        "upt",
        "uid",
        "recorded_by",
        "recorded_at",
        "updated_at",
    ]

    @admin.display(description=_("keterangan"))
    def detail(self, obj: Movement) -> object:
        if obj.other_upt_id:
            return obj.other_upt
        if obj.register_to:
            return f"{obj.register_from} → {obj.register_to}" if obj.register_from else obj.register_to
        return obj.get_release_reason_display() or obj.get_exit_reason_display() or ""

    def get_fieldsets(self, request: HttpRequest, obj: Movement | None = None) -> _FieldsetSpec:
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": (
                            "person",
                            "kind",
                            "date",
                            "document_number",
                            "other_upt",
                            "release_reason",
                            "exit_reason",
                            "register_to",
                            "note",
                        )
                    },
                ),
                (
                    _("Putusan (mutasi ke register B, seumur hidup atau mati)"),
                    {"fields": MOVEMENT_VERDICT_FIELDS},
                ),
            ]
        return [
            (_("Koreksi"), {"fields": ("document_number", "note")}),
            (_("Mutasi (tidak dapat diubah: catat mutasi baru)"), {"fields": tuple(self._FACTS)}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Movement | None = None) -> list[str]:
        return [] if obj is None else self._FACTS

    def get_form(
        self, request: HttpRequest, obj: Movement | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Movement]]:
        if obj is not None:

            class AnnotateForm(SanitizedInputMixin, forms.ModelForm):
                class Meta:
                    model = Movement
                    fields = ["document_number", "note"]

                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    super().__init__(*args, **kwargs)
                    # The service refuses a movement without its document; say so on the field.
                    self.fields["document_number"].required = True

                def _post_clean(self) -> None:
                    pass

            return AnnotateForm
        user = request.user

        class AdminMovementForm(MovementForm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.fields["person"] = _scoped_people(user)
                _choices(self, "kind").choices = [
                    ("", "—"),
                    *[(k.value, k.label) for k in MovementKind if not MOVEMENT_RULES[k].opens_record],
                ]
                other_upt = self.fields["other_upt"]
                assert isinstance(other_upt, forms.ModelChoiceField)  # MovementForm sets a UPT choice field
                other_upt.queryset = Upt.objects.filter(is_active=True)

            def clean(self) -> dict[str, Any]:
                self.person = self.cleaned_data.get("person")
                return super().clean()

        return AdminMovementForm

    def save_model(self, request: HttpRequest, obj: Movement, form: MovementForm, change: bool) -> None:
        if change:
            movement = movement_annotate(
                user=request.user,
                movement=obj,
                document_number=form.cleaned_data["document_number"],
                note=form.cleaned_data.get("note") or "",
            )
        else:
            movement = movement_record(
                user=request.user,
                person=form.cleaned_data["person"],
                note=form.cleaned_data.get("note") or "",
                **form.movement_data(),
            )
        _copy(movement, obj)

    def delete_model(self, request: HttpRequest, obj: Movement) -> None:
        try:
            movement_delete(user=request.user, movement=obj)
        except ValidationError as error:
            self._refuse(request, error)


@admin.register(Remission)
class RemissionAdmin(RegisterAdmin):
    list_display = ["decree_date", "kind", "days", "person", "decree_number", "upt", "recorded_by"]
    list_filter = ["kind", ("upt", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["person__full_name", "person__reg_number", "decree_number"]
    list_select_related = ["person", "upt", "recorded_by"]
    date_hierarchy = "decree_date"

    def get_fieldsets(self, request: HttpRequest, obj: Remission | None = None) -> _FieldsetSpec:
        fields = ("kind", "days", "decree_number", "decree_date")
        if obj is None:
            return [(None, {"fields": ("person", *fields)})]
        return [(None, {"fields": fields}), (_("Dicatat"), {"fields": ("person", "upt", "recorded_by", "recorded_at")})]

    def get_readonly_fields(self, request: HttpRequest, obj: Remission | None = None) -> list[str]:
        return [] if obj is None else ["person", "upt", "recorded_by", "recorded_at"]

    def get_form(
        self, request: HttpRequest, obj: Remission | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Remission]]:
        user = request.user
        if obj is not None:

            class AdminRemissionUpdateForm(RemissionForm):
                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    super().__init__(*args, **kwargs)
                    self.person = self.instance.person

            return AdminRemissionUpdateForm

        class AdminRemissionForm(RemissionForm):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.fields["person"] = _scoped_people(user)

            def clean(self) -> dict[str, Any]:
                self.person = self.cleaned_data.get("person")
                return super().clean()

        return AdminRemissionForm

    def save_model(self, request: HttpRequest, obj: Remission, form: RemissionForm, change: bool) -> None:
        if change:
            remission = remission_update(user=request.user, remission=obj, **form.remission_data())
        else:
            remission = remission_record(user=request.user, person=form.cleaned_data["person"], **form.remission_data())
        _copy(remission, obj)

    def delete_model(self, request: HttpRequest, obj: Remission) -> None:
        remission_delete(user=request.user, remission=obj)
