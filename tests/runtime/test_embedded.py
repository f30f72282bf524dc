"""The embedded PostgreSQL and Redis (``operations/embedded.py``): started from the wheels, data kept across
restarts, found by ``manage.py`` commands, and every fault a newcomer can meet answered with what to do.

These start real servers in a temporary ``var/``; nothing here touches the test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import redis

from operations import embedded

ROOT = Path(__file__).resolve().parents[2]


def _processes() -> dict[int, tuple[int, bytes]]:
    """Every live process: pid → (parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state != "Z":
            found[int(entry.name)] = (int(parent), command)
    return found


def _postgres_pids(var_dir: Path) -> list[int]:
    """Processes of the PostgreSQL server whose data is in ``var_dir``: the postmaster and its children."""
    data = str(embedded.pg_data_dir(var_dir)).encode()
    processes = _processes()
    postmasters = {
        pid
        for pid, (_, command) in processes.items()
        if command.split(b"\0")[0].endswith(b"/postgres") and data in command
    }
    return sorted(postmasters | {pid for pid, (parent, _) in processes.items() if parent in postmasters})


def _connect(var_dir: Path) -> psycopg.Connection:
    host = str(embedded.socket_dir(var_dir))
    return psycopg.connect(host=host, port=embedded.PORT, user="postgres", dbname="sdp", autocommit=True)


@pytest.fixture
def var_dir(tmp_path):
    var = tmp_path / "var"
    yield var
    if var.exists():
        embedded.redis_stop(var)
        embedded.pg_stop(var)


def test_first_start_creates_the_server_and_the_database_and_a_restart_keeps_the_data(var_dir):
    assert embedded.pg_ensure_running(var_dir) is True  # initialised and started by this call
    with _connect(var_dir) as conn:
        version = conn.execute("SHOW server_version_num").fetchone()[0]
        conn.execute("CREATE TABLE kept (name text)")
        conn.execute("INSERT INTO kept VALUES ('Karanganyar')")
        collation = conn.execute("SELECT datcollate FROM pg_database WHERE datname = 'sdp'").fetchone()[0]
    assert int(version) // 10000 == embedded.pg_major_version() == 18
    assert collation == "C.UTF-8"
    assert embedded.pg_ensure_running(var_dir) is False  # already running: reused, not started again

    embedded.pg_stop(var_dir)
    assert not embedded.pg_is_running(var_dir) and _postgres_pids(var_dir) == []
    assert embedded.pg_ensure_running(var_dir) is True
    with _connect(var_dir) as conn:
        assert conn.execute("SELECT name FROM kept").fetchall() == [("Karanganyar",)]


def test_the_server_opens_no_tcp_port(var_dir):
    embedded.pg_ensure_running(var_dir)
    with _connect(var_dir) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""


GIB = 1024**3


@pytest.mark.parametrize(
    ("memory", "expected"),
    [
        # A small UPT node keeps PostgreSQL's floor; this project's 24 GiB machine; a large central server.
        (2 * GIB, {"shared_buffers": "512MB", "effective_cache_size": "1024MB", "work_mem": "4MB",
                   "maintenance_work_mem": "128MB", "max_wal_size": "1024MB"}),
        (24 * GIB, {"shared_buffers": "6144MB", "effective_cache_size": "12288MB", "work_mem": "32MB",
                    "maintenance_work_mem": "1024MB", "max_wal_size": "4096MB"}),
        (256 * GIB, {"shared_buffers": "8192MB", "effective_cache_size": "65536MB", "work_mem": "32MB",
                     "maintenance_work_mem": "1024MB", "max_wal_size": "4096MB"}),
    ],
)  # fmt: skip
def test_the_servers_settings_are_sized_from_the_machines_memory(memory, expected):
    settings = embedded.tuned_settings(memory)
    assert {name: settings[name] for name in expected} == expected
    assert (settings["jit"], settings["random_page_cost"]) == ("off", "1.1")


def test_the_running_server_uses_the_sized_settings_and_alter_system_still_wins(var_dir):
    embedded.pg_ensure_running(var_dir)
    want = embedded.tuned_settings(embedded.machine_memory())
    with _connect(var_dir) as conn:
        shown = conn.execute("SELECT setting::bigint * pg_size_bytes(coalesce(unit, '1')) FROM pg_settings "
                             "WHERE name = 'shared_buffers'").fetchone()[0]  # fmt: skip
        assert shown == int(want["shared_buffers"].removesuffix("MB")) * 1024 * 1024
        assert conn.execute("SHOW jit").fetchone()[0] == "off"
        assert conn.execute("SHOW checkpoint_timeout").fetchone()[0] == "15min"
        conn.execute("ALTER SYSTEM SET work_mem = '7MB'")  # the administrator's own choice
    embedded.pg_stop(var_dir)
    embedded.pg_ensure_running(var_dir)  # the settings file is written again at every start
    with _connect(var_dir) as conn:
        assert conn.execute("SHOW work_mem").fetchone()[0] == "7MB"
        assert conn.execute("SHOW jit").fetchone()[0] == "off"
    conf = (embedded.pg_data_dir(var_dir) / "postgresql.conf").read_text()
    assert conf.count(f"include_if_exists = '{embedded.TUNING_FILE}'") == 1  # included once, not per start


def test_a_crashed_server_is_recovered_at_the_next_start(var_dir):
    embedded.pg_ensure_running(var_dir)
    server = _postgres_pids(var_dir)
    postmaster = int((embedded.pg_data_dir(var_dir) / "postmaster.pid").read_text().splitlines()[0])
    os.kill(postmaster, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while set(server) & set(_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)  # its children notice the postmaster is gone and end
    assert not set(server) & set(_processes())
    assert (embedded.pg_data_dir(var_dir) / "postmaster.pid").exists()  # the stale file a crash leaves

    assert embedded.pg_ensure_running(var_dir) is True
    with _connect(var_dir) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_a_stale_pid_file_naming_another_live_process_is_recovered(var_dir):
    embedded.pg_ensure_running(var_dir)
    embedded.pg_stop(var_dir)
    # After a reboot the number in postmaster.pid may belong to any process: PostgreSQL then refuses to start.
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        pid_file = embedded.pg_data_dir(var_dir) / "postmaster.pid"
        pid_file.write_text(f"{sleeper.pid}\n{embedded.pg_data_dir(var_dir)}\n0\n5432\n\n\n\nready\n")
        assert embedded.pg_ensure_running(var_dir) is True
        assert int(pid_file.read_text().splitlines()[0]) != sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()


def test_data_of_another_major_version_is_refused_with_what_to_do(var_dir):
    data = embedded.pg_data_dir(var_dir)
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("16\n")
    with pytest.raises(embedded.EmbeddedError) as refused:
        embedded.pg_ensure_running(var_dir)
    message = str(refused.value)
    assert "PostgreSQL 16" in message and "PostgreSQL 18" in message
    assert f"mv {data} {data}-16" in message and "pg_upgrade" in message
    assert _postgres_pids(var_dir) == []
    assert (data / "PG_VERSION").read_text() == "16\n"  # nothing of the old data touched


def test_a_var_folder_that_cannot_be_written_is_refused_with_what_to_do(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(embedded.EmbeddedError) as refused:
        embedded.pg_ensure_running(blocker / "var")
    assert "Cannot write to" in str(refused.value) and "SDP_VAR_DIR" in str(refused.value)


def test_a_failed_initdb_leaves_nothing_half_made(var_dir, monkeypatch):
    # The locale an initdb needs is missing: initdb fails, and the next start begins from scratch.
    original = embedded._pg

    def failing(program, *args, **kwargs):
        if program == "initdb":
            args = tuple("xx_NOWHERE" if a == "C.UTF-8" else a for a in args)
        return original(program, *args, **kwargs)

    monkeypatch.setattr(embedded, "_pg", failing)
    with pytest.raises(embedded.EmbeddedError, match="initdb failed"):
        embedded.pg_ensure_running(var_dir)
    assert not embedded.pg_data_dir(var_dir).exists()
    monkeypatch.setattr(embedded, "_pg", original)
    assert embedded.pg_ensure_running(var_dir) is True


def test_a_long_checkout_path_gets_a_short_socket_folder(tmp_path):
    deep = tmp_path / ("x" * 80) / "var"
    assert len(str(deep / "run" / ".s.PGSQL.5432")) > 100
    assert len(str(embedded.socket_dir(deep) / ".s.PGSQL.5432")) <= 100
    assert embedded.socket_dir(deep) == embedded.socket_dir(deep)  # the same folder every time


def test_manage_py_commands_find_the_embedded_server_and_stop_what_they_started(var_dir):
    """As a command finds var/secret_key, it finds var/postgres: started for the command when it is down
    (and stopped again when the command ends), used as it is when the system runs."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SDP_VAR_DIR=str(var_dir), SECRET_KEY="x" * 50)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    migrated = manage("migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    assert _postgres_pids(var_dir) == []  # the command started the server and stopped it

    embedded.pg_ensure_running(var_dir)  # now "the system" runs it
    shown = manage("showmigrations", "central", "--plan")
    assert shown.returncode == 0, shown.stderr
    assert "[X]  central.0001" in shown.stdout  # the data migrate wrote, found again
    assert _postgres_pids(var_dir)  # and the command left the system's server running


def test_embedded_redis_answers_on_its_socket_and_stops(var_dir):
    url = embedded.redis_start(var_dir)
    assert url.startswith("redis+socket://")
    client = redis.Redis(unix_socket_path=str(embedded.redis_socket(var_dir)))
    assert client.ping()
    client.set("kunci", "nilai")
    assert client.get("kunci") == b"nilai"
    embedded.redis_stop(var_dir)
    assert not embedded.redis_socket(var_dir).exists()
    with pytest.raises(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(embedded.redis_socket(var_dir)), socket_timeout=1).ping()
