"""Staging retention: staged rows of packages consolidated before the correction window go, in batches,
without ever holding up a consolidation run; what the UPT still reads (its correction list, the package's
page and results, the answer to a repeated package id) stays as it was."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from central import package as pkg
from central.models import (
    ConsolidationRun,
    RowIssue,
    RunUptResult,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
)
from central.services.consolidation.actions import submission_reopen
from central.services.consolidation.locks import RunnerLock
from central.services.inbox import submission_receive
from central.services.retention import staging_purge
from devtools.package_synthetic import synthetic_package
from operations.schedule import PURGE_TASK
from tests.consolidation.helpers import consolidate, package, person_values

pytestmark = pytest.mark.django_db

STAGED = (StagedPerson, StagedMovement, StagedRemission, StagedDeletion)


def _staged(submission) -> dict[str, int]:
    return {m.__name__: m.objects.filter(submission=submission).count() for m in STAGED}


def _send(user, document):
    return submission_receive(user=user, payload=pkg.dumps(document), channel="api")


def _age(submission, days: int) -> None:
    Submission.objects.filter(pk=submission.pk).update(consolidated_at=timezone.now() - timedelta(days=days))


def _corrections(client_for, user, upt) -> list[tuple]:
    response = client_for(user).get(reverse("upt:correction_list", kwargs={"upt_code": upt.code}))
    assert response.status_code == 200
    return sorted(
        (r.issue.rule_id, r.issue.record_type, r.issue.record_key, r.person_reg_number, r.resent, r.submission.pk)
        for r in response.context["rows"]
    )


def _detail(client_for, user, submission) -> str:
    url = reverse(
        "upt:submission_detail", kwargs={"upt_code": submission.upt.code, "package_id": submission.package_id}
    )
    response = client_for(user).get(url)
    assert response.status_code == 200
    # The form's CSRF token is new on every page; everything else must be the same.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.fixture
def lifecycle(world):
    """UPT A: an old consolidated package with row issues (40 days), a newer consolidated one (2 days);
    UPT B: a package received 60 days ago and never consolidated."""
    doc = synthetic_package(upt_code=world.upt_a.code, persons=12, movements=20, remissions=6, seed=3)
    for row in doc["persons"][:3]:
        row["nik"] = "12345"  # an impossible NIK: an error on the correction list
    from devtools.package_synthetic import reseal

    reseal(doc, state=True)
    old = _send(world.operator_a, doc).submission
    first = consolidate(world.central)
    assert first.state == "succeeded"
    assert RowIssue.objects.filter(submission=old).exists()
    _age(old, 40)
    newer = package(world.upt_a, kind="delta", persons=[person_values("BI/900/2025")], deletions=[("person", "X")])
    assert consolidate(world.central).state == "succeeded"
    _age(newer, 2)
    pending = package(world.upt_b, persons=[person_values("BI/901/2025")])
    Submission.objects.filter(pk=pending.pk).update(received_at=timezone.now() - timedelta(days=60))
    old.refresh_from_db()
    return {"doc": doc, "old": old, "newer": newer, "pending": pending, "first": first}


def test_old_rows_go_and_everything_the_upt_reads_stays(client_for, world, lifecycle):
    old, newer, pending = lifecycle["old"], lifecycle["newer"], lifecycle["pending"]
    corrections = _corrections(client_for, world.operator_a, world.upt_a)
    detail = _detail(client_for, world.operator_a, old)
    results = list(RunUptResult.objects.order_by("pk").values())
    issues = list(RowIssue.objects.order_by("pk").values())
    issue_rows = {(i["record_type"], i["staged_row_id"]) for i in issues if i["submission_id"] == old.pk}
    before = {s.pk: _staged(s) for s in (old, newer, pending)}
    assert sum(before[old.pk].values()) == old.row_count > len(issue_rows) > 0

    result = staging_purge()

    assert result.total == old.row_count - len(issue_rows) and result.submissions == 1 and not result.yielded
    # The next night has nothing left to do with it (its issue rows stay for good).
    again = staging_purge()
    assert (again.total, again.submissions, again.batches) == (0, 0, 0)
    # The old package keeps exactly the rows its issues point at; the others are untouched.
    kept = {("person", pk) for pk in StagedPerson.objects.filter(submission=old).values_list("pk", flat=True)}
    kept |= {("movement", pk) for pk in StagedMovement.objects.filter(submission=old).values_list("pk", flat=True)}
    kept |= {("remission", pk) for pk in StagedRemission.objects.filter(submission=old).values_list("pk", flat=True)}
    assert kept == issue_rows
    assert _staged(newer) == before[newer.pk] and _staged(pending) == before[pending.pk]
    # What the UPT reads is what it read before.
    assert _corrections(client_for, world.operator_a, world.upt_a) == corrections
    assert _detail(client_for, world.operator_a, old) == detail
    assert list(RunUptResult.objects.order_by("pk").values()) == results
    assert list(RowIssue.objects.order_by("pk").values()) == issues
    # The same package sent again is still recognised as the one received, not stored a second time.
    again = _send(world.operator_a, lifecycle["doc"])
    assert not again.created and again.submission.pk == old.pk
    assert Submission.objects.count() == 3

    # Once the newer package is past a shorter window it goes too (its deletion tombstone included).
    assert staging_purge(retention_days=1).total == sum(before[newer.pk].values())
    assert _staged(newer) == dict.fromkeys(_staged(newer), 0) and _staged(pending) == before[pending.pk]


def test_a_purged_package_cannot_be_reopened(world, lifecycle):
    old = lifecycle["old"]
    Submission.objects.filter(pk=lifecycle["newer"].pk).update(state="received", run=None)  # old is the latest
    staging_purge()
    with pytest.raises(ValidationError) as error:
        submission_reopen(user=world.central, submission_id=old.pk)
    assert "masa koreksi" in str(error.value)
    assert Submission.objects.get(pk=old.pk).state == old.state


def test_the_purge_waits_for_no_run_and_gives_way_to_one(world, lifecycle):
    old = lifecycle["old"]
    before = _staged(old)
    run = ConsolidationRun.objects.create(trigger="button", state="running", started_at=timezone.now())
    result = staging_purge()
    assert result.yielded and result.total == 0 and _staged(old) == before

    # A run that starts while the purge works: the purge stops after the batch it was doing.
    ConsolidationRun.objects.filter(pk=run.pk).update(state="succeeded")
    seen = []

    def start_a_run(progress):
        seen.append(progress.total)
        if len(seen) == 1:
            ConsolidationRun.objects.create(trigger="button", state="queued")

    result = staging_purge(batch_size=3, on_batch=start_a_run)
    assert result.yielded and seen == [3] and result.total == 3
    assert sum(_staged(old).values()) == sum(before.values()) - 3


def test_the_runner_lock_stays_free_while_the_purge_works(world, lifecycle):
    """An executor starting mid-purge takes its lock at once: the purge never holds it."""
    taken = []

    def executor_starts(progress):
        def take():
            lock = RunnerLock(connections["default"])
            try:
                taken.append(lock.acquire())
                lock.release()
            finally:
                connections["default"].close()

        thread = threading.Thread(target=take)
        thread.start()
        thread.join()

    result = staging_purge(batch_size=10, on_batch=executor_starts)
    assert result.batches >= 3 and taken == [True] * result.batches


def test_batches_are_no_larger_than_the_batch_size(world, lifecycle):
    old = lifecycle["old"]
    total = sum(_staged(old).values())
    steps = []
    result = staging_purge(batch_size=4, on_batch=lambda p: steps.append(p.total))
    deltas = [b - a for a, b in zip([0, *steps], steps, strict=False)]
    assert deltas and max(deltas) <= 4 and sum(deltas) == result.total
    assert result.batches == len(steps) > result.total // 4 - 1
    assert sum(_staged(old).values()) == total - result.total


def test_dry_run_counts_and_deletes_nothing(world, lifecycle, capsys):
    old = lifecycle["old"]
    before = _staged(old)
    result = staging_purge(dry_run=True)
    assert result.total > 0 and _staged(old) == before
    call_command("purge_staging", "--dry-run")
    assert f"{result.total} baris akan dihapus" in capsys.readouterr().out and _staged(old) == before
    call_command("purge_staging", "--batch-size", "5")
    out = capsys.readouterr().out
    assert f"{result.total} baris dihapus dari 1 kiriman" in out and sum(_staged(old).values()) < sum(before.values())


def test_the_nightly_purge_is_a_periodic_task_seeded_by_migrate():
    task = PeriodicTask.objects.select_related("crontab").get(task=PURGE_TASK)
    assert task.enabled and task.crontab.hour == str(settings.STAGING_PURGE_TIME.hour)
    assert settings.CELERY_BEAT_SCHEDULE == {}


def test_the_task_purges(world, lifecycle):
    from central.tasks import staging_purge_task

    old = lifecycle["old"]
    before = sum(_staged(old).values())
    assert staging_purge_task.delay().get() > 0
    assert sum(_staged(old).values()) < before
