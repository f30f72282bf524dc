"""The demo's daily packages: every demo UPT but the first has already sent its first (full) package, so
central's inbox, the Kanwil's view of who has sent and each UPT's history have something to show, while
the first demo operator can press "Kirim ke pusat" themselves."""

from __future__ import annotations

from typing import Any

from central.models import Upt
from central.selectors.inbox import submissions_for
from upt.services.package import package_send


def demo_packages_send(operators: list[tuple[Upt, Any]], *, leave_unsent: str | None) -> list[str]:
    """Send the first package of each (UPT, operator) that has sent none yet. Returns the UPT codes sent."""
    sent = []
    for upt, user in operators:
        if upt.code == leave_unsent or submissions_for(user=user, upt=upt).exists():
            continue
        package_send(user=user, upt=upt)
        sent.append(upt.code)
    return sent
