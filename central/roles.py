"""The roles of DESIGN §4. Each is a Django group; the unit it works for is an object permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator UPT")
    KANWIL = "kanwil", _("Pemantau Kanwil")
    CENTRAL = "central", _("Pusat (Ditjenpas)")

    @property
    def group_name(self) -> str:
        return ROLE_GROUP_NAMES[self]


# Group names are stored in the database; they stay fixed whatever the interface language.
ROLE_GROUP_NAMES = {
    Role.OPERATOR: "Operator UPT",
    Role.KANWIL: "Pemantau Kanwil",
    Role.CENTRAL: "Pusat (Ditjenpas)",
}

# The object permission that ties a person of each role to their unit.
UNIT_PERMISSION = {
    Role.OPERATOR: "central.operate_upt",
    Role.KANWIL: "central.monitor_kanwil",
}

# Central's national rights, held by the central group on the single CentralOffice row.
CENTRAL_OBJECT_PERMISSIONS = ["view_national", "execute_consolidation", "resolve_conflict"]
