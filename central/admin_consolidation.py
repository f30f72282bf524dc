"""Admin pages of consolidation: runs (with the "Jalankan konsolidasi" button and a "run again" action),
the validation catalogue (central switches rules on and off), row issues, per-UPT results and conflicts.
Everything here is written by services: the pages are read-only and scoped."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from central.admin_base import (
    PersonViewAuditMixin,
    PrivateSearchAdminMixin,
    ReadOnlyAdminMixin,
    ScopedModelAdmin,
    _AdminBase,
)
from central.models import (
    Conflict,
    ConsolidationPart,
    ConsolidationRun,
    RowIssue,
    RunTrigger,
    RunUptResult,
    ValidationRule,
)
from central.scoping import Action, has_central_permission, restrict
from central.services.consolidation import consolidation_request
from central.services.consolidation.actions import validation_rules_switch
from central.validation import RULES_BY_CODE


class NationalAdminMixin(_AdminBase):
    """For national tables that belong to no unit (runs, the rule catalogue): central and the admin only."""

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if has_central_permission(request.user, Action.VIEW) else qs.none()

    def has_view_permission(self, request, obj=None):
        return admin.ModelAdmin.has_view_permission(self, request, obj) and has_central_permission(
            request.user, Action.VIEW
        )


class RunUptResultInline(admin.TabularInline):
    model = RunUptResult
    fields = readonly_fields = (
        "upt",
        "submissions_count",
        "rows_received",
        "rows_accepted",
        "rows_rejected",
        "rows_warned",
        "conflicts",
    )
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, Action.VIEW).select_related("upt")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConsolidationPartInline(admin.TabularInline):
    """A split run's parts: which Kanwil, how many submissions, and which worker process did each."""

    model = ConsolidationPart
    fields = readonly_fields = (
        "kanwil",
        "submissions_count",
        "done_at",
        "done_by",
    )
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kanwil").order_by("kanwil__code")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsolidationRun)
class ConsolidationRunAdmin(NationalAdminMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = [
        "id",
        "state",
        "trigger",
        "triggered_by",
        "created_at",
        "started_at",
        "finished_at",
        "progress",
        "split",
        "submissions_count",
        "rows_received",
        "rows_rejected",
        "rows_written",
        "conflicts_found",
    ]
    list_filter = ["state", "trigger", "split", "snapshot_date"]
    list_select_related = ["triggered_by"]
    date_hierarchy = "created_at"
    inlines = [ConsolidationPartInline, RunUptResultInline]
    actions = ["run_again"]
    change_list_template = "admin/central/consolidationrun/change_list.html"

    def has_consolidate_permission(self, request) -> bool:
        return has_central_permission(request.user, Action.CONSOLIDATE)

    @admin.action(
        description=gettext_lazy("Jalankan konsolidasi lagi (kiriman yang menunggu)"), permissions=["consolidate"]
    )
    def run_again(self, request, queryset):
        self._start(request)

    def _start(self, request):
        result = consolidation_request(user=request.user, trigger=RunTrigger.ADMIN, request=request)
        if result.created:
            self.message_user(request, _("Konsolidasi #%(id)d dijalankan.") % {"id": result.run.pk}, messages.SUCCESS)
        else:
            self.message_user(
                request,
                _("Konsolidasi #%(id)d sudah %(state)s; tidak dijalankan lagi.")
                % {"id": result.run.pk, "state": result.run.get_state_display().lower()},
                messages.WARNING,
            )
        return result.run

    def get_urls(self):
        start = self.admin_site.admin_view(require_POST(self.start_view))
        return [path("jalankan/", start, name="central_consolidationrun_start"), *super().get_urls()]

    def start_view(self, request):
        if not self.has_consolidate_permission(request):
            raise PermissionDenied
        run = self._start(request)
        return redirect(reverse("admin:central_consolidationrun_change", args=[run.pk]))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_consolidate": self.has_consolidate_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_view_on_site_url(self, obj=None):
        return reverse("central:run_detail", args=[obj.pk]) if obj is not None else None


@admin.register(ValidationRule)
class ValidationRuleAdmin(NationalAdminMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["code", "record_type", "severity", "rule_message", "is_active", "always_on"]
    list_filter = ["record_type", "severity", "is_active"]
    search_fields = ["code", "message"]
    ordering = ["record_type", "code"]
    actions = ["switch_on", "switch_off"]
    fields = readonly_fields = (
        "code",
        "record_type",
        "severity",
        "rule_message",
        "rule_description",
        "is_active",
        "always_on",
    )

    # The stored text is the Indonesian msgid (marked with gettext_noop in central/validation.py): it is
    # translated when shown, so the rule catalogue follows the user's language.
    @admin.display(description=gettext_lazy("pesan"), ordering="message")
    def rule_message(self, obj) -> str:
        return _(obj.message)

    @admin.display(description=gettext_lazy("keterangan"))
    def rule_description(self, obj) -> str:
        return _(obj.description)

    @admin.display(boolean=True, description=gettext_lazy("selalu aktif"))
    def always_on(self, obj) -> bool:
        rule = RULES_BY_CODE.get(obj.code)
        return bool(rule and rule.structural)

    def has_switch_permission(self, request) -> bool:
        return has_central_permission(request.user, Action.CONSOLIDATE)

    @admin.action(description=gettext_lazy("Aktifkan aturan terpilih"), permissions=["switch"])
    def switch_on(self, request, queryset):
        changed, _kept = validation_rules_switch(
            user=request.user, codes=list(queryset.values_list("code", flat=True)), active=True, request=request
        )
        self.message_user(request, _("%(count)d aturan diaktifkan.") % {"count": len(changed)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Nonaktifkan aturan terpilih"), permissions=["switch"])
    def switch_off(self, request, queryset):
        changed, structural = validation_rules_switch(
            user=request.user, codes=list(queryset.values_list("code", flat=True)), active=False, request=request
        )
        self.message_user(request, _("%(count)d aturan dinonaktifkan.") % {"count": len(changed)}, messages.SUCCESS)
        if structural:
            self.message_user(
                request,
                _("Aturan berikut selalu aktif karena konsolidasi bergantung padanya: %(codes)s")
                % {"codes": ", ".join(structural)},
                messages.WARNING,
            )


@admin.register(RowIssue)
class RowIssueAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["submission_upt", "record_type", "record_key", "rule", "severity", "detail", "run"]
    list_filter = ["severity", "record_type", "rule"]
    search_fields = ["record_key", "submission__upt__code"]
    list_select_related = ["submission__upt", "rule", "run"]

    @admin.display(description=gettext_lazy("UPT"), ordering="submission__upt__code")
    def submission_upt(self, obj):
        return obj.submission.upt.code


@admin.register(RunUptResult)
class RunUptResultAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = [
        "run",
        "upt",
        "submissions_count",
        "rows_received",
        "rows_accepted",
        "rows_rejected",
        "rows_warned",
        "conflicts",
    ]
    list_filter = ["run__snapshot_date"]
    search_fields = ["upt__code", "upt__name"]
    list_select_related = ["run", "upt"]


@admin.register(Conflict)
class ConflictAdmin(PrivateSearchAdminMixin, PersonViewAuditMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["detected_at", "kind", "state", "upt", "other_upt", "identity", "detail", "page_link"]
    list_filter = ["state", "kind"]
    search_fields = ["identity__full_name", "identity__nik", "upt__code", "detail_args"]
    list_select_related = ["upt", "other_upt", "identity"]
    date_hierarchy = "detected_at"

    @admin.display(description=gettext_lazy("tindak lanjut"))
    def page_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("central:conflict_detail", args=[obj.pk]), _("buka"))

    def get_list_display(self, request):
        # The conflict pages are central's; a Kanwil monitor reads the list here.
        if has_central_permission(request.user, Action.VIEW):
            return self.list_display
        return [name for name in self.list_display if name != "page_link"]

    def get_view_on_site_url(self, obj=None):
        return reverse("central:conflict_detail", args=[obj.pk]) if obj is not None else None
