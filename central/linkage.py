"""Keys that find the same human across UPTs when there is no NIK (DESIGN §1, linkage)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Honorifics and particles that a name is written with or without; they do not tell people apart.
_NOISE_WORDS = {"bin", "binti", "bt", "bn", "h", "hj", "haji", "hajjah", "dr", "ir", "drs", "s", "alias", "als"}
_NON_LETTERS = re.compile(r"[^a-z ]+")


def normalise_name(text: str) -> str:
    """Lower-case ASCII letters, single spaces, without honorifics: "H. Muh. Ali bin Umar" → "muh ali umar"."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = _NON_LETTERS.sub(" ", ascii_text.lower()).split()
    return " ".join(w for w in words if w not in _NOISE_WORDS)


def name_key(full_name: str, birth_date: date | None, birth_place: str) -> str:
    """``name|YYYY-MM-DD|place``, or empty when the name or birth date is missing (too weak to link on)."""
    name = normalise_name(full_name)
    if not name or birth_date is None:
        return ""
    return f"{name}|{birth_date.isoformat()}|{normalise_name(birth_place)}"[:250]
