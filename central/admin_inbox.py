"""Admin pages of the inbox: submissions and each UPT's sync state, read-only and scoped, with central's
action to ask UPTs for a full snapshot (also offered on the UPT list)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from central.admin_base import ReadOnlyAdminMixin, ScopedModelAdmin, _AdminBase
from central.models import Submission, Upt, UptSyncState
from central.scoping import Action, has_central_permission
from central.services.inbox import sync_full_request


class FullSnapshotActionMixin(_AdminBase):
    """Adds "ask for a full snapshot" to an admin whose rows lead to UPTs (``upts_of(queryset)``)."""

    actions = ["request_full_snapshot"]

    def upts_of(self, queryset):
        raise NotImplementedError

    def has_request_full_permission(self, request) -> bool:
        return has_central_permission(request.user, Action.RESOLVE)

    @admin.action(
        description=_("Minta kiriman lengkap (full snapshot) dari UPT terpilih"), permissions=["request_full"]
    )
    def request_full_snapshot(self, request, queryset):
        count = sync_full_request(user=request.user, upts=list(self.upts_of(queryset)), request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d UPT akan mengirim paket lengkap pada kiriman berikutnya.",
                "%(count)d UPT akan mengirim paket lengkap pada kiriman berikutnya.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Submission)
class SubmissionAdmin(FullSnapshotActionMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = [
        "received_at",
        "upt",
        "kind",
        "channel",
        "state",
        "on_time_occupancy",
        "on_time_other",
        "person_count",
        "movement_count",
        "remission_count",
        "deletion_count",
        "rows_rejected",
        "drift_detected",
        "sent_by",
    ]
    list_filter = ["state", "kind", "channel", "on_time_occupancy", "on_time_other", "drift_detected", "report_date"]
    search_fields = ["package_id", "upt__code", "upt__name"]
    list_select_related = ["upt", "sent_by"]
    date_hierarchy = "received_at"
    exclude = ["content_hash"]

    def upts_of(self, queryset):
        return Upt.objects.filter(pk__in=queryset.values("upt"))


@admin.register(UptSyncState)
class UptSyncStateAdmin(FullSnapshotActionMixin, ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ["upt", "full_requested", "full_reason", "full_requested_by", "last_submission", "updated_at"]
    list_filter = ["full_requested", "full_reason"]
    search_fields = ["upt__code", "upt__name"]
    list_select_related = ["upt", "full_requested_by", "last_submission__upt"]

    def upts_of(self, queryset):
        return Upt.objects.filter(pk__in=queryset.values("upt"))
