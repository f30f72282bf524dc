"""What exactly is wrong with a row (a row issue) or between UPTs (a conflict): stored as a code plus JSON
arguments, rendered in the reader's language when shown.

The consolidation writes each detail in set-based SQL (``detail_sql`` builds the ``jsonb`` of one: its
``code`` and the offending values). Pages, exports and the API render it with ``render_detail``: the code's
Indonesian template below is a msgid, translated by gettext and filled with the arguments; dates are stored
as ISO dates and shown dd-mm-yyyy; codes, numbers and registration numbers are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext

from central.formats import show_date

# code -> Indonesian template (a msgid). Arguments named in DATE_ARGS are dates; "earlier"/"later" name fields.
DETAILS: dict[str, str] = {
    # central/validation.py: people
    "reg_number_empty": gettext_noop("nomor registrasi kosong"),
    "full_name_empty": gettext_noop("nama lengkap kosong"),
    "sex": gettext_noop('jenis kelamin "%(value)s"'),
    "register_code": gettext_noop('register "%(value)s"'),
    "crime_category": gettext_noop('kategori kejahatan "%(value)s"'),
    "status": gettext_noop('status "%(value)s"'),
    "religion": gettext_noop('agama "%(value)s"'),
    "education": gettext_noop('pendidikan "%(value)s"'),
    "nik_text": gettext_noop('NIK "%(nik)s"'),
    "nik": gettext_noop("NIK %(nik)s"),
    "birth_date": gettext_noop("tanggal lahir %(date)s"),
    "detention_start": gettext_noop("mulai ditahan %(date)s"),
    "admission_date": gettext_noop("tanggal masuk %(date)s"),
    "register_since": gettext_noop("register sejak %(date)s"),
    "verdict_date": gettext_noop("tanggal putusan %(date)s"),
    "date_order": gettext_noop("%(earlier)s %(a)s, %(later)s %(b)s"),
    "register_term": gettext_noop("register %(register)s, pidana %(term)s: seharusnya %(expected)s"),
    "register_no_term": gettext_noop("register %(register)s, pidana %(term)s: lama pidana kosong"),
    "register": gettext_noop("register %(register)s"),
    "detention_limit": gettext_noop("batas penahanan %(date)s"),
    "expiry": gettext_noop("tanggal ekspirasi %(date)s"),
    "reg_number": gettext_noop("nomor registrasi %(reg)s"),
    # movements and remissions
    "kind": gettext_noop('jenis "%(value)s"'),
    "upt_empty": gettext_noop("kode UPT kosong"),
    "upt_unknown": gettext_noop('kode UPT "%(upt)s" tidak terdaftar'),
    "upt_own": gettext_noop("UPT sendiri (%(upt)s)"),
    "date": gettext_noop("tanggal %(date)s"),
    "release_reason": gettext_noop('alasan bebas "%(value)s"'),
    "exit_reason": gettext_noop('alasan keluar "%(value)s"'),
    "register_to": gettext_noop('register tujuan "%(value)s"'),
    "reg_number_date": gettext_noop("nomor registrasi %(reg)s, tanggal %(date)s"),
    "days": "%(days)s",  # rendered with ngettext
    "decree_date": gettext_noop("tanggal SK %(date)s"),
    # central/services/consolidation/engine.py: conflicts
    "held_elsewhere": gettext_noop("juga ditahan di UPT lain sejak %(date)s"),
    "transfer_unmatched": gettext_noop("pindah keluar %(date)s, belum ada pindahan masuk"),
    "previous_status": gettext_noop("sebelumnya berstatus %(status)s"),
    "died_elsewhere": gettext_noop("tercatat meninggal dunia di UPT lain"),
    # Stored before details had codes and not understood when they were converted: shown as they were.
    "text": "%(text)s",
}
DATE_ARGS = frozenset({"date", "a", "b"})
# The fields a date-order detail names ("earlier", "later").
FIELD_LABELS: dict[str, str] = {
    "birth_date": gettext_noop("tanggal lahir"),
    "detention_start": gettext_noop("mulai ditahan"),
    "admission_date": gettext_noop("tanggal masuk"),
    "register_since": gettext_noop("register sejak"),
    "verdict_date": gettext_noop("tanggal putusan"),
}


def detail_sql(detail_code: str, /, **args: str) -> str:
    """The ``jsonb`` of one detail: its code (under ``code``) and each argument's SQL expression (dates as
    dates). No argument is named ``code``."""
    assert detail_code in DETAILS and "'" not in detail_code and "code" not in args
    pairs = [f"'code', '{detail_code}'", *(f"'{name}', {expr}" for name, expr in args.items())]
    return f"jsonb_build_object({', '.join(pairs)})"


def _term(years: int, months: int, days: int) -> str:
    return " ".join(
        (
            ngettext("%(n)d tahun", "%(n)d tahun", years) % {"n": years},
            ngettext("%(n)d bulan", "%(n)d bulan", months) % {"n": months},
            ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days},
        )
    )


def _value(name: str, value: Any) -> Any:
    if name in DATE_ARGS and isinstance(value, str):
        try:
            return show_date(date.fromisoformat(value))
        except ValueError:
            return value
    if name in ("earlier", "later") and value in FIELD_LABELS:
        return gettext(FIELD_LABELS[value])
    return "" if value is None else value


def render_detail(code: str, args: Mapping[str, Any] | None) -> str:
    """A stored detail in the active language; an unknown code shows its arguments as they are."""
    if not code:
        return ""
    args = args or {}
    values = {name: _value(name, value) for name, value in args.items()}
    if code in ("register_term", "register_no_term"):
        values["term"] = _term(int(args.get("years") or 0), int(args.get("months") or 0), int(args.get("days") or 0))
    if code == "days":
        n = int(args.get("days") or 0)
        return ngettext("%(n)d hari", "%(n)d hari", n) % {"n": n}
    template = DETAILS.get(code)
    if template is None:
        return ", ".join(f"{name} {value}" for name, value in values.items()) or code
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):
        return gettext(DETAILS["text"]) % {"text": ", ".join(str(v) for v in values.values())}
