"""A password an administrator set (a new account, a reset) is changed by its holder before any other page:
every URL leads to the change page until they do; their own change clears it; API tokens are not concerned."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from central.models import PasswordChangeDue
from central.services.passwords import PASSWORD_CHANGE_DUE_KEY
from central.services.tokens import token_issue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
CHANGE = "/akun/sandi/"
NEW_BY_ADMIN = "Sementara-Uji-2026"
OWN = "pilihan-sendiri-2026"


def signed_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def admin_resets(world, user, password: str = NEW_BY_ADMIN) -> None:
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": password, "password2": password},
    )
    assert response.status_code == 302, response.content


def pages(world) -> list[str]:
    code = world.upt_a.code
    return ["/", f"/upt/{code}/", f"/upt/{code}/kirim/", "/pusat/", "/kanwil/", "/laporan/", "/admin/", "/akun/token/"]


def test_a_password_the_admin_reset_must_be_changed_before_any_page(world):
    admin_resets(world, world.operator_a)
    due = PasswordChangeDue.objects.get(user=world.operator_a)
    assert due.set_by == world.admin

    client = signed_in("op_a", NEW_BY_ADMIN)
    assert client.session[PASSWORD_CHANGE_DUE_KEY] is True
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{CHANGE}?next="), (url, response["Location"])
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "Kata sandi Anda ditetapkan oleh admin SDP" in page.content.decode()

    # A wrong confirmation: told so in Indonesian, nothing changes, still due.
    wrong = client.post(
        CHANGE, {"old_password": NEW_BY_ADMIN, "new_password1": OWN, "new_password2": "lain-sekali-2026"}
    )
    assert wrong.status_code == 200 and "Kedua kata sandi yang diisikan tidak sama." in wrong.content.decode()
    assert PasswordChangeDue.objects.filter(user=world.operator_a).exists()
    assert client.get("/").status_code == 302

    done = client.post(
        CHANGE, {"old_password": NEW_BY_ADMIN, "new_password1": OWN, "new_password2": OWN, "next": "/upt/"}
    )
    assert done.status_code == 302 and done["Location"] == "/upt/"
    assert not PasswordChangeDue.objects.filter(user=world.operator_a).exists()
    assert PASSWORD_CHANGE_DUE_KEY not in client.session
    response = client.get(f"/upt/{world.upt_a.code}/")
    assert response.status_code == 200  # the same session goes on, now free
    # And the next sign-in is an ordinary one.
    assert signed_in("op_a", OWN).get(f"/upt/{world.upt_a.code}/").status_code == 200


def test_an_account_the_admin_creates_must_change_its_password_first(world):
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(
        reverse("admin:auth_user_add"),
        {"username": "petugas_baru", "usable_password": "true", "password1": NEW_BY_ADMIN, "password2": NEW_BY_ADMIN},
    )
    assert response.status_code == 302, response.content
    user = get_user_model().objects.get(username="petugas_baru")
    assert PasswordChangeDue.objects.filter(user=user).exists()
    assert signed_in("petugas_baru", NEW_BY_ADMIN).get("/").headers["Location"].startswith(CHANGE)


def test_signing_out_and_the_language_menu_stay_open_meanwhile(world):
    admin_resets(world, world.operator_a)
    client = signed_in("op_a", NEW_BY_ADMIN)
    language = client.post(reverse("set_language"), {"language": "en", "next": CHANGE})
    assert language.status_code == 302 and language["Location"] == CHANGE
    assert "Your password was set by the SDP administrator" in client.get(CHANGE).content.decode()
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_api_token_is_not_concerned(world):
    # A reset revokes the person's tokens (docs/TRUST.md); a token issued to a device afterwards keeps working
    # while the person has not yet changed the password on the pages.
    admin_resets(world, world.operator_a)
    _token, secret = token_issue(user=world.operator_a, name="SIMPAS")
    assert PasswordChangeDue.objects.filter(user=world.operator_a).exists()
    response = APIClient(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/v1/submissions/")
    assert response.status_code == 200, response.content


def test_ones_own_change_and_the_admins_own_reset_mark_nothing(world):
    client = signed_in("op_a", PASSWORD)
    done = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": OWN, "new_password2": OWN})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get(f"/upt/{world.upt_a.code}/").status_code == 200
    # The admin setting their own password in the user admin chose it themselves.
    admin_resets(world, world.admin)
    assert not PasswordChangeDue.objects.exists()


def test_a_session_from_before_the_reset_ends(world):
    client = signed_in("op_a", PASSWORD)
    assert client.get(f"/upt/{world.upt_a.code}/").status_code == 200
    admin_resets(world, world.operator_a)
    # Django's session hash: the old session no longer signs anyone in; the next sign-in is marked.
    assert client.get(f"/upt/{world.upt_a.code}/")["Location"].startswith(reverse("login"))
