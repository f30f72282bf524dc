"""Time a UPT node's package crossing a weak link: ``python manage.py bench_node_link``.

Central is a real gunicorn (README's production config) on this process's database; the link is the loopback
proxy (devtools/netproxy.py) throttled to 256 kbit/s (32,000 B/s each way); the sender is the node's own
delivery code (``upt.node.outbox.outbox_deliver``, what the node's worker runs) on an outbox item holding a
gzip full snapshot, with the node's credential central issued for a bench UPT.

Two packages: a 5,000-row full snapshot (the issue's figure), and the largest the national seeder makes (its
most crowded UPT's occupants, each with the admission that brought them in), sent with the line cut halfway
through the first upload and the retry going through whole. Central stores each package once (checked).
The bench UPTs and their submissions stay in the database (use a scratch database).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from central.models import Kanwil, Submission, Upt
from central.reference_data import reference_data_ensure
from central.services.nodes import node_credential_issue
from devtools.national import facts
from devtools.national.bench import code_version
from devtools.national.peak import _database_url, free_port
from devtools.national.population import plan_units
from devtools.netproxy import NetProxy
from devtools.package_synthetic import synthetic_package
from upt.models import OutboxPackage, OutboxState, PackageMark
from upt.node.outbox import outbox_deliver

LINK_BYTES_PER_SECOND = 32_000  # 256 kbit/s
SUBMISSIONS = b"POST /api/v1/submissions/"


class Command(BaseCommand):
    help = "Deliver gzip full packages from a node's outbox to central through a link throttled to 256 kbit/s."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000, help="rows of the first package (default 5,000)")
        parser.add_argument("--rate", type=int, default=LINK_BYTES_PER_SECOND, help="link bytes/s each way")
        parser.add_argument("--skip-largest", action="store_true", help="only the --rows package")

    def handle(self, *args, rows: int, rate: int, skip_largest: bool, **options):
        self.say(
            f"kode {code_version()}; tautan {rate:,} B/s ({rate * 8 / 1000:g} kbit/s) tiap arah; "
            f"beban {', '.join(f'{x:.2f}' for x in os.getloadavg())} pada {os.cpu_count()} CPU"
        )
        reference_data_ensure()
        port = free_port()
        server = self.start_central(port)
        proxy = NetProxy("127.0.0.1", port).start()
        try:
            # A typical day's mix, as bench_receive's "campuran": 40 % people, 50 % movements, 10 % remissions.
            persons, movements = int(rows * 0.4), int(rows * 0.5)
            self.deliver(
                f"paket {rows:,} baris",
                proxy,
                rate,
                code="BNL0001",
                persons=persons,
                movements=movements,
                remissions=rows - persons - movements,
            )
            if not skip_largest:
                largest = max(plan_units(random.Random(1), facts.DEFAULT_PEOPLE), key=lambda unit: unit.held_target)
                self.say(f"UPT terpadat seeder nasional (--seed 1): {largest.name}, {largest.held_target:,} penghuni")
                self.deliver(
                    "paket terbesar seeder, diputus di tengah",
                    proxy,
                    rate,
                    code="BNL0002",
                    persons=largest.held_target,
                    movements=largest.held_target,
                    remissions=0,
                    cut_halfway=True,
                )
        finally:
            proxy.stop()
            server.terminate()
            server.wait(timeout=60)
        self.say(f"beban sesudah: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def start_central(self, port: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_BIND": f"127.0.0.1:{port}",
            "WEB_WORKERS": "1",
            "LOG_LEVEL": "warning",
            "SDP_MODE": "central",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-node-link-0123456789abcdefghijklmnopqrstuvwxyz",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:operations.gunicorn", "sdp_project.wsgi"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return server
            except OSError:
                time.sleep(0.2)
        server.terminate()
        raise RuntimeError("central did not start")

    def outbox_item(self, code: str, *, persons: int, movements: int, remissions: int) -> tuple[OutboxPackage, str]:
        """A bench UPT registered as a node, and its full snapshot in an outbox item as the node stores it."""
        kanwil = Kanwil.objects.order_by("code").first()
        defaults = {"name": f"UPT uji tautan {code}", "upt_type": "LAPAS", "kanwil": kanwil, "capacity": 9000}
        upt, _ = Upt.objects.get_or_create(code=code, defaults=defaults)
        _user, token = node_credential_issue(actor=None, upt=upt)
        package_id = str(uuid.uuid4())
        document = synthetic_package(
            upt_code=code,
            persons=persons,
            movements=movements,
            remissions=remissions,
            seed=7,
            package_id=package_id,
            generated_at=timezone.now(),
        )
        body = gzip.compress(json.dumps(document, ensure_ascii=False).encode(), 6)
        with transaction.atomic():
            mark = PackageMark.objects.create(package_id=package_id, upt=upt, change_seq=0)
            item = OutboxPackage.objects.create(
                package_id=package_id,
                upt=upt,
                mark=mark,
                kind="full",
                reason="first",
                generated_at=timezone.now(),
                payload=body,
                size=len(body),
                rows=persons + movements + remissions,
                state=OutboxState.WAITING,
                next_attempt_at=timezone.now(),
            )
        return item, token

    def deliver(self, label: str, proxy: NetProxy, rate: int, *, code: str, cut_halfway: bool = False, **counts):
        item, token = self.outbox_item(code, **counts)
        raw = len(gzip.decompress(bytes(item.payload)))
        self.say(
            f"{label}: {item.rows:,} baris ({counts['persons']:,} orang, {counts['movements']:,} mutasi, "
            f"{counts['remissions']:,} remisi), JSON {raw / 1024:,.0f} KiB, gzip {item.size / 1024:,.0f} KiB; "
            f"pada {rate:,} B/s minimal {item.size / rate:,.1f} s"
        )
        proxy.set_throttle(rate)
        if cut_halfway:
            proxy.set_cut_after(item.size // 2, match=SUBMISSIONS)
        attempts = []
        began = time.monotonic()
        with override_settings(SDP_CENTRAL_URL=proxy.url, SDP_NODE_TOKEN=token, SDP_NODE_TIMEOUT=600):
            for _ in range(5):
                started = time.monotonic()
                state = outbox_deliver(item)
                attempts.append((state, time.monotonic() - started))
                if state != OutboxState.WAITING:
                    break
        total = time.monotonic() - began
        item.refresh_from_db()
        stored = Submission.objects.filter(package_id=item.package_id).count()
        steps = "; ".join(f"percobaan {n}: {state} {seconds:.1f} s" for n, (state, seconds) in enumerate(attempts, 1))
        self.say(
            f"  {steps}; total {total:.1f} s; terputus {proxy.stats.cuts} kali; "
            f"tersimpan di pusat {stored} kali; status pusat {(item.answer or {}).get('state', '-')}"
        )
        if item.state != OutboxState.DELIVERED or stored != 1:
            raise RuntimeError(f"{label}: not delivered once ({item.state}, stored {stored}): {item.last_error}")
