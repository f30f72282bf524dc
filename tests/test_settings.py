"""Settings come from the environment, typed, and a bad value stops the process with a clear message."""

import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.middleware.locale import LocaleMiddleware

from operations.middleware import IndonesianFirstLocaleMiddleware
from sdp_project import env

ROOT = Path(__file__).resolve().parent.parent
# The subprocesses below only read settings, which never connect at import: any PostgreSQL URL will do,
# and nothing answers at this one (port 9, discard), so a connection would show as an error.
UNREACHED_DATABASE_URL = "postgres://sdp@127.0.0.1:9/sdp_settings_check"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("YES", True), ("0", False), ("off", False)]
)
def test_env_bool_accepts_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SDP_X", raw)
    assert env.env_bool("SDP_X", default=not expected) is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("SDP_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SDP_X"):
        env.env_bool("SDP_X", default=False)


def test_env_int_bounds(monkeypatch):
    monkeypatch.setenv("SDP_X", "abc")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env.env_int("SDP_X", 1)
    monkeypatch.setenv("SDP_X", "5")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env.env_int("SDP_X", 1, minimum=10)
    assert env.env_int("SDP_X", 1, minimum=1) == 5


def test_env_time(monkeypatch):
    monkeypatch.setenv("SDP_X", "15:30")
    assert env.env_time("SDP_X", time(1, 0)) == time(15, 30)
    monkeypatch.setenv("SDP_X", "25:00")
    with pytest.raises(ImproperlyConfigured, match="HH:MM"):
        env.env_time("SDP_X", time(1, 0))
    monkeypatch.delenv("SDP_X")
    assert env.env_time("SDP_X", time(1, 0)) == time(1, 0)


def test_env_database(monkeypatch):
    monkeypatch.setenv("SDP_DB", "postgres://postgres@127.0.0.1:5432/sdp")
    config = env.env_database("SDP_DB", "")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "sdp"
    for other in ("mysql://root@localhost/sdp", "/var/sdp"):
        monkeypatch.setenv("SDP_DB", other)
        with pytest.raises(ImproperlyConfigured, match="is not a PostgreSQL URL, and SDP runs on PostgreSQL only"):
            env.env_database("SDP_DB", "")
    monkeypatch.setenv("SDP_DB", "postgres://postgres@127.0.0.1:5432/")
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        env.env_database("SDP_DB", "")


def test_env_list(monkeypatch):
    monkeypatch.setenv("SDP_X", "a.example, b.example ,,")
    assert env.env_list("SDP_X", []) == ["a.example", "b.example"]


def _check(extra_env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL"}}
    environment.update({"SDP_VAR_DIR": str(tmp_path), "DATABASE_URL": UNREACHED_DATABASE_URL})
    environment.update(extra_env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def _run(args: list[str], extra_env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL"}}
    environment.update({"SDP_VAR_DIR": str(tmp_path), "DATABASE_URL": UNREACHED_DATABASE_URL})
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("entry_point", ["sdp_project.wsgi", "sdp_project.asgi"])
def test_secret_key_required_when_debug_is_off(tmp_path, entry_point):
    result = _run(["-c", f"import {entry_point}"], {"DEBUG": "false"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_commands_that_sign_nothing_run_without_a_key(tmp_path):
    """A fresh checkout, nothing exported: the migrations check runs; serving is what needs the key."""
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], {"DEBUG": "false"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_key_scripts_start_generated_is_used(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 50 + "\n")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL"}}
    environment.update({"SDP_VAR_DIR": str(tmp_path), "DATABASE_URL": UNREACHED_DATABASE_URL})
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 50


def test_bad_values_fail_loudly(tmp_path):
    for bad in (
        {"DEBUG": "sometimes"},
        {"DEBUG": "1", "CONSOLIDATION_TIME": "3pm"},
        {"DEBUG": "1", "REDIS_URL": "http://x"},
    ):
        result = _check(bad, tmp_path)
        assert result.returncode != 0, bad
        assert "ImproperlyConfigured" in result.stderr, bad


def test_consolidation_time_cannot_precede_the_deadline(tmp_path):
    result = _check({"DEBUG": "1", "CONSOLIDATION_TIME": "09:00"}, tmp_path)
    assert result.returncode != 0
    assert "CONSOLIDATION_TIME must not be earlier" in result.stderr


def test_broker_follows_redis_url(tmp_path):
    embedded = _check({"DEBUG": "1"}, tmp_path)
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.strip() == "memory://"
    with_redis = _check({"DEBUG": "0", "SECRET_KEY": "x" * 50, "REDIS_URL": "redis://127.0.0.1:6379/3"}, tmp_path)
    assert with_redis.returncode == 0, with_redis.stderr
    assert with_redis.stdout.strip() == "redis://127.0.0.1:6379/3"


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert ("en", "English") in settings.LANGUAGES
    # Django's LocaleMiddleware, choosing Indonesian unless the reader picked English (tests/test_i18n.py).
    assert "operations.middleware.IndonesianFirstLocaleMiddleware" in settings.MIDDLEWARE
    assert issubclass(IndonesianFirstLocaleMiddleware, LocaleMiddleware)
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ is True
