"""API tokens with a lifecycle: hashed, expiring, one per named device, listed and revoked by their owner,
all revoked on a password change, deactivation or role change, "sign out everywhere", the admin's revoke."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from central.models import ApiToken, AuditAction, AuditEvent
from central.models.tokens import DEFAULT_DEVICE_NAME
from central.roles import Role
from central.services.roles import role_assign, role_revoke, role_set
from central.services.tokens import token_issue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SUBMISSIONS = "/api/v1/submissions/"
TOKEN_URL = "/api/v1/auth/token/"


def works(secret: str) -> bool:
    response = APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get(SUBMISSIONS)
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def obtain(username: str = "op_a", **extra):
    return APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json")


def test_the_endpoint_issues_a_named_expiring_token_stored_only_as_a_hash(world, settings):
    response = obtain(name="SIMPAS Lapas Karanganyar")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "SIMPAS Lapas Karanganyar"
    token = ApiToken.objects.get(user=world.operator_a)
    assert token.name == "SIMPAS Lapas Karanganyar"
    assert body["token"] not in (token.digest, token.token_key)  # the secret itself is not stored
    expected = timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert abs(token.expiry - expected) < timedelta(minutes=5)
    assert works(body["token"])
    issued = AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUED, actor=world.operator_a)
    assert "SIMPAS Lapas Karanganyar" in issued.detail and body["token"] not in issued.detail


def test_without_a_name_the_device_gets_the_default_name(world):
    assert obtain().json()["name"] == DEFAULT_DEVICE_NAME
    assert ApiToken.objects.get(user=world.operator_a).name == DEFAULT_DEVICE_NAME


def test_one_token_per_device_asking_again_replaces_it_other_devices_keep_theirs(world):
    first = obtain(name="Laptop operator").json()["token"]
    other = obtain(name="SIMPAS").json()["token"]
    again = obtain(name="Laptop operator").json()["token"]
    assert again != first
    assert not works(first) and works(again) and works(other)
    assert sorted(ApiToken.objects.filter(user=world.operator_a).values_list("name", flat=True)) == [
        "Laptop operator",
        "SIMPAS",
    ]


def test_an_expired_token_is_refused_and_removed(world):
    secret = obtain(name="Laptop").json()["token"]
    assert works(secret)
    ApiToken.objects.filter(user=world.operator_a).update(expiry=timezone.now() - timedelta(seconds=1))
    response = APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get(SUBMISSIONS)
    assert response.status_code == 401
    assert "kedaluwarsa" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=world.operator_a).exists()


def test_the_owner_lists_and_revokes_tokens_on_the_token_page(world):
    _kept, kept_secret = token_issue(user=world.operator_a, name="SIMPAS")
    gone, gone_secret = token_issue(user=world.operator_a, name="Laptop lama")
    token_issue(user=world.operator_b, name="Milik orang lain")
    client = Client()
    client.force_login(world.operator_a)
    page = client.get(reverse("account:tokens"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "SIMPAS" in html and "Laptop lama" in html and "Milik orang lain" not in html
    assert kept_secret not in html and gone.digest not in html and gone.token_key not in html
    response = client.post(reverse("account:token_revoke", kwargs={"public_id": gone.public_id}))
    assert response.status_code == 302
    assert not works(gone_secret) and works(kept_secret)
    revoked = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED, actor=world.operator_a)
    assert revoked.object_id == str(gone.public_id) and "Laptop lama" in revoked.detail


def test_the_token_page_is_in_the_header_menu_for_every_signed_in_person(world, client_for):
    link = f'href="{reverse("account:tokens")}"'
    for user in (world.operator_a, world.monitor_x, world.central, world.admin, world.no_role):
        response = client_for(user).get("/", follow=True)
        assert response.status_code in (200, 403) and link in response.content.decode(), user
    assert link not in Client().get(reverse("login")).content.decode()


def test_another_persons_token_cannot_be_revoked(world):
    token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    for intruder in (world.operator_b, world.central):
        client = Client()
        client.force_login(intruder)
        response = client.post(reverse("account:token_revoke", kwargs={"public_id": token.public_id}))
        assert response.status_code == 404
    assert works(secret)


def test_a_password_change_in_the_admin_revokes_every_token(world):
    _token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    _other, other_secret = token_issue(user=world.operator_b, name="SIMPAS")
    admin = Client()
    admin.force_login(world.admin)
    url = reverse("admin:auth_user_password_change", args=[world.operator_a.pk])
    response = admin.post(
        url, {"password1": "Sandi-baru-2026!", "password2": "Sandi-baru-2026!", "usable_password": "true"}
    )
    assert response.status_code == 302, response.content[:2000]
    assert not works(secret) and works(other_secret)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED, object_type="central.apitoken")
    assert "(password)" in event.detail


def test_set_password_anywhere_revokes_every_token(world):
    _token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    world.operator_a.set_password("Sandi-lain-2026!")
    world.operator_a.save()
    assert not works(secret)


def test_a_login_does_not_revoke_tokens(world):
    _token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    response = Client().post(reverse("login"), {"username": "op_a", "password": PASSWORD})
    assert response.status_code == 302
    assert works(secret)


def test_deactivation_revokes_every_token(world):
    _token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    world.operator_a.is_active = False
    world.operator_a.save()
    assert not ApiToken.objects.filter(user=world.operator_a).exists()
    world.operator_a.is_active = True
    world.operator_a.save()
    assert not works(secret)


@pytest.mark.parametrize(
    "change",
    [
        lambda w: role_assign(user=w.operator_a, role=Role.OPERATOR, upt=w.upt_b),  # one more unit
        lambda w: role_revoke(user=w.operator_a, upt=w.upt_a),  # unit taken away
        lambda w: role_set(user=w.operator_a, role=Role.KANWIL, kanwils=[w.kanwil_x]),  # another role
        lambda w: role_set(user=w.operator_a, role=None),
    ],
    ids=["assign", "revoke", "set", "set-none"],
)
def test_a_role_change_revokes_every_token(world, change):
    _token, _secret = token_issue(user=world.operator_a, name="SIMPAS")
    _other, other_secret = token_issue(user=world.operator_b, name="SIMPAS")
    change(world)
    assert not ApiToken.objects.filter(user=world.operator_a).exists()
    assert works(other_secret)


def test_setting_the_same_role_again_keeps_the_tokens(world):
    _token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    role_set(user=world.operator_a, role=Role.OPERATOR, upts=[world.upt_a])
    role_assign(user=world.operator_a, role=Role.OPERATOR, upt=world.upt_a)
    assert works(secret)


def test_sign_out_everywhere_revokes_tokens_and_ends_other_sessions(world):
    _one, one = token_issue(user=world.operator_a, name="SIMPAS")
    _two, two = token_issue(user=world.operator_a, name="Laptop")
    _other, other_secret = token_issue(user=world.operator_b, name="SIMPAS")
    here, elsewhere, someone_else = Client(), Client(), Client()
    here.force_login(world.operator_a)
    elsewhere.force_login(world.operator_a)
    someone_else.force_login(world.operator_b)
    response = here.post(reverse("account:sign_out_everywhere"))
    assert response.status_code == 302
    assert not works(one) and not works(two) and works(other_secret)
    assert here.get(reverse("account:tokens")).status_code == 200  # this browser stays signed in
    assert elsewhere.get(reverse("account:tokens")).status_code == 302  # the other is sent to sign in
    assert someone_else.get(reverse("account:tokens")).status_code == 200
    assert Session.objects.count() == 2


def test_the_admin_lists_and_revokes_anyones_token(world):
    token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    admin = Client()
    admin.force_login(world.admin)
    listing = admin.get(reverse("admin:central_apitoken_changelist"))
    assert listing.status_code == 200 and "SIMPAS" in listing.content.decode()
    response = admin.post(reverse("admin:central_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not works(secret)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED, actor=world.admin).exists()


def test_only_the_admin_sees_tokens_in_the_admin(world):
    token_issue(user=world.operator_a, name="SIMPAS")
    central = Client()
    central.force_login(world.central)
    assert central.get(reverse("admin:central_apitoken_changelist")).status_code == 403
