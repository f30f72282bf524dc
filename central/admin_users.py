"""The admin site's branding and the user admin, where the admin assigns each person's role and unit."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from central.admin_base import AdminOnlyMixin
from central.mode import is_node, node_upt_code
from central.models import AuditAction, Kanwil, Upt
from central.roles import Role
from central.selectors.roles import user_kanwils, user_role, user_upts
from central.services.audit import audit_record
from central.services.passwords import password_change_require
from central.services.roles import role_set
from central.text import SanitizedInputMixin
from central.typing import User

admin.site.site_header = _("SDP — Sistem Database Pemasyarakatan")
admin.site.site_title = _("SDP")
admin.site.index_title = _("Administrasi")
admin.site.site_url = "/"
# An empty cell reads as on the other pages ("—"), not the admin's hyphen.
admin.site.empty_value_display = "—"


class RoleFormMixin(SanitizedInputMixin, forms.ModelForm):
    sdp_role = forms.ChoiceField(label=_("Peran"), required=False, choices=[("", _("— tanpa peran —")), *Role.choices])
    sdp_upts = forms.ModelMultipleChoiceField(
        label=_("UPT (untuk Operator UPT)"),
        queryset=Upt.objects.select_related("kanwil").all(),
        required=False,
        widget=FilteredSelectMultiple(_("UPT"), is_stacked=False),
    )
    sdp_kanwils = forms.ModelMultipleChoiceField(
        label=_("Kanwil (untuk Pemantau Kanwil)"),
        queryset=Kanwil.objects.all(),
        required=False,
        widget=FilteredSelectMultiple(_("Kanwil"), is_stacked=False),
    )

    instance: User

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if is_node():
            # A node serves one UPT: its people operate that UPT. Monitoring a Kanwil and central's work
            # happen at central, so a node offers neither role nor any other unit.
            role_field = cast(forms.ChoiceField, self.fields["sdp_role"])
            upt_field = cast(forms.ModelMultipleChoiceField, self.fields["sdp_upts"])
            role_field.choices = [("", _("— tanpa peran —")), (Role.OPERATOR.value, Role.OPERATOR.label)]
            upt_field.queryset = Upt.objects.filter(code=node_upt_code())
            del self.fields["sdp_kanwils"]
        if self.instance.pk:
            role = user_role(user=self.instance)
            self.fields["sdp_role"].initial = role.value if role else ""
            self.fields["sdp_upts"].initial = list(user_upts(user=self.instance))
            if "sdp_kanwils" in self.fields:
                self.fields["sdp_kanwils"].initial = list(user_kanwils(user=self.instance))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("sdp_role")
        if role == Role.OPERATOR and not cleaned.get("sdp_upts"):
            self.add_error("sdp_upts", ValidationError(_("Operator UPT harus ditetapkan pada sedikitnya satu UPT.")))
        if role == Role.KANWIL and not cleaned.get("sdp_kanwils"):
            self.add_error(
                "sdp_kanwils", ValidationError(_("Pemantau Kanwil harus ditetapkan pada sedikitnya satu Kanwil."))
            )
        return cleaned


class SdpUserChangeForm(RoleFormMixin, UserChangeForm):
    pass


admin.site.unregister(User)


@admin.register(User)
class SdpUserAdmin(AdminOnlyMixin, UserAdmin):
    """Users are managed by the admin alone; roles and units go through the role service, never by hand."""

    form = SdpUserChangeForm
    list_display = ["username", "full_name", "role_display", "units_display", "is_active", "last_login"]
    list_filter = ["groups", "is_active", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran SDP"), {"fields": ("sdp_role", "sdp_upts", "sdp_kanwils")}),
        (_("Status"), {"fields": ("is_active", "is_superuser")}),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not is_node():
            return fieldsets
        # The form has no Kanwil field at a node (see RoleFormMixin).
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "sdp_kanwils")})
            for name, options in fieldsets
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    # A password the admin types (a new account, a reset) is known to the admin: its holder must change it
    # at their next sign-in before using any page (central.services.passwords).
    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            password_change_require(user=obj, by=request.user)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was valid and saved
            user = self.get_object(request, unquote(id))
            if user is not None and user.has_usable_password():
                password_change_require(user=user, by=request.user)
        return response

    @admin.display(description=_("nama"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("peran"))
    def role_display(self, obj: User) -> str:
        names = {g.name for g in obj.groups.all()}
        return ", ".join(str(role.label) for role in Role if role.group_name in names) or "—"

    @admin.display(description=_("unit"))
    def units_display(self, obj: User) -> str:
        units = [u.code for u in user_upts(user=obj)] + [k.name for k in user_kanwils(user=obj)]
        return ", ".join(units) or "—"

    def save_related(self, request: HttpRequest, form: SdpUserChangeForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if "sdp_role" in form.cleaned_data:
            role = form.cleaned_data["sdp_role"] or None
            upts = list(form.cleaned_data.get("sdp_upts") or [])
            kanwils = list(form.cleaned_data.get("sdp_kanwils") or [])
            role_set(user=form.instance, role=Role(role) if role else None, upts=upts, kanwils=kanwils)
            units = ",".join([u.code for u in upts] + [k.code for k in kanwils])
            audit_record(
                action=AuditAction.ROLE_CHANGED,
                request=request,
                target=form.instance,
                detail=f"role={role or '-'} units={units or '-'}",
            )
