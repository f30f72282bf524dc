"""Building a UPT's daily package from its register, and sending it through central's receiving service.

The package is a *delta* — people, movements and remissions changed since the last package central
received from this UPT, plus tombstones for records deleted or renamed since (read from the change
history) — or a *full* snapshot of everything the UPT holds, released people included: on the first send,
when central asks for one, when central's mirror no longer matched the UPT (drift), or when the operator
asks. Either way the package carries the checksum of the UPT's whole current state, computed with the
same algorithm as central's mirror (``central.package``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from central import package as pkg
from central.models import Channel, PackageKind, RecordType, Submission, Upt, UptSyncState
from central.scoping import Action, scope_upts
from central.selectors.inbox import submission_find, sync_state_for
from central.services.audit import audit_exported
from central.services.inbox import ReceiveResult, submission_receive
from central.typing import AnyUser
from upt.models import Movement, Person, Remission

# A change saved in a transaction that began before the previous package was generated, but committed
# after it was read, carries an updated_at just before that package's generation time. Looking back a
# little further sends such rows again (harmless: central keys every record) instead of missing them.
DELTA_OVERLAP = timedelta(minutes=10)

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
    DELTA = "delta", gettext_lazy("perubahan sejak kiriman terakhir yang diterima pusat")


@dataclass(frozen=True)
class PackagePlan:
    kind: str
    reason: str
    since: datetime | None
    last_submission: Submission | None

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


def package_plan(*, user: AnyUser, upt: Upt, force_full: bool = False) -> PackagePlan:
    """Full or delta, and why (central's ``UptSyncState`` decides unless the operator asks for full)."""
    sync = sync_state_for(user=user, upt=upt)
    last = sync.last_submission if sync else None
    if sync is None or last is None:
        return PackagePlan(PackageKind.FULL, PlanReason.FIRST, None, None)
    if sync.full_requested:
        reason = PlanReason.DRIFT if sync.full_reason == UptSyncState.FullReason.DRIFT else PlanReason.REQUESTED
        return PackagePlan(PackageKind.FULL, reason, None, last)
    if force_full:
        return PackagePlan(PackageKind.FULL, PlanReason.OPERATOR, None, last)
    return PackagePlan(PackageKind.DELTA, PlanReason.DELTA, last.generated_at - DELTA_OVERLAP, last)


def package_build(
    *, user: AnyUser, upt: Upt, force_full: bool = False, package_id: uuid.UUID | str | None = None
) -> BuiltPackage:
    """The package as it would be sent now (nothing is stored): for the preview, the download and the send."""
    _ensure_submitter(user, upt)
    plan = package_plan(user=user, upt=upt, force_full=force_full)
    generated_at = timezone.now()
    since = plan.since

    people = list(Person.objects.filter(upt=upt).order_by("pk").values_list(*pkg.PERSON_FIELDS, "pk", "updated_at"))
    movements = list(
        Movement.objects.filter(upt=upt).order_by("pk").values_list(*_MOVEMENT_COLUMNS, "person_id", "updated_at")
    )
    remissions = list(
        Remission.objects.filter(upt=upt).order_by("pk").values_list(*_REMISSION_COLUMNS, "person_id", "updated_at")
    )

    state: list[tuple[str, str, str]] = []
    person_rows: list[list[Any]] = []
    movement_rows: list[list[Any]] = []
    remission_rows: list[list[Any]] = []
    person_keys = {row[_REG] for row in people}
    renamed, tombstones = (set(), []) if since is None else _history_changes(upt, since, people, movements, remissions)

    for row in people:
        values = pkg.canonical_record(row[: len(pkg.PERSON_FIELDS)])
        state.append((RecordType.PERSON.value, values[_REG], pkg.row_hash(values)))
        if since is None or row[-1] > since:
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
            if since is None or row[-1] > since or row[-2] in renamed:
                out.append(values)

    deletions = [(t, k) for t, k in tombstones if not (t == RecordType.PERSON and k in person_keys)]
    document = pkg.package_assemble(
        package_id=package_id or uuid.uuid4(),
        upt_code=upt.code,
        kind=plan.kind,
        generated_at=generated_at,
        since=since,
        persons=person_rows,
        movements=movement_rows,
        remissions=remission_rows,
        deletions=deletions,
        state_sum=pkg.state_checksum(state),
    )
    totals = {"persons": len(people), "movements": len(movements), "remissions": len(remissions), "deletions": 0}
    return BuiltPackage(document=document, plan=plan, generated_at=generated_at, upt=upt, totals=totals)


def package_export(*, user: AnyUser, upt: Upt, force_full: bool = False, request: Any = None) -> BuiltPackage:
    """The package as a file to carry to a connected place: it holds person-level rows, so the download is
    recorded in the audit trail (nothing else is stored)."""
    built = package_build(user=user, upt=upt, force_full=force_full)
    audit_exported(
        request=request,
        actor=user,
        upt=upt,
        what=f"paket {built.plan.kind} · {built.row_count} baris · {built.package_id}",
    )
    return built


def _history_changes(
    upt: Upt,
    since: datetime,
    people: Sequence[tuple[Any, ...]],
    movements: Sequence[tuple[Any, ...]],
    remissions: Sequence[tuple[Any, ...]],
) -> tuple[set[int], list[tuple[str, str]]]:
    """From the change history since ``since``: ids of people whose registration number changed, and
    tombstones for keys the UPT no longer has (deleted people, old registration numbers, deleted
    movements and remissions)."""
    history = Person.history.model
    current_reg = {row[-2]: row[_REG] for row in people}  # pk → reg_number
    touched = history.objects.filter(upt_id=upt.pk, history_date__gt=since).values("id")
    past = history.objects.filter(upt_id=upt.pk, id__in=touched).values_list("id", "reg_number").distinct()
    renamed: set[int] = set()
    gone_people: set[str] = set()
    current_keys = set(current_reg.values())
    for person_id, reg_number in past:
        if person_id in current_reg and current_reg[person_id] != reg_number:
            renamed.add(person_id)
        if reg_number not in current_keys:
            gone_people.add(reg_number)
    tombstones: list[tuple[str, str]] = [(RecordType.PERSON.value, key) for key in sorted(gone_people)]
    for model, rows, record_type in (
        (Movement, movements, RecordType.MOVEMENT),
        (Remission, remissions, RecordType.REMISSION),
    ):
        present = {str(row[0]) for row in rows}
        deleted = (
            model.history.model.objects.filter(upt_id=upt.pk, history_date__gt=since, history_type="-")
            .values_list("uid", flat=True)
            .distinct()
        )
        tombstones += [(record_type.value, key) for key in sorted({str(u) for u in deleted} - present)]
    return renamed, tombstones


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
    built = package_build(user=user, upt=upt, force_full=force_full, package_id=package_id)
    return submission_receive(
        user=user, payload=built.payload(), channel=Channel.WEB, expected_upt=upt, request=request
    )
