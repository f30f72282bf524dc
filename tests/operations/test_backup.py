"""The restore drill: a backup of a database with a consolidated world in it, restored into a fresh database on
the same server, holds every table with the same rows; a damaged backup restores nothing; old backups go."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from central.models import NationalPerson, RowIssue, Submission
from operations import backup
from tests.consolidation.helpers import consolidate, movement_values, package, person_values
from tests.dburl import database_url


def _conn(name: str | None = None) -> psycopg.Connection:
    env = backup.pg_environment({**connection.settings_dict, "NAME": name or connection.settings_dict["NAME"]})
    return psycopg.connect(
        dbname=env["PGDATABASE"],
        user=env.get("PGUSER"),
        password=env.get("PGPASSWORD"),
        host=env.get("PGHOST"),
        port=env.get("PGPORT"),
        autocommit=True,
    )


@pytest.fixture
def fresh_database():
    """An empty database on the same server, dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _conn() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _conn() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _url(name: str) -> str:
    return database_url({**connection.settings_dict, "NAME": name})


def _fingerprint(name: str) -> dict[str, tuple[int, str]]:
    """Every table of every schema: (row count, md5 of its rows ordered by primary key); sequences too."""
    out = {}
    with _conn(name) as conn:
        tables = conn.execute(
            "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' "
            "ORDER BY 2, 3"
        ).fetchall()
        for oid, schema, table in tables:
            pk = [
                r[0]
                for r in conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                    "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s AND i.indisprimary ORDER BY a.attnum",
                    [oid],
                )
            ]
            order = sql.SQL(", ").join(sql.Identifier(c) for c in pk) if pk else sql.SQL("t::text")
            count, digest = conn.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY {}), '')) FROM {}.{} t"
                ).format(order, sql.Identifier(schema), sql.Identifier(table))
            ).fetchone()
            out[f"{schema}.{table}"] = (count, digest)
        for schema, seq, value in conn.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2"
        ):
            out[f"{schema}.{seq} (sequence)"] = (value or 0, "")
    return out


def _world_with_a_run(world):
    package(
        world.upt_a,
        persons=[person_values("BI/001/2025"), person_values("BI/002/2025", nik="12345")],
        movements=[movement_values("BI/001/2025")],
    )
    package(world.upt_c, persons=[person_values("BI/003/2025", nik="3171021705900001")])
    run = consolidate(world.central)
    assert run.state == "succeeded"
    assert NationalPerson.objects.exists() and RowIssue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_every_table_equal(world, tmp_path, fresh_database, capsys):
    _world_with_a_run(world)
    call_command("backup", dir=str(tmp_path))
    dumps = list(tmp_path.glob("*.dump"))
    assert len(dumps) == 1 and "Cadangan" in capsys.readouterr().out
    sums = backup.checksum_path(dumps[0]).read_text().split()
    assert sums == [backup.file_sha256(dumps[0]), dumps[0].name]  # sha256sum's format

    call_command("restore", str(dumps[0]), database_url=_url(fresh_database))
    assert "Dipulihkan ke" in capsys.readouterr().out
    source, restored = _fingerprint(connection.settings_dict["NAME"]), _fingerprint(fresh_database)
    assert len([t for t in source if "sequence" not in t]) > 30
    assert source["public." + Submission._meta.db_table][0] == 2
    assert source == restored

    # Into a database that now holds tables: refused without --force, replaced with it.
    with pytest.raises(CommandError, match="tidak kosong"):
        call_command("restore", str(dumps[0]), database_url=_url(fresh_database))
    with _conn(fresh_database) as conn:
        conn.execute(f"DELETE FROM {RowIssue._meta.db_table}")
        conn.execute("CREATE TABLE stray_table (id int)")
    call_command("restore", str(dumps[0]), database_url=_url(fresh_database), force=True)
    assert _fingerprint(fresh_database) == source


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_and_restores_nothing(tmp_path, fresh_database):
    call_command("backup", dir=str(tmp_path))
    dump = next(tmp_path.glob("*.dump"))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match=r"Checksum cadangan .* tidak cocok"):
        call_command("restore", str(dump), database_url=_url(fresh_database))
    assert _fingerprint(fresh_database) == {}

    backup.checksum_path(dump).unlink()
    with pytest.raises(CommandError, match=r"checksum .* tidak ada"):
        call_command("restore", str(dump), database_url=_url(fresh_database))
    assert _fingerprint(fresh_database) == {}


@pytest.mark.django_db
def test_retention_keeps_the_newest_and_deletes_the_oldest(tmp_path):
    made = []
    for _ in range(4):
        call_command("backup", dir=str(tmp_path), keep=2)
        made.append(max(tmp_path.glob("*.dump")))
    left = sorted(tmp_path.glob("*.dump"))
    assert left == made[2:]
    assert sorted(tmp_path.glob("*.sha256")) == [backup.checksum_path(p) for p in made[2:]]
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in left} | {p.name + ".sha256" for p in left}


def _fake_program(tmp_path: Path, version: str) -> Path:
    """A stand-in for the wheel's programs: says its version, records its arguments and environment."""
    script = tmp_path / "fake-pg"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) {version}"; exit 0; fi\n'
        f'echo "$@" > {tmp_path}/argv\n'
        f'echo "$PGPASSWORD" > {tmp_path}/password\n'
        "exit 3\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused(tmp_path, monkeypatch):
    fake = _fake_program(tmp_path, "9.6")
    monkeypatch.setattr(backup, "pg_bin", lambda program: fake)
    with pytest.raises(CommandError, match="lebih lama dari server PostgreSQL"):
        call_command("backup", dir=str(tmp_path / "out"))
    assert not (tmp_path / "argv").exists()  # pg_dump itself never ran
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_password_goes_in_the_environment_not_on_the_command_line(tmp_path, monkeypatch):
    fake = _fake_program(tmp_path, "99")
    monkeypatch.setattr(backup, "pg_bin", lambda program: fake)
    monkeypatch.setattr(backup, "server_major", lambda settings_dict: 15)
    target = {"NAME": "sdp", "USER": "sdp", "PASSWORD": "rahasia-sekali", "HOST": "127.0.0.1", "PORT": "5432"}
    with pytest.raises(backup.BackupError, match="pg_dump gagal"):
        backup.backup_create(settings_dict=target, directory=tmp_path / "out", keep=3)
    assert "rahasia" not in (tmp_path / "argv").read_text()
    assert (tmp_path / "password").read_text().strip() == "rahasia-sekali"
    assert not list((tmp_path / "out").iterdir())  # nothing half-written is left
    assert os.environ.get("PGPASSWORD") != "rahasia-sekali"
