"""Login lockout, production security settings and the audit trail of sign-ins."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from central.models import AuditAction, AuditEvent

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_wrong_passwords_lock_the_account_from_that_address(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "op_a", "salah").status_code == 200
    locked = _login(client, "op_a", "salah")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # Even the right password is refused while the lock lasts …
    assert _login(client, "op_a", "sandi-uji-123").status_code == 429
    assert not client.session.get("_auth_user_id")
    # … but another account from the same address is not affected.
    assert _login(client, "op_b", "sandi-uji-123").status_code == 302
    actions = list(AuditEvent.objects.filter(actor_username="op_a").values_list("action", flat=True))
    assert actions.count(AuditAction.LOGIN_FAILED) >= settings.AXES_FAILURE_LIMIT - 1
    assert AuditAction.LOCKED_OUT in actions


def test_a_successful_login_clears_earlier_failures(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "op_a", "salah")
    assert _login(client, "op_a", "sandi-uji-123").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "op_a", "salah").status_code == 200


def test_sign_in_and_out_are_audited_with_the_address(client, world):
    _login(client, "op_a", "sandi-uji-123")
    client.post(reverse("logout"))
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.actor == world.operator_a
    assert login.ip_address == "10.0.0.7"
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=world.operator_a).exists()


def test_failed_login_records_the_username_tried_but_no_password(client, world):
    _login(client, "tidak-ada", "rahasia-sekali")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_username == "tidak-ada"
    assert "rahasia" not in f"{event.detail}{event.object_id}"


def test_audit_trail_is_for_admin_and_central_only_and_never_editable(client_for, world):
    _login(client_for(None), "op_a", "sandi-uji-123")
    event = AuditEvent.objects.first()
    changelist = reverse("admin:central_auditevent_changelist")
    change = reverse("admin:central_auditevent_change", args=[event.pk])
    for who in ("central", "admin"):
        client = client_for(getattr(world, who))
        assert client.get(changelist).status_code == 200
        page = client.get(change)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.post(change, {"detail": "diubah"}).status_code == 403
        assert client.get(reverse("admin:central_auditevent_delete", args=[event.pk])).status_code == 403
        assert client.get(reverse("admin:central_auditevent_add")).status_code == 403
    for who in ("operator_a", "monitor_x"):
        assert client_for(getattr(world, who)).get(changelist).status_code == 403
    event.refresh_from_db()
    assert event.detail == ""


def test_role_changes_are_audited(client_for, world):
    from tests.factories import UserFactory

    newcomer = UserFactory(username="operator_baru")
    client_for(world.admin).post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        {
            "username": "operator_baru",
            "sdp_role": "operator",
            "sdp_upts": [world.upt_a.pk],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.actor == world.admin
    assert event.object_id == str(newcomer.pk)
    assert "LP3301" in event.detail


def _run_check(extra_env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HTTPS", "REDIS_URL"}}
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "HTTPS": "true",
            "ALLOWED_HOSTS": "sdp.ditjenpas.go.id",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_an_insecure_configuration():
    result = _run_check({"DEBUG": "true", "HTTPS": "false"})
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("language", "minutes", "wait"),
    [("id", 15, "Coba lagi dalam 15 menit"), ("en", 15, "Try again in 15 minutes"), ("id", 90, "1 jam, 30 menit")],
)
def test_the_lockout_page_says_the_wait_in_words(client, world, settings, language, minutes, wait):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = _login(client, "op_a", "salah")
    assert locked.status_code == 429
    text = locked.content.decode().replace("\xa0", " ")  # Django joins number and unit with a no-break space
    assert wait in text and "PT" not in text.split("<main", 1)[1]
