"""What each role's group may do, model by model, and the set-up that keeps the groups in step.

Model-wide permissions decide which *kinds* of pages a role gets in the admin (add, change, view);
*where* it may use them is decided by object permissions on units (see ``central.scoping``). This table
is the only place the groups' permissions are written; ``roles_sync`` runs after every ``migrate``.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import assign_perm, get_perms_for_model, remove_perm

from central.models import CentralOffice
from central.roles import CENTRAL_OBJECT_PERMISSIONS, ROLE_GROUP_NAMES, Role

log = logging.getLogger(__name__)

_VIEW_ORGANISATION = ["central.view_kanwil", "central.view_upt"]
# A UPT's register (DESIGN §4): its operators add and correct, Kanwil and central look; only the admin deletes.
_VIEW_REGISTER = ["upt.view_person", "upt.view_movement", "upt.view_remission"]
_ENTER_REGISTER = [
    *_VIEW_REGISTER,
    "upt.add_person",
    "upt.change_person",
    "upt.add_movement",
    "upt.change_movement",
    "upt.add_remission",
    "upt.change_remission",
]

# Submissions are written by the receiving service only; each role views those in its scope.
_VIEW_INBOX = ["central.view_submission", "central.view_uptsyncstate"]

# Consolidation's results are written by the run only. Operators read their row issues, Kanwil their region's
# results and conflicts; runs and the rule catalogue are national (central switches rules on and off through
# an action, not the change form).
_VIEW_CONSOLIDATION_UNIT = ["central.view_rowissue", "central.view_runuptresult", "central.view_conflict"]
_VIEW_CONSOLIDATION_NATIONAL = [
    *_VIEW_CONSOLIDATION_UNIT,
    "central.view_consolidationrun",
    "central.view_consolidationpart",
    "central.view_validationrule",
]

ROLE_MODEL_PERMISSIONS: dict[Role, list[str]] = {
    Role.OPERATOR: [*_VIEW_ORGANISATION, *_VIEW_INBOX, *_ENTER_REGISTER, "central.view_rowissue"],
    Role.KANWIL: [*_VIEW_ORGANISATION, *_VIEW_INBOX, *_VIEW_REGISTER, *_VIEW_CONSOLIDATION_UNIT],
    Role.CENTRAL: [
        *_VIEW_ORGANISATION,
        *_VIEW_INBOX,
        *_VIEW_CONSOLIDATION_NATIONAL,
        "central.view_auditevent",
        *_VIEW_REGISTER,
    ],
}


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


@transaction.atomic
def roles_sync() -> list[str]:
    """Create the role groups and set exactly the permissions of the table above. Returns what was missing."""
    missing: list[str] = []
    for role, dotted_names in ROLE_MODEL_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=ROLE_GROUP_NAMES[role])
        permissions = []
        for dotted in dotted_names:
            permission = _permission(dotted)
            if permission is None:
                missing.append(dotted)
            else:
                permissions.append(permission)
        group.permissions.set(permissions)

    office = CentralOffice.get()
    central_group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.CENTRAL])
    for codename in CENTRAL_OBJECT_PERMISSIONS:
        assign_perm(f"central.{codename}", central_group, office)
    # No other group may ever hold central's rights.
    for group in Group.objects.exclude(pk=central_group.pk):
        for permission in get_perms_for_model(CentralOffice):
            remove_perm(f"central.{permission.codename}", group, office)
    if missing:
        log.warning("Role permissions not found (app not migrated?): %s", ", ".join(missing))
    return missing
