"""Real Celery workers write the project's JSON lines, and a consolidation's lines carry its run id — in the
worker executing the run and in the workers doing its per-Kanwil parts. (Workers: ``tests/faults/conftest``,
``celery -A sdp_project worker`` subprocesses on Redis and the test database, with the default LOG_FORMAT.)"""

from __future__ import annotations

import json

import pytest

from central.models import ConsolidationRun
from central.services.consolidation import consolidation_request
from tests.consolidation.helpers import scenario
from tests.faults.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _json_lines(text: str) -> list[dict]:
    # Celery's start-up banner is printed, not logged; every logged line is one JSON object.
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_worker_lines_are_json_and_a_runs_lines_carry_its_id(world, real_celery, workers):
    scenario(2, world.upt_a, world.upt_b, world.upt_c)  # packages from Jawa Tengah and DKI Jakarta: two parts
    names = ("w1", "w2")
    workers.ensure(*names)
    offsets = {name: len(workers.log_path(name).read_text()) for name in names}

    run = consolidation_request(user=world.central, trigger="button", split="kanwil").run
    ended = wait_for(
        lambda: ConsolidationRun.objects.filter(pk=run.pk, state__in=("succeeded", "failed")).first(),
        f"run {run.pk} to end",
        workers=workers,
    )
    assert ended.state == "succeeded", ended.error + workers.logs()

    def written() -> list[dict]:
        return [line for name in names for line in _json_lines(workers.log_path(name).read_text()[offsets[name] :])]

    # The run is marked succeeded inside its transaction; its last line (the steps' times) follows the commit.
    wait_for(lambda: any("steps:" in line["message"] for line in written()), "the run's last line", workers=workers)
    lines = written()
    received = [line for line in lines if line["logger"] == "celery.worker.strategy"]
    assert received and all(line["level"] == "INFO" for line in received), lines  # Celery's own lines: JSON too
    ours = [line for line in lines if line["logger"].startswith("central.")]
    assert len([line for line in ours if line["message"].startswith("Part ")]) == 2, ours
    assert all(line["run_id"] == run.pk for line in ours), ours
    assert all(line["request_id"] is None for line in lines)
