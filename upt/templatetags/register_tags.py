"""Small display helpers for the register's pages."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def absolute(value):
    """``-3|absolute`` → 3: "overdue by 3 days" reads better than "−3 days left"."""
    try:
        return abs(value)
    except TypeError:
        return value


@register.inclusion_tag("upt/_days_left.html")
def days_left(days, red=3, yellow=10):
    """A badge for days remaining: red when overdue or within ``red`` days, yellow within ``yellow``."""
    return {"days": days, "red": red, "yellow": yellow}


@register.filter
def years(days):
    """Days as years with one decimal (1 234 → "3,4" in Indonesian), for far-off dates."""
    return number_format(days / 365.25, 1)
