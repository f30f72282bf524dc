"""Central's inbox: receiving a UPT's daily package — the one service behind the web button, the REST API
and the upload of a package file.

``submission_receive`` checks the package (permission, size, structure, codes, counts, checksum), stages
its rows in bulk with their derived columns, keeps central's mirror of what each UPT has sent
(``ReceivedRecord``) and the UPT's sync state (``UptSyncState``: must the next package be full, and why),
and records timeliness against the daily deadlines. It never touches the national register: the
submission waits in state *received* for the next consolidation run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from central import package as pkg
from central.bulkload import bulk_insert
from central.linkage import name_key
from central.models import (
    AuditAction,
    DetentionLimit,
    PackageKind,
    ReceivedRecord,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    Upt,
    UptSyncState,
)
from central.scoping import Action, has_central_permission, scope_upts
from central.sentence import Term, detention_window, expiry_date
from central.services.audit import audit_record
from central.typing import AnyUser, User

log = logging.getLogger(__name__)

T = TypeVar("T")
KEY_CHUNK = 1000


class ReceiverBusy(Exception):
    """Every parsing slot of this process stayed taken for the whole wait (HTTP 503 with Retry-After)."""

    retry_after = 30


_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _parse_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.SUBMISSION_PARSE_SLOTS)
        return _slots


@contextmanager
def parse_slot() -> Iterator[None]:
    """Hold one of the process's ``SUBMISSION_PARSE_SLOTS`` while a package is inflated, parsed and stored.

    Why: a maximum-size package needs several times its 64 MiB while it is parsed; the server's threads
    would otherwise multiply that by their number. Others wait their turn, then get ``ReceiverBusy``.
    """
    slots = _parse_slots()
    if not slots.acquire(timeout=settings.SUBMISSION_SLOT_WAIT_SECONDS):
        raise ReceiverBusy(_("Server sedang menerima paket lain; kirim ulang paket ini sebentar lagi."))
    try:
        yield
    finally:
        slots.release()


class PackageConflict(Exception):
    """The package id was already received with different content (HTTP 409)."""

    def __init__(self, submission: Submission):
        self.submission = submission
        super().__init__(
            _("ID paket %(id)s sudah dipakai untuk kiriman lain dengan isi berbeda; buat paket baru.")
            % {"id": submission.package_id}
        )


@dataclass(frozen=True)
class ReceiveResult:
    submission: Submission
    created: bool  # False: the same package had already been received; this is the original submission


@dataclass(frozen=True)
class Timeliness:
    report_date: date
    on_time_occupancy: bool
    on_time_other: bool


def submission_timeliness(received_at: datetime) -> Timeliness:
    """The WIB report date of a package and whether it met each daily deadline (DESIGN §1: 10:00 for
    detainee and occupancy data, 14:00 for the rest; both settings)."""
    local = timezone.localtime(received_at)
    clock = local.time().replace(tzinfo=None)
    return Timeliness(
        report_date=local.date(),
        on_time_occupancy=clock <= settings.SUBMISSION_DEADLINE_OCCUPANCY,
        on_time_other=clock <= settings.SUBMISSION_DEADLINE_OTHER,
    )


def submission_receive(
    *, user: AnyUser, payload: bytes | str, channel: str, expected_upt: Upt | None = None, request: Any = None
) -> ReceiveResult:
    """Receive one package (JSON bytes, optionally gzip-compressed).

    Raises ``PermissionDenied`` unless ``user`` is an operator of the package's UPT (nobody else sends a
    UPT's package, not even the admin); ``package.PackageRejected`` with every problem found for a
    package that cannot be received; ``PackageConflict`` when its id was used for different content.
    Nothing is stored in any of these cases. The same package received twice returns the original.
    Each stored package is recorded in the audit trail with its sender (``request`` adds their address).
    """
    if isinstance(payload, str):
        payload = payload.encode()
    if len(payload) > settings.SUBMISSION_MAX_BYTES:
        raise pkg.too_large(settings.SUBMISSION_MAX_BYTES)
    with parse_slot():
        return _receive(user=user, payload=payload, channel=channel, expected_upt=expected_upt, request=request)


def _receive(*, user: AnyUser, payload: bytes, channel: str, expected_upt: Upt | None, request: Any) -> ReceiveResult:
    data = pkg.decode_payload(payload, max_bytes=settings.SUBMISSION_MAX_BYTES)
    document = pkg.load_document(data)
    upt = _submitting_upt(user, pkg.read_upt_code(document))
    assert isinstance(user, User)  # only a signed-in operator has a UPT to send for
    if expected_upt is not None and upt.pk != expected_upt.pk:
        raise pkg.PackageRejected.one(
            "upt_mismatch",
            _("Paket ini milik %(code)s, bukan %(expected)s.") % {"code": upt.code, "expected": expected_upt.code},
            "upt_code",
        )
    if not upt.is_active:
        raise pkg.PackageRejected.one("upt_inactive", _("UPT %(code)s tidak aktif.") % {"code": upt.code}, "upt_code")
    header = pkg.read_header(document)
    parsed = pkg.parse_records(document, header, resolve_upt_codes=_existing_upt_codes)
    del document, data  # the typed rows are all that is needed from here on
    return _store(user=user, upt=upt, parsed=parsed, channel=channel, request=request)


def _submitting_upt(user: AnyUser, code: str) -> Upt:
    # A UPT the sender does not operate is refused alike whether or not it exists.
    operated = scope_upts(user, Action.SUBMIT)
    assert operated is not None  # sending is never allowed for "every UPT", only for the UPTs one operates
    upt = operated.filter(code=code).first()
    if upt is None:
        raise PermissionDenied(_("Anda bukan operator UPT %(code)s.") % {"code": code[:20]})
    return upt


def _existing_upt_codes(codes: set[str]) -> set[str]:
    return set(Upt.objects.filter(code__in=codes).values_list("code", flat=True))


@transaction.atomic
def _store(*, user: User, upt: Upt, parsed: pkg.ParsedPackage, channel: str, request: Any = None) -> ReceiveResult:
    header = parsed.header
    received_at = timezone.now()
    timeliness = submission_timeliness(received_at)
    # One package of a UPT at a time: its mirror and sync state are read and rewritten below.
    sync, _created = UptSyncState.objects.select_for_update().get_or_create(upt=upt)
    try:
        # The unique package id decides, not a prior look-up: of two identical concurrent requests one
        # inserts, the other fails here once the first has committed and answers with its submission.
        with transaction.atomic():
            submission = Submission.objects.create(
                package_id=header.package_id,
                upt=upt,
                kind=header.kind,
                format_version=header.format_version,
                channel=channel,
                generated_at=header.generated_at,
                since=header.since,
                received_at=received_at,
                report_date=timeliness.report_date,
                sent_by=user,
                content_hash=parsed.content_hash,
                state_checksum=header.state_checksum,
                person_count=len(parsed.persons),
                movement_count=len(parsed.movements),
                remission_count=len(parsed.remissions),
                deletion_count=len(parsed.deletions),
                on_time_occupancy=timeliness.on_time_occupancy,
                on_time_other=timeliness.on_time_other,
            )
    except IntegrityError:
        existing = Submission.objects.select_related("upt").filter(package_id=header.package_id).first()
        if existing is None:  # pragma: no cover — the conflicting row is committed, or we would not be here
            raise
        if existing.content_hash == parsed.content_hash and existing.upt_id == upt.pk:
            return ReceiveResult(existing, created=False)
        raise PackageConflict(existing)

    if header.kind == PackageKind.DELTA and sync.last_submission_id is None:
        # Raising rolls back the submission row above: nothing is stored.
        raise pkg.PackageRejected.one(
            "full_required",
            _("Kiriman pertama UPT harus paket lengkap (full); paket delta belum punya dasar di pusat."),
            "kind",
        )

    _stage(submission, parsed)
    mirror_sum = _mirror_apply(upt, parsed)
    drift = mirror_sum != header.state_checksum

    sync.last_submission = submission
    sync.received_checksum = mirror_sum
    if header.kind == PackageKind.FULL:
        # A full snapshot is the UPT's state itself (its state_checksum was checked against its records).
        sync.full_requested = False
        sync.full_requested_by = None
    elif drift:
        sync.full_requested = True
        sync.full_reason = UptSyncState.FullReason.DRIFT
        sync.full_requested_by = None
    sync.save()
    if drift:
        submission.drift_detected = True
        submission.save(update_fields=["drift_detected"])
        log.warning("Package %s of %s: state checksum differs from central's mirror", header.package_id, upt.code)
    # In the same transaction as the submission: a package is never stored without its sender on record.
    audit_record(
        action=AuditAction.PACKAGE_SENT,
        actor=user,
        request=request,
        upt=upt,
        target=submission,
        detail=f"{header.kind} · {channel} · {parsed.row_count} baris · {header.package_id}",
    )
    log.info(
        "Received %s package %s of %s (%s rows, %s)",
        header.kind,
        header.package_id,
        upt.code,
        parsed.row_count,
        channel,
    )
    return ReceiveResult(submission, created=True)


# --- Staging ---------------------------------------------------------------------------------------------

_P = {name: i for i, name in enumerate(pkg.PERSON_FIELDS)}
PERSON_COLUMNS = (
    "submission_id",
    "row_no",
    "content_hash",
    *pkg.PERSON_FIELDS,
    "name_key",
    "expiry_date",
    "detention_limit_date",
)
MOVEMENT_COLUMNS = (
    "submission_id",
    "row_no",
    "content_hash",
    *pkg.MOVEMENT_FIELDS,
    "person_in_package",
    "person_admission_date",
)
REMISSION_COLUMNS = ("submission_id", "row_no", "content_hash", *pkg.REMISSION_FIELDS, "person_in_package")
_M_PERSON = pkg.MOVEMENT_FIELDS.index("person_reg_number")
_R_PERSON = pkg.REMISSION_FIELDS.index("person_reg_number")


def _stage(submission: Submission, parsed: pkg.ParsedPackage) -> None:
    sid = submission.pk
    limits = list(DetentionLimit.objects.all())
    admitted = package_people((v[_P["reg_number"]], v[_P["admission_date"]]) for v in parsed.persons)
    bulk_insert(
        StagedPerson,
        PERSON_COLUMNS,
        (
            (sid, row_no, digest, *values, *_person_derived(values, limits))
            for row_no, (values, digest) in enumerate(zip(parsed.persons, parsed.person_hashes, strict=True))
        ),
    )
    bulk_insert(
        StagedMovement,
        MOVEMENT_COLUMNS,
        (
            (sid, row_no, digest, *values, values[_M_PERSON] in admitted, admitted.get(values[_M_PERSON]))
            for row_no, (values, digest) in enumerate(zip(parsed.movements, parsed.movement_hashes, strict=True))
        ),
    )
    bulk_insert(
        StagedRemission,
        REMISSION_COLUMNS,
        (
            (sid, row_no, digest, *values, values[_R_PERSON] in admitted)
            for row_no, (values, digest) in enumerate(zip(parsed.remissions, parsed.remission_hashes, strict=True))
        ),
    )
    bulk_insert(
        StagedDeletion, ("submission_id", "record_type", "record_key"), ((sid, t, k) for t, k in parsed.deletions)
    )


def package_people(people: Iterable[tuple[str, date | None]]) -> dict[str, date | None]:
    """The package's people as (registration number, admission date) pairs → each number with the latest
    admission date among its rows. Whether a movement's or remission's person came in the same package, and
    a movement's M_BEFORE_ADMISSION, are then columns of the row (``StagedMovement.person_in_package``…)
    instead of a join per rule over a national round (docs/BENCHMARKS.md)."""
    latest: dict[str, date | None] = {}
    for reg, admitted in people:
        known = latest.get(reg)
        latest[reg] = admitted if known is None else known if admitted is None else max(known, admitted)
    return latest


def _person_derived(values: list[Any], limits: list[DetentionLimit]) -> tuple[str, date | None, date | None]:
    """name_key, expiry date and last lawful detention day, computed once at receipt so that validation
    and consolidation stay plain SQL."""
    register = values[_P["register"]]
    try:
        expiry = expiry_date(
            register=register,
            detention_start=values[_P["detention_start"]],
            sentence=Term(values[_P["sentence_years"]], values[_P["sentence_months"]], values[_P["sentence_days"]]),
            subsidiary=Term(0, values[_P["subsidiary_months"]], values[_P["subsidiary_days"]]),
            fine_paid=values[_P["fine_paid"]],
            remission_days=values[_P["remission_days"]],
        )
    except (ValueError, OverflowError):
        expiry = None  # an absurd sentence length; validation reports the row, staging keeps it as sent
    try:
        window = detention_window(register=register, since=values[_P["register_since"]], limits=limits)
    except (ValueError, OverflowError):
        window = None
    return (
        name_key(values[_P["full_name"]], values[_P["birth_date"]], values[_P["birth_place"]]),
        expiry,
        window.last_day if window else None,
    )


# --- Central's mirror of each UPT ------------------------------------------------------------------------


def _mirror_apply(upt: Upt, parsed: pkg.ParsedPackage) -> str:
    """Bring ``ReceivedRecord`` up to this package and return the mirror's state checksum."""
    entries = parsed.mirror_entries()
    if parsed.header.kind == PackageKind.FULL:
        ReceivedRecord.objects.filter(upt=upt).delete()
        bulk_insert(
            ReceivedRecord,
            ("upt_id", "record_type", "record_key", "content_hash"),
            ((upt.pk, t, k, h) for (t, k), h in entries.items()),
        )
        return pkg.state_checksum((t, k, h) for (t, k), h in entries.items())

    # A key both tombstoned and present in the same delta exists now: deletions first, then records.
    by_type: dict[str, list[str]] = {}
    for record_type, record_key in parsed.deletions:
        by_type.setdefault(record_type, []).append(record_key)
    for record_type, keys in by_type.items():
        for chunk in _chunks(keys):
            ReceivedRecord.objects.filter(upt=upt, record_type=record_type, record_key__in=chunk).delete()
    records = [ReceivedRecord(upt=upt, record_type=t, record_key=k, content_hash=h) for (t, k), h in entries.items()]
    for batch in _chunks(records):
        ReceivedRecord.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["upt", "record_type", "record_key"],
            update_fields=["content_hash"],
        )
    return pkg.state_checksum(
        ReceivedRecord.objects.filter(upt=upt)
        .values_list("record_type", "record_key", "content_hash")
        .iterator(chunk_size=5000)
    )


def _chunks(items: list[T], size: int = KEY_CHUNK) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Central's requests ----------------------------------------------------------------------------------


@transaction.atomic
def sync_full_request(*, user: AnyUser, upts: Iterable[Upt], request: Any = None) -> int:
    """Ask these UPTs to send a full snapshot next time (central and the admin). Returns how many."""
    if not has_central_permission(user, Action.RESOLVE):
        raise PermissionDenied(_("Hanya pusat yang dapat meminta kiriman lengkap."))
    assert isinstance(user, User)  # holders of central's permission are signed in
    count = 0
    for upt in upts:
        sync, _created = UptSyncState.objects.select_for_update().get_or_create(upt=upt)
        sync.full_requested = True
        if sync.last_submission_id is not None:  # before any package the reason stays "first package"
            sync.full_reason = UptSyncState.FullReason.REQUESTED
        sync.full_requested_by = user
        sync.save()
        audit_record(action=AuditAction.FULL_SNAPSHOT_REQUESTED, actor=user, request=request, upt=upt, target=sync)
        count += 1
    return count
