"""``{% page_url n %}``: the current list's address at page ``n``, its filters and sort kept."""

from __future__ import annotations

from django import template

from central.pagination import page_query

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    return f"?{page_query(context['request'], number)}"
