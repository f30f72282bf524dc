"""Report reads from a real PostgreSQL streaming replica (``DATABASE_REPLICA_URL``, central/replica.py).

Two embedded servers — a primary and a replica made from it with ``pg_basebackup`` — and SDP run against
them in a child process, as a deployment would configure it. The replica's replay is paused to make it lag:
what a page shows then tells which server it read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from operations import embedded

# Runs inside `manage.py shell` with DATABASE_URL = primary, DATABASE_REPLICA_URL = replica; prints what it saw.
SCRIPT = textwrap.dedent(
    """
    import json, time
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client
    from central.models import Kanwil, Upt, UptType
    from central.reference_data import reference_data_ensure
    from central.roles import Role
    from central.services.roles import role_assign

    reference_data_ensure()
    User = get_user_model()
    central = User.objects.create_user("pusat.replika", password="x")
    role_assign(user=central, role=Role.CENTRAL)
    monitor = User.objects.create_user("kanwil.replika", password="x")
    region = Kanwil.objects.order_by("code")[0]
    other = Kanwil.objects.order_by("code")[1]
    role_assign(user=monitor, role=Role.KANWIL, kanwil=region)
    upt = Upt.objects.create(
        code=f"LP{region.code}01", name="Lapas Replika Lama", upt_type=UptType.LAPAS, kanwil=region, capacity=100
    )
    NOTE = "salinan basis data"

    def text(response):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return body.decode("utf-8-sig")

    def wait_caught_up():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            target = cursor.fetchone()[0]
        with connections["replica"].cursor() as cursor:
            for _ in range(300):
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.1)
        raise AssertionError("the replica did not catch up")

    def replay(paused):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")

    seen = {}
    wait_caught_up()
    reader = Client()
    reader.force_login(central)
    page = reader.get("/laporan/nasional/")
    seen["before"] = [page.status_code, region.name in text(page), NOTE in text(page)]

    replay(paused=True)
    Kanwil.objects.filter(pk=region.pk).update(name="Kanwil Uji Replika")  # committed on the primary
    Upt.objects.filter(pk=upt.pk).update(name="Lapas Replika Baru")
    role_assign(user=monitor, role=Role.KANWIL, kanwil=other)  # a region just granted
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        seen["replica_in_recovery"] = cursor.fetchone()[0]

    html = text(reader.get("/laporan/nasional/"))
    seen["lagging_page"] = ["Kanwil Uji Replika" in html, region.name in html, NOTE in html]
    export = reader.get(f"/laporan/wilayah/{region.code}/", {"format": "csv", "tabel": "upt"})
    csv = text(export)
    seen["lagging_export"] = [export.status_code, "Lapas Replika Baru" in csv, "Lapas Replika Lama" in csv]
    api = reader.get("/api/v1/reports/occupancy/")
    seen["lagging_api"] = [api.status_code, "Lapas Replika Baru" in text(api), "Lapas Replika Lama" in text(api)]
    # The admin is not a report: it reads the primary.
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin.replika", password="x"))
    seen["admin"] = "Kanwil Uji Replika" in text(admin.get("/admin/central/kanwil/"))
    # Scope is decided on the primary: the region granted a moment ago opens though the replica lags.
    watcher = Client()
    watcher.force_login(monitor)
    seen["new_region"] = watcher.get(f"/laporan/wilayah/{other.code}/").status_code

    # Having changed something (any successful POST), the same browser reads the primary.
    changed = reader.post("/i18n/setlang/", {"language": "id", "next": "/laporan/nasional/"})
    html = text(reader.get("/laporan/nasional/"))
    seen["after_post"] = [changed.status_code, "Kanwil Uji Replika" in html, NOTE in html]

    replay(paused=False)
    wait_caught_up()
    fresh = Client()
    fresh.force_login(central)
    html = text(fresh.get("/laporan/nasional/"))
    seen["caught_up"] = ["Kanwil Uji Replika" in html, NOTE in html]
    print("SEEN=" + json.dumps(seen))
    """
)


@pytest.fixture
def primary_and_replica(tmp_path):
    primary, replica = tmp_path / "primary", tmp_path / "replica"
    try:
        embedded.pg_ensure_running(primary)
        env = _env(primary, replica=None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            env=env,
            cwd=settings.BASE_DIR,
            check=True,
            timeout=600,
        )
        embedded.pg_replica_start(primary, replica)
        yield primary, replica
    finally:
        embedded.pg_stop(replica)
        embedded.pg_stop(primary)


def _env(primary, replica) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_SETTINGS"))}
    env |= {
        "DATABASE_URL": embedded.database_url(primary),
        "SECRET_KEY": "replica-test",
        "DEBUG": "true",  # static files served as in development (no collectstatic manifest)
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_REPLICA_LAG_NOTE_SECONDS": "0",
    }
    if replica is not None:
        env["DATABASE_REPLICA_URL"] = embedded.database_url(replica)
    return env


def test_reports_read_the_replica_and_say_when_it_lags_while_scope_writes_and_the_admin_use_the_primary(
    primary_and_replica,
):
    primary, replica = primary_and_replica
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        env=_env(primary, replica),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.split("SEEN=", 1)[1])

    assert seen["before"] == [200, True, False]  # caught up: no lag note
    assert seen["replica_in_recovery"] is True
    # Paused replica: the page, its export and the report API show the replica's (old) name, and the page
    # says its data are "per" the replica's last replayed moment.
    assert seen["lagging_page"] == [False, True, True]
    assert seen["lagging_export"] == [200, False, True]
    assert seen["lagging_api"] == [200, False, True]
    assert seen["admin"] is True
    assert seen["new_region"] == 200
    assert seen["after_post"] == [302, True, False]
    assert seen["caught_up"] == [True, False]
