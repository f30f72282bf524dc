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
    """DESIGN §3: central imports no other app of the project; kanwil never imports upt."""
    assert not _imports("central") & {"upt", "kanwil", "operations", "devtools", "sdp_project"}
    assert not _imports("kanwil") & {"upt", "operations", "devtools"}
    assert not _imports("upt") & {"kanwil", "operations", "devtools"}


def test_operations_builds_on_central_alone():
    """Running the system (probes, logs, backups, schedule, home page) needs central's registry and roles only."""
    assert not _imports("operations") & {"upt", "kanwil", "devtools"}


def test_no_product_code_imports_the_dev_tooling():
    """Demo seeding, synthetic data and benchmarks stay out of what runs in production (DESIGN §3)."""
    for package in ("central", "upt", "kanwil", "operations", "sdp_project"):
        assert "devtools" not in _imports(package), package


def test_the_config_package_holds_configuration_alone():
    """sdp_project keeps settings, URLs, WSGI/ASGI, Celery and environment parsing: a few hundred lines."""
    modules = sorted(path.name for path in (ROOT / "sdp_project").glob("*.py"))
    assert modules == ["__init__.py", "asgi.py", "celery.py", "env.py", "settings.py", "urls.py", "wsgi.py"]
    folders = {path.name for path in (ROOT / "sdp_project").iterdir() if path.is_dir()} - {"__pycache__"}
    assert folders <= {"formats"}  # FORMAT_MODULE_PATH: the date and time formats are settings too
    lines = sum(len(path.read_text().splitlines()) for path in (ROOT / "sdp_project").rglob("*.py"))
    assert lines < 700, lines
