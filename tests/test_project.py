"""Project-level invariants: checks pass, migrations are complete, Celery is wired, layering holds."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_manage_py_check_is_clean():
    out = StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_celery_app_loads_with_the_schedule_in_the_database():
    """The daily run is a database row (tests/test_schedule.py): beat would write any code entry over it."""
    from sdp_project.celery import app

    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert app.conf.beat_schedule == {}
    assert app.conf.result_expires is None  # no celery.backend_cleanup entry either
    assert app.conf.timezone == "Asia/Jakarta"


def _imports(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_central_is_the_bottom_layer():
    """DESIGN §3: central imports neither upt nor kanwil; kanwil never imports upt."""
    assert not _imports("central") & {"upt", "kanwil", "sdp_project"}
    assert "upt" not in _imports("kanwil")
