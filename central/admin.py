from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Imported to register the runs', the daily checks' settings' and the users' admin pages.
from central import admin_consolidation, admin_daily_checks, admin_users  # noqa: F401
from central.admin_base import AdminOnlyMixin, ReadOnlyAdminMixin, ScopedModelAdmin
from central.admin_inbox import FullSnapshotActionMixin
from central.mode import is_node
from central.models import ApiToken, AuditEvent, Kanwil, Upt
from central.services.audit import audit_detail_text, audit_object_label
from central.services.nodes import node_credential_issue, node_credential_revoke
from central.services.tokens import token_revoke


@admin.register(Kanwil)
class KanwilAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "province", "upt_count"]
    search_fields = ["code", "name", "province"]
    ordering = ["code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_upt_count=Count("upts"))

    @admin.display(description=_("jumlah UPT"), ordering="_upt_count")
    def upt_count(self, obj):
        return obj._upt_count


@admin.register(Upt)
class UptAdmin(FullSnapshotActionMixin, ScopedModelAdmin):
    list_display = ["code", "name", "upt_type", "upt_class", "kanwil", "capacity", "hosting", "is_active"]
    list_filter = ["upt_type", "upt_class", "hosting", "is_active", "kanwil"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["kanwil"]
    autocomplete_fields = ["kanwil"]
    actions = ["request_full_snapshot", "issue_node_credential", "revoke_node_credential"]

    def upts_of(self, queryset):
        return queryset

    def has_node_credential_permission(self, request) -> bool:
        # A credential that sends a UPT's packages is central's admin's to hand out, like every token and account.
        return request.user.is_active and request.user.is_superuser and not is_node()

    @admin.action(description=_("Terbitkan kredensial node"), permissions=["node_credential"])
    def issue_node_credential(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Pilih tepat satu UPT untuk kredensial node."), messages.ERROR)
            return
        upt = queryset.get()
        user, token = node_credential_issue(actor=request.user, upt=upt, request=request)
        self.message_user(
            request,
            _(
                "Kredensial node %(code)s (%(user)s): %(token)s — salin sekarang, token ini tidak ditampilkan lagi. "
                "Di server UPT: scripts/node-register --central %(central)s --upt %(code)s --token %(token)s"
            )
            % {
                "code": upt.code,
                "user": user.get_username(),
                "token": token,
                # The address this admin was reached at: central's, as the lapas will reach it.
                "central": request.build_absolute_uri("/").rstrip("/"),
            },
            messages.WARNING,
        )

    @admin.action(description=_("Cabut kredensial node"), permissions=["node_credential"])
    def revoke_node_credential(self, request, queryset):
        count = sum(node_credential_revoke(actor=request.user, upt=upt, request=request) for upt in queryset)
        self.message_user(
            request,
            ngettext("%(count)d token node dicabut.", "%(count)d token node dicabut.", count) % {"count": count},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The audit trail, for the admin and central only; nobody can change or delete it here."""

    list_display = ["at", "actor_username", "action", "upt", "object_label", "object_id", "detail_text", "ip_address"]
    list_filter = ["action", "at"]
    search_fields = ["actor_username", "object_id", "detail", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["upt"]
    # The view page shows the same readable labels as the list, not the stored codes.
    fields = ("at", "actor_username", "action", "upt", "object_label", "object_id", "detail_text", "ip_address")
    readonly_fields = fields

    @admin.display(description=_("jenis objek"), ordering="object_type")
    def object_label(self, obj):
        return audit_object_label(obj.object_type)

    @admin.display(description=_("rincian"), ordering="detail")
    def detail_text(self, obj):
        return audit_detail_text(obj.action, obj.detail)


@admin.register(ApiToken)
class ApiTokenAdmin(AdminOnlyMixin, admin.ModelAdmin):
    """Every person's API tokens, for the admin alone: listed by owner and device, revoked by deleting.

    No token is made or edited here (a token's secret is shown once, to the device that asked for it).
    """

    list_display = ("user", "name", "created", "expiry")
    list_filter = ("created",)
    search_fields = ("user__username", "name")
    ordering = ("-created",)
    fields = ("user", "name", "created", "expiry")
    readonly_fields = fields
    actions = ["delete_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        token_revoke(token=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            token_revoke(token=token, actor=request.user, request=request)
