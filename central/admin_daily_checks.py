"""The daily checks' settings in the admin: one row, changed by central (Ditjenpas) and the admin only.

Kanwil and UPT users never see the page: the thresholds are national, so every region's flags mean the same.
"""

from __future__ import annotations

from django.contrib import admin

from central.models import DailyCheckSettings
from central.scoping import Action, has_central_permission


@admin.register(DailyCheckSettings)
class DailyCheckSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "window_days", "min_history_days", "threshold", "min_deviation")
    fields = ("window_days", "min_history_days", "threshold", "min_deviation")

    @staticmethod
    def _is_central(request) -> bool:
        # RESOLVE: held by the central group and the admin only (never Kanwil or a UPT).
        return has_central_permission(request.user, Action.RESOLVE)

    def has_module_permission(self, request):
        return self._is_central(request)

    def has_view_permission(self, request, obj=None):
        return self._is_central(request)

    def has_change_permission(self, request, obj=None):
        return self._is_central(request)

    def has_add_permission(self, request):
        # One row, created with the defaults when first read.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        DailyCheckSettings.load()  # the page always lists the one row
        return super().changelist_view(request, extra_context)
