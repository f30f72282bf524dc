"""Shared fixtures: one person per role and unit, as DESIGN §6 asks.

Region X is Kanwil Jawa Tengah with UPT A (Lapas Karanganyar) and UPT B (Lapas Batu); region Y is
Kanwil DKI Jakarta with UPT C (Lapas Cipinang). Tests run on PostgreSQL: a missing database is an error,
never a skip.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings

from central.models import Kanwil, Upt
from central.reference_data import reference_data_ensure
from central.roles import Role
from central.services.roles import role_assign
from tests.factories import UptFactory, UserFactory

PASSWORD = "sandi-uji-123"


def pytest_configure(config):
    # Real hashing costs ~0.3 s a password; the tests are about permissions, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests never run collectstatic, so the production manifest storage has nothing to look up."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: SDP Publik's pages and request counts must not carry over."""
    from django.core.cache import cache  # lazy: settings are configured once pytest-django has started

    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tasks run in-process unless an integration test starts a real worker."""
    from sdp_project.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@dataclass
class World:
    kanwil_x: Kanwil
    kanwil_y: Kanwil
    upt_a: Upt
    upt_b: Upt
    upt_c: Upt
    operator_a: object
    operator_b: object
    operator_c: object
    monitor_x: object
    monitor_y: object
    central: object
    admin: object
    no_role: object

    def users(self) -> dict[str, object]:
        return {
            "operator_a": self.operator_a,
            "operator_b": self.operator_b,
            "monitor_x": self.monitor_x,
            "monitor_y": self.monitor_y,
            "central": self.central,
            "admin": self.admin,
        }


@pytest.fixture
def world(db) -> World:
    # Transactional tests (browser journeys, real workers) flush the database, reference data included.
    reference_data_ensure()
    kanwil_x = Kanwil.objects.get(code="33")
    kanwil_y = Kanwil.objects.get(code="31")
    upt_a = UptFactory(code="LP3301", name="Lapas Kelas IIA Karanganyar Nusakambangan", kanwil=kanwil_x, capacity=500)
    upt_b = UptFactory(code="LP3302", name="Lapas Kelas I Batu Nusakambangan", kanwil=kanwil_x, capacity=428)
    upt_c = UptFactory(code="LP3101", name="Lapas Kelas I Cipinang", kanwil=kanwil_y, capacity=1136)

    def person(username, role=None, **unit):
        user = UserFactory(username=username)
        if role:
            role_assign(user=user, role=role, **unit)
        return user

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return World(
        kanwil_x=kanwil_x,
        kanwil_y=kanwil_y,
        upt_a=upt_a,
        upt_b=upt_b,
        upt_c=upt_c,
        operator_a=person("op_a", Role.OPERATOR, upt=upt_a),
        operator_b=person("op_b", Role.OPERATOR, upt=upt_b),
        operator_c=person("op_c", Role.OPERATOR, upt=upt_c),
        monitor_x=person("kanwil_x", Role.KANWIL, kanwil=kanwil_x),
        monitor_y=person("kanwil_y", Role.KANWIL, kanwil=kanwil_y),
        central=person("pusat", Role.CENTRAL),
        admin=admin,
        no_role=person("tanpa_peran"),
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client signed in as that user (a fresh client each call)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make
