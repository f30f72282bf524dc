"""Forms of the register, shared by the operator's pages and the admin.

They parse input and show errors; every rule lives in ``upt.services``. Each form's ``clean`` asks the
service's ``*_check`` function, so a problem appears next to its field on the first submit; the view (or
admin) then calls the service itself, which checks again under a lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from central.formats import DateTextInput
from central.models import Upt
from central.reference import DETAINEE_REGISTERS, MOVEMENT_RULES, SENTENCED_REGISTERS, MovementKind, Register
from central.register_rules import (
    CASE_FIELDS,
    CREATE_FIELDS,
    EDITABLE_FIELDS,
    IDENTITY_FIELDS,
    MOVEMENT_VERDICT_FIELDS,
    OPTIONAL_NUMBER_FIELDS,
)
from central.text import SanitizedInputMixin
from upt.models import Movement, Person, Remission
from upt.selectors.numbers import reg_number_suggestions
from upt.selectors.people import allowed_movement_kinds
from upt.services.common import today
from upt.services.movements import movement_check
from upt.services.people import PHOTO_MAX_BYTES, person_create_check, person_update_check
from upt.services.remissions import remission_check

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's errors on the form: on their field when the form has it, else at the top.

    A field that already failed its own parsing keeps that one message rather than a second one."""
    failed = set(form.errors)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        if field in failed:
            continue
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for message in messages:
            form.add_error(target, message)


_OPTIONAL_NUMBERS = set(OPTIONAL_NUMBER_FIELDS)


class _RegisterForm(SanitizedInputMixin, forms.ModelForm):
    """Dates typed dd-mm-yyyy in a text box (any browser language); numbers in their own small boxes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DateTextInput()
            if name in _OPTIONAL_NUMBERS:
                # Blank means none: 0 years, no fine.
                field.required = False
                field.widget.attrs.setdefault("min", 0)
                field.widget.attrs.setdefault("inputmode", "numeric")
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices = list(cast(Iterable[tuple[Any, Any]], field.choices))
                options = [c for c in choices if c[0] != ""]
                if not field.required or len(options) < len(choices):
                    field.choices = [("", "—"), *options]

    def _post_clean(self) -> None:
        # The services validate the record (and the model's constraints) as a whole; the model's own
        # per-field validation would only repeat their messages.
        pass

    def service_data(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in names if name in self.fields}


class _UptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Upt) -> str:
        return f"{obj.name} ({obj.code})"


def _choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _upt_field(label: StrOrPromise, own: Upt | None, *, required: bool = False) -> _UptChoiceField:
    """Any UPT in the country (transfers go anywhere); the operator's own is not offered, and the service
    refuses it with a clear message if a tampered form sends it."""
    upts = Upt.objects.select_related("kanwil").order_by("kanwil__name", "name")
    field = _UptChoiceField(
        label=label,
        queryset=upts,
        required=required,
        empty_label="—",
    )
    if own is not None:
        field.widget.choices = [
            ("", "—"),
            *((upt.pk, f"{upt.name} ({upt.code})") for upt in upts.filter(is_active=True).exclude(pk=own.pk)),
        ]
    return field


_PERSON_WIDGETS = {
    "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 22}),
    "passport_number": forms.TextInput(attrs={"autocomplete": "off"}),
    "reg_number": forms.TextInput(attrs={"autocomplete": "off"}),
    "address": forms.TextInput(),
    "articles": forms.TextInput(attrs={"placeholder": _("mis. Pasal 112 ayat (1) UU 35/2009")}),
    "fine_amount": forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric"}),
}


def _photo_help() -> str:
    """Formatted when shown, not at import: a lazy string's ``%`` would freeze the import-time language."""
    return gettext("JPG, PNG atau WebP, paling besar %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES // (1024 * 1024)}


_PERSON_HELP: dict[str, Any] = {
    "nik": _("16 angka sesuai KTP/KK. Warga negara asing: kosongkan, isi kewarganegaraan dan nomor paspor."),
    "nationality": _("Indonesia, atau nama negara untuk warga negara asing."),
    "register_since": _("Tahanan: tanggal surat perintah/penetapan penahanan instansi saat ini."),
    "verdict_number": _("Boleh dikosongkan bila petikan putusan belum diterima; WBP masuk daftar kerja."),
    "photo": lazy(_photo_help, str)(),
}


class PersonCreateForm(_RegisterForm):
    """Opening a record: the person's fields and the movement that brings them in."""

    admission_kind = forms.ChoiceField(
        label=_("Cara masuk"),
        choices=[
            (MovementKind.ADMISSION, _("Penerimaan baru")),
            (MovementKind.TRANSFER_IN, _("Pindahan dari UPT lain")),
        ],
        initial=MovementKind.ADMISSION,
        widget=forms.RadioSelect,
    )
    admission_document = forms.CharField(
        label=_("Nomor surat dasar penerimaan"),
        max_length=80,
        help_text=_("Surat perintah/penetapan penahanan, atau surat pemindahan."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)

    class Meta:
        model = Person
        fields = [*CREATE_FIELDS, "photo"]
        widgets = _PERSON_WIDGETS
        help_texts = _PERSON_HELP

    def __init__(self, *args: Any, upt: Upt | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upt = upt
        self.fields["origin_upt"] = _upt_field(_("UPT asal"), upt)
        self.fields["nationality"].required = False
        self.fields["nationality"].initial = "Indonesia"
        self.fields["detention_start"].required = True
        self.fields["reg_number"].widget.attrs["autofocus"] = True
        # The register the person is held under on arrival; B registers follow from the verdict below.
        _choices(self, "register").choices = [("", "—"), *Register.choices]
        # The number and how the person came first, then the identity, the register and the case.
        self.order_fields(
            [
                "reg_number",
                "admission_kind",
                "admission_date",
                "admission_document",
                "origin_upt",
                *(f for f in IDENTITY_FIELDS if f != "reg_number"),
                "register",
                "register_since",
                *CASE_FIELDS,
            ]
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.upt is not None:
            try:
                person_create_check(
                    upt=self.upt,
                    data=self.person_data(),
                    admission_kind=cleaned.get("admission_kind") or "",
                    admission_document=cleaned.get("admission_document") or "",
                    origin_upt=cleaned.get("origin_upt"),
                    photo=cleaned.get("photo") or None,
                )
            except ValidationError as error:
                apply_errors(self, error)
        return cleaned

    def person_data(self) -> dict[str, Any]:
        return self.service_data(CREATE_FIELDS)


class PersonUpdateForm(_RegisterForm):
    """Correcting a person's own fields; register and status follow movements, not this form."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    remove_photo = forms.BooleanField(label=_("Hapus foto"), required=False)

    class Meta:
        model = Person
        fields = [*EDITABLE_FIELDS, "photo"]
        widgets = _PERSON_WIDGETS
        help_texts = _PERSON_HELP

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].required = False
        self.fields["detention_start"].required = True
        self.fields["full_name"].widget.attrs["autofocus"] = True
        self.fields["photo"].widget = forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        try:
            person_update_check(person=self.instance, data=self.person_data(), photo=cleaned.get("photo") or None)
        except ValidationError as error:
            apply_errors(self, error)
        return cleaned

    def person_data(self) -> dict[str, Any]:
        return self.service_data(EDITABLE_FIELDS)

    def expected_version(self):
        return parse_datetime(self.cleaned_data.get("version") or "")


class MovementForm(_RegisterForm):
    """A movement of one person; the verdict fields matter for a register change to a B register."""

    class Meta:
        model = Movement
        fields = [
            "kind",
            "date",
            "document_number",
            "other_upt",
            "release_reason",
            "exit_reason",
            "register_to",
            "note",
        ]
        labels = {"other_upt": _("UPT tujuan"), "register_to": _("Register baru")}

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["other_upt"] = _upt_field(_("UPT tujuan"), person.upt if person else None)
        for name, field in forms.fields_for_model(Person, fields=MOVEMENT_VERDICT_FIELDS).items():
            self.fields[name] = field
            field.required = False
            if isinstance(field, forms.DateField):
                field.widget = DateTextInput()
        self.fields["fine_amount"].widget = forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric"})
        self.fields["verdict_number"].help_text = _PERSON_HELP["verdict_number"]
        self.fields["date"].required = True
        self.fields["document_number"].required = True
        self.fields["kind"].widget.attrs["autofocus"] = True
        self.suggestions: dict[str, str] = {}
        self.fields["new_reg_number"] = forms.CharField(
            label=_("Nomor registrasi baru"),
            max_length=40,
            required=False,
            help_text=_("Register B memberi nomor registrasi sendiri; nomor lama tetap tercatat di riwayat perubahan."),
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        if person is not None:
            if person.register in DETAINEE_REGISTERS:
                # The next free number of each B register's book, for the page's script to fill in.
                self.suggestions = reg_number_suggestions(
                    upt=person.upt, registers=[r.value for r in sorted(SENTENCED_REGISTERS)], year=today().year
                )
                self.fields["new_reg_number"].widget.attrs["data-suggest"] = json.dumps(self.suggestions)
            _choices(self, "kind").choices = [("", "—"), *allowed_movement_kinds(person)]
            current = person.register
            _choices(self, "register_to").choices = [
                ("", "—"),
                *[(r.value, r.label) for r in Register if r != current],
            ]
            for name in ("court",):
                self.fields[name].initial = getattr(person, name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        register_to = cleaned.get("register_to") or ""
        if (
            self.person is not None
            and cleaned.get("kind") == MovementKind.REGISTER_CHANGE
            and self.person.register in DETAINEE_REGISTERS
            and register_to in SENTENCED_REGISTERS
            and not (cleaned.get("new_reg_number") or "").strip()
        ):
            self.add_error(
                "new_reg_number",
                _("Isi nomor registrasi baru untuk register %(register)s (nomor berikutnya: %(next)s).")
                % {"register": register_to, "next": self.suggestions.get(register_to, "—")},
            )
        if self.person is not None and cleaned.get("kind"):
            try:
                self.plan = movement_check(person=self.person, **self.movement_data())
            except ValidationError as error:
                apply_errors(self, error)
        return cleaned

    def movement_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "date": data.get("date"),
            "document_number": data.get("document_number") or "",
            "other_upt": data.get("other_upt"),
            "release_reason": data.get("release_reason") or "",
            "exit_reason": data.get("exit_reason") or "",
            "register_to": data.get("register_to") or "",
            "verdict": self.service_data(MOVEMENT_VERDICT_FIELDS),
            "new_reg_number": data.get("new_reg_number") or "",
        }


class RemissionForm(_RegisterForm):
    class Meta:
        model = Remission
        fields = ["kind", "days", "decree_number", "decree_date"]

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["kind"].widget.attrs["autofocus"] = True
        self.fields["days"].widget.attrs.update({"min": 1, "inputmode": "numeric"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.person is not None:
            try:
                remission_check(
                    person=self.person,
                    remission=self.instance if self.instance.pk else None,
                    **self.remission_data(),
                )
            except ValidationError as error:
                apply_errors(self, error)
        return cleaned

    def remission_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "days": data.get("days"),
            "decree_number": data.get("decree_number") or "",
            "decree_date": data.get("decree_date"),
        }


class TransferAcceptForm(PersonCreateForm):
    """Receiving a transfer: the opening form, prefilled, with the way in and the UPT of origin fixed by
    the transfer itself (a posted value for either is ignored)."""

    def __init__(self, *args: Any, origin: Upt, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin = origin
        del self.fields["admission_kind"]
        del self.fields["origin_upt"]
        self.fields["admission_document"].label = _("Nomor surat pemindahan")
        self.fields["admission_document"].help_text = ""

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["admission_kind"] = MovementKind.TRANSFER_IN
        self.cleaned_data["origin_upt"] = self.origin
        return super().clean()


# Which movement kinds use which optional parts of the movement form (for the page's script and tests).
MOVEMENT_FIELD_KINDS: dict[str, list[str]] = {
    "other_upt": [k for k, r in MOVEMENT_RULES.items() if r.needs_other_upt and not r.opens_record],
    "release_reason": [k for k, r in MOVEMENT_RULES.items() if r.needs_release_reason],
    "exit_reason": [k for k, r in MOVEMENT_RULES.items() if r.needs_exit_reason],
    "register": [MovementKind.REGISTER_CHANGE],
}
SENTENCED_CHOICES = [r.value for r in Register if r not in DETAINEE_REGISTERS]
