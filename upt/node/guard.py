"""At central, a UPT that runs its own node has its register there: central's entry and sending pages for
it refuse, politely, and say where the work is done. Its reports at central are untouched."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from central.mode import is_node
from central.models import Upt, UptHosting


def refuse_if_node_hosted(upt: Upt) -> None:
    """Raise PermissionDenied (shown on the 403 page) when ``upt``'s register is at its own node."""
    if not is_node() and upt.hosting == UptHosting.NODE:
        raise PermissionDenied(
            _(
                "Data %(name)s dikelola di server UPT sendiri (node): pengisian data dan Kirim ke pusat dilakukan "
                "di server itu, dan paketnya diterima pusat melalui API. Laporan UPT ini tetap tersedia di pusat."
            )
            % {"name": upt.name}
        )


def hosted_register_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """A UPT page that writes to or sends from central's copy of the register: refused for a node's UPT."""

    @functools.wraps(view)
    def wrapper(request: Any, upt_code: str, *args: Any, **kwargs: Any) -> Any:
        upt = Upt.objects.filter(code=upt_code).only("name", "hosting").first()
        if upt is not None:
            refuse_if_node_hosted(upt)
        return view(request, upt_code, *args, **kwargs)

    return wrapper
