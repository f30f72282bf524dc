"""``manage.py node_bootstrap``: a node's first start (run by scripts/start at a node instead of the demo).

Fetches central's reference data (the node's Kanwil and UPT rows come from it) and, when the node has no
administrator yet, creates one and prints its password once: the administrator then adds the UPT's own
operators and heads in the admin with the usual roles.
"""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from central.mode import is_node, node_upt_code
from central.models import Upt
from upt.node.reference import reference_sync


class Command(BaseCommand):
    help = "First start of a UPT node: central's reference data, and an administrator if there is none."

    def handle(self, *args, **options):
        if not is_node():
            raise CommandError("Not a node (SDP_MODE is not 'upt'): run scripts/node-register first.")
        result = reference_sync()
        if result.ok:
            self.stdout.write(f"Data acuan pusat / central's reference data: versi {result.version or '-'}.")
        else:
            self.stdout.write(f"Data acuan pusat belum diambil / reference data not fetched: {result.error}")
        code = node_upt_code()
        if not Upt.objects.filter(code=code).exists():
            self.stdout.write(f"UPT {code} belum ada di server ini; dicoba lagi pada start berikutnya.")
        users = get_user_model()
        if users.objects.filter(is_superuser=True, is_active=True).exists():
            return
        password = os.environ.get("SDP_NODE_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        users.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(f"Admin node / node administrator: admin / {password}  (catat sekarang / note it now)")
