"""``{{ issue.detail|detail_display }}``: a stored row-issue or conflict detail in the reader's language."""

from django import template

from central.detail_text import detail_display as _detail_display

register = template.Library()


@register.filter
def detail_display(text):
    return _detail_display(text)
