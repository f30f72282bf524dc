"""``{{ delta|duration_words }}``: a timedelta as the reader says it ("15 menit", "1 jam, 30 menit"; in English
"15 minutes"), for pages that would otherwise print django-axes's ISO 8601 "PT15M"."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def duration_words(value: timedelta | None) -> str:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        return ""
    now = timezone.now()
    return timeuntil(now + value, now)
