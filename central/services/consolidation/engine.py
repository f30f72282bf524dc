"""The steps of one consolidation run: set-based SQL over the run's staged rows, inside the run's single
transaction (``runs.consolidation_execute`` opens it). Nothing here loops over rows in Python; the loops
that remain are over the run's submissions and UPTs (hundreds), never over people.

Which row wins for a key (UPT + registration number for people, UPT + uid for movements and remissions):
the run's submissions of a UPT are taken in the order they were received. A full snapshot supersedes
everything its UPT sent before it; of the rest, the latest *accepted* row for a key is written (as if
each package had been consolidated by a run of its own), unless a later package deleted the key. After a
full snapshot, the UPT's keys that the snapshot and the packages after it no longer contain are removed.
A row rejected by validation never changes the register.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop

from central.issue_details import detail_sql
from central.models import (
    Conflict,
    ConflictKind,
    ConflictState,
    ConsolidationRun,
    NationalMovement,
    NationalPerson,
    NationalRemission,
    PackageKind,
    PersonIdentity,
    RowIssue,
    RunState,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
)
from central.models.records import PERSON_PACKAGE_FIELDS
from central.reference import (
    DETAINEE_REGISTERS,
    HELD_STATUSES,
    INDONESIAN_SPELLINGS,
    MovementKind,
    PersonStatus,
)
from central.services.consolidation.daily_checks import daily_checks_record
from central.services.consolidation.results import results_record
from central.services.consolidation.snapshot import snapshot_record
from central.validation import (
    MOVEMENT,
    PERSON,
    REMISSION,
    RUN_SUB_TABLE,
    SqlContext,
    active_rules,
    issue_statements,
    nik_plausible_sql,
    sql_list,
    statement_params,
)

log = logging.getLogger(__name__)

# A step that wrote at least this share of a table (and this many rows) analyses it before the next step
# reads it: autovacuum's own threshold, which it cannot apply to rows the run has not yet committed.
STATISTICS_STALE_SHARE = 0.1
STATISTICS_STALE_MIN_ROWS = 1000
# A run with fewer rows than 1/SMALL_RUN_SHARE of the staging tables reads them through their index.
SMALL_RUN_SHARE = 20
# A run of fewer rows than this (a day's deltas) rechecks only the transfers out it may have changed; a
# larger one (a full national round) rereads the recheck window, which costs less than collecting what it
# changed. A count, not an estimate: the choice does not depend on statistics.
NARROW_TRANSFER_CHECK_ROWS = 100_000

_HELD = sql_list(HELD_STATUSES)
_DETAINEE = sql_list(DETAINEE_REGISTERS)
_GONE_STATUSES = sql_list([PersonStatus.RELEASED, PersonStatus.DIED])
_INDONESIAN = sql_list(INDONESIAN_SPELLINGS)
_NO_ID = "CAST(NULL AS bigint)"  # typed, or PostgreSQL reads a bare NULL in a derived table as text
# A tombstone's key as a UUID: 32 hex digits, dashes optional.
_UUID_TEXT = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
# Settings for the rest of a run's transaction. JIT off: a run is a few statements, each over the whole
# country, some with large expressions (the validation rules); compiling them with LLVM cost more than it
# saved (the person rules: ≈12 s with JIT, ≈10 s without, at national scale).
RUN_SETTINGS = ["SET LOCAL jit = off"]

_PERSON_COPY_COLUMNS = (
    *PERSON_PACKAGE_FIELDS,
    "uid",
    "name_key",
    "expiry_date",
    "detention_limit_date",
    "content_hash",
)
_MOVEMENT_COPY_COLUMNS = (
    "uid",
    "person_reg_number",
    "kind",
    "date",
    "document_number",
    "release_reason",
    "exit_reason",
    "register_from",
    "register_to",
    "note",
    "content_hash",
)
_REMISSION_COPY_COLUMNS = ("uid", "person_reg_number", "kind", "days", "decree_number", "decree_date", "content_hash")


@dataclass
class KeySpec:
    """How one record type maps from staging to the national register."""

    record_type: str
    staged: str
    national: str
    key: str  # staged column and national column of the key, besides upt_id
    copy_columns: tuple[str, ...]
    extra_select: dict[str, str] = field(default_factory=dict)  # national column → SQL over s/rs/joins
    extra_joins: str = ""
    conflict_refs: tuple[str, ...] = ()  # Conflict columns that point at this table
    first_run: bool = False
    insert_only: dict[str, str] = field(default_factory=dict)  # national column → SQL, kept on later updates


@dataclass
class Outcome:
    rows_written: int = 0
    conflicts_found: int = 0
    submissions: int = 0
    rows_received: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0


Progress = Callable[[str, int], None]


class ConsolidationEngine:
    """Runs every step for one claimed run. Call ``run()`` inside a transaction."""

    def __init__(self, run: ConsolidationRun, progress: Progress, today: date):
        self.run = run
        self.progress = progress
        self.today = today
        self.conn = connection
        self.q = SqlContext.build()
        self.now = timezone.now()
        self.params = statement_params(run_id=run.pk, today=today)
        self.params.update(
            {
                "now": self.now,
                "match_days": settings.CONSOLIDATION_TRANSFER_MATCH_DAYS,
                "transfer_deadline": today - timedelta(days=settings.CONSOLIDATION_TRANSFER_MATCH_DAYS),
                "transfer_window_start": self.transfer_window_start(),
            }
        )
        self.outcome = Outcome()
        self._index_joins = False
        self.t_issue = RowIssue._meta.db_table
        self.t_deletion = StagedDeletion._meta.db_table
        self.t_identity = PersonIdentity._meta.db_table
        self.t_conflict = Conflict._meta.db_table
        self.t_person = NationalPerson._meta.db_table
        self.t_movement = NationalMovement._meta.db_table
        self.specs = [
            KeySpec(
                PERSON,
                StagedPerson._meta.db_table,
                NationalPerson._meta.db_table,
                "reg_number",
                _PERSON_COPY_COLUMNS,
                extra_select={"source_submission_id": "s.submission_id"},
                conflict_refs=("person_id", "other_person_id"),
                first_run=True,
            ),
            KeySpec(
                MOVEMENT,
                StagedMovement._meta.db_table,
                NationalMovement._meta.db_table,
                "uid",
                _MOVEMENT_COPY_COLUMNS,
                extra_select={"other_upt_id": "ou.id"},
                extra_joins=f"LEFT JOIN {self.q.upt} ou ON ou.code = s.other_upt_code",
                conflict_refs=("movement_id",),
                insert_only={"received_on": "%(today)s"},
            ),
            KeySpec(
                REMISSION,
                StagedRemission._meta.db_table,
                NationalRemission._meta.db_table,
                "uid",
                _REMISSION_COPY_COLUMNS,
            ),
        ]

    def transfer_window_start(self) -> date:
        """The earliest wait start (the later of a transfer out's date and the day central first received
        it) that this run checks: the recheck horizon, or further back to just after the wait starts the
        previous successful run could check, so a transfer out is checked at least once however long
        consolidation did not run. Without it every run would reread every transfer out ever recorded."""
        match_days = settings.CONSOLIDATION_TRANSFER_MATCH_DAYS
        start = self.today - timedelta(days=match_days + settings.CONSOLIDATION_TRANSFER_RECHECK_DAYS)
        previous = self._previous_run_day()
        if previous is not None:
            start = min(start, previous - timedelta(days=match_days))
        return start

    # --- helpers ------------------------------------------------------------------------------------
    def sql(self, statement: str, params: dict[str, Any] | None = None) -> int:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, {**self.params, **(params or {})})
            return max(int(cursor.rowcount), 0)

    def fetch(self, statement: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self.conn.cursor() as cursor:
            cursor.execute(statement, {**self.params, **(params or {})})
            return list(cursor.fetchall())

    def raw(self, statements: list[str]) -> None:
        with self.conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def temp_table(self, name: str, columns: str, indexes: tuple[str, ...] = ()) -> None:
        # Dropped at commit or rollback: a failed run leaves nothing behind in a pooled connection.
        self.raw(
            [
                f"DROP TABLE IF EXISTS pg_temp.{name}",
                f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP",
                *(f"CREATE INDEX {name}_i{i} ON {name} ({cols})" for i, cols in enumerate(indexes)),
            ]
        )

    def analyze(self, table: str) -> None:
        # Autovacuum never analyses a temporary table, nor rows the run has not committed; without
        # statistics the planner guesses.
        self.raw([f"ANALYZE {table}"])

    def estimated_rows(self, table: str) -> float | None:
        """The row count the planner believes (negative: never analysed); None for an unknown table."""
        row = self.fetch("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%(table)s)", {"table": table})
        return float(row[0][0]) if row else None

    def prefer_index_joins(self, on: bool) -> None:
        """Joins by index (nested loops) for the rest of the transaction, or back to the planner's choice."""
        value = "off" if on else "on"
        # Sequential scans and Memoize too: with the run's rows estimated from the average package (full
        # ones included), a rule that filters staged rows by a column (a movement's kind) scanned the whole
        # staging history, and on a fresh dataset every rule read all staged rows by index, caching the
        # run-submission look-up, instead of taking the run's submissions first and their rows by index.
        self.raw(
            [
                f"SET LOCAL enable_hashjoin = {value}",
                f"SET LOCAL enable_mergejoin = {value}",
                f"SET LOCAL enable_seqscan = {value}",
                f"SET LOCAL enable_memoize = {value}",
            ]
        )

    def plan_for_size(self, run_rows: int) -> None:
        """A run whose rows are a small share of the staging tables (a day of deltas beside months of
        packages) reads them by submission through their index. The planner cannot tell: it estimates a
        submission's rows from the average over all packages, full ones included, and chose to scan the
        whole staging history (seconds for ten thousand rows). Hash and merge joins are off until linkage,
        the first step that no longer reads staging."""
        self.narrow_transfer_check = run_rows < NARROW_TRANSFER_CHECK_ROWS
        known = self.estimated_rows(StagedMovement._meta.db_table)
        if known is not None and run_rows * SMALL_RUN_SHARE < known:
            self.prefer_index_joins(True)
            self._index_joins = True
            self.q = replace(self.q, small_run=True)

    def refresh_statistics(self, table: str, written: int) -> None:
        """Analyse ``table`` after a step wrote a large share of it. The planner otherwise keeps the
        statistics of before the run: on a first national load it took the empty identity table for a
        tiny one and linkage ran for minutes (a scan per person) instead of seconds."""
        if written < STATISTICS_STALE_MIN_ROWS:
            return
        known = self.estimated_rows(table)
        if known is not None and known >= 0 and written < STATISTICS_STALE_SHARE * known:
            return
        self.analyze(table)

    def error_free(self, record_type: str, alias: str = "s") -> str:
        return (
            f"NOT EXISTS (SELECT 1 FROM {self.t_issue} i WHERE i.run_id = %(run)s AND i.record_type = '{record_type}' "
            f"AND i.staged_row_id = {alias}.id AND i.severity = 'error')"
        )

    # --- the run ------------------------------------------------------------------------------------
    def run_steps(self, *, validated: bool = False) -> Outcome:
        """Every step; with ``validated`` the run's row issues were already written by its parts (a run
        split per Kanwil, see ``validate_part``) and validation is not done again."""
        self.progress(gettext_noop("Menyiapkan kiriman"), 3)
        self.prepare_submissions()
        if not validated:
            self.validate(first=5, last=35)
        self.progress(gettext_noop("Memperbarui register nasional: WBP"), 36)
        self.compare_people_with_register()
        self.renumber_people()
        self.merge(self.specs[0])
        self.progress(gettext_noop("Memperbarui register nasional: mutasi"), 55)
        self.merge(self.specs[1])
        self.progress(gettext_noop("Memperbarui register nasional: remisi"), 66)
        self.merge(self.specs[2])
        self.progress(gettext_noop("Menautkan identitas lintas UPT"), 72)
        self.link_identities()
        self.progress(gettext_noop("Mencari konflik"), 82)
        self.find_conflicts()
        self.progress(gettext_noop("Snapshot hunian harian"), 88)
        self.snapshot()
        self.progress(gettext_noop("Rekonsiliasi dan anomali harian"), 92)
        daily_checks_record(run_id=self.run.pk, today=self.today)
        self.progress(gettext_noop("Menyimpan hasil per UPT"), 95)
        self.record_results()
        return self.outcome

    def validate_part(self, kanwil_id: int) -> int:
        """Validation of one Kanwil's submissions only, for a run split per Kanwil. Every rule compares a
        row with rows of its own UPT (and reads the register, which no part writes), so the parts' issues
        together are exactly those of one validation over the whole run. Returns the submissions taken."""
        self.prepare_submissions(kanwil_id=kanwil_id)
        self.validate(first=5, last=35)
        return self.outcome.submissions

    # --- 1. the run's submissions --------------------------------------------------------------------
    def prepare_submissions(self, kanwil_id: int | None = None) -> None:
        self.raw(RUN_SETTINGS)  # the first step of every run and part: settings for its transaction
        queryset = Submission.objects.filter(run=self.run)
        if kanwil_id is not None:
            queryset = queryset.filter(upt__kanwil_id=kanwil_id)
        subs = list(
            queryset.order_by("upt_id", "received_at", "pk").values_list(
                "pk", "upt_id", "kind", "person_count", "movement_count", "remission_count"
            )
        )
        self.plan_for_size(sum(people + movements + remissions for *_sub, people, movements, remissions in subs))
        by_upt: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pk, upt_id, kind, *_counts in subs:
            by_upt[upt_id].append((pk, kind))
        rows = []
        for upt_id, items in by_upt.items():
            fulls = [i for i, (_pk, kind) in enumerate(items) if kind == PackageKind.FULL]
            start = fulls[-1] if fulls else 0  # a full snapshot supersedes what its UPT sent before it
            multi = int(len(items) - start > 1)
            for i, (pk, kind) in enumerate(items):
                rows.append((pk, upt_id, i + 1, int(kind == PackageKind.FULL), int(i >= start), multi))
        self.temp_table(
            RUN_SUB_TABLE,
            "submission_id bigint PRIMARY KEY, upt_id bigint NOT NULL, ordinal integer NOT NULL, "
            "is_full integer NOT NULL, effective integer NOT NULL, multi integer NOT NULL",
            indexes=("upt_id, ordinal",),
        )
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {RUN_SUB_TABLE} VALUES (%s, %s, %s, %s, %s, %s)", rows)
        self.analyze(RUN_SUB_TABLE)
        self.outcome.submissions = len(rows)

    # --- 2. validation ------------------------------------------------------------------------------
    def validate(self, *, first: int, last: int) -> None:
        statements = issue_statements(self.q, active_rules())
        for i, (statement, _codes) in enumerate(statements):
            self.progress(gettext_noop("Validasi data"), first + (last - first) * i // max(len(statements), 1))
            self.sql(statement)

    # --- 3. the national register -------------------------------------------------------------------
    def _picked(self, spec: KeySpec) -> str:
        """FROM/WHERE selecting, per key, the staged row to write (see the module docstring)."""
        later_row = (
            f"SELECT 1 FROM {spec.staged} s2 JOIN {RUN_SUB_TABLE} r2 ON r2.submission_id = s2.submission_id "
            f"WHERE r2.upt_id = rs.upt_id AND r2.effective = 1 AND r2.ordinal > rs.ordinal "
            f"AND s2.{spec.key} = s.{spec.key} AND {self.error_free(spec.record_type, 's2')}"
        )
        later_tombstone = (
            f"SELECT 1 FROM {self.t_deletion} d JOIN {RUN_SUB_TABLE} r3 ON r3.submission_id = d.submission_id "
            f"WHERE r3.upt_id = rs.upt_id AND r3.effective = 1 AND r3.ordinal > rs.ordinal "
            f"AND d.record_type = '{spec.record_type}' AND {self._key_is('s', spec, 'd.record_key')}"
        )
        # Each of the run's packages' rows through the staging table's submission index: a LATERAL subquery
        # that ``OFFSET 0`` keeps apart, so the planner cannot turn it back into a join. Joined as two
        # tables, it hashed the run's submissions against every staged row of every package kept: 1.01 s
        # against 0.17 s for the people of a national round with five rounds in staging, growing with them.
        # Rows of a UPT with one package in the run need no comparison with other packages.
        return (
            f"FROM {RUN_SUB_TABLE} rs CROSS JOIN LATERAL (SELECT x.* FROM {spec.staged} x "
            f"WHERE x.submission_id = rs.submission_id OFFSET 0) s "
            f"{spec.extra_joins} "
            f"WHERE rs.effective = 1 AND {self.error_free(spec.record_type)} "
            f"AND (rs.multi = 0 OR (NOT EXISTS ({later_row}) AND NOT EXISTS ({later_tombstone})))"
        )

    def _key_is(self, alias: str, spec: KeySpec, text: str) -> str:
        """``alias``'s key equals the key spelled as text (a tombstone's); written so an index can serve it."""
        if spec.key == "reg_number":
            return f"{alias}.reg_number = {text}"
        # A tombstone's key that is not a UUID compares as NULL (never equal), where a plain CAST would fail.
        return f"{alias}.{spec.key} = (CASE WHEN {text} ~ '{_UUID_TEXT}' THEN CAST({text} AS uuid) END)"

    def compare_people_with_register(self) -> None:
        """Before people are written, one pass of the run's people against the register by key finds the two
        things that must be known then: the uids of rows whose number is new to the UPT's register
        (``sdp_new_number``, which ``renumber_people`` reads), and the keys whose register row says released
        or dead while the new row says held (``sdp_reappeared``: the same record brought back, a conflict — a
        new detention gets a new number). As two passes, each reading the run's 331,000 people, they cost
        2.4 s of a national round against 1.4 s as one (docs/BENCHMARKS.md). From the run's rows to the register
        (``OFFSET 0`` keeps them the starting point): joined the other way, the planner read every released
        or dead person in the register to find the few the run brings back."""
        spec = self.specs[0]
        self.temp_table("sdp_new_number", "upt_id bigint NOT NULL, uid uuid NOT NULL")
        self.temp_table(
            "sdp_reappeared", "upt_id bigint NOT NULL, reg_number varchar(40) NOT NULL, old_status varchar(12)"
        )
        self.sql(
            f"WITH x AS MATERIALIZED (SELECT x.upt_id, x.uid, x.reg_number, n.id AS known, n.status AS old_status "
            f"FROM (SELECT rs.upt_id, s.uid, s.reg_number, s.status IN {_HELD} AS held {self._picked(spec)} "
            f"OFFSET 0) x LEFT JOIN {spec.national} n ON n.upt_id = x.upt_id AND n.reg_number = x.reg_number "
            f"WHERE n.id IS NULL OR (x.held AND n.status IN {_GONE_STATUSES})), "
            f"new_number AS (INSERT INTO sdp_new_number (upt_id, uid) "
            f"SELECT DISTINCT upt_id, uid FROM x WHERE known IS NULL AND uid IS NOT NULL) "
            f"INSERT INTO sdp_reappeared (upt_id, reg_number, old_status) "
            f"SELECT upt_id, reg_number, old_status FROM x WHERE known IS NOT NULL"
        )

    def renumber_people(self) -> None:
        """Before people are written: a person the UPT gave a new registration number (a B register gives
        its own on the final verdict, docs/REGISTER.md) comes with the uid the register row already has.
        The row takes the new number, with its movements and remissions, so the register keeps one record
        (its id, first run, identity and conflicts) instead of removing the old number and adding a new
        person. Only where the uid is unambiguous on both sides and the new number is free in the UPT."""
        spec = self.specs[0]
        self.temp_table(
            "sdp_renumbered",
            "upt_id bigint NOT NULL, old_reg varchar(40) NOT NULL, new_reg varchar(40) NOT NULL",
        )
        # Only a number not yet in the UPT's register can be a new number: those rows' uids
        # (``compare_people_with_register``), then the uid's rows counted and the register searched by uid
        # for those alone. Grouping every row of a full round by uid before looking its number up cost 1.3 s
        # on a national round, which brings almost no new number (an edit keeps its number).
        if not self.fetch("SELECT EXISTS (SELECT 1 FROM sdp_new_number)")[0][0]:
            return
        self.analyze("sdp_new_number")
        renumbered = self.sql(
            f"INSERT INTO sdp_renumbered (upt_id, old_reg, new_reg) SELECT n.upt_id, n.reg_number, x.reg_number "
            f"FROM (SELECT x.upt_id, x.uid, x.reg_number "
            f"FROM (SELECT rs.upt_id, s.uid, MIN(s.reg_number) AS reg_number {self._picked(spec)} "
            f"AND (rs.upt_id, s.uid) IN (SELECT upt_id, uid FROM sdp_new_number) "
            f"GROUP BY rs.upt_id, s.uid HAVING COUNT(*) = 1) x "
            f"WHERE NOT EXISTS (SELECT 1 FROM {spec.national} o WHERE o.upt_id = x.upt_id "
            f"AND o.reg_number = x.reg_number) OFFSET 0) x "
            f"JOIN {spec.national} n ON n.upt_id = x.upt_id AND n.uid = x.uid "
            f"WHERE NOT EXISTS (SELECT 1 FROM {spec.national} o WHERE o.upt_id = n.upt_id "
            f"AND o.uid = n.uid AND o.id <> n.id)"
        )
        if not renumbered:
            return
        self.sql(
            f"UPDATE {spec.national} SET reg_number = r.new_reg FROM sdp_renumbered r "
            f"WHERE {spec.national}.upt_id = r.upt_id AND {spec.national}.reg_number = r.old_reg"
        )
        for other in self.specs[1:]:
            self.sql(
                f"UPDATE {other.national} SET person_reg_number = r.new_reg FROM sdp_renumbered r "
                f"WHERE {other.national}.upt_id = r.upt_id AND {other.national}.person_reg_number = r.old_reg"
            )
        # A renumbered row released or dead whose new row says held is brought back too: the comparison
        # above found no register row under the new number.
        self.sql(
            f"INSERT INTO sdp_reappeared (upt_id, reg_number, old_status) SELECT n.upt_id, n.reg_number, n.status "
            f"FROM sdp_renumbered r JOIN {spec.national} n ON n.upt_id = r.upt_id AND n.reg_number = r.new_reg "
            f"WHERE n.status IN {_GONE_STATUSES} AND EXISTS (SELECT 1 {self._picked(spec)} "
            f"AND rs.upt_id = r.upt_id AND s.reg_number = r.new_reg AND s.status IN {_HELD})"
        )

    def merge(self, spec: KeySpec) -> None:
        written_before = self.outcome.rows_written
        if spec.record_type == PERSON:
            # Identities whose transfers out may have lost their transfer in during this run (see
            # ``find_conflicts``): filled as the register changes, read when conflicts are searched.
            self.temp_table("sdp_transfer_people", "identity_id bigint PRIMARY KEY")
        if spec.record_type == MOVEMENT and self.narrow_transfer_check:
            # A transfer in about to be rewritten (its date, kind or person may change): its person.
            self._transfer_people(
                f"SELECT {self._transfer_in_identity('n')} FROM (SELECT rs.upt_id, s.uid {self._picked(spec)} "
                f"OFFSET 0) x JOIN {spec.national} n ON n.upt_id = x.upt_id AND n.uid = x.uid"
            )
        columns = list(spec.copy_columns)
        insert_cols = ["upt_id", *columns, *spec.extra_select, "last_run_id"]
        select_cols = ["rs.upt_id", *[f"s.{c}" for c in columns], *spec.extra_select.values(), "%(run)s"]
        if spec.first_run:
            insert_cols.append("first_run_id")
            select_cols.append("%(run)s")
        insert_cols.extend(spec.insert_only)
        select_cols.extend(spec.insert_only.values())
        updates = [c for c in insert_cols if c not in ("upt_id", spec.key, "first_run_id", *spec.insert_only)]
        upsert = (
            f"INSERT INTO {spec.national} ({', '.join(insert_cols)}) "
            f"SELECT {', '.join(select_cols)} {self._picked(spec)} "
            f"ON CONFLICT (upt_id, {spec.key}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in updates)
            + f" WHERE {spec.national}.content_hash <> excluded.content_hash"
        )
        if spec.record_type == PERSON or (spec.record_type == MOVEMENT and self.narrow_transfer_check):
            # The rows this run wrote, for linkage and the transfer check to start from (a large run's check
            # rereads the whole window: its movements' ids would be kept for nothing). Not found again by
            # ``last_run_id``: an index on it (a value every write changes) would make every update write a
            # new entry in every index of the row instead of a heap-only (HOT) update (docs/BENCHMARKS.md).
            written = f"sdp_written_{spec.record_type}"
            self.temp_table(written, "id bigint PRIMARY KEY")
            self.outcome.rows_written += self.sql(
                f"WITH w AS ({upsert} RETURNING {spec.national}.id) INSERT INTO {written} (id) SELECT id FROM w"
            )
            self.analyze(written)
        else:
            self.outcome.rows_written += self.sql(upsert)
        self.remove_gone(spec)
        self.refresh_statistics(spec.national, self.outcome.rows_written - written_before)

    def _transfer_in_identity(self, alias: str) -> str:
        """The identity of the person of movement ``alias`` if it is a transfer in, else NULL: a scalar
        subquery, always an index look-up per movement whatever the planner estimates (joined, a misjudged
        count made it read every person in the register once per movement)."""
        return (
            f"(SELECT p.identity_id FROM {self.t_person} p WHERE {alias}.kind = '{MovementKind.TRANSFER_IN.value}' "
            f"AND p.upt_id = {alias}.upt_id AND p.reg_number = {alias}.person_reg_number)"
        )

    def _transfer_people(self, identities: str) -> None:
        """Add the identities ``identities`` selects (NULLs skipped) to ``sdp_transfer_people``."""
        self.sql(
            f"INSERT INTO sdp_transfer_people (identity_id) SELECT DISTINCT t.identity_id "
            f"FROM ({identities}) t (identity_id) WHERE t.identity_id IS NOT NULL ON CONFLICT DO NOTHING"
        )

    def remove_gone(self, spec: KeySpec) -> None:
        gone = f"sdp_gone_{spec.record_type}"
        self.temp_table(gone, "id bigint PRIMARY KEY")
        accepted_after = (
            f"SELECT 1 FROM {spec.staged} s JOIN {RUN_SUB_TABLE} r2 ON r2.submission_id = s.submission_id "
            f"WHERE r2.upt_id = rs.upt_id AND r2.effective = 1 AND r2.ordinal >= rs.ordinal "
            f"AND {self._key_is('s', spec, 'd.record_key')} AND {self.error_free(spec.record_type)}"
        )
        # Tombstones: the UPT deleted the record, and no accepted row re-adds it later in the run.
        self.sql(
            f"INSERT INTO {gone} (id) SELECT DISTINCT n.id FROM {self.t_deletion} d "
            f"JOIN {RUN_SUB_TABLE} rs ON rs.submission_id = d.submission_id AND rs.effective = 1 "
            f"JOIN {spec.national} n ON n.upt_id = rs.upt_id AND {self._key_is('n', spec, 'd.record_key')} "
            f"WHERE d.record_type = '{spec.record_type}' AND NOT EXISTS ({accepted_after}) ON CONFLICT DO NOTHING"
        )
        # Full snapshots: what the UPT no longer has is no longer in the register.
        self.sql(
            f"INSERT INTO {gone} (id) SELECT n.id FROM {spec.national} n "
            f"WHERE n.upt_id IN (SELECT upt_id FROM {RUN_SUB_TABLE} WHERE is_full = 1 AND effective = 1) "
            f"AND NOT EXISTS (SELECT 1 FROM {spec.staged} s JOIN {RUN_SUB_TABLE} rs "
            f"ON rs.submission_id = s.submission_id AND rs.effective = 1 "
            f"WHERE rs.upt_id = n.upt_id AND s.{spec.key} = n.{spec.key}) ON CONFLICT DO NOTHING"
        )
        # A person removed, or a transfer in withdrawn: their identity's transfers out are checked again.
        if self.narrow_transfer_check and spec.record_type == PERSON:
            self._transfer_people(
                f"SELECT (SELECT n.identity_id FROM {spec.national} n WHERE n.id = g.id) FROM {gone} g"
            )
        elif self.narrow_transfer_check and spec.record_type == MOVEMENT:
            self._transfer_people(
                f"SELECT (SELECT {self._transfer_in_identity('n')} FROM {spec.national} n WHERE n.id = g.id) "
                f"FROM {gone} g"
            )
        for column in spec.conflict_refs:
            self.sql(f"UPDATE {self.t_conflict} SET {column} = NULL WHERE {column} IN (SELECT id FROM {gone})")
        self.outcome.rows_written += self.sql(f"DELETE FROM {spec.national} WHERE id IN (SELECT id FROM {gone})")

    # --- 4. linkage ---------------------------------------------------------------------------------
    def link_identities(self) -> None:
        """One ``PersonIdentity`` per human: by a plausible NIK, else by name key (normalised name, birth
        date and place). A NIK never links to another NIK; a name key links only where it is unambiguous.

        Every person the run wrote is linked again, but a person keeps the identity a fresh look-up would
        find anyway without being looked up: the identity already bears the person's NIK (and no other
        identity does), or, for a person without a usable NIK, the person's name key (and no other identity
        does, before or after this run's new identities). Most rows a run rewrites change a cell or a note,
        not who the person is: they need no look-up (docs/BENCHMARKS.md, the all-rows-changed run)."""
        if self._index_joins:  # staging is read no more: the national tables are joined as a whole
            self.prefer_index_joins(False)
            self._index_joins = False
        p, ident = self.t_person, self.t_identity
        written = f"sdp_written_{PERSON}"
        # The people linked again: those this run wrote, and any still without an identity.
        relinked = (
            f"SELECT w.{{column}} FROM {p} w JOIN {written} x ON x.id = w.id "
            f"UNION SELECT w.{{column}} FROM {p} w WHERE w.identity_id IS NULL"
        )
        # NIKs and name keys that more than one identity bears, among those of the people linked again
        # below (the only ones looked up in these tables): by the identity table's indexes, not by grouping
        # every identity in the country.
        self.temp_table("sdp_shared_nik", "nik varchar(32) PRIMARY KEY")
        self.sql(
            f"INSERT INTO sdp_shared_nik (nik) SELECT pi.nik FROM {ident} pi "
            f"WHERE pi.nik <> '' AND pi.nik IN ({relinked.format(column='nik')}) "
            f"GROUP BY pi.nik HAVING COUNT(*) > 1"
        )
        self.temp_table("sdp_shared_name", "name_key varchar(250) PRIMARY KEY")
        self.sql(
            f"INSERT INTO sdp_shared_name (name_key) SELECT pi.name_key FROM {ident} pi "
            f"WHERE pi.name_key <> '' AND pi.name_key IN ({relinked.format(column='name_key')}) "
            f"GROUP BY pi.name_key HAVING COUNT(*) > 1"
        )
        # The identities the run's people had before this linkage: one a person leaves may have lost the
        # transfer in (or out) that matched its other records.
        if self.narrow_transfer_check:
            self._transfer_people(f"SELECT w.identity_id FROM {p} w JOIN {written} x ON x.id = w.id")
        newest_before = self.fetch(f"SELECT COALESCE(MAX(id), 0) FROM {ident}")[0][0]
        self.temp_table(
            "sdp_link",
            "person_id bigint PRIMARY KEY, nik varchar(32) NOT NULL, name_key varchar(250) NOT NULL, "
            "identity_id bigint",
        )
        # The NIK check is computed once per person: it is a long expression, and PostgreSQL merges a plain
        # derived table into the outer query and computes such a column at every use; ``OFFSET 0`` keeps
        # the derived table a table of its own.
        self.sql(
            f"INSERT INTO sdp_link (person_id, nik, name_key, identity_id) "
            f"SELECT n.id, n.nik, n.name_key, CASE WHEN n.nik <> '' THEN CASE WHEN cur.nik = n.nik "
            f"AND NOT EXISTS (SELECT 1 FROM sdp_shared_nik x WHERE x.nik = n.nik) THEN cur.id END "
            f"WHEN n.name_key <> '' AND cur.name_key = n.name_key "
            f"AND NOT EXISTS (SELECT 1 FROM sdp_shared_name x WHERE x.name_key = n.name_key) THEN cur.id END "
            f"FROM (SELECT w.id, w.identity_id, w.name_key, "
            f"CASE WHEN {nik_plausible_sql('w')} THEN w.nik ELSE '' END AS nik "
            f"FROM {p} w WHERE w.id IN (SELECT id FROM {written} UNION SELECT u.id FROM {p} u "
            f"WHERE u.identity_id IS NULL) OFFSET 0) n "
            f"LEFT JOIN {ident} cur ON cur.id = n.identity_id"
        )
        # Indexed once filled: building an index over the rows costs less than keeping it up row by row.
        self.raw(
            ["CREATE INDEX sdp_link_nik ON sdp_link (nik)", "CREATE INDEX sdp_link_name_key ON sdp_link (name_key)"]
        )
        self.analyze("sdp_link")
        # Each UPDATE touches only the rows it can link (EXISTS): rewriting every unlinked row with NULL
        # cost a first national load seconds per statement.
        by_nik = (
            f"UPDATE sdp_link SET identity_id = (SELECT MIN(pi.id) FROM {ident} pi WHERE pi.nik = sdp_link.nik) "
            f"WHERE identity_id IS NULL AND nik <> '' "
            f"AND EXISTS (SELECT 1 FROM {ident} pi WHERE pi.nik = sdp_link.nik)"
        )
        by_name = (
            f"UPDATE sdp_link SET identity_id = (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(pi.id) END FROM {ident} pi "
            f"WHERE pi.name_key = sdp_link.name_key) WHERE identity_id IS NULL AND nik = '' AND name_key <> '' "
            f"AND EXISTS (SELECT 1 FROM {ident} pi WHERE pi.name_key = sdp_link.name_key)"
        )
        self.sql(by_nik)
        # A NIK seen for the first time adopts the one identity known only by the same name key (the UPT
        # that sent it first had no NIK), unless another NIK in this run claims the same name key.
        self.sql(
            f"UPDATE sdp_link SET identity_id = (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(pi.id) END FROM {ident} pi "
            f"WHERE pi.name_key = sdp_link.name_key AND pi.nik = '') "
            f"WHERE identity_id IS NULL AND nik <> '' AND name_key <> '' AND NOT EXISTS (SELECT 1 FROM sdp_link o "
            f"WHERE o.name_key = sdp_link.name_key AND o.nik <> '' AND o.nik <> sdp_link.nik) "
            f"AND EXISTS (SELECT 1 FROM {ident} pi WHERE pi.name_key = sdp_link.name_key AND pi.nik = '')"
        )
        created = self.sql(
            f"INSERT INTO {ident} (nik, name_key, full_name, birth_date, birth_place, created_at) "
            f"SELECT g.nik, n.name_key, n.full_name, n.birth_date, n.birth_place, %(now)s "
            f"FROM (SELECT nik, MIN(person_id) AS person_id FROM sdp_link WHERE identity_id IS NULL AND nik <> '' "
            f"GROUP BY nik) g JOIN {p} n ON n.id = g.person_id ORDER BY g.nik"
        )
        self.refresh_statistics(ident, created)
        if created:
            # A new NIK identity may share the name key a NIK-less person was linked by: then the name key
            # is ambiguous and the person is looked up again (and stays unlinked), as on a first link.
            self.sql(
                f"UPDATE sdp_link SET identity_id = NULL WHERE nik = '' AND identity_id IS NOT NULL "
                f"AND name_key IN (SELECT name_key FROM {ident} WHERE id > %(newest)s)",
                {"newest": newest_before},
            )
        self.sql(by_nik)
        self.sql(by_name)
        created = self.sql(
            f"INSERT INTO {ident} (nik, name_key, full_name, birth_date, birth_place, created_at) "
            f"SELECT '', n.name_key, n.full_name, n.birth_date, n.birth_place, %(now)s "
            f"FROM (SELECT name_key, MIN(person_id) AS person_id FROM sdp_link "
            f"WHERE identity_id IS NULL AND nik = '' AND name_key <> '' GROUP BY name_key) g "
            f"JOIN {p} n ON n.id = g.person_id "
            f"WHERE NOT EXISTS (SELECT 1 FROM {ident} pi WHERE pi.name_key = g.name_key) ORDER BY g.name_key"
        )
        self.refresh_statistics(ident, created)
        self.sql(by_name)
        linked = self.sql(
            f"UPDATE {p} SET identity_id = l.identity_id FROM sdp_link l "
            f"WHERE {p}.id = l.person_id AND {p}.identity_id IS DISTINCT FROM l.identity_id"
        )
        self.refresh_statistics(p, linked)  # conflicts are found by identity next
        self.sql(
            f"UPDATE {ident} SET nik = (SELECT MIN(l.nik) FROM sdp_link l WHERE l.identity_id = {ident}.id "
            f"AND l.nik <> '') WHERE nik = '' AND id IN (SELECT identity_id FROM sdp_link WHERE nik <> '')"
        )
        self.temp_table("sdp_touched", "identity_id bigint PRIMARY KEY")
        self.sql(
            "INSERT INTO sdp_touched (identity_id) SELECT DISTINCT identity_id FROM sdp_link "
            "WHERE identity_id IS NOT NULL"
        )
        self.analyze("sdp_touched")

    # --- 5. conflicts -------------------------------------------------------------------------------
    def _conflict_insert(self, kind: str, select: str) -> int:
        return self.sql(
            f"INSERT INTO {self.t_conflict} (kind, identity_id, upt_id, other_upt_id, person_id, other_person_id, "
            f"movement_id, detail_code, detail_args, state, detected_run_id, detected_at, note, closed_by_id, "
            f"closed_at) SELECT '{kind}', c.identity_id, c.upt_id, c.other_upt_id, c.person_id, c.other_person_id, "
            f"c.movement_id, c.detail ->> 'code', c.detail - 'code', '{ConflictState.OPEN.value}', %(run)s, %(now)s, "
            f"'', NULL, NULL "
            f"FROM ({select}) c WHERE 1 = 1 "
            # One open conflict per kind, identity and UPT (a partial unique index): the first in this
            # order is kept, so a rerun over the same register records the same one.
            f"ORDER BY c.identity_id, c.upt_id, c.person_id, c.movement_id ON CONFLICT DO NOTHING"
        )

    def _transfers_to_check(self, *, wait_start: str) -> None:
        """The transfers out this run checks for a missing transfer in: those whose wait ended since the
        previous successful run (each is checked at least once), and, within the recheck days, those whose
        answer this run may have changed — the transfer out rewritten, or an identity of its person that
        gained, changed, lost or withdrew a record or a transfer in (``sdp_transfer_people``, ``sdp_touched``,
        transfers in the run wrote). Nothing else can turn a match into none, so the rest of the recheck
        window is not read again: each part is an indexed look-up the size of the run's changes. A run of
        ``NARROW_TRANSFER_CHECK_ROWS`` or more rereads the whole recheck window instead."""
        m, p = self.t_movement, self.t_person
        previous = self._previous_run_day()
        due_start = self.params["transfer_window_start"]
        if previous is not None:
            due_start = max(due_start, previous - timedelta(days=settings.CONSOLIDATION_TRANSFER_MATCH_DAYS))
        window = (
            f"m.kind = '{MovementKind.TRANSFER_OUT.value}' AND {wait_start} < %(transfer_deadline)s "
            f"AND {wait_start} >= %(transfer_window_start)s"
        )
        self.temp_table("sdp_transfer_check", "id bigint PRIMARY KEY")
        if not self.narrow_transfer_check:  # a large run: the whole recheck window
            self.sql(f"INSERT INTO sdp_transfer_check (id) SELECT m.id FROM {m} m WHERE {window}")
            self.analyze("sdp_transfer_check")
            return
        written = f"sdp_written_{MOVEMENT}"
        self._transfer_people(f"SELECT {self._transfer_in_identity('mi')} FROM {m} mi JOIN {written} x ON x.id = mi.id")
        self.analyze("sdp_transfer_people")
        self.sql(
            f"INSERT INTO sdp_transfer_check (id) "
            f"SELECT m.id FROM {m} m WHERE m.kind = '{MovementKind.TRANSFER_OUT.value}' "
            f"AND {wait_start} < %(transfer_deadline)s AND {wait_start} >= %(due_start)s "
            f"UNION SELECT m.id FROM {m} m JOIN {written} x ON x.id = m.id WHERE {window} "
            f"UNION SELECT m.id FROM {p} p JOIN {m} m ON m.upt_id = p.upt_id AND m.person_reg_number = p.reg_number "
            f"WHERE p.identity_id IN (SELECT identity_id FROM sdp_transfer_people "
            f"UNION SELECT identity_id FROM sdp_touched) AND {window}",
            {"due_start": due_start},
        )
        self.analyze("sdp_transfer_check")

    def _previous_run_day(self) -> date | None:
        return (
            ConsolidationRun.objects.filter(state=RunState.SUCCEEDED, snapshot_date__isnull=False)
            .exclude(pk=self.run.pk)
            .order_by("-snapshot_date")
            .values_list("snapshot_date", flat=True)
            .first()
        )

    def find_conflicts(self) -> None:
        p, m = self.t_person, self.t_movement
        # The identity's first holder, read with the columns the report needs (LATERAL): joined back to the
        # register by id, the planner could hash the whole register to find a few thousand holders.
        first_held = (
            f"SELECT x.id, x.upt_id, x.admission_date FROM {p} x WHERE x.identity_id = n.identity_id "
            f"AND x.status IN {_HELD} ORDER BY x.admission_date, x.id LIMIT 1"
        )
        # The same human held in two UPTs: every holder after the first (by admission) is reported.
        self._conflict_insert(
            ConflictKind.ACTIVE_IN_TWO_UPTS,
            f"SELECT n.identity_id, n.upt_id, f.upt_id AS other_upt_id, MIN(n.id) AS person_id, "
            f"MIN(f.id) AS other_person_id, {_NO_ID} AS movement_id, "
            f"{detail_sql('held_elsewhere', date='MIN(f.admission_date)')} AS detail "
            f"FROM {p} n CROSS JOIN LATERAL ({first_held}) f "
            f"WHERE n.identity_id IN (SELECT identity_id FROM sdp_touched) AND n.status IN {_HELD} "
            f"AND f.upt_id <> n.upt_id GROUP BY n.identity_id, n.upt_id, f.upt_id",
        )
        matched = (
            f"SELECT 1 FROM {m} mi JOIN {p} pi ON pi.upt_id = mi.upt_id AND pi.reg_number = mi.person_reg_number "
            f"WHERE mi.kind = '{MovementKind.TRANSFER_IN.value}' AND mi.upt_id = m.other_upt_id "
            f"AND pi.identity_id = p.identity_id AND mi.date >= m.date "
            f"AND mi.date <= (m.date + CAST(%(match_days)s AS integer))"
        )
        # A transfer out whose transfer in has not arrived within the matching window, once its wait has
        # passed: the wait starts at the later of its date and the day central first received it (a
        # backdated entry or a late UPT's first package gets the full wait too). The expression is the
        # partial index national_transfer_out_wait; a movement with a conflict already is not reported again.
        wait_start = "GREATEST(m.date, m.received_on)"
        self._transfers_to_check(wait_start=wait_start)
        self._conflict_insert(
            ConflictKind.TRANSFER_UNMATCHED,
            f"SELECT p.identity_id, m.upt_id, m.other_upt_id, p.id AS person_id, {_NO_ID} AS other_person_id, "
            f"m.id AS movement_id, {detail_sql('transfer_unmatched', date='m.date')} AS detail "
            f"FROM sdp_transfer_check tc JOIN {m} m ON m.id = tc.id "
            f"JOIN {p} p ON p.upt_id = m.upt_id AND p.reg_number = m.person_reg_number "
            f"WHERE m.kind = '{MovementKind.TRANSFER_OUT.value}' AND {wait_start} < %(transfer_deadline)s "
            f"AND {wait_start} >= %(transfer_window_start)s AND p.identity_id IS NOT NULL "
            f"AND NOT EXISTS ({matched}) "
            f"AND NOT EXISTS (SELECT 1 FROM {self.t_conflict} c0 WHERE c0.movement_id = m.id)",
        )
        # ...and those that have been matched since are closed by the system.
        self.sql(
            f"UPDATE {self.t_conflict} SET state = '{ConflictState.RESOLVED.value}', closed_at = %(now)s, "
            f"note = %(auto_note)s WHERE kind = '{ConflictKind.TRANSFER_UNMATCHED.value}' "
            f"AND state = '{ConflictState.OPEN.value}' AND movement_id IN (SELECT m.id FROM {m} m "
            f"JOIN {p} p ON p.upt_id = m.upt_id AND p.reg_number = m.person_reg_number WHERE EXISTS ({matched}))",
            {"auto_note": f"Otomatis: pindahan masuk yang cocok diterima (konsolidasi #{self.run.pk})."},
        )
        # A released or dead person held again: the same record brought back...
        self._conflict_insert(
            ConflictKind.REAPPEARED,
            f"SELECT n.identity_id, n.upt_id, {_NO_ID} AS other_upt_id, MIN(n.id) AS person_id, "
            f"{_NO_ID} AS other_person_id, "
            f"{_NO_ID} AS movement_id, {detail_sql('previous_status', status='MIN(r.old_status)')} AS detail "
            f"FROM sdp_reappeared r JOIN {p} n ON n.upt_id = r.upt_id AND n.reg_number = r.reg_number "
            f"WHERE n.identity_id IS NOT NULL AND n.status IN {_HELD} GROUP BY n.identity_id, n.upt_id",
        )
        # ...or held anywhere while recorded dead elsewhere.
        self._conflict_insert(
            ConflictKind.REAPPEARED,
            f"SELECT n.identity_id, n.upt_id, MIN(dd.upt_id) AS other_upt_id, MIN(n.id) AS person_id, "
            f"MIN(dd.id) AS other_person_id, {_NO_ID} AS movement_id, "
            f"{detail_sql('died_elsewhere')} AS detail "
            f"FROM {p} n JOIN {p} dd ON dd.identity_id = n.identity_id AND dd.status = '{PersonStatus.DIED.value}' "
            f"AND dd.upt_id <> n.upt_id "
            f"WHERE n.identity_id IN (SELECT identity_id FROM sdp_touched) AND n.status IN {_HELD} "
            f"GROUP BY n.identity_id, n.upt_id",
        )
        self.outcome.conflicts_found = Conflict.objects.filter(detected_run=self.run).count()

    # --- 6. the daily snapshot ----------------------------------------------------------------------
    def snapshot(self) -> None:
        """Occupancy on the run's WIB day, carried forward from the last snapshot (services/.../snapshot.py)."""
        snapshot_record(run_id=self.run.pk, today=self.today)

    # --- 7. results ---------------------------------------------------------------------------------
    def record_results(self) -> None:
        """Final state and row counts of each submission, and each UPT's result (services/.../results.py)."""
        totals = results_record(run_id=self.run.pk, now=self.now)
        self.outcome.rows_received += totals.rows_received
        self.outcome.rows_accepted += totals.rows_accepted
        self.outcome.rows_rejected += totals.rows_rejected
        self.outcome.rows_warned += totals.rows_warned
        self.outcome.conflicts_found = totals.conflicts
