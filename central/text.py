"""The one sanitizer for text entering SDP, whatever the way in: web forms (``SanitizedInputMixin`` on every
entry form, the admin's included), and the API and file packages (``central.package``'s string fields).

Direction controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C) can turn a name around on screen, and
zero-width characters (U+200B–200D, U+2060–2064, U+FEFF, the soft hyphen U+00AD) make two spellings of a name
or a NIK look the same while comparing different. Neither has a place in a register's data, so they are removed
before anything is checked or stored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict

INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    """``text`` without direction controls and zero-width characters."""
    return INVISIBLE.sub("", text)


def _clean(value: Any) -> Any:
    return strip_invisible(value) if isinstance(value, str) else value


def form_data_sanitize(data: Mapping[str, Any], *, keep: frozenset[str] = frozenset()) -> Mapping[str, Any]:
    """A form's submitted data with every text value sanitized (files untouched); fields named in ``keep``
    (passwords: what the user typed is what they will type again) are left as they came."""
    if isinstance(data, QueryDict):
        clean = data.copy()
        for key in clean:
            if key not in keep:
                clean.setlist(key, [_clean(value) for value in data.getlist(key)])
        return clean
    return {key: value if key in keep else _clean(value) for key, value in data.items()}


if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is mixed into
else:
    _FormBase = object


class SanitizedInputMixin(_FormBase):
    """For every form that takes text into SDP: the submitted data is sanitized before any field sees it, so
    validation, the stored value and the page showing it again all have the same clean text."""

    sanitize_keep: frozenset[str] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            keep = self.sanitize_keep | {name for name in self.data if "password" in name}
            self.data = form_data_sanitize(self.data, keep=frozenset(keep))


class SanitizedModelForm(SanitizedInputMixin, forms.ModelForm):
    """The admin's default form (``ScopedModelAdmin.form``): the same sanitizer as the operators' pages."""
