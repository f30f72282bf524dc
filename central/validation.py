"""The validation catalogue: every rule consolidation applies to staged rows — its code, record type,
severity, Indonesian message and its set-based SQL — in this one module.

A rule is a SQL condition over one staged row (alias ``s``) and its run submission (alias ``rs``: the
``sdp_run_sub`` table the run builds, with ``submission_id`` and ``upt_id``), plus an optional ``detail``
expression that tells the operator what exactly is wrong. ``issue_statements`` turns the active rules into
``INSERT … SELECT`` statements into ``RowIssue``: rules that need only the row itself share one statement
per record type (one pass over the staged rows); rules that look at other rows (duplicates, the register,
the UPT registry) run as statements of their own so the database can plan them as hash joins. Errors
reject the row; warnings keep it. Nothing here loops over rows in Python.

Parameters every statement receives: ``run`` (the run id), ``today`` (the run's WIB date),
The ages, the NIK's format, the order of dates and the dates that may not lie in the future come from
``central.register_rules``, which the UPT's data entry checks with too.

To add a rule, append a ``Rule`` to ``RULES``; ``validation_rules_sync`` (after every migrate and at the
start of each run) lists it in the admin, where central may switch off any rule that is not structural.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import transaction
from django.utils.translation import gettext_noop

from central.issue_details import detail_sql
from central.models import (
    NationalMovement,
    NationalPerson,
    NationalRemission,
    RowIssue,
    StagedDeletion,
    StagedMovement,
    StagedPerson,
    StagedRemission,
    Submission,
    Upt,
    ValidationRule,
)
from central.nik import FEMALE_DAY_OFFSET, region_codes
from central.reference import (
    DETAINEE_REGISTERS,
    HELD_STATUSES,
    MOVEMENT_RULES,
    SENTENCED_REGISTERS,
    CrimeCategory,
    Education,
    MovementKind,
    PersonStatus,
    Register,
    ReleaseReason,
    Religion,
    RemissionKind,
    Sex,
    TemporaryExitReason,
)
from central.register_rules import (
    DATE_ORDER,
    MAXIMUM_AGE_AT_DETENTION,
    MINIMUM_AGE_AT_DETENTION,
    NIK_SQL_PATTERN,
    NOT_FUTURE_FIELDS,
    age_sql,
)

PERSON, MOVEMENT, REMISSION = "person", "movement", "remission"
ERROR, WARNING = "error", "warning"
RUN_SUB_TABLE = "sdp_run_sub"  # the run's submissions, built by the consolidation engine


@dataclass(frozen=True)
class SqlContext:
    """Table names, for building SQL."""

    staged_person: str
    staged_movement: str
    staged_remission: str
    staged_deletion: str
    national_person: str
    national_movement: str
    national_remission: str
    upt: str
    submission: str
    rowissue: str
    run_sub: str = RUN_SUB_TABLE
    # A run whose rows are a small share of staging (the engine's ``plan_for_size``): rules that look at
    # other rows of the package then read them row by row through an index instead of as a set.
    small_run: bool = False

    @classmethod
    def build(cls) -> SqlContext:
        return cls(
            staged_person=StagedPerson._meta.db_table,
            staged_movement=StagedMovement._meta.db_table,
            staged_remission=StagedRemission._meta.db_table,
            staged_deletion=StagedDeletion._meta.db_table,
            national_person=NationalPerson._meta.db_table,
            national_movement=NationalMovement._meta.db_table,
            national_remission=NationalRemission._meta.db_table,
            upt=Upt._meta.db_table,
            submission=Submission._meta.db_table,
            rowissue=RowIssue._meta.db_table,
        )

    def staged(self, record_type: str) -> str:
        return {PERSON: self.staged_person, MOVEMENT: self.staged_movement, REMISSION: self.staged_remission}[
            record_type
        ]


Sql = Callable[[SqlContext], str]


@dataclass(frozen=True)
class Rule:
    code: str
    record_type: str
    severity: str
    message: str  # Indonesian; shown on the UPT's correction list
    description: str
    where: Sql
    detail: Sql = lambda q: "NULL"  # the jsonb of ``central.issue_details.detail_sql``
    own_statement: bool = False  # looks beyond the row itself: runs as its own statement
    joins: Sql = lambda q: ""
    structural: bool = False  # consolidation relies on it (keys, codes the snapshot counts): always on


def sql_list(values: Iterable[str]) -> str:
    """A SQL list literal of reference codes (codes never contain quotes)."""
    items = sorted(str(v) for v in values)
    assert all("'" not in v for v in items)
    return "(" + ", ".join(f"'{v}'" for v in items) + ")"


_TERM_B = sql_list([Register.B_I, Register.B_IIA, Register.B_IIB])
_HELD = sql_list(HELD_STATUSES)
_DETAINEE = sql_list(DETAINEE_REGISTERS)
_SENTENCED = sql_list(SENTENCED_REGISTERS)
_TERM = sql_list([Register.B_I, Register.B_IIA, Register.B_IIB, Register.B_III])
_NIK_16 = NIK_SQL_PATTERN


def b_register_sql(alias: str = "s") -> str:
    """The B register a sentence belongs in, as SQL — the same answer as ``central.sentence.b_register_for``
    (lengths compared with 30-day months: B.I over 360 days, B.IIa over 90, B.IIb from 1 day; a test
    checks the two agree). NULL for a zero sentence."""
    length = f"(({alias}.sentence_years * 12 + {alias}.sentence_months) * 30 + {alias}.sentence_days)"
    return (
        f"CASE WHEN {length} > 360 THEN '{Register.B_I.value}' WHEN {length} > 90 THEN '{Register.B_IIA.value}' "
        f"WHEN {length} > 0 THEN '{Register.B_IIB.value}' END"
    )


def _register_term_detail(alias: str = "s") -> str:
    term = {
        "register": f"{alias}.register",
        "years": f"{alias}.sentence_years",
        "months": f"{alias}.sentence_months",
        "days": f"{alias}.sentence_days",
    }
    return (
        f"CASE WHEN {b_register_sql(alias)} IS NULL THEN {detail_sql('register_no_term', **term)} "
        f"ELSE {detail_sql('register_term', **term, expected=b_register_sql(alias))} END"
    )


def nik_linkable_sql(col: str) -> str:
    """A NIK good enough to link people on — the checks of ``central.nik.nik_problems`` that need no other
    field: 16 digits, not one digit repeated, a province, regency and district of Kemendagri's list
    (``central.nik.region_codes``), a day and month that exist (day + 40 for women), a serial other than
    0000. Safe on any text: casts only after the check. The region list is one array constant, which
    PostgreSQL looks up in a hash table it builds once per statement."""
    return f"(CASE WHEN ({col} ~ '{_NIK_16}') THEN {_nik_linkable_digits(col)} ELSE false END)"


def _nik_linkable_digits(col: str) -> str:
    """``nik_linkable_sql`` for a value already known to be 16 digits. Each part is one substring looked up
    in a list or compared as text: the day and month cast to numbers took eight casts per NIK, a quarter of
    the check's cost on a national round (docs/BENCHMARKS.md)."""
    return (
        f"(replace({col}, substr({col}, 1, 1), '') <> '' "
        f"AND substr({col}, 1, 6) = ANY({_region_array()}) "
        f"AND substr({col}, 7, 4) = ANY({_day_month_array()}) "
        f"AND substr({col}, 13, 4) <> '0000')"
    )


def _region_array() -> str:
    """Every district code a NIK may start with, as a text[] literal (digits only, so nothing to escape)."""
    return "'{" + ",".join(sorted(region_codes().districts)) + "}'::text[]"


@cache
def _day_month_array() -> str:
    """Every DDMM a NIK's birth date may have, a woman's day + 40 included, as a text[] literal: the days of
    each month of a leap year (29 February is a possible birthday)."""
    days = {
        f"{day + offset:02d}{month:02d}"
        for month in range(1, 13)
        for day in range(1, monthrange(2000, month)[1] + 1)
        for offset in (0, FEMALE_DAY_OFFSET)
    }
    return "'{" + ",".join(sorted(days)) + "}'::text[]"


# A NIK's day that passed ``_nik_linkable_digits`` is 01–31, or 41–71 for a woman: its first digit tells the
# sex, and mapping that digit back (4 → 0 … 7 → 3) gives the day of birth.
assert FEMALE_DAY_OFFSET % 10 == 0 and FEMALE_DAY_OFFSET >= 40
_WOMAN_FIRST_DIGITS = "".join(str(d + FEMALE_DAY_OFFSET // 10) for d in range(4))


def _nik_matches_person_digits(alias: str) -> str:
    """The NIK's birth date and sex are the row's (as ``central.nik.nik_problems`` checks them), for a NIK
    that passed ``_nik_linkable_digits`` (see above); compared as text, the birth date as DDMMYY."""
    nik = f"{alias}.nik"
    sex_ok = (
        f"(CASE WHEN substr({nik}, 7, 1) >= '{_WOMAN_FIRST_DIGITS[0]}' THEN '{Sex.FEMALE.value}' "
        f"ELSE '{Sex.MALE.value}' END) = {alias}.sex"
    )
    birth_ok = (
        f"({alias}.birth_date IS NULL OR translate(substr({nik}, 7, 1), '{_WOMAN_FIRST_DIGITS}', '0123') "
        f"|| substr({nik}, 8, 5) = to_char({alias}.birth_date, 'DDMMYY'))"
    )
    return f"({sex_ok} AND {birth_ok})"


def detention_overdue_sql(alias: str = "s") -> str:
    """A held detainee past the last lawful day of their detention: P_DETENTION_OVERDUE, and the overstay
    sentinel's count in the daily snapshot (docs/REPORTS.md)."""
    return (
        f"({alias}.register IN {_DETAINEE} AND {alias}.status IN {_HELD} AND {alias}.detention_limit_date < %(today)s)"
    )


def expiry_passed_sql(alias: str = "s") -> str:
    """A held narapidana past their expiry date: P_EXPIRY_PASSED, and the overstay sentinel's other count."""
    return f"({alias}.register IN {_TERM} AND {alias}.status IN {_HELD} AND {alias}.expiry_date < %(today)s)"


def nik_plausible_sql(alias: str = "s") -> str:
    """A NIK that passes P_NIK_IMPLAUSIBLE: the only kind linkage links people by (DESIGN §1). The format is
    matched once: matched three times, the regular expression was half the check's cost on a national round."""
    return f"(CASE WHEN ({alias}.nik ~ '{_NIK_16}') THEN {_nik_plausible_digits(alias)} ELSE false END)"


def _nik_plausible_digits(alias: str) -> str:
    return f"({_nik_linkable_digits(f'{alias}.nik')} AND {_nik_matches_person_digits(alias)})"


def _people_known_sql(q: SqlContext) -> str:
    """The person a movement or remission refers to came in the same package (a column derived at receipt),
    is in another of the run's packages from the same UPT, or is already in the UPT's national register
    (deltas carry only what changed). Only rows whose person did not come with them are looked up: a
    national round's full packages bring their people, and the two searches over every one of its 865,000
    movements cost 0.77 s (docs/BENCHMARKS.md). NULL (a row staged before the column) is looked up too."""
    return (
        f"s.person_in_package IS NOT TRUE "
        f"AND NOT EXISTS (SELECT 1 FROM {q.staged_person} p JOIN {q.run_sub} pr ON pr.submission_id = p.submission_id "
        f"WHERE pr.upt_id = rs.upt_id AND p.reg_number = s.person_reg_number) "
        f"AND NOT EXISTS (SELECT 1 FROM {q.national_person} n "
        f"WHERE n.upt_id = rs.upt_id AND n.reg_number = s.person_reg_number)"
    )


def _duplicate_sql(table: str, key: str) -> Sql:
    """Another row of the same package has the row's key. In a small run, looked up row by row through
    the staging table's (submission, key) index, so the work follows the run's rows (grouping read the
    whole staging history whenever the planner misjudged a delta's size); see ``_duplicates_join``."""

    def where(q: SqlContext) -> str:
        if not q.small_run:
            return "1 = 1"
        return (
            f"EXISTS (SELECT 1 FROM {table.format(q=q)} x WHERE x.submission_id = s.submission_id "
            f"AND x.{key} = s.{key} AND x.id <> s.id)"
        )

    return where


def _duplicates_join(table: str, key: str) -> Sql:
    """The run's duplicate keys in a run that is not small (a full national round): the row by row look-up
    then became a hash of the whole staging history, every earlier round's rows too. The packages that
    repeat a key are found first, each package's rows counted against its distinct keys through the
    (submission, key) index, and only their rows are grouped: grouping every row of the run hashed
    865,000 movements of a national round (0.51 s against 0.07 s, docs/BENCHMARKS.md)."""

    def joins(q: SqlContext) -> str:
        if q.small_run:
            return ""
        table_sql = table.format(q=q)
        repeating = (
            f"SELECT xr.submission_id FROM {q.run_sub} xr CROSS JOIN LATERAL (SELECT COUNT(*) AS n, "
            f"COUNT(DISTINCT y.{key}) AS d FROM {table_sql} y WHERE y.submission_id = xr.submission_id) c "
            f"WHERE c.n > c.d"
        )
        return (
            f"JOIN (SELECT x.submission_id, x.{key} FROM {table_sql} x WHERE x.submission_id IN ({repeating}) "
            f"GROUP BY x.submission_id, x.{key} HAVING COUNT(*) > 1) dup "
            f"ON dup.submission_id = s.submission_id AND dup.{key} = s.{key}"
        )

    return joins


RULES: list[Rule] = [
    # --- people -------------------------------------------------------------------------------------
    Rule(
        "P_REQUIRED",
        PERSON,
        ERROR,
        gettext_noop("Nomor registrasi atau nama lengkap kosong."),
        gettext_noop(
            "Tanpa nomor registrasi data tidak dapat disimpan di register nasional; tanpa nama tidak dapat ditautkan."
        ),
        where=lambda q: "trim(s.reg_number) = '' OR trim(s.full_name) = ''",
        detail=lambda q: (
            f"CASE WHEN trim(s.reg_number) = '' THEN {detail_sql('reg_number_empty')} "
            f"ELSE {detail_sql('full_name_empty')} END"
        ),
        structural=True,
    ),
    Rule(
        "P_CODE_UNKNOWN",
        PERSON,
        ERROR,
        gettext_noop("Kode jenis kelamin, register, kategori kejahatan atau status tidak dikenal."),
        gettext_noop(
            "Kode harus sesuai daftar kode SDP (central/reference.py); snapshot hunian menghitung menurut kode ini."
        ),
        where=lambda q: (
            f"s.sex NOT IN {sql_list(Sex.values)} OR s.register NOT IN {sql_list(Register.values)} "
            f"OR s.crime_category NOT IN {sql_list(CrimeCategory.values)} "
            f"OR s.status NOT IN {sql_list(PersonStatus.values)}"
        ),
        detail=lambda q: (
            f"CASE WHEN s.sex NOT IN {sql_list(Sex.values)} THEN {detail_sql('sex', value='s.sex')} "
            f"WHEN s.register NOT IN {sql_list(Register.values)} "
            f"THEN {detail_sql('register_code', value='s.register')} "
            f"WHEN s.crime_category NOT IN {sql_list(CrimeCategory.values)} "
            f"THEN {detail_sql('crime_category', value='s.crime_category')} "
            f"ELSE {detail_sql('status', value='s.status')} END"
        ),
        structural=True,
    ),
    Rule(
        "P_CODE_OPTIONAL",
        PERSON,
        WARNING,
        gettext_noop("Kode agama atau pendidikan tidak dikenal."),
        gettext_noop("Agama dan pendidikan boleh kosong; jika diisi harus sesuai daftar kode SDP."),
        where=lambda q: (
            f"(s.religion <> '' AND s.religion NOT IN {sql_list(Religion.values)}) "
            f"OR (s.education <> '' AND s.education NOT IN {sql_list(Education.values)})"
        ),
        detail=lambda q: (
            f"CASE WHEN s.religion <> '' AND s.religion NOT IN {sql_list(Religion.values)} "
            f"THEN {detail_sql('religion', value='s.religion')} ELSE {detail_sql('education', value='s.education')} END"
        ),
    ),
    Rule(
        "P_NIK_FORMAT",
        PERSON,
        ERROR,
        gettext_noop("NIK harus 16 digit angka (atau dikosongkan bila tidak ada)."),
        gettext_noop("NIK (Nomor Induk Kependudukan) terdiri dari 16 digit angka."),
        where=lambda q: f"s.nik <> '' AND NOT (s.nik ~ '{_NIK_16}')",
        detail=lambda q: detail_sql("nik_text", nik="s.nik"),
    ),
    Rule(
        "P_NIK_IMPLAUSIBLE",
        PERSON,
        WARNING,
        gettext_noop("NIK tidak sesuai dengan provinsi, tanggal lahir atau jenis kelamin."),
        gettext_noop(
            "Pemeriksaan yang sama dengan pengisian data di UPT (central/nik.py): kode provinsi, kabupaten/kota "
            "dan kecamatan menurut daftar kode wilayah Kemendagri, tanggal lahir DDMMYY (tanggal + 40 untuk "
            "perempuan) yang sama dengan tanggal lahir dan jenis kelamin WBP, nomor urut bukan 0000. NIK seperti "
            "ini tidak dipakai untuk menautkan identitas: WBP ditautkan dengan nama, tanggal dan tempat lahir."
        ),
        where=lambda q: f"(CASE WHEN (s.nik ~ '{_NIK_16}') THEN NOT {_nik_plausible_digits('s')} ELSE false END)",
        detail=lambda q: detail_sql("nik", nik="s.nik"),
    ),
    Rule(
        "P_DATE_FUTURE",
        PERSON,
        ERROR,
        gettext_noop("Tanggal di masa depan."),
        gettext_noop(
            "Tanggal lahir, mulai ditahan, masuk UPT, register sejak dan tanggal putusan tidak boleh setelah hari ini."
        ),
        where=lambda q: " OR ".join(f"s.{field} > %(today)s" for field in NOT_FUTURE_FIELDS),
        detail=lambda q: (
            "CASE "
            + " ".join(f"WHEN s.{f} > %(today)s THEN {detail_sql(f, date=f's.{f}')}" for f in NOT_FUTURE_FIELDS)
            + " END"
        ),
    ),
    Rule(
        "P_DATE_ORDER",
        PERSON,
        ERROR,
        gettext_noop("Urutan tanggal tidak masuk akal."),
        gettext_noop(
            "Lahir sebelum ditahan; ditahan tidak setelah masuk UPT; putusan dan register saat ini tidak sebelum "
            "mulai ditahan."
        ),
        where=lambda q: " OR ".join(f"({order.sql()})" for order in DATE_ORDER),
        detail=lambda q: (
            "CASE "
            + " ".join(
                f"WHEN {o.sql()} THEN "
                + detail_sql(
                    "date_order", earlier=f"'{o.earlier}'", a=f"s.{o.earlier}", later=f"'{o.later}'", b=f"s.{o.later}"
                )
                for o in DATE_ORDER
            )
            + " END"
        ),
    ),
    Rule(
        "P_AGE_IMPLAUSIBLE",
        PERSON,
        WARNING,
        gettext_noop("Umur pada mulai ditahan tidak wajar (di bawah 12 atau di atas 110 tahun)."),
        gettext_noop(
            "Anak yang berkonflik dengan hukum berumur sekurang-kurangnya 12 tahun pada saat tindak pidana (UU 11/2012 "
            "tentang SPPA, pasal 1 angka 3), yang terjadi sebelum penahanan; umur diukur pada tanggal mulai ditahan "
            "(tanggal masuk bila kosong). Di atas 110 tahun hampir pasti salah ketik. Pemeriksaan yang sama dengan "
            "pengisian data di UPT."
        ),
        where=lambda q: age_sql("s"),
        detail=lambda q: detail_sql("birth_date", date="s.birth_date"),
    ),
    Rule(
        "P_REGISTER_SENTENCE",
        PERSON,
        ERROR,
        gettext_noop("Register tidak sesuai dengan lama pidana."),
        gettext_noop(
            "B.I pidana lebih dari 1 tahun, B.IIa lebih dari 3 bulan s.d. 1 tahun, B.IIb 1 hari s.d. 3 bulan; "
            "B.III (kurungan) harus mencantumkan lama pidana."
        ),
        where=lambda q: (
            f"(s.register IN {_TERM_B} AND s.register <> COALESCE({b_register_sql()}, '')) "
            f"OR (s.register = '{Register.B_III.value}' AND {b_register_sql()} IS NULL)"
        ),
        detail=lambda q: _register_term_detail(),
    ),
    Rule(
        "P_VERDICT_MISSING",
        PERSON,
        WARNING,
        gettext_noop("Narapidana tanpa tanggal putusan (petikan putusan belum ada)."),
        gettext_noop("Narapidana harus memiliki petikan putusan; daftar ini dipakai untuk melengkapi berkas."),
        where=lambda q: f"s.register IN {_SENTENCED} AND s.verdict_date IS NULL",
        detail=lambda q: detail_sql("register", register="s.register"),
    ),
    Rule(
        "P_DETENTION_START_MISSING",
        PERSON,
        WARNING,
        gettext_noop("Tanggal mulai ditahan kosong: tanggal ekspirasi tidak dapat dihitung."),
        gettext_noop("Masa pidana dihitung sejak mulai ditahan."),
        where=lambda q: f"s.register IN {_TERM} AND s.detention_start IS NULL",
        detail=lambda q: detail_sql("register", register="s.register"),
    ),
    Rule(
        "P_DETENTION_OVERDUE",
        PERSON,
        WARNING,
        gettext_noop("Tahanan melewati batas masa penahanan."),
        gettext_noop(
            "Batas = mulai register tahanan saat ini + masa penahanan awal + perpanjangan terpanjang (KUHAP)."
        ),
        where=lambda q: detention_overdue_sql("s"),
        detail=lambda q: detail_sql("detention_limit", date="s.detention_limit_date"),
    ),
    Rule(
        "P_EXPIRY_PASSED",
        PERSON,
        WARNING,
        gettext_noop("Tanggal ekspirasi sudah lewat tetapi masih tercatat ditahan."),
        gettext_noop(
            "Narapidana yang telah habis masa pidananya harus dibebaskan (bebas murni) atau datanya diperbaiki."
        ),
        where=lambda q: expiry_passed_sql("s"),
        detail=lambda q: detail_sql("expiry", date="s.expiry_date"),
    ),
    Rule(
        "P_DUPLICATE_REG",
        PERSON,
        ERROR,
        gettext_noop("Nomor registrasi muncul lebih dari sekali dalam satu paket."),
        gettext_noop("Satu nomor registrasi hanya untuk satu orang di satu UPT."),
        where=_duplicate_sql("{q.staged_person}", "reg_number"),
        joins=_duplicates_join("{q.staged_person}", "reg_number"),
        detail=lambda q: detail_sql("reg_number", reg="s.reg_number"),
        own_statement=True,
        structural=True,
    ),
    # --- movements ----------------------------------------------------------------------------------
    Rule(
        "M_KIND_UNKNOWN",
        MOVEMENT,
        ERROR,
        gettext_noop("Jenis mutasi tidak dikenal."),
        gettext_noop("Jenis mutasi harus sesuai daftar kode SDP."),
        where=lambda q: f"s.kind NOT IN {sql_list(MovementKind.values)}",
        detail=lambda q: detail_sql("kind", value="s.kind"),
        structural=True,
    ),
    Rule(
        "M_OTHER_UPT",
        MOVEMENT,
        ERROR,
        gettext_noop("UPT asal/tujuan pemindahan kosong, tidak dikenal, atau sama dengan UPT sendiri."),
        gettext_noop("Pindah keluar dan pindahan masuk harus menyebut kode UPT lain yang terdaftar."),
        where=lambda q: (
            f"(s.kind IN {sql_list(k for k, r in MOVEMENT_RULES.items() if r.needs_other_upt)} "
            "AND (ou.id IS NULL OR ou.id = rs.upt_id)) OR (s.other_upt_code <> '' AND ou.id IS NULL)"
        ),
        detail=lambda q: (
            f"CASE WHEN s.other_upt_code = '' THEN {detail_sql('upt_empty')} "
            f"WHEN ou.id IS NULL THEN {detail_sql('upt_unknown', upt='s.other_upt_code')} "
            f"ELSE {detail_sql('upt_own', upt='s.other_upt_code')} END"
        ),
        own_statement=True,
        joins=lambda q: f"LEFT JOIN {q.upt} ou ON ou.code = s.other_upt_code",
        structural=True,
    ),
    Rule(
        "M_PERSON_UNKNOWN",
        MOVEMENT,
        ERROR,
        gettext_noop("Mutasi untuk orang yang tidak ada di paket maupun di register nasional."),
        gettext_noop("Nomor registrasi pada mutasi harus merujuk orang di UPT yang sama."),
        where=_people_known_sql,
        detail=lambda q: detail_sql("reg_number", reg="s.person_reg_number"),
        own_statement=True,
    ),
    Rule(
        "M_DATE_FUTURE",
        MOVEMENT,
        ERROR,
        gettext_noop("Tanggal mutasi di masa depan."),
        gettext_noop("Mutasi dicatat setelah terjadi."),
        where=lambda q: "s.date > %(today)s",
        detail=lambda q: detail_sql("date", date="s.date"),
    ),
    Rule(
        "M_DETAILS_MISSING",
        MOVEMENT,
        ERROR,
        gettext_noop("Keterangan mutasi tidak lengkap (alasan bebas, alasan keluar sementara, atau register tujuan)."),
        gettext_noop(
            "Bebas memerlukan alasan bebas, keluar sementara memerlukan alasan, mutasi registrasi memerlukan "
            "register tujuan — masing-masing sesuai daftar kode SDP."
        ),
        where=lambda q: (
            f"(s.kind = '{MovementKind.RELEASE.value}' AND s.release_reason NOT IN {sql_list(ReleaseReason.values)}) "
            f"OR (s.kind = '{MovementKind.TEMPORARY_EXIT.value}' "
            f"AND s.exit_reason NOT IN {sql_list(TemporaryExitReason.values)}) "
            f"OR (s.kind = '{MovementKind.REGISTER_CHANGE.value}' AND s.register_to NOT IN {sql_list(Register.values)})"
        ),
        detail=lambda q: (
            f"CASE WHEN s.kind = '{MovementKind.RELEASE.value}' "
            f"THEN {detail_sql('release_reason', value='s.release_reason')} "
            f"WHEN s.kind = '{MovementKind.TEMPORARY_EXIT.value}' "
            f"THEN {detail_sql('exit_reason', value='s.exit_reason')} "
            f"ELSE {detail_sql('register_to', value='s.register_to')} END"
        ),
    ),
    Rule(
        "M_DUPLICATE_UID",
        MOVEMENT,
        ERROR,
        gettext_noop("Mutasi yang sama (uid) muncul lebih dari sekali dalam satu paket."),
        gettext_noop("Setiap mutasi memiliki uid sendiri."),
        where=_duplicate_sql("{q.staged_movement}", "uid"),
        joins=_duplicates_join("{q.staged_movement}", "uid"),
        detail=lambda q: detail_sql("reg_number", reg="s.person_reg_number"),
        own_statement=True,
        structural=True,
    ),
    Rule(
        "M_BEFORE_ADMISSION",
        MOVEMENT,
        WARNING,
        gettext_noop("Tanggal mutasi sebelum tanggal masuk UPT."),
        gettext_noop("Mutasi di UPT ini terjadi sejak orang tersebut masuk UPT."),
        # The latest admission date among the package's rows of that person, derived at receipt: a join of
        # the run's people per movement cost 0.50 s on a national round.
        where=lambda q: "s.date < s.person_admission_date",
        detail=lambda q: detail_sql("reg_number_date", reg="s.person_reg_number", date="s.date"),
    ),
    # --- remissions ---------------------------------------------------------------------------------
    Rule(
        "R_KIND_UNKNOWN",
        REMISSION,
        ERROR,
        gettext_noop("Jenis remisi tidak dikenal."),
        gettext_noop("Jenis remisi harus sesuai daftar kode SDP."),
        where=lambda q: f"s.kind NOT IN {sql_list(RemissionKind.values)}",
        detail=lambda q: detail_sql("kind", value="s.kind"),
        structural=True,
    ),
    Rule(
        "R_DAYS_RANGE",
        REMISSION,
        ERROR,
        gettext_noop("Jumlah hari remisi harus 1 sampai 365."),
        gettext_noop("Satu SK remisi memberikan paling sedikit 1 hari dan tidak lebih dari setahun."),
        where=lambda q: "s.days < 1 OR s.days > 365",
        detail=lambda q: detail_sql("days", days="s.days"),
    ),
    Rule(
        "R_PERSON_UNKNOWN",
        REMISSION,
        ERROR,
        gettext_noop("Remisi untuk orang yang tidak ada di paket maupun di register nasional."),
        gettext_noop("Nomor registrasi pada remisi harus merujuk orang di UPT yang sama."),
        where=_people_known_sql,
        detail=lambda q: detail_sql("reg_number", reg="s.person_reg_number"),
        own_statement=True,
    ),
    Rule(
        "R_DATE_FUTURE",
        REMISSION,
        ERROR,
        gettext_noop("Tanggal SK remisi di masa depan."),
        gettext_noop("Remisi dicatat setelah SK terbit."),
        where=lambda q: "s.decree_date > %(today)s",
        detail=lambda q: detail_sql("decree_date", date="s.decree_date"),
    ),
    Rule(
        "R_DUPLICATE_UID",
        REMISSION,
        ERROR,
        gettext_noop("Remisi yang sama (uid) muncul lebih dari sekali dalam satu paket."),
        gettext_noop("Setiap remisi memiliki uid sendiri."),
        where=_duplicate_sql("{q.staged_remission}", "uid"),
        joins=_duplicates_join("{q.staged_remission}", "uid"),
        detail=lambda q: detail_sql("reg_number", reg="s.person_reg_number"),
        own_statement=True,
        structural=True,
    ),
    Rule(
        "R_DECREE_MISSING",
        REMISSION,
        WARNING,
        gettext_noop("Nomor atau tanggal SK remisi belum diisi."),
        gettext_noop("Remisi harus dapat ditelusuri ke SK-nya."),
        where=lambda q: "trim(s.decree_number) = '' OR s.decree_date IS NULL",
        detail=lambda q: detail_sql("reg_number", reg="s.person_reg_number"),
    ),
]

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
assert len(RULES_BY_CODE) == len(RULES), "rule codes must be unique"
# The age rule's message names the bounds of ``central.register_rules``: a change there must reach it.
assert all(
    f" {n} " in RULES_BY_CODE["P_AGE_IMPLAUSIBLE"].message for n in (MINIMUM_AGE_AT_DETENTION, MAXIMUM_AGE_AT_DETENTION)
), "P_AGE_IMPLAUSIBLE's message must name the age bounds"


def statement_params(*, run_id: int, today: date) -> dict:
    return {
        "run": run_id,
        "today": today,
    }


def _record_key(record_type: str) -> str:
    return "s.reg_number" if record_type == PERSON else "CAST(s.uid AS varchar(36))"


def _insert_head(q: SqlContext) -> str:
    return (
        f"INSERT INTO {q.rowissue} "
        "(run_id, submission_id, record_type, staged_row_id, record_key, rule_id, severity, detail_code, detail_args) "
    )


def _detail_columns(detail: str) -> str:
    """``detail_code, detail_args`` from a detail's ``jsonb`` (computed for the rows that break a rule only)."""
    return f"COALESCE(({detail}) ->> 'code', ''), COALESCE(({detail}) - 'code', '{{}}'::jsonb)"


def issue_statements(q: SqlContext, rules: Iterable[Rule]) -> list[tuple[str, list[str]]]:
    """``(sql, rule codes)`` for the given rules: one combined statement per record type for the rules
    that read only the row, one statement for each rule that reads other rows."""
    statements: list[tuple[str, list[str]]] = []
    rules = list(rules)
    for record_type in (PERSON, MOVEMENT, REMISSION):
        staged = q.staged(record_type)
        key = _record_key(record_type)
        simple = [r for r in rules if r.record_type == record_type and not r.own_statement]
        if simple:
            choices = " UNION ALL ".join(
                f"SELECT '{r.code}' AS code, '{r.severity}' AS severity"
                if i == 0
                else f"SELECT '{r.code}', '{r.severity}'"
                for i, r in enumerate(simple)
            )
            hit = " ".join(f"WHEN '{r.code}' THEN ({r.where(q)})" for r in simple)
            detail = " ".join(f"WHEN '{r.code}' THEN ({r.detail(q)})" for r in simple)
            # Rows that break any rule first, each condition evaluated once per row; only those few are
            # then paired with the rules. Pairing every row with every rule (a CASE on the rule's code per
            # pair) cost more than the conditions themselves: the people of a national round took 2.1 s,
            # 1.3 s now (docs/BENCHMARKS.md). ``OFFSET 0`` keeps the filter a step of its own.
            broken = " OR ".join(f"({r.where(q)})" for r in simple)
            statements.append(
                (
                    _insert_head(q)
                    + f"SELECT %(run)s, s.submission_id, '{record_type}', s.id, {key}, r.code, r.severity, "
                    f"{_detail_columns(f'CASE r.code {detail} END')} "
                    f"FROM (SELECT s.* FROM {staged} s JOIN {q.run_sub} rs ON rs.submission_id = s.submission_id "
                    f"WHERE {broken} OFFSET 0) s "
                    f"JOIN {q.run_sub} rs ON rs.submission_id = s.submission_id "
                    f"JOIN ({choices}) r ON (CASE r.code {hit} ELSE false END)",
                    [r.code for r in simple],
                )
            )
        for rule in (r for r in rules if r.record_type == record_type and r.own_statement):
            statements.append(
                (
                    _insert_head(q) + f"SELECT %(run)s, s.submission_id, '{record_type}', s.id, {key}, '{rule.code}', "
                    f"'{rule.severity}', {_detail_columns(rule.detail(q))} "
                    f"FROM {staged} s JOIN {q.run_sub} rs ON rs.submission_id = s.submission_id "
                    f"{rule.joins(q)} WHERE {rule.where(q)}",
                    [rule.code],
                )
            )
    return statements


def validation_rules_sync() -> None:
    """Write the catalogue into ``ValidationRule`` (keeping each rule's on/off switch); rules no longer in
    the catalogue are switched off, never deleted (old issues still refer to them)."""
    with transaction.atomic():
        ValidationRule.objects.bulk_create(
            [
                ValidationRule(
                    code=r.code,
                    record_type=r.record_type,
                    severity=r.severity,
                    message=r.message,
                    description=r.description,
                    is_active=True,
                )
                for r in RULES
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["record_type", "severity", "message", "description"],
        )
        ValidationRule.objects.exclude(code__in=RULES_BY_CODE).filter(is_active=True).update(is_active=False)
        # Structural rules cannot be off, whatever was stored.
        ValidationRule.objects.filter(code__in=[r.code for r in RULES if r.structural], is_active=False).update(
            is_active=True
        )


def active_rules() -> list[Rule]:
    """The catalogue's rules that are switched on (structural rules always are)."""
    off = set(ValidationRule.objects.filter(is_active=False).values_list("code", flat=True))
    return [r for r in RULES if r.structural or r.code not in off]
