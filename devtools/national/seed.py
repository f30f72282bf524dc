"""Writing the generated country into the database: units, their operators, the UPT working registers
(``upt.Person``, ``Movement``, ``Remission``) and the history of daily occupancy snapshots.

Rows go in with PostgreSQL ``COPY`` (``central.bulkload``). The snapshot history is computed by the database
itself: today's occupancy cells (unit × register × sex × crime category, counted from the generated registers)
times each unit's trend factor for each day, in one ``INSERT … SELECT`` — two years of a country are millions
of rows.

The change history of ``simple_history`` is not written for the generated rows: they are the registers
as a migration from an earlier system would load them, and the daily package reads that history only
for changes after the last package.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone

from central.bulkload import bulk_insert
from central.models import (
    AuditEvent,
    Conflict,
    ConsolidationPart,
    ConsolidationRun,
    DailyAnomaly,
    DailyReconciliation,
    FlowChange,
    Kanwil,
    NationalMovement,
    NationalPerson,
    NationalRemission,
    OccupancyBreakdown,
    OccupancySnapshot,
    PersonIdentity,
    ReceivedRecord,
    RegisterChange,
    RowIssue,
    RunUptResult,
    SnapshotBase,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    Upt,
    UptSyncState,
)
from central.models.records import PERSON_PACKAGE_FIELDS
from central.reference import DETAINEE_REGISTERS, Sex
from central.reference_data import reference_data_ensure
from central.roles import Role
from central.services.roles import role_assign
from devtools.national import facts
from devtools.national.population import Generator, Record, held_cells, trend_factors
from upt.models import ChangeClock, Movement, OutboxPackage, PackageMark, Person, Remission, Tombstone

log = logging.getLogger(__name__)

OPERATOR_PREFIX = "nasional.op."
# An unusable password, the same every time (set_unusable_password's random suffix would make each seed differ).
_NO_PASSWORD = UNUSABLE_PASSWORD_PREFIX + "seed_national"

# Everything recorded about units, which a new country replaces (children before parents).
_UNIT_DATA = [
    OutboxPackage,
    Tombstone,
    PackageMark,
    ChangeClock,
    Person.history.model,
    Movement.history.model,
    Remission.history.model,
    Remission,
    Movement,
    Person,
    RowIssue,
    Conflict,
    DailyAnomaly,
    DailyReconciliation,
    FlowChange,
    RunUptResult,
    StagedDeletion,
    StagedRemission,
    StagedMovement,
    StagedPerson,
    ReceivedRecord,
    UptSyncState,
    NationalRemission,
    NationalMovement,
    NationalPerson,
    PersonIdentity,
    OccupancyBreakdown,
    OccupancySnapshot,
    SnapshotBase,
    RegisterChange,
    Submission,
    ConsolidationPart,
    ConsolidationRun,
]


@dataclass
class SeedSummary:
    seed: int
    today: date
    days: int
    upts: int = 0
    people: int = 0
    held: int = 0
    movements: int = 0
    remissions: int = 0
    snapshots: int = 0
    breakdowns: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class DatasetExists(Exception):
    """The database already has units; ``replace=True`` removes them and everything about them."""


def national_clear() -> None:
    """Remove every unit and everything recorded about it (registers, inbox, national register, runs,
    snapshots). Kanwil, users (the seed's operators too, reused by the next seed) and the audit trail stay."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    tables = [model._meta.db_table for model in _UNIT_DATA]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
    AuditEvent.objects.filter(upt__isnull=False).update(upt=None)
    UserObjectPermission.objects.filter(content_type=ContentType.objects.get_for_model(Upt)).delete()
    Upt.objects.all().delete()


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
            [table],
        )


def _analyze(*models) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def national_seed(
    *,
    people: int = facts.DEFAULT_PEOPLE,
    days: int = 730,
    seed: int = 1,
    today: date | None = None,
    replace: bool = False,
    progress=None,
) -> SeedSummary:
    """Generate the country and write it. Deterministic for ``seed`` (and ``today``).

    ``days`` of daily snapshots end on ``today`` (default: today in WIB). Raises ``DatasetExists`` when
    units exist and ``replace`` is false.
    """
    say = progress or (lambda message: log.info(message))
    today = today or timezone.localdate()
    summary = SeedSummary(seed=seed, today=today, days=days)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.seconds[name] = round(now - clock, 2)
        clock = now

    reference_data_ensure()
    if Upt.objects.exists():
        if not replace:
            raise DatasetExists
        with transaction.atomic():
            national_clear()
        lap("clear")

    say(f"Membangkitkan {people:,} penghuni di {facts.NATIONAL_UPTS} UPT (seed {seed})…")
    generator = Generator(seed=seed, people=people, today=today)
    records = generator.run()
    lap("generate")

    with transaction.atomic():
        _skip_reference_checks()
        kanwil_ids = dict(Kanwil.objects.values_list("code", "pk"))
        # Nothing of a unit is left: ids start again after the highest (1 on empty tables), as in a new
        # database, whatever earlier rolled-back writes took from the sequences.
        for model in (Upt, Person, Movement, Remission, OccupancySnapshot, OccupancyBreakdown):
            _reset_sequence(model)
        upts = Upt.objects.bulk_create(
            [
                Upt(
                    code=u.code,
                    name=u.name,
                    upt_type=u.upt_type,
                    upt_class=u.upt_class,
                    kanwil_id=kanwil_ids[u.kanwil_code],
                    city=u.city,
                    capacity=u.capacity,
                )
                for u in generator.units
            ]
        )
        upt_ids = [u.pk for u in upts]
        summary.upts = len(upts)
        say("Membuat operator UPT…")
        operators = _operators(upts, clock=seed_clock(today))
        lap("units")

        say(f"Menulis {len(records):,} WBP, mutasi dan remisi…")
        with _indexes_built_after(Person, Movement, Remission):
            summary.people, summary.movements, summary.remissions = _write_registers(
                records, upt_ids, operators, first_id=_next_id(Person), clock=seed_clock(today)
            )
        summary.held = sum(1 for r in records if r.held)
        lap("registers")

        say(f"Menulis riwayat snapshot hunian {days} hari…")
        rng = random.Random(seed * 7919 + 17)
        with _indexes_built_after(OccupancySnapshot, OccupancyBreakdown):
            summary.snapshots, summary.breakdowns = _write_history(
                held_cells(records), generator, upt_ids, today=today, days=days, rng=rng
            )
        lap("history")
    _analyze(Upt, Person, Movement, Remission, OccupancySnapshot, OccupancyBreakdown)
    lap("analyze")
    return summary


def _skip_reference_checks() -> None:
    """For this transaction, let PostgreSQL skip the foreign-key triggers, as ``pg_restore
    --disable-triggers`` does: Django's constraints are deferred to the commit, where millions of checks
    of rows that were generated consistent would take longer than writing them (the generator's tests
    check referential integrity). Needs a superuser; anyone else loads with the checks, only slower."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


@contextmanager
def _indexes_built_after(*models):
    """Load empty tables first and build their secondary indexes and unique constraints after,
    as ``pg_restore`` does: one sort per index instead of millions of insertions into each. Primary keys
    stay (other tables' foreign keys need them). A table that is not empty is loaded as it is."""
    saved: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                continue
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'u'",
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((name, f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [table],
            )
            for name, definition in cursor.fetchall():
                saved.append((name, definition))
                cursor.execute(f"DROP INDEX {name}")
    yield
    if saved:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in saved:
                cursor.execute(definition)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return int(cursor.fetchone()[0])


def _operators(upts: list[Upt], *, clock: datetime) -> list[int]:
    """One operator per unit (``nasional.op.<code>``), with no usable password: the benchmark sends each
    unit's package as its operator, through the same permission check as a real send. An operator a
    previous seed made is reused (``national_clear`` keeps them), so a re-seed writes the same user ids."""
    User = get_user_model()
    names = [f"{OPERATOR_PREFIX}{upt.code.lower()}" for upt in upts]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=name, first_name="Operator", last_name=upt.code, password=_NO_PASSWORD, date_joined=clock)
            for upt, name in zip(upts, names, strict=True)
            if name not in existing
        ]
    )
    by_name = {user.username: user for user in User.objects.filter(username__in=names)}
    ids = []
    for upt, name in zip(upts, names, strict=True):
        user = by_name[name]
        role_assign(user=user, role=Role.OPERATOR, upt=upt)
        ids.append(user.pk)
    return ids


# Every generated row carries change number 1 of its unit (upt.models.ChangeClock): the stamping triggers do not
# fire while the load runs as a replica session (_skip_reference_checks), so the seed writes the stamp itself.
FIRST_CHANGE = 1
_PERSON_COLUMNS = (
    "id", "uid", "upt_id", "photo", "expiry_date", "created_at", "updated_at", "change_seq", *PERSON_PACKAGE_FIELDS
)  # fmt: skip
_MOVEMENT_COLUMNS = (
    "uid",
    "person_id",
    "upt_id",
    "kind",
    "date",
    "document_number",
    "other_upt_id",
    "release_reason",
    "exit_reason",
    "register_from",
    "register_to",
    "note",
    "recorded_by_id",
    "recorded_at",
    "updated_at",
    "change_seq",
)
_REMISSION_COLUMNS = (
    "uid",
    "person_id",
    "upt_id",
    "kind",
    "days",
    "decree_number",
    "decree_date",
    "recorded_by_id",
    "recorded_at",
    "updated_at",
    "change_seq",
)


def seed_clock(today: date) -> datetime:
    """The moment the generated registers were "loaded": 06.00 WIB on ``today``, before the morning's sending.
    Every timestamp the seed writes derives from it (never from the wall clock), so the same ``seed`` and
    ``today`` write the same bytes."""
    return timezone.make_aware(datetime.combine(today, datetime.min.time()) + timedelta(hours=6))


def _write_registers(
    records: list[Record], upt_ids: list[int], operators: list[int], *, first_id: int, clock: datetime
) -> tuple[int, int, int]:
    now = clock
    offset = first_id - records[0].id if records else 0
    for record in records:
        record.id += offset

    def stamp(day: date) -> datetime:
        # Recorded in the afternoon of the day it happened (WIB), never after the load.
        moment = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=14))
        return min(moment, now)

    ChangeClock.objects.bulk_create(
        [ChangeClock(upt_id=upt_id, current=FIRST_CHANGE) for upt_id in upt_ids], ignore_conflicts=True
    )
    people = bulk_insert(
        Person,
        _PERSON_COLUMNS,
        (
            (
                r.id,
                r.uid,
                upt_ids[r.unit],
                "",
                r.expiry_date,
                now,
                now,
                FIRST_CHANGE,
                *(r.values[f] for f in PERSON_PACKAGE_FIELDS),
            )
            for r in records
        ),
    )
    movements = bulk_insert(
        Movement,
        _MOVEMENT_COLUMNS,
        (
            (
                m[0],
                r.id,
                upt_ids[r.unit],
                m[1],
                m[2],
                m[3],
                None if m[4] is None else upt_ids[m[4]],
                m[5],
                m[6],
                m[7],
                m[8],
                m[9],
                operators[r.unit],
                stamp(m[2]),
                now,
                FIRST_CHANGE,
            )
            for r in records
            for m in r.movements
        ),
    )
    remissions = bulk_insert(
        Remission,
        _REMISSION_COLUMNS,
        (
            (g[0], r.id, upt_ids[r.unit], g[1], g[2], g[3], g[4], operators[r.unit], stamp(g[4]), now, FIRST_CHANGE)
            for r in records
            for g in r.remissions
        ),
    )
    for model in (Person, Movement, Remission):
        _reset_sequence(model)
    return people, movements, remissions


def _write_history(
    cells: Counter, generator: Generator, upt_ids: list[int], *, today: date, days: int, rng: random.Random
) -> tuple[int, int]:
    """Daily snapshots and their breakdown for ``days`` days ending ``today``: each of today's cells
    scaled by its unit's trend factor for the day (rounded), and each snapshot the sum of its cells."""
    if days <= 0:
        return 0, 0
    factors = trend_factors(rng, units=len(generator.units), end=today, days=days)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, columns in (
            (
                "sdp_seed_cell",
                "upt_id bigint, register varchar(8), sex varchar(1), crime_category varchar(24), n integer",
            ),
            ("sdp_seed_factor", "upt_id bigint, day date, factor double precision"),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
    _temp_load(
        "sdp_seed_cell",
        ("upt_id", "register", "sex", "crime_category", "n"),
        ((upt_ids[unit], reg, sex, crime, n) for (unit, reg, sex, crime), n in sorted(cells.items())),
    )
    _temp_load(
        "sdp_seed_factor",
        ("upt_id", "day", "factor"),
        (
            (upt_ids[unit], today - timedelta(days=back), 1.0 if back == 0 else row[back])
            for unit, row in enumerate(factors)
            for back in range(days)
        ),
    )
    breakdown, snapshot = OccupancyBreakdown._meta.db_table, OccupancySnapshot._meta.db_table
    detainee = "(" + ", ".join(f"'{r}'" for r in sorted(DETAINEE_REGISTERS)) + ")"
    first = today - timedelta(days=days - 1)
    cell = "CAST(ROUND(c.n * f.factor) AS integer)"
    breakdowns = snapshots = 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX sdp_seed_factor_day ON sdp_seed_factor (day)")
        cursor.execute(f"DELETE FROM {breakdown} WHERE date >= %s", [first])
        cursor.execute(f"DELETE FROM {snapshot} WHERE date >= %s", [first])
        # Day by day, as a daily consolidation would have written them (and without sorting millions of
        # rows). A snapshot is the sum of the same rounded cells as its breakdown, so the two agree.
        for back in range(days - 1, -1, -1):
            day = today - timedelta(days=back)
            cursor.execute(
                f"INSERT INTO {breakdown} (date, upt_id, register, sex, crime_category, {q('count')}) "
                f"SELECT f.day, c.upt_id, c.register, c.sex, c.crime_category, {cell} "
                f"FROM sdp_seed_factor f JOIN sdp_seed_cell c ON c.upt_id = f.upt_id "
                # Ordered, so that ids follow the same rows every time (a hash aggregate's order is not).
                f"WHERE f.day = %s AND {cell} > 0 ORDER BY c.upt_id, c.register, c.sex, c.crime_category",
                [day],
            )
            breakdowns += cursor.rowcount
            cursor.execute(
                f"INSERT INTO {snapshot} (date, upt_id, capacity, detainees, sentenced, male, female, run_id) "
                f"SELECT f.day, u.id, u.capacity, "
                f"COALESCE(SUM(CASE WHEN c.register IN {detainee} THEN {cell} END), 0), "
                f"COALESCE(SUM(CASE WHEN c.register NOT IN {detainee} THEN {cell} END), 0), "
                f"COALESCE(SUM(CASE WHEN c.sex = '{Sex.MALE.value}' THEN {cell} END), 0), "
                f"COALESCE(SUM(CASE WHEN c.sex = '{Sex.FEMALE.value}' THEN {cell} END), 0), NULL "
                f"FROM sdp_seed_factor f JOIN {Upt._meta.db_table} u ON u.id = f.upt_id "
                f"LEFT JOIN sdp_seed_cell c ON c.upt_id = f.upt_id "
                f"WHERE f.day = %s GROUP BY f.day, u.id, u.capacity ORDER BY u.id",
                [day],
            )
            snapshots += cursor.rowcount
        cursor.execute("DROP TABLE sdp_seed_cell")
        cursor.execute("DROP TABLE sdp_seed_factor")
    return snapshots, breakdowns


def _temp_load(table: str, columns: tuple[str, ...], rows) -> None:
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {table}")
