"""National-scale benchmarks over the dataset of ``seed_national`` (``manage.py bench``).

Every figure is the median of several repetitions, and every consolidation figure stands next to the
plain SQL that does the least a run must do with the same rows, measured in the same process, on the
same staged rows and the same register, just before the run:

- *full national consolidation, ≈5 % changed*: every UPT changes ≈5 % of its rows (people move cells,
  movements and remission decrees are annotated), then sends a **full** package built by the real UPT
  builder and received by ``submission_receive``; the run is ``consolidation_execute``, end to end
  (validation, register upsert, linkage, conflicts, daily snapshot, per-UPT results) and committed. The
  baseline is one ``INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE content_hash <> excluded.content_hash``
  per record type from the staged rows into the national register, its deferred foreign-key checks fired
  (as a commit would) before the clock stops, then rolled back.
- *all rows changed*: every row of every UPT changes; the baseline is the same upsert without the hash
  filter.
- *first national load*: the register emptied as ``seed_national`` leaves it, every UPT sends its **full**
  package and the run loads it all. The baseline is ``COPY`` of the same staged rows into fresh tables like
  the staging ones, then one plain ``INSERT … SELECT … ON CONFLICT DO UPDATE`` per record type from them into
  the empty register, its foreign-key checks fired, rolled back.
- *typical daily run*: every UPT changes ≈1 % of its people and ≈0.5 % of its movements and remissions
  and sends the **delta** package the builder plans. With ``history_days`` the bench first lives that many
  days of such rounds, one a day, and then measures each repetition on a day of its own: central's daily
  snapshot is carried forward from the day before, the daily checks compare with it and transfers out wait
  for days to pass, so a daily run after weeks differs from a rerun on the same day.
- *receiving a 5,000-row package*; *peak memory* of the process during each run (Linux VmHWM, reset
  before the run); *server time and queries* of the dashboards and exports at national scale.

Repetitions change different rows each time, so each is a real run with fresh data.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from central.models import (
    ConsolidationRun,
    Kanwil,
    NationalMovement,
    NationalPerson,
    NationalRemission,
    OccupancyBreakdown,
    OccupancySnapshot,
    PersonIdentity,
    RunState,
    RunTrigger,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    SubmissionState,
    Upt,
)
from central.roles import Role
from central.services.consolidation import consolidation_execute, consolidation_request
from central.services.consolidation.engine import (
    _MOVEMENT_COPY_COLUMNS,
    _PERSON_COPY_COLUMNS,
    _REMISSION_COPY_COLUMNS,
    RUN_SETTINGS,
)
from central.services.consolidation.progress import log as progress_log
from central.services.inbox import submission_receive
from central.services.roles import role_assign
from devtools.national.seed import _UNIT_DATA, OPERATOR_PREFIX
from upt.models import Movement, Person, Remission
from upt.services.package import package_build, package_send

# DESIGN §5: a full run ≤ 2× the hash-filtered upsert, all rows changed ≤ 1.5×, the first load ≤ 2× COPY + upsert.
TARGET_FULL_RATIO = 2.0
TARGET_ALL_RATIO = 1.5
TARGET_FIRST_RATIO = 2.0
TARGET_DAILY_SECONDS = 1.0  # the national daily delta (DESIGN §5, issue 19)
TARGET_PEAK_MIB = 512
TARGET_RECEIVE_SECONDS = 2.0
TARGET_PAGE_MS = 200

# Pages measured at national scale: (label, URL name, URL kwargs, who looks, query). ``{day}`` and
# ``{day30}`` are the last snapshot day and 29 days before it. A page that no longer resolves is an error:
# a benchmark that silently skips a page reports nothing about it.
RIAU = "14"
PAGES = [
    ("Dashboard nasional", "laporan:national", {}, "central", {"tanggal": "{day}"}),
    ("Dashboard Kanwil (Riau)", "laporan:region", {"code": RIAU}, "kanwil", {"tanggal": "{day}"}),
    ("Kepatuhan nasional, 30 hari", "laporan:national_compliance", {}, "central",
     {"dari": "{day30}", "sampai": "{day}"}),
    ("Hunian & tren nasional, 365 hari", "laporan:national_occupancy", {}, "central",
     {"tanggal": "{day}", "periode": "365"}),
    ("Daftar konsolidasi", "central:run_list", {}, "central", {}),
    ("Daftar konflik", "central:conflict_list", {}, "central", {}),
    ("Ekspor XLSX: dashboard nasional per Kanwil", "laporan:national", {}, "central",
     {"tanggal": "{day}", "format": "xlsx", "tabel": "kanwil"}),
    ("Ekspor XLSX: kepatuhan nasional 30 hari", "laporan:national_compliance", {}, "central",
     {"dari": "{day30}", "sampai": "{day}", "format": "xlsx"}),
    ("Ekspor CSV: dashboard Kanwil (Riau)", "laporan:region", {"code": RIAU}, "kanwil",
     {"tanggal": "{day}", "format": "csv", "tabel": "upt"}),
]  # fmt: skip


def code_version() -> str:
    """The commit the figures were measured on (``git describe``; "+ changes" when the tree differs), so a
    figure quoted in the docs can be traced to the code it describes."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty=+perubahan"],  # noqa: S607 — git from PATH, as a developer runs it
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "tidak diketahui (bukan checkout git)"
    return described or "tidak diketahui"


class BenchError(Exception):
    pass


@dataclass
class Scenario:
    name: str
    runs: list[dict] = field(default_factory=list)

    def median(self, key: str) -> float | None:
        values = [r[key] for r in self.runs if r.get(key) is not None]
        return statistics.median(values) if values else None


def _hwm_reset() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _hwm_mib() -> float | None:
    try:
        match = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    except OSError:
        return None
    return int(match.group(1)) / 1024 if match else None


def _sql(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def _upsert_statements(*, sources: dict, where: str, filtered: bool) -> list[str]:
    """The plain upsert per record type, from ``sources`` (staged model → the table its rows are read from)
    into the national register, written as the run writes it: its rows name the run ``%(run)s``; first-run
    and first-receipt columns are written once; with ``filtered``, only rows whose content hash differs."""
    sub, upt = Submission._meta.db_table, Upt._meta.db_table
    specs = [
        (NationalPerson, StagedPerson, "reg_number", _PERSON_COPY_COLUMNS,
         {"source_submission_id": "s.submission_id", "first_run_id": "%(run)s"}, ""),
        (NationalMovement, StagedMovement, "uid", _MOVEMENT_COPY_COLUMNS,
         {"other_upt_id": "ou.id", "received_on": "CURRENT_DATE"},
         f"LEFT JOIN {upt} ou ON ou.code = s.other_upt_code"),
        (NationalRemission, StagedRemission, "uid", _REMISSION_COPY_COLUMNS, {}, ""),
    ]  # fmt: skip
    statements = []
    for national, staged, key, columns, extra, join in specs:
        insert = ["upt_id", *columns, *extra, "last_run_id"]
        select = ["sb.upt_id", *[f"s.{c}" for c in columns], *extra.values(), "%(run)s"]
        updates = [c for c in insert if c not in ("upt_id", key, "first_run_id", "received_on")]
        table = national._meta.db_table
        statements.append(
            f"INSERT INTO {table} ({', '.join(insert)}) SELECT {', '.join(select)} "
            f"FROM {sources[staged]} s JOIN {sub} sb ON sb.id = s.submission_id {join} "
            f"{where} ON CONFLICT (upt_id, {key}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in updates)
            + (f" WHERE {table}.content_hash <> excluded.content_hash" if filtered else "")
        )
    return statements


class NationalBench:
    def __init__(self, *, runs: int, say: Callable[[str], None], kanwil: str | None = None, history_days: int = 0):
        self.runs = runs
        self.history_days = history_days
        # Taken as the bench starts: the code it imported. The tree may move on during a long invocation.
        self.code = code_version()
        self.shift = timedelta(0)  # how far the simulated days are ahead of the real clock (see ``_days``)
        self.say = say
        self.results: dict[str, Scenario] = {}
        self.round = 0
        # In the rows' new content: a round of a later invocation must not write what one before it wrote
        # (rows left as they were are not rewritten, and the run would be measured on fewer changed rows).
        self.invocation = uuid.uuid4().hex[:12]
        if Upt.objects.count() < 500 or not Person.objects.exists():
            raise BenchError("Data nasional belum ada: jalankan dulu `manage.py seed_national`.")
        User = get_user_model()
        self.central, _ = User.objects.get_or_create(username="bench.pusat")
        role_assign(user=self.central, role=Role.CENTRAL)
        riau = Kanwil.objects.get(code="14")
        self.monitor, _ = User.objects.get_or_create(username="bench.kanwil.riau")
        role_assign(user=self.monitor, role=Role.KANWIL, kanwil=riau)
        operators = {u.username: u for u in User.objects.filter(username__startswith=OPERATOR_PREFIX)}
        upts = Upt.objects.order_by("code")
        if kanwil:
            upts = upts.filter(kanwil__code=kanwil)  # a region's units only: a quicker, partial round
        self.units = [(upt, operators[f"{OPERATOR_PREFIX}{upt.code.lower()}"]) for upt in upts]

    # --- building blocks ------------------------------------------------------------------------------
    def _vacuum(self) -> None:
        """Tidy the tables a run reads and writes (outside any timing), as autovacuum would between runs, and
        write out what receiving dirtied: a national round's packages are several GB of WAL, and the server's
        log showed the checkpoints they started still writing through the baseline and the run measured
        after them. In a deployment the morning's packages are checkpointed long before the afternoon's run."""
        tables = [
            m._meta.db_table
            for m in (NationalPerson, NationalMovement, NationalRemission, PersonIdentity, StagedPerson,
                      StagedMovement, StagedRemission, Submission)
        ]  # fmt: skip
        if connection.in_atomic_block:
            return  # VACUUM cannot run inside a transaction (the tests run the bench inside one)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
            with contextlib.suppress(DatabaseError):  # a role without the right (pg_checkpoint) skips it
                cursor.execute("CHECKPOINT")

    def change(self, share_people: float, share_records: float) -> int:
        """Operators' edits: people moved to another cell, movements and remission decrees annotated. Rows
        are picked by id so that each round changes different ones. Returns the number of rows changed."""
        self.round += 1
        r = self.round
        now = timezone.now()

        def pick(share: float) -> str:
            if share >= 1:
                return "1 = 1"
            step = max(round(1 / share), 1)
            return f"MOD(id + {r * 7919}, {step}) = 0"

        units = f"upt_id IN ({', '.join(str(upt.pk) for upt, _op in self.units)})"
        changed = _sql(
            f"UPDATE {Person._meta.db_table} SET cell = CAST(MOD(CAST(cell AS integer) + {r}, 40) + 1 AS varchar), "
            f"updated_at = %s WHERE {units} AND {pick(share_people)}",
            [now],
        )
        changed += _sql(
            f"UPDATE {Movement._meta.db_table} SET note = %s, updated_at = %s WHERE {units} AND {pick(share_records)}",
            [f"Koreksi catatan putaran {r} ({self.invocation})", now],
        )
        changed += _sql(
            f"UPDATE {Remission._meta.db_table} SET decree_number = %s || decree_number, updated_at = %s "
            f"WHERE {units} AND {pick(share_records)}",
            [f"K{r}/", now],
        )
        return changed

    def send_all(self, *, full: bool) -> tuple[float, int]:
        """Every UPT's package through the real builder and receiving service. (seconds, rows)."""
        started = time.perf_counter()
        rows = 0
        for upt, operator in self.units:
            result = package_send(user=operator, upt=upt, force_full=full)
            rows += result.submission.row_count
            reset_queries()
        return time.perf_counter() - started, rows

    def baseline(self, *, filtered: bool) -> tuple[float, float]:
        """Plain SQL upserts of the waiting submissions' staged rows into the register, rolled back.

        Returns (seconds up to the point a commit would be, seconds of the statements alone). The register's
        foreign keys are checked at commit (Django makes them ``DEFERRABLE INITIALLY DEFERRED``), and a
        rolled-back upsert never checks them, so the baseline fires them (``SET CONSTRAINTS ALL
        IMMEDIATE``) before the clock stops: the run it is compared with commits and pays for them.

        The rows name a run of their own (``last_run_id``), created in the same rolled-back transaction, as
        any writer of the register does. Naming the previous run instead left that key unchanged, and
        PostgreSQL skips the foreign-key check of an unchanged key: the baseline then skipped a check per
        row that the run it is compared with pays for."""
        if not ConsolidationRun.objects.exists():
            raise BenchError("Belum ada konsolidasi: register nasional kosong.")
        waiting = f"SELECT id FROM {Submission._meta.db_table} WHERE state = '{SubmissionState.RECEIVED.value}'"
        statements = _upsert_statements(
            sources={m: m._meta.db_table for m in (StagedPerson, StagedMovement, StagedRemission)},
            where=f"WHERE s.submission_id IN ({waiting})",
            filtered=filtered,
        )
        elapsed = statements_only = 0.0
        try:
            with transaction.atomic():
                run = ConsolidationRun.objects.create(trigger=RunTrigger.COMMAND, state=RunState.SUCCEEDED)
                with connection.cursor() as cursor:
                    for setting in RUN_SETTINGS:
                        cursor.execute(setting)  # the settings a run's statements have
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement, {"run": run.pk})
                    statements_only = time.perf_counter() - started
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                elapsed = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
        return elapsed, statements_only

    def clear_register(self) -> None:
        """Back to the register as ``seed_national`` leaves it: no run, submission, staged, national or
        linkage row, nothing the daily checks or the snapshot carry-forward logged, and no snapshot a run
        wrote (the seeded history, which names no run, stays). The UPTs' own registers are untouched."""
        snapshot, breakdown = OccupancySnapshot._meta.db_table, OccupancyBreakdown._meta.db_table
        _sql(
            f"DELETE FROM {breakdown} b USING {snapshot} s "
            "WHERE s.run_id IS NOT NULL AND b.date = s.date AND b.upt_id = s.upt_id"
        )
        _sql(f"DELETE FROM {snapshot} WHERE run_id IS NOT NULL")
        central = [
            m._meta.db_table
            for m in _UNIT_DATA
            if m._meta.app_label == "central" and m not in (OccupancySnapshot, OccupancyBreakdown, ConsolidationRun)
        ]
        if connection.in_atomic_block:
            # Inside a caller's transaction (the tests) the earlier runs' foreign-key checks are still
            # pending, and TRUNCATE refuses a table with pending checks: fire them first.
            _sql("SET CONSTRAINTS ALL IMMEDIATE")
            _sql("SET CONSTRAINTS ALL DEFERRED")
        _sql(f"TRUNCATE {', '.join(central)}")
        # The seeded snapshots still reference the run table (by a nullable key), so it cannot be truncated.
        _sql(f"DELETE FROM {ConsolidationRun._meta.db_table}")

    def baseline_first(self) -> tuple[float, float, float]:
        """``COPY`` of the waiting submissions' staged rows into tables like the staging ones (their
        columns, key and indexes), then the plain upsert from them into the empty register, rolled back.

        Returns (seconds up to the point a commit would be, of the ``COPY`` alone, of the upsert statements
        alone). The rows are read out beforehand (not timed) into a file, in ``COPY``'s text format, as a
        package's rows arrive; the copies are analysed between ``COPY`` and upsert (not timed), as the
        bench's ``VACUUM ANALYZE`` does for the staging tables before the other baselines."""
        waiting = f"SELECT id FROM {Submission._meta.db_table} WHERE state = '{SubmissionState.RECEIVED.value}'"
        # Every column receiving writes into staging (the row's number too), the generated key aside.
        columns = {
            staged: [f.column for f in staged._meta.concrete_fields if not f.primary_key]
            for staged in (StagedPerson, StagedMovement, StagedRemission)
        }
        copies = {staged: f"bench_first_{staged._meta.model_name}" for staged in columns}
        elapsed = copy_seconds = statements_seconds = 0.0
        with tempfile.TemporaryDirectory() as directory:
            files = {}
            with connection.cursor() as cursor:
                for staged, cols in columns.items():
                    files[staged] = Path(directory) / copies[staged]
                    select = ", ".join(cols)
                    with (
                        files[staged].open("wb") as out,
                        cursor.copy(
                            f"COPY (SELECT {select} FROM {staged._meta.db_table} WHERE submission_id IN ({waiting}) "
                            "ORDER BY id) TO STDOUT"
                        ) as copy,
                    ):
                        for chunk in copy:
                            out.write(chunk)
            statements = _upsert_statements(sources=copies, where="", filtered=False)
            try:
                with transaction.atomic():
                    run = ConsolidationRun.objects.create(trigger=RunTrigger.COMMAND, state=RunState.SUCCEEDED)
                    with connection.cursor() as cursor:
                        for setting in RUN_SETTINGS:
                            cursor.execute(setting)
                        for staged, table in copies.items():
                            cursor.execute(f"CREATE TABLE {table} (LIKE {staged._meta.db_table} INCLUDING ALL)")
                        started = time.perf_counter()
                        for staged, cols in columns.items():
                            target = f"{copies[staged]} ({', '.join(cols)})"
                            with files[staged].open("rb") as rows, cursor.copy(f"COPY {target} FROM STDIN") as copy:
                                while chunk := rows.read(1 << 20):
                                    copy.write(chunk)
                        copy_seconds = time.perf_counter() - started
                        for table in copies.values():
                            cursor.execute(f"ANALYZE {table}")
                        started = time.perf_counter()
                        for statement in statements:
                            cursor.execute(statement, {"run": run.pk})
                        statements_seconds = time.perf_counter() - started
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                        elapsed = copy_seconds + time.perf_counter() - started
                    raise _Rollback
            except _Rollback:
                pass
        return elapsed, copy_seconds, statements_seconds

    def consolidate(self) -> dict:
        request = consolidation_request(user=self.central, trigger="command", enqueue=False)
        steps = _StepTimes()
        progress_log.addHandler(steps)
        level = progress_log.level
        progress_log.setLevel(logging.INFO)
        tracked = _hwm_reset()
        try:
            started = time.perf_counter()
            run = consolidation_execute(run_id=request.run.pk)
            elapsed = time.perf_counter() - started
        finally:
            progress_log.removeHandler(steps)
            progress_log.setLevel(level)
        if run is None or run.state != "succeeded":
            raise BenchError(f"Konsolidasi gagal: {run and run.error}")
        return {
            "seconds": elapsed,
            "load": round(os.getloadavg()[0], 2),  # the machine is shared: the 1-minute load as the run ends
            "peak_mib": _hwm_mib() if tracked else None,
            "rows_received": run.rows_received,
            "rows_written": run.rows_written,
            "rows_rejected": run.rows_rejected,
            "steps": steps.seconds,
        }

    def _say_steps(self, result: dict) -> None:
        """The run's time per step, printed as each repetition ends: an invocation cut short still shows
        where its runs spent their time (the table at the end has only medians)."""
        steps = result.get("steps") or {}
        if steps:
            self.say("    langkah: " + "; ".join(f"{step} {seconds:.2f} s" for step, seconds in steps.items()))

    # --- scenarios ------------------------------------------------------------------------------------
    def ensure_register(self) -> None:
        waiting = Submission.objects.filter(state=SubmissionState.RECEIVED).exists()
        if NationalPerson.objects.exists():
            if waiting:  # packages an earlier bench_peak stored: a run takes them, nothing is sent again
                self.say("Paket menunggu dari pengukuran sebelumnya: dikonsolidasi dulu…")
                self._say_steps(self.consolidate())
            return
        self.say("Register nasional kosong: kiriman lengkap pertama dari semua UPT dan konsolidasi awal…")
        send_seconds, rows = self.send_all(full=True)
        self._vacuum()
        result = self.consolidate()
        self.results["initial"] = Scenario("Muat awal (register kosong)", [{**result, "send_seconds": send_seconds}])
        self.say(f"  kirim {send_seconds:.1f} s ({rows:,} baris), konsolidasi {result['seconds']:.1f} s")
        self._say_steps(result)

    def first(self) -> None:
        """The first national load: every repetition empties the register, every UPT sends its full
        package, then the plain ``COPY`` + upsert baseline and the run, on the same staged rows."""
        scenario = self.results.setdefault("first", Scenario("Muat awal nasional (register kosong)"))
        for i in range(self.runs):
            self.clear_register()
            send_seconds, rows = self.send_all(full=True)
            self._vacuum()
            base, copy_seconds, statements_seconds = self.baseline_first()
            self._vacuum()
            result = self.consolidate()
            result.update(
                send_seconds=send_seconds,
                rows_sent=rows,
                rows_changed=rows,
                baseline_seconds=base,
                baseline_copy_seconds=copy_seconds,
                baseline_statements_seconds=copy_seconds + statements_seconds,
            )
            result["ratio"] = result["seconds"] / base if base else None
            # For candour: the run itself copies nothing (receiving did, untimed), so also its ratio to the
            # upsert alone, foreign-key checks included.
            result["ratio_upsert_only"] = result["seconds"] / (base - copy_seconds) if base > copy_seconds else None
            scenario.runs.append(result)
            self.say(
                f"  muat awal #{i + 1}: {rows:,} baris dikirim dalam {send_seconds:.1f} s; "
                f"konsolidasi {result['seconds']:.2f} s, COPY {copy_seconds:.2f} s + upsert polos "
                f"{base - copy_seconds:.2f} s = {base:.2f} s, rasio {result['ratio']:.2f}× "
                f"(terhadap upsert saja {result['ratio_upsert_only']:.2f}×)"
                + (f", memori puncak {result['peak_mib']:.0f} MiB" if result["peak_mib"] else "")
                + f" (beban mesin {result['load']:.1f})"
            )
            self._say_steps(result)

    def national(
        self,
        key: str,
        label: str,
        *,
        people: float,
        records: float,
        full: bool,
        filtered: bool | None,
        new_days: bool = False,
    ):
        scenario = self.results.setdefault(key, Scenario(label))
        for i in range(self.runs):
            if new_days:
                self._next_day()
            changed = self.change(people, records)
            send_seconds, rows = self.send_all(full=full)
            self._vacuum()
            base, base_statements = self.baseline(filtered=filtered) if filtered is not None else (None, None)
            self._vacuum()
            result = self.consolidate()
            result.update(
                send_seconds=send_seconds,
                rows_sent=rows,
                rows_changed=changed,
                baseline_seconds=base,
                baseline_statements_seconds=base_statements,
            )
            result["ratio"] = result["seconds"] / base if base else None
            result["day"] = timezone.localdate().isoformat()
            scenario.runs.append(result)
            self.say(
                f"  {label} #{i + 1} ({result['day']}): {rows:,} baris dikirim ({changed:,} berubah) "
                f"dalam {send_seconds:.1f} s; "
                f"konsolidasi {result['seconds']:.2f} s"
                + (f", SQL polos {base:.2f} s, rasio {result['ratio']:.2f}×" if base else "")
                + (f", memori puncak {result['peak_mib']:.0f} MiB" if result["peak_mib"] else "")
                + f" (beban mesin {result['load']:.1f})"
            )
            self._say_steps(result)

    # --- days passing -------------------------------------------------------------------------------
    @contextmanager
    def _days(self):
        """Simulated days, the system clock untouched: every service reads the time through
        ``django.utils.timezone.now`` (the run's snapshot date, a package's generation and receipt, a
        register row's ``auto_now``), and the SQL of a run reads no clock, so moving that one function by
        ``self.shift`` makes the day real for all of them. Starts the day after the last run's day."""
        real_now = timezone.now
        last = ConsolidationRun.objects.order_by("-snapshot_date").values_list("snapshot_date", flat=True).first()
        ahead = (last - timezone.localdate()).days if last else 0
        self.shift = timedelta(days=max(ahead, 0))
        with mock.patch.object(timezone, "now", lambda: real_now() + self.shift):
            yield
        self.shift = timedelta(0)

    def _next_day(self) -> None:
        self.shift += timedelta(days=1)

    def history(self) -> None:
        """``history_days`` daily rounds, one a day (each UPT's delta, then the run), each day's run time
        printed so that the trend with history shows."""
        scenario = self.results.setdefault("history", Scenario("Riwayat harian sebelum pengukuran"))
        for i in range(self.history_days):
            self._next_day()
            changed = self.change(0.01, 0.005)
            send_seconds, rows = self.send_all(full=False)
            self._vacuum()
            result = self.consolidate()
            result.update(day=timezone.localdate().isoformat(), send_seconds=send_seconds, rows_sent=rows,
                          rows_changed=changed)  # fmt: skip
            scenario.runs.append(result)
            self.say(
                f"  hari {i + 1}/{self.history_days} ({result['day']}): {rows:,} baris dikirim dalam "
                f"{send_seconds:.1f} s; konsolidasi {result['seconds']:.2f} s (beban mesin {result['load']:.1f})"
            )

    def receive(self) -> None:
        """A package of about 5,000 rows: the full package of the unit whose package is closest to it."""
        scenario = self.results.setdefault("receive", Scenario("Terima paket 5.000 baris"))
        sizes = []
        for upt, operator in self.units:
            n = Person.objects.filter(upt=upt).count()
            n += Movement.objects.filter(upt=upt).count() + Remission.objects.filter(upt=upt).count()
            sizes.append((abs(n - 5000), upt, operator, n))
        _d, upt, operator, _n = min(sizes, key=lambda s: s[0])
        for _ in range(self.runs):
            built = package_build(user=operator, upt=upt, force_full=True)
            payload = built.payload()
            elapsed = 0.0
            try:
                with transaction.atomic():
                    tracked = _hwm_reset()
                    started = time.perf_counter()
                    submission_receive(user=operator, payload=payload, channel="api", expected_upt=upt)
                    elapsed = time.perf_counter() - started
                    raise _Rollback
            except _Rollback:
                pass
            scenario.runs.append(
                {
                    "seconds": elapsed,
                    "load": round(os.getloadavg()[0], 2),
                    "rows": built.row_count,
                    "upt": upt.code,
                    "peak_mib": _hwm_mib() if tracked else None,
                }
            )
        self.say(
            f"  terima paket {scenario.runs[0]['rows']:,} baris ({upt.code}): median {scenario.median('seconds'):.3f} s"
        )

    def pages(self) -> None:
        with production_like_requests():
            self._pages()

    def _pages(self) -> None:
        users = {"central": self.central, "kanwil": self.monitor}
        last = OccupancySnapshot.objects.order_by("-date").values_list("date", flat=True).first()
        day = last or timezone.localdate()
        days = {"day": day.isoformat(), "day30": (day - timedelta(days=29)).isoformat()}
        for label, name, kwargs, who, query_template in PAGES:
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch as exc:
                raise BenchError(f"Halaman {label} ({name}) tidak ditemukan: perbarui PAGES.") from exc
            query = {key: value.format(**days) for key, value in query_template.items()}
            client = Client()
            client.force_login(users[who])
            scenario = self.results.setdefault(f"page:{label}", Scenario(label))
            # A first request warms the caches a real server keeps between requests and counts the
            # queries; the timed ones run without the query log, as in production. Each request empties the
            # connection's query log when it starts, so the capture must start from an empty one too.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                response = _get(client, url, query)
            query_count = len(queries)  # now: the capture reads the log lazily, and the next request empties it
            if response.status_code != 200:
                raise BenchError(f"{url} menjawab {response.status_code}")
            for _ in range(max(self.runs, 5)):
                started = time.perf_counter()
                _get(client, url, query)
                elapsed = time.perf_counter() - started
                scenario.runs.append(
                    {"ms": elapsed * 1000, "queries": query_count, "url": url, "query": query,
                     "load": round(os.getloadavg()[0], 2)}
                )  # fmt: skip
            self.say(f"  {label}: median {scenario.median('ms'):.0f} ms, {scenario.runs[-1]['queries']} kueri")

    # --- the whole thing ------------------------------------------------------------------------------
    def run(self, *, only: set[str] | None = None) -> dict:
        def wanted(name: str) -> bool:
            return only is None or name in only

        started = time.perf_counter()
        if wanted("receive"):
            self.say("Menerima paket ±5.000 baris…")
            self.receive()
        if wanted("first"):
            # Before the others: its last repetition leaves the loaded register they start from.
            self.say("Muat awal nasional ke register kosong…")
            self.first()
        if wanted("full") or wanted("all") or wanted("daily"):
            self.ensure_register()
        if wanted("full"):
            self.say("Konsolidasi nasional lengkap, ±5% berubah…")
            self.national("full", "Konsolidasi nasional, paket lengkap, ±5% berubah",
                          people=0.05, records=0.05, full=True, filtered=True)  # fmt: skip
        if wanted("all"):
            self.say("Konsolidasi nasional, semua baris berubah…")
            self.national("all", "Konsolidasi nasional, semua baris berubah",
                          people=1.0, records=1.0, full=True, filtered=False)  # fmt: skip
        if wanted("daily") and self.history_days:
            with self._days():
                self.say(f"Riwayat {self.history_days} hari (delta setiap UPT dan konsolidasi, sehari sekali)…")
                self.history()
                self.say("Konsolidasi harian setelah riwayat, setiap putaran hari baru…")
                self.national("daily", "Konsolidasi harian, delta setiap UPT",
                              people=0.01, records=0.005, full=False, filtered=None, new_days=True)  # fmt: skip
        elif wanted("daily"):
            self.say("Konsolidasi harian (delta dari setiap UPT)…")
            self.national("daily", "Konsolidasi harian, delta setiap UPT",
                          people=0.01, records=0.005, full=False, filtered=None)  # fmt: skip
        if wanted("pages"):
            self.say("Halaman pada skala nasional…")
            self.pages()
        return self.report(time.perf_counter() - started)

    def report(self, total_seconds: float) -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        return {
            "when": datetime.now(tz=timezone.get_current_timezone()).isoformat(timespec="seconds"),
            "code": self.code,
            "machine": {
                "cpus": os.cpu_count(),
                "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                "python": platform.python_version(),
                "database": f"PostgreSQL {server}",
            },
            "dataset": {
                "upts": Upt.objects.count(),
                "people": Person.objects.count(),
                "movements": Movement.objects.count(),
                "remissions": Remission.objects.count(),
            },
            "runs": self.runs,
            "history_days": self.history_days,
            "total_seconds": round(total_seconds, 1),
            "scenarios": {key: {"label": s.name, "runs": s.runs} for key, s in self.results.items()},
            "summary": self.summary_rows(),
        }

    def summary_rows(self) -> list[dict]:
        rows = []

        def add(what, value, unit, target=None, ok=None, note=""):
            rows.append({"what": what, "value": value, "unit": unit, "target": target, "ok": ok, "note": note})

        for key, target in (("full", TARGET_FULL_RATIO), ("all", TARGET_ALL_RATIO)):
            s = self.results.get(key)
            if s:
                ratio = s.median("ratio")
                add(s.name, round(s.median("seconds"), 2), "s", None, None,
                    f"SQL polos {s.median('baseline_seconds'):.2f} s (pernyataan saja "
                    f"{s.median('baseline_statements_seconds'):.2f} s, tanpa cek kunci asing); "
                    f"{s.median('rows_sent'):,.0f} baris")  # fmt: skip
                add(f"  rasio terhadap SQL polos ({key})", round(ratio, 2), "×", f"≤ {target:g}×", ratio <= target)
        s = self.results.get("first")
        if s:
            ratio = s.median("ratio")
            add(s.name, round(s.median("seconds"), 2), "s", None, None,
                f"COPY {s.median('baseline_copy_seconds'):.2f} s + upsert polos "
                f"{s.median('baseline_seconds') - s.median('baseline_copy_seconds'):.2f} s; "
                f"{s.median('rows_sent'):,.0f} baris")  # fmt: skip
            add("  rasio terhadap COPY + upsert polos (first)", round(ratio, 2), "×", f"≤ {TARGET_FIRST_RATIO:g}×",
                ratio <= TARGET_FIRST_RATIO, f"terhadap upsert saja {s.median('ratio_upsert_only'):.2f}×")  # fmt: skip
        s = self.results.get("daily")
        if s:
            add(s.name, round(s.median("seconds"), 2), "s", f"≤ {TARGET_DAILY_SECONDS:g} s",
                s.median("seconds") <= TARGET_DAILY_SECONDS,
                f"{s.median('rows_sent'):,.0f} baris")  # fmt: skip
        peaks = [r["peak_mib"] for key in ("initial", "first", "full", "all", "daily") if key in self.results
                 for r in self.results[key].runs if r.get("peak_mib")]  # fmt: skip
        if peaks:
            add("Memori puncak proses konsolidasi", round(max(peaks)), "MiB", f"< {TARGET_PEAK_MIB}",
                max(peaks) < TARGET_PEAK_MIB, "maksimum semua run")  # fmt: skip
        s = self.results.get("receive")
        if s:
            add(f"{s.name} ({s.runs[0]['rows']:,} baris)", round(s.median("seconds"), 3), "s",
                f"< {TARGET_RECEIVE_SECONDS:g} s", s.median("seconds") < TARGET_RECEIVE_SECONDS)  # fmt: skip
        for key, s in self.results.items():
            if key.startswith("page:"):
                ms = s.median("ms")
                add(s.name, round(ms), "ms", f"< {TARGET_PAGE_MS}", ms < TARGET_PAGE_MS,
                    f"{s.runs[-1]['queries']} kueri")  # fmt: skip
        return rows


def production_like_requests():
    """Requests as a production server answers them: DEBUG off (no query log), plain static URLs (no
    ``collectstatic`` manifest needed), the test client's host allowed."""
    return override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )


def _get(client: Client, url: str, query: dict):
    """A GET through the whole stack, its body read to the end (exports stream)."""
    response = client.get(url, query)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 — render it
    return response


class _Rollback(Exception):
    pass


class _StepTimes(logging.Handler):
    """Keeps the per-step wall times a run's progress writer logs when the run ends."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.seconds: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.seconds.update(getattr(record, "step_seconds", None) or {})


def write_results(result: dict, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"bench-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    (directory / "latest.json").write_text(path.read_text())
    return path


def format_table(result: dict) -> str:
    lines = [
        f"kode {result.get('code', '?')}, {result['when']}",
        f"{'ukuran':<58} {'median':>12} {'target':>14}  ok  catatan",
    ]
    for row in result["summary"]:
        value = f"{row['value']:,}" if isinstance(row["value"], int) else f"{row['value']}"
        ok = "" if row["ok"] is None else ("ya" if row["ok"] else "TIDAK")
        lines.append(
            f"{row['what']:<58} {value + ' ' + row['unit']:>12} {row['target'] or '':>14}  {ok:<3} {row['note']}"
        )
    runs = {key: s["runs"] for key, s in result["scenarios"].items() if any(r.get("steps") for r in s["runs"])}
    if runs:
        steps = list(dict.fromkeys(step for rs in runs.values() for r in rs for step in r.get("steps") or {}))
        lines += ["", f"{'waktu per langkah (median, s)':<42}" + "".join(f"{key:>10}" for key in runs)]
        for step in steps:
            cells = []
            for rs in runs.values():
                values = [r["steps"][step] for r in rs if step in (r.get("steps") or {})]
                cells.append(f"{statistics.median(values):>10.2f}" if values else f"{'':>10}")
            lines.append(f"{step:<42}" + "".join(cells))
    return "\n".join(lines)


__all__ = ["BenchError", "NationalBench", "asdict", "format_table", "write_results"]
