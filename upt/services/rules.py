"""The rules of the register (issue "Bad input"), in one place, for the services and the admin's forms.

Each ``check_*`` function reads the database at most for uniqueness and adds Indonesian messages to an
``Errors`` collector under the name of the form field that is wrong, so that the operator sees every
problem at once, next to the field to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from central.models import Upt
from central.models.records import PersonRecord
from central.nik import nik_format_ok, nik_problems
from central.reference import (
    DETAINEE_REGISTERS,
    HELD_STATUSES,
    MOVEMENT_RULES,
    SENTENCED_REGISTERS,
    TERM_REGISTERS,
    CrimeCategory,
    Education,
    MovementKind,
    PersonStatus,
    Register,
    ReleaseReason,
    Religion,
    RemissionKind,
    Sex,
    TemporaryExitReason,
    is_indonesian,
)
from central.register_rules import (
    DATE_ORDER,
    MAXIMUM_AGE_AT_DETENTION,
    MINIMUM_AGE_AT_DETENTION,
    MOVEMENT_VERDICT_FIELDS,
    NOT_FUTURE_FIELDS,
    VERDICT_FIELDS,
    DateOrder,
    age_reference,
    too_old,
    too_young,
)
from central.sentence import Term, b_register_for, sentence_dates
from central.text import strip_invisible
from upt.models import Movement, Person, Remission
from upt.services.common import Errors, fmt
from upt.services.derived import sentence_term, subsidiary_term

INDONESIA = "Indonesia"

# How ``normalise`` treats a field follows its column in the shared record shape.
_TEXT_FIELDS = {f.name for f in PersonRecord._meta.local_fields if isinstance(f, models.CharField)}
_NUMBER_FIELDS = {
    f.name for f in PersonRecord._meta.local_fields if isinstance(f, models.IntegerField | models.BigIntegerField)
}
_DATE_FIELDS = set(NOT_FUTURE_FIELDS)
_CHOICES = {
    "sex": Sex,
    "religion": Religion,
    "education": Education,
    "crime_category": CrimeCategory,
    "register": Register,
}
_REQUIRED = {
    "reg_number": gettext_lazy("Isi nomor registrasi."),
    "full_name": gettext_lazy("Isi nama lengkap."),
    "sex": gettext_lazy("Pilih jenis kelamin."),
    "crime_category": gettext_lazy("Pilih kategori kejahatan."),
    "register": gettext_lazy("Pilih register."),
    "detention_start": gettext_lazy("Isi tanggal mulai ditahan."),
    "admission_date": gettext_lazy("Isi tanggal masuk UPT."),
}
_DATE_LABELS = {
    "birth_date": gettext_lazy("Tanggal lahir"),
    "detention_start": gettext_lazy("Tanggal mulai ditahan"),
    "verdict_date": gettext_lazy("Tanggal putusan"),
    "register_since": gettext_lazy("Tanggal mulai register"),
    "admission_date": gettext_lazy("Tanggal masuk"),
    "date": gettext_lazy("Tanggal mutasi"),
    "decree_date": gettext_lazy("Tanggal SK"),
}
_A_ORDER = [Register.A_I, Register.A_II, Register.A_III, Register.A_IV, Register.A_V]


# The codes of central's rules (``central.validation``) that the checks below share with it, so that a test
# can hold the two to the same verdict.
AGE_RULE = "P_AGE_IMPLAUSIBLE"
DATE_ORDER_RULE = "P_DATE_ORDER"
NIK_FORMAT_RULE = "P_NIK_FORMAT"
NIK_PLAUSIBLE_RULE = "P_NIK_IMPLAUSIBLE"
_VERDICT_ORDER = next(o for o in DATE_ORDER if (o.earlier, o.later) == ("detention_start", "verdict_date"))


def _date_order_message(order: DateOrder, record: Mapping[str, Any]) -> tuple[str, str]:
    """The field to mark and the message for a broken ``DateOrder`` (the verdict's is in ``check_verdict``)."""
    a, b = record.get(order.earlier), record.get(order.later)
    if (order.earlier, order.later) == ("detention_start", "admission_date"):
        return "detention_start", _("Mulai ditahan %(start)s tidak boleh sesudah tanggal masuk UPT %(admission)s.") % {
            "start": fmt(a),
            "admission": fmt(b),
        }
    if (order.earlier, order.later) == ("detention_start", "register_since"):
        return "register_since", _("Mulai register %(since)s tidak boleh sebelum mulai ditahan %(start)s.") % {
            "since": fmt(b),
            "start": fmt(a),
        }
    return order.earlier, _("%(earlier)s %(a)s harus sebelum %(later)s %(b)s.") % {
        "earlier": _DATE_LABELS.get(order.earlier, order.earlier),
        "a": fmt(a),
        "later": str(_DATE_LABELS.get(order.later, order.later)).lower(),
        "b": fmt(b),
    }


# Direction overrides and zero-width characters: invisible on screen, they can turn a name around
# (U+202E) or make two different spellings look the same (U+200B), which defeats searching and matching.


def normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Input as typed, made comparable: trimmed text, NIK without separators, blanks as zeros."""
    clean: dict[str, Any] = {}
    for field, value in data.items():
        if field in _TEXT_FIELDS:
            value = " ".join(strip_invisible(str(value or "")).split())
            if field == "nik":
                value = value.replace(" ", "").replace(".", "").replace("-", "")
            if field == "nationality":
                value = INDONESIA if is_indonesian(value) else value
        elif field in _NUMBER_FIELDS:
            value = value or 0
        elif field == "fine_paid":
            value = bool(value)
        elif field in _DATE_FIELDS:
            value = value or None
        clean[field] = value
    return clean


def check_not_future(errors: Errors, field: str, value: date | None, today: date) -> None:
    if value is not None and value > today:
        errors.add(
            field,
            _("%(label)s %(date)s ada di masa depan; hari ini %(today)s.")
            % {"label": _DATE_LABELS.get(field, _("Tanggal")), "date": fmt(value), "today": fmt(today)},
        )


def term_of(record: Mapping[str, Any]) -> Term:
    return Term(
        years=record.get("sentence_years") or 0,
        months=record.get("sentence_months") or 0,
        days=record.get("sentence_days") or 0,
    )


def check_sentence_fits(errors: Errors, register: str, term: Term, *, field: str) -> None:
    """The length of a sentence must belong to the register it is filed under (B.I > 1 year, …)."""
    if register in (Register.SEUMUR_HIDUP, Register.PIDANA_MATI):
        if not term.is_zero:
            errors.add(
                "sentence_years",
                _("Pidana seumur hidup dan pidana mati tidak memiliki lama pidana: kosongkan tahun, bulan dan hari."),
            )
        return
    if register not in TERM_REGISTERS:
        return
    if term.is_zero:
        errors.add("sentence_years", _("Isi lama pidana (tahun, bulan, hari) sesuai petikan putusan."))
        return
    if register == Register.B_III:
        return
    expected = b_register_for(term)
    assert expected is not None  # only a zero term has no B register, and it was refused above
    if expected != register:
        errors.add(
            field,
            _("Pidana %(term)s termasuk register %(expected)s, bukan %(register)s.")
            % {"term": term, "expected": expected.value, "register": register},
        )


def check_verdict(
    errors: Errors, record: Mapping[str, Any], *, register: str, today: date, latest: date | None = None
) -> None:
    """Verdict fields of a sentenced person: a date, not before detention, fitting the register."""
    verdict_date = record.get("verdict_date")
    detention_start = record.get("detention_start")
    if register in SENTENCED_REGISTERS and verdict_date is None:
        errors.add(
            "verdict_date", _("Isi tanggal putusan: register %(register)s adalah narapidana.") % {"register": register}
        )
    check_not_future(errors, "verdict_date", verdict_date, today)
    if _VERDICT_ORDER.broken(record):
        errors.add(
            "verdict_date",
            _("Tanggal putusan %(verdict)s tidak boleh sebelum mulai ditahan %(start)s.")
            % {"verdict": fmt(verdict_date), "start": fmt(detention_start)},
            rule=DATE_ORDER_RULE,
        )
    if verdict_date and latest and verdict_date > latest:
        errors.add(
            "verdict_date",
            _("Tanggal putusan %(verdict)s tidak boleh sesudah tanggal mutasi registrasi %(date)s.")
            % {"verdict": fmt(verdict_date), "date": fmt(latest)},
        )
    if (record.get("subsidiary_months") or record.get("subsidiary_days")) and not record.get("fine_amount"):
        errors.add("fine_amount", _("Subsider hanya berlaku untuk denda: isi jumlah denda, atau kosongkan subsider."))


def check_person(
    errors: Errors,
    record: Mapping[str, Any],
    *,
    upt: Upt,
    today: date,
    exclude_pk: int | None = None,
    register_field: str = "register",
) -> None:
    """Every rule on a person's own fields. ``record`` holds the person's complete (normalised) values."""
    for field, message in _REQUIRED.items():
        if field in record and not record[field]:
            errors.add(field, message)
    for field, value in record.items():
        max_length = getattr(Person._meta.get_field(field), "max_length", None) if field in _TEXT_FIELDS else None
        if max_length and len(value) > max_length:
            errors.add(
                field, _("Paling banyak %(n)d karakter (sekarang %(len)d).") % {"n": max_length, "len": len(value)}
            )
    for field, choices in _CHOICES.items():
        value = record.get(field)
        if value and value not in choices.values:
            errors.add(field, _("Pilihan %(value)s tidak dikenal.") % {"value": value})
    for field in _DATE_FIELDS:
        check_not_future(errors, field, record.get(field), today)

    birth_date = record.get("birth_date")
    reference = age_reference(record)
    if too_old(birth_date, reference):
        errors.add(
            "birth_date",
            _("Pada mulai ditahan (%(start)s) umurnya lebih dari %(n)d tahun; periksa tanggal lahir.")
            % {"start": fmt(reference), "n": MAXIMUM_AGE_AT_DETENTION},
            rule=AGE_RULE,
        )
    if too_young(birth_date, reference):
        errors.add(
            "birth_date",
            _(
                "Pada mulai ditahan (%(start)s) umurnya belum %(n)d tahun; anak di bawah %(n)d tahun "
                "tidak dapat ditahan."
            )
            % {"start": fmt(reference), "n": MINIMUM_AGE_AT_DETENTION},
            rule=AGE_RULE,
        )
    for order in DATE_ORDER:
        if order is not _VERDICT_ORDER and order.broken(record):
            field, order_message = _date_order_message(order, record)
            errors.add(field, order_message, rule=DATE_ORDER_RULE)

    # Identity: an Indonesian is known by NIK; a foreigner by passport and nationality.
    nik = record.get("nik", "")
    if is_indonesian(record.get("nationality", INDONESIA)):
        if not nik:
            errors.add("nik", _("Isi NIK (16 angka). Untuk warga negara asing isi kewarganegaraan dan nomor paspor."))
    elif not record.get("passport_number"):
        errors.add("passport_number", _("Warga negara asing: isi nomor paspor."))
    if nik:
        rule = NIK_PLAUSIBLE_RULE if nik_format_ok(nik) else NIK_FORMAT_RULE
        for problem in nik_problems(nik, birth_date=birth_date, sex=record.get("sex") or None):
            errors.add("nik", problem, rule=rule)

    register = record.get("register") or ""
    check_verdict(errors, record, register=register, today=today)
    if register:
        check_sentence_fits(errors, register, term_of(record), field=register_field)
        register_since = record.get("register_since")
        verdict_date = record.get("verdict_date")
        if register in SENTENCED_REGISTERS and register_since and verdict_date and register_since < verdict_date:
            errors.add(
                "register_since",
                _("Register narapidana dimulai pada atau sesudah tanggal putusan %(verdict)s.")
                % {"verdict": fmt(verdict_date)},
            )

    people = Person.objects.filter(upt=upt)
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    reg_number = record.get("reg_number")
    if reg_number:
        other = people.filter(reg_number__iexact=reg_number).only("full_name", "reg_number").first()
        if other is not None:
            errors.add(
                "reg_number",
                _("Nomor registrasi %(reg)s sudah dipakai di UPT ini untuk %(name)s.")
                % {"reg": other.reg_number, "name": other.full_name},
            )
    if nik and not errors.has("nik"):
        other = people.filter(nik=nik, status__in=HELD_STATUSES).only("full_name", "reg_number").first()
        if other is not None:
            errors.add(
                "nik",
                _("NIK ini sudah terdaftar untuk %(name)s (%(reg)s) yang masih menjadi penghuni UPT ini.")
                % {"name": other.full_name, "reg": other.reg_number},
            )


def check_opening(
    errors: Errors,
    *,
    upt: Upt,
    kind: str,
    document_number: str,
    origin_upt: Upt | None,
    register: str | None,
    register_since: date | None,
) -> None:
    """The movement that opens a person's record: an admission, or a transfer in from another UPT."""
    rule = MOVEMENT_RULES.get(kind)
    if rule is None or not rule.opens_record:
        errors.add("admission_kind", _("Pilih cara masuk: penerimaan baru atau pindahan dari UPT lain."))
        return
    if not document_number:
        errors.add("admission_document", _("Isi nomor surat perintah/penetapan penahanan atau surat pemindahan."))
    if rule.needs_other_upt:
        if origin_upt is None:
            errors.add("origin_upt", _("Pilih UPT asal pindahan."))
        elif origin_upt.pk == upt.pk:
            errors.add("origin_upt", _("UPT asal tidak boleh UPT ini sendiri."))
    if register in DETAINEE_REGISTERS and not register_since:
        errors.add(
            "register_since",
            _("Untuk tahanan isi tanggal mulai penahanan oleh instansi saat ini (dasar batas masa penahanan)."),
        )


@dataclass(frozen=True)
class MovementPlan:
    """What recording a movement will change: the movement's own fields and the person's."""

    movement: dict[str, Any]
    person: dict[str, Any]


def _status_refusal(person: Person, kind: str, since: date | None) -> str:
    label = MovementKind(kind).label
    status = person.status
    if status in (PersonStatus.RELEASED, PersonStatus.TRANSFERRED_OUT, PersonStatus.DIED):
        return _(
            "WBP ini berstatus %(status)s sejak %(date)s; mutasi tidak dapat dicatat lagi pada data ini. "
            "Bila ia masuk kembali, buka data WBP baru."
        ) % {"status": PersonStatus(status).label.lower(), "date": fmt(since)}
    if status == PersonStatus.ESCAPED:
        return _("WBP ini berstatus melarikan diri: yang dapat dicatat hanya tertangkap kembali atau meninggal dunia.")
    if status == PersonStatus.TEMPORARILY_OUT:
        return _("WBP ini sedang keluar sementara: catat dulu kembalinya sebelum %(kind)s.") % {"kind": label.lower()}
    return _("%(kind)s tidak dapat dicatat untuk WBP berstatus %(status)s.") % {
        "kind": label,
        "status": PersonStatus(status).label.lower(),
    }


def check_movement(
    errors: Errors,
    person: Person,
    *,
    kind: str,
    date_: date | None,
    document_number: str,
    other_upt: Upt | None = None,
    release_reason: str = "",
    exit_reason: str = "",
    register_to: str = "",
    verdict: Mapping[str, Any] | None = None,
    new_reg_number: str = "",
    last_movement: Movement | None = None,
    today: date,
) -> MovementPlan | None:
    """A movement after the person's latest one. Returns the plan, or None with ``errors`` filled."""
    rule = MOVEMENT_RULES.get(kind)
    if rule is None:
        errors.add("kind", _("Pilih jenis mutasi."))
        return None
    if rule.opens_record:
        errors.add("kind", _("Penerimaan dan pindahan masuk dicatat saat membuka data WBP baru."))
        return None
    if person.status not in rule.allowed_from:
        errors.add("kind", _status_refusal(person, kind, last_movement.date if last_movement else None))
        return None

    if date_ is None:
        errors.add("date", _("Isi tanggal mutasi."))
    else:
        check_not_future(errors, "date", date_, today)
        floor = last_movement.date if last_movement else person.admission_date
        if floor and date_ < floor:
            if last_movement is None or MOVEMENT_RULES[last_movement.kind].opens_record:
                errors.add(
                    "date",
                    _("Tanggal %(kind)s %(date)s tidak boleh sebelum tanggal masuk %(admission)s.")
                    % {"kind": MovementKind(kind).label.lower(), "date": fmt(date_), "admission": fmt(floor)},
                )
            else:
                errors.add(
                    "date",
                    _("Tanggal %(date)s tidak boleh sebelum mutasi terakhir (%(last)s, %(last_date)s).")
                    % {"date": fmt(date_), "last": last_movement.get_kind_display(), "last_date": fmt(floor)},
                )
    if not document_number:
        errors.add("document_number", _("Isi nomor dokumen dasar mutasi (surat perintah, SK, berita acara)."))

    movement: dict[str, Any] = {
        "kind": kind,
        "date": date_,
        "document_number": document_number,
        "other_upt": None,
        "release_reason": "",
        "exit_reason": "",
        "register_from": "",
        "register_to": "",
    }
    person_changes: dict[str, Any] = {"status": rule.result or person.status}

    if rule.needs_other_upt:
        if other_upt is None:
            errors.add("other_upt", _("Pilih UPT tujuan pemindahan."))
        elif other_upt.pk == person.upt_id:
            errors.add("other_upt", _("Pemindahan tidak dapat ke UPT ini sendiri: pilih UPT tujuan yang lain."))
        elif not other_upt.is_active:
            errors.add("other_upt", _("UPT %(upt)s tidak aktif.") % {"upt": other_upt.name})
        movement["other_upt"] = other_upt
    if rule.needs_exit_reason:
        if exit_reason not in TemporaryExitReason.values:
            errors.add("exit_reason", _("Pilih alasan keluar sementara."))
        movement["exit_reason"] = exit_reason
    if rule.needs_release_reason:
        _check_release(errors, person, release_reason, date_)
        movement["release_reason"] = release_reason
    if kind == MovementKind.REGISTER_CHANGE:
        person_changes.update(_check_register_change(errors, person, register_to, verdict or {}, date_, today))
        person_changes.update(_check_new_reg_number(errors, person, new_reg_number))
        movement["register_from"] = person.register
        movement["register_to"] = register_to
    if errors:
        return None
    return MovementPlan(movement=movement, person=person_changes)


def _check_release(errors: Errors, person: Person, reason: str, when: date | None) -> None:
    if reason not in ReleaseReason.values:
        errors.add("release_reason", _("Pilih alasan bebas."))
        return
    if person.register not in TERM_REGISTERS:
        if reason != ReleaseReason.BEBAS_DEMI_HUKUM:
            errors.add(
                "release_reason",
                _(
                    "Untuk register %(register)s hanya bebas demi hukum yang dapat dicatat; %(reason)s hanya untuk "
                    "narapidana dengan pidana waktu tertentu."
                )
                % {"register": person.register, "reason": ReleaseReason(reason).label},
            )
        return
    if when is None or person.detention_start is None:
        return
    if reason == ReleaseReason.BEBAS_MURNI and person.expiry_date and when < person.expiry_date:
        errors.add(
            "release_reason",
            _(
                "Tanggal ekspirasi WBP ini %(expiry)s: bebas murni tidak dapat dicatat sebelumnya. Catat dulu remisi "
                "yang belum dimasukkan, atau pilih alasan lain."
            )
            % {"expiry": fmt(person.expiry_date)},
        )
    if reason == ReleaseReason.PEMBEBASAN_BERSYARAT:
        dates = sentence_dates(
            detention_start=person.detention_start,
            sentence=sentence_term(person),
            subsidiary=subsidiary_term(person),
            fine_paid=person.fine_paid,
            remission_days=person.remission_days,
        )
        if dates.parole_eligible_from is None:
            errors.add(
                "release_reason",
                _(
                    "Pembebasan bersyarat memerlukan 2/3 masa pidana sekurang-kurangnya 9 bulan; "
                    "pidana ini terlalu pendek."
                ),
            )
        elif when < dates.parole_eligible_from:
            errors.add(
                "release_reason",
                _("Pembebasan bersyarat baru dapat dicatat setelah 2/3 masa pidana, %(date)s.")
                % {"date": fmt(dates.parole_eligible_from)},
            )


def _check_register_change(
    errors: Errors, person: Person, register_to: str, verdict: Mapping[str, Any], when: date | None, today: date
) -> dict[str, Any]:
    current = person.register
    if register_to not in Register.values:
        errors.add("register_to", _("Pilih register baru."))
        return {}
    if register_to == current:
        errors.add("register_to", _("Register baru sama dengan register sekarang (%(r)s).") % {"r": current})
        return {}
    changes: dict[str, Any] = {"register": register_to, "register_since": when}
    if register_to in DETAINEE_REGISTERS:
        if current not in DETAINEE_REGISTERS:
            errors.add("register_to", _("Narapidana tidak dapat kembali menjadi tahanan pada data yang sama."))
        elif _A_ORDER.index(Register(register_to)) < _A_ORDER.index(Register(current)):
            errors.add(
                "register_to",
                _("Register tahanan hanya berpindah ke tingkat berikutnya (A.I → A.II → A.III → A.IV → A.V)."),
            )
        return changes
    # To a B register (or life/death): the final verdict is recorded with it.
    record = normalise({f: verdict.get(f) for f in MOVEMENT_VERDICT_FIELDS})
    record["detention_start"] = person.detention_start
    check_verdict(errors, record, register=register_to, today=today, latest=when)
    check_sentence_fits(errors, register_to, term_of(record), field="register_to")
    changes.update({f: record[f] for f in VERDICT_FIELDS})
    if record.get("court"):
        changes["court"] = record["court"]
    return changes


def _check_new_reg_number(errors: Errors, person: Person, new_reg_number: str) -> dict[str, Any]:
    """The number a register change gives the person (a B register numbers its own, docs/REGISTER.md);
    the old one stays in the person's change history. Blank keeps the number."""
    new = " ".join((new_reg_number or "").split())
    if not new:
        return {}
    if new.casefold() == person.reg_number.casefold():
        errors.add("new_reg_number", _("Nomor registrasi baru sama dengan nomor sekarang (%(reg)s).") % {"reg": new})
        return {}
    other = (
        Person.objects.filter(upt_id=person.upt_id, reg_number__iexact=new)
        .exclude(pk=person.pk)
        .only("full_name", "reg_number")
        .first()
    )
    if other is not None:
        errors.add(
            "new_reg_number",
            _("Nomor registrasi %(reg)s sudah dipakai di UPT ini untuk %(name)s.")
            % {"reg": other.reg_number, "name": other.full_name},
        )
        return {}
    return {"reg_number": new}


def check_remission(
    errors: Errors,
    person: Person,
    *,
    kind: str,
    days: int | None,
    decree_number: str,
    decree_date: date | None,
    today: date,
    exclude_pk: int | None = None,
    require_held: bool = True,
) -> None:
    """A remission decree for a sentenced person with a fixed term, held by this UPT."""
    if person.register not in TERM_REGISTERS:
        errors.add(
            None,
            _(
                "Remisi hanya untuk narapidana dengan pidana waktu tertentu (register B.I–B.III); "
                "register WBP ini %(r)s."
            )
            % {"r": person.register},
        )
    if require_held and person.status not in HELD_STATUSES:
        errors.add(
            None,
            _("WBP ini berstatus %(status)s; remisi hanya dicatat untuk penghuni.")
            % {"status": PersonStatus(person.status).label.lower()},
        )
    if kind not in RemissionKind.values:
        errors.add("kind", _("Pilih jenis remisi."))
    if not days or days < 1:
        errors.add("days", _("Isi jumlah hari remisi (sekurang-kurangnya 1 hari)."))
    if not decree_number:
        errors.add("decree_number", _("Isi nomor SK remisi."))
    if decree_date is None:
        errors.add("decree_date", _("Isi tanggal SK remisi."))
    else:
        check_not_future(errors, "decree_date", decree_date, today)
        floor = person.verdict_date or person.detention_start
        if floor and decree_date < floor:
            errors.add(
                "decree_date",
                _("Tanggal SK %(date)s tidak boleh sebelum tanggal putusan %(verdict)s.")
                % {"date": fmt(decree_date), "verdict": fmt(floor)},
            )
    if errors:
        return
    others = Remission.objects.filter(person=person)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(decree_number__iexact=decree_number, kind=kind).exists():
        errors.add("decree_number", _("SK remisi ini sudah dicatat untuk WBP ini."))
    if person.detention_start and not sentence_term(person).is_zero:
        assert days is not None  # a missing number of days was refused above
        total = sum(r.days for r in others.only("days")) + days
        full = sentence_dates(
            detention_start=person.detention_start,
            sentence=sentence_term(person),
            subsidiary=subsidiary_term(person),
            fine_paid=person.fine_paid,
        ).effective_days
        if total >= full:
            errors.add(
                "days",
                _("Jumlah remisi menjadi %(total)d hari, tidak kurang dari seluruh masa pidana (%(full)d hari).")
                % {"total": total, "full": full},
            )
