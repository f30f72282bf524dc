"""``manage.py node_credential LP1234``: issue the node credential of one UPT and print its token once
(``--revoke`` revokes it instead). The UPT is marked as a node (central.services.nodes)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from central.models import Upt
from central.services.nodes import node_credential_issue, node_credential_revoke


class Command(BaseCommand):
    help = "Issue (or with --revoke, revoke) the API credential of a UPT's node; prints the token once."

    def add_arguments(self, parser):
        parser.add_argument("upt_code")
        parser.add_argument("--revoke", action="store_true", help="revoke the node's tokens instead")

    def handle(self, *args, upt_code: str, revoke: bool, **options):
        upt = Upt.objects.filter(code=upt_code).first()
        if upt is None:
            raise CommandError(f"No UPT with code {upt_code!r}.")
        if revoke:
            count = node_credential_revoke(actor=None, upt=upt)
            self.stdout.write(f"{count} token(s) of the node of {upt.code} revoked.")
            return
        user, token = node_credential_issue(actor=None, upt=upt)
        self.stderr.write(f"Node credential of {upt.code} ({user.get_username()}); shown once:")
        self.stdout.write(token)
