from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from central.admin_base import ScopedModelAdmin
from central.models import Kanwil, Upt


@admin.register(Kanwil)
class KanwilAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "province", "upt_count"]
    search_fields = ["code", "name", "province"]
    ordering = ["code"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(_upt_count=Count("upts"))

    @admin.display(description=_("jumlah UPT"), ordering="_upt_count")
    def upt_count(self, obj):
        return obj._upt_count


@admin.register(Upt)
class UptAdmin(ScopedModelAdmin):
    list_display = ["code", "name", "upt_type", "upt_class", "kanwil", "capacity", "is_active"]
    list_filter = ["upt_type", "upt_class", "is_active", "kanwil"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["kanwil"]
    autocomplete_fields = ["kanwil"]
