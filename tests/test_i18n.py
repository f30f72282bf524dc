"""The English translation: the committed catalogue is complete and well-formed, the compiled ``.mo`` matches
it, and the pages speak Indonesian by default and English once the language menu switches to it."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from central.issue_details import DETAILS, render_detail
from central.models import Conflict, RowIssue
from central.sentence import Term
from central.validation import RULES
from tests.consolidation.helpers import consolidate, package, person_values, today
from tests.consolidation.test_validation import CASES as VALIDATION_CASES
from tests.consolidation.test_validation import _build as build_case

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
MAKEMESSAGES_IGNORE = [".venv", "staticfiles", "test-artifacts", "tests", "var", "bench-results", "static/vendor"]

# %(name)s, %(n)d, %(mb).1f, %% — and str.format's {name}.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdfir]|%%|%[sd]|\{[a-z_0-9]*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@pytest.fixture(autouse=True)
def _language_restored():
    """LocaleMiddleware activates each request's language in this thread and leaves it active; an English
    request here must not make later tests (which call gettext outside any request) speak English."""
    previous = translation.get_language()
    yield
    translation.activate(previous)


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


# --- The catalogue ---------------------------------------------------------------------------------------


def test_every_message_is_translated_and_none_is_fuzzy_or_obsolete():
    po = catalogue()
    assert len(po) > 900
    assert not [e.msgid for e in po if any(not t.strip() for t in translations(e))], "empty msgstr"
    assert not [e.msgid for e in po if "fuzzy" in e.flags], "fuzzy entries"
    assert not po.obsolete_entries(), "obsolete (#~) entries: run makemessages and drop them"
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not po.metadata_is_fuzzy


def test_placeholders_and_html_are_kept():
    """A dropped or renamed placeholder raises KeyError at runtime; a lost tag breaks the page."""
    problems = []
    for entry in catalogue():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        wanted_plural = sorted(PLACEHOLDER.findall(entry.msgid_plural)) if entry.msgid_plural else wanted
        tags = sorted(TAG.findall(entry.msgid))
        for index, text in enumerate(translations(entry)):
            expected = wanted if index == 0 else wanted_plural
            # A singular may spell out its number ("one day"), so it may drop %(n)s, never invent one.
            got = sorted(PLACEHOLDER.findall(text))
            if got != expected and not (entry.msgid_plural and set(got) <= set(expected)):
                problems.append((entry.msgid, text))
            if sorted(TAG.findall(text)) != tags:
                problems.append((entry.msgid, text))
    assert not problems


def test_terms_keep_their_fixed_english_names():
    """Register names and unit types stay as the correctional system writes them."""
    po = {e.msgid: e.msgstr for e in catalogue() if not e.msgid_plural}
    assert po["Lapas"] == "Prison (Lapas)"
    assert po["Rutan"] == "Detention centre (Rutan)"
    assert po["Narapidana"] == "Convicts"
    assert po["B.III — kurungan"].startswith("B.III — ")
    assert po["A.I — tahanan penyidik"].startswith("A.I — ")
    assert po["Kanwil"] == "Kanwil"


def test_compiled_catalogue_matches_the_po():
    """The committed .mo is what Django reads: a fresh clone needs no gettext tools, so it must be current."""
    mo = {(e.msgctxt, e.msgid): translations(e) for e in polib.mofile(str(MO)) if e.msgid}
    po = {(e.msgctxt, e.msgid): translations(e) for e in catalogue()}
    assert mo == po, "run: python manage.py compilemessages -l en"


def test_catalogue_covers_every_message_in_the_code(tmp_path):
    """A fresh extraction merged into a copy of the catalogue leaves nothing untranslated, fuzzy or obsolete:
    every gettext string in the code and templates has its English, and nothing stale is kept."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        if os.environ.get("SDP_REQUIRE_GETTEXT"):
            pytest.fail("gettext tools are required here (apt-get install gettext)")
        pytest.skip("gettext tools (xgettext, msgmerge) are not installed")
    copy = tmp_path / "sdp"
    ignore = shutil.ignore_patterns(*MAKEMESSAGES_IGNORE, "__pycache__", ".git", "media", "*.mo")
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--verbosity", "0"]
    for pattern in MAKEMESSAGES_IGNORE:
        command += ["-i", pattern]
    env = {**os.environ, "DEBUG": "true"}
    subprocess.run(command, cwd=copy, env=env, check=True, timeout=240)
    merged = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert not [e.msgid for e in merged.untranslated_entries()], "new messages need English"
    assert not [e.msgid for e in merged.fuzzy_entries()], "changed messages need their English checked"
    assert not [e.msgid for e in merged.obsolete_entries()], "messages no longer in the code"


# --- Strings built in Python -----------------------------------------------------------------------------


def test_sentence_lengths_follow_the_language():
    with translation.override("id"):
        assert str(Term(4, 1, 0)) == "4 tahun 1 bulan"
    with translation.override("en"):
        assert str(Term(4, 1, 0)) == "4 years 1 month"
        assert str(Term(0, 0, 1)) == "1 day"


def test_validation_rule_texts_are_in_the_catalogue():
    """Rules store the Indonesian text in the database and translate it when shown."""
    with translation.override("en"):
        untranslated = [r.code for r in RULES if translation.gettext(r.message) == r.message]
        undescribed = [r.code for r in RULES if translation.gettext(r.description) == r.description]
    assert not untranslated
    assert not undescribed


# --- Pages per role --------------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db

# (user, start page, an Indonesian heading shown by default, its English)
PAGES = [
    ("operator_a", "/upt/LP3301/", "Masa penahanan hampir habis", "Detention period almost over"),
    ("monitor_x", "/kanwil/", "UPT di wilayah", "UPTs in the region"),
    ("central", "/laporan/nasional/", "Dasbor nasional", "National dashboard"),
    ("admin", "/admin/", "Administrasi", "Administration"),
]


def switch_language(client, language: str, next_url: str):
    """What the header's language menu does: POST to Django's set_language view."""
    return client.post(reverse("set_language"), {"language": language, "next": next_url}, follow=True)


@pytestmark_db
@pytest.mark.parametrize(("who", "url", "indonesian", "english"), PAGES)
def test_each_role_reads_indonesian_first_then_english(client_for, world, who, url, indonesian, english):
    client = client_for(getattr(world, who))
    page = client.get(url, follow=True).content.decode()
    assert indonesian in page
    assert english not in page
    assert '<html lang="id">' in page or who == "admin"  # the admin has its own base template
    assert f'action="{reverse("set_language")}"' in page  # the language menu is in the header

    response = switch_language(client, "en", url)
    assert response.redirect_chain[0][0] == url
    cookie = client.cookies["django_language"]
    assert (cookie.value, cookie["max-age"], cookie["httponly"], cookie["samesite"]) == ("en", 31536000, True, "Lax")
    page = response.content.decode()
    assert english in page
    assert indonesian not in page
    assert 'lang="en' in page

    # And back: the choice is the user's, kept in the language cookie.
    page = switch_language(client, "id", url).content.decode()
    assert indonesian in page


@pytestmark_db
def test_english_navigation_and_footer(client_for, world):
    client = client_for(world.central)
    page = switch_language(client, "en", "/laporan/nasional/").content.decode()
    for text in ("Consolidation", "Conflicts", "National dashboard", "Log out", "Directorate General of Corrections"):
        assert text in page
    for text in ("Konflik</a>", "Dasbor nasional", "Keluar", "Direktorat Jenderal Pemasyarakatan"):
        assert text not in page


@pytestmark_db
def test_pages_stay_indonesian_for_an_english_browser_until_english_is_chosen(client):
    """An English-language browser alone does not switch the national system to English."""
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Masuk ke SDP" in page
    assert "Log in to SDP" not in page
    english = switch_language(client, "en", reverse("login")).content.decode()
    assert "Log in to SDP" in english
    assert ">Log in</button>" in english  # the button, not the audit trail's "Logged in" (same msgid)
    assert "Masuk ke SDP" not in english
    back = switch_language(client, "id", reverse("login")).content.decode()
    assert "Masuk ke SDP" in back


@pytestmark_db
def test_api_follows_accept_language_unless_the_menu_chose(client):
    """API clients have no language menu: their Accept-Language is their choice."""
    url = "/api/v1/reports/occupancy/"  # refused without a login: the message is in the asked language
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"] != client.get(url).json()["detail"]
    switch_language(client, "id", reverse("login"))
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == client.get(url).json()["detail"]


@pytestmark_db
def test_forbidden_and_missing_pages_in_english(client_for, world):
    client = client_for(world.monitor_x)
    switch_language(client, "en", "/")
    forbidden = client.get(reverse("upt:home", args=["LP3301"]))
    assert forbidden.status_code == 403
    missing = client.get("/upt/LP3301/tidak-ada/")
    assert missing.status_code == 404
    assert "Access denied" in forbidden.content.decode()
    assert "Akses ditolak" not in forbidden.content.decode()
    assert "Page not found" in missing.content.decode()


@pytestmark_db
def test_rule_catalogue_in_the_admin_is_translated(client_for, world):
    client = client_for(world.central)
    url = reverse("admin:central_validationrule_changelist") + "?all="
    page = client.get(url).content.decode()
    assert "Tanggal di masa depan." in page
    page = switch_language(client, "en", url).content.decode()
    assert "Date in the future." in page
    assert "Tanggal di masa depan." not in page


@pytestmark_db
def test_api_schema_follows_the_language(client_for, world):
    """The OpenAPI descriptions are lazy strings: Swagger UI shows them in the reader's language."""
    client = client_for(world.central)
    accept = {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}
    indonesian = client.get("/api/schema/", **accept).json()
    english = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en", **accept).json()
    post = "/api/v1/submissions/"
    assert indonesian["paths"][post]["post"]["summary"] == "Kirim paket harian UPT"
    assert english["paths"][post]["post"]["summary"] == "Send a UPT's daily package"
    assert "Kirim" not in english["paths"][post]["post"]["summary"]
    person = english["components"]["schemas"]["PackagePersonRequest"]["description"]
    assert person.startswith("One inmate:")


@pytestmark_db
def test_report_export_in_english(client_for, world):
    """An export carries the reader's language: the CSV's column headings, the XLSX's title lines and filters."""
    from tests.reports.test_pages import xlsx_rows

    client = client_for(world.monitor_x)
    url = "/laporan/wilayah/33/kepatuhan/?dari=2026-03-01&sampai=2026-03-10&tabel=kepatuhan&format="

    def both() -> str:
        text = client.get(url + "csv").content.decode("utf-8-sig")
        return text + repr(xlsx_rows(client.get(url + "xlsx")))

    indonesian = both()
    assert "Periode: 01-03-2026 s.d. 10-03-2026" in indonesian and "Hari kirim" in indonesian
    switch_language(client, "en", "/")
    english = both()
    assert "01-03-2026 to 10-03-2026" in english
    assert "Generated at:" in english
    assert "Days sent" in client.get(url + "csv").content.decode("utf-8-sig")
    for word in ("Periode", "Dibuat pada", "Hari kirim", "s.d."):
        assert word not in english


# --- Details written by the consolidation's SQL -------------------------------------------------------

# Lower-case Indonesian words of the detail templates; "register", "status", "UPT" and "NIK" read the same
# in English.
DETAIL_WORDS = {w for p in DETAILS.values() for w in re.findall(r"[a-z]+", PLACEHOLDER.sub("", p))}
DETAIL_WORDS |= {"tahun", "bulan", "hari"}
DETAIL_WORDS -= {"register", "status"}
# The migration that turned the stored sentences into codes parses them one last time.
old_details = importlib.import_module("central.migrations.0013_issue_detail_code_args")


def indonesian_left(text: str) -> set[str]:
    outside_quotes = re.sub(r'"[^"]*"', "", text)
    return set(re.findall(r"[a-z]+", outside_quotes)) & DETAIL_WORDS


@pytest.mark.parametrize(
    ("stored", "english"),
    [
        ("tanggal lahir 01-01-2030", "date of birth 01-01-2030"),
        ('kode UPT "LP9999" tidak terdaftar', 'UPT code "LP9999" not registered'),
        (
            "register B.IIa, pidana 4 tahun 0 bulan 1 hari: seharusnya B.I",
            "register B.IIa, sentence 4 years 0 months 1 day: should be B.I",
        ),
        ("juga ditahan di UPT lain sejak 03-02-2026", "also held in another UPT since 03-02-2026"),
        (
            "pindah keluar 01-01-2026, belum ada pindahan masuk",
            "transferred out 01-01-2026, no matching transfer in yet",
        ),
        ('jenis "TANGGAL"', 'type "TANGGAL"'),  # a quoted value is data: never translated
    ],
)
def test_stored_details_read_in_english(stored, english):
    """A sentence stored before details had codes: converted by the migration, it reads as it did in Bahasa
    Indonesia and in English from the code and its arguments."""
    code, args = old_details.parse(stored)
    assert code not in ("", "text")
    with translation.override("id"):
        assert render_detail(code, args) == stored
    with translation.override("en"):
        shown = render_detail(code, args)
    assert not indonesian_left(shown)
    assert shown == english


def test_an_unknown_old_sentence_is_kept_whole():
    assert old_details.parse("sesuatu yang lain") == ("text", {"text": "sesuatu yang lain"})
    with translation.override("en"):
        assert render_detail("text", {"text": "sesuatu yang lain"}) == "sesuatu yang lain"


@pytestmark_db
def test_every_detail_a_run_writes_reads_in_english(world):
    """One package with a row breaking each validation rule, through a real run: every stored detail has an
    English reading (a code the SQL writes without a template in central/issue_details.py fails here)."""
    persons, movements, remissions = [person_values("BI/OWNER")], [], []
    for index, (_code, record_type, bad, good) in enumerate(VALIDATION_CASES):
        people, moves, remits, _keys = build_case(world, record_type, bad, good)
        if record_type in ("person", "detainee"):
            persons.append({**people[1], "reg_number": f"BAD/{index}"})
        movements += moves[:1]
        remissions += remits[:1]
    submission = package(world.upt_a, persons=persons, movements=movements, remissions=remissions)
    consolidate(world.central)
    issues = RowIssue.objects.filter(submission=submission).exclude(detail_code="")
    details = {
        (code, json.dumps(args, sort_keys=True)) for code, args in issues.values_list("detail_code", "detail_args")
    }
    assert len(details) > 20
    assert {code for code, _args in details} <= set(DETAILS)
    with translation.override("en"):
        shown = {code: render_detail(code, json.loads(args)) for code, args in details}
    assert not {code: text for code, text in shown.items() if indonesian_left(text)}


@pytestmark_db
def test_conflict_details_read_in_english(client_for, world):
    package(world.upt_a, persons=[person_values("A/1")])
    package(world.upt_b, persons=[person_values("B/1", admission_date=today() - dt.timedelta(days=5))])
    consolidate(world.central)
    with translation.override("id"):  # rendered in the active language; an earlier test may have left English
        detail = Conflict.objects.get().detail
    assert detail.startswith("juga ditahan di UPT lain sejak ")
    client = client_for(world.central)
    switch_language(client, "en", "/")
    page = client.get(reverse("central:conflict_list")).content.decode()
    assert "also held in another UPT since" in page
    assert "juga ditahan" not in page
