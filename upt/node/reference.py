"""Reference data from central at a UPT node: ``reference_sync`` copies central's Kanwil and UPT registry and
detention limits into the node's database (``GET /api/v1/reference/``, asked with the version held, so an
unchanged list costs one small 304), and ``reference_send_check`` says why the node must not send.

A node sends only packages central can read: if central accepts another package format than the one this
node's code writes, or the node has never taken central's reference data, sending is refused with a
sentence saying what to do.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from central import package as pkg
from central.models import DetentionLimit, Kanwil, Upt
from upt.node.client import CentralClient, CentralUnreachable
from upt.node.records import NodeReference

log = logging.getLogger(__name__)

REFERENCE_PATH = "/api/v1/reference/"


@dataclass
class SyncResult:
    ok: bool
    changed: bool = False  # a new version was written
    version: str = ""
    error: str = ""


def _apply(data: dict[str, Any]) -> None:
    """Write central's lists over the node's copies. UPTs and limits central no longer lists are kept: rows
    of the node's register may point at them (a UPT marked inactive is listed, with ``active`` false)."""
    kanwils = {}
    for k in data["kanwil"]:
        kanwils[k["code"]], _new = Kanwil.objects.update_or_create(
            code=k["code"], defaults={"name": k["name"], "province": k.get("province", "")}
        )
    for u in data["upts"]:
        defaults = {
            "name": u["name"],
            "upt_type": u["type"],
            "upt_class": u.get("class", ""),
            "kanwil": kanwils[u["kanwil"]],
            "city": u.get("city", ""),
            "capacity": u["capacity"],
            "is_active": u["active"],
        }
        if "hosting" in u and hasattr(Upt, "hosting"):
            defaults["hosting"] = u["hosting"]
        Upt.objects.update_or_create(code=u["code"], defaults=defaults)
    for d in data["detention_limits"]:
        DetentionLimit.objects.update_or_create(
            register=d["register"],
            effective_from=dt.date.fromisoformat(d["effective_from"]),
            defaults={
                "initial_days": d["initial_days"],
                "extension_days": d["extension_days"],
                "legal_basis": d["legal_basis"],
            },
        )


def reference_sync(*, client: CentralClient | None = None, now: dt.datetime | None = None) -> SyncResult:
    """Fetch central's reference data and, if it changed, write it in one transaction with its version."""
    client = client or CentralClient.from_settings()
    now = now or timezone.now()
    held = NodeReference.get()
    headers = {"If-None-Match": f'"{held.version}"'} if held.version else {}
    try:
        status, data = client.get_json(REFERENCE_PATH, headers=headers)
    except CentralUnreachable as exc:
        error = exc.operator_message()  # the technical detail is in the client's log
        NodeReference.objects.filter(pk=held.pk).update(attempted_at=now, error=error[:500])
        return SyncResult(ok=False, version=held.version, error=error)
    if status == 304:
        NodeReference.objects.filter(pk=held.pk).update(attempted_at=now, fetched_at=now, error="")
        return SyncResult(ok=True, version=held.version)
    if status != 200 or not isinstance(data, dict) or "version" not in data:
        detail = data.get("detail", "") if isinstance(data, dict) else ""
        error = _("Pusat menjawab HTTP %(status)s. %(detail)s") % {"status": status, "detail": detail}
        NodeReference.objects.filter(pk=held.pk).update(attempted_at=now, error=error.strip()[:500])
        return SyncResult(ok=False, version=held.version, error=error.strip())
    with transaction.atomic():
        _apply(data)
        NodeReference.objects.filter(pk=held.pk).update(
            version=data["version"],
            package_format_version=data["package_format_version"],
            rules=data.get("rules", []),
            fetched_at=now,
            changed_at=now,
            attempted_at=now,
            error="",
        )
    log.info("reference data %s taken from central", data["version"])
    return SyncResult(ok=True, changed=data["version"] != held.version, version=data["version"])


def reference_is_stale() -> bool:
    return reference_send_check() is not None


def reference_send_check() -> str | None:
    """Why the node must not send now (a sentence for the operator saying what to do), or None.

    The send service asks this before a package goes into the outbox.
    """
    held = NodeReference.objects.filter(pk=1).first()
    if held is None or not held.version or held.package_format_version is None:
        return _(
            "Server UPT ini belum pernah mengambil data acuan dari pusat, jadi belum dapat mengirim. Tekan "
            "'Perbarui dari pusat' di Daftar koreksi saat jaringan tersedia, lalu kirim lagi."
        )
    if held.package_format_version != pkg.FORMAT_VERSION:
        return _(
            "Pusat menerima format paket versi %(central)s, sedangkan server UPT ini membuat versi %(node)s: "
            "paket tidak dikirim. Minta admin memperbarui SDP di server UPT ini; data yang dicatat tetap tersimpan "
            "dan terkirim setelah pembaruan."
        ) % {"central": held.package_format_version, "node": pkg.FORMAT_VERSION}
    return None
