"""Helpers for the inbox tests: valid packages to start from, and a census of everything receiving writes."""

from __future__ import annotations

import copy

import pytest

from central import package as pkg
from central.models import (
    ReceivedRecord,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    UptSyncState,
)
from central.services.inbox import submission_receive
from devtools.package_synthetic import reseal, synthetic_package


def census() -> dict[str, int]:
    """How many rows of each kind receiving writes: "nothing stored" means this does not change."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Submission,
            StagedPerson,
            StagedMovement,
            StagedRemission,
            StagedDeletion,
            ReceivedRecord,
            UptSyncState,
        )
    }


def send(user, document, channel="api", **kwargs):
    return submission_receive(user=user, payload=pkg.dumps(document), channel=channel, **kwargs)


def edited(document, change, *, state=False):
    """A deep copy of ``document`` changed by ``change(doc)`` and resealed (counts and checksums)."""
    doc = copy.deepcopy(document)
    change(doc)
    return reseal(doc, state=state)


@pytest.fixture
def package_a(world):
    """A valid first (full) package of UPT A: 3 people, 4 movements, 2 remissions."""
    return synthetic_package(upt_code=world.upt_a.code, persons=3, movements=4, remissions=2, seed=7)


def with_duplicate_person(document, *, copy_to=2, copy_from=0):
    """``document`` with ``persons[copy_to]`` given the registration number of ``persons[copy_from]``, sealed
    as docs/PACKAGE.md reads: the state checksum hashes a line for every row, both duplicates included."""
    doc = copy.deepcopy(document)
    doc["persons"][copy_to]["reg_number"] = doc["persons"][copy_from]["reg_number"]
    reseal(doc)
    entries = []
    for section, record_type in pkg.SECTION_RECORD_TYPE.items():
        fields = {"persons": pkg.PERSON_FIELDS, "movements": pkg.MOVEMENT_FIELDS, "remissions": pkg.REMISSION_FIELDS}
        key = pkg.RECORD_KEY_FIELD[record_type]
        for row in doc[section]:
            entries.append((record_type.value, row[key], pkg.row_hash([row[f] for f in fields[section]])))
    doc["state_checksum"] = pkg.state_checksum(entries)
    return doc
