"""Synthetic but valid daily packages, for the receive benchmark and tests (deterministic for a seed).

Rows are plausible enough to pass every format check: registers, categories and movement kinds come
from ``central.reference``; registration numbers are unique within the package.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from central import package as pkg
from central.models import PackageKind, RecordType
from central.nik import listed_districts
from central.reference import CrimeCategory, MovementKind, Register, RemissionKind

_FIRST = ["Budi", "Agus", "Siti", "Dewi", "Rudi", "Joko", "Ahmad", "Nur", "Eko", "Sri", "Bambang", "Wahyu"]
_LAST = ["Santoso", "Saputra", "Wijaya", "Hidayat", "Lestari", "Pratama", "Nugroho", "Kusuma", "Siregar", "Hasibuan"]
_PLACES = ["Cilacap", "Banyumas", "Semarang", "Surakarta", "Jakarta", "Medan", "Pekanbaru", "Makassar"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_person(rng: random.Random, n: int, upt_code: str) -> list[Any]:
    register = rng.choice([Register.A_II, Register.A_III, Register.B_I, Register.B_I, Register.B_IIA])
    detention_start = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 300))
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 14000))
    sentenced = register.startswith("B")
    values = {
        "uid": _uuid(rng),
        "reg_number": f"{register.replace('.', '')}/{n:05d}/{upt_code}"[:40],
        "nik": f"{rng.choice(listed_districts('33'))}{birth:%d%m%y}{rng.randrange(1, 9999):04d}",
        "passport_number": "",
        "nationality": "Indonesia",
        "full_name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "alias": "",
        "sex": "L" if rng.random() < 0.95 else "P",
        "birth_place": rng.choice(_PLACES),
        "birth_date": birth.isoformat(),
        "religion": "ISLAM",
        "education": "SMA",
        "occupation": "Wiraswasta",
        "address": f"Jl. Merdeka No. {n}",
        "register": str(register),
        "register_since": detention_start.isoformat(),
        "crime_category": rng.choice(list(CrimeCategory.values)),
        "case_number": f"{n}/Pid.B/2025/PN Clp",
        "articles": "Pasal 362 KUHP",
        "court": "PN Cilacap",
        "verdict_date": (detention_start + timedelta(days=90)).isoformat() if sentenced else None,
        "verdict_number": f"{n}/Pid/2025" if sentenced else "",
        "sentence_years": rng.randrange(1, 8) if sentenced else 0,
        "sentence_months": rng.randrange(0, 12) if sentenced else 0,
        "sentence_days": 0,
        "fine_amount": 0,
        "subsidiary_months": 0,
        "subsidiary_days": 0,
        "fine_paid": False,
        "remission_days": 0,
        "detention_start": detention_start.isoformat(),
        "admission_date": detention_start.isoformat(),
        "status": "IN",
        "block": rng.choice("ABCD"),
        "cell": str(rng.randrange(1, 40)),
    }
    return [values[name] for name in pkg.PERSON_FIELDS]


def synthetic_package(
    *,
    upt_code: str,
    persons: int,
    movements: int = 0,
    remissions: int = 0,
    seed: int = 1,
    package_id: str | None = None,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """A full snapshot of a synthetic UPT: ``persons`` people, movements and remissions spread over them."""
    rng = random.Random(seed)
    person_rows = [synthetic_person(rng, n, upt_code) for n in range(1, persons + 1)]
    regs = [row[pkg.PERSON_FIELDS.index("reg_number")] for row in person_rows] or ["X/00000"]
    movement_rows = []
    for n in range(movements):
        kind = (
            MovementKind.ADMISSION if n < len(regs) else rng.choice([MovementKind.TEMPORARY_EXIT, MovementKind.RETURN])
        )
        movement_rows.append(
            [
                _uuid(rng),
                regs[n % len(regs)],
                str(kind),
                (date(2025, 1, 1) + timedelta(days=rng.randrange(0, 300))).isoformat(),
                f"SP/{n}/2025",
                "",
                "",
                "SIDANG" if kind == MovementKind.TEMPORARY_EXIT else "",
                "",
                "",
                "",
            ]
        )
    remission_rows = [
        [_uuid(rng), regs[n % len(regs)], str(RemissionKind.UMUM), 30, f"PAS-{n}.PK.01.05.06", "2025-08-17"]
        for n in range(remissions)
    ]
    entries = [(RecordType.PERSON.value, row[1], pkg.row_hash(row)) for row in person_rows]
    entries += [(RecordType.MOVEMENT.value, row[0], pkg.row_hash(row)) for row in movement_rows]
    entries += [(RecordType.REMISSION.value, row[0], pkg.row_hash(row)) for row in remission_rows]
    return pkg.package_assemble(
        package_id=package_id or _uuid(rng),
        upt_code=upt_code,
        kind=PackageKind.FULL,
        generated_at=generated_at or timezone.now(),
        since=None,
        persons=person_rows,
        movements=movement_rows,
        remissions=remission_rows,
        deletions=[],
        state_sum=pkg.state_checksum(entries),
    )


def reseal(document: dict[str, Any], *, state: bool = False) -> dict[str, Any]:
    """Recompute counts and records checksum after editing a package's records (and, for a full package,
    the state checksum too when ``state``): for tests that need a valid package with chosen content."""
    names = {"persons": pkg.PERSON_FIELDS, "movements": pkg.MOVEMENT_FIELDS, "remissions": pkg.REMISSION_FIELDS}

    def rows(section):  # tests also reseal deliberately broken packages: hash what can be hashed
        items = document.get(section)
        return [r for r in items if isinstance(r, dict)] if isinstance(items, list) else []

    hashes = {s: [pkg.row_hash([r.get(f) for f in names[s]]) for r in rows(s)] for s in names}
    deletions = [(d.get("record_type"), d.get("record_key")) for d in rows("deletions")]
    document["counts"] = {s: len(document[s]) if isinstance(document.get(s), list) else 0 for s in pkg.SECTIONS}
    document["records_checksum"] = pkg.records_checksum(
        hashes["persons"], hashes["movements"], hashes["remissions"], deletions
    )
    if state:
        entries = {}
        for section, record_type in pkg.SECTION_RECORD_TYPE.items():
            key = pkg.RECORD_KEY_FIELD[record_type]
            for row, digest in zip(rows(section), hashes[section], strict=True):
                entries[(record_type.value, row[key])] = digest
        document["state_checksum"] = pkg.state_checksum((t, k, h) for (t, k), h in entries.items())
    return document
