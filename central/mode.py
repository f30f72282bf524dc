"""Which kind of server this is: central (the default) or a UPT node (``SDP_MODE=upt``).

Every place that behaves differently at a node asks here, never compares the setting's string itself. It
lives in central, the bottom layer, so every app may ask.
"""

from __future__ import annotations

from django.conf import settings


def is_node() -> bool:
    """True on a UPT's own server: it sends to central's API instead of holding the national register."""
    return getattr(settings, "SDP_MODE", "central") == "upt"


def node_upt_code() -> str:
    """The code of the one UPT a node serves ('' at central)."""
    return str(getattr(settings, "SDP_UPT_CODE", "") or "") if is_node() else ""
