"""Registration numbers a UPT gives: the next free one in a register's book for a year."""

from __future__ import annotations

import re

from central.models import Upt
from upt.models import Person


def reg_number_prefix(register: str) -> str:
    """The register as registration numbers spell it: B.IIa → ``BIIa`` (as in ``BIIa.0012/2026``)."""
    return register.replace(".", "")


def reg_number_suggestions(*, upt: Upt, registers: list[str], year: int) -> dict[str, str]:
    """The next number of each register's book at ``upt`` for ``year``, as ``<prefix>.<NNNN>/<year>``: one
    above the highest of that form the UPT's people hold or held (the change history keeps the numbers a
    later register change replaced: a number is not given twice). Two queries for all the registers."""
    prefixes = {reg_number_prefix(register).casefold(): register for register in registers}
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(prefixes))
    pattern = rf"^({alternatives})\.([0-9]{{1,6}})/{year}$"
    held = Person.objects.filter(upt=upt, reg_number__iregex=pattern).values_list("reg_number", flat=True)
    was = Person.history.filter(upt_id=upt.pk, reg_number__iregex=pattern).values_list("reg_number", flat=True)
    highest = dict.fromkeys(prefixes, 0)
    for number in {*held, *was}:
        match = re.match(pattern, number, re.IGNORECASE)
        if match:
            key = match.group(1).casefold()
            highest[key] = max(highest[key], int(match.group(2)))
    return {
        register: f"{reg_number_prefix(register)}.{highest[prefix] + 1:04d}/{year}"
        for prefix, register in prefixes.items()
    }


def reg_number_next(*, upt: Upt, register: str, year: int) -> str:
    """The next free number of one register's book (see ``reg_number_suggestions``)."""
    return reg_number_suggestions(upt=upt, registers=[register], year=year)[register]
