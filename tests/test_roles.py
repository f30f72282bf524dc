"""The role service, the groups' permissions and the scoping choke point."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from guardian.models import GroupObjectPermission

from central.models import CentralOffice, Kanwil, Upt
from central.role_groups import ROLE_MODEL_PERMISSIONS, roles_sync
from central.roles import ROLE_GROUP_NAMES, Role
from central.scoping import Action, can, has_central_permission, scope_kanwils, scope_upts
from central.selectors.roles import user_kanwils, user_role, user_upts
from central.services.roles import role_assign, role_revoke, role_set
from tests.factories import UptFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_reference_data_is_present_after_migrate():
    assert Kanwil.objects.count() == 33
    assert Kanwil.objects.get(code="33").name == "Kanwil Ditjenpas Jawa Tengah"
    assert Kanwil.objects.filter(province="Kalimantan Utara").count() == 0  # served by Kalimantan Timur
    assert CentralOffice.objects.filter(code="DITJENPAS").count() == 1


def test_role_groups_hold_exactly_the_table(db):
    assert roles_sync() == []  # every permission named in the table exists
    for role, permissions in ROLE_MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=ROLE_GROUP_NAMES[role])
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == set(permissions), role


def test_only_the_central_group_holds_central_rights():
    holders = set(
        GroupObjectPermission.objects.filter(permission__codename="execute_consolidation").values_list(
            "group__name", flat=True
        )
    )
    assert holders == {"Pusat (Ditjenpas)"}


def test_assign_operator(world):
    user = UserFactory(username="baru")
    role_assign(user=user, role=Role.OPERATOR, upt=world.upt_a)
    user.refresh_from_db()
    assert user.is_staff
    assert user_role(user=user) is Role.OPERATOR
    assert list(user_upts(user=user)) == [world.upt_a]
    assert list(scope_upts(user, Action.OPERATE)) == [world.upt_a]
    assert list(scope_upts(user, Action.SUBMIT)) == [world.upt_a]
    assert not has_central_permission(user, Action.CONSOLIDATE)


def test_assign_validates_the_unit(world):
    user = UserFactory(username="baru")
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.OPERATOR)
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.KANWIL, upt=world.upt_a)
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.CENTRAL, kanwil=world.kanwil_x)
    assert user_role(user=user) is None


def test_a_new_role_replaces_the_old_one(world):
    user = world.operator_a
    role_assign(user=user, role=Role.KANWIL, kanwil=world.kanwil_y)
    assert user_role(user=user) is Role.KANWIL
    assert not user_upts(user=user).exists()
    assert list(user_kanwils(user=user)) == [world.kanwil_y]
    assert scope_upts(user, Action.OPERATE).count() == 0


def test_revoking_the_last_unit_removes_the_role(world):
    user = world.operator_a
    role_assign(user=user, role=Role.OPERATOR, upt=world.upt_b)
    role_revoke(user=user, upt=world.upt_a)
    assert user_role(user=user) is Role.OPERATOR
    assert list(user_upts(user=user)) == [world.upt_b]
    role_revoke(user=user, upt=world.upt_b)
    user.refresh_from_db()
    assert user_role(user=user) is None
    assert not user.is_staff


def test_role_set_makes_units_exact(world):
    user = world.operator_a
    role_set(user=user, role=Role.OPERATOR, upts=[world.upt_b, world.upt_c])
    assert set(user_upts(user=user)) == {world.upt_b, world.upt_c}
    role_set(user=user, role=None)
    assert user_role(user=user) is None
    with pytest.raises(ValidationError):
        role_set(user=user, role=Role.KANWIL, kanwils=[])


def test_view_scope_per_role(world):
    every = set(Upt.objects.all())
    assert set(Upt.objects.restrict(world.operator_a, Action.VIEW)) == {world.upt_a}
    assert set(Upt.objects.restrict(world.monitor_x, Action.VIEW)) == {world.upt_a, world.upt_b}
    assert set(Upt.objects.restrict(world.monitor_y, Action.VIEW)) == {world.upt_c}
    assert set(Upt.objects.restrict(world.central, Action.VIEW)) == every
    assert set(Upt.objects.restrict(world.admin, Action.VIEW)) == every
    assert not Upt.objects.restrict(world.no_role, Action.VIEW).exists()


def test_write_scope_per_role(world):
    assert not Upt.objects.restrict(world.monitor_x, Action.OPERATE).exists()
    assert not Upt.objects.restrict(world.central, Action.OPERATE).exists()
    assert set(Upt.objects.restrict(world.admin, Action.OPERATE)) == set(Upt.objects.all())
    # The admin may correct records but sends no UPT's package: only its operators do.
    assert not Upt.objects.restrict(world.admin, Action.SUBMIT).exists()


def test_national_rights(world):
    for action in (Action.CONSOLIDATE, Action.RESOLVE):
        assert has_central_permission(world.central, action)
        assert has_central_permission(world.admin, action)
        for user in (world.operator_a, world.monitor_x, world.no_role):
            assert not has_central_permission(user, action)
            assert not can(user, action)


def test_kanwil_scope(world):
    assert list(Kanwil.objects.restrict(world.monitor_x, Action.VIEW)) == [world.kanwil_x]
    assert not Kanwil.objects.restrict(world.operator_a, Action.VIEW).exists()
    assert scope_kanwils(world.central) is None


def test_a_model_wide_permission_never_widens_scope(world):
    """DESIGN §6: a global operate_upt granted by mistake does not open every UPT."""
    from django.contrib.auth.models import Permission

    world.operator_a.user_permissions.add(Permission.objects.get(codename="operate_upt"))
    world.operator_a.refresh_from_db()
    assert set(Upt.objects.restrict(world.operator_a, Action.OPERATE)) == {world.upt_a}


def test_inactive_users_have_no_scope(world):
    world.central.is_active = False
    world.central.save()
    assert not Upt.objects.restrict(world.central, Action.VIEW).exists()
    assert not has_central_permission(world.central, Action.CONSOLIDATE)


def test_new_upt_in_region_is_visible_to_its_monitor(world):
    new = UptFactory(code="RT3309", kanwil=world.kanwil_x)
    assert new in Upt.objects.restrict(world.monitor_x, Action.VIEW)
    assert new not in Upt.objects.restrict(world.monitor_y, Action.VIEW)
