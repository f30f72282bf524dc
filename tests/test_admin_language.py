"""The login and the admin read as Indonesian written by a native speaker: ``locale/id`` corrects Django's,
django-celery-beat's and django-guardian's stock Indonesian (LOCALE_PATHS come first in Django's lookup),
and the pages show sentences and labels, never codes (audit trail, package refusals, NIK)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from central.models import AuditAction, AuditEvent
from central.nik import nik_problems
from operations.schedule import daily_schedule_seed
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ID_PO = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"

# What the stock catalogues said, each wrong or untranslated: none may appear on the pages below.
KNOWN_WRONG = [
    "nama pengguna nama pengguna",
    "Rubah atau tampilkan",
    "Autentidikasi",
    "karakter atau sedikit",
    "PindahkanUPT",
    "Pindahkan semua",
    ">Buka<",
    "Periodic Tasks",
    "Periodic tasks",
    "Clocked",
    ">Crontabs<",
    "Solar events",
    "Intervals",
    "Task Name",
    "Run selected tasks",
    "(m/h/dM/MY/d) Asia/Jakarta</td>",
    "At 03:00 PM",
    "Diadakan",
    "Ditiadakan",
]


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_clean(html: str) -> None:
    found = [wrong for wrong in KNOWN_WRONG if wrong in html]
    assert not found, found


def test_the_corrections_are_committed_compiled_and_complete():
    for name in ("django", "djangojs"):
        po = polib.pofile(str(ID_PO / f"{name}.po"))
        assert not po.untranslated_entries() and not po.fuzzy_entries(), name
        compiled = {(e.msgid, e.msgstr) for e in polib.mofile(str(ID_PO / f"{name}.mo")) if e.msgid}
        assert {(e.msgid, e.msgstr) for e in po if not e.msgid_plural} <= compiled, f"{name}.mo is stale"


def test_the_login_error_reads_once_and_correctly(client):
    response = client.post(reverse("login"), {"username": "tidak_ada", "password": "salah"})
    html = response.content.decode()
    assert "Masukkan nama pengguna dan kata sandi yang benar. Huruf besar dan huruf kecil dibedakan." in html
    assert_clean(html)


def test_admin_index_names_the_schedules_in_indonesian(world):
    html = page(admin_client(world), "/admin/")
    for label in ("Tugas Terjadwal", "Peristiwa matahari", "Waktu tertentu", "Autentikasi dan Otorisasi"):
        assert label in html, label
    assert_clean(html)


def test_periodic_task_pages(world):
    daily_schedule_seed(at=dt.time(15, 0))
    client = admin_client(world)
    listing = page(client, "/admin/django_celery_beat/periodictask/")
    for text in (
        "Jalankan tugas yang dipilih sekarang",
        "Berdasarkan nama tugas",
        "setiap hari pukul 15.00",
        ">Jalankan<",
    ):
        assert text in listing, text
    assert_clean(listing)
    crontabs = page(client, "/admin/django_celery_beat/crontabschedule/")
    assert "setiap hari pukul 15.00 (Asia/Jakarta)" in crontabs
    assert_clean(crontabs)
    for url in (
        "/admin/django_celery_beat/periodictask/add/",
        "/admin/django_celery_beat/solarschedule/add/",
        "/admin/django_celery_beat/intervalschedule/add/",
        "/admin/django_celery_beat/clockedschedule/add/",
    ):
        html = page(client, url)
        assert_clean(html)
    task_form = page(client, "/admin/django_celery_beat/periodictask/add/")
    assert "Isi satu jenis jadwal saja, biarkan yang lain kosong." in task_form


def test_user_pages_and_the_admins_javascript_catalogue(world):
    client = admin_client(world)
    add = page(client, reverse("admin:auth_user_add"))
    assert "Wajib diisi. Paling banyak 150 karakter, hanya huruf, angka, dan @/./+/-/_." in add
    assert "Masuk dengan kata sandi" in add
    assert_clean(add)
    change = page(client, reverse("admin:auth_user_change", args=[world.operator_a.pk]))
    assert_clean(change)
    catalogue = page(client, "/admin/jsi18n/")
    assert "Keluarkan semua %s" in catalogue and "%(sel)s dari %(cnt)s dipilih" in catalogue
    assert "Pindahkan" not in catalogue and "Buka daripada" not in catalogue


def test_the_audit_trail_shows_names_and_labels_not_codes(world):
    package_id = uuid.uuid4()
    AuditEvent.objects.create(
        action=AuditAction.PACKAGE_SENT,
        actor=world.operator_a,
        actor_username="op_a",
        object_type="central.submission",
        object_id="7",
        detail=f"full · web · 225 baris · {package_id}",
    )
    AuditEvent.objects.create(action=AuditAction.PERSON_VIEWED, actor_username="pusat", object_type="upt.person")
    html = page(admin_client(world), "/admin/central/auditevent/")
    assert f"Lengkap (seluruh data) · Tombol Kirim ke pusat · 225 baris · {package_id}" in html
    assert "kiriman UPT" in html and ">WBP<" in html
    assert "full · web" not in html and "upt.person" not in html and "central.submission" not in html
    client = admin_client(world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client, "/admin/central/auditevent/")
    assert "225 rows" in english and "full · web" not in english


@pytest.mark.parametrize(
    "nik, expected",
    [
        ("33010517O5900012", "NIK hanya boleh berisi angka: 16 angka tanpa huruf, spasi, atau tanda baca."),
        ("3301 0517 0590 0012", "NIK hanya boleh berisi angka: 16 angka tanpa huruf, spasi, atau tanda baca."),
        ("330105170590001", "NIK harus 16 angka; yang diisi 15 angka."),
        ("33010517059000123", "NIK harus 16 angka; yang diisi 17 angka."),
    ],
)
def test_a_nik_with_letters_is_told_apart_from_one_of_the_wrong_length(nik, expected):
    with translation.override("id"):
        assert nik_problems(nik) == [expected]


def test_the_operators_own_pages_stay_indonesian_after_the_admin(world):
    client = Client()
    assert client.post(reverse("login"), {"username": "op_a", "password": PASSWORD}).status_code == 302
    assert_clean(page(client, f"/upt/{world.upt_a.code}/"))
