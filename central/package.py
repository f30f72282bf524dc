"""The daily package format (version 1): one JSON document from a UPT to central.

This module is the single definition of the format, used by the UPT's builder (``upt.services.package``),
the receiving service (``central.services.inbox``), the OpenAPI schema and ``docs/PACKAGE.md``:

- the fields of each record type, in order, with their types and codes (taken from the staging models and
  ``central.reference``, so the package maps column for column);
- the one canonical serialisation and row hash (both sides hash the same JSON text of the same values);
- the records checksum (integrity of what travelled) and the state checksum (the UPT's whole current
  state, compared with central's mirror to detect drift);
- parsing and validation of a received document into typed rows, collecting every error with a
  machine-readable code and an Indonesian message.

Nothing here touches the database except through the ``resolve_upt_codes`` callback the caller passes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from central.models.inbox import PackageKind, RecordType, StagedMovement, StagedPerson, StagedRemission
from central.models.records import PERSON_PACKAGE_FIELDS
from central.reference import Register, ReleaseReason, TemporaryExitReason
from central.text import strip_invisible

FORMAT = "sdp-upt-package"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = frozenset({FORMAT_VERSION})
MEDIA_TYPE = "application/json"
# Errors reported for one package: enough to fix a builder, without answering megabytes of repetition.
MAX_REPORTED_ERRORS = 200

HEADER_FIELDS: tuple[str, ...] = (
    "format",
    "format_version",
    "package_id",
    "upt_code",
    "kind",
    "generated_at",
    "since",
    "counts",
    "records_checksum",
    "state_checksum",
)
SECTIONS: tuple[str, ...] = ("persons", "movements", "remissions", "deletions")
COUNT_KEYS = SECTIONS

# Record fields, in the order their values are hashed. Version 1 freezes these lists: a change to the
# shared person record shape is a new format version (tests/inbox/test_package.py pins them).
PERSON_FIELDS: tuple[str, ...] = ("uid", *PERSON_PACKAGE_FIELDS)
MOVEMENT_FIELDS: tuple[str, ...] = (
    "uid",
    "person_reg_number",
    "kind",
    "date",
    "document_number",
    "other_upt_code",
    "release_reason",
    "exit_reason",
    "register_from",
    "register_to",
    "note",
)
REMISSION_FIELDS: tuple[str, ...] = ("uid", "person_reg_number", "kind", "days", "decree_number", "decree_date")
DELETION_FIELDS: tuple[str, ...] = ("record_type", "record_key")

# The key of each record type: what central's mirror, tombstones and the national register are keyed by.
RECORD_KEY_FIELD = {RecordType.PERSON: "reg_number", RecordType.MOVEMENT: "uid", RecordType.REMISSION: "uid"}
SECTION_RECORD_TYPE = {
    "persons": RecordType.PERSON,
    "movements": RecordType.MOVEMENT,
    "remissions": RecordType.REMISSION,
}

# \Z, not $: "$" also matches before a trailing newline, which uuid.UUID() and date.fromisoformat() refuse.
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")
_UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
# Real time zones lie within UTC-12 and UTC+14; PostgreSQL refuses a displacement beyond about 16 hours.
_MAX_UTC_OFFSET = timedelta(hours=14)
_INT_RANGES = {
    "PositiveSmallIntegerField": 32767,
    "PositiveIntegerField": 2147483647,
    "PositiveBigIntegerField": 9223372036854775807,
}


# --- Field specifications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record: its JSON type and the rules a value must follow."""

    name: str
    type: str  # "string", "date", "integer", "boolean", "uuid"
    required: bool  # a non-empty string / a non-null value is required
    nullable: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] | None = None
    choice_labels: tuple[tuple[str, Any], ...] | None = None  # (code, label) for the documentation
    maximum: int | None = None
    label: Any = ""


def _spec(model_field: models.Field, name: str | None = None, choices=None, max_length=None) -> FieldSpec:
    kind = model_field.get_internal_type()
    label = model_field.verbose_name  # lazy: translated when the schema is rendered
    name = name or model_field.name
    if kind == "CharField":
        values = choices if choices is not None else model_field.choices
        return FieldSpec(
            name=name,
            type="string",
            required=not model_field.blank,
            max_length=max_length or model_field.max_length,
            choices=tuple(str(value) for value, _label in values) if values else None,
            choice_labels=tuple((str(value), label) for value, label in values) if values else None,
            label=label,
        )
    if kind == "DateField":
        return FieldSpec(name=name, type="date", required=not model_field.null, nullable=model_field.null, label=label)
    if kind == "UUIDField":
        return FieldSpec(name=name, type="uuid", required=not model_field.null, nullable=model_field.null, label=label)
    if kind == "BooleanField":
        return FieldSpec(name=name, type="boolean", required=True, label=label)
    if kind in _INT_RANGES:
        return FieldSpec(name=name, type="integer", required=True, maximum=_INT_RANGES[kind], label=label)
    raise TypeError(f"No package type for {model_field!r}")  # a new column type needs a format decision


# Staging columns of movements and remissions carry no verbose names; the documentation still needs them.
_LABELS = {
    "uid": gettext_lazy("pengenal unik rekaman (UUID)"),
    "person_reg_number": gettext_lazy("nomor registrasi WBP"),
    "kind": gettext_lazy("jenis"),
    "date": gettext_lazy("tanggal"),
    "document_number": gettext_lazy("nomor dokumen"),
    "other_upt_code": gettext_lazy("kode UPT asal/tujuan (pindahan)"),
    "release_reason": gettext_lazy("alasan bebas"),
    "exit_reason": gettext_lazy("alasan keluar sementara"),
    "register_from": gettext_lazy("dari register"),
    "register_to": gettext_lazy("ke register"),
    "note": gettext_lazy("catatan"),
    "days": gettext_lazy("jumlah hari"),
    "decree_number": gettext_lazy("nomor SK"),
    "decree_date": gettext_lazy("tanggal SK"),
}


def _model_specs(model, names: Sequence[str], choices=None) -> tuple[FieldSpec, ...]:
    choices = choices or {}
    specs = []
    for name in names:
        spec = _spec(model._meta.get_field(name), name=name, choices=choices.get(name))
        if model is not StagedPerson or name == "uid":
            spec = replace(spec, label=_LABELS[name])
        specs.append(spec)
    return tuple(specs)


_REGISTER_CHOICES = Register.choices
PERSON_SPECS = _model_specs(StagedPerson, PERSON_FIELDS)
MOVEMENT_SPECS = (
    *_model_specs(
        StagedMovement,
        MOVEMENT_FIELDS,
        choices={
            "release_reason": ReleaseReason.choices,
            "exit_reason": TemporaryExitReason.choices,
            "register_from": _REGISTER_CHOICES,
            "register_to": _REGISTER_CHOICES,
        },
    ),
)
REMISSION_SPECS = _model_specs(StagedRemission, REMISSION_FIELDS)
DELETION_SPECS = (
    FieldSpec(
        name="record_type",
        type="string",
        required=True,
        max_length=10,
        choices=tuple(RecordType.values),
        choice_labels=tuple(RecordType.choices),
        label=gettext_lazy("jenis data yang dihapus: person, movement, remission"),
    ),
    FieldSpec(
        name="record_key",
        type="string",
        required=True,
        max_length=40,
        label=gettext_lazy("kunci data: nomor registrasi (person) atau uid (movement, remission)"),
    ),
)
SECTION_SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "persons": PERSON_SPECS,
    "movements": MOVEMENT_SPECS,
    "remissions": REMISSION_SPECS,
    "deletions": DELETION_SPECS,
}


# --- Canonical serialisation and hashing -------------------------------------------------------------


def canonical_value(value: Any) -> Any:
    """A Python value as it travels in the package: dates ISO ``YYYY-MM-DD``, UUIDs lower-case."""
    if isinstance(value, datetime):
        raise TypeError("Record fields hold dates, not datetimes.")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def canonical_record(values: Sequence[Any]) -> list[Any]:
    return [canonical_value(v) for v in values]


# One encoder for every row: json.dumps with non-default options builds a new encoder on each call.
_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def row_hash(values: Sequence[Any]) -> str:
    """SHA-256 of the JSON array of a record's values in field order (the row's identity of content).

    ``values`` are as they appear in the package (strings for dates and UUIDs); the JSON text is what
    ``json.dumps(values, ensure_ascii=False, separators=(",", ":"))`` writes.
    """
    return hashlib.sha256(_ROW_ENCODER.encode(values).encode()).hexdigest()


def records_checksum(
    person_hashes: Iterable[str],
    movement_hashes: Iterable[str],
    remission_hashes: Iterable[str],
    deletions: Iterable[tuple[str, str]],
) -> str:
    """SHA-256 over one line per record, in package order: ``<section>\\t<row hash>\\n`` for records and
    ``deletion\\t<record_type>\\t<record_key>\\n`` for tombstones. Any change in transit breaks it."""
    digest = hashlib.sha256()
    for section, hashes in (("person", person_hashes), ("movement", movement_hashes), ("remission", remission_hashes)):
        for value in hashes:
            digest.update(f"{section}\t{value}\n".encode())
    for record_type, record_key in deletions:
        digest.update(f"deletion\t{record_type}\t{record_key}\n".encode())
    return digest.hexdigest()


def state_checksum(entries: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 over ``<record_type>\\t<record_key>\\t<row hash>\\n`` for every record of the UPT, sorted by
    type then key (code-point order). The UPT computes it over its whole register; central over its mirror
    (``ReceivedRecord``); equal values mean central has received exactly the UPT's current state."""
    digest = hashlib.sha256()
    for record_type, record_key, content_hash in sorted(entries):
        digest.update(f"{record_type}\t{record_key}\t{content_hash}\n".encode())
    return digest.hexdigest()


def content_hash(header: Mapping[str, Any], records_sum: str) -> str:
    """What makes two packages with the same id "the same": every header field except the generation time
    (a builder may re-create the identical package later) plus the records checksum."""
    significant = {k: header.get(k) for k in HEADER_FIELDS if k not in {"generated_at", "records_checksum"}}
    significant["records_checksum"] = records_sum
    text = json.dumps(significant, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def dumps(document: Mapping[str, Any]) -> bytes:
    """The package as UTF-8 JSON bytes (what the web button sends, the API receives and files hold)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def package_assemble(
    *,
    package_id: uuid.UUID | str,
    upt_code: str,
    kind: str,
    generated_at: datetime,
    since: datetime | None,
    persons: list[list[Any]],
    movements: list[list[Any]],
    remissions: list[list[Any]],
    deletions: list[tuple[str, str]],
    state_sum: str,
) -> dict[str, Any]:
    """Build a package document from canonical record values (lists in field order)."""
    person_hashes, movement_hashes, remission_hashes = (
        [row_hash(r) for r in rows] for rows in (persons, movements, remissions)
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package_id": str(package_id),
        "upt_code": upt_code,
        "kind": str(kind),
        "generated_at": generated_at.isoformat(),
        "since": since.isoformat() if since else None,
        "counts": {
            "persons": len(persons),
            "movements": len(movements),
            "remissions": len(remissions),
            "deletions": len(deletions),
        },
        "records_checksum": records_checksum(person_hashes, movement_hashes, remission_hashes, deletions),
        "state_checksum": state_sum,
        "persons": [dict(zip(PERSON_FIELDS, r, strict=True)) for r in persons],
        "movements": [dict(zip(MOVEMENT_FIELDS, r, strict=True)) for r in movements],
        "remissions": [dict(zip(REMISSION_FIELDS, r, strict=True)) for r in remissions],
        "deletions": [{"record_type": t, "record_key": k} for t, k in deletions],
    }


# --- Errors --------------------------------------------------------------------------------------------


class PackageRejected(ValidationError):
    """A package that cannot be received: every problem found, each with a path, a code and a message.

    Raised before anything is stored. ``errors`` is the machine-readable list the API answers with.
    """

    def __init__(self, errors: list[dict[str, str]], truncated: bool = False):
        self.errors = errors
        self.truncated = truncated
        super().__init__({e["path"] or "package": [ValidationError(e["message"], code=e["code"])] for e in errors})

    @classmethod
    def one(cls, code: str, message: str, path: str = "") -> PackageRejected:
        return cls([{"path": path, "code": code, "message": message}])


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.truncated = False

    def add(self, path: str, code: str, message: str) -> None:
        if len(self.items) >= MAX_REPORTED_ERRORS:
            self.truncated = True
            return
        self.items.append({"path": path, "code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise PackageRejected(self.items, self.truncated)


# --- Reading a received package ------------------------------------------------------------------------


GUNZIP_CHUNK = 1024 * 1024


def decode_payload(payload: bytes, *, max_bytes: int, chunk: int = GUNZIP_CHUNK) -> bytes | bytearray:
    """The package's JSON bytes: gunzipped if compressed, refused when larger than ``max_bytes``.

    A gzip body is inflated a chunk at a time and abandoned as soon as it passes ``max_bytes``, so a small
    compressed bomb costs at most the limit plus one chunk of memory, however far it would expand.
    """
    if len(payload) > max_bytes:
        raise too_large(max_bytes)
    if payload[:2] != b"\x1f\x8b":
        return payload
    return gunzip_capped(payload, max_bytes=max_bytes, chunk=chunk)


def gunzip_capped(payload: bytes, *, max_bytes: int, chunk: int = GUNZIP_CHUNK) -> bytearray:
    """A gzip ``payload`` inflated ``chunk`` bytes at a time into one buffer (no second copy for the join);
    ``too_large`` as soon as it passes ``max_bytes``. ``json.loads`` reads the buffer as it is."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    pieces = bytearray()
    total = 0
    pending = payload
    try:
        while True:
            piece = inflater.decompress(pending, chunk)
            pending = inflater.unconsumed_tail
            total += len(piece)
            if total > max_bytes:
                raise too_large(max_bytes)
            pieces += piece
            if inflater.eof or (not piece and not pending):
                break
        if not inflater.eof:
            raise PackageRejected.one("malformed", _("Berkas gzip rusak: isinya terpotong."))
    except (zlib.error, gzip.BadGzipFile):
        # zlib's own text ("invalid distance too far back") tells the sender nothing they can act on.
        raise PackageRejected.one(
            "malformed", _("Berkas gzip rusak dan tidak dapat dibuka. Ekspor ulang paket dari aplikasi di UPT.")
        )
    return pieces


def too_large(max_bytes: int) -> PackageRejected:
    """The refusal of a package over the size limit (code ``too_large``; the API answers it with 413)."""
    return PackageRejected.one(
        "too_large",
        _("Paket melebihi batas ukuran %(mb).1f MB. Kirim paket perubahan (delta) atau hubungi pusat.")
        % {"mb": max_bytes / 1_048_576},
    )


# Python's json messages (``JSONDecodeError.msg``, English) by their opening words, as a sentence a sender reads.
_JSON_PROBLEMS = (
    ("Expecting value", gettext_lazy("ada nilai yang hilang atau tanda baca yang salah")),
    ("Expecting property name", gettext_lazy("nama kolom harus diapit tanda petik ganda")),
    ("Expecting ',' delimiter", gettext_lazy("tanda koma pemisah tidak ada")),
    ("Expecting ':' delimiter", gettext_lazy("tanda titik dua sesudah nama kolom tidak ada")),
    ("Unterminated string", gettext_lazy("teks tidak ditutup tanda petik")),
    ("Extra data", gettext_lazy("ada isi lain sesudah akhir data")),
    ("Invalid control character", gettext_lazy("teks memuat karakter kendali (mis. tab atau baris baru)")),
    ("Invalid \\u", gettext_lazy("kode \\u di dalam teks tidak sah")),
    ("Invalid \\escape", gettext_lazy("tanda garis miring terbalik (\\) di dalam teks tidak sah")),
)


def json_problem(message: str) -> str:
    """What Python's JSON parser found wrong, in the reader's language (never its English text)."""
    for start, problem in _JSON_PROBLEMS:
        if message.startswith(start):
            return str(problem)
    return _("susunannya rusak")


def load_document(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        raise PackageRejected.one("malformed", _("Paket bukan teks UTF-8."))
    except json.JSONDecodeError as exc:
        if not data.strip():
            raise PackageRejected.one("malformed", _("Berkas paket kosong."))
        raise PackageRejected.one(
            "malformed",
            _("Paket bukan JSON yang sah: %(problem)s (baris %(line)s, kolom %(col)s).")
            % {"problem": json_problem(exc.msg), "line": exc.lineno, "col": exc.colno},
        )
    except RecursionError:  # arrays or objects nested thousands deep: no package is shaped like that
        raise PackageRejected.one("malformed", _("Paket bukan JSON yang sah: susunan bertingkat terlalu dalam."))
    except ValueError:  # an integer of thousands of digits (Python's int limit): no field holds one
        raise PackageRejected.one("malformed", _("Paket bukan JSON yang sah: angka terlalu panjang."))
    if not isinstance(document, dict):
        raise PackageRejected.one("malformed", _("Paket harus berupa objek JSON."))
    return document


@dataclass
class Header:
    package_id: uuid.UUID
    upt_code: str
    kind: str
    format_version: int
    generated_at: datetime
    since: datetime | None
    counts: dict[str, int]
    records_checksum: str
    state_checksum: str


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is None or abs(offset) > _MAX_UTC_OFFSET:
        return None
    try:
        return parsed.astimezone(UTC)  # stored as UTC; year 1 minus an offset has no UTC time
    except OverflowError:
        return None


def read_upt_code(document: Mapping[str, Any]) -> str:
    """The UPT a package claims to be from, read first so that permission is decided before the rest."""
    code = document.get("upt_code")
    if not isinstance(code, str) or not code.strip():
        raise PackageRejected.one("required", _("Kode UPT (upt_code) wajib diisi."), "upt_code")
    if "\x00" in code:  # looked up before the record checks: PostgreSQL cannot compare a NUL
        raise PackageRejected.one("invalid_character", _("Mengandung karakter NUL."), "upt_code")
    return code


def read_header(document: Mapping[str, Any]) -> Header:
    """Check the header fields; raise with every problem found."""
    errors = _Errors()
    if document.get("format") != FORMAT:
        errors.add("format", "invalid", _("Format paket harus '%(format)s'.") % {"format": FORMAT})
    version = document.get("format_version")
    if type(version) is not int:
        errors.add("format_version", "required", _("Versi format (format_version) wajib berupa bilangan bulat."))
    elif version not in SUPPORTED_VERSIONS:
        errors.add(
            "format_version",
            "unsupported_version",
            _("Versi format %(version)s tidak didukung; versi yang diterima: %(supported)s.")
            % {"version": version, "supported": ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))},
        )
    raw_id = document.get("package_id")
    package_id = None
    if not isinstance(raw_id, str) or not _UUID.match(raw_id):
        errors.add("package_id", "invalid", _("ID paket (package_id) harus UUID huruf kecil, mis. 3f2b…-…."))
    else:
        package_id = uuid.UUID(raw_id)
    kind = document.get("kind")
    if kind not in PackageKind.values:
        errors.add("kind", "invalid_choice", _("Jenis paket (kind) harus 'full' atau 'delta'."))
    generated_at = _parse_datetime(document.get("generated_at"))
    if generated_at is None:
        errors.add(
            "generated_at", "invalid", _("Waktu pembuatan (generated_at) harus waktu ISO 8601 dengan zona waktu.")
        )
    raw_since = document.get("since")
    since = None
    if kind == PackageKind.DELTA:
        since = _parse_datetime(raw_since)
        if since is None:
            errors.add("since", "invalid", _("Paket delta wajib menyebut 'since': waktu ISO 8601 dengan zona waktu."))
        elif generated_at is not None and since > generated_at:
            errors.add("since", "invalid", _("'since' tidak boleh setelah waktu pembuatan paket."))
    elif kind == PackageKind.FULL and raw_since is not None:
        errors.add("since", "invalid", _("Paket lengkap (full) tidak memakai 'since'; isi null."))
    counts = document.get("counts")
    clean_counts: dict[str, int] = {}
    if not isinstance(counts, dict) or set(counts) != set(COUNT_KEYS):
        errors.add("counts", "invalid", _("'counts' harus objek dengan persons, movements, remissions, deletions."))
    else:
        for key in COUNT_KEYS:
            value = counts[key]
            if type(value) is not int or value < 0:
                errors.add(f"counts.{key}", "invalid", _("Jumlah harus bilangan bulat tidak negatif."))
            else:
                clean_counts[key] = value
    for name in ("records_checksum", "state_checksum"):
        value = document.get(name)
        if not isinstance(value, str) or not _HEX64.match(value):
            errors.add(
                name, "invalid", _("'%(name)s' harus SHA-256 heksadesimal huruf kecil (64 karakter).") % {"name": name}
            )
    for section in SECTIONS:
        if not isinstance(document.get(section), list):
            errors.add(section, "invalid", _("'%(section)s' harus berupa daftar (array).") % {"section": section})
    if kind == PackageKind.FULL and isinstance(document.get("deletions"), list) and document["deletions"]:
        errors.add("deletions", "invalid", _("Paket lengkap (full) tidak memuat penghapusan; kirim seluruh data saja."))
    unknown = set(document) - set(HEADER_FIELDS) - set(SECTIONS)
    for name in sorted(unknown):
        errors.add(name, "unknown_field", _("Kolom '%(name)s' tidak dikenal dalam format versi 1.") % {"name": name})
    errors.raise_if_any()
    # Each was checked above: a missing or malformed one is an error, raised just now.
    assert package_id is not None and isinstance(kind, str) and isinstance(version, int) and generated_at is not None
    return Header(
        package_id=package_id,
        upt_code=read_upt_code(document),
        kind=kind,
        format_version=version,
        generated_at=generated_at,
        since=since,
        counts=clean_counts,
        records_checksum=document["records_checksum"],
        state_checksum=document["state_checksum"],
    )


# Value checkers: each returns the typed value or raises _Bad(code, message).
class _Bad(Exception):
    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message


def _checker(spec: FieldSpec) -> Callable[[Any], Any]:
    choices = frozenset(spec.choices) if spec.choices else None

    if spec.type == "string":
        max_length = spec.max_length

        def check(value):
            if type(value) is not str:
                raise _Bad("invalid_type", _("Harus berupa teks."))
            value = strip_invisible(value)  # central.text: the same sanitizer as the forms'
            if not value:
                if spec.required:
                    raise _Bad("required", _("Wajib diisi."))
                return value
            if max_length is not None and len(value) > max_length:
                raise _Bad("too_long", _("Paling banyak %(n)s karakter.") % {"n": max_length})
            if "\x00" in value:
                raise _Bad("invalid_character", _("Mengandung karakter NUL."))
            if choices is not None and value not in choices:
                raise _Bad("invalid_choice", _("Kode '%(value)s' tidak dikenal.") % {"value": value[:40]})
            return value

    elif spec.type == "date":

        def check(value):
            if value is None:
                if spec.nullable:
                    return None
                raise _Bad("required", _("Wajib diisi."))
            if type(value) is not str or not _DATE.match(value):
                raise _Bad("invalid_date", _("Harus tanggal YYYY-MM-DD."))
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise _Bad("invalid_date", _("Tanggal '%(value)s' tidak ada.") % {"value": value})

    elif spec.type == "uuid":

        def check(value):
            if value is None:
                if spec.nullable:
                    return None
                raise _Bad("required", _("Wajib diisi."))
            if type(value) is not str or not _UUID.match(value):
                raise _Bad("invalid_uuid", _("Harus UUID huruf kecil."))
            return uuid.UUID(value)

    elif spec.type == "integer":
        maximum = spec.maximum

        def check(value):
            if type(value) is not int:
                raise _Bad("invalid_type", _("Harus bilangan bulat."))
            if value < 0 or (maximum is not None and value > maximum):
                raise _Bad("out_of_range", _("Harus antara 0 dan %(max)s.") % {"max": maximum})
            return value

    elif spec.type == "boolean":

        def check(value):
            if type(value) is not bool:
                raise _Bad("invalid_type", _("Harus true atau false."))
            return value

    else:  # pragma: no cover — the spec builder knows only the types above
        raise TypeError(spec.type)
    return check


_CHECKERS: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {
    section: tuple((spec.name, _checker(spec)) for spec in specs) for section, specs in SECTION_SPECS.items()
}
_FIELD_NAMES: dict[str, tuple[str, ...]] = {s: tuple(spec.name for spec in specs) for s, specs in SECTION_SPECS.items()}
_FIELD_SETS = {s: frozenset(names) for s, names in _FIELD_NAMES.items()}


@dataclass
class ParsedPackage:
    """A received package, checked: typed rows (values in field order) with their row hashes."""

    header: Header
    persons: list[list[Any]] = field(default_factory=list)
    movements: list[list[Any]] = field(default_factory=list)
    remissions: list[list[Any]] = field(default_factory=list)
    deletions: list[tuple[str, str]] = field(default_factory=list)
    person_hashes: list[str] = field(default_factory=list)
    movement_hashes: list[str] = field(default_factory=list)
    remission_hashes: list[str] = field(default_factory=list)
    content_hash: str = ""

    @property
    def row_count(self) -> int:
        return len(self.persons) + len(self.movements) + len(self.remissions) + len(self.deletions)

    def mirror_entries(self) -> dict[tuple[str, str], str]:
        """(record_type, key) → row hash of every record in the package (a key appears once: parse_records)."""
        entries: dict[tuple[str, str], str] = {}
        key_index = PERSON_FIELDS.index("reg_number")
        for values, digest in zip(self.persons, self.person_hashes, strict=True):
            entries[(RecordType.PERSON.value, values[key_index])] = digest
        for values, digest in zip(self.movements, self.movement_hashes, strict=True):
            entries[(RecordType.MOVEMENT.value, str(values[0]))] = digest
        for values, digest in zip(self.remissions, self.remission_hashes, strict=True):
            entries[(RecordType.REMISSION.value, str(values[0]))] = digest
        return entries


def parse_records(
    document: Mapping[str, Any], header: Header, *, resolve_upt_codes: Callable[[set[str]], set[str]]
) -> ParsedPackage:
    """Check every record of a package whose header passed ``read_header``; raise with every error found.

    ``resolve_upt_codes(codes)`` answers which of the UPT codes a package refers to exist.
    """
    errors = _Errors()
    parsed = ParsedPackage(header=header)
    targets = {
        "persons": (parsed.persons, parsed.person_hashes),
        "movements": (parsed.movements, parsed.movement_hashes),
        "remissions": (parsed.remissions, parsed.remission_hashes),
    }
    for section, (rows, hashes) in targets.items():
        _parse_section(section, document[section], rows, hashes, errors)
    for index, item in enumerate(document["deletions"]):
        values = _parse_row("deletions", index, item, errors)
        if values is not None:
            parsed.deletions.append((values[0], values[1]))

    _check_unique_keys(parsed, document, errors)

    other_index = MOVEMENT_FIELDS.index("other_upt_code")
    referenced = {row[other_index] for row in parsed.movements if row[other_index]}
    if referenced:
        unknown = referenced - resolve_upt_codes(referenced)
        if unknown:
            for index, row in enumerate(parsed.movements):
                if row[other_index] in unknown:
                    errors.add(
                        f"movements[{index}].other_upt_code",
                        "unknown_upt",
                        _("Kode UPT '%(code)s' tidak terdaftar.") % {"code": row[other_index]},
                    )

    for section in SECTIONS:
        declared = header.counts.get(section)
        actual = len(document[section])
        if declared != actual:
            errors.add(
                f"counts.{section}",
                "count_mismatch",
                _("Jumlah %(section)s tertulis %(declared)s, isi paket %(actual)s.")
                % {"section": section, "declared": declared, "actual": actual},
            )
    errors.raise_if_any()

    computed = records_checksum(parsed.person_hashes, parsed.movement_hashes, parsed.remission_hashes, parsed.deletions)
    if computed != header.records_checksum:
        raise PackageRejected.one(
            "checksum_mismatch",
            _("Checksum data (records_checksum) tidak cocok: isi paket berubah atau rusak di perjalanan."),
            "records_checksum",
        )
    if header.kind == PackageKind.FULL:
        own_state = state_checksum((t, k, h) for (t, k), h in parsed.mirror_entries().items())
        if own_state != header.state_checksum:
            raise PackageRejected.one(
                "state_checksum_mismatch",
                _("Paket lengkap: state_checksum harus sama dengan checksum seluruh data dalam paket."),
                "state_checksum",
            )
    parsed.content_hash = content_hash(document, computed)
    return parsed


def _check_unique_keys(parsed: ParsedPackage, document: Mapping[str, Any], errors: _Errors) -> None:
    """A key appears once in a package, full or delta: two rows for one record are two contradicting states
    of it, and the state checksum (one line per key) could not count both. Refused before the checksums, so
    the sender learns the cause rather than a ``state_checksum_mismatch``; each later row names the first."""
    keyed = (
        ("persons", parsed.persons, PERSON_FIELDS.index("reg_number"), "reg_number", "duplicate_registration_number"),
        ("movements", parsed.movements, 0, "uid", "duplicate_uid"),
        ("remissions", parsed.remissions, 0, "uid", "duplicate_uid"),
    )
    for section, rows, key_index, key_name, code in keyed:
        if len(rows) != len(document[section]):
            continue  # a row was refused: positions would be wrong; the package is refused for it anyway
        first_row: dict[str, int] = {}
        for index, values in enumerate(rows):
            key = str(values[key_index])
            first = first_row.setdefault(key, index)
            if first == index:
                continue
            if code == "duplicate_registration_number":
                message = _(
                    "Nomor registrasi '%(key)s' muncul dua kali dalam paket: %(section)s[%(first)s] dan "
                    "%(section)s[%(index)s]. Satu nomor registrasi hanya boleh satu baris; perbaiki data di UPT "
                    "lalu buat paket baru."
                )
            else:
                message = _(
                    "UID '%(key)s' muncul dua kali dalam paket: %(section)s[%(first)s] dan %(section)s[%(index)s]. "
                    "Satu UID hanya boleh satu baris; buat paket baru."
                )
            errors.add(
                f"{section}[{index}].{key_name}",
                code,
                message % {"key": key[:40], "section": section, "first": first, "index": index},
            )


def _parse_section(section: str, items: list, rows: list, hashes: list, errors: _Errors) -> None:
    names = _FIELD_NAMES[section]
    for index, item in enumerate(items):
        values = _parse_row(section, index, item, errors)
        if values is not None:
            rows.append(values)
            # Hash the values as they travelled: the builder hashed the same JSON values.
            hashes.append(row_hash([item[name] for name in names]))


def _parse_row(section: str, index: int, item: Any, errors: _Errors) -> list[Any] | None:
    if type(item) is not dict:
        errors.add(f"{section}[{index}]", "invalid_type", _("Setiap baris harus berupa objek JSON."))
        return None
    if item.keys() != _FIELD_SETS[section]:
        for name in sorted(_FIELD_SETS[section] - item.keys()):
            errors.add(f"{section}[{index}].{name}", "missing_field", _("Kolom ini tidak ada."))
        for name in sorted(item.keys() - _FIELD_SETS[section]):
            errors.add(f"{section}[{index}].{name}", "unknown_field", _("Kolom tidak dikenal dalam format versi 1."))
        return None
    values = []
    ok = True
    for name, check in _CHECKERS[section]:
        try:
            values.append(check(item[name]))
        except _Bad as bad:
            ok = False
            errors.add(f"{section}[{index}].{name}", bad.code, bad.message)
    return values if ok else None


# --- Documentation helpers -----------------------------------------------------------------------------


def json_schema_for(specs: Sequence[FieldSpec]) -> dict[str, Any]:
    """A JSON Schema object for one record type (used by the OpenAPI schema and docs/PACKAGE.md)."""
    properties: dict[str, Any] = {}
    for spec in specs:
        if spec.type == "string":
            prop: dict[str, Any] = {"type": "string", "maxLength": spec.max_length}
            if spec.choices:
                prop["enum"] = list(spec.choices) + ([] if spec.required else [""])
            if spec.required:
                prop["minLength"] = 1
        elif spec.type == "date":
            prop = {"type": "string", "format": "date"}
        elif spec.type == "uuid":
            prop = {"type": "string", "format": "uuid"}
        elif spec.type == "integer":
            prop = {"type": "integer", "minimum": 0, "maximum": spec.maximum}
        else:
            prop = {"type": "boolean"}
        if spec.nullable:
            prop["nullable"] = True
        if spec.label:
            prop["description"] = str(spec.label)
        properties[spec.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": [spec.name for spec in specs],
        "additionalProperties": False,
    }
