"""The register's field groups are defined once (``central.register_rules``): the entry forms, the admin's
fieldsets, the movement form and the package columns all come from them, and no module keeps its own copy."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory

from central import package as pkg
from central.models.records import PERSON_PACKAGE_FIELDS
from central.register_rules import (
    CASE_FIELDS,
    CREATE_FIELDS,
    DERIVED_FIELDS,
    EDITABLE_FIELDS,
    IDENTITY_FIELDS,
    MOVEMENT_VERDICT_FIELDS,
    OPENING_FIELDS,
    PLACEMENT_FIELDS,
    TRANSFER_CARRIED_FIELDS,
    VERDICT_FIELDS,
)
from upt.forms import MovementForm, PersonCreateForm, PersonUpdateForm
from upt.models import Person

GROUPS = (IDENTITY_FIELDS, CASE_FIELDS, VERDICT_FIELDS, PLACEMENT_FIELDS, OPENING_FIELDS, DERIVED_FIELDS)
PERSON_FIELD_NAMES = {name for group in GROUPS for name in group}


def test_groups_are_disjoint_and_cover_the_package_row():
    names = [name for group in GROUPS for name in group]
    assert len(names) == len(set(names))
    assert set(PERSON_PACKAGE_FIELDS) == set(CREATE_FIELDS) | set(DERIVED_FIELDS)
    assert ("uid", *PERSON_PACKAGE_FIELDS) == pkg.PERSON_FIELDS
    assert set(TRANSFER_CARRIED_FIELDS) <= set(CREATE_FIELDS) and "reg_number" not in TRANSFER_CARRIED_FIELDS
    for name in names:
        Person._meta.get_field(name)


def test_forms_use_the_groups():
    assert list(PersonUpdateForm.Meta.fields) == [*EDITABLE_FIELDS, "photo"]
    create = PersonCreateForm()
    assert set(CREATE_FIELDS) <= set(create.fields)
    # The create form shows the identity, then the case, in the groups' order.
    order = list(create.fields)
    shown = [f for f in order if f in (*IDENTITY_FIELDS[1:], *CASE_FIELDS)]
    assert shown == [*IDENTITY_FIELDS[1:], *CASE_FIELDS]
    assert set(MOVEMENT_VERDICT_FIELDS) <= set(MovementForm().fields)


@pytest.mark.django_db
def test_admin_fieldsets_use_the_groups(world):
    model_admin = admin.site._registry[Person]
    request = RequestFactory().get("/")
    request.user = world.admin
    person_fields = [
        name
        for _title, options in model_admin.get_fieldsets(request, None)
        for name in options["fields"]
        if name in PERSON_FIELD_NAMES
    ]
    assert person_fields[:1] == ["admission_date"]
    assert [f for f in person_fields if f in IDENTITY_FIELDS] == list(IDENTITY_FIELDS)
    assert [f for f in person_fields if f in CASE_FIELDS] == list(CASE_FIELDS)
    assert [f for f in person_fields if f in VERDICT_FIELDS] == list(VERDICT_FIELDS)
    assert set(person_fields) == set(CREATE_FIELDS)


# The modules that once kept their own copies of the field lists.
MODULES = ["upt/forms.py", "upt/admin.py", "upt/services/rules.py", "upt/services/movements.py"]
MODULES += ["devtools/demo_register.py"]
ADMIN_CHOICES = ("list_display", "search_fields", "list_filter")


@pytest.mark.parametrize("module", MODULES)
def test_no_module_spells_out_a_field_list(module):
    """A literal list holding four or more fields of one group is a copy of it: import the group instead.
    (The admin's columns and search fields are a choice, not a copy.)"""
    tree = ast.parse(Path(settings.BASE_DIR, module).read_text())
    # What the admin lists, searches or filters by is a choice of columns, not a group.
    chosen = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ADMIN_CHOICES for t in node.targets)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and id(node) not in chosen:
            names = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            for group in GROUPS:
                copied = names & set(group)
                assert len(copied) < 4, f"{module}:{node.lineno} lists {sorted(copied)}"
