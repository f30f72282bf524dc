"""What central does with a run's results: close a conflict (resolve or dismiss, with a note) and put a
consolidated submission back in the inbox for the next run."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from central.models import (
    AuditAction,
    Conflict,
    ConflictState,
    RowIssue,
    Submission,
    SubmissionState,
    ValidationRule,
)
from central.scoping import Action, has_central_permission
from central.selectors.consolidation import conflict_get
from central.services.audit import audit_person_viewed, audit_record
from central.services.retention import submission_staging_purged
from central.typing import AnyUser, User
from central.validation import RULES_BY_CODE

FINAL_SUBMISSION_STATES = (SubmissionState.ACCEPTED, SubmissionState.PARTIAL, SubmissionState.REJECTED)
CLOSING_STATES = (ConflictState.RESOLVED, ConflictState.DISMISSED)
NOTE_MAX_LENGTH = 2000


def _require_resolve(user: AnyUser) -> User:
    """The user, if they may resolve conflicts and reopen submissions (central's object permission)."""
    if not isinstance(user, User) or not has_central_permission(user, Action.RESOLVE):
        raise PermissionDenied(_("Hanya pusat (Ditjenpas) yang dapat menyelesaikan konflik dan membuka ulang kiriman."))
    return user


def conflict_open(*, request: HttpRequest, conflict_id: int | str) -> Conflict:
    """A conflict's page shows the records of one person at several units: opening it is audited."""
    conflict = conflict_get(user=request.user, conflict_id=conflict_id)
    if request.method == "GET":
        audit_person_viewed(request=request, target=conflict, upt=conflict.upt)
    return conflict


@transaction.atomic
def conflict_close(
    *, user: AnyUser, conflict_id: int, state: str, note: str, request: HttpRequest | None = None
) -> Conflict:
    """Resolve or dismiss an open conflict. The note says what was done or why it is not a problem."""
    user = _require_resolve(user)
    note = (note or "").strip()
    errors = {}
    if state not in CLOSING_STATES:
        errors["state"] = _("Pilih: diselesaikan atau diabaikan.")
    if not note:
        errors["note"] = _("Catatan wajib diisi: jelaskan tindakan atau alasan menutup konflik.")
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Catatan paling banyak %(max)d karakter.") % {"max": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    conflict = Conflict.objects.select_for_update().get(pk=conflict_id)
    if conflict.state != ConflictState.OPEN:
        raise ValidationError({"state": _("Konflik ini sudah ditutup.")})
    conflict.state = state
    conflict.note = note
    conflict.closed_by = user
    conflict.closed_at = timezone.now()
    conflict.save(update_fields=["state", "note", "closed_by", "closed_at"])
    audit_record(
        action=AuditAction.CONFLICT_CLOSED,
        actor=user,
        request=request,
        upt=conflict.upt,
        target=conflict,
        detail=f"{conflict.kind} → {state}",
    )
    return conflict


@transaction.atomic
def submission_reopen(*, user: AnyUser, submission_id: int, request: HttpRequest | None = None) -> Submission:
    """Put a consolidated submission back in the inbox: the next run validates and consolidates it again
    (after a rule was switched off, or a UPT it refers to was registered). Its old row issues go, since the
    next run answers for it. Only the unit's latest consolidated package may be reopened, so an older one
    can never overwrite newer data."""
    user = _require_resolve(user)
    submission = Submission.objects.select_for_update().select_related("upt").get(pk=submission_id)
    if submission.state not in FINAL_SUBMISSION_STATES:
        raise ValidationError({"state": _("Hanya kiriman yang sudah dikonsolidasi yang dapat dibuka ulang.")})
    newer = (
        Submission.objects.filter(upt=submission.upt, state__in=FINAL_SUBMISSION_STATES)
        .exclude(pk=submission.pk)
        .filter(received_at__gt=submission.received_at)
        .exists()
    )
    if newer:
        raise ValidationError(
            {
                "state": _(
                    "Sudah ada kiriman yang lebih baru dari UPT ini yang dikonsolidasi; membuka ulang kiriman lama "
                    "akan menimpa data yang lebih baru. Minta paket lengkap dari UPT tersebut."
                )
            }
        )
    if submission_staging_purged(submission):
        # Its staged rows went with the retention purge: a run would take an empty (or partial) package.
        raise ValidationError(
            {
                "state": _(
                    "Baris kiriman ini sudah dihapus setelah masa koreksi (%(days)s hari) berakhir, jadi kiriman "
                    "ini tidak dapat dikonsolidasi ulang. Minta paket lengkap dari UPT tersebut."
                )
                % {"days": settings.STAGING_RETENTION_DAYS}
            }
        )
    old_run = submission.run_id
    RowIssue.objects.filter(submission=submission).delete()
    submission.state = SubmissionState.RECEIVED
    submission.run = None
    submission.consolidated_at = None
    submission.rows_accepted = submission.rows_rejected = submission.rows_warned = 0
    submission.save(update_fields=["state", "run", "consolidated_at", "rows_accepted", "rows_rejected", "rows_warned"])
    audit_record(
        action=AuditAction.SUBMISSION_REOPENED,
        actor=user,
        request=request,
        upt=submission.upt,
        target=submission,
        detail=f"dari konsolidasi #{old_run}",
    )
    return submission


@transaction.atomic
def validation_rules_switch(
    *, user: AnyUser, codes: list[str], active: bool, request: HttpRequest | None = None
) -> tuple[list[str], list[str]]:
    """Switch validation rules on or off for the next runs (central and the admin). Structural rules, which
    consolidation depends on, stay on. Returns the codes changed and the structural codes left alone."""
    if not has_central_permission(user, Action.CONSOLIDATE):
        raise PermissionDenied(_("Hanya pusat (Ditjenpas) yang dapat mengubah aturan validasi."))
    rules = ValidationRule.objects.select_for_update().filter(code__in=codes).exclude(is_active=active)
    kept = [] if active else sorted(c for c in codes if RULES_BY_CODE.get(c) and RULES_BY_CODE[c].structural)
    changed = sorted(rules.exclude(code__in=kept).values_list("code", flat=True))
    ValidationRule.objects.filter(code__in=changed).update(is_active=active)
    if changed:
        audit_record(
            action=AuditAction.RULES_SWITCHED,
            actor=user,
            request=request,
            detail=f"{'aktif' if active else 'nonaktif'}: {', '.join(changed)}",
        )
    return changed, kept
