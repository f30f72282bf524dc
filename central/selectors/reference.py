"""The reference data a UPT node takes from central (``GET /api/v1/reference/``): the Kanwil and UPT
registry, the rule catalogue and the detention limits, with the package format central accepts.

Central is the authority for these lists; a node copies them (``upt.node.reference``) and never edits
them. ``version`` is a hash of the content, so the same lists always carry the same version and a node
asks again with ``If-None-Match`` for nothing when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from central import package as pkg
from central.models import DetentionLimit, Kanwil, Upt, ValidationRule
from central.scoping import Action, can
from central.typing import AnyUser


def may_read_reference(*, user: AnyUser) -> bool:
    """Anyone who sends or reads reports for some unit (a node's token is its UPT's operator)."""
    return can(user, Action.VIEW)


def _hosting(upt: Upt) -> str:
    # A UPT without a node of its own is hosted at central (every UPT until the registry records nodes).
    return str(getattr(upt, "hosting", "") or "hosted")


def _rule_texts(message: str) -> dict[str, str]:
    with translation.override("en"):
        english = gettext(message)
    return {"id": message, "en": english}


def reference_content() -> dict[str, Any]:
    """Everything the version covers (all but ``generated_at``), in a fixed order."""
    kanwils = [{"code": k.code, "name": k.name, "province": k.province} for k in Kanwil.objects.order_by("code")]
    upts = [
        {
            "code": u.code,
            "name": u.name,
            "short_name": u.short_name,
            "type": u.upt_type,
            "class": u.upt_class,
            "kanwil": u.kanwil.code,
            "city": u.city,
            "capacity": u.capacity,
            "active": u.is_active,
            "hosting": _hosting(u),
        }
        for u in Upt.objects.select_related("kanwil").order_by("code")
    ]
    rules = [
        {
            "code": r.code,
            "record_type": r.record_type,
            "severity": r.severity,
            "active": r.is_active,
            "text": _rule_texts(r.message),
        }
        for r in ValidationRule.objects.order_by("code")
    ]
    limits = [
        {
            "register": d.register,
            "effective_from": d.effective_from.isoformat(),
            "initial_days": d.initial_days,
            "extension_days": d.extension_days,
            "legal_basis": d.legal_basis,
        }
        for d in DetentionLimit.objects.order_by("register", "effective_from")
    ]
    return {
        "package_format_version": pkg.FORMAT_VERSION,
        "kanwil": kanwils,
        "upts": upts,
        "rules": rules,
        "detention_limits": limits,
    }


def reference_version(content: dict[str, Any]) -> str:
    """A stable hash of the content: the same lists give the same version on every server and every day."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
