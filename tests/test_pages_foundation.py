"""Login, logout, the home page's routing per role, and the start pages' scoping."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, world):
    for url in ("/", reverse("upt:home", args=["LP3301"]), reverse("kanwil:dashboard"), reverse("central:dashboard")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_speaks_indonesian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Masuk ke SDP" in response.content.decode()


def test_login_with_password_then_home_routes_operator(client, world):
    response = client.post(reverse("login"), {"username": "op_a", "password": "sandi-uji-123"})
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 302
    assert home["Location"] == reverse("upt:home", args=["LP3301"])


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post(reverse("login"), {"username": "op_a", "password": "salah"})
    assert response.status_code == 200
    assert "benar" in response.content.decode()  # Django's Indonesian: "…nama pengguna dan sandi yang benar"


@pytest.mark.parametrize(
    ("who", "start"),
    [
        ("operator_a", "/upt/LP3301/"),
        ("monitor_x", "/kanwil/"),
        ("central", "/laporan/nasional/"),
        ("admin", "/admin/"),
    ],
)
def test_home_sends_each_role_to_its_page(client_for, world, who, start):
    response = client_for(getattr(world, who)).get("/")
    assert response.status_code == 302
    assert response["Location"] == start
    assert client_for(getattr(world, who)).get(start).status_code == 200


def test_user_without_role_is_told_so(client_for, world):
    response = client_for(world.no_role).get("/")
    assert response.status_code == 403
    assert "belum diberi peran" in response.content.decode()


def test_logout_by_post(client_for, world):
    client = client_for(world.operator_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("language", "said"), [("id", "Anda telah keluar."), ("en", "You have signed out.")])
def test_the_login_page_says_one_has_signed_out(client_for, world, settings, language, said):
    client = client_for(world.operator_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert said in response.content.decode()
    assert said not in client.get(reverse("login")).content.decode()  # said once


def test_operator_home_is_scoped(client_for, world):
    op_a = client_for(world.operator_a)
    assert op_a.get(reverse("upt:home", args=["LP3301"])).status_code == 200
    assert op_a.get(reverse("upt:home", args=["LP3302"])).status_code == 404  # another UPT: not revealed
    assert op_a.get(reverse("upt:home", args=["NOPE"])).status_code == 404
    # A monitor can see the UPT exists (its region) but may not operate it; outside the region, 404.
    assert client_for(world.monitor_x).get(reverse("upt:home", args=["LP3301"])).status_code == 403
    assert client_for(world.monitor_y).get(reverse("upt:home", args=["LP3301"])).status_code == 404
    assert client_for(world.central).get(reverse("upt:home", args=["LP3301"])).status_code == 403


def test_kanwil_dashboard_shows_only_the_region(client_for, world):
    body = client_for(world.monitor_x).get(reverse("kanwil:dashboard")).content.decode()
    assert "Karanganyar" in body and "Batu" in body
    assert "Cipinang" not in body
    assert client_for(world.operator_a).get(reverse("kanwil:dashboard")).status_code == 403
    assert client_for(world.monitor_x).post(reverse("kanwil:dashboard")).status_code == 405


def test_central_dashboard_is_for_central(client_for, world):
    """``/pusat/`` moved to the one national dashboard; only central is sent on, the others are refused."""
    response = client_for(world.central).get(reverse("central:dashboard"))
    assert response.status_code == 301 and response["Location"] == reverse("laporan:national")
    assert client_for(world.central).get(reverse("laporan:national")).status_code == 200
    for who in ("operator_a", "monitor_x"):
        assert client_for(getattr(world, who)).get(reverse("central:dashboard")).status_code == 403
        assert client_for(getattr(world, who)).get(reverse("laporan:national")).status_code == 403


def test_english_is_available(client_for, world):
    client = client_for(world.operator_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_favicon_is_linked_and_answers(client, client_for, world):
    """Every page links the SVG mark; /favicon.ico, which browsers ask for anyway, redirects to it."""
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    icon = static("img/favicon.svg")
    assert finders.find("img/favicon.svg")  # the file exists among the static files
    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in client.get(reverse("login")).content.decode()
    admin_page = client_for(world.admin).get("/admin/").content.decode()
    assert f'<link rel="icon" href="{icon}"' in admin_page
    for who in (client, client_for(world.operator_a)):
        response = who.get("/favicon.ico")
        assert response.status_code == 302 and response["Location"] == icon
    assert client.post("/favicon.ico").status_code == 405
