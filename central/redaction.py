"""Database error text without the values it quotes.

PostgreSQL names the values of a violated key (``DETAIL: Key (upt_id, nik)=(3, 3301…) already exists``) and
the row that failed a check. Such text goes to logs (``operations.log_privacy``) and is kept as a failed
consolidation run's reason, shown on its page: the constraint's name and columns stay, the values do not.
"""

from __future__ import annotations

import re

_KEY_VALUES = re.compile(r"(Key \([^)]*\)=\().*?(\) (?:already exists|is not present|conflicts with)|\)\.?$)", re.M)
_FAILING_ROW = re.compile(r"(Failing row contains \().*?(\)\.?)$", re.M)
REDACTED = "…"


def redact(text: str) -> str:
    text = _KEY_VALUES.sub(rf"\g<1>{REDACTED}\g<2>", text)
    return _FAILING_ROW.sub(rf"\g<1>{REDACTED}\g<2>", text)
