"""Each role signs in through the real login page and lands on its own start page."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("op_a", "/upt/LP3301/", "Lapas Kelas IIA Karanganyar Nusakambangan"),
        ("kanwil_x", "/kanwil/", "Kanwil Ditjenpas Jawa Tengah"),
        ("pusat", "/laporan/nasional/", "Nasional"),  # /pusat/ moved to the one national dashboard
    ],
)
def test_each_role_lands_on_its_start_page(page, world, username, path, heading):
    login(page, username)
    assert page.url.endswith(path)
    assert heading in page.locator("h1").first.inner_text()


def test_a_wrong_password_is_explained_in_indonesian(page, world):
    login(page, "op_a", "salah-sandi")
    assert page.url.endswith("/akun/masuk/")
    assert "benar" in page.locator(".form-errors").inner_text()
