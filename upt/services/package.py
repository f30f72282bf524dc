"""Building a UPT's daily package from its register, and sending it through central's receiving service.

The package is a *delta* — the people, movements and remissions written since the package central last
accepted from this UPT, plus tombstones for records deleted or renamed since — or a *full* snapshot of
everything the UPT holds, released people included: on the first send, when central asks for one, when
central's mirror no longer matched the UPT (drift), when the last accepted package was not built from this
register, or when the operator asks. Either way the package carries the checksum of the UPT's whole current
state, computed with the same algorithm as central's mirror (``central.package``).

"Since" is a change sequence, not a time: every write is stamped with the UPT's ``ChangeClock`` by the
database, and a package that is sent or downloaded is *sealed* (``PackageMark``) at a sequence number that
no writer still in flight holds (see ``upt.models.ChangeClock``). A delta carries exactly the rows stamped
after the accepted package's mark: nothing is sent twice, and nothing committed late is missed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from central import package as pkg
from central.formats import show_datetime
from central.mode import is_node
from central.models import Channel, PackageKind, RecordType, Submission, Upt, UptSyncState
from central.scoping import Action, scope_upts
from central.selectors.inbox import submission_find, sync_state_for
from central.services.audit import audit_exported
from central.services.inbox import ReceiveResult, submission_receive
from central.typing import AnyUser
from upt.models import ChangeClock, Movement, OutboxPackage, OutboxState, PackageMark, Person, Remission, Tombstone

_MOVEMENT_COLUMNS = (
    "uid",
    "person__reg_number",
    "kind",
    "date",
    "document_number",
    "other_upt__code",
    "release_reason",
    "exit_reason",
    "register_from",
    "register_to",
    "note",
)
_REMISSION_COLUMNS = ("uid", "person__reg_number", "kind", "days", "decree_number", "decree_date")
_REG = pkg.PERSON_FIELDS.index("reg_number")


class PlanReason(models.TextChoices):
    FIRST = "first", gettext_lazy("kiriman pertama ke pusat")
    REQUESTED = "requested", gettext_lazy("diminta pusat")
    DRIFT = "drift", gettext_lazy("data di pusat tidak cocok dengan data UPT (checksum berbeda)")
    OPERATOR = "operator", gettext_lazy("dipilih operator")
    BASELINE = "baseline", gettext_lazy("kiriman terakhir yang diterima pusat tidak dibuat dari data di sini")
    DELTA = "delta", gettext_lazy("perubahan sejak kiriman terakhir yang diterima pusat")


@dataclass(frozen=True)
class PackagePlan:
    kind: str
    reason: str
    since: datetime | None  # delta: when the accepted package it follows was generated (the format's `since`)
    # The last accepted package: central's Submission, or at a node the delivered upt.OutboxPackage (both
    # have package_id, generated_at, received_at and get_state_display).
    last_submission: Submission | Any | None
    baseline_seq: int | None = None  # delta: the change sequence the accepted package was sealed at

    @property
    def reason_label(self) -> str:
        return str(PlanReason(self.reason).label)

    @property
    def kind_label(self) -> str:
        return str(PackageKind(self.kind).label)


@dataclass
class BuiltPackage:
    document: dict[str, Any]
    plan: PackagePlan
    generated_at: datetime
    upt: Upt
    totals: dict[str, int]  # every record the UPT holds, by section: what a full snapshot would carry

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = self.document["counts"]
        return counts

    @property
    def row_count(self) -> int:
        return sum(self.counts.values())

    @property
    def package_id(self) -> str:
        return str(self.document["package_id"])

    @property
    def summary(self) -> str:
        """What the package holds, in one sentence for the operator."""
        rows = self.row_count
        if self.plan.kind == PackageKind.FULL:
            return ngettext(
                "Berisi seluruh data UPT (%(rows)s baris) karena %(reason)s.",
                "Berisi seluruh data UPT (%(rows)s baris) karena %(reason)s.",
                rows,
            ) % {"rows": number_format(rows, force_grouping=True), "reason": self.plan.reason_label}
        last = self.plan.last_submission
        assert last is not None  # a delta follows an accepted package
        when = show_datetime(last.received_at, zone=True)
        if rows == 0:
            return _("Tidak ada perubahan sejak kiriman yang diterima pusat pada %(when)s.") % {"when": when}
        return ngettext(
            "Berisi %(rows)s perubahan sejak kiriman yang diterima pusat pada %(when)s.",
            "Berisi %(rows)s perubahan sejak kiriman yang diterima pusat pada %(when)s.",
            rows,
        ) % {"rows": number_format(rows, force_grouping=True), "when": when}

    def payload(self) -> bytes:
        return pkg.dumps(self.document)

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.generated_at).strftime("%Y%m%d-%H%M")
        return f"sdp-{self.upt.code}-{stamp}-{self.plan.kind}.json"


def _ensure_submitter(user: AnyUser, upt: Upt) -> None:
    operated = scope_upts(user, Action.SUBMIT)
    assert operated is not None  # sending is never allowed for "every UPT", only for the UPTs one operates
    if not operated.filter(pk=upt.pk).exists():
        raise PermissionDenied(_("Hanya operator UPT ini yang dapat menyiapkan dan mengirim paketnya."))


def _central_baseline(user: AnyUser, upt: Upt) -> tuple[Any, str | None]:
    """Hosted at central: the last package central accepted, and why central asks for a full one (if it does)."""
    sync = sync_state_for(user=user, upt=upt)
    last = sync.last_submission if sync else None
    if sync is None or last is None or not sync.full_requested:
        return last, None
    return last, PlanReason.DRIFT if sync.full_reason == UptSyncState.FullReason.DRIFT else PlanReason.REQUESTED


def _node_baseline(upt: Upt) -> tuple[Any, str | None]:
    """At a node central's tables are not here: the last package the outbox delivered, and the
    ``next_package`` central answered it with (a full snapshot requested, or drift)."""
    last = OutboxPackage.objects.filter(upt=upt, state=OutboxState.DELIVERED).order_by("-delivered_at", "-pk").first()
    if last is None:
        return None, None
    following = (last.answer or {}).get("next_package") or {}
    if following.get("kind") != PackageKind.FULL:
        return last, None
    return last, PlanReason.DRIFT if following.get("reason") == PlanReason.DRIFT else PlanReason.REQUESTED


def package_plan(*, user: AnyUser, upt: Upt, force_full: bool = False) -> PackagePlan:
    """Full or delta, and why: central's answer to the last accepted package decides (its ``UptSyncState``
    when the UPT is hosted here; at a node, the answer the outbox stored), unless the operator asks for full."""
    last, full_reason = _node_baseline(upt) if is_node() else _central_baseline(user, upt)
    if last is None:
        return PackagePlan(PackageKind.FULL, PlanReason.FIRST, None, None)
    if full_reason is not None:
        return PackagePlan(PackageKind.FULL, full_reason, None, last)
    if force_full:
        return PackagePlan(PackageKind.FULL, PlanReason.OPERATOR, None, last)
    mark = PackageMark.objects.filter(upt=upt, package_id=last.package_id).values_list("change_seq", flat=True).first()
    if mark is None:
        # Accepted, but not sealed from this register (built elsewhere, or before change sequences): what
        # central holds cannot be told from here, so only a full snapshot is certain to match it.
        return PackagePlan(PackageKind.FULL, PlanReason.BASELINE, None, last)
    return PackagePlan(PackageKind.DELTA, PlanReason.DELTA, last.generated_at, last, mark)


def package_build(
    *, user: AnyUser, upt: Upt, force_full: bool = False, package_id: uuid.UUID | str | None = None
) -> BuiltPackage:
    """The package as it would be sent now, for the preview (nothing is stored, nothing waits)."""
    _ensure_submitter(user, upt)
    return _build(user=user, upt=upt, force_full=force_full, package_id=package_id, seal=False)


def _seal(upt: Upt) -> int:
    """Advance the UPT's change sequence and return the number the package covers up to.

    The UPDATE waits for every transaction that has written this UPT's records and not yet committed (each
    holds the clock row FOR SHARE, see ``ChangeClock``), and holds writers off until this transaction ends:
    the register read next is exactly the rows stamped up to the returned number.
    """
    assert connection.in_atomic_block  # the lock must last until the mark is committed with the package
    table = ChangeClock._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (upt_id, current) VALUES (%s, 2) "  # a model's table name, not input
            f"ON CONFLICT (upt_id) DO UPDATE SET current = {table}.current + 1 RETURNING current - 1",
            [upt.pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def _build(
    *, user: AnyUser, upt: Upt, force_full: bool, package_id: uuid.UUID | str | None, seal: bool
) -> BuiltPackage:
    plan = package_plan(user=user, upt=upt, force_full=force_full)
    package_id = package_id or uuid.uuid4()
    if seal:
        PackageMark.objects.create(package_id=package_id, upt=upt, change_seq=_seal(upt))
    generated_at = timezone.now()
    baseline = plan.baseline_seq

    people = list(Person.objects.filter(upt=upt).order_by("pk").values_list(*pkg.PERSON_FIELDS, "pk", "change_seq"))
    movements = list(
        Movement.objects.filter(upt=upt).order_by("pk").values_list(*_MOVEMENT_COLUMNS, "person_id", "change_seq")
    )
    remissions = list(
        Remission.objects.filter(upt=upt).order_by("pk").values_list(*_REMISSION_COLUMNS, "person_id", "change_seq")
    )

    state: list[tuple[str, str, str]] = []
    person_rows: list[list[Any]] = []
    movement_rows: list[list[Any]] = []
    remission_rows: list[list[Any]] = []
    renamed: set[int] = set()
    tombstones: set[tuple[str, str]] = set()
    if baseline is not None:
        for record_type, record_key, person_id in Tombstone.objects.filter(
            upt=upt, change_seq__gt=baseline
        ).values_list("record_type", "record_key", "person_id"):
            tombstones.add((record_type, record_key))
            if person_id is not None:
                renamed.add(person_id)

    for row in people:
        values = pkg.canonical_record(row[: len(pkg.PERSON_FIELDS)])
        state.append((RecordType.PERSON.value, values[_REG], pkg.row_hash(values)))
        if baseline is None or row[-1] > baseline:
            person_rows.append(values)
    for rows, columns, record_type, out in (
        (movements, _MOVEMENT_COLUMNS, RecordType.MOVEMENT, movement_rows),
        (remissions, _REMISSION_COLUMNS, RecordType.REMISSION, remission_rows),
    ):
        width = len(columns)
        for row in rows:
            values = pkg.canonical_record(row[:width])
            if record_type is RecordType.MOVEMENT and values[5] is None:
                values[5] = ""  # other_upt_code: no other UPT
            state.append((record_type.value, values[0], pkg.row_hash(values)))
            # A renamed person's movements carry the new registration number: they changed too.
            if baseline is None or row[-1] > baseline or row[-2] in renamed:
                out.append(values)

    # A key deleted and then used again (or renamed back) exists: only keys the UPT no longer holds go.
    present = {(t, k) for t, k, _h in state}
    deletions = sorted(tombstones - present)
    document = pkg.package_assemble(
        package_id=package_id,
        upt_code=upt.code,
        kind=plan.kind,
        generated_at=generated_at,
        since=plan.since,
        persons=person_rows,
        movements=movement_rows,
        remissions=remission_rows,
        deletions=deletions,
        state_sum=pkg.state_checksum(state),
    )
    totals = {"persons": len(people), "movements": len(movements), "remissions": len(remissions), "deletions": 0}
    return BuiltPackage(document=document, plan=plan, generated_at=generated_at, upt=upt, totals=totals)


def package_export(*, user: AnyUser, upt: Upt, force_full: bool = False, request: Any = None) -> BuiltPackage:
    """The package as a file to carry to a connected place. It is sealed like a sent package (central may
    accept it once it is uploaded, and the next delta then follows it), and it holds person-level rows, so
    the download is recorded in the audit trail."""
    _ensure_submitter(user, upt)
    with transaction.atomic():
        built = _build(user=user, upt=upt, force_full=force_full, package_id=None, seal=True)
        audit_exported(
            request=request,
            actor=user,
            upt=upt,
            what=f"paket {built.plan.kind} · {built.row_count} baris · {built.package_id}",
        )
    return built


def package_send(
    *,
    user: AnyUser,
    upt: Upt,
    force_full: bool = False,
    package_id: uuid.UUID | str | None = None,
    request: Any = None,
) -> ReceiveResult:
    """Build the package and hand it to central ("Kirim ke pusat").

    ``package_id`` comes from the page that showed what would be sent: a form posted twice (a double
    click, a reload) finds its package already received and answers with it instead of sending again.
    """
    _ensure_submitter(user, upt)
    if package_id is not None:
        existing = submission_find(user=user, upt=upt, package_id=package_id)
        if existing is not None:
            return ReceiveResult(existing, created=False)
    # The seal, its mark and the submission commit together: a package central refuses (or a failure on
    # the way) leaves no mark and no advanced baseline, and the next delta again follows the last accepted.
    with transaction.atomic():
        built = _build(user=user, upt=upt, force_full=force_full, package_id=package_id, seal=True)
        return submission_receive(
            user=user, payload=built.payload(), channel=Channel.WEB, expected_upt=upt, request=request
        )
