"""Row-issue and conflict details in the reader's language.

The consolidation writes each detail in set-based SQL, in Bahasa Indonesia: a label followed by the
offending value (``tanggal lahir 01-01-2030``, ``kode UPT "X" tidak terdaftar``, ``pidana 4 tahun 0 bulan 0
hari: seharusnya B.I``). Building them per row in Python would cost the speed the SQL is there for, so the
stored text stays Indonesian and is translated when shown: every label below is a msgid, replaced as a
whole phrase outside quoted values; values (codes, dates, numbers, registration numbers) are kept as they
are. Keep this list in step with the literals in ``central/validation.py`` and the consolidation engine.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import get_language, gettext, gettext_noop, ngettext

PHRASES = [
    # central/validation.py
    gettext_noop("nomor registrasi kosong"),
    gettext_noop("nama lengkap kosong"),
    gettext_noop("nomor registrasi"),
    gettext_noop("jenis kelamin"),
    gettext_noop("kategori kejahatan"),
    gettext_noop("agama"),
    gettext_noop("pendidikan"),
    gettext_noop("tanggal lahir tidak sebelum penahanan/masuk"),
    gettext_noop("mulai ditahan setelah tanggal masuk UPT"),
    gettext_noop("tanggal putusan sebelum mulai ditahan"),
    gettext_noop("register sejak sebelum mulai ditahan"),
    gettext_noop("tanggal lahir"),
    gettext_noop("mulai ditahan"),
    gettext_noop("tanggal masuk"),
    gettext_noop("register sejak"),
    gettext_noop("tanggal putusan"),
    gettext_noop("tanggal ekspirasi"),
    gettext_noop("batas penahanan"),
    gettext_noop("tanggal SK"),
    gettext_noop("tanggal"),
    gettext_noop("lama pidana kosong"),
    gettext_noop("seharusnya"),
    gettext_noop("pidana"),
    gettext_noop("jenis"),
    gettext_noop("kode UPT kosong"),
    gettext_noop("kode UPT"),
    gettext_noop("tidak terdaftar"),
    gettext_noop("UPT sendiri"),
    gettext_noop("register tujuan"),
    gettext_noop("alasan keluar"),
    gettext_noop("alasan bebas"),
    # central/services/consolidation/engine.py (conflicts)
    gettext_noop("juga ditahan di UPT lain sejak"),
    gettext_noop("pindah keluar"),
    gettext_noop("belum ada pindahan masuk"),
    gettext_noop("sebelumnya berstatus"),
    gettext_noop("tercatat meninggal dunia di UPT lain"),
]

_QUOTED = re.compile(r'("[^"]*")')
_UNITS = re.compile(r"\b(\d+) (tahun|bulan|hari)\b")


@cache
def _phrases() -> re.Pattern:
    alternatives = sorted(PHRASES, key=len, reverse=True)  # the longest label wins ("tanggal lahir" over "tanggal")
    return re.compile(r"(?<![\w/])(" + "|".join(re.escape(p) for p in alternatives) + r")(?![\w/])")


def _unit(match: re.Match) -> str:
    n, unit = int(match.group(1)), match.group(2)
    if unit == "tahun":
        return ngettext("%(n)d tahun", "%(n)d tahun", n) % {"n": n}
    if unit == "bulan":
        return ngettext("%(n)d bulan", "%(n)d bulan", n) % {"n": n}
    return ngettext("%(n)d hari", "%(n)d hari", n) % {"n": n}


def detail_display(text: str | None) -> str:
    """``text`` (a stored detail) in the active language; unknown wording is left as it is."""
    if not text:
        return text or ""
    if (get_language() or "id").split("-")[0] == "id":
        return text
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):  # even parts lie outside quotes
        parts[i] = _UNITS.sub(_unit, _phrases().sub(lambda m: gettext(m.group(1)), parts[i]))
    return "".join(parts)
