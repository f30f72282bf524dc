"""A small national picture for the API contract tests, built through the real services: UPT A's and UPT C's
packages received, one consolidation run over them (so submissions have results and issues, runs have
per-UPT results, reports have snapshots), and a token for each role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from central import package as pkg
from central.models import ConsolidationRun, Submission
from central.services.inbox import submission_receive
from devtools.package_synthetic import synthetic_package
from tests.consolidation.helpers import consolidate
from tests.factories import api_token

# Every role that can hold a token, and what each one's unit is (DESIGN §4): the refusals come from these.
ROLES = ("operator_a", "monitor_x", "central", "admin", "no_role")


@dataclass
class ApiWorld:
    world: object
    tokens: dict[str, str]
    submission_a: Submission  # UPT A's package: the operator of A and monitor X see it, central too
    submission_c: Submission  # UPT C's (region Y): only central and the admin see it
    run: ConsolidationRun


def seed_api_world(world) -> ApiWorld:
    received = []
    for user, upt, seed in ((world.operator_a, world.upt_a, 7), (world.operator_c, world.upt_c, 8)):
        document = synthetic_package(upt_code=upt.code, persons=3, movements=4, remissions=2, seed=seed)
        received.append(submission_receive(user=user, payload=pkg.dumps(document), channel="api").submission)
    run = consolidate(world.central)
    tokens = {role: api_token(getattr(world, role)) for role in ROLES}
    tokens["operator_c"] = api_token(world.operator_c)
    submission_a, submission_c = (Submission.objects.get(pk=s.pk) for s in received)
    return ApiWorld(world=world, tokens=tokens, submission_a=submission_a, submission_c=submission_c, run=run)


@pytest.fixture
def api_world(world) -> ApiWorld:
    return seed_api_world(world)


def report_day() -> dt.date:
    from central.selectors.reports.common import report_today

    return report_today()
